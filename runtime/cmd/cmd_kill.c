/* SPDX-License-Identifier: Apache-2.0 */
#include <signal.h>
#include <guardrun/container.h>
#include <guardrun/state.h>
#include <guardrun/util.h>
#include "cmd.h"

static int
kill_opt (int c, const char *arg, void *ctx)
{
  if (c != 'a')
    return -1;
  *(bool *) ctx = true;
  return 0;
}

int
cmd_kill (gr_globals *g, int argc, char **argv, gr_error **err)
{
  static const struct option opts[] = {
    { "all", no_argument, NULL, 'a' },
    { 0 },
  };
  const gr_cmd *cmd = gr_cmd_find ("kill");
  bool help, all = false;
  int i = gr_cmd_getopt (cmd, argc, argv, "a", opts, kill_opt, &all, &help,
                         err);
  if (i < 0 || help)
    return i < 0 ? -1 : 0;
  if (gr_cmd_nargs (cmd, argc - i, 1, 2, err) < 0
      || gr_id_validate (argv[i], err) < 0)
    return -1;
  int sig = SIGTERM;
  if (argc - i == 2 && (sig = gr_signal_parse (argv[i + 1])) < 0)
    return gr_error_set (err, 0, "unknown signal \"%s\"", argv[i + 1]);
  return gr_container_kill (g->root, argv[i], sig, all, err);
}
