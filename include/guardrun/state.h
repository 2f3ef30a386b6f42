/* SPDX-License-Identifier: Apache-2.0 */
#ifndef GUARDRUN_STATE_H
#define GUARDRUN_STATE_H

/*
 * The state store: <root>/<id>/ holds state.json (written atomically),
 * config.json (the validated config as the container was created with, so
 * later commands never re-read a bundle that may have changed).  Every
 * command that reads or changes a container holds a flock on the
 * container directory's fd: closing the dirfd releases it.
 */
#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>
#include <guardrun/error.h>
#include <guardrun/spec.h>

#define GR_DEFAULT_ROOT "/run/guardrun"
#define GR_ID_MAX 1024

typedef enum {
  GR_STATUS_CREATING,
  GR_STATUS_CREATED,
  GR_STATUS_RUNNING,
  GR_STATUS_PAUSED,
  GR_STATUS_STOPPED,
} gr_status;
const char *gr_status_name (gr_status s);

typedef struct {
  char *id;
  char *bundle;            /* absolute */
  char *rootfs;            /* absolute, host view */
  pid_t pid;               /* container init, host pid namespace */
  uint64_t pid_start;      /* /proc/<pid>/stat starttime: detects reuse */
  char *created;           /* RFC 3339 */
  char *owner;
  char *cgroup_path;       /* absolute path of the container's cgroup, or NULL */
  bool started;            /* `start` has released the process */
  bool systemd_cgroup;
  char *policy;            /* name of the policy the container passed */
  bool isolated;
  gr_kv *annotations; size_t n_annotations;
} gr_state;

int gr_id_validate (const char *id, gr_error **err);

/* open (and create when asked) the state root; returns a dirfd */
int gr_state_root_open (const char *root, bool create, gr_error **err);

/* create <root>/<id> exclusively; fails with "container with id exists"
   if it does; returns the container dirfd, locked exclusively */
int gr_state_create_dir (int rootfd, const char *id, gr_error **err);
/* open an existing container dir and take its lock; "container does not
   exist" if absent */
int gr_state_open (int rootfd, const char *id, bool exclusive, gr_error **err);
int gr_state_write (int dirfd, const gr_state *st, gr_error **err);
int gr_state_read (int dirfd, const char *id, gr_state **out, gr_error **err);
int gr_state_parse (const char *what, const char *buf, size_t len,
                    gr_state **out, gr_error **err);
/* remove <root>/<id> and everything in it */
int gr_state_remove (int rootfd, const char *id, gr_error **err);
void gr_state_free (gr_state *st);
static inline void gr_state_freep (gr_state **s) { gr_state_free (*s); }
#define cleanup_state __attribute__ ((cleanup (gr_state_freep)))

/* the live status: looks at the process and the cgroup freezer */
gr_status gr_state_status (const gr_state *st);
/* true if pid is alive and still the process we started */
bool gr_state_pid_alive (const gr_state *st);
uint64_t gr_proc_starttime (pid_t pid);

/* the runtime-spec state document (what `state` prints, hooks read) */
char *gr_state_to_oci_json (const gr_state *st, gr_status status,
                            bool pretty, size_t *len);

/* ids of all containers under root, sorted; NULL-terminated */
int gr_state_list (int rootfd, char ***ids, gr_error **err);

#endif
