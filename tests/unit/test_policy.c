/* SPDX-License-Identifier: Apache-2.0 */
/* policy: the parser, every rule (refused and allowed), harden, decisions,
   and the configs real engines generate */
#include <criterion/criterion.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <guardrun/json.h>
#include <guardrun/lsm.h>
#include <guardrun/policy.h>
#include <guardrun/spec.h>
#include <guardrun/seccomp.h>
#include <guardrun/util.h>
/* white-box: the must-block list, the too-open predicate */
#include "../../runtime/lib/policy_internal.h"

#ifndef GR_SRCDIR
#define GR_SRCDIR "."
#endif
#define DATA GR_SRCDIR "/tests/unit/data/"

static char tmpdir[] = "/tmp/gr-test-policy-XXXXXX";
static char *declog;

static void
setup (void)
{
  cr_assert_not_null (mkdtemp (tmpdir));
  declog = gr_fmt ("%s/decisions.log", tmpdir);
  setenv ("GUARDRUN_DECISION_LOG", declog, 1);
  unsetenv ("GUARDRUN_POLICY");
}

static void
teardown (void)
{
  gr_rm_rf_at (AT_FDCWD, tmpdir);
  free (declog);
}

TestSuite (policy, .init = setup, .fini = teardown);

/* ------------------------------------------------------------ helpers -- */

static void
put (const char *path, const char *data, size_t len)
{
  FILE *f = fopen (path, "w");
  cr_assert_not_null (f, "%s", path);
  cr_assert_eq (fwrite (data, 1, len, f), len);
  cr_assert_eq (fclose (f), 0);
}

static gr_policy *
policy (const char *name)
{
  gr_policy *p = NULL;
  gr_error *err = NULL;
  cr_assert_eq (gr_policy_load (name, NULL, &p, &err), 0, "load %s: %s",
                name, err ? gr_error_string (err) : "");
  return p;
}

/* a policy file with this content; returns its loaded policy */
static gr_policy *
policy_text (const char *json)
{
  cleanup_free char *path = gr_fmt ("%s/policy.json", tmpdir);
  put (path, json, strlen (json));
  return policy (path);
}

static char *
policy_text_err (const char *json)
{
  cleanup_free char *path = gr_fmt ("%s/policy.json", tmpdir);
  gr_error *err = NULL;
  gr_policy *p = NULL;
  put (path, json, strlen (json));
  cr_assert_lt (gr_policy_load (path, NULL, &p, &err), 0, "%s loaded", json);
  char *m = gr_error_string (err);
  gr_error_free (err);
  return m;
}

static gr_spec *
spec_str (const char *json)
{
  gr_spec *s = NULL;
  gr_error *err = NULL;
  cr_assert_eq (gr_spec_parse ("config.json", json, strlen (json), &s, &err),
                0, "%s", err ? gr_error_string (err) : "");
  return s;
}

static gr_spec *
spec_file (const char *name)
{
  cleanup_free char *path = gr_fmt (DATA "%s", name);
  cleanup_free char *buf = NULL;
  size_t len;
  cr_assert_eq (gr_read_file (path, 1 << 24, &buf, &len, NULL), 0);
  gr_spec *s = NULL;
  gr_error *err = NULL;
  cr_assert_eq (gr_spec_parse (name, buf, len, &s, &err), 0, "%s",
                err ? gr_error_string (err) : "");
  return s;
}

/* the hardened default of `guardrun spec`: PSS restricted as it stands */
static gr_spec *
good (void)
{
  return gr_spec_default (false);
}

static gr_findings
lint (const gr_policy *p, gr_spec *s)
{
  gr_findings f = { 0 };
  gr_findings rw = { 0 };
  gr_error *err = NULL;
  gr_policy_ctx ctx = { .id = "t", .bundle = tmpdir };
  cr_assert_eq (gr_policy_lint (p, s, &ctx, &f, &rw, &err), 0, "%s",
                err ? gr_error_string (err) : "");
  gr_findings_free (&rw);
  return f;
}

static char *
describe (const gr_policy *p, const gr_findings *f)
{
  char *all = gr_xstrdup ("");
  for (size_t i = 0; i < f->n; i++)
    {
      cleanup_free char *line = gr_finding_line (p, &f->v[i]);
      char *old = all;
      all = gr_fmt ("%s\n  [%s] %s", old, f->v[i].rule, line);
      free (old);
    }
  return all;
}

static size_t
count_rule (const gr_findings *f, const char *rule)
{
  size_t n = 0;
  for (size_t i = 0; i < f->n; i++)
    n += strcmp (f->v[i].rule, rule) == 0;
  return n;
}

static const gr_finding *
find_rule (const gr_findings *f, const char *rule)
{
  for (size_t i = 0; i < f->n; i++)
    if (strcmp (f->v[i].rule, rule) == 0)
      return &f->v[i];
  return NULL;
}

/* run the rules of `pname` on `json` (or the good config when NULL after
   applying `mutate`) and expect exactly `n` findings of `rule` */
static void
expect_rule (const gr_policy *p, gr_spec *s, const char *rule, size_t n,
             const char *what)
{
  gr_findings f = lint (p, s);
  cleanup_free char *d = describe (p, &f);
  cr_expect_eq (count_rule (&f, rule), n, "%s: expected %zu x %s, got:%s",
                what, n, rule, d);
  gr_findings_free (&f);
  gr_spec_free (s);
}

static void
expect_clean (const gr_policy *p, gr_spec *s, const char *what)
{
  gr_findings f = lint (p, s);
  cleanup_free char *d = describe (p, &f);
  cr_expect_eq (f.n, 0, "%s: expected no finding, got:%s", what, d);
  gr_findings_free (&f);
  gr_spec_free (s);
}

/* the good config with a JSON fragment merged in by jq-like replacement:
   we rebuild it from text, so fragments are spliced at the top level */
static gr_spec *
good_with (const char *jq_filter)
{
  gr_spec *s = good ();
  size_t len;
  cleanup_free char *json = gr_spec_to_json (s, &len);
  gr_spec_free (s);
  cleanup_free char *in = gr_fmt ("%s/in.json", tmpdir);
  cleanup_free char *out = gr_fmt ("%s/out.json", tmpdir);
  put (in, json, len);
  cleanup_free char *cmd = gr_fmt ("jq '%s' %s > %s", jq_filter, in, out);
  cr_assert_eq (system (cmd), 0, "jq failed: %s", jq_filter);
  cleanup_free char *buf = NULL;
  cr_assert_eq (gr_read_file (out, 1 << 24, &buf, &len, NULL), 0);
  return spec_str (buf);
}

/* ------------------------------------------------------------- parser -- */

Test (policy, presets_load)
{
  static const char *const names[] = { "restricted", "baseline", "sandbox" };
  for (size_t i = 0; i < GR_ARRAY_SIZE (names); i++)
    {
      gr_policy *p = policy (names[i]);
      cr_expect_str_eq (gr_policy_name (p), names[i]);
      cr_expect_eq (gr_policy_get_mode (p), GR_POLICY_ENFORCE);
      cr_expect_str_eq (gr_policy_default_seccomp (p), "default");
      gr_policy_free (p);
    }
  gr_policy *p = NULL;
  cleanup_error gr_error *err = NULL;
  cr_expect_lt (gr_policy_load ("strict", NULL, &p, &err), 0);
  cleanup_free char *m = gr_error_string (err);
  cr_expect (strstr (m, "strict") != NULL, "%s", m);
}

