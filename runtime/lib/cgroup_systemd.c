/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The systemd driver (--systemd-cgroup), as containerd's SystemdCgroup=true
 * uses it: cgroupsPath is "slice:prefix:name", the container runs in a
 * transient scope "prefix-name.scope" with Delegate=yes below the slice,
 * created over D-Bus with sd-bus.  Resource limits are set both as unit
 * properties (so a daemon-reload does not reset them) and in the cgroup
 * files (for what systemd has no property for).
 */
#include <errno.h>
#include <inttypes.h>
#include <string.h>
#include <unistd.h>
#include <systemd/sd-bus.h>
#include <systemd/sd-daemon.h>
#include <guardrun/log.h>
#include <guardrun/util.h>
#include "cgroup_internal.h"

#define JOB_TIMEOUT_US (30ull * 1000000)
#define SD_DEST "org.freedesktop.systemd1"
#define SD_PATH "/org/freedesktop/systemd1"
#define SD_MGR "org.freedesktop.systemd1.Manager"

/* ---------------------------------------------------------- names (pure) -- */

int
gr_cg_systemd_expand_slice (const char *slice, char **out, gr_error **err)
{
  size_t len = strlen (slice);
  if (len <= 6 || strcmp (slice + len - 6, ".slice") != 0
      || strchr (slice, '/'))
    return gr_error_set (err, 0, "invalid slice name `%s`", slice);
  cleanup_free char *name = gr_xstrndup (slice, len - 6);
  if (strcmp (name, "-") == 0)
    {
      *out = gr_xstrdup ("");
      return 0;
    }
  /* a-b-c.slice lives at /a.slice/a-b.slice/a-b-c.slice */
  cleanup_free char *path = gr_xstrdup (""), *prefix = gr_xstrdup ("");
  for (char *p = name;;)
    {
      size_t clen = strcspn (p, "-");
      if (clen == 0)
        return gr_error_set (err, 0, "invalid slice name `%s`", slice);
      cleanup_free char *comp = gr_xstrndup (p, clen);
      char *np = gr_fmt ("%s/%s%s.slice", path, prefix, comp);
      char *nx = gr_fmt ("%s%s-", prefix, comp);
      free (path);
      free (prefix);
      path = np;
      prefix = nx;
      if (p[clen] == '\0')
        break;
      p += clen + 1;
    }
  *out = gr_steal (path);
  return 0;
}

static bool
valid_unit_part (const char *s)
{
  return *s && strspn (s, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
                          "0123456789:-_.\\@") == strlen (s);
}

int
gr_cg_systemd_parse (const char *cgroups_path, const char *id, bool rootless,
                     char **slice, char **unit, char **path, gr_error **err)
{
  cleanup_free char *s = NULL, *prefix = NULL, *name = NULL;
  if (cgroups_path == NULL || *cgroups_path == '\0')
    {
      s = gr_xstrdup (rootless ? "user.slice" : "system.slice");
      prefix = gr_xstrdup ("guardrun");
      name = gr_xstrdup (id);
    }
  else
    {
      const char *a = strchr (cgroups_path, ':');
      const char *b = a ? strchr (a + 1, ':') : NULL;
      if (b == NULL || strchr (b + 1, ':'))
        return gr_error_set (err, 0, "linux.cgroupsPath `%s`: expected "
                             "\"slice:prefix:name\" with --systemd-cgroup",
                             cgroups_path);
      s = gr_xstrndup (cgroups_path, (size_t) (a - cgroups_path));
      prefix = gr_xstrndup (a + 1, (size_t) (b - a - 1));
      name = gr_xstrdup (b + 1);
      if (*s == '\0')
        {
          free (s);
          s = gr_xstrdup (rootless ? "user.slice" : "system.slice");
        }
    }
  if (!valid_unit_part (name) || (*prefix && !valid_unit_part (prefix)))
    return gr_error_set (err, 0, "linux.cgroupsPath `%s`: invalid unit name "
                         "part", cgroups_path ? cgroups_path : "");
  cleanup_free char *expanded = NULL;
  if (gr_cg_systemd_expand_slice (s, &expanded, err) < 0)
    return gr_error_wrap (err, "linux.cgroupsPath");
  size_t nlen = strlen (name);
  /* a name ending in .slice asks for a slice, anything else a scope */
  if (nlen > 6 && strcmp (name + nlen - 6, ".slice") == 0)
    *unit = gr_xstrdup (name);
  else if (*prefix)
    *unit = gr_fmt ("%s-%s.scope", prefix, name);
  else
    *unit = gr_fmt ("%s.scope", name);
  *path = gr_fmt ("%s/%s", expanded, *unit);
  *slice = gr_steal (s);
  return 0;
}

