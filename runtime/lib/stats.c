/* SPDX-License-Identifier: Apache-2.0 */
/*
 * `events --stats`: the container's cgroup v2 statistics in runc's stats
 * schema (runc/types/events.go), which containerd's `ctr task metrics` and
 * the CRI read.  Field presence follows runc's JSON tags: "omitempty"
 * fields are left out when zero, the others always written.  A file that
 * does not exist (no controller, older kernel) leaves its part at zero.
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <string.h>
#include <guardrun/util.h>
#include "cgroup_internal.h"

typedef struct {
  const gr_cgroup *cg;
  gr_jw *w;
} stats_ctx;

static char *
read_cg (const stats_ctx *c, const char *file)
{
  char *v = NULL;
  if (gr_cg_read_file (c->cg->dirfd, file, &v, NULL) < 0)
    return NULL;
  return v;
}

static uint64_t
read_u64 (const stats_ctx *c, const char *file)
{
  cleanup_free char *v = read_cg (c, file);
  uint64_t n = 0;
  if (v)
    gr_cg_parse_value (v, &n);
  return n;
}

static uint64_t
keyed (const char *text, const char *key)
{
  uint64_t v = 0;
  if (text)
    gr_cg_keyed_get (text, key, &v);
  return v;
}

static void
kuint_nz (gr_jw *w, const char *k, uint64_t v)
{
  if (v)
    gr_jw_kuint (w, k, v);
}

/* ----------------------------------------------------------------- cpu -- */

static void
stats_cpu (const stats_ctx *c)
{
  cleanup_free char *st = read_cg (c, "cpu.stat");
  gr_jw *w = c->w;
  gr_jw_key (w, "cpu");
  gr_jw_obj_open (w);
  gr_jw_key (w, "usage");
  gr_jw_obj_open (w);
  /* cgroup v2 counts microseconds, runc reports nanoseconds */
  kuint_nz (w, "total", keyed (st, "usage_usec") * 1000);
  gr_jw_kuint (w, "kernel", keyed (st, "system_usec") * 1000);
  gr_jw_kuint (w, "user", keyed (st, "user_usec") * 1000);
  gr_jw_obj_close (w);
  gr_jw_key (w, "throttling");
  gr_jw_obj_open (w);
  kuint_nz (w, "periods", keyed (st, "nr_periods"));
  kuint_nz (w, "throttledPeriods", keyed (st, "nr_throttled"));
  kuint_nz (w, "throttledTime", keyed (st, "throttled_usec") * 1000);
  gr_jw_obj_close (w);
  gr_jw_obj_close (w);
}

/* -------------------------------------------------------------- memory -- */

typedef struct {
  uint64_t usage, limit, max, failcnt;
} mem_entry;

static void
write_entry (gr_jw *w, const char *key, const mem_entry *e)
{
  gr_jw_key (w, key);
  gr_jw_obj_open (w);
  gr_jw_kuint (w, "limit", e->limit);
  kuint_nz (w, "usage", e->usage);
  kuint_nz (w, "max", e->max);
  gr_jw_kuint (w, "failcnt", e->failcnt);
  gr_jw_obj_close (w);
}

static void
write_raw (gr_jw *w, const char *stat)
{
  if (stat == NULL || *stat == '\0')
    return;
  gr_jw_key (w, "raw");
  gr_jw_obj_open (w);
  cleanup_free char *copy = gr_xstrdup (stat);
  char *save = NULL;
  for (char *l = strtok_r (copy, "\n", &save); l; l = strtok_r (NULL, "\n", &save))
    {
      char *sp = strchr (l, ' ');
      uint64_t v;
      if (sp == NULL)
        continue;
      *sp = '\0';
      if (gr_cg_parse_value (sp + 1, &v) == 0)
        gr_jw_kuint (w, l, v);
    }
  gr_jw_obj_close (w);
}

static void
stats_memory (const stats_ctx *c)
{
  cleanup_free char *stat = read_cg (c, "memory.stat");
  cleanup_free char *events = read_cg (c, "memory.events");
  mem_entry mem = { .usage = read_u64 (c, "memory.current"),
                    .limit = read_u64 (c, "memory.max"),
                    .max = read_u64 (c, "memory.peak"),
                    .failcnt = keyed (events, "max") };
  /* v1 reported swap as memory+swap; runc keeps that for v2 */
  mem_entry swap = { .usage = read_u64 (c, "memory.swap.current") + mem.usage,
                     .limit = read_u64 (c, "memory.swap.max"),
                     .max = read_u64 (c, "memory.swap.peak") };
  if (swap.limit != UINT64_MAX)
    swap.limit += mem.limit;
  mem_entry none = { 0 };
  gr_jw *w = c->w;
  gr_jw_key (w, "memory");
  gr_jw_obj_open (w);
  kuint_nz (w, "cache", keyed (stat, "file"));
  write_entry (w, "usage", &mem);
  write_entry (w, "swap", &swap);
  write_entry (w, "kernel", &none);
  write_entry (w, "kernelTCP", &none);
  write_raw (w, stat);
  gr_jw_obj_close (w);
}

