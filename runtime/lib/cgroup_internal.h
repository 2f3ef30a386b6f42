/* SPDX-License-Identifier: Apache-2.0 */
#ifndef GUARDRUN_CGROUP_INTERNAL_H
#define GUARDRUN_CGROUP_INTERNAL_H

/*
 * Shared between cgroup.c, cgroup_systemd.c, bpf_devices.c and stats.c, and
 * exposed so the unit tests can reach the pure parsing and conversion logic
 * without a cgroup file system.
 */
#include <stdbool.h>
#include <stdint.h>
#include <guardrun/cgroup.h>
#include <guardrun/error.h>
#include <guardrun/policy.h>
#include <guardrun/spec.h>

/* ---- paths (pure) ---- */

/* The cgroup2 mount point in a mountinfo document; *hybrid is set when a
   v1 hierarchy is mounted too.  -1 (no error set) when there is none. */
int gr_cg_parse_mountinfo (const char *mountinfo, char **mount, bool *hybrid);
/* the path of the "0::" line of a /proc/PID/cgroup document */
int gr_cg_parse_proc_cgroup (const char *text, char **out, gr_error **err);
/*
 * runc's cgroupfs rules: an absolute cgroupsPath is relative to the cgroup2
 * root; a relative one to the parent of the runtime's own cgroup (its own
 * cgroup usually has processes, so controllers could not be enabled below
 * it); an empty one is the container id, relative.  ".." is refused.
 * Returns the path relative to the mount, starting with '/'.
 */
int gr_cg_resolve (const char *own, const char *cgroups_path, const char *id,
                   char **out, gr_error **err);

/* ---- systemd names (pure, cgroup_systemd.c) ---- */

/* "a-b.slice" -> "/a.slice/a-b.slice"; "-.slice" -> "" (the root) */
int gr_cg_systemd_expand_slice (const char *slice, char **out,
                                gr_error **err);
/* "slice:prefix:name" (or empty: system.slice, "guardrun", id) -> the
   parent slice, the unit name ("prefix-name.scope", or name if it ends in
   .slice) and the cgroup path below the manager's root */
int gr_cg_systemd_parse (const char *cgroups_path, const char *id,
                         bool rootless, char **slice, char **unit,
                         char **path, gr_error **err);

/* ---- conversions (pure) ---- */

/* runc: cpu.shares [2, 262144] -> cpu.weight [1, 10000]; 0 stays unset */
uint64_t gr_cg_shares_to_weight (uint64_t shares);
/* runc: blkio.weight [10, 1000] -> io.weight [1, 10000]; 0 stays unset */
uint64_t gr_cg_blkio_to_io_weight (uint64_t weight);
/* runc: the v1 memory+swap total -> memory.swap.max (-1 max, 0 unset) */
int gr_cg_swap_to_v2 (int64_t swap, int64_t limit, int64_t *out,
                      gr_error **err);
/* a `unified` key: CONTROLLER.FILE, no '/', not "." or "..", and none of
   the cgroup core files that move processes or change the tree */
int gr_cg_unified_key_check (const char *key, gr_error **err);
/* "key value" lines (memory.events, cpu.stat, ...): the value of key */
int gr_cg_keyed_get (const char *text, const char *key, uint64_t *out);
/* a cgroup value: a number or "max" (UINT64_MAX) */
int gr_cg_parse_value (const char *s, uint64_t *out);

/* ---- the resource plan (pure) ---- */

/* one write of one interface file */
typedef struct {
  char *field;              /* JSON path, for messages: linux.resources.x.y */
  const char *controller;   /* needed controller ("memory"), NULL = core */
  char *file, *value;
  char *alt_file, *alt_value;  /* used when `file` does not exist */
  bool optional;            /* skip silently if no file exists */
  bool unlimited;           /* the kernel default ("max"): nothing is lost
                               if the controller is missing */
} gr_cg_write;

typedef struct {
  gr_cg_write *v;
  size_t n;
} gr_cg_plan;

