/* SPDX-License-Identifier: Apache-2.0 */
/* The pure parts of the cgroup driver: paths, conversions, the resource
   plan, enforceability, and the device filter (run in a small BPF
   interpreter, so no kernel is needed). */
#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>
#include <guardrun/spec.h>
#include <guardrun/util.h>
#include "../../runtime/lib/cgroup_internal.h"

/* ---------------------------------------------------------------- paths -- */

Test (cgroup, mountinfo_hybrid)
{
  const char *mi =
      "30 22 0:27 / /sys/fs/cgroup rw,relatime - tmpfs tmpfs rw,mode=755\n"
      "31 30 0:28 / /sys/fs/cgroup/cpu rw,relatime - cgroup cgroup rw,cpu\n"
      "40 30 0:37 / /sys/fs/cgroup/unified rw,relatime - cgroup2 cgroup2 rw\n";
  char *m = NULL;
  bool hybrid;
  cr_assert_eq (gr_cg_parse_mountinfo (mi, &m, &hybrid), 0);
  cr_expect_str_eq (m, "/sys/fs/cgroup/unified");
  cr_expect (hybrid);
  free (m);
}

Test (cgroup, mountinfo_pure_and_none)
{
  const char *mi =
      "25 1 0:22 / /sys/fs/cgroup rw,nosuid shared:9 - cgroup2 cgroup2 "
      "rw,nsdelegate\n"
      "99 25 0:22 /sub /mnt/x\\040y rw - cgroup2 cgroup2 rw\n";
  char *m = NULL;
  bool hybrid;
  cr_assert_eq (gr_cg_parse_mountinfo (mi, &m, &hybrid), 0);
  cr_expect_str_eq (m, "/sys/fs/cgroup");
  cr_expect (!hybrid);
  free (m);
  cr_expect_eq (gr_cg_parse_mountinfo ("1 0 0:1 / / rw - ext4 /dev/sda rw\n",
                                       &m, &hybrid), -1);
}

Test (cgroup, proc_self_cgroup)
{
  char *p = NULL;
  cr_assert_eq (gr_cg_parse_proc_cgroup ("4:memory:/x\n0::/user.slice/a.scope\n",
                                         &p, NULL), 0);
  cr_expect_str_eq (p, "/user.slice/a.scope");
  free (p);
  cr_expect_eq (gr_cg_parse_proc_cgroup ("4:memory:/x\n", &p, NULL), -1);
}

static void
expect_resolve (const char *own, const char *cp, const char *want)
{
  char *out = NULL;
  cr_assert_eq (gr_cg_resolve (own, cp, "ctr", &out, NULL), 0, "%s", cp);
  cr_expect_str_eq (out, want, "cgroupsPath %s", cp ? cp : "(null)");
  free (out);
}

Test (cgroup, resolve_cgroupfs)
{
  /* absolute: below the cgroup2 root */
  expect_resolve ("/user.slice/s.scope", "/machine/ctr", "/machine/ctr");
  expect_resolve ("/", "//a//./b/", "/a/b");
  /* relative: below the parent of our own cgroup, as runc */
  expect_resolve ("/user.slice/s.scope", "pods/ctr", "/user.slice/pods/ctr");
  expect_resolve ("/", "pods/ctr", "/pods/ctr");
  /* empty: the id, relative */
  expect_resolve ("/system.slice/x.service", NULL, "/system.slice/ctr");
  expect_resolve ("/system.slice/x.service", "", "/system.slice/ctr");
  char *out = NULL;
  cr_expect_eq (gr_cg_resolve ("/", "/a/../../etc", "c", &out, NULL), -1);
  cr_expect_eq (gr_cg_resolve ("/", "../x", "c", &out, NULL), -1);
  cr_expect_eq (gr_cg_resolve ("/", "/", "c", &out, NULL), -1);
}

