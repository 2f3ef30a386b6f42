/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The admin policy: loading (file, preset, default lookup), and the check
 * that runs before anything of a container exists.  The rules themselves
 * are in policy_rules.c/policy_mounts.c, the rewrites of harden mode in
 * policy_harden.c, the file format in policy_schema.c.
 */
#include <string.h>
#include <sys/stat.h>
#include <guardrun/json.h>
#include <guardrun/log.h>
#include <guardrun/lsm.h>
#include <guardrun/profiles.h>
#include <guardrun/util.h>
#include "policy_internal.h"
#include "policy_schema.h"

#define ADMIN_POLICY "/etc/guardrun/policy.json"
#define PRESET_ANNOTATION "io.guardrun.policy"
/* presets may extend presets; a loop is a bug in a file, not a hang */
#define MAX_EXTENDS 4

/* ----------------------------------------------------------- strlists -- */

bool
gr_strlist_has (const gr_strlist *l, const char *s)
{
  for (size_t i = 0; i < l->n; i++)
    if (strcmp (l->v[i], s) == 0)
      return true;
  return false;
}

void
gr_strlist_add (gr_strlist *l, const char *s)
{
  l->v = gr_xrealloc (l->v, (l->n + 1) * sizeof (char *));
  l->v[l->n++] = gr_xstrdup (s);
}

void
gr_strlist_clear (gr_strlist *l)
{
  for (size_t i = 0; i < l->n; i++)
    free (l->v[i]);
  free (l->v);
  l->v = NULL;
  l->n = 0;
}

/* ------------------------------------------------------------ presets -- */

static const struct {
  const char *name;
  const char *start, *end;
} presets[] = {
  { "restricted", gr_profile_policy_restricted,
    gr_profile_policy_restricted_end },
  { "baseline", gr_profile_policy_baseline, gr_profile_policy_baseline_end },
  { "sandbox", gr_profile_policy_sandbox, gr_profile_policy_sandbox_end },
};

static int
preset_index (const char *name)
{
  for (size_t i = 0; i < GR_ARRAY_SIZE (presets); i++)
    if (strcmp (presets[i].name, name) == 0)
      return (int) i;
  return -1;
}

/* values for keys a preset leaves out: the strict choice each time */
static gr_policy *
policy_new (void)
{
  gr_policy *p = gr_xcalloc (1, sizeof *p);
  p->mode = GR_POLICY_ENFORCE;
  p->nnp_required = true;
  p->root_readonly = true;
  p->harden_uid = 65534;
  p->harden_gid = 65534;
  p->oom_min = -997;
  p->seccomp_default = gr_xstrdup ("default");
  p->apparmor_default = gr_xstrdup (GR_APPARMOR_DEFAULT);
  p->selinux_type = gr_xstrdup ("container_t");
  return p;
}

void
gr_policy_free (gr_policy *p)
{
  if (p == NULL)
    return;
  gr_strlist *lists[] = {
    &p->caps_allowed,      &p->ns_required,        &p->mnt_sensitive,
    &p->mnt_subtrees,      &p->mnt_sockets,        &p->mnt_allowed,
    &p->mnt_allowed_ro,    &p->dev_allowed,        &p->masked_required,
    &p->readonly_required, &p->sysctl_allowed,     &p->seccomp_must_block,
    &p->selinux_forbidden, &p->hooks_allowed,      &p->presets_allowed,
  };
  for (size_t i = 0; i < GR_ARRAY_SIZE (lists); i++)
    gr_strlist_clear (lists[i]);
  free (p->name);
  free (p->description);
  free (p->decision_log);
  free (p->seccomp_default);
  free (p->apparmor_default);
  free (p->selinux_type);
  free (p);
}

static int apply_text (gr_policy *p, const char *what, const char *buf,
                       size_t len, bool is_preset, int depth, gr_error **err);

