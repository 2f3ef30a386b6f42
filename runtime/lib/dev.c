/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The container's /dev: a small tmpfs (unless the config brings its own),
 * devpts and shm when the config has none, the default device nodes and
 * linux.devices, the standard symlinks, and the console.  Nodes are made
 * with mknod, or in a user namespace (where mknod is not allowed) by
 * binding the host's node onto an empty file.  Everything is created
 * fd-relative inside the rootfs; nothing already in /dev is followed.
 */
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <guardrun/util.h>
#include "mount_internal.h"

static const gr_device default_devices[] = {
  { .type = "c", .path = "/dev/null", .major = 1, .minor = 3 },
  { .type = "c", .path = "/dev/zero", .major = 1, .minor = 5 },
  { .type = "c", .path = "/dev/full", .major = 1, .minor = 7 },
  { .type = "c", .path = "/dev/random", .major = 1, .minor = 8 },
  { .type = "c", .path = "/dev/urandom", .major = 1, .minor = 9 },
  { .type = "c", .path = "/dev/tty", .major = 5, .minor = 0 },
};

static const char *const dev_links[][2] = {
  { "fd", "/proc/self/fd" },
  { "stdin", "/proc/self/fd/0" },
  { "stdout", "/proc/self/fd/1" },
  { "stderr", "/proc/self/fd/2" },
};

/* a mount the config did not ask for, made as if it had */
static int
default_mount (gr_mnt_ctx *c, const char *dest, const char *type,
               char **opts, size_t n, gr_error **err)
{
  gr_mount m = { .destination = (char *) dest, .type = (char *) type,
                 .source = (char *) type, .options = opts, .n_options = n };
  cleanup_free char *what = gr_fmt ("default %s mount", dest);
  return gr_mnt_one (c, &m, -1, false, what, err);
}

int
gr_dev_mount_tmpfs (gr_mnt_ctx *c, gr_error **err)
{
  static char *opts[] = { "nosuid", "noexec", "mode=755", "size=64k" };
  return default_mount (c, "/dev", "tmpfs", opts, GR_ARRAY_SIZE (opts), err);
}

static int
default_submounts (gr_mnt_ctx *c, gr_error **err)
{
  static char *pts[] = { "nosuid", "noexec", "newinstance", "ptmxmode=0666",
                         "mode=0620" };
  static char *shm[] = { "nosuid", "nodev", "noexec", "mode=1777",
                         "size=65536k" };
  if (gr_spec_find_mount (c->s, "dev/pts") == NULL
      && default_mount (c, "/dev/pts", "devpts", pts, GR_ARRAY_SIZE (pts), err) < 0)
    return -1;
  if (gr_spec_find_mount (c->s, "dev/shm") == NULL
      && default_mount (c, "/dev/shm", "tmpfs", shm, GR_ARRAY_SIZE (shm), err) < 0)
    return -1;
  return 0;
}

/* ------------------------------------------------------------- nodes */
static int
node_type (const gr_device *d, mode_t *fmt, gr_error **err)
{
  const char *t = d->type ? d->type : "";
  if (strcmp (t, "c") == 0 || strcmp (t, "u") == 0)
    *fmt = S_IFCHR;
  else if (strcmp (t, "b") == 0)
    *fmt = S_IFBLK;
  else if (strcmp (t, "p") == 0)
    *fmt = S_IFIFO;
  else
    return gr_error_set (err, EINVAL, "unknown device type `%s`", t);
  return 0;
}

/* mknodat, replacing a non-directory already there (the image's own node,
   a symlink) rather than following it */
static int
make_node (int dfd, const char *name, mode_t mode, dev_t dev)
{
  /* exactly the config's permission bits: no umask in the way */
  mode_t old = umask (0);
  int r = mknodat (dfd, name, mode, dev);
  if (r < 0 && errno == EEXIST && unlinkat (dfd, name, 0) == 0)
    r = mknodat (dfd, name, mode, dev);
  int saved = errno;
  umask (old);
  errno = saved;
  return r;
}

/* an empty regular file to bind something onto; an existing one is
   reused, anything else there (a planted symlink) removed first */
static int
make_mount_file (int dfd, const char *name, gr_error **err)
{
  for (int tries = 0; tries < 2; tries++)
    {
      int fd = openat (dfd, name, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW
                                      | O_CLOEXEC | O_NOCTTY,
                       0600);
      if (fd >= 0)
        close (fd);
      else if (errno != EEXIST)
        break;
      fd = openat (dfd, name, O_PATH | O_NOFOLLOW | O_CLOEXEC);
      struct stat st;
      if (fd >= 0 && fstat (fd, &st) == 0 && S_ISREG (st.st_mode))
        return fd;
      if (fd >= 0)
        close (fd);
      if (unlinkat (dfd, name, 0) < 0 && errno != ENOENT)
        break;
    }
  return gr_error_set (err, errno ? errno : EEXIST, "create `%s`", name);
}

/* in a user namespace: the host's node, checked to be what the config
   says, bound onto an empty file */