Test (policy, default_is_restricted_or_env)
{
  gr_policy *p = NULL;
  cr_assert_eq (gr_policy_load (NULL, NULL, &p, NULL), 0);
  if (access ("/etc/guardrun/policy.json", F_OK) != 0)
    cr_expect_str_eq (gr_policy_name (p), "restricted");
  gr_policy_free (p);
  setenv ("GUARDRUN_POLICY", "baseline", 1);
  cr_assert_eq (gr_policy_load (NULL, NULL, &p, NULL), 0);
  cr_expect_str_eq (gr_policy_name (p), "baseline");
  gr_policy_free (p);
  unsetenv ("GUARDRUN_POLICY");
}

Test (policy, mode_override)
{
  gr_policy *p = NULL;
  cleanup_error gr_error *err = NULL;
  cr_assert_eq (gr_policy_load ("restricted", "audit", &p, &err), 0);
  cr_expect_eq (gr_policy_get_mode (p), GR_POLICY_AUDIT);
  gr_policy_free (p);
  cr_expect_lt (gr_policy_load ("restricted", "permissive", &p, &err), 0);
  cleanup_free char *m = gr_error_string (err);
  cr_expect (strstr (m, "--policy-mode") && strstr (m, "permissive"), "%s", m);
}

Test (policy, strict_parser_names_the_key)
{
  static const struct { const char *json, *want; } cases[] = {
    { "{\"mounts\": {\"alow\": []}}", "mounts.alow: unknown key" },
    { "{\"capabilites\": {}}", "capabilites: unknown key" },
    { "{\"root\": {\"readonly\": \"yes\"}}",
      "root.readonly: expected true or false, got string" },
    { "{\"mode\": \"permissive\"}",
      "mode: \"permissive\" is not one of: enforce, audit" },
    { "{\"capabilities\": {\"allowed\": [\"CAP_SYS_ADMN\"]}}",
      "capabilities.allowed[0]: unknown capability \"CAP_SYS_ADMN\"" },
    { "{\"capabilities\": {\"allowed\": \"CAP_KILL\"}}",
      "capabilities.allowed: expected an array of strings, got string" },
    { "{\"mounts\": {\"allow\": [1]}}",
      "mounts.allow[0]: expected a string, got number" },
    { "{\"mounts\": {\"sensitivePaths\": [\"var\"]}}",
      "mounts.sensitivePaths[0]: \"var\" is not an absolute path" },
    { "{\"process\": {\"minOomScoreAdj\": 1.5}}",
      "process.minOomScoreAdj: \"1.5\" is not an integer" },
    { "{\"process\": {\"hardenUid\": -1}}",
      "process.hardenUid: -1 is out of range" },
    { "{\"namespaces\": {\"required\": [\"net\"]}}",
      "namespaces.required[0]: \"net\" is not one of" },
    { "{\"devices\": {\"allowed\": [\"/dev/null\"]}}",
      "devices.allowed[0]: \"/dev/null\" is not \"TYPE MAJOR:MINOR" },
    { "{\"mode\": \"audit\", \"mode\": \"enforce\"}", "mode: duplicate key" },
    { "{\"extends\": \"lenient\"}", "unknown policy preset \"lenient\"" },
    { "{\"extends\": 3}", "extends: expected a preset name, got number" },
    { "[]", "(top level): expected an object, got array" },
    { "{\"apparmor\": {\"missing\": \"warning\"}}",
      "apparmor.missing: \"warning\" is not one of: warn, refuse, ignore" },
    { "{\"cgroups\": {\"unenforceable\": true}}",
      "cgroups.unenforceable: expected a string, got boolean" },
  };
  for (size_t i = 0; i < GR_ARRAY_SIZE (cases); i++)
    {
      cleanup_free char *m = policy_text_err (cases[i].json);
      cr_expect (strstr (m, cases[i].want) != NULL,
                 "%s: expected \"%s\" in \"%s\"", cases[i].json,
                 cases[i].want, m);
    }
}

Test (policy, file_extends_and_inherits_strict_values)
{
  /* no "extends": what the file leaves out is restricted's */
  gr_policy *p = policy_text ("{\"name\": \"site\", \"mode\": \"audit\","
                              " \"cgroups\": {\"unenforceable\": \"warn\"}}");
  cr_expect_str_eq (gr_policy_name (p), "site");
  cr_expect_eq (gr_policy_get_mode (p), GR_POLICY_AUDIT);
  cr_expect_eq (gr_policy_cgroups_unenforceable (p), GR_UNENFORCEABLE_WARN);
  expect_rule (p, good_with (".process.user.uid = 0"), "GR-USER-001", 1,
               "restricted inherited");
  gr_policy_free (p);

  p = policy_text ("{\"extends\": \"baseline\", \"root\": {\"readonly\": true}}");
  expect_rule (p, good_with (".process.user.uid = 0"), "GR-USER-001", 0,
               "baseline inherited");
  expect_rule (p, good_with (".root.readonly = false"), "GR-ROOT-001", 1,
               "override");
  cleanup_free char *path = gr_fmt ("%s/policy.json", tmpdir);
  cr_expect_str_eq (gr_policy_name (p), path, "a file without a name is "
                    "named by its path");
  gr_policy_free (p);
}

Test (policy, show_round_trips)
{
  static const char *const names[] = { "restricted", "baseline", "sandbox" };
  for (size_t i = 0; i < GR_ARRAY_SIZE (names); i++)
    {
      gr_policy *p = policy (names[i]);
      size_t len;
      cleanup_free char *a = gr_policy_to_json (p, &len);
      gr_policy *q = policy_text (a);
      cleanup_free char *b = gr_policy_to_json (q, NULL);
      cr_expect_str_eq (a, b, "%s does not round-trip", names[i]);
      gr_policy_free (p);
      gr_policy_free (q);
    }
}

/* -------------------------------------------------------------- rules -- */

Test (policy, guardrun_spec_default_passes_restricted_unchanged)
{
  gr_policy *p = policy ("restricted");
  expect_clean (p, good (), "guardrun spec");
  gr_policy_free (p);
  p = policy ("sandbox");
  gr_policy_free (p);
}

Test (policy, rule_capabilities)
{
  gr_policy *p = policy ("restricted");
  expect_rule (p, good_with (".process.capabilities.bounding += "
                             "[\"CAP_SYS_ADMIN\"]"), "GR-CAP-001", 1,
               "bounding");
  expect_rule (p, good_with (".process.capabilities.ambient = "
                             "[\"CAP_SYS_PTRACE\"]"), "GR-CAP-001", 1,
               "ambient only");
  expect_rule (p, good_with (".process.capabilities.inheritable = "
                             "[\"CAP_NET_BIND_SERVICE\"]"), "GR-CAP-001", 0,
               "allowed cap");
  gr_spec *s = good_with (".process.capabilities.effective += [\"CAP_KILL\"]");
  gr_findings f = lint (p, s);
  const gr_finding *c = find_rule (&f, "GR-CAP-001");
  cr_assert_not_null (c);
  cr_expect_str_eq (c->field, "process.capabilities");
  cr_expect (strstr (c->message, "CAP_KILL") && strstr (c->message, "effective"),
             "%s", c->message);
  gr_findings_free (&f);
  gr_spec_free (s);
  gr_policy_free (p);
  p = policy ("baseline");
  expect_rule (p, good_with (".process.capabilities.bounding += "
                             "[\"CAP_CHOWN\",\"CAP_NET_RAW\"]"),
               "GR-CAP-001", 0, "baseline default caps");
  expect_rule (p, good_with (".process.capabilities.bounding += "
                             "[\"CAP_SYS_ADMIN\"]"), "GR-CAP-001", 1,
               "baseline SYS_ADMIN");
  gr_policy_free (p);
}