static int
apply_preset (gr_policy *p, const char *name, int depth, gr_error **err)
{
  int i = preset_index (name);
  if (i < 0)
    return gr_error_set (err, 0, "unknown policy preset \"%s\" (restricted, "
                         "baseline, sandbox)", name);
  cleanup_free char *what = gr_fmt ("preset %s", name);
  return apply_text (p, what, presets[i].start,
                     (size_t) (presets[i].end - presets[i].start), true,
                     depth, err);
}

/*
 * A file is applied on top of what it extends: a preset named by
 * "extends", or for an admin file without one, `restricted` (so a key the
 * admin leaves out keeps the strict value).
 */
static int
apply_text (gr_policy *p, const char *what, const char *buf, size_t len,
            bool is_preset, int depth, gr_error **err)
{
  cleanup_json gr_json *j = NULL;
  if (gr_json_parse (what, buf, len, &j, err) < 0)
    return -1;
  const gr_json *ext = gr_json_get (j, "extends");
  const char *base = ext && ext->type == GR_JSON_STRING ? ext->s : NULL;
  if (base == NULL && !is_preset)
    base = "restricted";
  if (base && depth >= MAX_EXTENDS)
    return gr_error_set (err, 0, "%s: extends: too deep (a loop?)", what);
  if (base && apply_preset (p, base, depth + 1, err) < 0)
    return gr_error_wrap (err, "%s: extends", what);
  const char *extends;
  if (gr_policy_from_json (p, j, what, &extends, err) < 0)
    return -1;
  /* an admin file is known by its own name, or its path: not by the name
     of the preset it extends */
  if (!is_preset && gr_json_get (j, "name") == NULL)
    {
      free (p->name);
      p->name = gr_xstrdup (what);
    }
  return 0;
}

static int
load_file (gr_policy *p, const char *path, gr_error **err)
{
  cleanup_free char *buf = NULL;
  size_t len;
  if (gr_read_file (path, GR_JSON_MAX_SIZE, &buf, &len, err) < 0)
    return gr_error_wrap (err, "policy");
  return apply_text (p, path, buf, len, false, 0, err);
}

static int
set_mode (gr_policy *p, const char *mode, gr_error **err)
{
  if (strcmp (mode, "enforce") == 0)
    p->mode = GR_POLICY_ENFORCE;
  else if (strcmp (mode, "audit") == 0)
    p->mode = GR_POLICY_AUDIT;
  else
    return gr_error_set (err, 0, "--policy-mode: expected enforce or audit, "
                         "got \"%s\"", mode);
  return 0;
}

int
gr_policy_load (const char *name_or_path, const char *mode_override,
                gr_policy **out, gr_error **err)
{
  gr_policy *p = policy_new ();
  const char *src = name_or_path;
  if (src == NULL || *src == '\0')
    src = getenv ("GUARDRUN_POLICY");
  if (src == NULL || *src == '\0')
    src = access (ADMIN_POLICY, F_OK) == 0 ? ADMIN_POLICY : "restricted";
  int r = strchr (src, '/') == NULL && preset_index (src) >= 0
              ? apply_preset (p, src, 0, err)
              : load_file (p, src, err);
  if (r == 0 && p->name == NULL)
    p->name = gr_xstrdup (src);
  if (r == 0 && mode_override && *mode_override)
    r = set_mode (p, mode_override, err);
  if (r < 0)
    {
      gr_policy_free (p);
      return -1;
    }
  /* GUARDRUN_DECISION_LOG (tests, operators) wins over the file */
  const char *env = getenv ("GUARDRUN_DECISION_LOG");
  if (p->decision_log && !(env && *env))
    gr_decision_log_set_path (p->decision_log);
  *out = p;
  return 0;
}

/* ---------------------------------------------------------- accessors -- */

const char *gr_policy_name (const gr_policy *p) { return p->name; }
gr_policy_mode gr_policy_get_mode (const gr_policy *p) { return p->mode; }
bool gr_policy_get_harden (const gr_policy *p) { return p->harden; }

gr_unenforceable
gr_policy_cgroups_unenforceable (const gr_policy *p)
{
  return p->cgroups_unenforceable;
}

