/* SPDX-License-Identifier: Apache-2.0 */
/* create and run: the same options, runc's spelling */
#include <string.h>
#include <guardrun/container.h>
#include <guardrun/util.h>
#include "cmd.h"

enum { O_CONSOLE = 256, O_PID_FILE, O_NO_PIVOT, O_NO_KEYRING, O_PRESERVE,
       O_KEEP, O_NO_SUBREAPER };

static int
create_opt (int c, const char *arg, void *ctx)
{
  gr_create_opts *o = ctx;
  uint64_t n;
  switch (c)
    {
    case 'b': o->bundle = arg; return 0;
    case O_CONSOLE: o->console_socket = arg; return 0;
    case O_PID_FILE: o->pid_file = arg; return 0;
    case O_NO_PIVOT: o->no_pivot = true; return 0;
    case O_NO_KEYRING: o->no_new_keyring = true; return 0;
    case O_PRESERVE:
      if (gr_parse_u64 (arg, &n) < 0 || n > 65536)
        return -1;
      o->preserve_fds = (unsigned) n;
      return 0;
    case 'd': o->detach = true; return 0;
    case O_KEEP: o->keep = true; return 0;
    case O_NO_SUBREAPER: return 0;   /* accepted for runc compatibility */
    }
  return -1;
}

static const struct option create_opts[] = {
  { "bundle", required_argument, NULL, 'b' },
  { "console-socket", required_argument, NULL, O_CONSOLE },
  { "pid-file", required_argument, NULL, O_PID_FILE },
  { "no-pivot", no_argument, NULL, O_NO_PIVOT },
  { "no-new-keyring", no_argument, NULL, O_NO_KEYRING },
  { "preserve-fds", required_argument, NULL, O_PRESERVE },
  { "detach", no_argument, NULL, 'd' },
  { "keep", no_argument, NULL, O_KEEP },
  { "no-subreaper", no_argument, NULL, O_NO_SUBREAPER },
  { 0 },
};

static int
parse (const char *name, gr_globals *g, int argc, char **argv,
       gr_create_opts *o, bool *help, gr_error **err)
{
  const gr_cmd *cmd = gr_cmd_find (name);
  bool run = strcmp (name, "run") == 0;
  /* create has no --detach/--keep: give it the table without them */
  struct option opts[GR_ARRAY_SIZE (create_opts)];
  size_t n = 0;
  for (size_t i = 0; create_opts[i].name; i++)
    if (run || (create_opts[i].val != 'd' && create_opts[i].val != O_KEEP))
      opts[n++] = create_opts[i];
  opts[n] = (struct option) { 0 };
  *o = (gr_create_opts) { .root = g->root, .policy = g->policy,
                          .policy_mode = g->policy_mode,
                          .systemd_cgroup = g->systemd_cgroup };
  int i = gr_cmd_getopt (cmd, argc, argv, run ? "b:d" : "b:", opts,
                         create_opt, o, help, err);
  if (i < 0 || *help)
    return i;
  if (gr_cmd_nargs (cmd, argc - i, 1, 1, err) < 0)
    return -1;
  o->id = argv[i];
  /* CVE-2019-5736: never clone a container from a writable binary */
  if (gr_selfexe_protect (err) < 0)
    return -1;
  return i;
}

int
cmd_create (gr_globals *g, int argc, char **argv, gr_error **err)
{
  gr_create_opts o;
  bool help;
  int i = parse ("create", g, argc, argv, &o, &help, err);
  if (i < 0 || help)
    return i < 0 ? -1 : 0;
  return gr_container_create (&o, err);
}

int
cmd_run (gr_globals *g, int argc, char **argv, gr_error **err)
{
  gr_create_opts o;
  bool help;
  int i = parse ("run", g, argc, argv, &o, &help, err);
  if (i < 0 || help)
    return i < 0 ? -1 : 0;
  return gr_container_run (&o, err);
}