/* ---------------------------------------------------------------- pids -- */

static void
stats_pids (const stats_ctx *c)
{
  uint64_t limit = read_u64 (c, "pids.max");
  gr_jw *w = c->w;
  gr_jw_key (w, "pids");
  gr_jw_obj_open (w);
  kuint_nz (w, "current", read_u64 (c, "pids.current"));
  /* runc reports "max" as 0 */
  kuint_nz (w, "limit", limit == UINT64_MAX ? 0 : limit);
  gr_jw_obj_close (w);
}

/* --------------------------------------------------------------- blkio -- */

static void
blkio_entry (gr_jw *w, uint64_t major, uint64_t minor, const char *op,
             uint64_t v)
{
  gr_jw_obj_open (w);
  kuint_nz (w, "major", major);
  kuint_nz (w, "minor", minor);
  gr_jw_kstr (w, "op", op);
  kuint_nz (w, "value", v);
  gr_jw_obj_close (w);
}

/* the value of "key=value" among the words of an io.stat line */
static uint64_t
io_field (const char *line, const char *key)
{
  size_t klen = strlen (key);
  for (const char *p = strchr (line, ' '); p; p = strchr (p + 1, ' '))
    if (strncmp (p + 1, key, klen) == 0 && p[1 + klen] == '=')
      {
        uint64_t v = 0;
        gr_cg_parse_value (p + 2 + klen, &v);
        return v;
      }
  return 0;
}

/* one array from io.stat: each device's read and write counters */
static void
blkio_array (gr_jw *w, const char *iostat, const char *name,
             const char *rkey, const char *wkey)
{
  bool open = false;
  for (const char *l = iostat; l && *l;)
    {
      unsigned long long major, minor;
      size_t len = strcspn (l, "\n");
      cleanup_free char *line = gr_xstrndup (l, len);
      l += len + (l[len] == '\n');
      if (sscanf (line, "%llu:%llu", &major, &minor) != 2)
        continue;
      if (!open)
        {
          gr_jw_key (w, name);
          gr_jw_arr_open (w);
          open = true;
        }
      blkio_entry (w, major, minor, "Read", io_field (line, rkey));
      blkio_entry (w, major, minor, "Write", io_field (line, wkey));
    }
  if (open)
    gr_jw_arr_close (w);
}

static void
stats_blkio (const stats_ctx *c)
{
  cleanup_free char *iostat = read_cg (c, "io.stat");
  gr_jw *w = c->w;
  gr_jw_key (w, "blkio");
  gr_jw_obj_open (w);
  blkio_array (w, iostat, "ioServiceBytesRecursive", "rbytes", "wbytes");
  blkio_array (w, iostat, "ioServicedRecursive", "rios", "wios");
  gr_jw_obj_close (w);
}

/* ------------------------------------------------------------- hugetlb -- */

static void
stats_hugetlb (const stats_ctx *c)
{
  gr_jw *w = c->w;
  gr_jw_key (w, "hugetlb");
  gr_jw_obj_open (w);
  int fd = openat (c->cg->dirfd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  cleanup_dir DIR *d = fd >= 0 ? fdopendir (fd) : NULL;
  if (d == NULL && fd >= 0)
    close (fd);
  for (struct dirent *de; d && (de = readdir (d));)
    {
      /* hugetlb.<size>.current, not hugetlb.<size>.rsvd.current */
      const char *n = de->d_name;
      size_t len = strlen (n);
      if (strncmp (n, "hugetlb.", 8) != 0 || len < 17
          || strcmp (n + len - 8, ".current") != 0
          || memchr (n + 8, '.', len - 16))
        continue;
      cleanup_free char *size = gr_xstrndup (n + 8, len - 16);
      cleanup_free char *max = gr_fmt ("hugetlb.%s.max", size);
      cleanup_free char *evf = gr_fmt ("hugetlb.%s.events", size);
      cleanup_free char *ev = read_cg (c, evf);
      gr_jw_key (w, size);
      gr_jw_obj_open (w);
      kuint_nz (w, "usage", read_u64 (c, n));
      kuint_nz (w, "max", read_u64 (c, max));
      gr_jw_kuint (w, "failcnt", keyed (ev, "max"));
      gr_jw_obj_close (w);
    }
  gr_jw_obj_close (w);
}

int
gr_cgroup_stats (const gr_cgroup *cg, gr_jw *w, gr_error **err)
{
  if (cg->dirfd < 0)
    return gr_error_set (err, EBADF, "cgroup %s is not open", cg->path);
  stats_ctx c = { .cg = cg, .w = w };
  gr_jw_obj_open (w);
  stats_cpu (&c);
  gr_jw_key (w, "cpuset");
  gr_jw_obj_open (w);
  gr_jw_obj_close (w);
  stats_memory (&c);
  stats_pids (&c);
  stats_blkio (&c);
  stats_hugetlb (&c);
  gr_jw_key (w, "intel_rdt");
  gr_jw_obj_open (w);
  gr_jw_obj_close (w);
  gr_jw_key (w, "network_interfaces");
  gr_jw_null (w);
  gr_jw_obj_close (w);
  return 0;
}
