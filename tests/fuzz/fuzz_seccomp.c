/* SPDX-License-Identifier: Apache-2.0 */
/*
 * linux.seccomp (an OCI seccomp profile, as podman and containerd generate
 * them): gr_seccomp_from_json, then the policy's "too open" check and the
 * libseccomp compilation into BPF, without the cache and without
 * installing anything.  A compiled program must be one the kernel could
 * load: 1..BPF_MAXINSNS instructions ending in a return.
 */
#include <linux/filter.h>
#include <guardrun/json.h>
#include <guardrun/policy.h>
#include <guardrun/seccomp.h>
#include <guardrun/spec.h>
#include "policy_internal.h"
#include "fuzz.h"

static gr_policy *restricted;

int LLVMFuzzerInitialize (int *argc, char ***argv);
int
LLVMFuzzerInitialize (int *argc, char ***argv)
{
  if (gr_policy_load ("restricted", NULL, &restricted, NULL) < 0)
    abort ();
  return 0;
}

static void
compile (const gr_seccomp *sc)
{
  gr_seccomp_prog *prog = NULL;
  gr_error *err = NULL;
  int rc = gr_seccomp_compile (sc, NULL, &prog, &err);
  fuzz_check_error (rc, err);
  if (rc < 0)
    return;
  size_t n;
  const struct sock_filter *insns = gr_seccomp_prog_insns (prog, &n);
  FUZZ_ASSERT (n >= 1 && n <= BPF_MAXINSNS, "%zu instructions", n);
  FUZZ_ASSERT (BPF_CLASS (insns[n - 1].code) == BPF_RET,
               "program does not end in a return");
  (void) gr_seccomp_prog_needs_notify (prog);
  gr_seccomp_prog_free (prog);
}

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  gr_json *j = NULL;
  gr_error *err = NULL;
  if (gr_json_parse ("seccomp.json", (const char *) data, size, &j, &err) < 0)
    {
      fuzz_check_error (-1, err);
      return 0;
    }
  gr_seccomp *sc = NULL;
  int rc = gr_seccomp_from_json ("linux.seccomp", j, &sc, &err);
  fuzz_check_error (rc, err);
  gr_json_free (j);
  if (rc < 0)
    return 0;
  char *why = NULL;
  if (gr_policy_seccomp_too_open (restricted, sc, &why))
    FUZZ_ASSERT (why != NULL && *why != '\0', "too open, but no reason");
  free (why);
  compile (sc);
  gr_seccomp_free (sc);
  return 0;
}