static int
bind_host_node (int dfd, const char *name, const gr_device *d, mode_t fmt,
                gr_error **err)
{
  cleanup_close int src = open (d->path, O_PATH | O_CLOEXEC);
  struct stat st;
  if (src < 0 || fstat (src, &st) < 0)
    return gr_error_set (err, errno, "host device `%s`", d->path);
  if ((st.st_mode & S_IFMT) != fmt || major (st.st_rdev) != d->major
      || minor (st.st_rdev) != d->minor)
    return gr_error_set (err, ENODEV, "host `%s` is not the device %ld:%ld",
                         d->path, (long) d->major, (long) d->minor);
  cleanup_close int dst = make_mount_file (dfd, name, err);
  if (dst < 0)
    return -1;
  return gr_mnt_bind_fd (src, dst, err);
}

static int
create_device (gr_mnt_ctx *c, const gr_device *d, gr_error **err)
{
  mode_t fmt = 0;
  if (node_type (d, &fmt, err) < 0)
    return -1;
  cleanup_free char *clean = gr_path_clean (d->path ? d->path : "");
  char *slash = strrchr (clean, '/');
  const char *name = slash ? slash + 1 : clean;
  if (*name == '\0')
    return gr_error_set (err, EINVAL, "no file name");
  if (slash)
    *slash = '\0';
  cleanup_close int dfd = gr_resolve (c->rootfd, slash ? clean : "",
                                      GR_RES_MKDIR, err);
  if (dfd < 0)
    return -1;
  mode_t perm = d->has_file_mode ? d->file_mode & 07777 : 0666;
  dev_t dev = makedev ((unsigned) d->major, (unsigned) d->minor);
  if (fmt != S_IFIFO && c->o->userns)
    return bind_host_node (dfd, name, d, fmt, err);
  if (make_node (dfd, name, fmt | perm, dev) < 0)
    {
      /* no CAP_MKNOD (a restricted host): runc binds the host's node */
      if (errno == EPERM && fmt != S_IFIFO)
        return bind_host_node (dfd, name, d, fmt, err);
      return gr_error_set (err, errno, "mknod");
    }
  if (fchownat (dfd, name, d->has_uid ? d->uid : 0, d->has_gid ? d->gid : 0,
                AT_SYMLINK_NOFOLLOW) < 0)
    return gr_error_set (err, errno, "chown");
  return 0;
}

static bool
configured (const gr_spec *s, const char *path)
{
  cleanup_free char *want = gr_path_clean (path);
  for (size_t i = 0; s->lnx && i < s->lnx->n_devices; i++)
    {
      cleanup_free char *p = gr_path_clean (s->lnx->devices[i].path
                                                ? s->lnx->devices[i].path : "");
      if (strcmp (p, want) == 0)
        return true;
    }
  return false;
}

static int
create_devices (gr_mnt_ctx *c, gr_error **err)
{
  for (size_t i = 0; i < GR_ARRAY_SIZE (default_devices); i++)
    if (!configured (c->s, default_devices[i].path)
        && create_device (c, &default_devices[i], err) < 0)
      return gr_error_wrap (err, "default device `%s`",
                            default_devices[i].path);
  for (size_t i = 0; c->s->lnx && i < c->s->lnx->n_devices; i++)
    if (create_device (c, &c->s->lnx->devices[i], err) < 0)
      return gr_error_wrap (err, "linux.devices[%zu] `%s`", i,
                            c->s->lnx->devices[i].path);
  return 0;
}

/* ---------------------------------------------------------- symlinks */
static int
create_links (int devfd, gr_error **err)
{
  for (size_t i = 0; i < GR_ARRAY_SIZE (dev_links); i++)
    if (symlinkat (dev_links[i][1], devfd, dev_links[i][0]) < 0
        && errno != EEXIST)
      return gr_error_set (err, errno, "symlink /dev/%s", dev_links[i][0]);
  /* the devpts instance's ptmx, whatever the image had there */
  if (unlinkat (devfd, "ptmx", 0) < 0 && errno != ENOENT)
    return gr_error_set (err, errno, "remove /dev/ptmx");
  if (symlinkat ("pts/ptmx", devfd, "ptmx") < 0)
    return gr_error_set (err, errno, "symlink /dev/ptmx");
  return 0;
}

/* CVE-2025-52565: /dev/console is created here as a new empty file (never
   opened through whatever the image or a volume put at that name) and the
   pty slave bound onto that very file */
static int
mount_console (int devfd, int console_fd, gr_error **err)
{
  cleanup_close int dst = make_mount_file (devfd, "console", err);
  if (dst < 0 || gr_mnt_bind_fd (console_fd, dst, err) < 0)
    return gr_error_wrap (err, "/dev/console");
  return 0;
}

int
gr_dev_populate (gr_mnt_ctx *c, gr_error **err)
{
  const gr_mount *dev = gr_spec_find_mount (c->s, "dev");
  gr_mount_flags f;
  bool host_dev = false;
  if (dev && gr_mount_parse_options (dev->options, dev->n_options, &f, NULL) == 0)
    {
      host_dev = gr_mnt_is_bind (dev, &f);
      gr_mount_flags_free (&f);
    }
  /* a /dev bound from the host is the host's: don't touch it (runc) */
  if (host_dev)
    return 0;
  if (default_submounts (c, err) < 0 || create_devices (c, err) < 0)
    return -1;
  cleanup_close int devfd = gr_resolve (c->rootfd, "/dev", 0, err);
  if (devfd < 0)
    return gr_error_wrap (err, "/dev");
  if (create_links (devfd, err) < 0)
    return -1;
  if (c->o->console_fd >= 0 && mount_console (devfd, c->o->console_fd, err) < 0)
    return -1;
  return 0;
}
