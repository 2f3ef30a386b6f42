/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The cgroupfs driver on the unified (v2) hierarchy: where the container's
 * cgroup lives, which controllers it gets, turning linux.resources into
 * interface-file writes, and the freezer/kill/pids/destroy operations the
 * commands need.  v1 hierarchies are never touched: on a hybrid host the
 * container still gets a v2 cgroup (device filter, freezer, cgroup.kill
 * need no controller), and limits without a v2 controller are refused or,
 * if the admin said so, logged as not applied.
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <guardrun/log.h>
#include <guardrun/util.h>
#include "cgroup_internal.h"

#define CG_FILE_MAX (1u << 20)
#define FREEZE_TIMEOUT_MS 10000
#define EMPTY_TIMEOUT_MS 5000

/* ------------------------------------------------------------- parsing -- */

bool
gr_cg_has_word (const char *list, const char *word)
{
  size_t n = strlen (word);
  for (const char *p = list; p && *p;)
    {
      p += strspn (p, " \t\n");
      size_t len = strcspn (p, " \t\n");
      if (len == n && strncmp (p, word, n) == 0)
        return true;
      p += len;
    }
  return false;
}

/* mountinfo escapes blanks and backslashes as \ooo */
static bool
is_octal (char c, char max)
{
  return c >= '0' && c <= max;
}

static char *
unescape_octal (const char *s, size_t len)
{
  char *out = gr_xmalloc (len + 1), *o = out;
  for (size_t i = 0; i < len; i++)
    {
      if (s[i] == '\\' && i + 3 < len && is_octal (s[i + 1], '3')
          && is_octal (s[i + 2], '7') && is_octal (s[i + 3], '7'))
        {
          *o++ = (char) (((s[i + 1] - '0') << 6) | ((s[i + 2] - '0') << 3)
                         | (s[i + 3] - '0'));
          i += 3;
        }
      else
        *o++ = s[i];
    }
  *o = '\0';
  return out;
}

/* field i (0-based, blank-separated) of a line */
static bool
field (const char *line, int i, const char **start, size_t *len)
{
  const char *p = line;
  for (int k = 0;; k++)
    {
      p += strspn (p, " ");
      if (*p == '\0' || *p == '\n')
        return false;
      size_t l = strcspn (p, " \n");
      if (k == i)
        {
          *start = p;
          *len = l;
          return true;
        }
      p += l;
    }
}

/* the fstype: the field after the " - " separator */
static bool
mountinfo_fstype (const char *line, const char **fs, size_t *len)
{
  const char *sep = strstr (line, " - ");
  const char *nl = strchr (line, '\n');
  if (sep == NULL || (nl && sep > nl))
    return false;
  return field (sep + 3, 0, fs, len);
}

int
gr_cg_parse_mountinfo (const char *mi, char **mount, bool *hybrid)
{
  *mount = NULL;
  *hybrid = false;
  for (const char *line = mi; line && *line;)
    {
      const char *fs, *mp, *root;
      size_t fslen, mplen, rootlen;
      if (mountinfo_fstype (line, &fs, &fslen) && field (line, 4, &mp, &mplen)
          && field (line, 3, &root, &rootlen))
        {
          if (fslen == 6 && strncmp (fs, "cgroup", 6) == 0)
            *hybrid = true;
          /* the first cgroup2 mount of the whole hierarchy wins */
          else if (fslen == 7 && strncmp (fs, "cgroup2", 7) == 0
                   && *mount == NULL && rootlen == 1 && *root == '/')
            *mount = unescape_octal (mp, mplen);
        }
      const char *nl = strchr (line, '\n');
      line = nl ? nl + 1 : NULL;
    }
  return *mount ? 0 : -1;
}

int
gr_cg_parse_proc_cgroup (const char *text, char **out, gr_error **err)
{
  for (const char *line = text; line && *line;)
    {
      size_t len = strcspn (line, "\n");
      if (strncmp (line, "0::", 3) == 0)
        {
          *out = gr_xstrndup (line + 3, len - 3);
          return 0;
        }
      line += len;
      line += *line == '\n';
    }
  return gr_error_set (err, 0, "no cgroup v2 entry (0::) in /proc/self/cgroup");
}

static struct
{
  bool done;
  char *mount;
  bool hybrid;
} cg2;

static void
cg2_load (void)
{
  if (cg2.done)
    return;
  cg2.done = true;
  cleanup_free char *mi = NULL;
  if (gr_read_file ("/proc/self/mountinfo", 4u << 20, &mi, NULL, NULL) == 0)
    gr_cg_parse_mountinfo (mi, &cg2.mount, &cg2.hybrid);
}

const char *
gr_cgroup2_mount (void)
{
  cg2_load ();
  return cg2.mount;
}

static bool
cg_hybrid (void)
{
  cg2_load ();
  return cg2.hybrid;
}

/* append the components of p to out (which ends without '/'), refusing
   ".." so no path can climb out of where it is anchored */
static int
append_components (char **out, const char *p, const char *what,
                   gr_error **err)
{
  cleanup_free char *copy = gr_xstrdup (p);
  char *save = NULL;
  for (char *c = strtok_r (copy, "/", &save); c; c = strtok_r (NULL, "/", &save))
    {
      if (strcmp (c, ".") == 0)
        continue;
      if (strcmp (c, "..") == 0)
        return gr_error_set (err, 0, "%s `%s`: \"..\" is not allowed", what, p);
      char *n = gr_fmt ("%s/%s", *out, c);
      free (*out);
      *out = n;
    }
  return 0;
}

int
gr_cg_resolve (const char *own, const char *cgroups_path, const char *id,
               char **out, gr_error **err)
{
  const char *p = cgroups_path && *cgroups_path ? cgroups_path : id;
  cleanup_free char *res = gr_xstrdup ("");
  if (p[0] != '/')
    {
      /* the parent of our own cgroup: ours has processes (at least us),
         so no controller could be enabled below it */
      cleanup_free char *base = gr_xstrdup ("");
      if (append_components (&base, own, "own cgroup", err) < 0)
        return -1;
      char *slash = strrchr (base, '/');
      if (slash)
        *slash = '\0';
      free (res);
      res = gr_steal (base);
    }
  if (append_components (&res, p, "linux.cgroupsPath", err) < 0)
    return -1;
  if (*res == '\0')
    return gr_error_set (err, 0,
                         "linux.cgroupsPath `%s` is the cgroup2 root: a "
                         "container needs a cgroup of its own", p);
  *out = gr_steal (res);
  return 0;
}

/* --------------------------------------------------------- conversions -- */

uint64_t
gr_cg_shares_to_weight (uint64_t shares)
{
  if (shares == 0)
    return 0;
  /* the v1 kernel clamps shares to [2, 262144]; do the same so the
     formula cannot underflow */
  if (shares < 2)
    shares = 2;
  if (shares > 262144)
    shares = 262144;
  return 1 + ((shares - 2) * 9999) / 262142;
}

