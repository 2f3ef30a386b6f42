/* SPDX-License-Identifier: Apache-2.0 */
#ifndef GUARDRUN_POLICY_H
#define GUARDRUN_POLICY_H

/*
 * The admin policy.  Loaded from --policy (a file path or a preset name:
 * restricted, baseline, sandbox), else /etc/guardrun/policy.json if it
 * exists, else the built-in `restricted` preset.  Strict: an unknown key or
 * a wrong type is an error (a typo must never weaken security).
 */
#include <stdbool.h>
#include <guardrun/error.h>
#include <guardrun/spec.h>

typedef struct gr_policy gr_policy;

typedef enum { GR_POLICY_ENFORCE, GR_POLICY_AUDIT } gr_policy_mode;
typedef enum { GR_UNENFORCEABLE_REFUSE, GR_UNENFORCEABLE_WARN } gr_unenforceable;
typedef enum { GR_LSM_MISSING_WARN, GR_LSM_MISSING_REFUSE, GR_LSM_MISSING_IGNORE } gr_lsm_missing;

/* name_or_path NULL: the default lookup above; mode_override NULL: the
   file's mode */
int gr_policy_load (const char *name_or_path, const char *mode_override,
                    gr_policy **out, gr_error **err);
void gr_policy_free (gr_policy *p);
static inline void gr_policy_freep (gr_policy **p) { gr_policy_free (*p); }
#define cleanup_policy __attribute__ ((cleanup (gr_policy_freep)))

const char *gr_policy_name (const gr_policy *p);
gr_policy_mode gr_policy_get_mode (const gr_policy *p);
gr_unenforceable gr_policy_cgroups_unenforceable (const gr_policy *p);
/* the default profile names the policy asks for ("default", NULL = none) */
const char *gr_policy_default_seccomp (const gr_policy *p);
const char *gr_policy_default_apparmor (const gr_policy *p);
const char *gr_policy_default_selinux_type (const gr_policy *p);
gr_lsm_missing gr_policy_apparmor_missing (const gr_policy *p);
gr_lsm_missing gr_policy_selinux_missing (const gr_policy *p);
bool gr_policy_allows_host_network (const gr_policy *p);

typedef struct {
  const char *rule;        /* stable id, e.g. "GR-CAP-001" */
  char *field;             /* JSON path, e.g. "process.capabilities.bounding" */
  char *message;           /* "CAP_SYS_ADMIN is not in the allowed set" */
  const char *reference;   /* "PSS restricted: Capabilities" / "CVE-2019-5736" */
} gr_finding;

typedef struct {
  gr_finding *v;
  size_t n;
} gr_findings;
void gr_findings_free (gr_findings *f);

typedef struct {
  const char *id;          /* container id (for the decision log) */
  const char *bundle;
  bool is_exec;            /* checking an exec'd process */
} gr_policy_ctx;

/*
 * Check a config.  With harden, first rewrite *s toward the policy (each
 * rewrite logged as a "harden" decision).  Every finding is written to the
 * decision log ("refuse" or "audit"; one "allow" line when there is none).
 * Returns 0 when the config may run (no finding, or audit mode).  In
 * enforce mode with findings it returns -1 with one line per finding: all
 * but the last are reported here through gr_log_error (stderr + the runc
 * log), the last is *err for the caller to report, so they come out in
 * order ("policy restricted refused linux.namespaces[pid]: joins the host
 * PID namespace (...) (PSS baseline: Host Namespaces)").  findings may be
 * NULL.
 */
int gr_policy_check (const gr_policy *p, gr_spec *s, const gr_policy_ctx *ctx,
                     gr_findings *findings, gr_error **err);
/* The same for an exec'd process against the container's config. */
int gr_policy_check_process (const gr_policy *p, const gr_spec *container,
                             gr_process *proc, const gr_policy_ctx *ctx,
                             gr_findings *findings, gr_error **err);

/* `policy show`: the effective policy as JSON (the file format; it loads
   back to the same policy) */
char *gr_policy_to_json (const gr_policy *p, size_t *len);

bool gr_policy_get_harden (const gr_policy *p);

/*
 * `check`: evaluate without deciding or logging anything.  With harden, *s
 * is rewritten first and each rewrite is appended to rewrites (rule
 * "GR-HARDEN"; rewrites may be NULL only when the policy does not harden).
 * The io.guardrun.policy annotation is honoured as in gr_policy_check.
 * Returns -1 only when the policy itself cannot be applied.
 */
int gr_policy_lint (const gr_policy *p, gr_spec *s, const gr_policy_ctx *ctx,
                    gr_findings *findings, gr_findings *rewrites,
                    gr_error **err);
/* "policy NAME refused FIELD: MESSAGE (REFERENCE)", newly allocated */
char *gr_finding_line (const gr_policy *p, const gr_finding *f);
/*
 * One line in the decision log.  verdict: "allow" (f NULL), "refuse",
 * "audit", "harden", "warn".  For other modules' admin settings too (e.g.
 * a cgroup limit not enforced under cgroups.unenforceable = warn: pass a
 * finding with rule "GR-CGROUP-001").  Never fails: an unwritable log is
 * reported once as a warning.
 */
void gr_policy_log_decision (const gr_policy *p, const gr_policy_ctx *ctx,
                             const char *verdict, const gr_finding *f);

#endif
