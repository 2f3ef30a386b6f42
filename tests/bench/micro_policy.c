/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Microbenchmark of what every create pays before clone: load the policy
 * (embedded preset), check a config, parse the default seccomp profile and
 * get its BPF program (compiled vs. from the on-disk cache).  Not part of
 * `make check`; build with `make tests/bench/micro_policy` and run it:
 *
 *   tests/bench/micro_policy [ITERATIONS]
 *
 * Each stage is timed separately and as the whole path a create takes on a
 * cache hit; medians and 95th percentiles in microseconds.
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <guardrun/json.h>
#include <guardrun/policy.h>
#include <guardrun/profiles.h>
#include <guardrun/seccomp.h>
#include <guardrun/spec.h>
#include <guardrun/util.h>

static int
cmp_u64 (const void *a, const void *b)
{
  uint64_t x = *(const uint64_t *) a, y = *(const uint64_t *) b;
  return x < y ? -1 : x > y;
}

static void
report (const char *what, uint64_t *ns, int n)
{
  qsort (ns, (size_t) n, sizeof *ns, cmp_u64);
  printf ("%-44s median %8.1f us   p95 %8.1f us\n", what, ns[n / 2] / 1e3,
          ns[n * 95 / 100] / 1e3);
}

static void
die (const char *what, gr_error *err)
{
  fprintf (stderr, "%s: %s\n", what, err ? gr_error_string (err) : "failed");
  exit (1);
}

/* what gr_seccomp_default_profile does once per process */
static gr_seccomp *
parse_default_profile (void)
{
  gr_json *j = NULL;
  gr_seccomp *s = NULL;
  gr_error *err = NULL;
  size_t len = (size_t) (gr_profile_seccomp_default_end
                         - gr_profile_seccomp_default);
  if (gr_json_parse ("default.json", gr_profile_seccomp_default, len, &j,
                     &err) < 0
      || gr_seccomp_from_json ("default.json", j, &s, &err) < 0)
    die ("default profile", err);
  gr_json_free (j);
  return s;
}

static gr_policy *
load_policy (void)
{
  gr_policy *p = NULL;
  gr_error *err = NULL;
  if (gr_policy_load ("restricted", NULL, &p, &err) < 0)
    die ("policy", err);
  return p;
}

static void
check (const gr_policy *p)
{
  gr_spec *s = gr_spec_default (false);
  gr_error *err = NULL;
  if (gr_policy_check (p, s, NULL, NULL, &err) < 0)
    die ("check", err);
  gr_spec_free (s);
}

static void
compile_default (const char *cache)
{
  gr_seccomp_prog *prog = NULL;
  gr_error *err = NULL;
  if (gr_seccomp_compile_default (cache, &prog, &err) < 0)
    die ("compile", err);
  gr_seccomp_prog_free (prog);
}

static void
compile (const gr_seccomp *s, const char *cache)
{
  gr_seccomp_prog *prog = NULL;
  gr_error *err = NULL;
  if (gr_seccomp_compile (s, cache, &prog, &err) < 0)
    die ("compile", err);
  gr_seccomp_prog_free (prog);
}

#define TIME(arr, i, stmt)                                                  \
  do                                                                        \
    {                                                                       \
      uint64_t t0 = gr_now_ns ();                                           \
      stmt;                                                                 \
      arr[i] = gr_now_ns () - t0;                                           \
    }                                                                       \
  while (0)

int
main (int argc, char **argv)
{
  int n = argc > 1 ? atoi (argv[1]) : 200;
  if (n < 10)
    n = 10;
  char cache[] = "/tmp/gr-bench-seccomp-XXXXXX";
  if (mkdtemp (cache) == NULL)
    die ("mkdtemp", NULL);
  /* the decision log is one O_APPEND write; keep it out of the numbers */
  setenv ("GUARDRUN_DECISION_LOG", "none", 1);
  uint64_t *t_load = calloc (n, 8), *t_check = calloc (n, 8),
           *t_parse = calloc (n, 8), *t_miss = calloc (n, 8),
           *t_hit = calloc (n, 8), *t_total = calloc (n, 8),
           *t_dhit = calloc (n, 8);
  gr_seccomp *def = parse_default_profile ();
  compile (def, cache);      /* warm the cache */
  compile_default (cache);
  for (int i = 0; i < n; i++)
    {
      gr_policy *p;
      gr_seccomp *s;
      TIME (t_load, i, p = load_policy ());
      TIME (t_check, i, check (p));
      TIME (t_parse, i, s = parse_default_profile ());
      TIME (t_miss, i, compile (s, NULL));
      TIME (t_hit, i, compile (s, cache));
      TIME (t_dhit, i, compile_default (cache));
      gr_seccomp_free (s);
      gr_policy_free (p);
      TIME (t_total, i, {
        gr_policy *q = load_policy ();
        check (q);
        compile_default (cache);
        gr_policy_free (q);
      });
    }
  report ("policy load (embedded restricted)", t_load, n);
  report ("policy check (guardrun spec config)", t_check, n);
  report ("seccomp: parse the default profile", t_parse, n);
  report ("seccomp: compile with libseccomp (miss)", t_miss, n);
  report ("seccomp: parsed profile, cache hit", t_hit, n);
  report ("seccomp: built-in default, cache hit", t_dhit, n);
  report ("whole path (load+check+default hit)", t_total, n);
  gr_seccomp_free (def);
  gr_rm_rf_at (AT_FDCWD, cache);
  return 0;
}