Test (cgroup, systemd_slices)
{
  char *p = NULL;
  cr_assert_eq (gr_cg_systemd_expand_slice ("a-b-c.slice", &p, NULL), 0);
  cr_expect_str_eq (p, "/a.slice/a-b.slice/a-b-c.slice");
  free (p);
  cr_assert_eq (gr_cg_systemd_expand_slice ("-.slice", &p, NULL), 0);
  cr_expect_str_eq (p, "");
  free (p);
  const char *bad[] = { "a", ".slice", "a--b.slice", "-a.slice", "a-.slice",
                        "a/b.slice" };
  for (size_t i = 0; i < GR_ARRAY_SIZE (bad); i++)
    cr_expect_eq (gr_cg_systemd_expand_slice (bad[i], &p, NULL), -1, "%s",
                  bad[i]);
}

Test (cgroup, systemd_path_forms)
{
  char *slice, *unit, *path;
  cr_assert_eq (gr_cg_systemd_parse ("system.slice:cri-containerd:abc", "id",
                                     false, &slice, &unit, &path, NULL), 0);
  cr_expect_str_eq (slice, "system.slice");
  cr_expect_str_eq (unit, "cri-containerd-abc.scope");
  cr_expect_str_eq (path, "/system.slice/cri-containerd-abc.scope");
  free (slice), free (unit), free (path);

  cr_assert_eq (gr_cg_systemd_parse ("kubepods-besteffort.slice:crio:x", "id",
                                     false, &slice, &unit, &path, NULL), 0);
  cr_expect_str_eq (path, "/kubepods.slice/kubepods-besteffort.slice/crio-x.scope");
  free (slice), free (unit), free (path);

  /* no cgroupsPath: system.slice, guardrun-<id>.scope */
  cr_assert_eq (gr_cg_systemd_parse (NULL, "c1", false, &slice, &unit, &path,
                                     NULL), 0);
  cr_expect_str_eq (path, "/system.slice/guardrun-c1.scope");
  free (slice), free (unit), free (path);

  /* a name ending in .slice is a slice; empty slice part: default */
  cr_assert_eq (gr_cg_systemd_parse (":p:system-x.slice", "id", false, &slice,
                                     &unit, &path, NULL), 0);
  cr_expect_str_eq (unit, "system-x.slice");
  cr_expect_str_eq (path, "/system.slice/system-x.slice");
  free (slice), free (unit), free (path);

  const char *bad[] = { "/a/b", "a:b", "a:b:c:d", "bad:p:n", "x.slice:p:a/b" };
  for (size_t i = 0; i < GR_ARRAY_SIZE (bad); i++)
    cr_expect_eq (gr_cg_systemd_parse (bad[i], "id", false, &slice, &unit,
                                       &path, NULL), -1, "%s", bad[i]);
}

/* ---------------------------------------------------------- conversions -- */

Test (cgroup, shares_to_weight)
{
  cr_expect_eq (gr_cg_shares_to_weight (0), 0);
  cr_expect_eq (gr_cg_shares_to_weight (2), 1);
  cr_expect_eq (gr_cg_shares_to_weight (1024), 39);   /* runc's value */
  cr_expect_eq (gr_cg_shares_to_weight (262144), 10000);
  cr_expect_eq (gr_cg_shares_to_weight (1), 1);       /* clamped */
  cr_expect_eq (gr_cg_shares_to_weight (1u << 30), 10000);
}

Test (cgroup, blkio_weight)
{
  cr_expect_eq (gr_cg_blkio_to_io_weight (0), 0);
  cr_expect_eq (gr_cg_blkio_to_io_weight (10), 1);
  cr_expect_eq (gr_cg_blkio_to_io_weight (500), 1 + 490 * 9999 / 990);
  cr_expect_eq (gr_cg_blkio_to_io_weight (1000), 10000);
}