uint64_t
gr_cg_blkio_to_io_weight (uint64_t weight)
{
  if (weight == 0)
    return 0;
  if (weight < 10)
    weight = 10;
  if (weight > 1000)
    weight = 1000;
  return 1 + (weight - 10) * 9999 / 990;
}

int
gr_cg_swap_to_v2 (int64_t swap, int64_t limit, int64_t *out, gr_error **err)
{
  /* v1 compatibility: unlimited memory and no swap value means both
     unlimited */
  if (limit == -1 && swap == 0)
    {
      *out = -1;
      return 0;
    }
  if (swap == -1 || swap == 0)
    {
      *out = swap;
      return 0;
    }
  if (limit == 0 || limit == -1)
    return gr_error_set (err, 0,
                         "a swap limit needs a memory limit "
                         "(linux.resources.memory.limit)");
  if (limit < 0 || swap < 0)
    return gr_error_set (err, 0, "invalid memory value %" PRId64,
                         limit < 0 ? limit : swap);
  if (swap < limit)
    return gr_error_set (err, 0,
                         "memory+swap limit %" PRId64 " is below the memory "
                         "limit %" PRId64, swap, limit);
  *out = swap - limit;
  return 0;
}

int
gr_cg_unified_key_check (const char *key, gr_error **err)
{
  /* core files that would move processes, reshape the tree or kill: a
     config has no business writing them */
  static const char *const forbidden[] = {
    "cgroup.procs", "cgroup.threads", "cgroup.subtree_control",
    "cgroup.type", "cgroup.kill", "cgroup.freeze", "cgroup.events",
    "cgroup.controllers", "cgroup.stat",
  };
  if (*key == '\0' || strcmp (key, ".") == 0 || strcmp (key, "..") == 0
      || strchr (key, '/'))
    return gr_error_set (err, 0,
                         "linux.resources.unified: key `%s` must be an "
                         "interface file name (no path)", key);
  const char *dot = strchr (key, '.');
  if (dot == NULL || dot == key || dot[1] == '\0')
    return gr_error_set (err, 0,
                         "linux.resources.unified: key `%s` must be "
                         "CONTROLLER.PARAMETER", key);
  for (size_t i = 0; i < GR_ARRAY_SIZE (forbidden); i++)
    if (strcmp (key, forbidden[i]) == 0)
      return gr_error_set (err, 0,
                           "linux.resources.unified: `%s` is managed by the "
                           "runtime and cannot be set", key);
  return 0;
}

int
gr_cg_parse_value (const char *s, uint64_t *out)
{
  size_t len = strcspn (s, " \n");
  cleanup_free char *v = gr_xstrndup (s, len);
  if (strcmp (v, "max") == 0)
    {
      *out = UINT64_MAX;
      return 0;
    }
  return gr_parse_u64 (v, out);
}

int
gr_cg_keyed_get (const char *text, const char *key, uint64_t *out)
{
  size_t klen = strlen (key);
  for (const char *line = text; line && *line;)
    {
      if (strncmp (line, key, klen) == 0 && line[klen] == ' ')
        return gr_cg_parse_value (line + klen + 1, out);
      line = strchr (line, '\n');
      line = line ? line + 1 : NULL;
    }
  return -1;
}

/* ---------------------------------------------------------------- plan -- */

static gr_cg_write *
plan_add (gr_cg_plan *p, char *field_path, const char *ctrl, char *file,
          char *value)
{
  p->v = gr_xrealloc (p->v, (p->n + 1) * sizeof *p->v);
  gr_cg_write *w = &p->v[p->n++];
  *w = (gr_cg_write) { .field = field_path, .controller = ctrl,
                       .file = file, .value = value };
  w->unlimited = strcmp (value, "max") == 0;
  return w;
}

void
gr_cg_plan_free (gr_cg_plan *p)
{
  for (size_t i = 0; i < p->n; i++)
    {
      free (p->v[i].field);
      free (p->v[i].file);
      free (p->v[i].value);
      free (p->v[i].alt_file);
      free (p->v[i].alt_value);
    }
  free (p->v);
  p->v = NULL;
  p->n = 0;
}

/* -1 (and any negative) is "max", as runc writes it */
static char *
num_or_max (int64_t v)
{
  return v < 0 ? gr_xstrdup ("max") : gr_fmt ("%" PRId64, v);
}

static int
v2_unsupported (const char *field_path, const char *why, gr_error **err)
{
  return gr_error_set (err, 0, "linux.resources.%s: %s", field_path, why);
}

static int
plan_memory (const gr_memory *m, gr_cg_plan *p, gr_error **err)
{
  if (m->has_kernel && m->kernel != 0 && m->kernel != -1)
    return v2_unsupported ("memory.kernel", "kernel memory limits do not "
                           "exist in cgroup v2 (memory.max covers kernel "
                           "memory); remove the field", err);
  if (m->has_kernel_tcp && m->kernel_tcp != 0 && m->kernel_tcp != -1)
    return v2_unsupported ("memory.kernelTCP", "kernel TCP memory limits do "
                           "not exist in cgroup v2; remove the field", err);
  if (m->has_disable_oom_killer && m->disable_oom_killer)
    return v2_unsupported ("memory.disableOOMKiller", "cgroup v2 cannot "
                           "disable the OOM killer for a cgroup; remove the "
                           "field", err);
  if (m->has_swappiness)
    return v2_unsupported ("memory.swappiness", "cgroup v2 has no "
                           "per-cgroup swappiness; remove the field", err);
  if (m->has_use_hierarchy && !m->use_hierarchy)
    return v2_unsupported ("memory.useHierarchy", "cgroup v2 is always "
                           "hierarchical", err);
  int64_t limit = m->has_limit ? m->limit : 0;
  if (m->has_swap || limit == -1)
    {
      int64_t swap;
      if (gr_cg_swap_to_v2 (m->has_swap ? m->swap : 0, limit, &swap, err) < 0)
        return gr_error_wrap (err, "linux.resources.memory.swap");
      /* swap == limit: no swap at all, which is "0", not "unset" */
      if (swap != 0 || (m->has_swap && m->swap > 0))
        plan_add (p, gr_xstrdup ("linux.resources.memory.swap"), "memory",
                  gr_xstrdup ("memory.swap.max"), num_or_max (swap));
    }
  if (limit != 0)
    plan_add (p, gr_xstrdup ("linux.resources.memory.limit"), "memory",
              gr_xstrdup ("memory.max"), num_or_max (limit));
  if (m->has_reservation && m->reservation != 0)
    plan_add (p, gr_xstrdup ("linux.resources.memory.reservation"), "memory",
              gr_xstrdup ("memory.low"), num_or_max (m->reservation));
  return 0;
}