/* a netns that is not the host's, held by a child; returns its pid */
static pid_t
private_netns_holder (void)
{
  int pfd[2];
  cr_assert_eq (pipe (pfd), 0);
  pid_t pid = fork ();
  cr_assert_geq (pid, 0);
  if (pid == 0)
    {
      close (pfd[0]);
      if (unshare (CLONE_NEWNET) < 0)
        _exit (1);
      (void) write (pfd[1], "x", 1);
      pause ();
      _exit (0);
    }
  close (pfd[1]);
  char c;
  cr_assert_eq (read (pfd[0], &c, 1), 1, "unshare(CLONE_NEWNET) failed");
  close (pfd[0]);
  return pid;
}

Test (policy, rule_host_namespaces)
{
  gr_policy *p = policy ("restricted");
  gr_spec *s = good_with ("del(.linux.namespaces[] | select(.type == \"pid\"))");
  gr_findings f = lint (p, s);
  const gr_finding *c = find_rule (&f, "GR-NS-001");
  cr_assert_not_null (c);
  cr_expect_str_eq (c->field, "linux.namespaces[pid]");
  cr_expect (strstr (c->message, "host PID namespace"), "%s", c->message);
  gr_findings_free (&f);
  gr_spec_free (s);

  /* pid 1's namespaces need CAP_SYS_PTRACE to look at (a runtime has it;
     a sandboxed test runner may not) */
  struct stat st;
  expect_rule (p, good_with ("(.linux.namespaces[] | select(.type == "
                             "\"network\")) |= . + {\"path\": "
                             "\"/proc/1/ns/net\"}"),
               "GR-NS-001", stat ("/proc/1/ns/net", &st) == 0 ? 1 : 0,
               "joins /proc/1/ns/net");
  /* the same namespace through another path */
  expect_rule (p, good_with ("(.linux.namespaces[] | select(.type == "
                             "\"ipc\")) |= . + {\"path\": "
                             "\"/proc/self/ns/ipc\"}"),
               "GR-NS-001", 1, "joins /proc/self/ns/ipc = host");
  pid_t holder = private_netns_holder ();
  cleanup_free char *filter = gr_fmt ("(.linux.namespaces[] | select(.type == "
                                      "\"network\")) |= . + {\"path\": "
                                      "\"/proc/%d/ns/net\"}", holder);
  expect_rule (p, good_with (filter), "GR-NS-001", 0, "private netns by path");
  kill (holder, SIGKILL);
  waitpid (holder, NULL, 0);
  expect_rule (p, good_with ("(.linux.namespaces[] | select(.type == "
                             "\"uts\")) |= . + {\"path\": "
                             "\"/run/netns/absent\"}"),
               "GR-NS-001", 0, "a path that is not there is create's error");
  gr_policy_free (p);

  p = policy ("baseline");
  expect_rule (p, good_with ("del(.linux.namespaces[] | select(.type == "
                             "\"cgroup\"))"), "GR-NS-001", 0,
               "baseline: cgroup ns optional");
  expect_rule (p, good_with ("del(.linux.namespaces[] | select(.type == "
                             "\"network\"))"), "GR-NS-001", 1,
               "baseline: host network");
  gr_policy_free (p);

  p = policy_text ("{\"namespaces\": {\"user\": true}}");
  expect_rule (p, good (), "GR-NS-002", 1, "user ns required");
  gr_policy_free (p);
}

Test (policy, rule_mount_sources)
{
  gr_policy *p = policy ("restricted");
  static const struct { const char *src; bool ro; size_t n; } cases[] = {
    { "/", true, 1 },
    { "/etc", true, 1 },
    { "/etc/passwd", true, 1 },
    { "/etc/localtime", true, 0 },
    { "/etc/localtime", false, 1 },
    { "/usr/share/zoneinfo", true, 0 },
    { "/usr/lib", false, 1 },
    { "/usr", true, 1 },
    { "/var", true, 1 },
    { "/var/lib", true, 1 },
    { "/var/lib/kubelet", true, 1 },
    { "/var/lib/kubelet/pki/kubelet.key", true, 1 },
    { "/var/lib/kubelet/pods", true, 1 },
    { "/var/run/docker.sock", false, 1 },
    { "/srv/sockets/containerd.sock", false, 1 },
    { "/proc/1/root", false, 1 },
    { "/sys/fs/cgroup", true, 1 },
    { "/dev/sda", false, 1 },
    { "/root/.ssh", true, 1 },
    { "/home/alice/src", false, 1 },
    { "/var/log/pods", true, 1 },
    { "/var/lib/docker/image", true, 1 },
    { "/var/lib/docker/volumes/x", false, 1 },
    { "/var/lib/docker/volumes/x/_data", false, 0 },
    { "/var/lib/kubelet/pods/abc/volumes/kubernetes.io~empty-dir/data", false,
      0 },
    { "/var/lib/kubelet/pods/abc/volumes/../../../pki", false, 1 },
    { "/var/lib/containerd/io.containerd.grpc.v1.cri/sandboxes/s1/hostname",
      false, 0 },
    { "/var/lib/containerd/io.containerd.grpc.v1.cri/sandboxes/s1/../../../"
      "io.containerd.metadata.v1.bolt/meta.db", false, 1 },
    { "/run/containers/storage/overlay-containers/c1/userdata/hosts", false,
      0 },
    { "/run/containers/storage/overlay-containers/c1/userdata/.containerenv",
      false, 0 },
    { "/run/containers/storage/overlay-containers/c1", false, 1 },
    { "/run/systemd/private", false, 1 },
    { "/data/app", false, 0 },
    { "/tmp/gr-some-volume", false, 0 },
    { "/tmp", false, 1 },
  };
  for (size_t i = 0; i < GR_ARRAY_SIZE (cases); i++)
    {
      cleanup_free char *f = gr_fmt (".mounts += [{\"destination\": \"/mnt\","
                                     " \"type\": \"bind\", \"source\": \"%s\","
                                     " \"options\": [\"rbind\"%s]}]",
                                     cases[i].src, cases[i].ro ? ", \"ro\"" : "");
      cleanup_free char *what = gr_fmt ("%s (%s)", cases[i].src,
                                        cases[i].ro ? "ro" : "rw");
      expect_rule (p, good_with (f), "GR-MNT-001", cases[i].n, what);
    }
  gr_policy_free (p);
}

