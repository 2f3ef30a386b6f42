/* SPDX-License-Identifier: Apache-2.0 */
/* features: runc's `features` document, listing only what guardrun does */
#include <ctype.h>
#include <seccomp.h>
#include <string.h>
#include <sys/capability.h>
#include <guardrun/json.h>
#include <guardrun/spec.h>
#include <guardrun/util.h>
#include "cmd.h"

static void
strv (gr_jw *w, const char *key, const char *const *v)
{
  gr_jw_key (w, key);
  gr_jw_arr_open (w);
  for (; *v; v++)
    gr_jw_str (w, *v);
  gr_jw_arr_close (w);
}

static const char *const mount_options[] = {
  "acl", "async", "atime", "bind", "defaults", "dev", "diratime", "dirsync",
  "exec", "iversion", "lazytime", "loud", "mand", "noacl", "noatime",
  "nodev", "nodiratime", "noexec", "noiversion", "nolazytime", "nomand",
  "norelatime", "nostrictatime", "nosuid", "nosymfollow", "private",
  "ratime", "rbind", "rdev", "rdiratime", "relatime", "remount", "rexec",
  "rnoatime", "rnodev", "rnodiratime", "rnoexec", "rnorelatime",
  "rnostrictatime", "rnosuid", "rnosymfollow", "ro", "rprivate", "rrelatime",
  "rro", "rrw", "rshared", "rslave", "rstrictatime", "rsuid", "rsymfollow",
  "runbindable", "rw", "shared", "silent", "slave", "strictatime", "suid",
  "symfollow", "sync", "tmpcopyup", "unbindable", "idmap", "ridmap", NULL
};

static const char *const namespaces[] = { "cgroup", "ipc", "mount", "network",
                                          "pid", "time", "user", "uts", NULL };

static const char *const seccomp_actions[] = {
  "SCMP_ACT_ALLOW", "SCMP_ACT_ERRNO", "SCMP_ACT_KILL", "SCMP_ACT_KILL_PROCESS",
  "SCMP_ACT_KILL_THREAD", "SCMP_ACT_LOG", "SCMP_ACT_NOTIFY", "SCMP_ACT_TRACE",
  "SCMP_ACT_TRAP", NULL
};
static const char *const seccomp_ops[] = {
  "SCMP_CMP_EQ", "SCMP_CMP_GE", "SCMP_CMP_GT", "SCMP_CMP_LE", "SCMP_CMP_LT",
  "SCMP_CMP_MASKED_EQ", "SCMP_CMP_NE", NULL
};
static const char *const seccomp_archs[] = {
  "SCMP_ARCH_AARCH64", "SCMP_ARCH_ARM", "SCMP_ARCH_X32", "SCMP_ARCH_X86",
  "SCMP_ARCH_X86_64", NULL
};
static const char *const seccomp_flags[] = {
  "SECCOMP_FILTER_FLAG_LOG", "SECCOMP_FILTER_FLAG_SPEC_ALLOW",
  "SECCOMP_FILTER_FLAG_TSYNC", "SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV", NULL
};

int
cmd_features (gr_globals *g, int argc, char **argv, gr_error **err)
{
  const gr_cmd *cmd = gr_cmd_find ("features");
  bool help;
  int i = gr_cmd_getopt (cmd, argc, argv, "", NULL, NULL, NULL, &help, err);
  if (i < 0 || help)
    return i < 0 ? -1 : 0;
  if (gr_cmd_nargs (cmd, argc - i, 0, 0, err) < 0)
    return -1;

  cleanup_jw gr_jw *w = gr_jw_new (true);
  gr_jw_obj_open (w);
  gr_jw_kstr (w, "ociVersionMin", "1.0.0");
  gr_jw_kstr (w, "ociVersionMax", GR_OCI_VERSION);
  gr_jw_key (w, "hooks");
  gr_jw_arr_open (w);
  for (int k = 0; k < GR_HOOK_KINDS; k++)
    gr_jw_str (w, gr_hook_kind_names[k]);
  gr_jw_arr_close (w);
  strv (w, "mountOptions", mount_options);

  gr_jw_key (w, "linux");
  gr_jw_obj_open (w);
  strv (w, "namespaces", namespaces);
  gr_jw_key (w, "capabilities");
  gr_jw_arr_open (w);
  for (cap_value_t c = 0; c < (cap_value_t) cap_max_bits (); c++)
    {
      char *name = cap_to_name (c);
      if (name == NULL)
        continue;
      char up[64] = "";
      size_t n = 0;
      for (const char *p = name; *p && n < sizeof up - 1; p++)
        up[n++] = (char) toupper ((unsigned char) *p);
      up[n] = '\0';
      /* libcap names unknown bits as plain numbers: skip them */
      if (strncmp (up, "CAP_", 4) == 0)
        gr_jw_str (w, up);
      cap_free (name);
    }
  gr_jw_arr_close (w);

  gr_jw_key (w, "cgroup");
  gr_jw_obj_open (w);
  gr_jw_kbool (w, "v1", false);
  gr_jw_kbool (w, "v2", true);
  gr_jw_kbool (w, "systemd", false);
  gr_jw_kbool (w, "systemdUser", false);
  gr_jw_kbool (w, "rdma", true);
  gr_jw_obj_close (w);

  gr_jw_key (w, "seccomp");
  gr_jw_obj_open (w);
  gr_jw_kbool (w, "enabled", true);
  strv (w, "actions", seccomp_actions);
  strv (w, "operators", seccomp_ops);
  strv (w, "archs", seccomp_archs);
  strv (w, "knownFlags", seccomp_flags);
  strv (w, "supportedFlags", seccomp_flags);
  gr_jw_obj_close (w);

  gr_jw_key (w, "apparmor");
  gr_jw_obj_open (w);
  gr_jw_kbool (w, "enabled", true);
  gr_jw_obj_close (w);
  gr_jw_key (w, "selinux");
  gr_jw_obj_open (w);
  gr_jw_kbool (w, "enabled", true);
  gr_jw_obj_close (w);
  gr_jw_key (w, "intelRdt");
  gr_jw_obj_open (w);
  gr_jw_kbool (w, "enabled", false);
  gr_jw_obj_close (w);
  gr_jw_key (w, "mountExtensions");
  gr_jw_obj_open (w);
  gr_jw_key (w, "idmap");
  gr_jw_obj_open (w);
  gr_jw_kbool (w, "enabled", true);
  gr_jw_obj_close (w);
  gr_jw_obj_close (w);
  gr_jw_obj_close (w); /* linux */

  const struct scmp_version *v = seccomp_version ();
  cleanup_free char *sv = gr_fmt ("%u.%u.%u", v->major, v->minor, v->micro);
  gr_jw_key (w, "annotations");
  gr_jw_obj_open (w);
  gr_jw_kstr (w, "io.github.seccomp.libseccomp.version", sv);
  gr_jw_kstr (w, "org.opencontainers.runc.checkpoint.enabled", "false");
  gr_jw_kstr (w, "io.guardrun.version", PACKAGE_VERSION);
  gr_jw_kstr (w, "io.guardrun.policy.presets", "restricted,baseline,sandbox");
  gr_jw_obj_close (w);
  gr_jw_obj_close (w);
  printf ("%s\n", gr_jw_buf (w, NULL));
  return 0;
}
