/* SPDX-License-Identifier: Apache-2.0 */
/*
 * AppArmor and SELinux: detection, loading guardrun's AppArmor profile, and
 * the exec-time label transition.  The transition is a write to
 * /proc/thread-self/attr/...; a container image or config that controls
 * /proc (a bind mount over attr/, a symlinked /proc, a fake procfs) could
 * redirect that write and the process would run unconfined, or write the
 * label into some other file (CVE-2025-52881).  So the file is opened only
 * under a procfs root that is verified to be a real procfs root, without
 * crossing mounts or following symlinks.
 */
#include <fcntl.h>
#include <linux/magic.h>
#include <linux/mount.h>
#include <linux/openat2.h>
#include <selinux/selinux.h>
#include <string.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <guardrun/log.h>
#include <guardrun/lsm.h>
#include <guardrun/policy.h>
#include <guardrun/profiles.h>
#include <guardrun/util.h>

#define PROC_ROOT_INO 1
#define AA_PROFILES "/sys/kernel/security/apparmor/profiles"

/* ------------------------------------------------------------ procfs -- */

static bool
is_proc_root (int fd)
{
  struct statfs sfs;
  struct stat st;
  /* the magic alone is not enough: a bind mount of /proc/sys or
     /proc/<pid> over /proc is procfs too; only the real root has inode 1 */
  return fd >= 0 && fstatfs (fd, &sfs) == 0 && sfs.f_type == PROC_SUPER_MAGIC
         && fstat (fd, &st) == 0 && st.st_ino == PROC_ROOT_INO;
}

/* a fresh, detached procfs of our pid namespace: nothing can be mounted on
   it and no one else can see it (needs CAP_SYS_ADMIN, the init has it) */
static int
proc_fresh (void)
{
  cleanup_close int fs = (int) syscall (SYS_fsopen, "proc", FSOPEN_CLOEXEC);
  if (fs < 0)
    return -1;
  (void) syscall (SYS_fsconfig, fs, FSCONFIG_SET_STRING, "subset", "pid", 0);
  if (syscall (SYS_fsconfig, fs, FSCONFIG_CMD_CREATE, NULL, NULL, 0) < 0)
    return -1;
  return (int) syscall (SYS_fsmount, fs, FSMOUNT_CLOEXEC,
                        MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV
                            | MOUNT_ATTR_NOEXEC);
}

/* The first of: a fresh procfs; a non-recursive clone of /proc (which
   leaves behind whatever is mounted over its subpaths); /proc itself, where
   RESOLVE_NO_XDEV below still refuses to cross an overmount. */