Test (policy, rule_mount_source_symlinks_resolved_first)
{
  /* an allowed volume directory whose entry is a symlink to /etc */
  cleanup_free char *vol = gr_fmt ("%s/vol", tmpdir);
  cr_assert_eq (mkdir (vol, 0700), 0);
  cleanup_free char *link = gr_fmt ("%s/escape", vol);
  cr_assert_eq (symlink ("/etc", link), 0);
  cleanup_free char *rel = gr_fmt ("%s/rel", vol);
  cr_assert_eq (symlink ("../../../etc/shadow", rel), 0);
  cleanup_free char *dangling = gr_fmt ("%s/dangling", vol);
  cr_assert_eq (symlink ("/root/not-yet", dangling), 0);
  cleanup_free char *plain = gr_fmt ("%s/data", vol);
  cr_assert_eq (mkdir (plain, 0700), 0);
  cleanup_free char *pol = gr_fmt ("{\"mounts\": {\"allow\": [\"%s/**\"]}}",
                                   vol);
  gr_policy *p = policy_text (pol);
  const char *srcs[] = { link, rel, dangling };
  for (size_t i = 0; i < GR_ARRAY_SIZE (srcs); i++)
    {
      cleanup_free char *f = gr_fmt (".mounts += [{\"destination\": \"/mnt\","
                                     " \"type\": \"bind\", \"source\": \"%s\","
                                     " \"options\": [\"rbind\"]}]", srcs[i]);
      gr_spec *s = good_with (f);
      gr_findings fs = lint (p, s);
      const gr_finding *c = find_rule (&fs, "GR-MNT-001");
      cr_expect_not_null (c, "%s must be refused", srcs[i]);
      if (c)
        cr_expect (strstr (c->message, "the host's /"), "%s", c->message);
      gr_findings_free (&fs);
      gr_spec_free (s);
    }
  cleanup_free char *f = gr_fmt (".mounts += [{\"destination\": \"/mnt\","
                                 " \"type\": \"bind\", \"source\": \"%s\","
                                 " \"options\": [\"rbind\"]}]", plain);
  expect_rule (p, good_with (f), "GR-MNT-001", 0, "plain allowed volume");
  /* relative sources are resolved in the bundle (tmpdir here) */
  expect_rule (p, good_with (".mounts += [{\"destination\": \"/mnt\", "
                             "\"type\": \"bind\", \"source\": \"vol/escape\","
                             " \"options\": [\"bind\"]}]"),
               "GR-MNT-001", 1, "relative symlink source");
  gr_policy_free (p);
}

Test (policy, rule_mount_allow_read_only)
{
  gr_policy *p = policy ("sandbox");
  expect_rule (p, good_with (".mounts += [{\"destination\": \"/usr\", "
                             "\"type\": \"bind\", \"source\": \"/usr\", "
                             "\"options\": [\"rbind\", \"ro\"]}]"),
               "GR-MNT-001", 0, "sandbox: /usr read-only");
  expect_rule (p, good_with (".mounts += [{\"destination\": \"/usr\", "
                             "\"type\": \"bind\", \"source\": \"/usr\", "
                             "\"options\": [\"rbind\"]}]"),
               "GR-MNT-001", 1, "sandbox: /usr writable");
  gr_policy_free (p);
}

Test (policy, rule_mount_kernel_filesystems)
{
  gr_policy *p = policy ("restricted");
  expect_rule (p, good_with ("(.mounts[] | select(.type == \"sysfs\") | "
                             ".options) |= map(select(. != \"ro\"))"),
               "GR-MNT-002", 1, "sysfs rw");
  expect_rule (p, good_with ("(.mounts[] | select(.type == \"cgroup\") | "
                             ".options) |= map(select(. != \"ro\"))"),
               "GR-MNT-002", 0, "cgroup rw in a private cgroup ns");
  expect_rule (p, good_with ("((.mounts[] | select(.type == \"cgroup\") | "
                             ".options) |= map(select(. != \"ro\"))) | "
                             "del(.linux.namespaces[] | select(.type == "
                             "\"cgroup\"))"),
               "GR-MNT-002", 1, "cgroup rw, host cgroup ns");
  expect_rule (p, good_with ("del(.linux.namespaces[] | select(.type == "
                             "\"pid\"))"),
               "GR-MNT-002", 1, "proc in the host pid ns");
  gr_policy_free (p);
  /* runc's rootless spec binds /sys read-only inside a user namespace */
  p = policy ("restricted");
  gr_spec *s = gr_spec_default (true);
  gr_findings f = lint (p, s);
  cleanup_free char *d = describe (p, &f);
  cr_expect_eq (count_rule (&f, "GR-MNT-001") + count_rule (&f, "GR-MNT-002")
                    + count_rule (&f, "GR-USER-001"),
                0, "rootless spec:%s", d);
  gr_findings_free (&f);
  gr_spec_free (s);
  gr_policy_free (p);
}

Test (policy, rule_mount_destinations)
{
  gr_policy *p = policy ("restricted");
  expect_rule (p, good_with (".mounts += [{\"destination\": \"/proc/sys\", "
                             "\"type\": \"tmpfs\", \"source\": \"tmpfs\"}]"),
               "GR-MNT-003", 1, "over /proc/sys");
  expect_rule (p, good_with (".mounts += [{\"destination\": "
                             "\"/proc/self/attr/apparmor/exec\", \"type\": "
                             "\"bind\", \"source\": \"/data/x\", \"options\": "
                             "[\"bind\"]}]"),
               "GR-MNT-003", 1, "over attr (CVE-2025-52881)");
  expect_rule (p, good_with ("(.mounts[] | select(.destination == "
                             "\"/proc\")) |= {\"destination\": \"/proc\", "
                             "\"type\": \"tmpfs\", \"source\": \"tmpfs\"}"),
               "GR-MNT-003", 1, "fake /proc");
  expect_rule (p, good (), "GR-MNT-003", 0, "plain proc");
  expect_rule (p, good_with (".mounts += [{\"destination\": \"/data/../etc\","
                             " \"type\": \"tmpfs\", \"source\": \"tmpfs\"}]"),
               "GR-MNT-004", 1, "dotdot");
  expect_rule (p, good_with (".mounts += [{\"destination\": \"/data/a..b\","
                             " \"type\": \"tmpfs\", \"source\": \"tmpfs\"}]"),
               "GR-MNT-004", 0, "dots in a name");
  gr_policy_free (p);
}

Test (policy, rule_mount_propagation)
{
  gr_policy *p = policy ("restricted");
  expect_rule (p, good_with (".linux.rootfsPropagation = \"rshared\""),
               "GR-MNT-005", 1, "rshared root");
  expect_rule (p, good_with (".mounts += [{\"destination\": \"/data\", "
                             "\"type\": \"bind\", \"source\": \"/data\", "
                             "\"options\": [\"rbind\", \"shared\"]}]"),
               "GR-MNT-005", 1, "shared mount");
  expect_rule (p, good_with (".linux.rootfsPropagation = \"rslave\""),
               "GR-MNT-005", 0, "rslave");
  gr_policy_free (p);
  p = policy ("baseline");
  expect_rule (p, good_with (".linux.rootfsPropagation = \"rshared\""),
               "GR-MNT-005", 0, "baseline allows");
  gr_policy_free (p);
}

