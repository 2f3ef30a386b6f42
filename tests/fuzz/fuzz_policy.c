/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The admin policy file, through the real gr_policy_load (there is no
 * buffer API: the input goes in a memfd loaded as /proc/self/fd/N, which
 * is also how the file path reaches the loader in production).  Contract
 * from policy.h: `policy show` output loads back to the same policy, so
 * show(load(show(p))) == show(p).
 */
#include <sys/mman.h>
#include <guardrun/policy.h>
#include "fuzz.h"

static int
load_buf (const void *buf, size_t len, gr_policy **out, gr_error **err)
{
  cleanup_close int fd = memfd_create ("fuzz-policy", MFD_CLOEXEC);
  FUZZ_ASSERT (fd >= 0, "memfd_create: %m");
  FUZZ_ASSERT (gr_write_all (fd, buf, len) == 0, "write memfd: %m");
  char path[64];
  snprintf (path, sizeof path, "/proc/self/fd/%d", fd);
  return gr_policy_load (path, NULL, out, err);
}

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  gr_policy *p = NULL;
  gr_error *err = NULL;
  int rc = load_buf (data, size, &p, &err);
  fuzz_check_error (rc, err);
  if (rc < 0)
    return 0;
  (void) gr_policy_name (p);
  (void) gr_policy_get_mode (p);
  (void) gr_policy_default_seccomp (p);

  size_t len, len2;
  cleanup_free char *shown = gr_policy_to_json (p, &len);
  gr_policy_free (p);
  p = NULL;
  rc = load_buf (shown, len, &p, &err);
  if (rc < 0)
    {
      char *msg = gr_error_string (err);
      FUZZ_ASSERT (rc == 0, "`policy show` output rejected: %s\n%s", msg,
                   shown);
    }
  cleanup_free char *again = gr_policy_to_json (p, &len2);
  FUZZ_ASSERT (len == len2 && memcmp (shown, again, len) == 0,
               "show(load(show(p))) differs:\n%s\n---\n%s", shown, again);
  gr_policy_free (p);
  return 0;
}
