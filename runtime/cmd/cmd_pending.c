/* SPDX-License-Identifier: Apache-2.0 */
/* Commands whose implementation has not landed yet: a clear error, never a
   pretend success.  Each moves to its own file when it lands. */
#include "cmd.h"

#define PENDING(n)                                                          \
  int cmd_##n (gr_globals *g, int argc, char **argv, gr_error **err)       \
  {                                                                         \
    return gr_error_set (err, 0, "%s: not available in this build", #n);   \
  }

PENDING (exec)
PENDING (sandbox)
PENDING (isolate)
PENDING (release)