static char *
cpu_max_value (const gr_cpu *c)
{
  int64_t quota = c->has_quota ? c->quota : 0;
  uint64_t period = c->has_period ? c->period : 0;
  cleanup_free char *q = quota > 0 ? gr_fmt ("%" PRId64, quota)
                                   : gr_xstrdup ("max");
  if (period == 0)
    return gr_steal (q);
  return gr_fmt ("%s %" PRIu64, q, period);
}

static int
plan_cpu (const gr_cpu *c, gr_cg_plan *p, gr_error **err)
{
  if ((c->has_realtime_runtime && c->realtime_runtime != 0)
      || (c->has_realtime_period && c->realtime_period != 0))
    return v2_unsupported ("cpu.realtimeRuntime",
                           "real-time CPU limits (cpu.rt_*) exist only in "
                           "cgroup v1; remove realtimeRuntime/realtimePeriod",
                           err);
  if (c->has_idle)
    plan_add (p, gr_xstrdup ("linux.resources.cpu.idle"), "cpu",
              gr_xstrdup ("cpu.idle"), gr_fmt ("%" PRId64, c->idle));
  if (c->has_shares && c->shares != 0)
    plan_add (p, gr_xstrdup ("linux.resources.cpu.shares"), "cpu",
              gr_xstrdup ("cpu.weight"),
              gr_fmt ("%" PRIu64, gr_cg_shares_to_weight (c->shares)));
  if ((c->has_quota && c->quota != 0) || (c->has_period && c->period != 0))
    plan_add (p, gr_xstrdup ("linux.resources.cpu.quota"), "cpu",
              gr_xstrdup ("cpu.max"), cpu_max_value (c));
  if (c->has_burst)
    plan_add (p, gr_xstrdup ("linux.resources.cpu.burst"), "cpu",
              gr_xstrdup ("cpu.max.burst"), gr_fmt ("%" PRIu64, c->burst));
  if (c->cpus && *c->cpus)
    plan_add (p, gr_xstrdup ("linux.resources.cpu.cpus"), "cpuset",
              gr_xstrdup ("cpuset.cpus"), gr_xstrdup (c->cpus));
  if (c->mems && *c->mems)
    plan_add (p, gr_xstrdup ("linux.resources.cpu.mems"), "cpuset",
              gr_xstrdup ("cpuset.mems"), gr_xstrdup (c->mems));
  return 0;
}

static void
plan_weight (gr_cg_plan *p, char *field_path, const char *dev, uint64_t w)
{
  /* BFQ takes the blkio scale as is; io.weight (iocost) wants [1, 10000] */
  gr_cg_write *e = plan_add (p, field_path, "io", gr_xstrdup ("io.bfq.weight"),
                             gr_fmt ("%s%" PRIu64, dev, w));
  e->alt_file = gr_xstrdup ("io.weight");
  e->alt_value = gr_fmt ("%s%" PRIu64, dev, gr_cg_blkio_to_io_weight (w));
}

static void
plan_throttle (gr_cg_plan *p, const char *name, const char *key,
               const gr_blkio_device *d, size_t n)
{
  for (size_t i = 0; i < n; i++)
    {
      /* v1 meant 0 as "no limit"; io.max spells that "max" */
      cleanup_free char *rate = d[i].rate ? gr_fmt ("%" PRIu64, d[i].rate)
                                          : gr_xstrdup ("max");
      gr_cg_write *w = plan_add (
          p, gr_fmt ("linux.resources.blockIO.%s[%zu]", name, i), "io",
          gr_xstrdup ("io.max"),
          gr_fmt ("%" PRId64 ":%" PRId64 " %s=%s", d[i].major, d[i].minor,
                  key, rate));
      w->unlimited = d[i].rate == 0;
    }
}

static int
plan_blkio (const gr_blkio *b, gr_cg_plan *p, gr_error **err)
{
  if (b->has_leaf_weight)
    return v2_unsupported ("blockIO.leafWeight", "leaf weights exist only in "
                           "cgroup v1 (CFQ); remove the field", err);
  if (b->has_weight && b->weight != 0)
    plan_weight (p, gr_xstrdup ("linux.resources.blockIO.weight"), "",
                 b->weight);
  for (size_t i = 0; i < b->n_weight_device; i++)
    {
      const gr_blkio_device *d = &b->weight_device[i];
      if (d->has_leaf_weight)
        return v2_unsupported ("blockIO.weightDevice.leafWeight", "leaf "
                               "weights exist only in cgroup v1 (CFQ); "
                               "remove the field", err);
      if (!d->has_weight)
        continue;
      cleanup_free char *dev = gr_fmt ("%" PRId64 ":%" PRId64 " ", d->major,
                                       d->minor);
      plan_weight (p, gr_fmt ("linux.resources.blockIO.weightDevice[%zu]", i),
                   dev, d->weight);
    }
  plan_throttle (p, "throttleReadBpsDevice", "rbps", b->throttle_read_bps,
                 b->n_throttle_read_bps);
  plan_throttle (p, "throttleWriteBpsDevice", "wbps", b->throttle_write_bps,
                 b->n_throttle_write_bps);
  plan_throttle (p, "throttleReadIOPSDevice", "riops", b->throttle_read_iops,
                 b->n_throttle_read_iops);
  plan_throttle (p, "throttleWriteIOPSDevice", "wiops",
                 b->throttle_write_iops, b->n_throttle_write_iops);
  return 0;
}

/* "2MB", "1GB", "64KB": a number and a unit, nothing that makes a path */
static bool
valid_page_size (const char *s)
{
  size_t digits = strspn (s, "0123456789");
  return digits > 0 && strchr ("KMGT", s[digits]) && s[digits] != '\0'
         && strcmp (s + digits + 1, "B") == 0;
}

static int
plan_hugetlb (const gr_resources *r, gr_cg_plan *p, gr_error **err)
{
  for (size_t i = 0; i < r->n_hugepages; i++)
    {
      const gr_hugepage *h = &r->hugepages[i];
      if (h->page_size == NULL || !valid_page_size (h->page_size))
        return gr_error_set (err, 0,
                             "linux.resources.hugepageLimits[%zu].pageSize: "
                             "`%s` is not a page size like 2MB", i,
                             h->page_size ? h->page_size : "");
      plan_add (p, gr_fmt ("linux.resources.hugepageLimits[%zu]", i),
                "hugetlb", gr_fmt ("hugetlb.%s.max", h->page_size),
                gr_fmt ("%" PRIu64, h->limit));
      /* reservations are accounted separately (5.11+): limit them alike */
      gr_cg_write *w = plan_add (
          p, gr_fmt ("linux.resources.hugepageLimits[%zu]", i), "hugetlb",
          gr_fmt ("hugetlb.%s.rsvd.max", h->page_size),
          gr_fmt ("%" PRIu64, h->limit));
      w->optional = true;
    }
  return 0;
}