Test (policy, rule_devices)
{
  gr_policy *p = policy ("restricted");
  expect_rule (p, good_with (".linux.devices = [{\"path\": \"/dev/sda\", "
                             "\"type\": \"b\", \"major\": 8, \"minor\": 0}]"),
               "GR-DEV-001", 1, "disk");
  expect_rule (p, good_with (".linux.devices = [{\"path\": \"/dev/null\", "
                             "\"type\": \"b\", \"major\": 8, \"minor\": 0}]"),
               "GR-DEV-001", 1, "a disk named /dev/null");
  expect_rule (p, good_with (".linux.devices = [{\"path\": \"/dev/null\", "
                             "\"type\": \"c\", \"major\": 1, \"minor\": 3}]"),
               "GR-DEV-001", 0, "null");
  static const struct { const char *rule; size_t n; } cg[] = {
    { "{\"allow\": true, \"access\": \"rwm\"}", 1 },
    { "{\"allow\": true, \"type\": \"b\", \"access\": \"rw\"}", 1 },
    { "{\"allow\": true, \"type\": \"c\", \"major\": 1, \"minor\": 1, "
      "\"access\": \"r\"}", 1 },
    { "{\"allow\": true, \"type\": \"c\", \"major\": 1, \"access\": \"rw\"}",
      1 },
    { "{\"allow\": true, \"type\": \"c\", \"access\": \"rw\"}", 1 },
    { "{\"allow\": true, \"type\": \"c\", \"major\": 136, \"access\": \"rwm\"}",
      0 },
    { "{\"allow\": true, \"type\": \"b\", \"access\": \"m\"}", 0 },
    { "{\"allow\": false, \"access\": \"rwm\"}", 0 },
    { "{\"allow\": true, \"type\": \"c\", \"major\": 1, \"minor\": 3, "
      "\"access\": \"rwm\"}", 0 },
  };
  for (size_t i = 0; i < GR_ARRAY_SIZE (cg); i++)
    {
      cleanup_free char *f = gr_fmt (".linux.resources.devices += [%s]",
                                     cg[i].rule);
      expect_rule (p, good_with (f), "GR-DEV-002", cg[i].n, cg[i].rule);
    }
  gr_policy_free (p);
}

Test (policy, rule_masked_and_readonly_paths)
{
  gr_policy *p = policy ("restricted");
  expect_rule (p, good_with (".linux.maskedPaths -= [\"/proc/kcore\"]"),
               "GR-PATH-001", 1, "kcore not masked");
  expect_rule (p, good_with ("del(.linux.maskedPaths)"), "GR-PATH-001", 1,
               "no maskedPaths");
  expect_rule (p, good_with (".linux.readonlyPaths -= [\"/proc/sys\"]"),
               "GR-PATH-002", 1, "/proc/sys writable");
  expect_rule (p, good_with ("(.linux.readonlyPaths -= [\"/proc/sys\"]) | "
                             ".linux.maskedPaths += [\"/proc\"]"),
               "GR-PATH-002", 0, "masked covers read-only");
  gr_policy_free (p);
}

Test (policy, rule_root_readonly)
{
  gr_policy *p = policy ("restricted");
  expect_rule (p, good_with (".root.readonly = false"), "GR-ROOT-001", 1,
               "writable root");
  gr_policy_free (p);
  p = policy ("baseline");
  expect_rule (p, good_with (".root.readonly = false"), "GR-ROOT-001", 0,
               "baseline");
  gr_policy_free (p);
}

Test (policy, rule_root_user)
{
  gr_policy *p = policy ("restricted");
  expect_rule (p, good_with (".process.user.uid = 0"), "GR-USER-001", 1,
               "uid 0");
  expect_rule (p, good_with (".process.user.gid = 0"), "GR-USER-001", 1,
               "gid 0");
  expect_rule (p, good_with (".process.user.uid = 0 | .linux.namespaces += "
                             "[{\"type\": \"user\"}] | .linux.uidMappings = "
                             "[{\"containerID\": 0, \"hostID\": 100000, "
                             "\"size\": 65536}] | .linux.gidMappings = "
                             "[{\"containerID\": 0, \"hostID\": 100000, "
                             "\"size\": 65536}]"),
               "GR-USER-001", 0, "uid 0 in a user namespace");
  gr_policy_free (p);
  p = policy ("baseline");
  expect_rule (p, good_with (".process.user.uid = 0"), "GR-USER-001", 0,
               "baseline");
  gr_policy_free (p);
}

Test (policy, rule_no_new_privileges)
{
  gr_policy *p = policy ("restricted");
  expect_rule (p, good_with (".process.noNewPrivileges = false"),
               "GR-NNP-001", 1, "nnp off");
  expect_rule (p, good (), "GR-NNP-001", 0, "nnp on");
  gr_policy_free (p);
}

Test (policy, rule_sysctls)
{
  gr_policy *p = policy ("restricted");
  expect_rule (p, good_with (".linux.sysctl = {\"kernel.core_pattern\": "
                             "\"|/tmp/x\"}"), "GR-SYSCTL-001", 1,
               "core_pattern");
  expect_rule (p, good_with (".linux.sysctl = {\"net.ipv4.ping_group_range\":"
                             " \"0 0\", \"net/ipv4/ip_unprivileged_port_start\""
                             ": \"0\"}"), "GR-SYSCTL-001", 0, "safe ones");
  gr_policy_free (p);
}

Test (policy, rule_oom_score_adj)
{
  gr_policy *p = policy ("restricted");
  expect_rule (p, good_with (".process.oomScoreAdj = -998"), "GR-OOM-001", 1,
               "-998");
  expect_rule (p, good_with (".process.oomScoreAdj = -997"), "GR-OOM-001", 0,
               "-997");
  gr_policy_free (p);
}

Test (policy, rule_lsm_labels)
{
  gr_policy *p = policy ("restricted");
  expect_rule (p, good_with (".process.apparmorProfile = \"unconfined\""),
               "GR-LSM-001", 1, "apparmor unconfined");
  expect_rule (p, good_with (".process.apparmorProfile = \"guardrun-default\""),
               "GR-LSM-001", 0, "apparmor confined");
  expect_rule (p, good_with (".process.selinuxLabel = "
                             "\"system_u:system_r:spc_t:s0\""),
               "GR-LSM-002", 1, "spc_t");
  expect_rule (p, good_with (".process.selinuxLabel = "
                             "\"unconfined_u:unconfined_r:unconfined_t:s0-s0:"
                             "c0.c1023\""), "GR-LSM-002", 1, "unconfined_t");
  expect_rule (p, good_with (".process.selinuxLabel = "
                             "\"system_u:system_r:container_t:s0:c1,c2\""),
               "GR-LSM-002", 0, "container_t");
  gr_policy_free (p);
}

Test (policy, rule_seccomp_allow_all)
{
  gr_policy *p = policy ("restricted");
  expect_rule (p, good_with (".linux.seccomp = {\"defaultAction\": "
                             "\"SCMP_ACT_ALLOW\"}"), "GR-SECCOMP-001", 1,
               "allow everything");
  expect_rule (p, good_with (".linux.seccomp = {\"defaultAction\": "
                             "\"SCMP_ACT_LOG\", \"syscalls\": [{\"names\": "
                             "[\"mount\"], \"action\": \"SCMP_ACT_ERRNO\"}]}"),
               "GR-SECCOMP-001", 1, "log everything but mount");
  expect_rule (p, good_with (".linux.seccomp = {\"defaultAction\": "
                             "\"SCMP_ACT_ERRNO\", \"syscalls\": [{\"names\": "
                             "[\"read\", \"bpf\"], \"action\": "
                             "\"SCMP_ACT_ALLOW\"}]}"),
               "GR-SECCOMP-001", 1, "allow-list that opens bpf");
  expect_rule (p, good_with (".linux.seccomp = {\"defaultAction\": "
                             "\"SCMP_ACT_ERRNO\", \"syscalls\": [{\"names\": "
                             "[\"read\", \"write\"], \"action\": "
                             "\"SCMP_ACT_ALLOW\"}]}"),
               "GR-SECCOMP-001", 0, "allow-list");
  /* a deny-list that blocks everything the policy names passes */
  cleanup_free char *names = gr_xstrdup ("");
  for (size_t i = 0; i < p->seccomp_must_block.n; i++)
    {
      char *old = names;
      names = gr_fmt ("%s%s\"%s\"", old, i ? ", " : "",
                      p->seccomp_must_block.v[i]);
      free (old);
    }
  cleanup_free char *f = gr_fmt (".linux.seccomp = {\"defaultAction\": "
                                 "\"SCMP_ACT_ALLOW\", \"syscalls\": "
                                 "[{\"names\": [%s], \"action\": "
                                 "\"SCMP_ACT_ERRNO\"}]}", names);
  expect_rule (p, good_with (f), "GR-SECCOMP-001", 0, "deny-list");
  /* the built-in default profile passes its own policy */
  gr_spec *s = good ();
  const gr_seccomp *def = NULL;
  cr_assert_eq (gr_seccomp_default_profile (&def, NULL), 0);
  cr_expect_not (gr_policy_seccomp_too_open (p, def, NULL));
  gr_spec_free (s);
  gr_policy_free (p);
}

