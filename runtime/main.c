/* SPDX-License-Identifier: Apache-2.0 */
/* The command table and the global flags; every command lives in cmd/. */
#include <errno.h>
#include <getopt.h>
#include <seccomp.h>
#include <stdio.h>
#include <string.h>
#include <guardrun/log.h>
#include <guardrun/state.h>
#include <guardrun/util.h>
#include "cmd/cmd.h"

#define CMD(n, u, s, h) { #n, cmd_##n, u, s, h }

static const gr_cmd commands[] = {
  CMD (create, "[OPTIONS] ID", "create a container (the process waits for `start`)",
       "  -b, --bundle DIR        bundle directory (default: current directory)\n"
       "      --console-socket P  send the pty master to this AF_UNIX socket\n"
       "      --pid-file FILE     write the container's pid here\n"
       "      --no-pivot          use MS_MOVE + chroot instead of pivot_root\n"
       "      --no-new-keyring    keep the caller's session keyring\n"
       "      --preserve-fds N    pass N extra fds (from 3) to the container\n"),
  CMD (start, "ID", "start the process of a created container", ""),
  CMD (run, "[OPTIONS] ID", "create and start a container",
       "  -b, --bundle DIR        bundle directory (default: current directory)\n"
       "      --console-socket P  send the pty master to this AF_UNIX socket\n"
       "  -d, --detach            do not wait for the container\n"
       "      --keep              keep the container's state after it exits\n"
       "      --pid-file FILE     write the container's pid here\n"
       "      --no-pivot          use MS_MOVE + chroot instead of pivot_root\n"
       "      --no-new-keyring    keep the caller's session keyring\n"
       "      --preserve-fds N    pass N extra fds (from 3) to the container\n"),
  CMD (state, "ID", "print the state of a container as JSON", ""),
  CMD (list, "[OPTIONS]", "list containers",
       "  -f, --format table|json output format (default table)\n"
       "  -q, --quiet             print only ids\n"),
  CMD (kill, "[OPTIONS] ID [SIGNAL]", "send a signal (default SIGTERM) to the container",
       "  -a, --all               signal every process of the container\n"),
  CMD (delete, "[OPTIONS] ID", "delete a container",
       "  -f, --force             kill a running container first\n"),
  CMD (exec, "[OPTIONS] ID [COMMAND ARGS...]", "run a process in a running container",
       "  -p, --process FILE      process.json with the process to run\n"
       "  -t, --tty               allocate a terminal\n"
       "      --console-socket P  send the pty master to this AF_UNIX socket\n"
       "      --cwd DIR           working directory\n"
       "  -e, --env K=V           add an environment variable (repeatable)\n"
       "  -u, --user UID[:GID]    user to run as\n"
       "  -g, --additional-gids G add a supplementary group (repeatable)\n"
       "  -c, --cap CAP           add a capability (repeatable; policy applies)\n"
       "      --no-new-privs      set no_new_privileges\n"
       "      --apparmor P        AppArmor profile\n"
       "      --process-label L   SELinux label\n"
       "  -d, --detach            do not wait for the process\n"
       "      --pid-file FILE     write the process's pid here\n"
       "      --preserve-fds N    pass N extra fds (from 3)\n"
       "      --ignore-paused     allow exec into a paused container\n"),
  CMD (pause, "ID", "freeze every process of the container", ""),
  CMD (resume, "ID", "thaw a paused container", ""),
  CMD (ps, "[OPTIONS] ID [-- PS-ARGS]", "list the container's processes",
       "  -f, --format table|json output format (json: array of pids)\n"),
  CMD (events, "[OPTIONS] ID", "print container events and statistics",
       "      --stats             print one statistics object and exit\n"
       "      --interval D        statistics interval (default 5s)\n"),
  CMD (update, "[OPTIONS] ID", "change the resource limits of a container",
       "  -r, --resources FILE    resources JSON (\"-\" for stdin)\n"
       "      --memory N          memory limit (bytes, k, m, g)\n"
       "      --memory-reservation N  memory.low\n"
       "      --memory-swap N     memory+swap limit\n"
       "      --cpu-shares N      cpu shares (converted to cpu.weight)\n"
       "      --cpu-quota N       cpu quota in us\n"
       "      --cpu-period N      cpu period in us\n"
       "      --cpuset-cpus L     allowed cpus\n"
       "      --cpuset-mems L     allowed memory nodes\n"
       "      --pids-limit N      maximum number of pids\n"
       "      --blkio-weight N    io weight (10-1000)\n"),
  CMD (spec, "[OPTIONS]", "write a hardened default config.json",
       "  -b, --bundle DIR        where to write config.json\n"
       "      --rootless          a config for unprivileged users\n"),
  CMD (features, "", "print the features guardrun supports as JSON", ""),
  CMD (checkpoint, "ID", "not supported: guardrun has no CRIU integration", ""),
  CMD (restore, "ID", "not supported: guardrun has no CRIU integration", ""),
  CMD (check, "[OPTIONS] BUNDLE|CONFIG", "lint a config against the policy without running it",
       "  -p, --policy P          policy file or preset (default: the global --policy)\n"
       "  -f, --format text|json  output format (exit 0: passes, 1: violations,\n"
       "                          2: cannot check)\n"),
  CMD (policy, "show", "print the effective policy", ""),
  CMD (sandbox, "[OPTIONS] -- CMD [ARGS...]", "run an untrusted command with no bundle", ""),
  CMD (isolate, "[OPTIONS] ID", "freeze a container, cut its network, collect evidence", ""),
  CMD (release, "ID", "undo isolate", ""),
};