static int
plan_rdma (const gr_resources *r, gr_cg_plan *p, gr_error **err)
{
  for (size_t i = 0; i < r->n_rdma; i++)
    {
      const gr_rdma *d = &r->rdma[i];
      if (d->device == NULL || *d->device == '\0'
          || strpbrk (d->device, " \t\n/"))
        return gr_error_set (err, 0, "linux.resources.rdma: invalid device "
                             "name `%s`", d->device ? d->device : "");
      cleanup_free char *h = d->has_hca_handles
                                 ? gr_fmt ("%" PRIu32, d->hca_handles)
                                 : gr_xstrdup ("max");
      cleanup_free char *o = d->has_hca_objects
                                 ? gr_fmt ("%" PRIu32, d->hca_objects)
                                 : gr_xstrdup ("max");
      plan_add (p, gr_fmt ("linux.resources.rdma[%s]", d->device), "rdma",
                gr_xstrdup ("rdma.max"),
                gr_fmt ("%s hca_handle=%s hca_object=%s", d->device, h, o));
    }
  return 0;
}

static int
plan_unified (const gr_resources *r, gr_cg_plan *p, gr_error **err)
{
  for (size_t i = 0; i < r->n_unified; i++)
    {
      const gr_kv *kv = &r->unified[i];
      if (gr_cg_unified_key_check (kv->key, err) < 0)
        return -1;
      static const char *const ctrls[] = { "cpuset", "cpu", "io", "memory",
                                           "hugetlb", "pids", "rdma", "misc" };
      size_t clen = strcspn (kv->key, ".");
      const char *ctrl = NULL;
      for (size_t k = 0; k < GR_ARRAY_SIZE (ctrls); k++)
        if (strlen (ctrls[k]) == clen && strncmp (kv->key, ctrls[k], clen) == 0)
          ctrl = ctrls[k];
      /* "cgroup.*" and the PSI files need no controller; an unknown
         prefix falls through to the write, which fails on a missing file */
      plan_add (p, gr_fmt ("linux.resources.unified[%s]", kv->key), ctrl,
                gr_xstrdup (kv->key), gr_xstrdup (kv->value ? kv->value : ""));
    }
  return 0;
}

int
gr_cg_plan_build (const gr_resources *r, gr_cg_plan *plan, gr_error **err)
{
  plan->v = NULL;
  plan->n = 0;
  if (r == NULL)
    return 0;
  if (r->has_net_class_id || r->n_net_priorities)
    return v2_unsupported ("network", "net_cls and net_prio exist only in "
                           "cgroup v1 (on v2, classify traffic with eBPF or "
                           "tc); remove the field", err);
  if ((r->memory && plan_memory (r->memory, plan, err) < 0)
      || (r->cpu && plan_cpu (r->cpu, plan, err) < 0))
    goto fail;
  if (r->has_pids)
    plan_add (plan, gr_xstrdup ("linux.resources.pids.limit"), "pids",
              gr_xstrdup ("pids.max"),
              r->pids_limit > 0 ? gr_fmt ("%" PRId64, r->pids_limit)
                                : gr_xstrdup ("max"));
  if ((r->blkio && plan_blkio (r->blkio, plan, err) < 0)
      || plan_hugetlb (r, plan, err) < 0 || plan_rdma (r, plan, err) < 0
      /* last, so a unified value wins over the structured one, as runc */
      || plan_unified (r, plan, err) < 0)
    goto fail;
  return 0;
fail:
  gr_cg_plan_free (plan);
  return -1;
}

/* --------------------------------------------------------- enforcement -- */

#define HYBRID_HINT                                                         \
  "this host uses hybrid cgroups; guardrun enforces limits only through "   \
  "cgroup v2 — boot with systemd.unified_cgroup_hierarchy=1, or set "       \
  "\"cgroups\": {\"unenforceable\": \"warn\"} in the policy"

char *
gr_cg_unenforceable_msg (const char *field_path, const char *ctrl,
                         bool hybrid, const char *where, bool warn)
{
  if (warn)
    return gr_fmt ("%s: the %s controller is not %s, so this limit is NOT "
                   "enforced (the policy says \"unenforceable\": \"warn\")",
                   field_path, ctrl,
                   hybrid ? "available on cgroup v2 (hybrid cgroups host)"
                          : "enabled for the container's cgroup");
  if (hybrid)
    return gr_fmt ("%s: the %s controller is not available on cgroup v2: "
                   HYBRID_HINT, field_path, ctrl);
  return gr_fmt ("%s: the %s controller is not enabled for %s (it is missing "
                 "from the parent's cgroup.subtree_control): delegate it to "
                 "the runtime's cgroup, or set \"cgroups\": {\"unenforceable\": "
                 "\"warn\"} in the policy", field_path, ctrl, where);
}

static void
warn_not_applied (const gr_cg_write *w, const char *msg,
                  const gr_cg_enforce_ctx *ctx)
{
  cleanup_free char *text = gr_fmt ("limit not applied: %s", msg);
  gr_warn ("container %s: %s", ctx->id ? ctx->id : "?", text);
  gr_decision d = {
    .container_id = ctx->id,
    .policy = gr_policy_name (ctx->policy),
    .rule = "GR-CGROUP-UNENFORCEABLE",
    .verdict = "warn",
    .field = w->field,
    .message = text,
  };
  cleanup_error gr_error *e = NULL;
  if (gr_decision_log (&d, &e) < 0)
    {
      cleanup_free char *s = gr_error_string (e);
      gr_warn ("cannot write the decision log: %s", s);
    }
}

static void
plan_drop (gr_cg_plan *plan, size_t i)
{
  gr_cg_plan one = { .v = gr_xmalloc (sizeof *plan->v), .n = 1 };
  one.v[0] = plan->v[i];
  gr_cg_plan_free (&one);
  memmove (&plan->v[i], &plan->v[i + 1], (plan->n - i - 1) * sizeof *plan->v);
  plan->n--;
}

int
gr_cg_plan_enforceable (gr_cg_plan *plan, const gr_cg_enforce_ctx *ctx,
                        gr_error **err)
{
  bool warn = ctx->policy
              && gr_policy_cgroups_unenforceable (ctx->policy)
                     == GR_UNENFORCEABLE_WARN;
  for (size_t i = 0; i < plan->n;)
    {
      gr_cg_write *w = &plan->v[i];
      if (w->controller == NULL
          || gr_cg_has_word (ctx->available, w->controller))
        {
          i++;
          continue;
        }
      cleanup_free char *msg = gr_cg_unenforceable_msg (
          w->field, w->controller, ctx->hybrid, ctx->where, warn);
      /* an unlimited value asks for nothing the kernel would not do */
      if (w->unlimited)
        gr_debug ("%s (value is unlimited: nothing lost)", msg);
      else if (!warn)
        return gr_error_set (err, 0, "%s", msg);
      else
        warn_not_applied (w, msg, ctx);
      plan_drop (plan, i);
    }
  return 0;
}