const char *
gr_policy_default_seccomp (const gr_policy *p)
{
  return p->seccomp_default;
}

const char *
gr_policy_default_apparmor (const gr_policy *p)
{
  return p->apparmor_default;
}

const char *
gr_policy_default_selinux_type (const gr_policy *p)
{
  return p->selinux_type;
}

gr_lsm_missing
gr_policy_apparmor_missing (const gr_policy *p)
{
  return p->apparmor_missing;
}

gr_lsm_missing
gr_policy_selinux_missing (const gr_policy *p)
{
  return p->selinux_missing;
}

bool
gr_policy_allows_host_network (const gr_policy *p)
{
  return p->host_network;
}

char *
gr_policy_to_json (const gr_policy *p, size_t *len)
{
  cleanup_jw gr_jw *w = gr_jw_new (true);
  gr_policy_write (p, w);
  size_t n;
  const char *buf = gr_jw_buf (w, &n);
  if (len)
    *len = n;
  return gr_xstrndup (buf, n);
}

/* ----------------------------------------------------------- findings -- */

void
gr_findings_free (gr_findings *f)
{
  if (f == NULL)
    return;
  for (size_t i = 0; i < f->n; i++)
    {
      free (f->v[i].field);
      free (f->v[i].message);
    }
  free (f->v);
  f->v = NULL;
  f->n = 0;
}

char *
gr_finding_line (const gr_policy *p, const gr_finding *f)
{
  return gr_fmt ("policy %s refused %s: %s (%s)", p->name, f->field,
                 f->message, f->reference);
}

/* --------------------------------------------------------- decisions -- */

void
gr_policy_log_decision (const gr_policy *p, const gr_policy_ctx *ctx,
                        const char *verdict, const gr_finding *f)
{
  static bool warned;
  gr_decision d = {
    .container_id = ctx ? ctx->id : NULL,
    .bundle = ctx ? ctx->bundle : NULL,
    .policy = p->name,
    .verdict = verdict,
    .rule = f ? f->rule : NULL,
    .field = f ? f->field : NULL,
    .message = f ? f->message : NULL,
    .reference = f ? f->reference : NULL,
  };
  cleanup_error gr_error *e = NULL;
  /* an unwritable audit trail (e.g. a rootless user and the default path)
     must not stop the container; say so once */
  if (gr_decision_log (&d, &e) < 0 && !warned)
    {
      warned = true;
      cleanup_free char *msg = gr_error_string (e);
      gr_warn ("decision log: %s", msg);
    }
}

/* ------------------------------------------------------------- checks -- */

static void
evaluate (const gr_policy *p, const gr_spec *s, const gr_process *proc,
          bool is_exec, const char *bundle, gr_findings *out)
{
  gr_rule_env e = { .p = p, .s = s, .proc = proc, .is_exec = is_exec,
                    .bundle = bundle, .out = out };
  for (size_t i = 0; i < gr_policy_n_rules; i++)
    {
      const gr_rule *r = &gr_policy_rules[i];
      if ((is_exec && !r->process) || (r->process && proc == NULL))
        continue;
      r->check (&e, r);
    }
}

static const gr_rule annotation_rule = {
  "GR-ANN-001", "guardrun: annotations cannot weaken the admin policy",
  NULL, false,
};

/* The annotation may add a preset's rules to the admin's, never replace
   them: both must pass, so it can only tighten. */
static int
annotation_preset (const gr_policy *p, const gr_spec *s, gr_policy **extra,
                   gr_findings *out, gr_error **err)
{
  *extra = NULL;
  const char *want = gr_spec_annotation (s, PRESET_ANNOTATION);
  if (want == NULL || strcmp (want, p->name) == 0)
    return 0;
  if (!gr_strlist_has (&p->presets_allowed, want) || preset_index (want) < 0)
    {
      gr_rule_env e = { .p = p, .s = s, .out = out };
      gr_finding_add (&e, &annotation_rule,
                      gr_fmt ("annotations[%s]", PRESET_ANNOTATION),
                      "preset \"%s\" is not one the admin policy permits",
                      want);
      return 0;
    }
  return gr_policy_load (want, NULL, extra, err);
}

