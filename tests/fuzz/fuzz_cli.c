/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The small string parsers between the command line (or a config string)
 * and the kernel.  The first input byte picks the parser, the rest is its
 * input; parsers taking several strings get them split at '\n' (which none
 * of them accepts inside a value).
 *
 * Contracts checked: a valid id is safe as a single path component; a
 * parsed signal is a real one and its name parses back to it; mount flags
 * never carry MS_BIND/MS_REC; a resolved cgroup path is absolute and never
 * climbs with ".."; a cleaned mount destination stays below the root.
 */
#include <signal.h>
#include <sys/mount.h>
#include <guardrun/mount.h>
#include <guardrun/state.h>
#include "cgroup_internal.h"
#include "mount_internal.h"
#include "policy_internal.h"
#include "fuzz.h"

/* up to max pieces of s split at sep; the rest stays in the last */
static size_t
split (char *s, char sep, char **out, size_t max)
{
  size_t n = 0;
  out[n++] = s;
  for (char *p = s; *p && n < max; p++)
    if (*p == sep)
      {
        *p = '\0';
        out[n++] = p + 1;
      }
  return n;
}

static bool
has_dotdot (const char *path)
{
  for (const char *p = path; (p = strstr (p, "..")) != NULL; p += 2)
    if ((p == path || p[-1] == '/') && (p[2] == '\0' || p[2] == '/'))
      return true;
  return false;
}

static void
fuzz_id (char *s)
{
  gr_error *err = NULL;
  int rc = gr_id_validate (s, &err);
  fuzz_check_error (rc, err);
  if (rc == 0)
    FUZZ_ASSERT (!strchr (s, '/') && strcmp (s, ".") && strcmp (s, "..")
                     && strlen (s) <= GR_ID_MAX,
                 "unsafe id accepted: %s", s);
}

static void
fuzz_signal (char *s)
{
  int sig = gr_signal_parse (s);
  if (sig == -1)
    return;
  FUZZ_ASSERT (sig >= 1 && sig <= SIGRTMAX, "signal %d from %s", sig, s);
  const char *name = gr_signal_name (sig);
  if (name)
    FUZZ_ASSERT (gr_signal_parse (name) == sig, "%s -> %d -> %s -> %d", s,
                 sig, name, gr_signal_parse (name));
}

static void
fuzz_mount_options (char *s)
{
  char *opts[64];
  size_t n = split (s, ',', opts, GR_ARRAY_SIZE (opts));
  gr_mount_flags f;
  gr_error *err = NULL;
  int rc = gr_mount_parse_options (opts, n, &f, &err);
  fuzz_check_error (rc, err);
  if (rc < 0)
    return;
  FUZZ_ASSERT ((f.flags & (MS_BIND | MS_REC)) == 0, "flags 0x%lx", f.flags);
  FUZZ_ASSERT (!f.rbind || f.bind, "rbind without bind");
  FUZZ_ASSERT (!f.ridmap || f.idmap, "ridmap without idmap");
  gr_mount_flags_free (&f);
}

static void
fuzz_cgroups_path (char *s)
{
  char *part[3] = { "", "", "fuzz" };
  split (s, '\n', part, 3);
  cleanup_free char *rel = NULL;
  gr_error *err = NULL;
  int rc = gr_cg_resolve (part[0], part[1], part[2], &rel, &err);
  fuzz_check_error (rc, err);
  if (rc == 0)
    FUZZ_ASSERT (rel[0] == '/' && rel[1] != '\0' && !has_dotdot (rel),
                 "cgroupsPath `%s` resolved to `%s`", part[1], rel);
}

static void
fuzz_systemd_path (char *s, bool rootless)
{
  char *part[2] = { "", "fuzz" };
  split (s, '\n', part, 2);
  cleanup_free char *slice = NULL, *unit = NULL, *path = NULL;
  gr_error *err = NULL;
  int rc = gr_cg_systemd_parse (part[0], part[1], rootless, &slice, &unit,
                                &path, &err);
  fuzz_check_error (rc, err);
  if (rc == 0)
    FUZZ_ASSERT (!has_dotdot (path) && !strchr (unit, '/'),
                 "`%s` gave unit `%s` path `%s`", part[0], unit, path);
  cleanup_free char *expanded = NULL;
  err = NULL;
  rc = gr_cg_systemd_expand_slice (part[0], &expanded, &err);
  fuzz_check_error (rc, err);
  if (rc == 0)
    FUZZ_ASSERT (!has_dotdot (expanded), "slice `%s` -> `%s`", part[0],
                 expanded);
}

static void
fuzz_path_clean (char *s)
{
  cleanup_free char *clean = gr_path_clean (s);
  FUZZ_ASSERT (clean != NULL, "no result");
  FUZZ_ASSERT (clean[0] != '/' && !has_dotdot (clean)
                   && !strstr (clean, "//"),
               "`%s` cleaned to `%s`", s, clean);
  /* idempotent */
  cleanup_free char *again = gr_path_clean (clean);
  FUZZ_ASSERT (strcmp (clean, again) == 0, "`%s` -> `%s` -> `%s`", s, clean,
               again);
}

static void
fuzz_numbers (char *s)
{
  uint64_t u;
  int64_t i;
  uint64_t v;
  if (gr_parse_u64 (s, &u) == 0)
    FUZZ_ASSERT (s[0] >= '0' && s[0] <= '9', "u64 from `%s`", s);
  (void) gr_parse_i64 (s, &i);
  (void) gr_cg_parse_value (s, &v);
}

static void
fuzz_cgroup_text (char *s)
{
  gr_error *err = NULL;
  int rc = gr_cg_unified_key_check (s, &err);
  fuzz_check_error (rc, err);
  if (rc == 0)
    FUZZ_ASSERT (!strchr (s, '/') && strcmp (s, "..") && strcmp (s, "."),
                 "unified key `%s` accepted", s);
  /* kernel-provided text: mountinfo, /proc/PID/cgroup, keyed files */
  cleanup_free char *mount = NULL;
  bool hybrid;
  (void) gr_cg_parse_mountinfo (s, &mount, &hybrid);
  cleanup_free char *own = NULL;
  err = NULL;
  rc = gr_cg_parse_proc_cgroup (s, &own, &err);
  fuzz_check_error (rc, err);
  uint64_t v;
  (void) gr_cg_keyed_get (s, "oom_kill", &v);
}

static void
fuzz_selinux_label (char *s)
{
  free (gr_policy_selinux_type (s));
}

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  if (size == 0)
    return 0;
  cleanup_free char *s = fuzz_cstr (data + 1, size - 1);
  switch (data[0] % 10)
    {
    case 0: fuzz_id (s); break;
    case 1: fuzz_signal (s); break;
    case 2: fuzz_mount_options (s); break;
    case 3: fuzz_cgroups_path (s); break;
    case 4: fuzz_systemd_path (s, false); break;
    case 5: fuzz_systemd_path (s, true); break;
    case 6: fuzz_path_clean (s); break;
    case 7: fuzz_numbers (s); break;
    case 8: fuzz_cgroup_text (s); break;
    case 9: fuzz_selinux_label (s); break;
    }
  return 0;
}