/* ---------------------------------------------------------- file access -- */

int
gr_cg_write_file (int dirfd, const char *file, const char *value,
                  gr_error **err)
{
  cleanup_close int fd = openat (dirfd, file, O_WRONLY | O_CLOEXEC
                                                 | O_NOFOLLOW | O_NOCTTY);
  if (fd < 0)
    return gr_error_set (err, errno, "open %s", file);
  /* one write: cgroup files take one value per write(2) */
  ssize_t n;
  do
    n = write (fd, value, strlen (value));
  while (n < 0 && errno == EINTR);
  if (n < 0)
    return gr_error_set (err, errno, "write \"%s\" to %s", value, file);
  return 0;
}

int
gr_cg_read_file (int dirfd, const char *file, char **out, gr_error **err)
{
  return gr_read_file_at (dirfd, file, CG_FILE_MAX, out, NULL, err);
}

static bool
file_exists (int dirfd, const char *file)
{
  return faccessat (dirfd, file, F_OK, AT_SYMLINK_NOFOLLOW) == 0;
}

/* multi-line values (unified) are written one line per write */
static int
write_lines (int dirfd, const char *file, const char *value, gr_error **err)
{
  if (strchr (value, '\n') == NULL)
    return gr_cg_write_file (dirfd, file, value, err);
  cleanup_free char *copy = gr_xstrdup (value);
  char *save = NULL;
  for (char *l = strtok_r (copy, "\n", &save); l; l = strtok_r (NULL, "\n", &save))
    if (gr_cg_write_file (dirfd, file, l, err) < 0)
      return -1;
  return 0;
}

int
gr_cg_plan_apply (int dirfd, const gr_cg_plan *plan, gr_error **err)
{
  for (size_t i = 0; i < plan->n; i++)
    {
      const gr_cg_write *w = &plan->v[i];
      const char *file = w->file, *value = w->value;
      if (w->alt_file && !file_exists (dirfd, file))
        file = w->alt_file, value = w->alt_value;
      if (w->optional && !file_exists (dirfd, file))
        continue;
      if (write_lines (dirfd, file, value, err) < 0)
        {
          if (gr_error_errno (*err) == ENOENT)
            return gr_error_wrap (err, "%s: no interface file %s in this "
                                  "cgroup", w->field, file);
          return gr_error_wrap (err, "%s", w->field);
        }
    }
  return 0;
}

int
gr_cg_open_dir (const gr_cgroup *cg, gr_error **err)
{
  int fd = cg->dirfd >= 0
               ? openat (cg->dirfd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC)
               : open (cg->path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0)
    return gr_error_set (err, errno, "open cgroup %s", cg->path);
  return fd;
}

static int
read_at_path (const char *dir, const char *file, char **out)
{
  cleanup_free char *p = gr_fmt ("%s/%s", dir, file);
  return gr_read_file (p, CG_FILE_MAX, out, NULL, NULL);
}

/* ------------------------------------------------------------- create -- */

static void
made_push (gr_cgroup *cg, const char *dir)
{
  cg->made = gr_xrealloc (cg->made, (cg->n_made + 1) * sizeof *cg->made);
  cg->made[cg->n_made++] = gr_xstrdup (dir);
}

/* remove what create made, deepest first */
static void
undo_made (gr_cgroup *cg)
{
  while (cg->n_made > 0)
    {
      char *d = cg->made[--cg->n_made];
      if (rmdir (d) < 0 && errno != ENOENT)
        gr_debug ("cgroup cleanup: rmdir %s: %s", d, strerror (errno));
      free (d);
    }
}

/* enable in dir's cgroup.subtree_control every controller dir has; errors
   (EBUSY from a cgroup with processes, EPERM without delegation) only
   mean the later check will find the controller missing */
static void
enable_controllers (const char *dir)
{
  cleanup_free char *have = NULL, *on = NULL;
  if (read_at_path (dir, "cgroup.controllers", &have) < 0
      || read_at_path (dir, "cgroup.subtree_control", &on) < 0)
    return;
  cleanup_free char *copy = gr_xstrdup (have);
  char *save = NULL;
  cleanup_free char *file = gr_fmt ("%s/cgroup.subtree_control", dir);
  for (char *c = strtok_r (copy, " \n", &save); c; c = strtok_r (NULL, " \n", &save))
    {
      if (gr_cg_has_word (on, c))
        continue;
      cleanup_free char *cmd = gr_fmt ("+%s", c);
      cleanup_error gr_error *e = NULL;
      if (gr_write_file (file, cmd, strlen (cmd), &e) < 0)
        gr_debug ("enable %s in %s: %s", c, dir, strerror (gr_error_errno (e)));
    }
}

static bool
dir_exists (const char *p)
{
  struct stat st;
  return stat (p, &st) == 0 && S_ISDIR (st.st_mode);
}

/* the controllers the cgroup at `path` will get.  Pure v2: what its
   nearest existing ancestor has (we enable them on the way down).  Hybrid:
   only what that ancestor already hands down — the host's cgroups are not
   ours to change — or, for an existing cgroup, what it has. */
static char *
predict_available (const char *mount, const char *path, bool hybrid)
{
  char *v = NULL;
  if (hybrid && dir_exists (path)
      && read_at_path (path, "cgroup.controllers", &v) == 0)
    return v;
  cleanup_free char *dir = gr_xstrdup (path);
  do
    {
      char *slash = strrchr (dir, '/');
      if (slash == NULL)
        break;
      *slash = '\0';
    }
  while (strlen (dir) > strlen (mount) && !dir_exists (dir));
  const char *f = hybrid ? "cgroup.subtree_control" : "cgroup.controllers";
  if (read_at_path (*dir ? dir : "/", f, &v) == 0)
    return v;
  return gr_xstrdup ("");
}

/* mkdir every missing component below the mount, recording what we made,
   and enable controllers on the way down */
static int
make_path (const char *mount, const char *rel, bool hybrid, gr_cgroup *cg,
           gr_error **err)
{
  cleanup_free char *cur = gr_xstrdup (mount);
  cleanup_free char *copy = gr_xstrdup (rel);
  char *save = NULL;
  for (char *c = strtok_r (copy, "/", &save); c; c = strtok_r (NULL, "/", &save))
    {
      /* the parent hands controllers down: on a hybrid host only a
         parent we created is ours to change */
      if (!hybrid || cg->n_made > 0)
        enable_controllers (cur);
      char *next = gr_fmt ("%s/%s", cur, c);
      free (cur);
      cur = next;
      if (mkdir (cur, 0755) == 0)
        made_push (cg, cur);
      else if (errno != EEXIST)
        return gr_error_set (err, errno, "create cgroup %s", cur);
    }
  return 0;
}

