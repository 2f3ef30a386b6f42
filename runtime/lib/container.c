/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The lifecycle: create, run, start, kill, delete.
 *
 * create: config -> policy (refuse before anything exists) -> seccomp BPF
 * -> state dir (locked) -> cgroup -> one clone3 of the init, straight into
 * its namespaces and cgroup -> uid/gid maps -> step-by-step sync with the
 * init (hooks in the runtime namespace when it asks) -> state + pid file ->
 * the init waits on the state dir's start socket; create exits.
 * start connects to that socket, which releases the init; the connection
 * closes when execve succeeds (CLOEXEC) or carries the failure.
 * run does the same in one process and, in the foreground, waits.
 * Any failure kills the init, removes the cgroup and the state: the mounts
 * live only in the init's mount namespace and vanish with it.
 */
#include <fcntl.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <guardrun/cgroup.h>
#include <guardrun/container.h>
#include <guardrun/log.h>
#include <guardrun/lsm.h>
#include <guardrun/policy.h>
#include <guardrun/seccomp.h>
#include <guardrun/util.h>
#include "init.h"

#ifndef CLONE_PIDFD
#define CLONE_PIDFD 0x00001000
#endif
#ifndef CLONE_INTO_CGROUP
#define CLONE_INTO_CGROUP 0x200000000ULL
#endif

#define START_SOCK "exec.sock"
#define CONFIG_COPY "config.json"

enum { MODE_CREATE, MODE_RUN, MODE_RUN_DETACH };

typedef struct {
  const gr_create_opts *o;
  int mode;
  char *bundle, *rootfs, *created;
  gr_spec *spec;
  gr_policy *policy;
  gr_seccomp_prog *seccomp;
  char *apparmor, *selinux, *mount_label;
  gr_ns_plan ns;
  int rootfd, dirfd;
  bool dir_made;
  gr_cgroup cg;
  bool cg_made, cg_enter;
  int sync, start_fd, console_fd, master, listener;
  pid_t pid;
  int pidfd;
  unsigned preserve_fds;
  char *listen_env[3];
  gr_state st;
} ctr;

static void
ctr_init (ctr *c, const gr_create_opts *o, int mode)
{
  memset (c, 0, sizeof *c);
  c->o = o;
  c->mode = mode;
  c->rootfd = c->dirfd = c->sync = c->start_fd = c->console_fd = -1;
  c->master = c->pidfd = c->listener = -1;
  c->cg = (gr_cgroup) GR_CGROUP_INIT;
  for (int i = 0; i < 8; i++)
    c->ns.join_fd[i] = -1;
}

static void
close_fd (int *fd)
{
  if (*fd >= 0)
    close (*fd);
  *fd = -1;
}

static void
ctr_free (ctr *c)
{
  close_fd (&c->rootfd);
  close_fd (&c->dirfd);
  close_fd (&c->sync);
  close_fd (&c->start_fd);
  close_fd (&c->console_fd);
  close_fd (&c->master);
  close_fd (&c->listener);
  close_fd (&c->pidfd);
  gr_ns_plan_close (&c->ns);
  gr_cgroup_close (&c->cg);
  gr_seccomp_prog_free (c->seccomp);
  gr_policy_free (c->policy);
  gr_spec_free (c->spec);
  free (c->bundle);
  free (c->rootfs);
  free (c->created);
  free (c->apparmor);
  free (c->selinux);
  free (c->mount_label);
  free (c->listen_env[0]);
}

static char *
state_json (const gr_state *st, gr_status status)
{
  return gr_state_to_oci_json (st, status, false, NULL);
}

/* Spec "delete" for a container whose process is gone: poststop hooks (a
   failure is only a warning), cgroup, state. */
static void
destroy (const gr_spec *s, const gr_state *st, gr_cgroup *cg, int rootfd)
{
  if (s && s->n_hooks[GR_HOOK_POSTSTOP])
    {
      cleanup_free char *json = state_json (st, GR_STATUS_STOPPED);
      gr_hooks_run_warn (s, GR_HOOK_POSTSTOP, json);
    }
  if (cg)
    {
      cleanup_error gr_error *e = NULL;
      if (gr_cgroup_destroy (cg, &e) < 0)
        {
          cleanup_free char *m = gr_error_string (e);
          gr_warn ("remove the cgroup of `%s`: %s", st->id, m);
        }
    }
  cleanup_error gr_error *e = NULL;
  if (rootfd >= 0 && gr_state_remove (rootfd, st->id, &e) < 0)
    {
      cleanup_free char *m = gr_error_string (e);
      gr_warn ("%s", m);
    }
}

