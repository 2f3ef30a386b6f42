/* SPDX-License-Identifier: Apache-2.0 */
#ifndef GUARDRUN_SPEC_H
#define GUARDRUN_SPEC_H

/*
 * The OCI runtime-spec 1.2 model (Linux).  spec.c fills it from config.json
 * with strict types; every other module reads only these structs.  Optional
 * scalars carry a has_* flag because "absent" and "zero" differ in the spec
 * (e.g. memory.limit 0 vs unset).  Strings are NUL-terminated and owned.
 * String vectors (char **x with n_x) are also NULL-terminated, so args and
 * env go to execve as they are.  Maps (annotations, sysctl, unified, rdma,
 * timeOffsets) are sorted by key, duplicates resolved last-wins.
 *
 * Errors name the JSON path: "config.json: process.user.uid: expected an
 * unsigned 32-bit integer, got \"root\"", arrays as args[2], map members
 * as sysctl["net.ipv4.ip_forward"].
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>
#include <guardrun/error.h>
#include <guardrun/json.h>

typedef struct { char *key; char *value; } gr_kv;

typedef struct {
  uint32_t container_id, host_id, size;
} gr_id_map;

typedef struct {
  char *destination, *type, *source;
  char **options;          size_t n_options;
  gr_id_map *uid_mappings; size_t n_uid_mappings;
  gr_id_map *gid_mappings; size_t n_gid_mappings;
} gr_mount;

typedef struct {
  char *type;              /* RLIMIT_NOFILE etc. */
  uint64_t hard, soft;
} gr_rlimit;

typedef struct {
  char **bounding;    size_t n_bounding;
  char **effective;   size_t n_effective;
  char **inheritable; size_t n_inheritable;
  char **permitted;   size_t n_permitted;
  char **ambient;     size_t n_ambient;
  bool present;
} gr_caps;

typedef struct {
  char *policy;            /* SCHED_OTHER ... */
  bool has_nice; int32_t nice;
  bool has_priority; int32_t priority;
  char **flags; size_t n_flags;
  bool has_runtime; uint64_t runtime;
  bool has_deadline; uint64_t deadline;
  bool has_period; uint64_t period;
} gr_scheduler;

typedef struct {
  bool terminal;
  bool has_console_size; uint32_t console_height, console_width;
  uint32_t uid, gid;
  bool has_umask; uint32_t umask;
  uint32_t *additional_gids; size_t n_additional_gids;
  char *username;          /* user.username (Windows only; kept for errors) */
  char **args;  size_t n_args;
  char *command_line;
  char **env;   size_t n_env;
  char *cwd;
  gr_caps caps;
  gr_rlimit *rlimits; size_t n_rlimits;
  bool no_new_privileges;
  char *apparmor_profile;
  bool has_oom_score_adj; int32_t oom_score_adj;
  char *selinux_label;
  bool has_io_priority; char *io_priority_class; int32_t io_priority;
  gr_scheduler *scheduler;
  char *exec_cpu_affinity_initial, *exec_cpu_affinity_final;
} gr_process;

typedef struct {
  char *path;
  char **args; size_t n_args;
  char **env;  size_t n_env;
  bool has_timeout; int32_t timeout;
} gr_hook;

enum gr_hook_kind {
  GR_HOOK_PRESTART,
  GR_HOOK_CREATE_RUNTIME,
  GR_HOOK_CREATE_CONTAINER,
  GR_HOOK_START_CONTAINER,
  GR_HOOK_POSTSTART,
  GR_HOOK_POSTSTOP,
  GR_HOOK_KINDS
};
extern const char *const gr_hook_kind_names[GR_HOOK_KINDS];

typedef struct {
  char *type;              /* pid network mount ipc uts user cgroup time */
  char *path;
} gr_namespace;

typedef struct {
  char *type;              /* c b u p */
  char *path;
  int64_t major, minor;
  bool has_file_mode; uint32_t file_mode;
  bool has_uid; uint32_t uid;
  bool has_gid; uint32_t gid;
} gr_device;

typedef struct {
  bool allow;
  char *type;              /* a c b, NULL = a */
  bool has_major; int64_t major;   /* absent = wildcard */
  bool has_minor; int64_t minor;
  char *access;            /* rwm subset, NULL = rwm */
} gr_device_rule;

typedef struct {
  bool has_limit; int64_t limit;
  bool has_reservation; int64_t reservation;
  bool has_swap; int64_t swap;
  bool has_kernel; int64_t kernel;
  bool has_kernel_tcp; int64_t kernel_tcp;
  bool has_swappiness; uint64_t swappiness;
  bool has_disable_oom_killer; bool disable_oom_killer;
  bool has_use_hierarchy; bool use_hierarchy;
  bool has_check_before_update; bool check_before_update;
} gr_memory;

typedef struct {
  bool has_shares; uint64_t shares;
  bool has_quota; int64_t quota;
  bool has_burst; uint64_t burst;
  bool has_period; uint64_t period;
  bool has_realtime_runtime; int64_t realtime_runtime;
  bool has_realtime_period; uint64_t realtime_period;
  char *cpus, *mems;
  bool has_idle; int64_t idle;
} gr_cpu;

typedef struct {
  int64_t major, minor;
  bool has_weight; uint16_t weight;
  bool has_leaf_weight; uint16_t leaf_weight;
  uint64_t rate;           /* throttle devices */
} gr_blkio_device;