static int
proc_root_open (gr_error **err)
{
  int fd = proc_fresh ();
  if (is_proc_root (fd))
    return fd;
  if (fd >= 0)
    close (fd);
  fd = (int) syscall (SYS_open_tree, AT_FDCWD, "/proc",
                      OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC);
  if (is_proc_root (fd))
    return fd;
  if (fd >= 0)
    close (fd);
  fd = open ("/proc", O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
  if (is_proc_root (fd))
    return fd;
  if (fd >= 0)
    close (fd);
  return gr_error_set (err, EXDEV, "/proc is not a procfs root");
}

static bool
is_task_link (const char *s)
{
  /* "<pid>/task/<tid>" and nothing else */
  const char *p = s;
  while (*p >= '0' && *p <= '9')
    p++;
  if (p == s || strncmp (p, "/task/", 6) != 0)
    return false;
  const char *q = p + 6;
  p = q;
  while (*p >= '0' && *p <= '9')
    p++;
  return p != q && *p == '\0';
}

/* the procfs opened early by gr_lsm_open_procfs, if any */
static int early_proc = -1;

int
gr_lsm_open_procfs (gr_error **err)
{
  if (early_proc >= 0)
    return 0;
  int fd = proc_root_open (err);
  if (fd < 0)
    return -1;
  early_proc = fd;
  return 0;
}

/* open attr/<name> of the calling thread for writing */
static int
open_thread_attr (const char *name, gr_error **err)
{
  /* the early fd, unless it was closed since (is_proc_root fails on it) */
  cleanup_close int root = is_proc_root (early_proc) ? dup (early_proc)
                                                     : proc_root_open (err);
  if (root < 0)
    return -1;
  char link[64];
  ssize_t n = readlinkat (root, "thread-self", link, sizeof link - 1);
  if (n < 0)
    return gr_error_set (err, errno, "readlink /proc/thread-self");
  link[n] = '\0';
  if (!is_task_link (link))
    return gr_error_set (err, EXDEV, "/proc/thread-self points to \"%s\"",
                         link);
  cleanup_free char *path = gr_fmt ("%s/attr/%s", link, name);
  struct open_how how = {
    .flags = O_WRONLY | O_CLOEXEC | O_NOCTTY,
    .resolve = RESOLVE_BENEATH | RESOLVE_NO_XDEV | RESOLVE_NO_SYMLINKS
               | RESOLVE_NO_MAGICLINKS,
  };
  int fd = (int) syscall (SYS_openat2, root, path, &how, sizeof how);
  if (fd < 0 && errno == EXDEV)
    return gr_error_set (err, errno, "/proc/thread-self/attr/%s has "
                         "something mounted over it: refusing to write the "
                         "label there (CVE-2025-52881)", name);
  if (fd < 0)
    return gr_error_set (err, errno, "open /proc/thread-self/attr/%s", name);
  struct statfs sfs;
  if (fstatfs (fd, &sfs) < 0 || sfs.f_type != PROC_SUPER_MAGIC)
    {
      close (fd);
      return gr_error_set (err, EXDEV, "/proc/thread-self/attr/%s is not on "
                           "procfs", name);
    }
  return fd;
}

static int
write_thread_attr (const char *name, const char *value, size_t len,
                   gr_error **err)
{
  cleanup_close int fd = open_thread_attr (name, err);
  if (fd < 0)
    return -1;
  if (write (fd, value, len) != (ssize_t) len)
    return gr_error_set (err, errno, "write \"%s\" to "
                         "/proc/thread-self/attr/%s", value, name);
  return 0;
}

/* ---------------------------------------------------------- AppArmor -- */

bool
gr_apparmor_enabled (void)
{
  char c = 0;
  cleanup_close int fd = open ("/sys/module/apparmor/parameters/enabled",
                               O_RDONLY | O_CLOEXEC);
  return fd >= 0 && read (fd, &c, 1) == 1 && c == 'Y'
         && access ("/sys/kernel/security/apparmor", F_OK) == 0;
}

/* the profiles file lists "name (mode)" per line */
static bool
apparmor_loaded (const char *profile)
{
  cleanup_free char *buf = NULL;
  size_t len, n = strlen (profile);
  if (gr_read_file (AA_PROFILES, 16u << 20, &buf, &len, NULL) < 0)
    return false;
  for (char *line = buf; line && *line;)
    {
      char *nl = strchr (line, '\n');
      if (strncmp (line, profile, n) == 0 && strncmp (line + n, " (", 2) == 0)
        return true;
      line = nl ? nl + 1 : NULL;
    }
  return false;
}

static const char *
apparmor_parser_path (void)
{
  static const char *const candidates[] = { "/sbin/apparmor_parser",
                                            "/usr/sbin/apparmor_parser",
                                            "/usr/bin/apparmor_parser" };
  for (size_t i = 0; i < GR_ARRAY_SIZE (candidates); i++)
    if (access (candidates[i], X_OK) == 0)
      return candidates[i];
  return NULL;
}

/* apparmor_parser -r, profile text on stdin: no file on disk to tamper with */
static int
apparmor_load (const char *text, size_t len, gr_error **err)
{
  const char *parser = apparmor_parser_path ();
  if (parser == NULL)
    return gr_error_set (err, ENOENT, "apparmor_parser not found (install "
                         "the Debian package apparmor)");
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
      if (dup2 (p[0], 0) < 0)
        _exit (127);
      execl (parser, parser, "-r", "-q", (char *) NULL);
      _exit (127);
    }
  close (p[0]);
  int wr = gr_write_all (p[1], text, len);
  close (p[1]);
  int status;
  while (waitpid (pid, &status, 0) < 0 && errno == EINTR)
    ;
  if (wr < 0 || !WIFEXITED (status) || WEXITSTATUS (status) != 0)
    return gr_error_set (err, 0, "%s -r failed (status %d)", parser,
                         WIFEXITED (status) ? WEXITSTATUS (status) : -1);
  return 0;
}