Test (policy, rule_hooks)
{
  gr_policy *p = policy ("restricted");
  expect_rule (p, good_with (".hooks = {\"prestart\": [{\"path\": "
                             "\"/usr/bin/true\"}], \"poststop\": [{\"path\": "
                             "\"/bin/false\"}]}"), "GR-HOOK-001", 2,
               "hooks not allowed");
  gr_policy_free (p);
  cleanup_free char *link = gr_fmt ("%s/hook", tmpdir);
  cleanup_free char *real = realpath ("/bin/true", NULL);
  cr_assert_eq (symlink (real, link), 0);
  cleanup_free char *pol = gr_fmt ("{\"hooks\": {\"allowed\": [\"%s\"]}}", real);
  p = policy_text (pol);
  cleanup_free char *f1 = gr_fmt (".hooks = {\"createRuntime\": [{\"path\": "
                                  "\"%s\"}]}", real);
  expect_rule (p, good_with (f1), "GR-HOOK-001", 0, "allowed hook");
  cleanup_free char *f2 = gr_fmt (".hooks = {\"createRuntime\": [{\"path\": "
                                  "\"%s\"}]}", link);
  expect_rule (p, good_with (f2), "GR-HOOK-001", 0, "allowed via symlink");
  expect_rule (p, good_with (".hooks = {\"createRuntime\": [{\"path\": "
                             "\"/bin/sh\"}]}"), "GR-HOOK-001", 1, "other hook");
  gr_policy_free (p);
}

Test (policy, annotation_selects_only_permitted_presets_and_never_weakens)
{
  gr_policy *p = policy ("restricted");
  gr_spec *s = good_with (".annotations = {\"io.guardrun.policy\": "
                          "\"baseline\"}");
  gr_findings f = lint (p, s);
  const gr_finding *c = find_rule (&f, "GR-ANN-001");
  cr_assert_not_null (c, "baseline is not permitted by restricted");
  cr_expect_str_eq (c->field, "annotations[io.guardrun.policy]");
  gr_findings_free (&f);
  gr_spec_free (s);
  /* the stricter sandbox adds its rules: NET_BIND_SERVICE is not allowed
     there, and restricted's rules still apply */
  expect_rule (p, good_with (".annotations = {\"io.guardrun.policy\": "
                             "\"sandbox\"}"), "GR-CAP-001", 1,
               "sandbox via annotation");
  expect_rule (p, good_with (".annotations = {\"io.guardrun.policy\": "
                             "\"sandbox\"} | .process.user.uid = 0"),
               "GR-USER-001", 2, "both policies refuse root");
  expect_rule (p, good_with (".annotations = {\"io.guardrun.policy\": "
                             "\"restricted\"}"), "GR-ANN-001", 0,
               "naming the admin's own preset");
  gr_policy_free (p);
  /* baseline permits restricted: a root config becomes refused */
  p = policy ("baseline");
  expect_rule (p, good_with (".process.user.uid = 0"), "GR-USER-001", 0,
               "baseline alone");
  expect_rule (p, good_with (".process.user.uid = 0 | .annotations = "
                             "{\"io.guardrun.policy\": \"restricted\"}"),
               "GR-USER-001", 1, "tightened by annotation");
  gr_policy_free (p);
}

/* ------------------------------------------------------ engine configs -- */

Test (policy, baseline_accepts_engine_defaults)
{
  static const char *const files[] = { "ctr-default.json",
                                       "podman-default.json",
                                       "cri-pod.json" };
  gr_policy *p = policy ("baseline");
  for (size_t i = 0; i < GR_ARRAY_SIZE (files); i++)
    expect_clean (p, spec_file (files[i]), files[i]);
  gr_policy_free (p);
}

static void
expect_rules (const gr_policy *p, const char *file,
              const char *const *rules, size_t n)
{
  gr_spec *s = spec_file (file);
  gr_findings f = lint (p, s);
  cleanup_free char *d = describe (p, &f);
  cr_expect_eq (f.n, n, "%s: expected %zu findings, got:%s", file, n, d);
  for (size_t i = 0; i < n; i++)
    cr_expect_eq (count_rule (&f, rules[i]), 1, "%s: %s missing:%s", file,
                  rules[i], d);
  gr_findings_free (&f);
  gr_spec_free (s);
}

Test (policy, restricted_refuses_engine_defaults_clearly)
{
  gr_policy *p = policy ("restricted");
  static const char *const ctr[] = { "GR-CAP-001", "GR-NS-001", "GR-ROOT-001",
                                     "GR-USER-001" };
  expect_rules (p, "ctr-default.json", ctr, GR_ARRAY_SIZE (ctr));
  static const char *const podman[] = { "GR-CAP-001", "GR-ROOT-001",
                                        "GR-USER-001", "GR-NNP-001" };
  expect_rules (p, "podman-default.json", podman, GR_ARRAY_SIZE (podman));
  expect_rules (p, "cri-pod.json", podman, GR_ARRAY_SIZE (podman));

  gr_spec *s = spec_file ("ctr-default.json");
  gr_findings f = lint (p, s);
  static const char *const lines[] = {
    "policy restricted refused process.capabilities: CAP_CHOWN, "
    "CAP_DAC_OVERRIDE, CAP_FSETID, CAP_FOWNER, CAP_MKNOD, CAP_NET_RAW and 7 "
    "more not allowed (in bounding, effective, permitted; allowed: "
    "CAP_NET_BIND_SERVICE) (PSS baseline: Capabilities; PSS restricted: "
    "Capabilities)",
    "policy restricted refused linux.namespaces[cgroup]: shares the host "
    "cgroup namespace (no cgroup namespace in the config) (PSS baseline: "
    "Host Namespaces)",
    "policy restricted refused root.readonly: the root filesystem is "
    "writable (set root.readonly) (CIS Docker 5.12: read-only root "
    "filesystem)",
    /* parenthesised: clang's -Wstring-concatenation */
    ("policy restricted refused process.user.uid: runs as uid 0 outside a "
     "user namespace (PSS restricted: Running as Non-root)"),
  };
  for (size_t i = 0; i < f.n && i < GR_ARRAY_SIZE (lines); i++)
    {
      cleanup_free char *line = gr_finding_line (p, &f.v[i]);
      cr_expect_str_eq (line, lines[i]);
    }
  gr_findings_free (&f);
  gr_spec_free (s);
  gr_policy_free (p);
}