Test (cgroup, swap_conversion)
{
  int64_t v;
  cr_expect_eq (gr_cg_swap_to_v2 (0, -1, &v, NULL), 0);
  cr_expect_eq (v, -1);
  cr_expect_eq (gr_cg_swap_to_v2 (-1, 100, &v, NULL), 0);
  cr_expect_eq (v, -1);
  cr_expect_eq (gr_cg_swap_to_v2 (0, 100, &v, NULL), 0);
  cr_expect_eq (v, 0);
  cr_expect_eq (gr_cg_swap_to_v2 (300, 100, &v, NULL), 0);
  cr_expect_eq (v, 200);
  cr_expect_eq (gr_cg_swap_to_v2 (100, 100, &v, NULL), 0);
  cr_expect_eq (v, 0);
  cr_expect_eq (gr_cg_swap_to_v2 (50, 100, &v, NULL), -1);
  cr_expect_eq (gr_cg_swap_to_v2 (50, 0, &v, NULL), -1);
  cr_expect_eq (gr_cg_swap_to_v2 (50, -1, &v, NULL), -1);
}

Test (cgroup, unified_keys)
{
  const char *good[] = { "memory.high", "cpu.max", "io.latency",
                         "cgroup.max.depth", "memory.oom.group" };
  const char *bad[] = { "", ".", "..", "memory", "../memory.max",
                        "memory.max/x", "cgroup.procs", "cgroup.subtree_control",
                        "cgroup.kill", ".max", "memory." };
  for (size_t i = 0; i < GR_ARRAY_SIZE (good); i++)
    cr_expect_eq (gr_cg_unified_key_check (good[i], NULL), 0, "%s", good[i]);
  for (size_t i = 0; i < GR_ARRAY_SIZE (bad); i++)
    cr_expect_eq (gr_cg_unified_key_check (bad[i], NULL), -1, "%s", bad[i]);
}

Test (cgroup, memory_events)
{
  const char *ev = "low 0\nhigh 3\nmax 7\noom 2\noom_kill 1\noom_group_kill 0\n";
  uint64_t v = 99;
  cr_expect_eq (gr_cg_keyed_get (ev, "oom_kill", &v), 0);
  cr_expect_eq (v, 1);
  cr_expect_eq (gr_cg_keyed_get (ev, "oom", &v), 0);
  cr_expect_eq (v, 2);
  cr_expect_eq (gr_cg_keyed_get (ev, "max", &v), 0);
  cr_expect_eq (v, 7);
  cr_expect_eq (gr_cg_keyed_get (ev, "nope", &v), -1);
  cr_expect_eq (gr_cg_parse_value ("max\n", &v), 0);
  cr_expect_eq (v, UINT64_MAX);
}

/* ----------------------------------------------------------------- plan -- */

static gr_resources *
res (const char *json)
{
  gr_json *j = NULL;
  gr_resources *r = NULL;
  cr_assert_eq (gr_json_parse ("t", json, strlen (json), &j, NULL), 0);
  cr_assert_eq (gr_resources_from_json ("t", j, &r, NULL), 0, "%s", json);
  gr_json_free (j);
  return r;
}

static const gr_cg_write *
find_write (const gr_cg_plan *p, const char *file)
{
  for (size_t i = 0; i < p->n; i++)
    if (strcmp (p->v[i].file, file) == 0)
      return &p->v[i];
  return NULL;
}

static void
expect_write (const gr_cg_plan *p, const char *file, const char *value)
{
  const gr_cg_write *w = find_write (p, file);
  cr_assert_not_null (w, "no write of %s", file);
  cr_expect_str_eq (w->value, value, "%s", file);
}

