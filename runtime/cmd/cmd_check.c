/* SPDX-License-Identifier: Apache-2.0 */
/* check: lint a config against the policy without running it.  Exit 0 when
   it passes, 1 on violations, 2 when it cannot be checked at all. */
#include <fcntl.h>
#include <libgen.h>
#include <limits.h>
#include <string.h>
#include <sys/stat.h>
#include <guardrun/json.h>
#include <guardrun/policy.h>
#include <guardrun/spec.h>
#include <guardrun/util.h>
#include "cmd.h"

struct check_opts {
  const char *policy;
  bool json;
};

static int
check_opt (int c, const char *arg, void *ctx)
{
  struct check_opts *o = ctx;
  switch (c)
    {
    case 'p':
      o->policy = arg;
      return 0;
    case 'f':
      if (strcmp (arg, "json") != 0 && strcmp (arg, "text") != 0)
        return -1;
      o->json = strcmp (arg, "json") == 0;
      return 0;
    }
  return -1;
}

/* BUNDLE (a directory with config.json) or the config file itself; the
   bundle is where relative mount sources are resolved */
static int
load_config (const char *arg, gr_spec **s, char **bundle, gr_error **err)
{
  struct stat st;
  if (stat (arg, &st) < 0)
    return gr_error_set_status (err, 2, errno, "check: `%s`", arg);
  bool is_dir = S_ISDIR (st.st_mode);
  cleanup_free char *file = is_dir ? gr_fmt ("%s/config.json", arg)
                                   : gr_xstrdup (arg);
  cleanup_free char *copy = gr_xstrdup (arg);
  const char *dir = is_dir ? arg : dirname (copy);
  cleanup_free char *buf = NULL;
  size_t len;
  if (gr_read_file (file, GR_JSON_MAX_SIZE, &buf, &len, err) < 0
      || gr_spec_parse (file, buf, len, s, err) < 0)
    {
      (*err)->status = 2;
      return -1;
    }
  *bundle = realpath (dir, NULL);
  if (*bundle == NULL)
    *bundle = gr_xstrdup (dir);
  return 0;
}

static void
print_text (const gr_policy *p, const char *what, const gr_findings *rw,
            const gr_findings *f)
{
  for (size_t i = 0; i < rw->n; i++)
    printf ("harden %s: %s\n", rw->v[i].field, rw->v[i].message);
  for (size_t i = 0; i < f->n; i++)
    printf ("%s %s: %s [%s]\n", f->v[i].rule, f->v[i].field,
            f->v[i].message, f->v[i].reference);
  if (f->n)
    printf ("%s: %zu violation%s of policy %s\n", what, f->n,
            f->n == 1 ? "" : "s", gr_policy_name (p));
  else
    printf ("%s: passes policy %s\n", what, gr_policy_name (p));
}

static void
jw_findings (gr_jw *w, const char *key, const gr_findings *f)
{
  gr_jw_key (w, key);
  gr_jw_arr_open (w);
  for (size_t i = 0; i < f->n; i++)
    {
      gr_jw_obj_open (w);
      gr_jw_kstr (w, "rule", f->v[i].rule);
      gr_jw_kstr (w, "field", f->v[i].field);
      gr_jw_kstr (w, "message", f->v[i].message);
      gr_jw_kstr (w, "reference", f->v[i].reference);
      gr_jw_obj_close (w);
    }
  gr_jw_arr_close (w);
}

static void
print_json (const gr_policy *p, const char *what, const gr_findings *rw,
            const gr_findings *f)
{
  cleanup_jw gr_jw *w = gr_jw_new (true);
  gr_jw_obj_open (w);
  gr_jw_kstr (w, "config", what);
  gr_jw_kstr (w, "policy", gr_policy_name (p));
  gr_jw_kstr (w, "mode", gr_policy_get_mode (p) == GR_POLICY_ENFORCE
                             ? "enforce" : "audit");
  gr_jw_kbool (w, "ok", f->n == 0);
  jw_findings (w, "findings", f);
  jw_findings (w, "rewrites", rw);
  gr_jw_obj_close (w);
  printf ("%s\n", gr_jw_buf (w, NULL));
}

int
cmd_check (gr_globals *g, int argc, char **argv, gr_error **err)
{
  static const struct option opts[] = {
    { "policy", required_argument, NULL, 'p' },
    { "format", required_argument, NULL, 'f' },
    { 0 },
  };
  const gr_cmd *cmd = gr_cmd_find ("check");
  struct check_opts o = { .policy = g->policy };
  bool help;
  int i = gr_cmd_getopt (cmd, argc, argv, "p:f:", opts, check_opt, &o, &help,
                         err);
  if (i < 0 || help)
    return i < 0 ? -1 : 0;
  if (gr_cmd_nargs (cmd, argc - i, 1, 1, err) < 0)
    return -1;
  cleanup_policy gr_policy *p = NULL;
  if (gr_policy_load (o.policy, g->policy_mode, &p, err) < 0)
    {
      (*err)->status = 2;
      return -1;
    }
  gr_spec *s = NULL;
  cleanup_free char *bundle = NULL;
  if (load_config (argv[i], &s, &bundle, err) < 0)
    return -1;
  gr_findings f = { 0 }, rw = { 0 };
  gr_policy_ctx ctx = { .id = NULL, .bundle = bundle };
  int r = gr_policy_lint (p, s, &ctx, &f, &rw, err);
  if (r == 0)
    {
      if (o.json)
        print_json (p, argv[i], &rw, &f);
      else
        print_text (p, argv[i], &rw, &f);
      r = f.n ? 1 : 0;
    }
  gr_findings_free (&f);
  gr_findings_free (&rw);
  gr_spec_free (s);
  return r;
}
