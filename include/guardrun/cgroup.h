/* SPDX-License-Identifier: Apache-2.0 */
#ifndef GUARDRUN_CGROUP_H
#define GUARDRUN_CGROUP_H

/*
 * cgroup v2 only.  The container's cgroup is created before clone so the
 * init is placed in it atomically (clone3 CLONE_INTO_CGROUP with the dirfd).
 *
 * With the systemd driver the cgroup is a transient scope, which systemd
 * only creates around an existing process: gr_cgroup_create then leaves
 * dirfd at -1, and the caller clones without CLONE_INTO_CGROUP and calls
 * gr_cgroup_enter (pid) before the child does anything else; enter starts
 * the scope and applies the resources and the device filter.  The spec and
 * policy passed to create must stay alive until then.
 */
#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>
#include <guardrun/error.h>
#include <guardrun/json.h>
#include <guardrun/policy.h>
#include <guardrun/spec.h>

typedef struct {
  char *path;              /* absolute path in the cgroup2 mount */
  int dirfd;               /* O_PATH|O_DIRECTORY fd of it, -1 if none */
  /* private to cgroup*.c */
  char *unit;              /* systemd unit name, NULL with cgroupfs */
  char *slice;             /* systemd: its parent slice */
  char *id;
  const gr_resources *pending;  /* systemd: applied by gr_cgroup_enter */
  const gr_policy *policy;
  char **made;             /* directories create made, deepest last */
  size_t n_made;
} gr_cgroup;
#define GR_CGROUP_INIT { .dirfd = -1 }

/* the cgroup2 mount point from /proc/self/mountinfo, NULL if none */
const char *gr_cgroup2_mount (void);

/*
 * Create the container's cgroup from linux.cgroupsPath (or the default),
 * apply linux.resources (refusing limits the host cannot enforce, unless
 * the policy says warn) and the eBPF device filter.  On failure nothing is
 * left behind.
 */
int gr_cgroup_create (const gr_spec *s, const char *id, bool systemd,
                      const gr_policy *policy, gr_cgroup *out, gr_error **err);
/* re-open the cgroup of an existing container from its recorded path
   (state.cgroup_path, state.systemd_cgroup) */
int gr_cgroup_open (const char *path, bool systemd, gr_cgroup *out,
                    gr_error **err);
/* move a pid in (for the fallback when clone3 CLONE_INTO_CGROUP fails) */
int gr_cgroup_enter (gr_cgroup *cg, pid_t pid, gr_error **err);
int gr_cgroup_update (const gr_cgroup *cg, const gr_resources *r,
                      const gr_policy *policy, gr_error **err);
int gr_cgroup_freeze (const gr_cgroup *cg, bool freeze, gr_error **err);
int gr_cgroup_kill_all (const gr_cgroup *cg, int sig, gr_error **err);
/* pids in cgroup.procs (recursively) */
int gr_cgroup_pids (const gr_cgroup *cg, pid_t **pids, size_t *n,
                    gr_error **err);
/* kill leftovers and remove the cgroup; missing is not an error */
int gr_cgroup_destroy (gr_cgroup *cg, gr_error **err);
void gr_cgroup_close (gr_cgroup *cg);
static inline void gr_cgroup_closep (gr_cgroup *cg) { gr_cgroup_close (cg); }
#define cleanup_cgroup __attribute__ ((cleanup (gr_cgroup_closep)))

/* statistics: the "data" object of runc's `events --stats` (stats.c) */
int gr_cgroup_stats (const gr_cgroup *cg, gr_jw *w, gr_error **err);
/* memory.events oom_kill counter (0 without the memory controller) */
int gr_cgroup_oom_kills (const gr_cgroup *cg, uint64_t *n, gr_error **err);
/* true when cgroup.events says populated 0 or the cgroup is gone */
bool gr_cgroup_empty (const gr_cgroup *cg);

#endif