const gr_cmd *
gr_cmd_find (const char *name)
{
  for (size_t i = 0; i < GR_ARRAY_SIZE (commands); i++)
    if (strcmp (commands[i].name, name) == 0)
      return &commands[i];
  return NULL;
}

void
gr_cmd_print_help (const gr_cmd *cmd)
{
  printf ("Usage: guardrun [GLOBAL OPTIONS] %s %s\n\n%s\n", cmd->name,
          cmd->usage, cmd->summary);
  if (cmd->help && *cmd->help)
    printf ("\nOptions:\n%s", cmd->help);
  printf ("  -h, --help              show this help\n");
}

int
gr_cmd_getopt (const gr_cmd *cmd, int argc, char **argv,
               const char *shortopts, const struct option *longopts,
               int (*on_opt) (int c, const char *arg, void *ctx), void *ctx,
               bool *help_shown, gr_error **err)
{
  /* every command gets --help; copy the table to append it */
  size_t n = 0;
  while (longopts && longopts[n].name)
    n++;
  struct option opts[n + 2];
  if (n)
    memcpy (opts, longopts, n * sizeof *opts);
  opts[n] = (struct option) { "help", no_argument, NULL, 'h' };
  opts[n + 1] = (struct option) { 0 };
  cleanup_free char *so = gr_fmt ("+:h%s", shortopts ? shortopts : "");

  *help_shown = false;
  optind = 0;
  opterr = 0;
  for (;;)
    {
      int c = getopt_long (argc, argv, so, opts, NULL);
      if (c == -1)
        break;
      if (c == 'h')
        {
          gr_cmd_print_help (cmd);
          *help_shown = true;
          return argc;
        }
      if (c == '?')
        return gr_error_set (err, 0, "%s: unknown option `%s`", cmd->name,
                             argv[optind - 1]);
      if (c == ':')
        return gr_error_set (err, 0, "%s: option `%s` needs a value",
                             cmd->name, argv[optind - 1]);
      if (on_opt (c, optarg, ctx) < 0)
        return gr_error_set (err, 0, "%s: invalid value for `%s`: \"%s\"",
                             cmd->name, argv[optind - 1],
                             optarg ? optarg : "");
    }
  return optind;
}

int
gr_cmd_nargs (const gr_cmd *cmd, int have, int min, int max, gr_error **err)
{
  if (have >= min && (max < 0 || have <= max))
    return 0;
  if (min == max)
    return gr_error_set (err, 0,
                         "\"%s\" requires exactly %d argument(s), got %d "
                         "(usage: %s %s)",
                         cmd->name, min, have, cmd->name, cmd->usage);
  if (have < min)
    return gr_error_set (err, 0,
                         "\"%s\" requires a minimum of %d argument(s) "
                         "(usage: %s %s)",
                         cmd->name, min, cmd->name, cmd->usage);
  return gr_error_set (err, 0,
                       "\"%s\" requires a maximum of %d argument(s) "
                       "(usage: %s %s)",
                       cmd->name, max, cmd->name, cmd->usage);
}