/* linux.resources -> the files to write, in order.  Fields cgroup v2 cannot
   express (kernel memory, net_cls, ...) fail here with the field named. */
int gr_cg_plan_build (const gr_resources *r, gr_cg_plan *plan,
                      gr_error **err);
void gr_cg_plan_free (gr_cg_plan *p);
static inline void gr_cg_plan_freep (gr_cg_plan *p) { gr_cg_plan_free (p); }
#define cleanup_plan __attribute__ ((cleanup (gr_cg_plan_freep)))

/* where a limit cannot be enforced, why (for the message) */
typedef struct {
  const char *available;    /* space-separated controllers the cgroup gets */
  bool hybrid;              /* v1 hierarchies mounted */
  const char *where;        /* the cgroup's path, for the message */
  const char *id;           /* container id, for the decision log */
  const gr_policy *policy;  /* NULL = refuse */
} gr_cg_enforce_ctx;

/* Drop (policy warn: decision log + warning) or refuse (default) every
   write whose controller is not in ctx->available. */
int gr_cg_plan_enforceable (gr_cg_plan *plan, const gr_cg_enforce_ctx *ctx,
                            gr_error **err);
/* the message for one unenforceable field (newly allocated); warn: the
   policy lets it through, say so instead of how to get there */
char *gr_cg_unenforceable_msg (const char *field, const char *controller,
                               bool hybrid, const char *where, bool warn);
bool gr_cg_has_word (const char *list, const char *word);

/* ---- file system (cgroup.c) ---- */

/* write one interface file below dirfd; the error names file and value */
int gr_cg_write_file (int dirfd, const char *file, const char *value,
                      gr_error **err);
int gr_cg_read_file (int dirfd, const char *file, char **out, gr_error **err);
/* write every entry of the plan (alt files, multi-line values) */
int gr_cg_plan_apply (int dirfd, const gr_cg_plan *plan, gr_error **err);
/* the cgroup fd as an O_RDONLY directory (bpf attach needs one) */
int gr_cg_open_dir (const gr_cgroup *cg, gr_error **err);

/* ---- device filter (bpf_devices.c) ---- */

/* one BPF instruction, as the kernel's struct bpf_insn */
typedef struct {
  uint8_t code;
  uint8_t regs;             /* dst:4 (low), src:4 (high) */
  int16_t off;
  int32_t imm;
} gr_bpf_insn;

/* the standard devices, applied before the config's rules (lowest
   priority: a config's deny-all removes them) */
extern const gr_device_rule gr_cg_default_devices[];
extern const size_t gr_cg_n_default_devices;
/* (the defaults, then) rules -> a BPF_PROG_TYPE_CGROUP_DEVICE program with
   v1 semantics (runc's emulator: the last "a" rule sets the default, later
   rules add or remove exceptions, no holes punched in wildcards) */
int gr_bpf_devices_build (const gr_device_rule *rules, size_t n,
                          bool with_defaults, gr_bpf_insn **prog,
                          size_t *len, gr_error **err);
/* load and attach to the cgroup dirfd, atomically replacing the program a
   previous call attached (BPF_F_REPLACE, else attach-then-detach) */
int gr_bpf_devices_apply (int cgroup_dirfd, const gr_device_rule *rules,
                          size_t n, gr_error **err);
/* run the program in a tiny interpreter: 1 allowed, 0 denied (tests) */
int gr_bpf_devices_eval (const gr_bpf_insn *prog, size_t len, char type,
                         uint32_t major, uint32_t minor, const char *access);

/* ---- systemd (cgroup_systemd.c) ---- */

int gr_cg_systemd_start (gr_cgroup *cg, pid_t pid, gr_error **err);
int gr_cg_systemd_stop (gr_cgroup *cg, gr_error **err);
int gr_cg_systemd_set (const gr_cgroup *cg, const gr_resources *r,
                       gr_error **err);
/* the manager's own cgroup (the root the slices hang from) */
int gr_cg_systemd_manager_root (char **out, gr_error **err);

#endif