static int
check_empty_existing (const gr_cgroup *cg, gr_error **err)
{
  if (cg->n_made > 0)
    return 0;
  cleanup_free char *procs = NULL;
  if (gr_cg_read_file (cg->dirfd, "cgroup.procs", &procs, err) < 0)
    return -1;
  if (procs[strspn (procs, " \n")] != '\0')
    return gr_error_set (err, EBUSY, "cgroup %s already has processes: "
                         "choose another linux.cgroupsPath", cg->path);
  return 0;
}

static int
apply_devices (const gr_cgroup *cg, const gr_resources *r, gr_error **err)
{
  /* loading a cgroup BPF program needs CAP_BPF/CAP_SYS_ADMIN in the
     initial user namespace: a rootless runtime cannot, and runc skips the
     device cgroup then too */
  if (geteuid () != 0)
    {
      gr_debug ("rootless: no device filter (the host's device permissions "
                "apply)");
      return 0;
    }
  cleanup_close int fd = gr_cg_open_dir (cg, err);
  if (fd < 0)
    return -1;
  const gr_device_rule *rules = r ? r->devices : NULL;
  size_t n = r ? r->n_devices : 0;
  if (gr_bpf_devices_apply (fd, rules, n, err) < 0)
    return gr_error_wrap (err, "linux.resources.devices");
  return 0;
}

/* the controllers the cgroup really got, and the check against them */
static int
enforce_actual (const gr_cgroup *cg, gr_cg_plan *plan, const char *id,
                const gr_policy *policy, gr_error **err)
{
  cleanup_free char *avail = NULL;
  if (gr_cg_read_file (cg->dirfd, "cgroup.controllers", &avail, err) < 0)
    return -1;
  gr_cg_enforce_ctx ctx = { .available = avail, .hybrid = cg_hybrid (),
                            .where = cg->path, .id = id, .policy = policy };
  return gr_cg_plan_enforceable (plan, &ctx, err);
}

static int
open_cgroup_fd (gr_cgroup *cg, gr_error **err)
{
  cg->dirfd = open (cg->path, O_PATH | O_DIRECTORY | O_CLOEXEC);
  if (cg->dirfd < 0)
    return gr_error_set (err, errno, "open cgroup %s", cg->path);
  return 0;
}

/* resources + device filter on an existing, opened cgroup */
static int
apply_all (const gr_cgroup *cg, const gr_resources *r, const char *id,
           const gr_policy *policy, gr_error **err)
{
  cleanup_plan gr_cg_plan plan = { 0 };
  if (gr_cg_plan_build (r, &plan, err) < 0
      || enforce_actual (cg, &plan, id, policy, err) < 0
      || gr_cg_plan_apply (cg->dirfd, &plan, err) < 0)
    return -1;
  return apply_devices (cg, r, err);
}

static int
own_cgroup (char **out, gr_error **err)
{
  cleanup_free char *text = NULL;
  if (gr_read_file ("/proc/self/cgroup", 1u << 16, &text, NULL, err) < 0)
    return -1;
  return gr_cg_parse_proc_cgroup (text, out, err);
}

/* refuse before anything exists, on what the cgroup is going to get */
static int
precheck (const char *mount, const char *path, const gr_resources *r,
          const char *id, const gr_policy *policy, gr_error **err)
{
  cleanup_plan gr_cg_plan plan = { 0 };
  if (gr_cg_plan_build (r, &plan, err) < 0)
    return -1;
  cleanup_free char *avail = predict_available (mount, path, cg_hybrid ());
  /* warnings are given once, by the check on the real cgroup */
  gr_cg_enforce_ctx ctx = { .available = avail, .hybrid = cg_hybrid (),
                            .where = path, .id = id, .policy = NULL };
  bool warn = policy && gr_policy_cgroups_unenforceable (policy)
                            == GR_UNENFORCEABLE_WARN;
  if (warn)
    return 0;
  return gr_cg_plan_enforceable (&plan, &ctx, err);
}

static int
create_fs (const gr_spec *s, const char *id, const gr_policy *policy,
           const char *mount, gr_cgroup *out, gr_error **err)
{
  const gr_resources *r = s->lnx ? s->lnx->resources : NULL;
  cleanup_free char *own = NULL, *rel = NULL;
  if (own_cgroup (&own, err) < 0
      || gr_cg_resolve (own, s->lnx ? s->lnx->cgroups_path : NULL, id, &rel,
                        err) < 0)
    return -1;
  out->path = gr_fmt ("%s%s", mount, rel);
  if (precheck (mount, out->path, r, id, policy, err) < 0
      || make_path (mount, rel, cg_hybrid (), out, err) < 0
      || open_cgroup_fd (out, err) < 0 || check_empty_existing (out, err) < 0
      || apply_all (out, r, id, policy, err) < 0)
    return -1;
  return 0;
}

int
gr_cgroup_create (const gr_spec *s, const char *id, bool systemd,
                  const gr_policy *policy, gr_cgroup *out, gr_error **err)
{
  *out = (gr_cgroup) GR_CGROUP_INIT;
  out->id = gr_xstrdup (id);
  out->policy = policy;
  const char *mount = gr_cgroup2_mount ();
  int ret;
  if (mount == NULL)
    ret = gr_error_set (err, 0, "no cgroup2 file system is mounted: "
                        "guardrun needs the unified hierarchy (cgroup v2)");
  else if (systemd)
    {
      cleanup_free char *path = NULL, *root = NULL;
      const gr_resources *r = s->lnx ? s->lnx->resources : NULL;
      ret = gr_cg_systemd_parse (s->lnx ? s->lnx->cgroups_path : NULL, id,
                                 geteuid () != 0, &out->slice, &out->unit,
                                 &path, err);
      if (ret == 0)
        ret = gr_cg_systemd_manager_root (&root, err);
      if (ret == 0)
        {
          out->path = gr_fmt ("%s%s%s", mount, root, path);
          out->pending = r;
          ret = precheck (mount, out->path, r, id, policy, err);
        }
    }
  else
    ret = create_fs (s, id, policy, mount, out, err);
  if (ret < 0)
    {
      undo_made (out);
      gr_cgroup_close (out);
      return gr_error_wrap (err, "cgroup");
    }
  /* from here on the cgroup belongs to the container: delete removes it */
  for (size_t i = 0; i < out->n_made; i++)
    free (out->made[i]);
  out->n_made = 0;
  return 0;
}

/* -------------------------------------------------------- existing ones -- */