static void
usage (FILE *f)
{
  fprintf (f,
           "Usage: guardrun [GLOBAL OPTIONS] COMMAND [OPTIONS] [ARGS]\n\n"
           "guardrun: a hardened, runc-compatible OCI runtime that refuses\n"
           "dangerous configurations by policy.\n\n"
           "Commands:\n");
  for (size_t i = 0; i < GR_ARRAY_SIZE (commands); i++)
    fprintf (f, "  %-11s %s\n", commands[i].name, commands[i].summary);
  fprintf (f,
           "\nGlobal options:\n"
           "      --root DIR          state directory (default %s)\n"
           "      --log FILE          log file (default stderr)\n"
           "      --log-format F      text or json (default text)\n"
           "      --debug             debug logging\n"
           "      --systemd-cgroup    manage cgroups through systemd\n"
           "      --rootless V        true|false|auto (accepted for runc compatibility)\n"
           "      --policy P          policy file or preset (restricted, baseline, sandbox)\n"
           "      --policy-mode M     enforce or audit (overrides the policy file)\n"
           "  -v, --version           print the version\n"
           "  -h, --help              show this help\n",
           GR_DEFAULT_ROOT);
}

static void
version (void)
{
  const struct scmp_version *v = seccomp_version ();
  printf ("guardrun version %s\ncommit: %s\nspec: %s\nlibseccomp: %u.%u.%u\n",
          PACKAGE_VERSION, GR_GIT_COMMIT, GR_OCI_VERSION, v->major, v->minor,
          v->micro);
}

int
main (int argc, char **argv)
{
  enum { O_ROOT = 256, O_LOG, O_LOG_FORMAT, O_DEBUG, O_SYSTEMD, O_ROOTLESS,
         O_POLICY, O_POLICY_MODE, O_CRIU };
  static const struct option opts[] = {
    { "root", required_argument, NULL, O_ROOT },
    { "log", required_argument, NULL, O_LOG },
    { "log-format", required_argument, NULL, O_LOG_FORMAT },
    { "debug", no_argument, NULL, O_DEBUG },
    { "systemd-cgroup", no_argument, NULL, O_SYSTEMD },
    { "rootless", required_argument, NULL, O_ROOTLESS },
    { "criu", required_argument, NULL, O_CRIU },
    { "policy", required_argument, NULL, O_POLICY },
    { "policy-mode", required_argument, NULL, O_POLICY_MODE },
    { "version", no_argument, NULL, 'v' },
    { "help", no_argument, NULL, 'h' },
    { 0 },
  };
  gr_globals g = { .root = NULL };
  cleanup_error gr_error *err = NULL;

  opterr = 0;
  for (;;)
    {
      int c = getopt_long (argc, argv, "+:vh", opts, NULL);
      if (c == -1)
        break;
      switch (c)
        {
        case O_ROOT: g.root = optarg; break;
        case O_LOG: g.log = optarg; break;
        case O_LOG_FORMAT: g.log_format = optarg; break;
        case O_DEBUG: g.debug = true; break;
        case O_SYSTEMD: g.systemd_cgroup = true; break;
        case O_ROOTLESS: g.rootless = optarg; break;
        case O_CRIU: break;
        case O_POLICY: g.policy = optarg; break;
        case O_POLICY_MODE: g.policy_mode = optarg; break;
        case 'v': version (); return 0;
        case 'h': usage (stdout); return 0;
        case ':':
          fprintf (stderr, "guardrun: option `%s` needs a value\n",
                   argv[optind - 1]);
          return 1;
        default:
          fprintf (stderr, "guardrun: unknown global option `%s`\n",
                   argv[optind - 1]);
          return 1;
        }
    }
  if (g.root == NULL)
    {
      /* runc's rootless default: $XDG_RUNTIME_DIR/runc */
      const char *xdg = getenv ("XDG_RUNTIME_DIR");
      if (geteuid () != 0 && xdg && *xdg)
        g.root = gr_fmt ("%s/guardrun", xdg);
      else
        g.root = GR_DEFAULT_ROOT;
    }
  if (gr_log_init (g.log, g.log_format, g.debug, &err) < 0)
    {
      gr_log_error (err);
      return 1;
    }
  if (optind >= argc)
    {
      usage (stderr);
      return 1;
    }
  const char *name = argv[optind];
  const gr_cmd *cmd = gr_cmd_find (name);
  if (cmd == NULL)
    {
      gr_error_set (&err, 0, "unknown command \"%s\" (see guardrun --help)",
                    name);
      gr_log_error (err);
      return 1;
    }
  int ret = cmd->fn (&g, argc - optind, argv + optind, &err);
  if (ret < 0)
    {
      gr_log_error (err);
      return err->status ? err->status : 1;
    }
  return ret;
}