/* A create that failed: nothing may be left behind. */
static void
ctr_abort (ctr *c)
{
  if (c->pid > 0)
    {
      kill (c->pid, SIGKILL);
      while (waitpid (c->pid, NULL, 0) < 0 && errno == EINTR)
        ;
    }
  if (c->dir_made)
    destroy (c->pid > 0 ? c->spec : NULL, &c->st, c->cg_made ? &c->cg : NULL,
             c->rootfd);
  else if (c->cg_made)
    gr_cgroup_destroy (&c->cg, NULL);
  c->cg_made = false;
  c->pid = 0;
}

/* ------------------------------------------------------------ config */
static int
load_bundle (ctr *c, gr_error **err)
{
  const char *b = c->o->bundle ? c->o->bundle : ".";
  c->bundle = realpath (b, NULL);
  if (c->bundle == NULL)
    return gr_error_set (err, errno, "bundle `%s`", b);
  cleanup_close int bfd = open (c->bundle, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (bfd < 0)
    return gr_error_set (err, errno, "bundle `%s`", c->bundle);
  if (gr_spec_load (bfd, &c->spec, err) < 0
      || gr_spec_validate_for_create (c->spec, err) < 0)
    return -1;
  const char *root = c->spec->root_path ? c->spec->root_path : "rootfs";
  cleanup_free char *joined = root[0] == '/' ? gr_xstrdup (root)
                                             : gr_fmt ("%s/%s", c->bundle, root);
  c->rootfs = realpath (joined, NULL);
  struct stat st;
  if (c->rootfs == NULL || stat (c->rootfs, &st) < 0 || !S_ISDIR (st.st_mode))
    return gr_error_set (err, c->rootfs ? ENOTDIR : errno,
                         "rootfs (\"%s\") does not exist", joined);
  return 0;
}

/* the limits of what a config can ask for, beyond its types */
static int
check_namespaces (ctr *c, gr_error **err)
{
  const gr_spec *s = c->spec;
  if (gr_spec_namespace (s, "mount") == NULL)
    return gr_error_set (err, 0, "linux.namespaces: a mount namespace is "
                                 "required (the rootfs must not be set up in "
                                 "the host's)");
  if ((s->hostname && *s->hostname) || (s->domainname && *s->domainname))
    if (gr_spec_namespace (s, "uts") == NULL)
      return gr_error_set (err, 0, "unable to set hostname without a private "
                                   "UTS namespace");
  const gr_namespace *net = gr_spec_namespace (s, "network");
  bool private_net = net != NULL;
  if (net && net->path && *net->path)
    {
      struct stat a, b;
      private_net = !(stat (net->path, &a) == 0
                      && stat ("/proc/self/ns/net", &b) == 0
                      && a.st_ino == b.st_ino && a.st_dev == b.st_dev);
    }
  if (gr_ns_check_sysctl (s, private_net, err) < 0)
    return -1;
  return 0;
}

static int
check_policy (ctr *c, gr_error **err)
{
  gr_policy_ctx pctx = { .id = c->o->id, .bundle = c->bundle };
  if (gr_policy_load (c->o->policy, c->o->policy_mode, &c->policy, err) < 0)
    return -1;
  if (gr_policy_check (c->policy, c->spec, &pctx, NULL, err) < 0)
    return -1;
  /* seccomp compiled here, so the init only loads a ready program */
  const gr_seccomp *profile = c->spec->lnx ? c->spec->lnx->seccomp : NULL;
  const char *def = gr_policy_default_seccomp (c->policy);
  const char *cache = geteuid () == 0 ? GR_SECCOMP_CACHE_DIR : NULL;
  if (profile && gr_seccomp_compile (profile, cache, &c->seccomp, err) < 0)
    return gr_error_wrap (err, "linux.seccomp");
  if (profile == NULL && def && strcmp (def, "default") == 0
      && gr_seccomp_compile_default (cache, &c->seccomp, err) < 0)
    return gr_error_wrap (err, "the default seccomp profile");
  return 0;
}

static int
lsm_missing (gr_lsm_missing how, const char *what, gr_error **err)
{
  if (how == GR_LSM_MISSING_REFUSE)
    return gr_error_set (err, 0, "%s is not enabled on this host", what);
  if (how == GR_LSM_MISSING_WARN)
    gr_warn ("%s is not enabled on this host: the container runs without it",
             what);
  return 0;
}

/* the exec labels: the config's, else the policy's default */
static int
choose_lsm (ctr *c, gr_error **err)
{
  const gr_process *p = c->spec->process;
  const char *aa = p->apparmor_profile;
  if (aa == NULL)
    aa = gr_policy_default_apparmor (c->policy);
  if (aa && !gr_apparmor_enabled ())
    {
      if (p->apparmor_profile
          && lsm_missing (gr_policy_apparmor_missing (c->policy), "AppArmor",
                          err) < 0)
        return -1;
    }
  else if (aa)
    {
      if (gr_apparmor_ensure_loaded (aa, err) < 0)
        return -1;
      c->apparmor = gr_xstrdup (aa);
    }
  if (p->selinux_label)
    {
      if (gr_selinux_enabled ())
        c->selinux = gr_xstrdup (p->selinux_label);
      else if (lsm_missing (gr_policy_selinux_missing (c->policy), "SELinux",
                            err) < 0)
        return -1;
    }
  else if (gr_policy_default_selinux_type (c->policy) && gr_selinux_enabled ())
    c->selinux = gr_selinux_default_label (
        gr_policy_default_selinux_type (c->policy), &c->mount_label);
  if (c->mount_label == NULL && c->spec->lnx && c->spec->lnx->mount_label)
    c->mount_label = gr_xstrdup (c->spec->lnx->mount_label);
  return 0;
}

/* --preserve-fds and socket activation (LISTEN_FDS, as runc passes it) */
static int
check_fds (ctr *c, gr_error **err)
{
  c->preserve_fds = c->o->preserve_fds;
  const char *lf = getenv ("LISTEN_FDS"), *lp = getenv ("LISTEN_PID");
  uint64_t n, pid;
  if (lf && lp && gr_parse_u64 (lf, &n) == 0 && gr_parse_u64 (lp, &pid) == 0
      && pid == (uint64_t) getpid () && n > 0 && n < 1024)
    {
      c->preserve_fds += (unsigned) n;
      c->listen_env[0] = gr_fmt ("LISTEN_FDS=%u", (unsigned) n);
      c->listen_env[1] = (char *) "LISTEN_PID=1";
    }
  for (unsigned i = 0; i < c->preserve_fds; i++)
    if (fcntl (3 + (int) i, F_GETFD) < 0)
      return gr_error_set (err, EBADF, "--preserve-fds: fd %u is not open",
                           3 + i);
  return 0;
}

static int
prepare (ctr *c, gr_error **err)
{
  if (gr_id_validate (c->o->id, err) < 0 || load_bundle (c, err) < 0)
    return -1;
  /* the policy first: it may harden the config the other checks read */
  if (check_policy (c, err) < 0 || check_namespaces (c, err) < 0
      || choose_lsm (c, err) < 0 || check_fds (c, err) < 0)
    return -1;
  if (c->spec->process->terminal && c->o->console_socket == NULL
      && c->mode != MODE_RUN)
    return gr_error_set (err, 0, "cannot allocate tty if guardrun will "
                                 "detach without setting console socket");
  return gr_ns_plan_make (c->spec, &c->ns, err);
}

/* ------------------------------------------------------------ state */
static int
bind_start_socket (ctr *c, gr_error **err)
{
  struct sockaddr_un a = { .sun_family = AF_UNIX };
  /* through the dirfd: the state path may be longer than sun_path */
  snprintf (a.sun_path, sizeof a.sun_path, "/proc/self/fd/%d/" START_SOCK,
            c->dirfd);
  c->start_fd = socket (AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0);
  if (c->start_fd < 0 || bind (c->start_fd, (struct sockaddr *) &a, sizeof a) < 0
      || listen (c->start_fd, 4) < 0)
    return gr_error_set (err, errno, "create the start socket");
  return 0;
}

/* The config as validated (and hardened), for start/kill/delete.  No
   fsync: the directory is new, nobody reads it before create finishes, and
   a crash leaves a container that `delete --force` removes anyway. */
static int
write_config_copy (ctr *c, gr_error **err)
{
  size_t len;
  cleanup_free char *cfg = gr_spec_to_json (c->spec, &len);
  cleanup_close int fd = openat (c->dirfd, CONFIG_COPY, O_WRONLY | O_CREAT
                                     | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
  if (fd < 0 || gr_write_all (fd, cfg, len) < 0)
    return gr_error_set (err, errno, "write the config copy");
  return 0;
}

static int
make_state (ctr *c, gr_error **err)
{
  const gr_create_opts *o = c->o;
  c->rootfd = gr_state_root_open (o->root, true, err);
  if (c->rootfd < 0)
    return -1;
  c->dirfd = gr_state_create_dir (c->rootfd, o->id, err);
  if (c->dirfd < 0)
    {
      struct stat st;
      if (fstatat (c->rootfd, o->id, &st, AT_SYMLINK_NOFOLLOW) == 0)
        {
          gr_error_freep (err);
          return gr_error_set (err, EEXIST, "container with id exists: %s "
                                            "(a container with this ID "
                                            "already exists)", o->id);
        }
      return -1;
    }
  c->dir_made = true;
  char created[64];
  gr_rfc3339 (created, sizeof created);
  c->created = gr_xstrdup (created);
  c->st = (gr_state) {
    .id = (char *) o->id, .bundle = c->bundle, .rootfs = c->rootfs,
    .created = c->created, .systemd_cgroup = o->systemd_cgroup,
    .policy = (char *) gr_policy_name (c->policy),
    .annotations = c->spec->annotations,
    .n_annotations = c->spec->n_annotations,
  };
  if (write_config_copy (c, err) < 0)
    return -1;
  if (c->mode == MODE_CREATE && bind_start_socket (c, err) < 0)
    return -1;
  if (gr_cgroup_create (c->spec, o->id, o->systemd_cgroup, c->policy, &c->cg,
                        err) < 0)
    return -1;
  c->cg_made = true;
  c->st.cgroup_path = c->cg.path;
  return 0;
}

/* pid file: written whole or not at all, relative to the caller's cwd */
static int
write_pid_file (const char *path, pid_t pid, gr_error **err)
{
  cleanup_free char *dir = gr_xstrdup (path);
  char *slash = strrchr (dir, '/');
  const char *name = path;
  cleanup_close int dfd = AT_FDCWD;
  if (slash)
    {
      *slash = '\0';
      name = slash + 1;
      dfd = open (*dir ? dir : "/", O_PATH | O_DIRECTORY | O_CLOEXEC);
      if (dfd < 0)
        return gr_error_set (err, errno, "--pid-file `%s`", path);
    }
  /* rename makes it atomic for readers; no fsync: a pid does not outlive
     a crash of the machine */
  char buf[32], tmp[64];
  int n = snprintf (buf, sizeof buf, "%d", pid);
  snprintf (tmp, sizeof tmp, ".guardrun-pid.%d", getpid ());
  cleanup_close int fd = openat (dfd, tmp, O_WRONLY | O_CREAT | O_TRUNC
                                               | O_NOFOLLOW | O_CLOEXEC, 0644);
  if (fd < 0 || gr_write_all (fd, buf, (size_t) n) < 0
      || renameat (dfd, tmp, dfd, name) < 0)
    {
      int e = errno;
      unlinkat (dfd, tmp, 0);
      return gr_error_set (err, e, "--pid-file `%s`", path);
    }
  return 0;
}

/* ------------------------------------------------------------ spawn */
struct gr_clone_args {
  uint64_t flags, pidfd, child_tid, parent_tid, exit_signal, stack,
      stack_size, tls, set_tid, set_tid_size, cgroup;
};

/* A pid namespace joined by path has to be entered before the clone: setns
   only moves the caller's future children, and the init must be one of
   them.  The runtime returns to its own namespace right after. */
static int
enter_pid_ns (ctr *c, int *own, gr_error **err)
{
  *own = -1;
  for (int i = 0; i < 8 && c->ns.join_fd[i] >= 0; i++)
    if (c->ns.join_type[i] == CLONE_NEWPID)
      {
        *own = open ("/proc/self/ns/pid", O_RDONLY | O_CLOEXEC);
        if (*own < 0 || setns (c->ns.join_fd[i], CLONE_NEWPID) < 0)
          return gr_error_set (err, errno, "linux.namespaces[pid]: join");
      }
  return 0;
}

static pid_t
clone_init (ctr *c)
{
  struct gr_clone_args a = {
    .flags = c->ns.clone_flags | CLONE_PIDFD,
    .pidfd = (uint64_t) (uintptr_t) &c->pidfd,
    .exit_signal = SIGCHLD,
  };
  if (c->cg.dirfd >= 0)
    {
      a.flags |= CLONE_INTO_CGROUP;
      a.cgroup = (uint64_t) c->cg.dirfd;
    }
  /* systemd's scope (no dirfd) is entered after the clone */
  c->cg_enter = c->cg.dirfd < 0;
  long r = syscall (SYS_clone3, &a, sizeof a);
  if (r < 0 && errno != ENOSYS && (a.flags & CLONE_INTO_CGROUP))
    {
      /* e.g. a cgroup the kernel cannot place us in directly */
      a.flags &= ~CLONE_INTO_CGROUP;
      a.cgroup = 0;
      c->cg_enter = true;
      r = syscall (SYS_clone3, &a, sizeof a);
    }
  if (r < 0 && errno == ENOSYS)
    {
      c->cg_enter = true;
      c->pidfd = -1;
      r = syscall (SYS_clone, c->ns.clone_flags | SIGCHLD, 0, 0, 0, 0);
    }
  return (pid_t) r;
}

static _Noreturn void
child (ctr *c, int sync)
{
  /* the state dir's lock lives on this open file: the init must not keep
     it, nor any host directory (CVE-2024-21626) */
  close (c->dirfd);
  close (c->rootfd);
  if (c->cg.dirfd >= 0)
    close (c->cg.dirfd);
  gr_init_ctx ic = {
    .spec = c->spec, .state = &c->st, .rootfs = c->rootfs, .ns = c->ns,
    .sync_fd = sync, .start_fd = c->start_fd,
    .console_fd = !c->spec->process->terminal ? -1
                  : c->console_fd >= 0 ? c->console_fd : sync,
    .preserve_fds = c->preserve_fds, .no_pivot = c->o->no_pivot,
    .no_new_keyring = c->o->no_new_keyring,
    .userns = (c->ns.clone_flags & CLONE_NEWUSER) != 0,
    .seccomp = c->seccomp, .seccomp_listener = c->listener,
    .apparmor = c->apparmor, .selinux = c->selinux,
    .mount_label = c->mount_label,
    .extra_env = c->listen_env[0] ? c->listen_env : NULL,
  };
  for (int i = 0; i < 8 && c->ns.join_type[i]; i++)
    if (c->ns.join_type[i] == CLONE_NEWUSER)
      ic.userns = true;
  gr_init_main (&ic);
}

static int
after_clone (ctr *c, gr_error **err)
{
  const gr_process *p = c->spec->process;
  if ((c->ns.clone_flags & CLONE_NEWUSER)
      && gr_ns_write_id_maps (c->pid, c->spec, err) < 0)
    return -1;
  if (c->cg_enter && (c->cg.path || c->cg.unit)
      && gr_cgroup_enter (&c->cg, c->pid, err) < 0)
    return -1;
  if (p->has_oom_score_adj)
    {
      char path[64], val[16];
      snprintf (path, sizeof path, "/proc/%d/oom_score_adj", c->pid);
      int n = snprintf (val, sizeof val, "%d", p->oom_score_adj);
      if (gr_write_file (path, val, (size_t) n, err) < 0)
        return gr_error_wrap (err, "process.oomScoreAdj");
    }
  if (gr_sync_send (c->sync, GR_SYNC_CONTINUE, c->pid, NULL) < 0)
    return gr_error_set (err, errno, "sync with the container init");
  return 0;
}

static int
spawn (ctr *c, gr_error **err)
{
  int sp[2];
  if (c->spec->process->terminal && c->o->console_socket
      && (c->console_fd = gr_console_connect (c->o->console_socket, err)) < 0)
    return -1;
  const gr_seccomp *sc = c->spec->lnx ? c->spec->lnx->seccomp : NULL;
  if (c->seccomp && gr_seccomp_prog_needs_notify (c->seccomp) && sc
      && sc->listener_path
      && (c->listener = gr_unix_connect (sc->listener_path,
                                         "linux.seccomp.listenerPath",
                                         err)) < 0)
    return -1;
  if (socketpair (AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sp) < 0)
    return gr_error_set (err, errno, "socketpair");
  c->sync = sp[0];
  /* signals wait in the queue until the init resets its mask before exec,
     and reach `run` through a signalfd */
  sigset_t all;
  sigfillset (&all);
  sigprocmask (SIG_BLOCK, &all, NULL);
  cleanup_close int own_pidns = -1;
  if (enter_pid_ns (c, &own_pidns, err) < 0)
    {
      close (sp[1]);
      return -1;
    }
  c->pid = clone_init (c);
  if (c->pid == 0)
    {
      close (sp[0]);
      child (c, sp[1]);
    }
  int e = errno;
  close (sp[1]);
  if (own_pidns >= 0 && setns (own_pidns, CLONE_NEWPID) < 0)
    return gr_error_set (err, errno, "return to the runtime's pid namespace");
  if (c->pid < 0)
    {
      c->pid = 0;
      return gr_error_set (err, e, "clone the container init");
    }
  c->st.pid = c->pid;
  gr_ns_plan_close (&c->ns);
  close_fd (&c->console_fd);
  close_fd (&c->listener);
  return after_clone (c, err);
}

static int
init_died (ctr *c, gr_error **err)
{
  int status = 0;
  while (waitpid (c->pid, &status, 0) < 0 && errno == EINTR)
    ;
  c->pid = 0;
  if (WIFSIGNALED (status))
    return gr_error_set (err, 0, "the container init was killed by signal %d "
                                 "during setup", WTERMSIG (status));
  return gr_error_set (err, 0, "the container init exited during setup "
                               "(status %d)", WEXITSTATUS (status));
}

/* answer the init's requests until it is READY */
static int
sync_setup (ctr *c, gr_error **err)
{
  gr_sync_msg m;
  for (;;)
    {
      ssize_t n = gr_sync_recv (c->sync, &m);
      if (n < 0)
        return gr_error_set (err, errno, "sync with the container init");
      if (n == 0)
        return init_died (c, err);
      switch (m.type)
        {
        case GR_SYNC_READY:
          return 0;
        case GR_SYNC_ERROR:
          return gr_error_set_status (err, m.value > 0 ? m.value : 1, 0, "%s",
                                      m.text);
        case GR_SYNC_CONSOLE:
          c->master = gr_console_recv_fd (c->sync, err);
          if (c->master < 0)
            return -1;
          break;
        case GR_SYNC_HOOKS:
          {
            cleanup_free char *json = state_json (&c->st, GR_STATUS_CREATING);
            if (gr_hooks_run (c->spec, GR_HOOK_PRESTART, json, err) < 0
                || gr_hooks_run (c->spec, GR_HOOK_CREATE_RUNTIME, json, err) < 0)
              return -1;
            if (gr_sync_send (c->sync, GR_SYNC_CONTINUE, c->pid, NULL) < 0)
              return gr_error_set (err, errno, "sync with the container init");
            break;
          }
        default:
          return gr_error_set (err, EPROTO, "sync with the container init: "
                                            "unexpected message %u", m.type);
        }
    }
}

static int
record_created (ctr *c, gr_error **err)
{
  c->st.pid_start = gr_proc_starttime (c->pid);
  if (c->o->pid_file && write_pid_file (c->o->pid_file, c->pid, err) < 0)
    return -1;
  /* `run` writes the state once, when the process runs */
  if (c->mode != MODE_CREATE)
    return 0;
  return gr_state_write (c->dirfd, &c->st, err);
}

/* read the outcome of the release: EOF = execve succeeded */
static int
wait_exec (int fd, gr_error **err)
{
  gr_sync_msg m;
  for (;;)
    {
      ssize_t n = gr_sync_recv (fd, &m);
      if (n == 0)
        return 0;
      if (n < 0)
        return gr_error_set (err, errno, "wait for the container process");
      if (m.type == GR_SYNC_ERROR)
        return gr_error_set_status (err, m.value > 0 ? m.value : 1, 0, "%s",
                                    m.text);
    }
}

static int
create_common (ctr *c, gr_error **err)
{
  if (prepare (c, err) < 0)
    return -1;
  if (make_state (c, err) < 0 || spawn (c, err) < 0 || sync_setup (c, err) < 0
      || record_created (c, err) < 0)
    {
      ctr_abort (c);
      return -1;
    }
  return 0;
}

int
gr_container_create (const gr_create_opts *o, gr_error **err)
{
  ctr c;
  ctr_init (&c, o, MODE_CREATE);
  int r = create_common (&c, err);
  if (r == 0 && gr_sync_send (c.sync, GR_SYNC_GO_WAIT, 0, NULL) < 0)
    {
      r = gr_error_set (err, errno, "release the container init");
      ctr_abort (&c);
    }
  ctr_free (&c);
  return r;
}

/* ------------------------------------------------------------ run */
static int
exit_code (int status)
{
  if (WIFSIGNALED (status))
    return 128 + WTERMSIG (status);
  return WEXITSTATUS (status);
}

static void
forward (ctr *c, const struct signalfd_siginfo *si, int *status, bool *done)
{
  if (si->ssi_signo == SIGCHLD)
    {
      int st;
      if (waitpid (c->pid, &st, WNOHANG) == c->pid)
        {
          *status = st;
          *done = true;
        }
      return;
    }
  if (si->ssi_signo == SIGWINCH && c->master >= 0)
    {
      gr_console_resize (c->master);
      return;
    }
  kill (c->pid, (int) si->ssi_signo);
}

/* foreground: forward signals, proxy the terminal, reap */
static int
wait_foreground (ctr *c, gr_error **err)
{
  sigset_t all;
  sigfillset (&all);
  cleanup_close int sfd = signalfd (-1, &all, SFD_CLOEXEC);
  if (sfd < 0)
    return gr_error_set (err, errno, "signalfd");
  if (c->master >= 0 && gr_console_proxy_start (gr_steal_fd (c->master), err) < 0)
    return -1;
  int status = 0;
  bool done = false;
  /* the init may have exited before the signalfd existed */
  if (waitpid (c->pid, &status, WNOHANG) == c->pid)
    done = true;
  for (;;)
    {
      struct pollfd pf[3] = { { sfd, POLLIN, 0 } };
      int fds[2], n = gr_console_proxy_fds (fds, 2);
      if (done && n == 0)
        break;
      for (int i = 0; i < n; i++)
        pf[1 + i] = (struct pollfd) { fds[i], POLLIN, 0 };
      /* after the exit, only drain what the terminal still holds */
      if (poll (pf, (nfds_t) (1 + n), done ? 100 : -1) <= 0)
        {
          if (done)
            break;
          continue;
        }
      if (pf[0].revents & POLLIN)
        {
          struct signalfd_siginfo si;
          if (read (sfd, &si, sizeof si) == sizeof si)
            forward (c, &si, &status, &done);
        }
      for (int i = 0; i < n; i++)
        if (pf[1 + i].revents)
          gr_console_proxy_step (pf[1 + i].fd);
    }
  gr_console_proxy_stop ();
  c->pid = 0;
  return exit_code (status);
}

static void
mark_started (ctr *c)
{
  cleanup_error gr_error *e = NULL;
  c->st.started = true;
  if (gr_state_write (c->dirfd, &c->st, &e) < 0)
    {
      cleanup_free char *m = gr_error_string (e);
      gr_warn ("%s", m);
    }
  if (c->spec->n_hooks[GR_HOOK_POSTSTART])
    {
      cleanup_free char *json = state_json (&c->st, GR_STATUS_RUNNING);
      gr_hooks_run_warn (c->spec, GR_HOOK_POSTSTART, json);
    }
}

int
gr_container_run (const gr_create_opts *o, gr_error **err)
{
  ctr c;
  ctr_init (&c, o, o->detach ? MODE_RUN_DETACH : MODE_RUN);
  int r = create_common (&c, err);
  if (r == 0
      && (gr_sync_send (c.sync, GR_SYNC_GO_EXEC, 0, NULL) < 0
          ? gr_error_set (err, errno, "release the container init")
          : wait_exec (c.sync, err)) < 0)
    {
      ctr_abort (&c);
      r = -1;
    }
  if (r == 0)
    {
      mark_started (&c);
      if (!o->detach)
        {
          /* no lock while the container runs: kill/state must work */
          close_fd (&c.dirfd);
          r = wait_foreground (&c, err);
          /* unless someone deleted it meanwhile (delete --force) */
          cleanup_close int dfd = r >= 0 && !o->keep
                                      ? gr_state_open (c.rootfd, o->id, true, NULL)
                                      : -1;
          if (dfd >= 0)
            destroy (c.spec, &c.st, c.cg_made ? &c.cg : NULL, c.rootfd);
        }
    }
  ctr_free (&c);
  return r;
}

/* ------------------------------------------------------------ start */
static int
open_container (const char *root, const char *id, bool exclusive, int *rootfd,
                gr_state **st, gr_error **err)
{
  *rootfd = gr_state_root_open (root, false, err);
  if (*rootfd < 0)
    {
      gr_error_freep (err);
      return gr_error_set (err, 0, "container does not exist");
    }
  int dfd = gr_state_open (*rootfd, id, exclusive, err);
  if (dfd < 0)
    return -1;
  if (gr_state_read (dfd, id, st, err) < 0)
    {
      close (dfd);
      return -1;
    }
  return dfd;
}

static int
connect_start (int dfd, gr_error **err)
{
  struct sockaddr_un a = { .sun_family = AF_UNIX };
  snprintf (a.sun_path, sizeof a.sun_path, "/proc/self/fd/%d/" START_SOCK, dfd);
  cleanup_close int fd = socket (AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0);
  if (fd < 0)
    return gr_error_set (err, errno, "socket");
  if (connect (fd, (struct sockaddr *) &a, sizeof a) < 0)
    return gr_error_set (err, 0, "cannot start a container that has stopped");
  return gr_steal_fd (fd);
}

int
gr_container_start (const char *root, const char *id, gr_error **err)
{
  cleanup_close int rootfd = -1;
  cleanup_state gr_state *st = NULL;
  cleanup_close int dfd = open_container (root, id, true, &rootfd, &st, err);
  if (dfd < 0)
    return -1;
  switch (gr_state_status (st))
    {
    case GR_STATUS_STOPPED:
      return gr_error_set (err, 0, "cannot start a container that has stopped");
    case GR_STATUS_CREATED:
      break;
    default:
      return gr_error_set (err, 0, "cannot start an already running container");
    }
  cleanup_close int conn = connect_start (dfd, err);
  if (conn < 0)
    return -1;
  int r = wait_exec (conn, err);
  unlinkat (dfd, START_SOCK, 0);
  if (r < 0)
    return -1;
  st->started = true;
  if (gr_state_write (dfd, st, err) < 0)
    return -1;
  cleanup_spec gr_spec *s = NULL;
  cleanup_error gr_error *e = NULL;
  if (gr_spec_load (dfd, &s, &e) == 0 && s->n_hooks[GR_HOOK_POSTSTART])
    {
      cleanup_free char *json = state_json (st, GR_STATUS_RUNNING);
      gr_hooks_run_warn (s, GR_HOOK_POSTSTART, json);
    }
  return 0;
}

/* ------------------------------------------------------------ kill */
/* signal the init through a pidfd taken while it is still the process we
   started, so a recycled pid is never hit */
static int
signal_init (const gr_state *st, int sig, int *pidfd_out, gr_error **err)
{
  cleanup_close int pfd = gr_pidfd_open (st->pid);
  if (pfd < 0 || !gr_state_pid_alive (st))
    return gr_error_set (err, 0, "container not running");
  if (syscall (SYS_pidfd_send_signal, pfd, sig, NULL, 0) < 0 && errno != ESRCH)
    return gr_error_set (err, errno, "send signal %d to the container", sig);
  if (pidfd_out)
    *pidfd_out = gr_steal_fd (pfd);
  return 0;
}

static int
signal_all (const gr_state *st, int sig, gr_error **err)
{
  cleanup_cgroup gr_cgroup cg = GR_CGROUP_INIT;
  if (st->cgroup_path == NULL
      || gr_cgroup_open (st->cgroup_path, st->systemd_cgroup, &cg, err) < 0)
    {
      gr_error_freep (err);
      return signal_init (st, sig, NULL, err);
    }
  return gr_cgroup_kill_all (&cg, sig, err);
}

int
gr_container_kill (const char *root, const char *id, int sig, bool all,
                   gr_error **err)
{
  cleanup_close int rootfd = -1;
  cleanup_state gr_state *st = NULL;
  cleanup_close int dfd = open_container (root, id, false, &rootfd, &st, err);
  if (dfd < 0)
    return -1;
  if (gr_state_status (st) == GR_STATUS_STOPPED)
    return gr_error_set (err, 0, "container not running");
  if (all)
    return signal_all (st, sig, err);
  return signal_init (st, sig, NULL, err);
}

/* ------------------------------------------------------------ delete */
static void
kill_and_wait (const gr_state *st)
{
  cleanup_error gr_error *e = NULL;
  int pfd = -1;
  if (st->cgroup_path)
    signal_all (st, SIGKILL, &e);
  gr_error_freep (&e);
  if (signal_init (st, SIGKILL, &pfd, &e) < 0)
    return;
  struct pollfd p = { pfd, POLLIN, 0 };
  (void) poll (&p, 1, 10000);
  close (pfd);
}

int
gr_container_delete (const char *root, const char *id, bool force,
                     gr_error **err)
{
  cleanup_close int rootfd = gr_state_root_open (root, false, NULL);
  if (rootfd < 0 && force)
    return 0;
  if (rootfd < 0)
    return gr_error_set (err, 0, "container does not exist");
  cleanup_close int dfd = gr_state_open (rootfd, id, true, err);
  if (dfd < 0)
    {
      if (!force)
        return -1;
      gr_error_freep (err);
      return 0;
    }
  cleanup_state gr_state *st = NULL;
  if (gr_state_read (dfd, id, &st, err) < 0)
    {
      if (!force)
        return -1;
      /* a create that died half-way: nothing to run, just remove */
      gr_error_freep (err);
      return gr_state_remove (rootfd, id, err);
    }
  gr_status status = gr_state_status (st);
  if (status != GR_STATUS_STOPPED)
    {
      if (!force)
        return gr_error_set (err, 0, "cannot delete container %s that is not "
                                     "stopped: %s",
                             id, gr_status_name (status));
      kill_and_wait (st);
    }
  cleanup_spec gr_spec *s = NULL;
  cleanup_error gr_error *e = NULL;
  if (gr_spec_load (dfd, &s, &e) < 0)
    s = NULL;
  cleanup_cgroup gr_cgroup cg = GR_CGROUP_INIT;
  bool have_cg = st->cgroup_path
                 && gr_cgroup_open (st->cgroup_path, st->systemd_cgroup, &cg,
                                    NULL) == 0;
  destroy (s, st, have_cg ? &cg : NULL, rootfd);
  return 0;
}
