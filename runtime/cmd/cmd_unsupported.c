/* SPDX-License-Identifier: Apache-2.0 */
/*
 * checkpoint/restore need CRIU, which guardrun deliberately does not link:
 * restoring process images is a large attack surface for a sandbox.  The
 * commands exist so engines get runc's shape of answer (a clear error and
 * `features` saying so) instead of "unknown command".
 */
#include "cmd.h"

static int
unsupported (const char *name, gr_error **err)
{
  return gr_error_set (err, 0,
                       "%s is not supported: guardrun is built without CRIU",
                       name);
}

int
cmd_checkpoint (gr_globals *g, int argc, char **argv, gr_error **err)
{
  return unsupported ("checkpoint", err);
}

int
cmd_restore (gr_globals *g, int argc, char **argv, gr_error **err)
{
  return unsupported ("restore", err);
}