Test (policy, privileged_config_refused_on_every_count)
{
  gr_policy *p = policy ("restricted");
  gr_spec *s = spec_file ("runc-spec.json");
  gr_spec_free (s);
  s = good_with (
      ".process.capabilities = {\"bounding\": [\"CAP_SYS_ADMIN\", "
      "\"CAP_SYS_MODULE\"], \"effective\": [\"CAP_SYS_ADMIN\"], "
      "\"permitted\": [\"CAP_SYS_ADMIN\"]} | .process.user.uid = 0 | "
      ".process.noNewPrivileges = false | .root.readonly = false | "
      ".linux.namespaces = [{\"type\": \"mount\"}] | "
      ".linux.resources.devices = [{\"allow\": true, \"access\": \"rwm\"}] | "
      ".linux.seccomp = {\"defaultAction\": \"SCMP_ACT_ALLOW\"} | "
      ".process.apparmorProfile = \"unconfined\" | "
      ".linux.maskedPaths = [] | .linux.readonlyPaths = [] | "
      ".mounts += [{\"destination\": \"/host\", \"type\": \"bind\", "
      "\"source\": \"/\", \"options\": [\"rbind\"]}]");
  gr_findings f = lint (p, s);
  static const char *const rules[] = {
    "GR-CAP-001", "GR-NS-001", "GR-MNT-001", "GR-MNT-002", "GR-DEV-002",
    "GR-PATH-001", "GR-PATH-002", "GR-ROOT-001", "GR-USER-001", "GR-NNP-001",
    "GR-LSM-001", "GR-SECCOMP-001",
  };
  cleanup_free char *d = describe (p, &f);
  for (size_t i = 0; i < GR_ARRAY_SIZE (rules); i++)
    cr_expect_geq (count_rule (&f, rules[i]), 1, "%s missing:%s", rules[i], d);
  /* one finding per host namespace */
  cr_expect_eq (count_rule (&f, "GR-NS-001"), 5, "%s", d);
  gr_findings_free (&f);
  gr_spec_free (s);
  gr_policy_free (p);
}

/* -------------------------------------------------------------- harden -- */

Test (policy, harden_makes_runc_spec_pass)
{
  gr_policy *p = policy_text ("{\"extends\": \"restricted\", \"harden\": true}");
  gr_spec *s = spec_file ("runc-spec.json");
  gr_findings f = { 0 }, rw = { 0 };
  gr_error *err = NULL;
  cr_assert_eq (gr_policy_lint (p, s, NULL, &f, &rw, &err), 0);
  cleanup_free char *d = describe (p, &f);
  cr_expect_eq (f.n, 0, "after harden:%s", d);
  cr_expect_geq (rw.n, 3, "rewrites reported");
  cr_expect_eq (s->process->uid, 65534);
  cr_expect_eq (s->process->gid, 65534);
  cr_expect_eq (s->process->caps.n_bounding, 1);
  cr_expect_not_null (gr_spec_namespace (s, "cgroup"));
  /* and the hardened config passes without harden too */
  size_t len;
  cleanup_free char *json = gr_spec_to_json (s, &len);
  gr_spec *again = spec_str (json);
  gr_policy *strict = policy ("restricted");
  expect_clean (strict, again, "hardened runc spec, re-parsed");
  gr_findings_free (&f);
  gr_findings_free (&rw);
  gr_spec_free (s);
  gr_policy_free (strict);
  gr_policy_free (p);
}

Test (policy, harden_rewrites_each_field)
{
  gr_policy *p = policy_text ("{\"harden\": true}");
  gr_spec *s = good_with (
      ".process.capabilities.bounding += [\"CAP_SYS_ADMIN\"] | "
      ".process.user = {\"uid\": 0, \"gid\": 0, \"additionalGids\": [0, 10]} | "
      ".process.noNewPrivileges = false | .root.readonly = false | "
      ".linux.maskedPaths = [] | .linux.readonlyPaths = [\"/proc/bus\"] | "
      ".linux.seccomp = {\"defaultAction\": \"SCMP_ACT_ALLOW\"} | "
      ".process.apparmorProfile = \"unconfined\" | "
      ".process.selinuxLabel = \"system_u:system_r:spc_t:s0\" | "
      ".process.oomScoreAdj = -1000");
  gr_findings f = lint (p, s);
  cleanup_free char *d = describe (p, &f);
  cr_expect_eq (f.n, 0, "%s", d);
  cr_expect (s->root_readonly);
  cr_expect (s->process->no_new_privileges);
  cr_expect_eq (s->process->uid, 65534);
  cr_expect_eq (s->process->n_additional_gids, 1);
  cr_expect_null (s->lnx->seccomp, "allow-all profile replaced by the default");
  cr_expect_null (s->process->apparmor_profile);
  cr_expect_null (s->process->selinux_label);
  cr_expect_eq (s->process->oom_score_adj, -997);
  cr_expect_geq (s->lnx->n_masked_paths, 9);
  gr_findings_free (&f);
  gr_spec_free (s);
  gr_policy_free (p);
}

/* ----------------------------------------------- decisions and refusal -- */

static char *
read_log (void)
{
  char *buf = NULL;
  size_t len;
  if (gr_read_file (declog, 1 << 20, &buf, &len, NULL) < 0)
    return gr_xstrdup ("");
  return buf;
}

static size_t
count_lines (const char *buf, const char *needle)
{
  size_t n = 0;
  for (const char *l = buf; l && *l;)
    {
      const char *nl = strchr (l, '\n');
      cleanup_free char *line = gr_xstrndup (l, nl ? (size_t) (nl - l)
                                                   : strlen (l));
      n += strstr (line, needle) != NULL;
      l = nl ? nl + 1 : NULL;
    }
  return n;
}

Test (policy, check_enforce_refuses_and_logs_every_decision)
{
  gr_policy *p = policy ("restricted");
  gr_spec *s = good_with (".process.user.uid = 0 | .root.readonly = false");
  gr_policy_ctx ctx = { .id = "c1", .bundle = "/b" };
  cleanup_error gr_error *err = NULL;
  cr_expect_lt (gr_policy_check (p, s, &ctx, NULL, &err), 0);
  cleanup_free char *m = gr_error_string (err);
  cr_expect_str_eq (m, "policy restricted refused process.user.uid: runs as "
                    "uid 0 outside a user namespace (PSS restricted: Running "
                    "as Non-root)");
  cleanup_free char *log = read_log ();
  cr_expect_eq (count_lines (log, "\"verdict\":\"refuse\""), 2, "%s", log);
  cr_expect_eq (count_lines (log, "\"rule\":\"GR-ROOT-001\""), 1, "%s", log);
  cr_expect_eq (count_lines (log, "\"id\":\"c1\""), 2, "%s", log);
  cr_expect_eq (count_lines (log, "\"policy\":\"restricted\""), 2, "%s", log);
  cr_expect_eq (count_lines (log, "\"time\":\""), 2, "%s", log);
  gr_spec_free (s);

  s = good ();
  cr_expect_eq (gr_policy_check (p, s, &ctx, NULL, &err), 0);
  free (log);
  log = read_log ();
  cr_expect_eq (count_lines (log, "\"verdict\":\"allow\""), 1, "%s", log);
  gr_spec_free (s);
  gr_policy_free (p);
}

Test (policy, check_audit_runs_and_logs)
{
  gr_policy *p = NULL;
  cr_assert_eq (gr_policy_load ("restricted", "audit", &p, NULL), 0);
  gr_spec *s = good_with (".process.user.uid = 0");
  gr_findings f = { 0 };
  gr_error *err = NULL;
  cr_expect_eq (gr_policy_check (p, s, NULL, &f, &err), 0);
  cr_expect_eq (f.n, 1);
  cleanup_free char *log = read_log ();
  cr_expect_eq (count_lines (log, "\"verdict\":\"audit\""), 1, "%s", log);
  gr_findings_free (&f);
  gr_spec_free (s);
  gr_policy_free (p);
}

