/* SPDX-License-Identifier: Apache-2.0 */
/*
 * events: `--stats` prints one {"type":"stats","id":...,"data":{...}} line
 * in runc's stats schema; without it, a stats event every --interval and an
 * {"type":"oom"} event whenever memory.events' oom_kill grows, until the
 * container's cgroup is empty or gone.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <guardrun/cgroup.h>
#include <guardrun/json.h>
#include <guardrun/state.h>
#include <guardrun/util.h>
#include "cmd.h"

struct events_opts {
  bool stats;
  uint64_t interval_ms;
};

/* a Go duration as runc takes it: "5s", "500ms", "1.5m", "1h" */
static int
parse_duration (const char *s, uint64_t *ms)
{
  static const struct { const char *unit; double ms; } units[] = {
    { "ns", 1e-6 }, { "us", 1e-3 }, { "ms", 1 }, { "s", 1e3 },
    { "m", 60e3 }, { "h", 3600e3 },
  };
  char *end;
  errno = 0;
  double v = strtod (s, &end);
  if (errno || end == s || v < 0)
    return -1;
  for (size_t i = 0; i < GR_ARRAY_SIZE (units); i++)
    if (strcmp (end, units[i].unit) == 0)
      {
        *ms = (uint64_t) (v * units[i].ms);
        return *ms > 0 ? 0 : -1;
      }
  return -1;
}

static int
events_opt (int c, const char *arg, void *ctx)
{
  struct events_opts *o = ctx;
  switch (c)
    {
    case 's':
      o->stats = true;
      return 0;
    case 'i':
      return parse_duration (arg, &o->interval_ms);
    }
  return -1;
}

static void
print_event (const char *type, const char *id, const gr_cgroup *cg)
{
  cleanup_jw gr_jw *w = gr_jw_new (false);
  gr_jw_obj_open (w);
  gr_jw_kstr (w, "type", type);
  gr_jw_kstr (w, "id", id);
  if (cg)
    {
      gr_jw_key (w, "data");
      gr_cgroup_stats (cg, w, NULL);
    }
  gr_jw_obj_close (w);
  printf ("%s\n", gr_jw_buf (w, NULL));
  fflush (stdout);
}

/* sleep until the next tick, waking early on memory.events changes */
static void
wait_tick (int events_fd, uint64_t deadline_ns)
{
  uint64_t now = gr_now_ns ();
  if (now >= deadline_ns)
    return;
  struct pollfd p = { .fd = events_fd, .events = POLLPRI };
  int ms = (int) ((deadline_ns - now) / 1000000) + 1;
  poll (events_fd >= 0 ? &p : NULL, events_fd >= 0 ? 1 : 0, ms);
}

static int
stream (const char *id, const gr_cgroup *cg, uint64_t interval_ms)
{
  cleanup_close int evfd = openat (cg->dirfd, "memory.events",
                                   O_RDONLY | O_CLOEXEC);
  uint64_t ooms = 0, next = gr_now_ns ();
  gr_cgroup_oom_kills (cg, &ooms, NULL);
  while (!gr_cgroup_empty (cg))
    {
      if (gr_now_ns () >= next)
        {
          print_event ("stats", id, cg);
          next = gr_now_ns () + interval_ms * 1000000;
        }
      wait_tick (evfd, next);
      uint64_t now_ooms = 0;
      gr_cgroup_oom_kills (cg, &now_ooms, NULL);
      for (; ooms < now_ooms; ooms++)
        print_event ("oom", id, NULL);
    }
  return 0;
}

int
cmd_events (gr_globals *g, int argc, char **argv, gr_error **err)
{
  static const struct option opts[] = {
    { "stats", no_argument, NULL, 's' },
    { "interval", required_argument, NULL, 'i' },
    { 0 },
  };
  const gr_cmd *cmd = gr_cmd_find ("events");
  struct events_opts o = { .interval_ms = 5000 };
  bool help;
  int i = gr_cmd_getopt (cmd, argc, argv, "", opts, events_opt, &o, &help,
                         err);
  if (i < 0 || help)
    return i < 0 ? -1 : 0;
  if (gr_cmd_nargs (cmd, argc - i, 1, 1, err) < 0)
    return -1;
  cleanup_close int dfd = -1;
  cleanup_state gr_state *st = NULL;
  cleanup_cgroup gr_cgroup cg = GR_CGROUP_INIT;
  if (gr_cmd_open_cgroup (g, argv[i], false, &dfd, &st, &cg, err) < 0)
    return -1;
  if (gr_state_status (st) == GR_STATUS_STOPPED)
    return gr_error_set (err, 0, "container with id %s is not running",
                         argv[i]);
  /* do not hold the state lock while streaming: delete must not wait */
  close (gr_steal_fd (dfd));
  if (o.stats)
    {
      print_event ("stats", argv[i], &cg);
      return 0;
    }
  return stream (argv[i], &cg, o.interval_ms);
}