int
gr_apparmor_ensure_loaded (const char *profile, gr_error **err)
{
  if (apparmor_loaded (profile))
    return 0;
  if (strcmp (profile, GR_APPARMOR_DEFAULT) != 0)
    return gr_error_set (err, ENOENT, "AppArmor profile \"%s\" is not "
                         "loaded", profile);
  size_t len = (size_t) (gr_profile_apparmor_default_end
                         - gr_profile_apparmor_default);
  if (apparmor_load (gr_profile_apparmor_default, len, err) < 0)
    return gr_error_wrap (err, "load AppArmor profile %s", profile);
  return 0;
}

int
gr_apparmor_set_exec (const char *profile, gr_error **err)
{
  if (profile == NULL || *profile == '\0')
    return 0;
  cleanup_free char *cmd = gr_fmt ("exec %s", profile);
  cleanup_error gr_error *e = NULL;
  /* the LSM-specific file (5.8+) first: with stacking, attr/exec may
     belong to another LSM */
  if (write_thread_attr ("apparmor/exec", cmd, strlen (cmd), &e) == 0)
    return 0;
  if (gr_error_errno (e) != ENOENT)
    {
      *err = gr_steal (e);
      return gr_error_wrap (err, "set AppArmor profile %s", profile);
    }
  if (write_thread_attr ("exec", cmd, strlen (cmd), err) < 0)
    return gr_error_wrap (err, "set AppArmor profile %s", profile);
  return 0;
}

/* ----------------------------------------------------------- SELinux -- */

bool
gr_selinux_enabled (void)
{
  return is_selinux_enabled () == 1;
}

/* libselinux writes the terminating NUL too; the kernel strips it */
int
gr_selinux_set_exec (const char *label, gr_error **err)
{
  if (label == NULL || *label == '\0')
    return 0;
  if (write_thread_attr ("exec", label, strlen (label) + 1, err) < 0)
    return gr_error_wrap (err, "set SELinux exec label %s", label);
  return 0;
}

int
gr_selinux_set_keycreate (const char *label, gr_error **err)
{
  if (label == NULL || *label == '\0')
    return 0;
  if (write_thread_attr ("keycreate", label, strlen (label) + 1, err) < 0)
    return gr_error_wrap (err, "set SELinux keyring label %s", label);
  return 0;
}

char *
gr_selinux_default_label (const char *type, char **mount_label)
{
  uint16_t r[2];
  unsigned int a, b;
  do
    {
      if (getrandom (r, sizeof r, 0) != (ssize_t) sizeof r)
        abort ();
      a = r[0] % 1024u;
      b = r[1] % 1024u;
    }
  while (a == b);
  /* categories in ascending order, the canonical form */
  unsigned int lo = a < b ? a : b, hi = a < b ? b : a;
  if (mount_label)
    *mount_label = gr_fmt ("system_u:object_r:%s:s0:c%u,c%u",
                           GR_SELINUX_FILE_TYPE, lo, hi);
  return gr_fmt ("system_u:system_r:%s:s0:c%u,c%u", type, lo, hi);
}

/* ------------------------------------------------- policy: before clone -- */

/* the policy's answer when an LSM the config or the policy wants is not
   there: warn (decision log; on stderr too when the config itself asked),
   refuse, or ignore */