/* ------------------------------------------------------------------ bus -- */

static void
bus_unrefp (sd_bus **b)
{
  if (*b)
    sd_bus_flush_close_unref (*b);
}
static void
msg_unrefp (sd_bus_message **m)
{
  sd_bus_message_unref (*m);
}
#define cleanup_bus __attribute__ ((cleanup (bus_unrefp)))
#define cleanup_msg __attribute__ ((cleanup (msg_unrefp)))
#define cleanup_bus_error __attribute__ ((cleanup (sd_bus_error_free)))

static int
bus_fail (gr_error **err, int r, const sd_bus_error *e, const char *what)
{
  if (e && sd_bus_error_is_set (e))
    return gr_error_set (err, -r, "systemd: %s: %s", what, e->message);
  return gr_error_set (err, -r, "systemd: %s", what);
}

static int
no_systemd (gr_error **err)
{
  return gr_error_set (err, 0, "--systemd-cgroup needs a running systemd, "
                       "and this system was not booted with it (no "
                       "/run/systemd/system): drop --systemd-cgroup (and set "
                       "SystemdCgroup=false in containerd) to use cgroupfs");
}

/* root talks to PID 1 on its private socket, which works without a bus
   daemon; rootless goes through the user bus */
static int
bus_open (sd_bus **out, gr_error **err)
{
  const char *addr = getenv ("GUARDRUN_SYSTEMD_BUS");
  int r;
  if (addr == NULL && sd_booted () <= 0)
    return no_systemd (err);
  if (addr == NULL && geteuid () != 0)
    {
      r = sd_bus_open_user (out);
      return r < 0 ? bus_fail (err, r, NULL, "connect to the user bus") : 0;
    }
  sd_bus *b = NULL;
  if ((r = sd_bus_new (&b)) < 0
      || (r = sd_bus_set_address (b, addr ? addr
                                  : "unix:path=/run/systemd/private")) < 0
      || (r = sd_bus_start (b)) < 0)
    {
      sd_bus_unref (b);
      if (addr)
        return bus_fail (err, r, NULL, "connect to GUARDRUN_SYSTEMD_BUS");
      r = sd_bus_open_system (out);
      return r < 0 ? bus_fail (err, r, NULL, "connect to the system bus") : 0;
    }
  *out = b;
  return 0;
}

int
gr_cg_systemd_manager_root (char **out, gr_error **err)
{
  cleanup_bus sd_bus *bus = NULL;
  if (bus_open (&bus, err) < 0)
    return -1;
  cleanup_bus_error sd_bus_error e = SD_BUS_ERROR_NULL;
  char *cg = NULL;
  int r = sd_bus_get_property_string (bus, SD_DEST, SD_PATH, SD_MGR,
                                      "ControlGroup", &e, &cg);
  if (r < 0)
    return bus_fail (err, r, &e, "read the manager's ControlGroup");
  /* PID 1 reports "" or "/": the slices hang from the root */
  if (strcmp (cg, "/") == 0)
    *cg = '\0';
  *out = cg;
  return 0;
}

/* ------------------------------------------------------------ properties -- */

static int
prop_u64 (sd_bus_message *m, const char *name, uint64_t v)
{
  return sd_bus_message_append (m, "(sv)", name, "t", v);
}

/* "0-2,5" -> the little-endian bitmask systemd's AllowedCPUs takes */
static int
cpuset_mask (const char *list, uint8_t **mask, size_t *len)
{
  *mask = NULL;
  *len = 0;
  for (const char *p = list; *p;)
    {
      char *end;
      unsigned long a = strtoul (p, &end, 10), b = a;
      if (end == p)
        return -1;
      if (*end == '-')
        {
          p = end + 1;
          b = strtoul (p, &end, 10);
          if (end == p || b < a)
            return -1;
        }
      if (b >= 8192)
        return -1;
      if (b / 8 + 1 > *len)
        {
          *mask = gr_xrealloc (*mask, b / 8 + 1);
          memset (*mask + *len, 0, b / 8 + 1 - *len);
          *len = b / 8 + 1;
        }
      for (unsigned long i = a; i <= b; i++)
        (*mask)[i / 8] |= (uint8_t) (1u << (i % 8));
      p = end + (*end == ',');
      if (*end && *end != ',')
        return -1;
    }
  return 0;
}

