/* SPDX-License-Identifier: Apache-2.0 */
#ifndef GUARDRUN_CONTAINER_H
#define GUARDRUN_CONTAINER_H

/*
 * The container lifecycle (container.c) and the pieces it is built from:
 * namespaces (ns.c), the process attributes applied right before execve
 * (proc.c), OCI hooks (hooks.c), the terminal (console.c) and the
 * CVE-2019-5736 defence (selfexe.c).  `exec` reuses the proc/hooks/console
 * parts for the processes it starts.
 */
#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>
#include <guardrun/error.h>
#include <guardrun/spec.h>
#include <guardrun/state.h>

/* ------------------------------------------------------------ lifecycle */
typedef struct {
  const char *root;            /* state root */
  const char *id;
  const char *bundle;          /* NULL: the current directory */
  const char *console_socket;  /* AF_UNIX path that receives the pty master */
  const char *pid_file;
  const char *policy;          /* --policy (NULL: default lookup) */
  const char *policy_mode;     /* --policy-mode (NULL: the policy's) */
  unsigned preserve_fds;       /* fds 3 .. 3+N-1 go to the container */
  bool no_pivot, no_new_keyring, systemd_cgroup;
  bool detach, keep;           /* `run` only */
} gr_create_opts;

/* `create`: everything is set up, the process waits before execve until
   `start`.  Returns when the container is in the "created" state. */
int gr_container_create (const gr_create_opts *o, gr_error **err);
/* `run`: create + start.  Foreground: waits, forwards signals and returns
   the exit status of the process (0-255, 128+N for signal N); detached:
   returns 0 once the process runs. */
int gr_container_run (const gr_create_opts *o, gr_error **err);
int gr_container_start (const char *root, const char *id, gr_error **err);
int gr_container_kill (const char *root, const char *id, int sig, bool all,
                       gr_error **err);
int gr_container_delete (const char *root, const char *id, bool force,
                         gr_error **err);

/* ------------------------------------------------------------ namespaces */
/* "pid" -> CLONE_NEWPID ...; 0 if unknown */
int gr_ns_clone_flag (const char *type);
/* /proc/self/ns/<name> name of a namespace type ("network" -> "net") */
const char *gr_ns_proc_name (const char *type);

typedef struct {
  unsigned long clone_flags;   /* namespaces created by clone */
  bool new_time;               /* time ns: unshare in the child (offsets) */
  int join_fd[8];              /* fds of namespaces joined by path, user
                                  first; -1 terminated */
  int join_type[8];
} gr_ns_plan;

/* In the parent: which namespaces to create and open the ones joined by
   path (so a bad path fails before anything exists). */
int gr_ns_plan_make (const gr_spec *s, gr_ns_plan *plan, gr_error **err);
void gr_ns_plan_close (gr_ns_plan *plan);
/* In the parent, right after clone: uid_map/gid_map (setgroups deny when
   unprivileged). */
int gr_ns_write_id_maps (pid_t pid, const gr_spec *s, gr_error **err);
/* In the child: setns() into the joined namespaces (user first), then the
   time namespace with its offsets. */
int gr_ns_join (const gr_ns_plan *plan, gr_error **err);
int gr_ns_setup_time (const gr_spec *s, gr_error **err);
/* hostname/domainname; sysctl through /proc/sys, namespaced keys only */
int gr_ns_set_uts (const gr_spec *s, gr_error **err);
int gr_ns_check_sysctl (const gr_spec *s, bool private_net, gr_error **err);
int gr_ns_write_sysctl (const gr_spec *s, gr_error **err);

/* ------------------------------------------------------------ process */
/* Each of these runs in the container's process, after pivot_root. */
int gr_proc_set_rlimits (const gr_process *p, gr_error **err);
int gr_proc_set_personality (const gr_personality *pers, gr_error **err);
int gr_proc_set_sched (const gr_process *p, gr_error **err);
int gr_proc_set_cpu_affinity (const char *cpus, gr_error **err);
/* cwd resolved inside the container, created when missing (as runc does);
   a cwd outside the root (e.g. a leaked fd, CVE-2024-21626) fails */
int gr_proc_chdir (const char *cwd, gr_error **err);
/* groups, gid, uid, the five capability sets, umask */
int gr_proc_set_identity (const gr_process *p, gr_error **err);
int gr_proc_set_no_new_privs (const gr_process *p, gr_error **err);
/* process.env, with HOME from the container's /etc/passwd when missing;
   extra (NULL-terminated, may be NULL) appended */
char **gr_proc_env (const gr_process *p, char **extra);
/* args[0] resolved with the env's PATH; errors as runc ("executable file
   not found in $PATH", "no such file or directory", "permission denied") */
int gr_proc_find_exec (const char *arg0, char *const *env, char **path,
                       gr_error **err);
/* reset signal dispositions and the mask before execve */
void gr_proc_reset_signals (void);

/* ------------------------------------------------------------ hooks */
/* Run every hook of a kind with the state JSON on stdin.  Returns -1 with
   "<kind> hook #i (path) failed: ..." on the first failure. */
int gr_hooks_run (const gr_spec *s, enum gr_hook_kind kind,
                  const char *state_json, gr_error **err);
/* the same, but a failure only logs a warning (poststart, poststop) */
void gr_hooks_run_warn (const gr_spec *s, enum gr_hook_kind kind,
                        const char *state_json);

/* ------------------------------------------------------------ console */
/* connect to an AF_UNIX stream socket (any path length); what names it in
   errors */
int gr_unix_connect (const char *path, const char *what, gr_error **err);
/* one message with data and fd attached (SCM_RIGHTS) */
int gr_send_fd (int sock, int fd, const void *data, size_t len,
                gr_error **err);
/* connect to --console-socket (in the parent, before clone) */
int gr_console_connect (const char *path, gr_error **err);
/* In the child after pivot: a pty from the container's /dev/ptmx, the
   slave bind-mounted on /dev/console and made stdio and the controlling
   terminal; the master is sent over sock (SCM_RIGHTS, as runc) */
int gr_console_setup (const gr_process *p, int sock, gr_error **err);
int gr_console_send_fd (int sock, int fd, gr_error **err);
int gr_console_recv_fd (int sock, gr_error **err);
/* foreground `run` with a terminal and no socket: copy stdio <-> master
   until the master hangs up; SIGWINCH resizes */
int gr_console_proxy_start (int master, gr_error **err);
void gr_console_proxy_stop (void);
/* in a poll loop: the proxy's fds and one step of copying */
int gr_console_proxy_fds (int *fds, int max);
void gr_console_proxy_step (int fd);
void gr_console_resize (int master);

/* ------------------------------------------------------------ self exe */
/* CVE-2019-5736: make sure /proc/self/exe cannot be used to overwrite the
   runtime binary.  When the binary is not already on a read-only mount,
   re-exec through a detached read-only bind mount of itself (falling back
   to a sealed memfd copy), with the same argv and environment.  Returns 0
   when already protected; does not return when it re-execs. */
int gr_selfexe_protect (gr_error **err);
/* true when /proc/self/exe cannot be written through */
bool gr_selfexe_is_protected (void);

#endif
