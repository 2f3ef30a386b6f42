/* SPDX-License-Identifier: Apache-2.0 */
#include <guardrun/container.h>
#include <guardrun/state.h>
#include "cmd.h"

static int
no_opts (int c, const char *arg, void *ctx)
{
  return -1;
}

int
cmd_start (gr_globals *g, int argc, char **argv, gr_error **err)
{
  const gr_cmd *cmd = gr_cmd_find ("start");
  bool help;
  int i = gr_cmd_getopt (cmd, argc, argv, "", NULL, no_opts, NULL, &help, err);
  if (i < 0 || help)
    return i < 0 ? -1 : 0;
  if (gr_cmd_nargs (cmd, argc - i, 1, 1, err) < 0
      || gr_id_validate (argv[i], err) < 0)
    return -1;
  return gr_container_start (g->root, argv[i], err);
}
