/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The container init: the clone of the runtime that becomes the container's
 * process.  Everything from the first namespace operation to execve happens
 * here, in this order (runc's, which the OCI hooks are defined against):
 *
 *   wait for the parent (uid/gid maps, cgroup) -> join namespaces -> time
 *   namespace -> hostname -> rootfs + mounts + /dev -> [parent: prestart,
 *   createRuntime hooks] -> createContainer hooks -> pivot_root -> terminal
 *   -> sysctl -> masked/read-only paths -> cwd -> rlimits, scheduler,
 *   personality -> keyring -> (seccomp if no NNP) -> user, groups,
 *   capabilities -> no_new_privs -> executable lookup -> CLOEXEC on every
 *   fd but stdio and --preserve-fds -> READY -> wait for start ->
 *   startContainer hooks -> LSM exec labels -> seccomp -> execve.
 *
 * Until READY every failure goes to the parent as one line of text; after
 * it, to whoever released the process (`run`'s parent, or `start`).
 */
#include <fcntl.h>
#include <signal.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <guardrun/container.h>
#include <guardrun/json.h>
#include <guardrun/lsm.h>
#include <guardrun/mount.h>
#include <guardrun/seccomp.h>
#include <guardrun/util.h>
#include "init.h"

int
gr_sync_send (int fd, uint32_t type, int32_t value, const char *text)
{
  gr_sync_msg m = { .type = type, .value = value };
  size_t len = 0;
  if (text)
    {
      len = strnlen (text, GR_SYNC_TEXT_MAX - 1);
      memcpy (m.text, text, len);
    }
  m.text[len] = '\0';
  size_t total = offsetof (gr_sync_msg, text) + len + 1;
  while (send (fd, &m, total, MSG_NOSIGNAL) < 0)
    if (errno != EINTR)
      return -1;
  return 0;
}

ssize_t
gr_sync_recv (int fd, gr_sync_msg *m)
{
  ssize_t n;
  while ((n = recv (fd, m, sizeof *m - 1, 0)) < 0)
    if (errno != EINTR)
      return -1;
  if (n == 0)
    return 0;
  if ((size_t) n < offsetof (gr_sync_msg, text))
    {
      errno = EPROTO;
      return -1;
    }
  ((char *) m)[n] = '\0';
  if ((size_t) n == offsetof (gr_sync_msg, text))
    m->text[0] = '\0';
  return n;
}

int
gr_pidfd_open (pid_t pid)
{
  return (int) syscall (SYS_pidfd_open, pid, 0);
}

/* report and die: the init never returns to the runtime's code */
static _Noreturn void
fail (int fd, gr_error *err)
{
  cleanup_free char *msg = gr_error_string (err);
  int status = err && err->status ? err->status : 1;
  gr_sync_send (fd, GR_SYNC_ERROR, status, msg);
  _exit (status);
}

static void
wait_continue (int fd)
{
  gr_sync_msg m;
  /* EOF: the parent gave up (and is killing us anyway) */
  if (gr_sync_recv (fd, &m) <= 0 || m.type != GR_SYNC_CONTINUE)
    _exit (1);
}

static char *
state_json (gr_init_ctx *c, gr_status status)
{
  return gr_state_to_oci_json (c->state, status, false, NULL);
}

/* --------------------------------------------------------- before pivot */
static int
enter_namespaces (gr_init_ctx *c, gr_error **err)
{
  if (gr_ns_join (&c->ns, err) < 0)
    return -1;
  gr_ns_plan_close (&c->ns);
  /* while still the host's uid: /proc/self is not ours once setresuid
     makes us non-dumpable */
  if (c->ns.new_time && gr_ns_setup_time (c->spec, err) < 0)
    return -1;
  if (c->userns)
    {
      /* become the container's root when the maps allow it */
      (void) setresgid (0, 0, 0);
      (void) setresuid (0, 0, 0);
    }
  /* from here /proc/<pid>/exe and friends are for host root only */
  prctl (PR_SET_DUMPABLE, 0, 0, 0, 0);
  return gr_ns_set_uts (c->spec, err);
}

static int
build_rootfs (gr_init_ctx *c, const gr_rootfs_opts *ro, gr_error **err)
{
  const gr_spec *s = c->spec;
  if (gr_rootfs_prepare (s, ro, err) < 0)
    return -1;
  if (s->n_hooks[GR_HOOK_PRESTART] || s->n_hooks[GR_HOOK_CREATE_RUNTIME])
    {
      if (gr_sync_send (c->sync_fd, GR_SYNC_HOOKS, 0, NULL) < 0)
        return gr_error_set (err, errno, "sync with the runtime");
      wait_continue (c->sync_fd);
    }
  if (s->n_hooks[GR_HOOK_CREATE_CONTAINER])
    {
      cleanup_free char *json = state_json (c, GR_STATUS_CREATING);
      if (gr_hooks_run (s, GR_HOOK_CREATE_CONTAINER, json, err) < 0)
        return -1;
    }
  if (gr_rootfs_pivot (s, ro, err) < 0)
    return -1;
  if (c->console_fd >= 0)
    {
      if (c->console_fd == c->sync_fd
          && gr_sync_send (c->sync_fd, GR_SYNC_CONSOLE, 0, NULL) < 0)
        return gr_error_set (err, errno, "sync with the runtime");
      if (gr_console_setup (s->process, c->console_fd, err) < 0)
        return -1;
      if (c->console_fd != c->sync_fd)
        close (c->console_fd);
      c->console_fd = -1;
    }
  if (gr_ns_write_sysctl (s, err) < 0)
    return -1;
  return gr_rootfs_finalize (s, ro, err);
}

/* ---------------------------------------------------------- after pivot */
static int
join_keyring (gr_init_ctx *c, gr_error **err)
{
  if (c->selinux && gr_selinux_set_keycreate (c->selinux, err) < 0)
    return -1;
  if (c->no_new_keyring)
    return 0;
  /* KEYCTL_JOIN_SESSION_KEYRING (1), anonymous: the container must not
     share the caller's session keyring */
  if (syscall (SYS_keyctl, 1, NULL, 0, 0, 0) < 0 && errno != ENOSYS
      && errno != EPERM)
    return gr_error_set (err, errno, "join a new session keyring");
  return 0;
}

static int
set_lsm_labels (gr_init_ctx *c, gr_error **err)
{
  if (c->apparmor && gr_apparmor_set_exec (c->apparmor, err) < 0)
    return -1;
  if (c->selinux && gr_selinux_set_exec (c->selinux, err) < 0)
    return -1;
  return 0;
}

/* The runtime spec's containerProcessState, sent with the listener fd to
   linux.seccomp.listenerPath.  Built before the filter is loaded: after it,
   only write/sendmsg are sure not to be notified. */
static char *
listener_message (gr_init_ctx *c, size_t *len)
{
  const gr_seccomp *sc = c->spec->lnx ? c->spec->lnx->seccomp : NULL;
  cleanup_jw gr_jw *w = gr_jw_new (false);
  cleanup_free char *state = state_json (c, GR_STATUS_CREATING);
  cleanup_json gr_json *sj = NULL;
  gr_jw_obj_open (w);
  gr_jw_kstr (w, "ociVersion", GR_OCI_VERSION);
  gr_jw_key (w, "fds");
  gr_jw_arr_open (w);
  gr_jw_str (w, "seccompFd");
  gr_jw_arr_close (w);
  gr_jw_kint (w, "pid", c->state->pid);
  gr_jw_kstr (w, "metadata", sc && sc->listener_metadata ? sc->listener_metadata : "");
  gr_jw_key (w, "state");
  if (gr_json_parse ("state", state, strlen (state), &sj, NULL) == 0)
    gr_jw_tree (w, sj);
  else
    gr_jw_null (w);
  gr_jw_obj_close (w);
  const char *buf = gr_jw_buf (w, len);
  return gr_xstrndup (buf, *len);
}

static int
install_seccomp (gr_init_ctx *c, gr_error **err)
{
  int notify = -1;
  size_t len = 0;
  if (c->seccomp == NULL)
    return 0;
  cleanup_free char *msg = c->seccomp_listener >= 0
                               ? listener_message (c, &len) : NULL;
  int r = gr_seccomp_install (c->seccomp, &notify);
  if (r < 0)
    return gr_error_set (err, -r, "install the seccomp filter");
  if (notify < 0)
    return 0;
  r = c->seccomp_listener >= 0
          ? gr_send_fd (c->seccomp_listener, notify, msg, len, err) : 0;
  close (notify);
  if (r < 0)
    return gr_error_wrap (err, "linux.seccomp.listenerPath");
  close (c->seccomp_listener);
  c->seccomp_listener = -1;
  return 0;
}

static int
setup_process (gr_init_ctx *c, char **path, char ***env, gr_error **err)
{
  const gr_process *p = c->spec->process;
  const gr_personality *pers = c->spec->lnx ? c->spec->lnx->personality : NULL;
  if (gr_proc_chdir (p->cwd, err) < 0 || gr_proc_set_rlimits (p, err) < 0
      || gr_proc_set_sched (p, err) < 0
      || gr_proc_set_personality (pers, err) < 0
      || gr_proc_set_cpu_affinity (p->exec_cpu_affinity_initial, err) < 0
      || join_keyring (c, err) < 0)
    return -1;
  /* without no_new_privs the filter needs CAP_SYS_ADMIN: load it while we
     still have it (runc's order) */
  if (!p->no_new_privileges && install_seccomp (c, err) < 0)
    return -1;
  *env = gr_proc_env (p, c->extra_env);
  if (gr_proc_set_identity (p, err) < 0 || gr_proc_set_no_new_privs (p, err) < 0)
    return -1;
  /* looked up as the final user, so permission problems show at create */
  if (gr_proc_find_exec (p->args[0], *env, path, err) < 0)
    return -1;
  if (gr_proc_set_cpu_affinity (p->exec_cpu_affinity_final, err) < 0)
    return -1;
  /* stdio and --preserve-fds go to the container; everything else of the
     runtime closes at execve (CVE-2024-21626) */
  if (gr_cloexec_fds_from (3 + (int) c->preserve_fds) < 0)
    return gr_error_set (err, errno, "close the runtime's file descriptors");
  for (unsigned i = 0; i < c->preserve_fds; i++)
    fcntl (3 + (int) i, F_SETFD, 0);
  return 0;
}

/* wait for `run` (GO_EXEC) or `start` (GO_WAIT -> a connection on the
   start socket); returns the fd that takes a failure report */
static int
wait_release (gr_init_ctx *c)
{
  gr_sync_msg m;
  if (gr_sync_recv (c->sync_fd, &m) <= 0)
    _exit (1);
  if (m.type == GR_SYNC_GO_EXEC)
    return c->sync_fd;
  if (m.type != GR_SYNC_GO_WAIT || c->start_fd < 0)
    _exit (1);
  close (c->sync_fd);
  int conn;
  while ((conn = accept4 (c->start_fd, NULL, NULL, SOCK_CLOEXEC)) < 0)
    if (errno != EINTR)
      _exit (1);
  close (c->start_fd);
  return conn;
}

_Noreturn void
gr_init_main (gr_init_ctx *c)
{
  cleanup_error gr_error *err = NULL;
  const gr_spec *s = c->spec;
  gr_rootfs_opts ro = {
    .rootfs = c->rootfs,
    .userns = c->userns,
    .console_fd = -1,
    .mount_label = c->mount_label,
    .no_pivot = c->no_pivot,
  };
  char *path = NULL, **env = NULL;

  prctl (PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0);
  {
    gr_sync_msg m;
    if (gr_sync_recv (c->sync_fd, &m) <= 0 || m.type != GR_SYNC_CONTINUE)
      _exit (1);
    c->state->pid = m.value;
  }
  if (enter_namespaces (c, &err) < 0 || build_rootfs (c, &ro, &err) < 0
      || setup_process (c, &path, &env, &err) < 0)
    fail (c->sync_fd, err);
  /* `create` exits after READY: from here a dead parent shows as EOF on
     the sync socket, and must not take the created container with it */
  prctl (PR_SET_PDEATHSIG, 0, 0, 0, 0);
  if (gr_sync_send (c->sync_fd, GR_SYNC_READY, 0, NULL) < 0)
    _exit (1);

  int report = wait_release (c);
  if (s->n_hooks[GR_HOOK_START_CONTAINER])
    {
      cleanup_free char *json = state_json (c, GR_STATUS_CREATED);
      if (gr_hooks_run (s, GR_HOOK_START_CONTAINER, json, &err) < 0)
        fail (report, err);
    }
  /* signals queued during setup are delivered from here on, as they would
     have been to the process */
  gr_proc_reset_signals ();
  /* the labels last: the runtime's hooks above are not the container's
     process and must not run confined as one */
  if (set_lsm_labels (c, &err) < 0)
    fail (report, err);
  if (s->process->no_new_privileges && install_seccomp (c, &err) < 0)
    fail (report, err);
  execve (path, s->process->args, env);
  gr_error_set_status (&err, errno == ENOENT ? 127 : 126, errno,
                       "exec: \"%s\"", path);
  fail (report, err);
}
