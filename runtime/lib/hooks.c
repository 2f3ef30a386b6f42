/* SPDX-License-Identifier: Apache-2.0 */
/*
 * OCI hooks: each one a process with the hook's args and env only (never
 * the runtime's environment), the state JSON on stdin and an optional
 * timeout.  Output is collected and, on failure, the first line of it goes
 * into the error so the operator sees why the hook refused.
 */
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <guardrun/container.h>
#include <guardrun/log.h>
#include <guardrun/util.h>

#define HOOK_OUTPUT_MAX 1024

static int
pidfd_open_ (pid_t pid)
{
  return (int) syscall (SYS_pidfd_open, pid, 0);
}

/* stdin: a pipe already holding the whole document, so writing can never
   block on (or SIGPIPE from) a hook that does not read it */
static int
stdin_pipe (const char *json, gr_error **err)
{
  int p[2];
  size_t len = strlen (json);
  if (pipe2 (p, O_CLOEXEC) < 0)
    return gr_error_set (err, errno, "pipe");
  if (len > 65536)
    (void) fcntl (p[1], F_SETPIPE_SZ, (int) (len < (1u << 20) ? len : 1u << 20));
  if (gr_write_all (p[1], json, len) < 0)
    {
      int e = errno;
      close (p[0]);
      close (p[1]);
      return gr_error_set (err, e, "write the state to the hook's stdin");
    }
  close (p[1]);
  return p[0];
}

static int
spawn_hook (const gr_hook *h, int in, int out, pid_t *pid, gr_error **err)
{
  posix_spawn_file_actions_t fa;
  posix_spawnattr_t at;
  sigset_t none, all;
  char *empty[] = { NULL };
  char *argv_default[] = { h->path, NULL };
  char **argv = h->n_args ? h->args : argv_default;

  sigemptyset (&none);
  sigfillset (&all);
  posix_spawn_file_actions_init (&fa);
  posix_spawn_file_actions_adddup2 (&fa, in, 0);
  posix_spawn_file_actions_adddup2 (&fa, out, 1);
  posix_spawn_file_actions_adddup2 (&fa, out, 2);
  posix_spawnattr_init (&at);
  posix_spawnattr_setflags (&at, POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF
                                     | POSIX_SPAWN_SETSID);
  posix_spawnattr_setsigmask (&at, &none);
  posix_spawnattr_setsigdefault (&at, &all);
  int r = posix_spawn (pid, h->path, &fa, &at, argv, h->env ? h->env : empty);
  posix_spawn_file_actions_destroy (&fa);
  posix_spawnattr_destroy (&at);
  if (r != 0)
    return gr_error_set (err, r, "exec `%s`", h->path);
  return 0;
}

/* collect output and wait, killing the hook when its timeout passes */
static int
wait_hook (pid_t pid, int out, int timeout_s, char *buf, size_t *len,
           int *status, gr_error **err)
{
  cleanup_close int pfd = pidfd_open_ (pid);
  uint64_t deadline = timeout_s > 0 ? gr_now_ns () + (uint64_t) timeout_s * 1000000000ull : 0;
  bool out_open = true;
  for (;;)
    {
      struct pollfd fds[2] = { { pfd, POLLIN, 0 }, { out_open ? out : -1, POLLIN, 0 } };
      int ms = -1;
      if (deadline)
        {
          uint64_t now = gr_now_ns ();
          ms = now >= deadline ? 0 : (int) ((deadline - now) / 1000000) + 1;
        }
      int n = poll (fds, 2, pfd >= 0 ? ms : 0);
      if (n < 0 && errno == EINTR)
        continue;
      if (fds[1].revents)
        {
          char tmp[512];
          ssize_t r = read (out, tmp, sizeof tmp);
          if (r <= 0)
            out_open = false;
          else
            {
              size_t k = (size_t) r;
              if (*len + k > HOOK_OUTPUT_MAX)
                k = HOOK_OUTPUT_MAX - *len;
              memcpy (buf + *len, tmp, k);
              *len += k;
            }
          continue;
        }
      if (pfd < 0 || fds[0].revents || n < 0)
        break;
      if (n == 0 && deadline)
        {
          kill (pid, SIGKILL);
          waitpid (pid, status, 0);
          return gr_error_set (err, 0, "timed out after %d seconds", timeout_s);
        }
    }
  while (waitpid (pid, status, 0) < 0)
    if (errno != EINTR)
      return gr_error_set (err, errno, "wait");
  return 0;
}

/* first non-empty line of the output, for the one-line error */
static void
first_line (char *buf, size_t len)
{
  buf[len] = '\0';
  char *s = buf;
  while (*s == '\n' || *s == ' ')
    s++;
  memmove (buf, s, strlen (s) + 1);
  char *nl = strchr (buf, '\n');
  if (nl)
    *nl = '\0';
}

static int
run_one (const gr_hook *h, const char *json, gr_error **err)
{
  int op[2];
  pid_t pid;
  int status = 0;
  char buf[HOOK_OUTPUT_MAX + 1];
  size_t len = 0;

  cleanup_close int in = stdin_pipe (json, err);
  if (in < 0)
    return -1;
  if (pipe2 (op, O_CLOEXEC) < 0)
    return gr_error_set (err, errno, "pipe");
  cleanup_close int out = op[0];
  int w = op[1];
  int r = spawn_hook (h, in, w, &pid, err);
  close (w);
  if (r < 0)
    return -1;
  if (wait_hook (pid, out, h->has_timeout ? h->timeout : 0, buf, &len,
                 &status, err) < 0)
    return -1;
  first_line (buf, len);
  if (WIFEXITED (status) && WEXITSTATUS (status) == 0)
    return 0;
  cleanup_free char *how = WIFSIGNALED (status)
      ? gr_fmt ("killed by signal %d", WTERMSIG (status))
      : gr_fmt ("exit status %d", WEXITSTATUS (status));
  if (*buf)
    return gr_error_set (err, 0, "%s: %s", how, buf);
  return gr_error_set (err, 0, "%s", how);
}

int
gr_hooks_run (const gr_spec *s, enum gr_hook_kind kind, const char *json,
              gr_error **err)
{
  for (size_t i = 0; i < s->n_hooks[kind]; i++)
    {
      const gr_hook *h = &s->hooks[kind][i];
      if (run_one (h, json, err) < 0)
        return gr_error_wrap (err, "%s hook #%zu (%s) failed",
                              gr_hook_kind_names[kind], i, h->path);
    }
  return 0;
}

void
gr_hooks_run_warn (const gr_spec *s, enum gr_hook_kind kind, const char *json)
{
  for (size_t i = 0; i < s->n_hooks[kind]; i++)
    {
      cleanup_error gr_error *e = NULL;
      const gr_hook *h = &s->hooks[kind][i];
      if (run_one (h, json, &e) == 0)
        continue;
      cleanup_free char *msg = gr_error_string (e);
      gr_warn ("%s hook #%zu (%s) failed: %s", gr_hook_kind_names[kind], i,
               h->path, msg);
    }
}
