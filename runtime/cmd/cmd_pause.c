/* SPDX-License-Identifier: Apache-2.0 */
/* pause and resume: the cgroup v2 freezer (cgroup.freeze), plus the helper
   the cgroup commands share to reach a container's cgroup */
#include <guardrun/cgroup.h>
#include <guardrun/state.h>
#include <guardrun/util.h>
#include "cmd.h"

int
gr_cmd_open_cgroup (gr_globals *g, const char *id, bool exclusive, int *dfd,
                    gr_state **st, gr_cgroup *cg, gr_error **err)
{
  *dfd = -1;
  *st = NULL;
  if (gr_id_validate (id, err) < 0)
    return -1;
  cleanup_close int root = gr_cmd_root (g, false, NULL);
  if (root < 0)
    return gr_error_set (err, 0, "container does not exist");
  cleanup_close int fd = gr_state_open (root, id, exclusive, err);
  cleanup_state gr_state *s = NULL;
  if (fd < 0 || gr_state_read (fd, id, &s, err) < 0)
    return -1;
  if (s->cgroup_path == NULL)
    return gr_error_set (err, 0, "container %s has no cgroup", id);
  if (gr_cgroup_open (s->cgroup_path, s->systemd_cgroup, cg, err) < 0)
    return -1;
  cg->id = gr_xstrdup (id);
  *dfd = gr_steal_fd (fd);
  *st = gr_steal (s);
  return 0;
}

static int
no_opts (int c, const char *arg, void *ctx)
{
  return -1;
}

static int
freeze_cmd (gr_globals *g, const char *name, bool freeze, int argc,
            char **argv, gr_error **err)
{
  const gr_cmd *cmd = gr_cmd_find (name);
  bool help;
  int i = gr_cmd_getopt (cmd, argc, argv, "", NULL, no_opts, NULL, &help, err);
  if (i < 0 || help)
    return i < 0 ? -1 : 0;
  if (gr_cmd_nargs (cmd, argc - i, 1, 1, err) < 0)
    return -1;
  cleanup_close int dfd = -1;
  cleanup_state gr_state *st = NULL;
  cleanup_cgroup gr_cgroup cg = GR_CGROUP_INIT;
  /* exclusive: no delete or second pause races this one */
  if (gr_cmd_open_cgroup (g, argv[i], true, &dfd, &st, &cg, err) < 0)
    return -1;
  gr_status s = gr_state_status (st);
  /* runc: created or running containers pause, only paused ones resume */
  if (freeze && s != GR_STATUS_RUNNING && s != GR_STATUS_CREATED)
    return gr_error_set (err, 0, "container not running");
  if (!freeze && s != GR_STATUS_PAUSED)
    return gr_error_set (err, 0, "container not paused");
  return gr_cgroup_freeze (&cg, freeze, err);
}

int
cmd_pause (gr_globals *g, int argc, char **argv, gr_error **err)
{
  return freeze_cmd (g, "pause", true, argc, argv, err);
}

int
cmd_resume (gr_globals *g, int argc, char **argv, gr_error **err)
{
  return freeze_cmd (g, "resume", false, argc, argv, err);
}
