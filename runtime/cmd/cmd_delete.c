/* SPDX-License-Identifier: Apache-2.0 */
#include <guardrun/container.h>
#include <guardrun/state.h>
#include "cmd.h"

static int
delete_opt (int c, const char *arg, void *ctx)
{
  if (c != 'f')
    return -1;
  *(bool *) ctx = true;
  return 0;
}

int
cmd_delete (gr_globals *g, int argc, char **argv, gr_error **err)
{
  static const struct option opts[] = {
    { "force", no_argument, NULL, 'f' },
    { 0 },
  };
  const gr_cmd *cmd = gr_cmd_find ("delete");
  bool help, force = false;
  int i = gr_cmd_getopt (cmd, argc, argv, "f", opts, delete_opt, &force,
                         &help, err);
  if (i < 0 || help)
    return i < 0 ? -1 : 0;
  if (gr_cmd_nargs (cmd, argc - i, 1, 1, err) < 0
      || gr_id_validate (argv[i], err) < 0)
    return -1;
  return gr_container_delete (g->root, argv[i], force, err);
}