static int
prop_mask (sd_bus_message *m, const char *name, const char *list)
{
  cleanup_free uint8_t *mask = NULL;
  size_t len;
  if (cpuset_mask (list, &mask, &len) < 0)
    return -EINVAL;
  int r;
  if ((r = sd_bus_message_open_container (m, 'r', "sv")) < 0
      || (r = sd_bus_message_append (m, "s", name)) < 0
      || (r = sd_bus_message_open_container (m, 'v', "ay")) < 0
      || (r = sd_bus_message_append_array (m, 'y', mask, len)) < 0
      || (r = sd_bus_message_close_container (m)) < 0)
    return r;
  return sd_bus_message_close_container (m);
}

static uint64_t
inf_if_neg (int64_t v)
{
  return v < 0 ? UINT64_MAX : (uint64_t) v;
}

static int
props_memory (sd_bus_message *m, const gr_memory *mem)
{
  int r = 0;
  int64_t limit = mem->has_limit ? mem->limit : 0;
  if (limit != 0 && (r = prop_u64 (m, "MemoryMax", inf_if_neg (limit))) < 0)
    return r;
  if (mem->has_reservation && mem->reservation != 0
      && (r = prop_u64 (m, "MemoryLow", inf_if_neg (mem->reservation))) < 0)
    return r;
  int64_t swap;
  if (mem->has_swap && gr_cg_swap_to_v2 (mem->swap, limit, &swap, NULL) == 0
      && (swap != 0 || mem->swap > 0))
    r = prop_u64 (m, "MemorySwapMax", inf_if_neg (swap));
  return r;
}

/* runc: the quota per second, rounded up to systemd's 10 ms granularity */
static uint64_t
quota_per_sec (int64_t quota, uint64_t period)
{
  if (quota <= 0)
    return UINT64_MAX;
  if (period == 0)
    period = 100000;
  uint64_t q = (uint64_t) quota * 1000000 / period;
  if (q % 10000)
    q = (q / 10000 + 1) * 10000;
  return q;
}

static int
props_cpu (sd_bus_message *m, const gr_cpu *c)
{
  int r = 0;
  if (c->has_shares && c->shares
      && (r = prop_u64 (m, "CPUWeight", gr_cg_shares_to_weight (c->shares))) < 0)
    return r;
  if (c->has_quota && c->quota != 0
      && (r = prop_u64 (m, "CPUQuotaPerSecUSec",
                        quota_per_sec (c->quota, c->has_period ? c->period : 0))) < 0)
    return r;
  if (c->has_period && c->period
      && (r = prop_u64 (m, "CPUQuotaPeriodUSec", c->period)) < 0)
    return r;
  if (c->cpus && *c->cpus && (r = prop_mask (m, "AllowedCPUs", c->cpus)) < 0)
    return r;
  if (c->mems && *c->mems)
    r = prop_mask (m, "AllowedMemoryNodes", c->mems);
  return r;
}

static int
append_resource_props (sd_bus_message *m, const gr_resources *res)
{
  int r = 0;
  if (res == NULL)
    return 0;
  if (res->memory && (r = props_memory (m, res->memory)) < 0)
    return r;
  if (res->cpu && (r = props_cpu (m, res->cpu)) < 0)
    return r;
  if (res->has_pids
      && (r = prop_u64 (m, "TasksMax", res->pids_limit > 0
                                           ? (uint64_t) res->pids_limit
                                           : UINT64_MAX)) < 0)
    return r;
  if (res->blkio && res->blkio->has_weight && res->blkio->weight)
    r = prop_u64 (m, "IOWeight",
                  gr_cg_blkio_to_io_weight (res->blkio->weight));
  return r;
}

/* ------------------------------------------------------------------ jobs -- */

typedef struct {
  const char *job;           /* the job we wait for, NULL until known */
  char *seen[32];            /* finished jobs seen before that: "path result" */
  size_t n_seen;
  char *result;
} job_wait;

static int
on_job_removed (sd_bus_message *m, void *data, sd_bus_error *e)
{
  job_wait *w = data;
  uint32_t id;
  const char *path, *unit, *result;
  if (sd_bus_message_read (m, "uoss", &id, &path, &unit, &result) < 0)
    return 0;
  if (w->job && strcmp (w->job, path) == 0)
    w->result = gr_xstrdup (result);
  else if (w->job == NULL && w->n_seen < GR_ARRAY_SIZE (w->seen))
    w->seen[w->n_seen++] = gr_fmt ("%s %s", path, result);
  return 0;
}

static void
job_wait_free (job_wait *w)
{
  for (size_t i = 0; i < w->n_seen; i++)
    free (w->seen[i]);
  free (w->result);
}

