/* SPDX-License-Identifier: Apache-2.0 */
/*
 * ps: the container's processes from its cgroup.  As runc: `--format json`
 * prints the pids as a JSON array; the table runs the host's ps(1) with the
 * given options (default -ef) and keeps the header and the lines whose PID
 * column is one of the container's.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <guardrun/cgroup.h>
#include <guardrun/json.h>
#include <guardrun/state.h>
#include <guardrun/util.h>
#include "cmd.h"

static int
ps_opt (int c, const char *arg, void *ctx)
{
  if (c != 'f')
    return -1;
  if (strcmp (arg, "json") != 0 && strcmp (arg, "table") != 0)
    return -1;
  *(bool *) ctx = strcmp (arg, "json") == 0;
  return 0;
}

/* run ps with args (NULL-terminated, args[0] = "ps"); stdout+stderr */
static int
run_ps (char **args, char **out, gr_error **err)
{
  int p[2];
  if (pipe2 (p, O_CLOEXEC) < 0)
    return gr_error_set (err, errno, "pipe");
  pid_t pid = fork ();
  if (pid < 0)
    {
      close (p[0]);
      close (p[1]);
      return gr_error_set (err, errno, "fork");
    }
  if (pid == 0)
    {
      dup2 (p[1], 1);
      dup2 (p[1], 2);
      execvp ("ps", args);
      dprintf (2, "exec ps: %s\n", strerror (errno));
      _exit (127);
    }
  close (p[1]);
  cleanup_close int rfd = p[0];
  int r = gr_read_fd (rfd, 16u << 20, out, NULL, err);
  int status;
  while (waitpid (pid, &status, 0) < 0 && errno == EINTR)
    ;
  if (r < 0)
    return -1;
  if (!WIFEXITED (status) || WEXITSTATUS (status) != 0)
    return gr_error_set (err, 0, "ps: %s", *out);
  return 0;
}

/* the column of "PID" in the header line, -1 if none */
static int
pid_column (const char *header)
{
  cleanup_free char *h = gr_xstrdup (header);
  char *save = NULL;
  int i = 0;
  for (char *t = strtok_r (h, " \t", &save); t; t = strtok_r (NULL, " \t", &save), i++)
    if (strcmp (t, "PID") == 0)
      return i;
  return -1;
}

static bool
line_pid_in (const char *line, int col, const pid_t *pids, size_t n)
{
  cleanup_free char *l = gr_xstrdup (line);
  char *save = NULL, *t = strtok_r (l, " \t", &save);
  for (int i = 0; t && i < col; i++)
    t = strtok_r (NULL, " \t", &save);
  int64_t v;
  if (t == NULL || gr_parse_i64 (t, &v) < 0)
    return false;
  for (size_t k = 0; k < n; k++)
    if (pids[k] == v)
      return true;
  return false;
}

static int
print_table (char **ps_args, int n_args, const pid_t *pids, size_t n,
             gr_error **err)
{
  char *args[n_args + 2];
  args[0] = (char *) "ps";
  for (int k = 0; k < n_args; k++)
    args[k + 1] = ps_args[k];
  if (n_args == 0)
    args[1] = (char *) "-ef";
  args[n_args ? n_args + 1 : 2] = NULL;
  cleanup_free char *out = NULL;
  if (run_ps (args, &out, err) < 0)
    return -1;
  char *save = NULL, *line = strtok_r (out, "\n", &save);
  int col = line ? pid_column (line) : -1;
  if (col < 0)
    return gr_error_set (err, 0, "couldn't find PID field in ps output");
  printf ("%s\n", line);
  while ((line = strtok_r (NULL, "\n", &save)))
    if (line_pid_in (line, col, pids, n))
      printf ("%s\n", line);
  return 0;
}

int
cmd_ps (gr_globals *g, int argc, char **argv, gr_error **err)
{
  static const struct option opts[] = {
    { "format", required_argument, NULL, 'f' },
    { 0 },
  };
  const gr_cmd *cmd = gr_cmd_find ("ps");
  bool help, json = false;
  int i = gr_cmd_getopt (cmd, argc, argv, "f:", opts, ps_opt, &json, &help,
                         err);
  if (i < 0 || help)
    return i < 0 ? -1 : 0;
  if (gr_cmd_nargs (cmd, argc - i, 1, -1, err) < 0)
    return -1;
  cleanup_close int dfd = -1;
  cleanup_state gr_state *st = NULL;
  cleanup_cgroup gr_cgroup cg = GR_CGROUP_INIT;
  if (gr_cmd_open_cgroup (g, argv[i], false, &dfd, &st, &cg, err) < 0)
    return -1;
  cleanup_free pid_t *pids = NULL;
  size_t n;
  if (gr_cgroup_pids (&cg, &pids, &n, err) < 0)
    return -1;
  if (!json)
    return print_table (argv + i + 1, argc - i - 1, pids, n, err);
  cleanup_jw gr_jw *w = gr_jw_new (false);
  gr_jw_arr_open (w);
  for (size_t k = 0; k < n; k++)
    gr_jw_int (w, pids[k]);
  gr_jw_arr_close (w);
  printf ("%s\n", gr_jw_buf (w, NULL));
  return 0;
}
