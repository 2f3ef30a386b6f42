/* SPDX-License-Identifier: Apache-2.0 */
/* state and list: read-only views of the state store */
#include <pwd.h>
#include <string.h>
#include <sys/stat.h>
#include <guardrun/json.h>
#include <guardrun/state.h>
#include <guardrun/util.h>
#include "cmd.h"

int
gr_cmd_root (gr_globals *g, bool create, gr_error **err)
{
  return gr_state_root_open (g->root, create, err);
}

static int
no_opts (int c, const char *arg, void *ctx)
{
  return -1;
}

int
cmd_state (gr_globals *g, int argc, char **argv, gr_error **err)
{
  const gr_cmd *cmd = gr_cmd_find ("state");
  bool help;
  int i = gr_cmd_getopt (cmd, argc, argv, "", NULL, no_opts, NULL, &help, err);
  if (i < 0 || help)
    return i < 0 ? -1 : 0;
  if (gr_cmd_nargs (cmd, argc - i, 1, 1, err) < 0)
    return -1;
  const char *id = argv[i];
  if (gr_id_validate (id, err) < 0)
    return -1;
  cleanup_close int root = gr_cmd_root (g, false, err);
  if (root < 0)
    {
      /* no state root at all: the container cannot exist */
      gr_error_free (*err);
      *err = NULL;
      return gr_error_set (err, 0, "container does not exist");
    }
  cleanup_close int dfd = gr_state_open (root, id, false, err);
  if (dfd < 0)
    return -1;
  cleanup_state gr_state *st = NULL;
  if (gr_state_read (dfd, id, &st, err) < 0)
    return -1;
  size_t len;
  cleanup_free char *json = gr_state_to_oci_json (st, gr_state_status (st),
                                                  true, &len);
  printf ("%s\n", json);
  return 0;
}

struct list_opts {
  bool json, quiet;
};

static int
list_opt (int c, const char *arg, void *ctx)
{
  struct list_opts *o = ctx;
  switch (c)
    {
    case 'f':
      if (strcmp (arg, "json") == 0)
        o->json = true;
      else if (strcmp (arg, "table") == 0)
        o->json = false;
      else
        return -1;
      return 0;
    case 'q':
      o->quiet = true;
      return 0;
    }
  return -1;
}

int
cmd_list (gr_globals *g, int argc, char **argv, gr_error **err)
{
  static const struct option opts[] = {
    { "format", required_argument, NULL, 'f' },
    { "quiet", no_argument, NULL, 'q' },
    { 0 },
  };
  const gr_cmd *cmd = gr_cmd_find ("list");
  struct list_opts o = { 0 };
  bool help;
  int i = gr_cmd_getopt (cmd, argc, argv, "f:q", opts, list_opt, &o, &help,
                         err);
  if (i < 0 || help)
    return i < 0 ? -1 : 0;
  if (gr_cmd_nargs (cmd, argc - i, 0, 0, err) < 0)
    return -1;

  cleanup_strv char **ids = NULL;
  cleanup_close int root = gr_cmd_root (g, false, NULL);
  if (root >= 0 && gr_state_list (root, &ids, err) < 0)
    return -1;

  cleanup_jw gr_jw *w = gr_jw_new (false);
  gr_jw_arr_open (w);
  if (!o.json && !o.quiet)
    printf ("%-12s %-10s %-10s %-40s %-30s %s\n", "ID", "PID", "STATUS",
            "BUNDLE", "CREATED", "OWNER");
  for (char **id = ids; id && *id; id++)
    {
      cleanup_error gr_error *e = NULL;
      cleanup_close int dfd = gr_state_open (root, *id, false, &e);
      cleanup_state gr_state *st = NULL;
      /* a container being created or deleted right now is skipped, as
         runc does, rather than failing the whole listing */
      if (dfd < 0 || gr_state_read (dfd, *id, &st, &e) < 0)
        continue;
      gr_status status = gr_state_status (st);
      int pid = status == GR_STATUS_STOPPED ? 0 : st->pid;
      if (o.quiet)
        printf ("%s\n", st->id);
      else if (!o.json)
        printf ("%-12s %-10d %-10s %-40s %-30s %s\n", st->id, pid,
                gr_status_name (status), st->bundle,
                st->created ? st->created : "", st->owner ? st->owner : "");
      else
        {
          gr_jw_obj_open (w);
          gr_jw_kstr (w, "ociVersion", GR_OCI_VERSION);
          gr_jw_kstr (w, "id", st->id);
          gr_jw_kint (w, "pid", pid);
          gr_jw_kstr (w, "status", gr_status_name (status));
          gr_jw_kstr (w, "bundle", st->bundle);
          gr_jw_kstr (w, "rootfs", st->rootfs);
          gr_jw_kstr (w, "created", st->created);
          gr_jw_key (w, "annotations");
          gr_jw_obj_open (w);
          for (size_t k = 0; k < st->n_annotations; k++)
            gr_jw_kstr (w, st->annotations[k].key, st->annotations[k].value);
          gr_jw_obj_close (w);
          gr_jw_kstr (w, "owner", st->owner ? st->owner : "");
          gr_jw_obj_close (w);
        }
    }
  gr_jw_arr_close (w);
  if (o.json)
    {
      /* runc prints "null" for an empty list; engines accept [] too, but
         match runc exactly */
      if (ids == NULL || ids[0] == NULL)
        printf ("null\n");
      else
        printf ("%s\n", gr_jw_buf (w, NULL));
    }
  return 0;
}