Test (cgroup, plan_resources)
{
  gr_resources *r = res (
      "{\"memory\":{\"limit\":104857600,\"swap\":209715200,\"reservation\":1048576},"
      "\"cpu\":{\"shares\":1024,\"quota\":50000,\"period\":100000,"
      "\"cpus\":\"0-1\",\"mems\":\"0\"},"
      "\"pids\":{\"limit\":64},"
      "\"blockIO\":{\"weight\":500,\"throttleReadBpsDevice\":"
      "[{\"major\":253,\"minor\":0,\"rate\":1048576}]},"
      "\"hugepageLimits\":[{\"pageSize\":\"2MB\",\"limit\":4194304}],"
      "\"rdma\":{\"mlx5_0\":{\"hcaHandles\":3}},"
      "\"unified\":{\"memory.high\":\"99999999\"}}");
  gr_cg_plan p;
  cr_assert_eq (gr_cg_plan_build (r, &p, NULL), 0);
  expect_write (&p, "memory.max", "104857600");
  expect_write (&p, "memory.swap.max", "104857600");
  expect_write (&p, "memory.low", "1048576");
  expect_write (&p, "cpu.weight", "39");
  expect_write (&p, "cpu.max", "50000 100000");
  expect_write (&p, "cpuset.cpus", "0-1");
  expect_write (&p, "cpuset.mems", "0");
  expect_write (&p, "pids.max", "64");
  expect_write (&p, "io.bfq.weight", "500");
  cr_expect_str_eq (find_write (&p, "io.bfq.weight")->alt_file, "io.weight");
  cr_expect_str_eq (find_write (&p, "io.bfq.weight")->alt_value, "4950");
  expect_write (&p, "io.max", "253:0 rbps=1048576");
  expect_write (&p, "hugetlb.2MB.max", "4194304");
  expect_write (&p, "rdma.max", "mlx5_0 hca_handle=3 hca_object=max");
  expect_write (&p, "memory.high", "99999999");
  cr_expect_str_eq (find_write (&p, "pids.max")->controller, "pids");
  cr_expect_str_eq (find_write (&p, "pids.max")->field,
                    "linux.resources.pids.limit");
  gr_cg_plan_free (&p);
  gr_resources_free (r);
}

Test (cgroup, plan_unlimited_values)
{
  gr_resources *r = res ("{\"memory\":{\"limit\":-1},\"pids\":{\"limit\":0},"
                         "\"cpu\":{\"quota\":-1}}");
  gr_cg_plan p;
  cr_assert_eq (gr_cg_plan_build (r, &p, NULL), 0);
  expect_write (&p, "memory.max", "max");
  expect_write (&p, "memory.swap.max", "max");
  expect_write (&p, "pids.max", "max");
  expect_write (&p, "cpu.max", "max");
  for (size_t i = 0; i < p.n; i++)
    cr_expect (p.v[i].unlimited, "%s", p.v[i].file);
  gr_cg_plan_free (&p);
  gr_resources_free (r);
}

static void
expect_plan_error (const char *json, const char *needle)
{
  gr_resources *r = res (json);
  gr_cg_plan p;
  gr_error *e = NULL;
  cr_expect_eq (gr_cg_plan_build (r, &p, &e), -1, "%s", json);
  char *s = e ? gr_error_string (e) : gr_xstrdup ("");
  cr_expect (strstr (s, needle) != NULL, "'%s' not in '%s'", needle, s);
  free (s);
  gr_error_free (e);
  gr_resources_free (r);
}

Test (cgroup, plan_v1_only_fields)
{
  expect_plan_error ("{\"memory\":{\"kernel\":1048576}}", "memory.kernel");
  expect_plan_error ("{\"memory\":{\"kernelTCP\":1048576}}", "kernelTCP");
  expect_plan_error ("{\"memory\":{\"disableOOMKiller\":true}}",
                     "disableOOMKiller");
  expect_plan_error ("{\"network\":{\"classID\":1}}", "net_cls");
  expect_plan_error ("{\"cpu\":{\"realtimeRuntime\":1000}}", "realtime");
  expect_plan_error ("{\"memory\":{\"limit\":100,\"swap\":50}}", "swap");
  expect_plan_error ("{\"unified\":{\"cgroup.procs\":\"1\"}}", "cgroup.procs");
  expect_plan_error ("{\"unified\":{\"../x.y\":\"1\"}}", "no path");
  expect_plan_error ("{\"hugepageLimits\":[{\"pageSize\":\"../2MB\",\"limit\":1}]}",
                     "pageSize");
}