static int
wait_job (sd_bus *bus, job_wait *w, const char *job, const char *what,
          gr_error **err)
{
  w->job = job;
  size_t jl = strlen (job);
  for (size_t i = 0; i < w->n_seen && !w->result; i++)
    if (strncmp (w->seen[i], job, jl) == 0 && w->seen[i][jl] == ' ')
      w->result = gr_xstrdup (w->seen[i] + jl + 1);
  uint64_t deadline = gr_now_ns () / 1000 + JOB_TIMEOUT_US;
  while (w->result == NULL)
    {
      int r = sd_bus_process (bus, NULL);
      if (r < 0)
        return bus_fail (err, r, NULL, what);
      if (r > 0)
        continue;
      uint64_t now = gr_now_ns () / 1000;
      if (now >= deadline)
        return gr_error_set (err, ETIMEDOUT, "systemd: %s: no answer in 30 s",
                             what);
      if ((r = sd_bus_wait (bus, deadline - now)) < 0)
        return bus_fail (err, r, NULL, what);
    }
  if (strcmp (w->result, "done") != 0)
    return gr_error_set (err, 0, "systemd: %s: job %s", what, w->result);
  return 0;
}

/* subscribe and watch JobRemoved before the call that queues the job, so
   a fast job cannot finish unseen */
static int
watch_jobs (sd_bus *bus, job_wait *w, sd_bus_slot **slot, gr_error **err)
{
  cleanup_bus_error sd_bus_error e = SD_BUS_ERROR_NULL;
  int r = sd_bus_match_signal (bus, slot, NULL, SD_PATH, SD_MGR, "JobRemoved",
                               on_job_removed, w);
  if (r < 0)
    return bus_fail (err, r, NULL, "watch jobs");
  r = sd_bus_call_method (bus, SD_DEST, SD_PATH, SD_MGR, "Subscribe", &e,
                          NULL, "");
  if (r < 0 && !sd_bus_error_has_name (&e, "org.freedesktop.systemd1.AlreadySubscribed"))
    return bus_fail (err, r, &e, "subscribe");
  return 0;
}

/* ----------------------------------------------------------- operations -- */

static int
start_message (sd_bus *bus, const gr_cgroup *cg, const char *slice, pid_t pid,
               sd_bus_message **out)
{
  sd_bus_message *m = NULL;
  bool scope = strcmp (cg->unit + strlen (cg->unit) - 6, ".scope") == 0;
  cleanup_free char *desc = gr_fmt ("guardrun container %s",
                                    cg->id ? cg->id : cg->unit);
  uint32_t upid = (uint32_t) pid;
  int r;
  if ((r = sd_bus_message_new_method_call (bus, &m, SD_DEST, SD_PATH, SD_MGR,
                                           "StartTransientUnit")) < 0
      || (r = sd_bus_message_append (m, "ss", cg->unit, "replace")) < 0
      || (r = sd_bus_message_open_container (m, 'a', "(sv)")) < 0
      || (r = sd_bus_message_append (m, "(sv)", "Description", "s", desc)) < 0)
    goto out;
  /* a scope goes into its slice; a slice only wants its parent */
  if (!scope
      && (r = sd_bus_message_append (m, "(sv)", "Wants", "as", 1, slice)) < 0)
    goto out;
  if (scope
      && ((r = sd_bus_message_append (m, "(sv)", "Slice", "s", slice)) < 0
          || (r = sd_bus_message_append (m, "(sv)", "Delegate", "b", 1)) < 0
          || (r = sd_bus_message_append (m, "(sv)", "PIDs", "au", 1, upid)) < 0))
    goto out;
  if ((r = sd_bus_message_append (m, "(sv)", "DefaultDependencies", "b", 0)) < 0
      || (r = sd_bus_message_append (m, "(sv)", "MemoryAccounting", "b", 1)) < 0
      || (r = sd_bus_message_append (m, "(sv)", "CPUAccounting", "b", 1)) < 0
      || (r = sd_bus_message_append (m, "(sv)", "IOAccounting", "b", 1)) < 0
      || (r = sd_bus_message_append (m, "(sv)", "TasksAccounting", "b", 1)) < 0
      || (r = append_resource_props (m, cg->pending)) < 0
      || (r = sd_bus_message_close_container (m)) < 0
      || (r = sd_bus_message_append (m, "a(sa(sv))", 0)) < 0)
    goto out;
  *out = m;
  return 0;
out:
  sd_bus_message_unref (m);
  return r;
}