static int
lsm_missing (const gr_policy *p, const gr_policy_ctx *ctx, gr_lsm_missing how,
             const char *rule, const char *field, const char *msg,
             bool explicit_request, gr_error **err)
{
  gr_finding f = { .rule = rule, .field = (char *) field,
                   .message = (char *) msg,
                   .reference = "guardrun: LSM unavailable" };
  switch (how)
    {
    case GR_LSM_MISSING_REFUSE:
      gr_policy_log_decision (p, ctx, "refuse", &f);
      return gr_error_set (err, 0, "policy %s refused %s: %s (%s)",
                           gr_policy_name (p), field, msg, f.reference);
    case GR_LSM_MISSING_WARN:
      gr_policy_log_decision (p, ctx, "warn", &f);
      if (explicit_request)
        gr_warn ("%s: %s", field, msg);
      return 0;
    default:
      return 0;
    }
}

static int
prepare_apparmor (const gr_policy *p, gr_spec *s, const gr_policy_ctx *ctx,
                  gr_error **err)
{
  gr_process *pr = s->process;
  const char *want = pr->apparmor_profile ? pr->apparmor_profile
                                          : gr_policy_default_apparmor (p);
  bool own = pr->apparmor_profile != NULL;
  gr_lsm_missing how = gr_policy_apparmor_missing (p);
  if (want == NULL || strcmp (want, "unconfined") == 0)
    return 0;
  cleanup_error gr_error *e = NULL;
  if (!gr_apparmor_enabled ())
    {
      cleanup_free char *msg = gr_fmt ("AppArmor is not enabled on this "
                                       "host: profile %s not applied", want);
      if (lsm_missing (p, ctx, how, "GR-LSM-003", "process.apparmorProfile",
                       msg, own, err) < 0)
        return -1;
    }
  else if (gr_apparmor_ensure_loaded (want, &e) < 0)
    {
      cleanup_free char *msg = gr_error_string (e);
      /* a profile the config names must exist; the default may be missing
         as the policy allows */
      if (own)
        return gr_error_set (err, 0, "process.apparmorProfile: %s", msg);
      if (lsm_missing (p, ctx, how, "GR-LSM-003", "process.apparmorProfile",
                       msg, false, err) < 0)
        return -1;
    }
  else
    {
      if (!own)
        pr->apparmor_profile = gr_xstrdup (want);
      return 0;
    }
  free (pr->apparmor_profile);
  pr->apparmor_profile = NULL;
  return 0;
}

static int
prepare_selinux (const gr_policy *p, gr_spec *s, const gr_policy_ctx *ctx,
                 gr_error **err)
{
  gr_process *pr = s->process;
  const char *type = gr_policy_default_selinux_type (p);
  bool own = pr->selinux_label != NULL;
  if (!gr_selinux_enabled ())
    {
      if (!own && type == NULL)
        return 0;
      cleanup_free char *msg = gr_fmt ("SELinux is not enabled on this host: "
                                       "label %s not applied",
                                       own ? pr->selinux_label : type);
      if (lsm_missing (p, ctx, gr_policy_selinux_missing (p), "GR-LSM-004",
                       "process.selinuxLabel", msg, own, err) < 0)
        return -1;
      /* as runc does: labels mean nothing without SELinux */
      free (pr->selinux_label);
      pr->selinux_label = NULL;
      if (s->lnx)
        {
          free (s->lnx->mount_label);
          s->lnx->mount_label = NULL;
        }
      return 0;
    }
  if (own || type == NULL)
    return 0;
  char *mount = NULL;
  pr->selinux_label = gr_selinux_default_label (type, &mount);
  if (s->lnx == NULL)
    s->lnx = gr_xcalloc (1, sizeof *s->lnx);
  if (s->lnx->mount_label == NULL)
    s->lnx->mount_label = mount;
  else
    free (mount);
  return 0;
}

int
gr_lsm_prepare (const gr_policy *p, gr_spec *s, const gr_policy_ctx *ctx,
                gr_error **err)
{
  if (s->process == NULL)
    return 0;
  if (prepare_apparmor (p, s, ctx, err) < 0)
    return -1;
  return prepare_selinux (p, s, ctx, err);
}
