/* SPDX-License-Identifier: Apache-2.0 */
/* Private to container.c and init.c: the container init's context and the
   parent <-> init sync protocol. */
#ifndef GUARDRUN_INIT_H
#define GUARDRUN_INIT_H

#include <stdint.h>
#include <guardrun/container.h>
#include <guardrun/seccomp.h>
#include <guardrun/state.h>

/* One SOCK_SEQPACKET message per step; errors travel as text so the
   parent prints the child's one-line cause. */
enum {
  GR_SYNC_CONTINUE = 1,  /* parent -> init: go on (value: host pid) */
  GR_SYNC_ERROR,         /* either way: text is the message */
  GR_SYNC_HOOKS,         /* init -> parent: run prestart + createRuntime */
  GR_SYNC_CONSOLE,       /* init -> parent: the pty master follows */
  GR_SYNC_READY,         /* init -> parent: set up, waiting */
  GR_SYNC_GO_EXEC,       /* parent -> init: exec now (run) */
  GR_SYNC_GO_WAIT,       /* parent -> init: wait for `start` (create) */
};

#define GR_SYNC_TEXT_MAX 4000
typedef struct {
  uint32_t type;
  int32_t value;
  char text[GR_SYNC_TEXT_MAX];
} gr_sync_msg;

int gr_sync_send (int fd, uint32_t type, int32_t value, const char *text);
/* 0 on EOF, -1 on error, else the message length */
ssize_t gr_sync_recv (int fd, gr_sync_msg *m);

typedef struct {
  const gr_spec *spec;
  gr_state *state;            /* for the hooks' state JSON */
  const char *rootfs;
  gr_ns_plan ns;
  int sync_fd;                /* init's end */
  int start_fd;               /* listening socket `start` connects to, or -1 */
  int console_fd;             /* where the pty master goes, -1: no terminal */
  unsigned preserve_fds;
  bool no_pivot, no_new_keyring, userns;
  const gr_seccomp_prog *seccomp;
  int seccomp_listener;       /* linux.seccomp.listenerPath, connected */
  const char *apparmor, *selinux, *mount_label;
  char **extra_env;           /* LISTEN_FDS/LISTEN_PID, or NULL */
} gr_init_ctx;

/* the container init, from clone to execve */
_Noreturn void gr_init_main (gr_init_ctx *c);

/* the pid namespace's view of time: wait for a pid to exit */
int gr_pidfd_open (pid_t pid);

#endif