static int
start_once (sd_bus *bus, const gr_cgroup *cg, pid_t pid, sd_bus_error *e,
            char **job)
{
  cleanup_msg sd_bus_message *m = NULL, *reply = NULL;
  int r = start_message (bus, cg, cg->slice ? cg->slice : "system.slice", pid,
                         &m);
  if (r < 0)
    return r;
  if ((r = sd_bus_call (bus, m, 0, e, &reply)) < 0)
    return r;
  const char *j;
  if ((r = sd_bus_message_read (reply, "o", &j)) < 0)
    return r;
  *job = gr_xstrdup (j);
  return 0;
}

static void
reset_failed (sd_bus *bus, const char *unit)
{
  cleanup_bus_error sd_bus_error e = SD_BUS_ERROR_NULL;
  sd_bus_call_method (bus, SD_DEST, SD_PATH, SD_MGR, "ResetFailedUnit", &e,
                      NULL, "s", unit);
}

int
gr_cg_systemd_start (gr_cgroup *cg, pid_t pid, gr_error **err)
{
  cleanup_bus sd_bus *bus = NULL;
  if (bus_open (&bus, err) < 0)
    return -1;
  job_wait w = { 0 };
  sd_bus_slot *slot = NULL;
  cleanup_free char *job = NULL;
  cleanup_free char *what = gr_fmt ("start %s", cg->unit);
  int ret = watch_jobs (bus, &w, &slot, err);
  if (ret == 0)
    {
      cleanup_bus_error sd_bus_error e = SD_BUS_ERROR_NULL;
      int r = start_once (bus, cg, pid, &e, &job);
      /* a failed unit of the same name from an earlier container */
      if (r < 0 && sd_bus_error_has_name (&e, "org.freedesktop.systemd1.UnitExists"))
        {
          reset_failed (bus, cg->unit);
          sd_bus_error_free (&e);
          r = start_once (bus, cg, pid, &e, &job);
        }
      ret = r < 0 ? bus_fail (err, r, &e, what)
                  : wait_job (bus, &w, job, what, err);
    }
  sd_bus_slot_unref (slot);
  job_wait_free (&w);
  /* a slice holds no process itself: move the pid in by hand */
  if (ret == 0 && strstr (cg->unit, ".slice"))
    {
      cleanup_free char *procs = gr_fmt ("%s/cgroup.procs", cg->path);
      cleanup_free char *v = gr_fmt ("%d", (int) pid);
      ret = gr_write_file (procs, v, strlen (v), err);
    }
  return ret;
}

int
gr_cg_systemd_stop (gr_cgroup *cg, gr_error **err)
{
  cleanup_bus sd_bus *bus = NULL;
  if (bus_open (&bus, err) < 0)
    return -1;
  job_wait w = { 0 };
  sd_bus_slot *slot = NULL;
  cleanup_free char *what = gr_fmt ("stop %s", cg->unit);
  int ret = watch_jobs (bus, &w, &slot, err);
  if (ret == 0)
    {
      cleanup_bus_error sd_bus_error e = SD_BUS_ERROR_NULL;
      cleanup_msg sd_bus_message *reply = NULL;
      int r = sd_bus_call_method (bus, SD_DEST, SD_PATH, SD_MGR, "StopUnit",
                                  &e, &reply, "ss", cg->unit, "replace");
      const char *job;
      if (r < 0)
        ret = sd_bus_error_has_name (&e, "org.freedesktop.systemd1.NoSuchUnit")
                  ? 0 : bus_fail (err, r, &e, what);
      else if (sd_bus_message_read (reply, "o", &job) < 0)
        ret = gr_error_set (err, 0, "systemd: %s: bad reply", what);
      else
        ret = wait_job (bus, &w, job, what, err);
    }
  sd_bus_slot_unref (slot);
  job_wait_free (&w);
  reset_failed (bus, cg->unit);
  return ret;
}

int
gr_cg_systemd_set (const gr_cgroup *cg, const gr_resources *res,
                   gr_error **err)
{
  cleanup_bus sd_bus *bus = NULL;
  if (bus_open (&bus, err) < 0)
    return -1;
  cleanup_msg sd_bus_message *m = NULL;
  cleanup_bus_error sd_bus_error e = SD_BUS_ERROR_NULL;
  int r;
  if ((r = sd_bus_message_new_method_call (bus, &m, SD_DEST, SD_PATH, SD_MGR,
                                           "SetUnitProperties")) < 0
      || (r = sd_bus_message_append (m, "sb", cg->unit, 1)) < 0
      || (r = sd_bus_message_open_container (m, 'a', "(sv)")) < 0
      || (r = append_resource_props (m, res)) < 0
      || (r = sd_bus_message_close_container (m)) < 0
      || (r = sd_bus_call (bus, m, 0, &e, NULL)) < 0)
    return bus_fail (err, r, &e, "set unit properties");
  return 0;
}