Test (cgroup, enforceable_refuse_and_warn)
{
  gr_resources *r = res ("{\"memory\":{\"limit\":104857600},\"pids\":{\"limit\":64}}");
  gr_cg_plan p;
  cr_assert_eq (gr_cg_plan_build (r, &p, NULL), 0);
  gr_cg_enforce_ctx ctx = { .available = "hugetlb", .hybrid = true,
                            .where = "/sys/fs/cgroup/unified/x", .id = "x" };
  gr_error *e = NULL;
  cr_expect_eq (gr_cg_plan_enforceable (&p, &ctx, &e), -1);
  char *s = gr_error_string (e);
  cr_expect (strstr (s, "linux.resources.memory.limit") != NULL, "%s", s);
  cr_expect (strstr (s, "memory controller") != NULL, "%s", s);
  cr_expect (strstr (s, "hybrid cgroups") != NULL, "%s", s);
  cr_expect (strstr (s, "systemd.unified_cgroup_hierarchy=1") != NULL, "%s", s);
  cr_expect (strstr (s, "\"unenforceable\": \"warn\"") != NULL, "%s", s);
  free (s);
  gr_error_free (e);
  /* available: nothing dropped */
  ctx.available = "cpu memory pids";
  cr_expect_eq (gr_cg_plan_enforceable (&p, &ctx, NULL), 0);
  cr_expect_eq (p.n, 2);
  gr_cg_plan_free (&p);
  gr_resources_free (r);
}

Test (cgroup, unenforceable_message_pure_v2)
{
  char *m = gr_cg_unenforceable_msg ("linux.resources.pids.limit", "pids",
                                     false, "/sys/fs/cgroup/a", false);
  cr_expect (strstr (m, "cgroup.subtree_control") != NULL, "%s", m);
  cr_expect (strstr (m, "/sys/fs/cgroup/a") != NULL, "%s", m);
  free (m);
  m = gr_cg_unenforceable_msg ("linux.resources.pids.limit", "pids", true,
                               "/x", true);
  cr_expect (strstr (m, "NOT enforced") != NULL, "%s", m);
  free (m);
}

/* -------------------------------------------------------- device filter -- */

static int
eval_rules (const char *rules_json, bool defaults, char type, uint32_t ma,
            uint32_t mi, const char *acc)
{
  char *doc = gr_fmt ("{\"devices\":%s}", rules_json);
  gr_resources *r = res (doc);
  free (doc);
  gr_bpf_insn *prog = NULL;
  size_t len;
  cr_assert_eq (gr_bpf_devices_build (r->devices, r->n_devices, defaults,
                                      &prog, &len, NULL), 0);
  int v = gr_bpf_devices_eval (prog, len, type, ma, mi, acc);
  free (prog);
  gr_resources_free (r);
  return v;
}

Test (cgroup, devices_defaults_without_rules)
{
  /* no rules: the standard devices and mknod, nothing else */
  cr_expect_eq (eval_rules ("[]", true, 'c', 1, 3, "rw"), 1);    /* null */
  cr_expect_eq (eval_rules ("[]", true, 'c', 1, 1, "r"), 0);     /* mem */
  cr_expect_eq (eval_rules ("[]", true, 'c', 1, 1, "m"), 1);     /* mknod */
  cr_expect_eq (eval_rules ("[]", true, 'b', 8, 0, "r"), 0);
  cr_expect_eq (eval_rules ("[]", true, 'c', 136, 7, "rw"), 1);  /* pts */
  cr_expect_eq (eval_rules ("[]", true, 'c', 10, 200, "rw"), 0); /* tun */
  /* no rules, no defaults: v1 starts deny-all */
  cr_expect_eq (eval_rules ("[]", false, 'c', 1, 3, "r"), 0);
}