int
gr_cgroup_open (const char *path, bool systemd, gr_cgroup *out,
                gr_error **err)
{
  *out = (gr_cgroup) GR_CGROUP_INIT;
  const char *mount = gr_cgroup2_mount ();
  size_t ml = mount ? strlen (mount) : 0;
  /* the recorded path must stay inside the cgroup2 mount */
  if (path == NULL || mount == NULL || strncmp (path, mount, ml) != 0
      || path[ml] != '/' || strstr (path, "/../") || strstr (path, "/./")
      || (strlen (path) >= 3 && strcmp (path + strlen (path) - 3, "/..") == 0))
    return gr_error_set (err, 0, "container cgroup `%s` is not inside the "
                         "cgroup2 mount", path ? path : "");
  out->path = gr_xstrdup (path);
  if (systemd)
    out->unit = gr_xstrdup (strrchr (path, '/') + 1);
  if (open_cgroup_fd (out, err) < 0)
    {
      gr_cgroup_close (out);
      return -1;
    }
  return 0;
}

int
gr_cgroup_enter (gr_cgroup *cg, pid_t pid, gr_error **err)
{
  if (cg->unit && cg->dirfd < 0)
    {
      /* systemd: the scope is created around the pid, then configured */
      gr_cgroup *m = cg;
      if (gr_cg_systemd_start (m, pid, err) < 0
          || open_cgroup_fd (m, err) < 0)
        return gr_error_wrap (err, "cgroup");
      if (gr_cg_systemd_set (m, m->pending, err) < 0
          || apply_all (m, m->pending, m->id, m->policy, err) < 0)
        {
          cleanup_error gr_error *e = NULL;
          gr_cg_systemd_stop (m, &e);
          return gr_error_wrap (err, "cgroup");
        }
      m->pending = NULL;
      return 0;
    }
  cleanup_free char *v = gr_fmt ("%d", (int) pid);
  if (gr_cg_write_file (cg->dirfd, "cgroup.procs", v, err) < 0)
    return gr_error_wrap (err, "move pid %d into cgroup %s", (int) pid,
                          cg->path);
  return 0;
}

static int
check_before_update (const gr_cgroup *cg, const gr_resources *r,
                     gr_error **err)
{
  const gr_memory *m = r->memory;
  if (m == NULL || !m->has_check_before_update || !m->check_before_update
      || !m->has_limit || m->limit <= 0)
    return 0;
  cleanup_free char *cur = NULL;
  uint64_t usage;
  if (gr_cg_read_file (cg->dirfd, "memory.current", &cur, NULL) < 0
      || gr_cg_parse_value (cur, &usage) < 0)
    return 0;
  if ((uint64_t) m->limit < usage)
    return gr_error_set (err, 0,
                         "linux.resources.memory.limit: %" PRId64 " is below "
                         "the current usage %" PRIu64 " (checkBeforeUpdate)",
                         m->limit, usage);
  return 0;
}

int
gr_cgroup_update (const gr_cgroup *cg, const gr_resources *r,
                  const gr_policy *policy, gr_error **err)
{
  cleanup_plan gr_cg_plan plan = { 0 };
  if (gr_cg_plan_build (r, &plan, err) < 0
      || check_before_update (cg, r, err) < 0
      || enforce_actual (cg, &plan, cg->id, policy, err) < 0)
    return gr_error_wrap (err, "update");
  if (cg->unit && gr_cg_systemd_set (cg, r, err) < 0)
    return gr_error_wrap (err, "update");
  if (gr_cg_plan_apply (cg->dirfd, &plan, err) < 0)
    return gr_error_wrap (err, "update");
  if (r->has_devices && apply_devices (cg, r, err) < 0)
    return gr_error_wrap (err, "update");
  return 0;
}

/* ------------------------------------------------------ freeze and kill -- */

static int
events_value (int fd, const char *key, uint64_t *v)
{
  char buf[512];
  ssize_t n = pread (fd, buf, sizeof buf - 1, 0);
  if (n < 0)
    return -1;
  buf[n] = '\0';
  return gr_cg_keyed_get (buf, key, v);
}

/* wait until cgroup.events says key == want; the kernel signals every
   change of the file with POLLPRI */
static int
wait_events (const gr_cgroup *cg, const char *key, uint64_t want,
             int timeout_ms, gr_error **err)
{
  cleanup_close int fd = openat (cg->dirfd, "cgroup.events",
                                 O_RDONLY | O_CLOEXEC);
  if (fd < 0)
    return gr_error_set (err, errno, "open %s/cgroup.events", cg->path);
  uint64_t deadline = gr_now_ns () + (uint64_t) timeout_ms * 1000000;
  for (;;)
    {
      uint64_t v;
      if (events_value (fd, key, &v) == 0 && v == want)
        return 0;
      uint64_t now = gr_now_ns ();
      if (now >= deadline)
        return gr_error_set (err, ETIMEDOUT, "cgroup %s: %s did not become "
                             "%" PRIu64 " within %d ms", cg->path, key, want,
                             timeout_ms);
      struct pollfd p = { .fd = fd, .events = POLLPRI };
      /* poll at least every 100 ms: belt and braces for missed events */
      int ms = (int) ((deadline - now) / 1000000);
      if (poll (&p, 1, ms > 100 ? 100 : ms + 1) < 0 && errno != EINTR)
        return gr_error_set (err, errno, "poll cgroup.events");
    }
}

int
gr_cgroup_freeze (const gr_cgroup *cg, bool freeze, gr_error **err)
{
  if (gr_cg_write_file (cg->dirfd, "cgroup.freeze", freeze ? "1" : "0", err)
      < 0)
    return gr_error_wrap (err, "%s %s", freeze ? "freeze" : "thaw", cg->path);
  if (wait_events (cg, "frozen", freeze ? 1 : 0, FREEZE_TIMEOUT_MS, err) < 0)
    {
      /* never leave a half-frozen container behind */
      if (freeze)
        gr_cg_write_file (cg->dirfd, "cgroup.freeze", "0", NULL);
      return gr_error_wrap (err, "%s", freeze ? "freeze" : "thaw");
    }
  return 0;
}

static void
pids_push (pid_t **pids, size_t *n, pid_t p)
{
  *pids = gr_xrealloc (*pids, (*n + 1) * sizeof **pids);
  (*pids)[(*n)++] = p;
}

/* a cgroup removed while we walk is not an error */
static int
read_unless_gone (int dfd, const char *file, char **out, gr_error **err)
{
  cleanup_error gr_error *e = NULL;
  if (gr_cg_read_file (dfd, file, out, &e) == 0)
    return 0;
  int en = gr_error_errno (e);
  if (en == ENOENT || en == ENODEV)
    return 1;
  if (err)
    *err = gr_steal (e);
  return -1;
}