typedef struct {
  bool has_weight; uint16_t weight;
  bool has_leaf_weight; uint16_t leaf_weight;
  gr_blkio_device *weight_device; size_t n_weight_device;
  gr_blkio_device *throttle_read_bps; size_t n_throttle_read_bps;
  gr_blkio_device *throttle_write_bps; size_t n_throttle_write_bps;
  gr_blkio_device *throttle_read_iops; size_t n_throttle_read_iops;
  gr_blkio_device *throttle_write_iops; size_t n_throttle_write_iops;
  bool present;
} gr_blkio;

typedef struct { char *page_size; uint64_t limit; } gr_hugepage;
typedef struct { char *device; bool has_hca_handles; uint32_t hca_handles;
                 bool has_hca_objects; uint32_t hca_objects; } gr_rdma;
typedef struct { char *name; uint32_t priority; } gr_net_prio;

typedef struct {
  gr_device_rule *devices; size_t n_devices; bool has_devices;
  gr_memory *memory;
  gr_cpu *cpu;
  bool has_pids; int64_t pids_limit;
  gr_blkio *blkio;
  gr_hugepage *hugepages; size_t n_hugepages;
  gr_rdma *rdma; size_t n_rdma;
  bool has_net_class_id; uint32_t net_class_id;
  gr_net_prio *net_priorities; size_t n_net_priorities;
  gr_kv *unified; size_t n_unified;
} gr_resources;

typedef struct {
  uint32_t index;
  uint64_t value, value_two;
  char *op;
} gr_seccomp_arg;

typedef struct {
  char **names; size_t n_names;
  char *action;
  bool has_errno_ret; uint32_t errno_ret;
  gr_seccomp_arg *args; size_t n_args;
} gr_seccomp_syscall;

typedef struct {
  char *default_action;
  bool has_default_errno_ret; uint32_t default_errno_ret;
  char **architectures; size_t n_architectures;
  char **flags; size_t n_flags;
  char *listener_path, *listener_metadata;
  gr_seccomp_syscall *syscalls; size_t n_syscalls;
} gr_seccomp;

typedef struct {
  char *type;              /* "monotonic" / "boottime" */
  int64_t secs; uint32_t nanosecs;
} gr_time_offset;

typedef struct {
  char *domain;
  char **flags; size_t n_flags;
} gr_personality;

typedef struct {
  char *clos_id, *l3_cache_schema, *mem_bw_schema;
  bool enable_cmt, enable_mbm;
} gr_intel_rdt;

typedef struct {
  gr_namespace *namespaces; size_t n_namespaces;
  gr_id_map *uid_mappings; size_t n_uid_mappings;
  gr_id_map *gid_mappings; size_t n_gid_mappings;
  gr_time_offset *time_offsets; size_t n_time_offsets;
  gr_device *devices; size_t n_devices;
  char *cgroups_path;
  gr_resources *resources;
  char *rootfs_propagation;
  gr_seccomp *seccomp;
  gr_kv *sysctl; size_t n_sysctl;
  char **masked_paths; size_t n_masked_paths; bool has_masked_paths;
  char **readonly_paths; size_t n_readonly_paths; bool has_readonly_paths;
  char *mount_label;
  gr_personality *personality;
  gr_intel_rdt *intel_rdt;
} gr_linux;

typedef struct {
  char *oci_version;
  char *root_path;
  bool root_readonly;
  gr_mount *mounts; size_t n_mounts;
  gr_process *process;
  char *hostname, *domainname;
  gr_hook *hooks[GR_HOOK_KINDS]; size_t n_hooks[GR_HOOK_KINDS];
  gr_kv *annotations; size_t n_annotations;
  gr_linux *lnx;            /* "linux" (a predefined macro in GNU C) */
} gr_spec;

/* Parse a config.json document; `what` names it in errors. */
int gr_spec_parse (const char *what, const char *buf, size_t len,
                   gr_spec **out, gr_error **err);
int gr_spec_load (int bundle_dirfd, gr_spec **out, gr_error **err);
int gr_spec_from_json (const char *what, const gr_json *root, gr_spec **out,
                       gr_error **err);
/* process.json for `exec --process`: the same rules as config.process */
int gr_process_from_json (const char *what, const gr_json *j,
                          gr_process **out, gr_error **err);
int gr_seccomp_from_json (const char *what, const gr_json *j,
                          gr_seccomp **out, gr_error **err);
int gr_resources_from_json (const char *what, const gr_json *j,
                            gr_resources **out, gr_error **err);
void gr_spec_free (gr_spec *s);
void gr_process_free (gr_process *p);
void gr_seccomp_free (gr_seccomp *s);
void gr_resources_free (gr_resources *r);
static inline void gr_spec_freep (gr_spec **s) { gr_spec_free (*s); }
#define cleanup_spec __attribute__ ((cleanup (gr_spec_freep)))

/* guardrun's hardened default (the `spec` command); rootless adds a
   user namespace mapping the caller to root */
gr_spec *gr_spec_default (bool rootless);
/* what create needs beyond a well-typed config: process, args, cwd */
int gr_spec_validate_for_create (const gr_spec *s, gr_error **err);

/* Serialise back to config.json (used by `spec` and by harden rewrites). */
char *gr_spec_to_json (const gr_spec *s, size_t *len);

/* lookups */
const gr_namespace *gr_spec_namespace (const gr_spec *s, const char *type);
const char *gr_spec_annotation (const gr_spec *s, const char *key);

#endif
