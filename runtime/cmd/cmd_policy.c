/* SPDX-License-Identifier: Apache-2.0 */
/* policy show: the effective policy (global --policy / --policy-mode,
   GUARDRUN_POLICY, /etc/guardrun/policy.json or the built-in restricted),
   in the policy file format */
#include <string.h>
#include <guardrun/policy.h>
#include <guardrun/util.h>
#include "cmd.h"

static int
no_opts (int c, const char *arg, void *ctx)
{
  return -1;
}

int
cmd_policy (gr_globals *g, int argc, char **argv, gr_error **err)
{
  const gr_cmd *cmd = gr_cmd_find ("policy");
  bool help;
  int i = gr_cmd_getopt (cmd, argc, argv, "", NULL, no_opts, NULL, &help, err);
  if (i < 0 || help)
    return i < 0 ? -1 : 0;
  if (gr_cmd_nargs (cmd, argc - i, 1, 1, err) < 0)
    return -1;
  if (strcmp (argv[i], "show") != 0)
    return gr_error_set (err, 0, "policy: unknown subcommand \"%s\" (usage: "
                         "policy show)", argv[i]);
  cleanup_policy gr_policy *p = NULL;
  if (gr_policy_load (g->policy, g->policy_mode, &p, err) < 0)
    return -1;
  cleanup_free char *json = gr_policy_to_json (p, NULL);
  printf ("%s\n", json);
  return 0;
}