static int
collect_pids (int dfd, int depth, pid_t **pids, size_t *n, gr_error **err)
{
  cleanup_free char *text = NULL;
  int r = read_unless_gone (dfd, "cgroup.procs", &text, err);
  if (r != 0)
    return r < 0 ? -1 : 0;
  for (char *p = text; *p;)
    {
      char *end;
      long v = strtol (p, &end, 10);
      if (end == p)
        break;
      pids_push (pids, n, (pid_t) v);
      p = end + strspn (end, "\n");
    }
  if (depth > 64)
    return 0;
  int fd = openat (dfd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  cleanup_dir DIR *d = fd >= 0 ? fdopendir (fd) : NULL;
  if (d == NULL)
    {
      if (fd >= 0)
        close (fd);
      return 0;
    }
  for (struct dirent *de; (de = readdir (d));)
    {
      if (de->d_type != DT_DIR || de->d_name[0] == '.')
        continue;
      cleanup_close int sub = openat (dirfd (d), de->d_name,
                                      O_PATH | O_DIRECTORY | O_CLOEXEC);
      /* a child cgroup removed meanwhile is fine */
      if (sub >= 0 && collect_pids (sub, depth + 1, pids, n, err) < 0)
        return -1;
    }
  return 0;
}

int
gr_cgroup_pids (const gr_cgroup *cg, pid_t **pids, size_t *n, gr_error **err)
{
  *pids = NULL;
  *n = 0;
  if (collect_pids (cg->dirfd, 0, pids, n, err) < 0)
    {
      free (*pids);
      *pids = NULL;
      return gr_error_wrap (err, "list processes of %s", cg->path);
    }
  return 0;
}

static bool
is_frozen (const gr_cgroup *cg)
{
  cleanup_free char *v = NULL;
  return gr_cg_read_file (cg->dirfd, "cgroup.freeze", &v, NULL) == 0
         && v[0] == '1';
}

static int
signal_each (const gr_cgroup *cg, int sig, gr_error **err)
{
  cleanup_free pid_t *pids = NULL;
  size_t n;
  if (gr_cgroup_pids (cg, &pids, &n, err) < 0)
    return -1;
  for (size_t i = 0; i < n; i++)
    if (kill (pids[i], sig) < 0 && errno != ESRCH)
      return gr_error_set (err, errno, "kill %d", (int) pids[i]);
  return 0;
}

int
gr_cgroup_kill_all (const gr_cgroup *cg, int sig, gr_error **err)
{
  /* cgroup.kill (5.14+) kills the whole tree atomically, forks included */
  if (sig == SIGKILL && file_exists (cg->dirfd, "cgroup.kill"))
    return gr_cg_write_file (cg->dirfd, "cgroup.kill", "1", err) < 0
               ? gr_error_wrap (err, "kill %s", cg->path)
               : 0;
  /* otherwise freeze so nothing forks between listing and signalling */
  bool was_frozen = is_frozen (cg);
  cleanup_error gr_error *fe = NULL;
  bool froze = !was_frozen && gr_cgroup_freeze (cg, true, &fe) == 0;
  int ret = signal_each (cg, sig, err);
  if (froze)
    gr_cg_write_file (cg->dirfd, "cgroup.freeze", "0", NULL);
  return ret;
}

bool
gr_cgroup_empty (const gr_cgroup *cg)
{
  cleanup_free char *ev = NULL;
  uint64_t v;
  if (cg->dirfd < 0
      || gr_cg_read_file (cg->dirfd, "cgroup.events", &ev, NULL) < 0)
    return true;
  return gr_cg_keyed_get (ev, "populated", &v) == 0 && v == 0;
}

int
gr_cgroup_oom_kills (const gr_cgroup *cg, uint64_t *n, gr_error **err)
{
  cleanup_free char *ev = NULL;
  *n = 0;
  if (gr_cg_read_file (cg->dirfd, "memory.events", &ev, NULL) < 0)
    return 0;
  gr_cg_keyed_get (ev, "oom_kill", n);
  return 0;
}

/* ------------------------------------------------------------- destroy -- */

/* remove child cgroups (a container with cgroupns may make its own),
   deepest first; the kernel refuses a cgroup with live processes */
static void
rmdir_children (int dfd, int depth)
{
  int fd = openat (dfd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  cleanup_dir DIR *d = fd >= 0 ? fdopendir (fd) : NULL;
  if (d == NULL)
    {
      if (fd >= 0)
        close (fd);
      return;
    }
  for (struct dirent *de; (de = readdir (d));)
    {
      if (de->d_type != DT_DIR || de->d_name[0] == '.')
        continue;
      cleanup_close int sub = openat (dirfd (d), de->d_name,
                                      O_PATH | O_DIRECTORY | O_CLOEXEC);
      if (sub >= 0 && depth < 64)
        rmdir_children (sub, depth + 1);
      unlinkat (dirfd (d), de->d_name, AT_REMOVEDIR);
    }
}

static int
rmdir_retry (const char *path, gr_error **err)
{
  /* right after the last process exits the kernel may still hold the
     cgroup briefly: EBUSY for a few ms */
  for (int i = 0; i < 100; i++)
    {
      if (rmdir (path) == 0 || errno == ENOENT)
        return 0;
      if (errno != EBUSY)
        break;
      struct timespec ts = { 0, 20 * 1000000 };
      nanosleep (&ts, NULL);
    }
  return gr_error_set (err, errno, "remove cgroup %s", path);
}

int
gr_cgroup_destroy (gr_cgroup *cg, gr_error **err)
{
  if (cg->unit)
    {
      cleanup_error gr_error *e = NULL;
      if (gr_cg_systemd_stop (cg, &e) < 0)
        {
          cleanup_free char *s = gr_error_string (e);
          gr_debug ("systemd: %s", s);
        }
    }
  if (cg->dirfd < 0)
    {
      cleanup_error gr_error *e = NULL;
      if (open_cgroup_fd (cg, &e) < 0)
        {
          if (gr_error_errno (e) == ENOENT)
            return 0;
          if (err)
            *err = gr_steal (e);
          return -1;
        }
    }
  if (!gr_cgroup_empty (cg))
    {
      cleanup_error gr_error *e = NULL;
      if (gr_cgroup_kill_all (cg, SIGKILL, &e) == 0)
        wait_events (cg, "populated", 0, EMPTY_TIMEOUT_MS, NULL);
    }
  rmdir_children (cg->dirfd, 0);
  if (rmdir_retry (cg->path, err) < 0)
    return gr_error_wrap (err, "delete cgroup");
  return 0;
}

void
gr_cgroup_close (gr_cgroup *cg)
{
  if (cg->dirfd >= 0)
    close (cg->dirfd);
  cg->dirfd = -1;
  free (cg->path);
  free (cg->unit);
  free (cg->slice);
  free (cg->id);
  for (size_t i = 0; i < cg->n_made; i++)
    free (cg->made[i]);
  free (cg->made);
  cg->path = cg->unit = cg->slice = cg->id = NULL;
  cg->made = NULL;
  cg->n_made = 0;
}