typedef struct {
  const gr_policy *p;
  const gr_policy_ctx *ctx;
  gr_findings *rewrites;     /* NULL: log them */
} harden_sink;

static void
harden_note (void *vctx, const char *field, const char *message)
{
  harden_sink *h = vctx;
  gr_finding f = { .rule = "GR-HARDEN", .field = (char *) field,
                   .message = (char *) message,
                   .reference = "guardrun: harden mode" };
  if (h->rewrites == NULL)
    {
      gr_policy_log_decision (h->p, h->ctx, "harden", &f);
      return;
    }
  gr_findings *r = h->rewrites;
  r->v = gr_xrealloc (r->v, (r->n + 1) * sizeof *r->v);
  r->v[r->n++] = (gr_finding) { f.rule, gr_xstrdup (field),
                                gr_xstrdup (message), f.reference };
}

int
gr_policy_lint (const gr_policy *p, gr_spec *s, const gr_policy_ctx *ctx,
                gr_findings *findings, gr_findings *rewrites, gr_error **err)
{
  cleanup_policy gr_policy *extra = NULL;
  if (annotation_preset (p, s, &extra, findings, err) < 0)
    return -1;
  harden_sink h = { p, ctx, rewrites };
  if (p->harden)
    gr_policy_harden_spec (p, s, harden_note, &h);
  if (extra && p->harden)
    gr_policy_harden_spec (extra, s, harden_note, &h);
  const char *bundle = ctx ? ctx->bundle : NULL;
  evaluate (p, s, s->process, false, bundle, findings);
  if (extra)
    evaluate (extra, s, s->process, false, bundle, findings);
  return 0;
}

/* Log every finding; in enforce mode refuse with one line per finding:
   all but the last go out through the log here, the last is returned for
   the caller to print (so they appear in order). */
static int
decide (const gr_policy *p, const gr_policy_ctx *ctx, gr_findings *f,
        gr_error **err)
{
  bool enforce = p->mode == GR_POLICY_ENFORCE;
  for (size_t i = 0; i < f->n; i++)
    gr_policy_log_decision (p, ctx, enforce ? "refuse" : "audit", &f->v[i]);
  if (f->n == 0)
    gr_policy_log_decision (p, ctx, "allow", NULL);
  if (!enforce || f->n == 0)
    {
      for (size_t i = 0; i < f->n; i++)
        gr_debug ("policy %s (audit): %s: %s", p->name, f->v[i].field,
                  f->v[i].message);
      return 0;
    }
  for (size_t i = 0; i + 1 < f->n; i++)
    {
      cleanup_free char *line = gr_finding_line (p, &f->v[i]);
      gr_error e = { .msg = line };
      gr_log_error (&e);
    }
  cleanup_free char *last = gr_finding_line (p, &f->v[f->n - 1]);
  return gr_error_set (err, 0, "%s", last);
}

int
gr_policy_check (const gr_policy *p, gr_spec *s, const gr_policy_ctx *ctx,
                 gr_findings *findings, gr_error **err)
{
  gr_findings local = { 0 };
  gr_findings *f = findings ? findings : &local;
  int r = gr_policy_lint (p, s, ctx, f, NULL, err);
  if (r == 0)
    r = decide (p, ctx, f, err);
  gr_findings_free (&local);
  return r;
}

int
gr_policy_check_process (const gr_policy *p, const gr_spec *container,
                         gr_process *proc, const gr_policy_ctx *ctx,
                         gr_findings *findings, gr_error **err)
{
  gr_findings local = { 0 };
  gr_findings *f = findings ? findings : &local;
  harden_sink h = { p, ctx, NULL };
  if (p->harden)
    gr_policy_harden_process (p, container, proc, harden_note, &h);
  evaluate (p, container, proc, true, ctx ? ctx->bundle : NULL, f);
  int r = decide (p, ctx, f, err);
  gr_findings_free (&local);
  return r;
}
