/* SPDX-License-Identifier: Apache-2.0 */
#ifndef GUARDRUN_POLICY_INTERNAL_H
#define GUARDRUN_POLICY_INTERNAL_H

/* The parsed policy, shared by policy.c (load, show), policy_rules.c (the
   checks) and policy_harden.c (the rewrites).  Not part of the API. */
#include <guardrun/policy.h>

typedef struct {
  char **v;
  size_t n;
} gr_strlist;

struct gr_policy {
  char *name;                /* preset name, or the file's path */
  char *description;
  gr_policy_mode mode;
  bool harden;
  char *decision_log;        /* NULL: log.c's default */

  gr_strlist caps_allowed;   /* "CAP_NET_BIND_SERVICE" */

  gr_strlist ns_required;    /* OCI names: pid network ipc uts mount cgroup */
  bool ns_user_required;
  bool host_network;         /* may a container share the host's network */

  gr_strlist mnt_sensitive;  /* refused, and so is any ancestor */
  gr_strlist mnt_subtrees;   /* refused with everything below */
  gr_strlist mnt_sockets;    /* socket file names refused anywhere */
  gr_strlist mnt_allowed;    /* patterns that override the two above */
  gr_strlist mnt_allowed_ro; /* the same, read-only binds only */
  bool mnt_shared_propagation;

  gr_strlist dev_allowed;    /* "c 1:3 /dev/null" */

  gr_strlist masked_required;
  gr_strlist readonly_required;
  bool root_readonly;

  bool run_as_root;          /* uid 0 outside a user namespace */
  uint32_t harden_uid, harden_gid;
  bool nnp_required;
  gr_strlist sysctl_allowed; /* names, or prefixes ending in '*' */
  int32_t oom_min;

  char *seccomp_default;     /* "default" or NULL (none) */
  gr_strlist seccomp_must_block;

  char *apparmor_default;
  gr_lsm_missing apparmor_missing;
  char *selinux_type;
  gr_lsm_missing selinux_missing;
  gr_strlist selinux_forbidden;  /* types */

  gr_strlist hooks_allowed;
  gr_strlist presets_allowed;    /* for the io.guardrun.policy annotation */

  gr_unenforceable cgroups_unenforceable;
};

bool gr_strlist_has (const gr_strlist *l, const char *s);
void gr_strlist_add (gr_strlist *l, const char *s);
void gr_strlist_clear (gr_strlist *l);

/* evaluation context handed to every rule */
typedef struct {
  const gr_policy *p;
  const gr_spec *s;          /* the container's config */
  const gr_process *proc;    /* its process, or the exec'd one */
  bool is_exec;
  const char *bundle;        /* relative mount sources are resolved here */
  gr_findings *out;
} gr_rule_env;

typedef struct gr_rule {
  const char *id;
  const char *reference;
  void (*check) (gr_rule_env *e, const struct gr_rule *r);
  bool process;              /* also checked for exec'd processes */
} gr_rule;

extern const gr_rule gr_policy_rules[];
extern const size_t gr_policy_n_rules;

void gr_finding_add (gr_rule_env *e, const gr_rule *r, char *field,
                     const char *fmt, ...)
  __attribute__ ((format (printf, 4, 5)));

/* the rewrites of harden mode; each one is reported through note() */
typedef void (*gr_harden_note) (void *ctx, const char *field,
                                const char *message);
void gr_policy_harden_spec (const gr_policy *p, gr_spec *s,
                            gr_harden_note note, void *ctx);
void gr_policy_harden_process (const gr_policy *p, const gr_spec *container,
                               gr_process *proc, gr_harden_note note,
                               void *ctx);

/* shared facts */
bool gr_policy_has_userns (const gr_spec *s);
/* "user:role:type:level" -> "type", NULL if malformed */
char *gr_policy_selinux_type (const char *label);
bool gr_policy_seccomp_too_open (const gr_policy *p, const gr_seccomp *sc,
                                 char **why);

#endif