Test (cgroup, devices_config_deny_all_is_strict)
{
  /* the engines' form: deny all, then an allow list; the defaults are gone */
  const char *rules = "[{\"allow\":false,\"access\":\"rwm\"},"
                      "{\"allow\":true,\"type\":\"c\",\"major\":1,"
                      "\"minor\":3,\"access\":\"rwm\"}]";
  cr_expect_eq (eval_rules (rules, true, 'c', 1, 3, "rw"), 1);
  cr_expect_eq (eval_rules (rules, true, 'c', 1, 5, "r"), 0);   /* zero */
  cr_expect_eq (eval_rules (rules, true, 'c', 1, 5, "m"), 0);   /* mknod */
  /* allow rules alone add to the defaults */
  const char *add = "[{\"allow\":true,\"type\":\"c\",\"major\":10,"
                    "\"minor\":229,\"access\":\"rw\"}]";
  cr_expect_eq (eval_rules (add, true, 'c', 10, 229, "rw"), 1);
  cr_expect_eq (eval_rules (add, true, 'c', 1, 5, "r"), 1);
  cr_expect_eq (eval_rules (add, true, 'c', 1, 1, "r"), 0);
}

Test (cgroup, devices_allow_and_partial_access)
{
  const char *rules = "[{\"allow\":false,\"access\":\"rwm\"},"
                      "{\"allow\":true,\"type\":\"b\",\"major\":8,"
                      "\"minor\":0,\"access\":\"r\"}]";
  cr_expect_eq (eval_rules (rules, false, 'b', 8, 0, "r"), 1);
  cr_expect_eq (eval_rules (rules, false, 'b', 8, 0, "rw"), 0);
  cr_expect_eq (eval_rules (rules, false, 'b', 8, 1, "r"), 0);
  cr_expect_eq (eval_rules (rules, false, 'c', 8, 0, "r"), 0);
}

Test (cgroup, devices_blacklist_mode)
{
  /* allow all, deny c 1:1 write: "rw" must not slip through */
  const char *rules = "[{\"allow\":true,\"access\":\"rwm\"},"
                      "{\"allow\":false,\"type\":\"c\",\"major\":1,"
                      "\"minor\":1,\"access\":\"w\"}]";
  cr_expect_eq (eval_rules (rules, false, 'c', 1, 1, "r"), 1);
  cr_expect_eq (eval_rules (rules, false, 'c', 1, 1, "rw"), 0);
  cr_expect_eq (eval_rules (rules, false, 'c', 1, 2, "rw"), 1);
}

Test (cgroup, devices_last_all_rule_wins_and_no_holes)
{
  /* allow c 1:1, then deny all: the "a" rule resets */
  cr_expect_eq (eval_rules ("[{\"allow\":true,\"type\":\"c\",\"major\":1,"
                            "\"minor\":1,\"access\":\"rwm\"},"
                            "{\"allow\":false,\"access\":\"rwm\"}]",
                            false, 'c', 1, 1, "r"), 0);
  /* deny-all, allow c *:* rwm, deny c 1:1: cannot punch a hole */
  const char *doc = "{\"devices\":[{\"allow\":false,\"access\":\"rwm\"},"
                    "{\"allow\":true,\"type\":\"c\",\"access\":\"rwm\"},"
                    "{\"allow\":false,\"type\":\"c\",\"major\":1,\"minor\":1,"
                    "\"access\":\"rwm\"}]}";
  gr_resources *r = res (doc);
  gr_bpf_insn *prog = NULL;
  size_t len;
  cr_expect_eq (gr_bpf_devices_build (r->devices, r->n_devices, false, &prog,
                                      &len, NULL), -1);
  gr_resources_free (r);
}