Test (policy, harden_decisions_logged)
{
  gr_policy *p = policy_text ("{\"harden\": true}");
  gr_spec *s = spec_file ("runc-spec.json");
  gr_error *err = NULL;
  cr_expect_eq (gr_policy_check (p, s, NULL, NULL, &err), 0, "%s",
                err ? gr_error_string (err) : "");
  cleanup_free char *log = read_log ();
  cr_expect_geq (count_lines (log, "\"verdict\":\"harden\""), 3, "%s", log);
  cr_expect_eq (count_lines (log, "\"verdict\":\"allow\""), 1, "%s", log);
  gr_spec_free (s);
  gr_policy_free (p);
}

Test (policy, exec_process_checked)
{
  gr_policy *p = policy ("restricted");
  gr_spec *s = good ();
  gr_process *pr = gr_xcalloc (1, sizeof *pr);
  pr->uid = 1000;
  pr->gid = 1000;
  pr->no_new_privileges = true;
  pr->caps.bounding = gr_xcalloc (2, sizeof (char *));
  pr->caps.bounding[0] = gr_xstrdup ("CAP_SYS_ADMIN");
  pr->caps.n_bounding = 1;
  gr_error *err = NULL;
  cr_expect_lt (gr_policy_check_process (p, s, pr, NULL, NULL, &err), 0);
  cleanup_free char *m = gr_error_string (err);
  cr_expect (strstr (m, "CAP_SYS_ADMIN"), "%s", m);
  free (pr->caps.bounding[0]);
  pr->caps.n_bounding = 0;
  gr_error_free (err);
  err = NULL;
  cr_expect_eq (gr_policy_check_process (p, s, pr, NULL, NULL, &err), 0);
  gr_process_free (pr);
  gr_spec_free (s);
  gr_policy_free (p);
}

/* ------------------------------------------------------------------ LSM -- */

Test (policy, lsm_missing_follows_policy)
{
  if (gr_apparmor_enabled () || gr_selinux_enabled ())
    cr_skip_test ("this host has an LSM (covered by tests/vm)");
  gr_policy *p = policy ("restricted");
  gr_spec *s = good ();
  cleanup_error gr_error *err = NULL;
  cr_expect_eq (gr_lsm_prepare (p, s, NULL, &err), 0);
  cr_expect_null (s->process->apparmor_profile);
  cr_expect_null (s->process->selinux_label);
  cleanup_free char *log = read_log ();
  cr_expect_eq (count_lines (log, "\"verdict\":\"warn\""), 2, "%s", log);
  gr_spec_free (s);
  gr_policy_free (p);

  p = policy_text ("{\"apparmor\": {\"missing\": \"refuse\"}}");
  s = good ();
  cr_expect_lt (gr_lsm_prepare (p, s, NULL, &err), 0);
  cleanup_free char *m = gr_error_string (err);
  cr_expect (strstr (m, "AppArmor is not enabled"), "%s", m);
  gr_spec_free (s);
  gr_policy_free (p);

  p = policy_text ("{\"apparmor\": {\"missing\": \"ignore\"}, "
                   "\"selinux\": {\"missing\": \"ignore\"}}");
  s = good_with (".process.apparmorProfile = \"x\"");
  cr_expect_eq (gr_lsm_prepare (p, s, NULL, &err), 0);
  cr_expect_null (s->process->apparmor_profile);
  gr_spec_free (s);
  gr_policy_free (p);
}

Test (policy, selinux_default_label_has_a_fresh_mcs_pair)
{
  for (int i = 0; i < 300; i++)
    {
      char *mount = NULL;
      cleanup_free char *l = gr_selinux_default_label ("container_t", &mount);
      unsigned a, b, c, d;
      int n = 0;
      cr_assert_eq (sscanf (l, "system_u:system_r:container_t:s0:c%u,c%u%n",
                            &a, &b, &n), 2, "%s", l);
      cr_assert_eq (l[n], '\0');
      cr_assert_lt (a, b, "%s", l);
      cr_assert_leq (b, 1023);
      cr_assert_eq (sscanf (mount, "system_u:object_r:container_file_t:s0:"
                            "c%u,c%u", &c, &d), 2, "%s", mount);
      cr_assert (a == c && b == d, "%s vs %s", l, mount);
      free (mount);
    }
}

/* CVE-2025-52881: a bind mount over /proc/self/attr/... must not receive
   the label write */
Test (policy, lsm_write_ignores_proc_overmounts)
{
  if (geteuid () != 0)
    cr_skip_test ("needs root for a private mount namespace");
  pid_t pid = fork ();
  cr_assert_geq (pid, 0);
  if (pid == 0)
    {
      if (unshare (CLONE_NEWNS) < 0
          || mount (NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) < 0)
        _exit (10);
      char decoy[] = "/tmp/gr-test-decoy-XXXXXX";
      int fd = mkstemp (decoy);
      if (fd < 0)
        _exit (11);
      close (fd);
      char target[64];
      snprintf (target, sizeof target, "/proc/%d/task/%d/attr/exec",
                (int) getpid (), (int) gettid ());
      if (mount (decoy, target, NULL, MS_BIND, NULL) < 0)
        _exit (12);
      gr_error *err = NULL;
      (void) gr_selinux_set_exec ("system_u:system_r:container_t:s0", &err);
      struct stat st;
      int r = stat (decoy, &st) == 0 && st.st_size == 0 ? 0 : 13;
      unlink (decoy);
      _exit (r);
    }
  int st;
  cr_assert_eq (waitpid (pid, &st, 0), pid);
  cr_expect (WIFEXITED (st) && WEXITSTATUS (st) == 0, "status %d",
             WEXITSTATUS (st));
}

/* CVE-2023-27561: an image symlink turns an innocent destination into one
   inside /proc */
Test (policy, rule_mount_over_proc_through_rootfs_symlink)
{
  cleanup_free char *rootfs = gr_fmt ("%s/rootfs", tmpdir);
  cleanup_free char *proc = gr_fmt ("%s/proc", rootfs);
  cleanup_free char *evil = gr_fmt ("%s/evil", rootfs);
  cleanup_free char *rel = gr_fmt ("%s/rel", rootfs);
  cr_assert_eq (mkdir (rootfs, 0755), 0);
  cr_assert_eq (mkdir (proc, 0755), 0);
  cr_assert_eq (symlink ("/proc", evil), 0);
  cr_assert_eq (symlink ("../../../../proc/sys", rel), 0);
  gr_policy *p = policy ("restricted");
  expect_rule (p, good_with (".mounts += [{\"destination\": \"/evil\", "
                             "\"type\": \"tmpfs\", \"source\": \"tmpfs\"}]"),
               "GR-MNT-003", 1, "/evil -> /proc");
  expect_rule (p, good_with (".mounts += [{\"destination\": \"/rel/kernel\", "
                             "\"type\": \"tmpfs\", \"source\": \"tmpfs\"}]"),
               "GR-MNT-003", 1, "/rel/kernel -> /proc/sys/kernel, "
               "not yet there");
  expect_rule (p, good_with (".mounts += [{\"destination\": \"/data\", "
                             "\"type\": \"tmpfs\", \"source\": \"tmpfs\"}]"),
               "GR-MNT-003", 0, "plain");
  gr_policy_free (p);
}
