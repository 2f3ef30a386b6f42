/* SPDX-License-Identifier: Apache-2.0 */
/*
 * config.json: the most hostile input the runtime reads (whoever writes
 * the bundle may not be whoever runs the runtime).  Beyond gr_spec_parse,
 * everything `create` and `check` do with a config before touching the
 * system is pure and runs here too: the create checks, the policy rules
 * and harden rewrites, the cgroup write plan and the device filter.
 *
 * Contracts: a config that parses serialises to one that parses back to
 * the same serialisation (`spec` and harden write configs this way), and
 * so does a hardened one; every error and every finding line is one line.
 */
#include <guardrun/json.h>
#include <guardrun/policy.h>
#include <guardrun/spec.h>
#include "cgroup_internal.h"
#include "policy_internal.h"
#include "fuzz.h"

static gr_policy *restricted, *hardening;

int LLVMFuzzerInitialize (int *argc, char ***argv);
int
LLVMFuzzerInitialize (int *argc, char ***argv)
{
  gr_error *err = NULL;
  if (gr_policy_load ("restricted", NULL, &restricted, &err) < 0
      || gr_policy_load ("sandbox", NULL, &hardening, &err) < 0)
    {
      char *msg = gr_error_string (err);
      fprintf (stderr, "fuzz_spec: load presets: %s\n", msg);
      abort ();
    }
  hardening->harden = true;
  return 0;
}

/* to_json(s) must parse, and serialise to the very same text */
static void
check_roundtrip (const gr_spec *s, const char *what)
{
  size_t len, len2;
  cleanup_free char *text = gr_spec_to_json (s, &len);
  FUZZ_ASSERT (text != NULL, "%s: to_json failed", what);
  gr_spec *again = NULL;
  gr_error *err = NULL;
  if (gr_spec_parse ("re-serialised", text, len, &again, &err) < 0)
    {
      char *msg = gr_error_string (err);
      FUZZ_ASSERT (false, "%s: serialised config rejected: %s\n%s", what, msg,
                   text);
    }
  cleanup_free char *text2 = gr_spec_to_json (again, &len2);
  FUZZ_ASSERT (len == len2 && memcmp (text, text2, len) == 0,
               "%s: serialisation not stable:\n%s\n---\n%s", what, text,
               text2);
  gr_spec_free (again);
}

static void
check_findings (const gr_policy *p, gr_findings *f)
{
  for (size_t i = 0; i < f->n; i++)
    {
      FUZZ_ASSERT (f->v[i].rule && f->v[i].message, "finding %zu incomplete",
                   i);
      /* `check` prints field and message as they are */
      fuzz_check_line ("finding field", f->v[i].field);
      fuzz_check_line ("finding message", f->v[i].message);
      char *line = gr_finding_line (p, &f->v[i]);
      fuzz_check_line ("finding line", line);
      free (line);
    }
  gr_findings_free (f);
}

static void
lint (const gr_policy *p, gr_spec *s)
{
  /* a bundle that does not exist: relative mount sources resolve nowhere */
  gr_policy_ctx ctx = { .id = "fuzz", .bundle = "/nonexistent/fuzz-bundle" };
  gr_findings f = { 0 }, rw = { 0 };
  gr_error *err = NULL;
  int rc = gr_policy_lint (p, s, &ctx, &f, &rw, &err);
  fuzz_check_error (rc, err);
  check_findings (p, &f);
  check_findings (p, &rw);
}

static void
cgroup_plan (const gr_spec *s)
{
  const gr_resources *r = s->lnx ? s->lnx->resources : NULL;
  if (r == NULL)
    return;
  gr_cg_plan plan = { 0 };
  gr_error *err = NULL;
  int rc = gr_cg_plan_build (r, &plan, &err);
  fuzz_check_error (rc, err);
  gr_cg_plan_free (&plan);

  gr_bpf_insn *prog = NULL;
  size_t len = 0;
  err = NULL;
  rc = gr_bpf_devices_build (r->devices, r->n_devices, true, &prog, &len,
                             &err);
  fuzz_check_error (rc, err);
  if (rc == 0)
    {
      /* the interpreter must terminate on whatever was generated */
      (void) gr_bpf_devices_eval (prog, len, 'c', 1, 3, "rw");
      (void) gr_bpf_devices_eval (prog, len, 'b', 8, 0, "m");
    }
  free (prog);
}

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  gr_spec *s = NULL;
  gr_error *err = NULL;
  int rc = gr_spec_parse ("config.json", (const char *) data, size, &s, &err);
  fuzz_check_error (rc, err);
  if (rc < 0)
    return 0;
  check_roundtrip (s, "parsed");

  err = NULL;
  rc = gr_spec_validate_for_create (s, &err);
  fuzz_check_error (rc, err);
  cgroup_plan (s);
  lint (restricted, s);
  lint (hardening, s);
  check_roundtrip (s, "hardened");
  gr_spec_free (s);
  return 0;
}
