/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The container's filesystem, in three steps run by the container init in
 * its new mount namespace (see mount.h):
 *
 *   prepare:  / rslave (or rootfsPropagation), the rootfs bound onto
 *             itself, /dev tmpfs when the config has none, every config
 *             mount (mount_ops.c), the /dev contents (dev.c);
 *   pivot:    pivot_root(".", ".") + detach the old root, or MS_MOVE +
 *             chroot with --no-pivot;
 *   finalize: maskedPaths, readonlyPaths, /dev and / read-only,
 *             rootfsPropagation on the final root.
 *
 * Every path inside the rootfs is resolved from a rootfs fd (resolve.c);
 * the only string paths used are the host's own (the rootfs, /sys, bind
 * sources), which the runtime's caller controls.
 */
#include <fcntl.h>
#include <inttypes.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/syscall.h>
#include <guardrun/util.h>
#include "mount_internal.h"

/* ---------------------------------------------------------- helpers */
const gr_mount *
gr_spec_find_mount (const gr_spec *s, const char *clean_dest)
{
  const gr_mount *found = NULL;
  for (size_t i = 0; i < s->n_mounts; i++)
    {
      cleanup_free char *d = gr_path_clean (s->mounts[i].destination
                                                ? s->mounts[i].destination : "");
      if (strcmp (d, clean_dest) == 0)
        found = &s->mounts[i]; /* the last one is what shows */
    }
  return found;
}

static int
root_propagation (const gr_spec *s, unsigned long *prop, gr_error **err)
{
  const char *p = s->lnx ? s->lnx->rootfs_propagation : NULL;
  *prop = 0;
  if (p == NULL || *p == '\0')
    return 0;
  gr_mount_flags f;
  char *opt[] = { (char *) p };
  if (gr_mount_parse_options (opt, 1, &f, err) < 0)
    return -1;
  bool ok = f.propagation && !f.flags && !f.clear && !f.data;
  gr_mount_flags_free (&f);
  if (!ok)
    return gr_error_set (err, EINVAL, "linux.rootfsPropagation `%s`: not a "
                                      "mount propagation", p);
  *prop = f.propagation;
  return 0;
}

static int
set_prop_path (const char *path, unsigned long prop, const char *what,
               gr_error **err)
{
  if (mount (NULL, path, NULL, prop, NULL) < 0)
    return gr_error_set (err, errno, "%s", what);
  return 0;
}

/* is the mount with this id a member of a peer group?  (mountinfo's
   optional fields, "shared:N", sit between the options and " - ") */
static bool
mount_is_shared (uint64_t id)
{
  cleanup_free char *info = NULL;
  if (id == 0 || gr_read_file ("/proc/self/mountinfo", 16 << 20, &info, NULL,
                               NULL) < 0)
    return true; /* unknown: the caller's safe side */
  char key[32];
  int n = snprintf (key, sizeof key, "%" PRIu64 " ", id);
  for (char *save = NULL, *l = strtok_r (info, "\n", &save); l;
       l = strtok_r (NULL, "\n", &save))
    if (strncmp (l, key, (size_t) n) == 0)
      {
        char *end = strstr (l, " - ");
        if (end)
          *end = '\0';
        return strstr (l, " shared:") != NULL;
      }
  return true;
}

/* The mount holding the rootfs must not be shared: pivot_root refuses it,
   and the rootfs bind and every mount under it would propagate to the
   host's peers.  Only a rootfsPropagation other than rslave/rprivate can
   leave it shared; then make it private (runc does the same). */
static int
rootfs_mount_private (const char *rootfs, unsigned long prop, gr_error **err)
{
  if (prop == 0 || prop == (MS_SLAVE | MS_REC) || prop == (MS_PRIVATE | MS_REC))
    return 0;
  int fd = open (rootfs, O_PATH | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0)
    return gr_error_set (err, errno, "open the rootfs `%s`", rootfs);
  uint64_t id = gr_mnt_id (fd);
  for (;;)
    {
      /* walk up while still in the same mount: the last one is its root */
      int up = openat (fd, "..", O_PATH | O_DIRECTORY | O_CLOEXEC);
      struct stat a, b;
      bool top = up < 0 || gr_mnt_id (up) != id || fstat (fd, &a) < 0
                 || fstat (up, &b) < 0
                 || (a.st_dev == b.st_dev && a.st_ino == b.st_ino);
      if (top)
        {
          if (up >= 0)
            close (up);
          break;
        }
      close (fd);
      fd = up;
    }
  char p[GR_FD_PATH_MAX];
  int r = mount_is_shared (id)
              ? set_prop_path (gr_fd_path (p, fd), MS_PRIVATE,
                               "make the mount holding the rootfs private", err)
              : 0;
  close (fd);
  return r;
}

static char *
mount_what (const gr_spec *s, size_t i)
{
  return gr_fmt ("mounts[%zu].destination `%s`", i,
                 s->mounts[i].destination ? s->mounts[i].destination : "");
}

/* Bind sources are host paths, opened before any mount is made and used
   only through the fd.  Relative ones are under the bundle. */
static int
open_source (const gr_rootfs_opts *o, const gr_mount *m, gr_error **err)
{
  const char *src = m->source;
  if (src == NULL || *src == '\0')
    return gr_error_set (err, EINVAL, "a bind mount needs a source");
  cleanup_free char *path = src[0] != '/' && o->bundle
                                ? gr_fmt ("%s/%s", o->bundle, src)
                                : gr_xstrdup (src);
  int fd = open (path, O_PATH | O_CLOEXEC);
  if (fd < 0)
    return gr_error_set (err, errno, "bind source `%s`", src);
  return fd;
}

static bool
is_bind (const gr_mount *m)
{
  gr_mount_flags f;
  if (gr_mount_parse_options (m->options, m->n_options, &f, NULL) < 0)
    return false;
  bool b = gr_mnt_is_bind (m, &f);
  gr_mount_flags_free (&f);
  return b;
}

static void
close_fds (int *fds, size_t n)
{
  for (size_t i = 0; fds && i < n; i++)
    if (fds[i] >= 0)
      close (fds[i]);
  free (fds);
}

/* fds[i]: a detached tree from the runtime, or the opened bind source */
static int
open_sources (const gr_spec *s, const gr_rootfs_opts *o, int **out,
              bool **is_tree, gr_error **err)
{
  int *fds = gr_xmalloc ((s->n_mounts + 1) * sizeof *fds);
  bool *tree = gr_xcalloc (s->n_mounts + 1, sizeof *tree);
  for (size_t i = 0; i < s->n_mounts; i++)
    {
      fds[i] = o->mount_fds ? o->mount_fds[i] : -1;
      tree[i] = fds[i] >= 0;
      if (tree[i] || !is_bind (&s->mounts[i]))
        continue;
      fds[i] = open_source (o, &s->mounts[i], err);
      if (fds[i] < 0)
        {
          cleanup_free char *what = mount_what (s, i);
          for (size_t j = 0; j < i; j++)
            if (fds[j] >= 0 && !tree[j])
              close (fds[j]);
          free (fds);
          free (tree);
          return gr_error_wrap (err, "%s", what);
        }
    }
  *out = fds;
  *is_tree = tree;
  return 0;
}

static int
config_mounts (gr_mnt_ctx *c, const bool *is_tree, gr_error **err)
{
  for (size_t i = 0; i < c->s->n_mounts; i++)
    {
      cleanup_free char *what = mount_what (c->s, i);
      int r = gr_mnt_one (c, &c->s->mounts[i], c->srcfds[i], is_tree[i],
                          what, err);
      /* the runtime's trees are the caller's to close */
      if (!is_tree[i] && c->srcfds[i] >= 0)
        close (c->srcfds[i]);
      c->srcfds[i] = -1;
      if (r < 0)
        return -1;
    }
  return 0;
}

/* ------------------------------------------------------------ prepare */
static int
prepare_mounts (const gr_spec *s, const gr_rootfs_opts *o, int *fds,
                const bool *is_tree, unsigned long prop, gr_error **err)
{
  /* nothing we mount may reach the host: / rslave, as runc */
  if (set_prop_path ("/", prop ? prop : MS_SLAVE | MS_REC,
                     "set the propagation of /", err) < 0)
    return -1;
  if (rootfs_mount_private (o->rootfs, prop, err) < 0)
    return -1;
  /* a mount of its own: pivot_root needs it, and a rootfs that is a plain
     directory gets its own flags (root.readonly) */
  if (mount (o->rootfs, o->rootfs, NULL, MS_BIND | MS_REC, NULL) < 0)
    return gr_error_set (err, errno, "bind mount the rootfs `%s`", o->rootfs);
  cleanup_close int rootfd = open (o->rootfs, O_PATH | O_DIRECTORY | O_CLOEXEC);
  if (rootfd < 0)
    return gr_error_set (err, errno, "open the rootfs `%s`", o->rootfs);
  gr_mnt_ctx c = { .s = s, .o = o, .rootfd = rootfd, .srcfds = fds };
  if (gr_spec_find_mount (s, "dev") == NULL && gr_dev_mount_tmpfs (&c, err) < 0)
    return -1;
  if (config_mounts (&c, is_tree, err) < 0)
    return -1;
  return gr_dev_populate (&c, err);
}

int
gr_rootfs_prepare (const gr_spec *s, const gr_rootfs_opts *o, gr_error **err)
{
  unsigned long prop;
  if (root_propagation (s, &prop, err) < 0)
    return -1;
  /* the bind sources first, before any mount could change what the
     paths lead to; from here they are used only through the fds */
  int *fds = NULL;
  cleanup_free bool *is_tree = NULL;
  if (open_sources (s, o, &fds, &is_tree, err) < 0)
    return -1;
  int r = prepare_mounts (s, o, fds, is_tree, prop, err);
  for (size_t i = 0; i < s->n_mounts; i++)
    if (fds[i] >= 0 && !is_tree[i])
      close (fds[i]);
  free (fds);
  return r;
}

/* -------------------------------------------------------------- pivot */
int
gr_rootfs_pivot (const gr_spec *s, const gr_rootfs_opts *o, gr_error **err)
{
  cleanup_close int fd = open (o->rootfs, O_DIRECTORY | O_RDONLY | O_CLOEXEC);
  if (fd < 0 || fchdir (fd) < 0)
    return gr_error_set (err, errno, "enter the rootfs `%s`", o->rootfs);
  if (o->no_pivot)
    {
      /* --no-pivot (a ramdisk root can't be pivoted): move the rootfs over
         / and chroot into it */
      if (mount (".", "/", NULL, MS_MOVE, NULL) < 0)
        return gr_error_set (err, errno, "move the rootfs to /");
      if (chroot (".") < 0)
        return gr_error_set (err, errno, "chroot");
    }
  else
    {
      /* new and old root on the same directory: the old one is stacked
         on top, and detaching it needs no directory for it.  "." must be
         the old root for that, so enter it through an fd: nothing
         promises where the cwd is after pivot_root, and making the new
         root rslave would undo the mounts' own propagation. */
      cleanup_close int old = open ("/", O_DIRECTORY | O_RDONLY | O_CLOEXEC);
      if (old < 0)
        return gr_error_set (err, errno, "open /");
      if (syscall (SYS_pivot_root, ".", ".") < 0)
        return gr_error_set (err, errno, "pivot_root");
      if (fchdir (old) < 0)
        return gr_error_set (err, errno, "enter the old root");
      /* with shared propagation the unmount would reach the host */
      if (set_prop_path (".", MS_SLAVE | MS_REC, "make the old root rslave",
                         err) < 0)
        return -1;
      if (umount2 (".", MNT_DETACH) < 0)
        return gr_error_set (err, errno, "detach the old root");
    }
  if (chdir ("/") < 0)
    return gr_error_set (err, errno, "chdir /");
  return 0;
}

/* ----------------------------------------------------------- finalize */
/* CVE-2025-31133: /dev/null in the container may have been replaced (by
   the image, a shared volume, a neighbour) with a symlink to something
   like /proc/sys/kernel/core_pattern; masking with it would expose that
   instead of hiding.  Only the real null device will do. */
static int
open_dev_null (int rootfd, gr_error **err)
{
  cleanup_close int fd = gr_resolve (rootfd, "/dev/null", GR_RES_NOFOLLOW, err);
  struct stat st;
  if (fd < 0)
    return gr_error_wrap (err, "maskedPaths: /dev/null");
  if (fstat (fd, &st) < 0)
    return gr_error_set (err, errno, "maskedPaths: stat /dev/null");
  if (!S_ISCHR (st.st_mode) || major (st.st_rdev) != 1 || minor (st.st_rdev) != 3)
    return gr_error_set (err, EPERM, "maskedPaths: /dev/null in the container "
                                     "is not the null device (1:3); refusing "
                                     "to mask with it");
  return gr_steal_fd (fd);
}

/* a read-only empty tmpfs over a directory */
static int
mask_dir (int dstfd, const char *label, gr_error **err)
{
  cleanup_close int fs = (gr_mnt_test_flags & GR_MNT_TEST_LEGACY)
                             ? -1 : (int) syscall (SYS_fsopen, "tmpfs",
                                                   FSOPEN_CLOEXEC);
  if (fs >= 0)
    {
      if (label && syscall (SYS_fsconfig, fs, FSCONFIG_SET_STRING, "context",
                            label, 0) < 0)
        return gr_error_set (err, errno, "tmpfs context=%s", label);
      if (syscall (SYS_fsconfig, fs, FSCONFIG_CMD_CREATE, NULL, NULL, 0) < 0)
        return gr_error_set (err, errno, "create a tmpfs");
      cleanup_close int mnt = (int) syscall (
          SYS_fsmount, fs, FSMOUNT_CLOEXEC,
          MOUNT_ATTR_RDONLY | MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV
              | MOUNT_ATTR_NOEXEC);
      if (mnt < 0)
        return gr_error_set (err, errno, "fsmount a tmpfs");
      return gr_mnt_attach (mnt, dstfd, err);
    }
  char p[GR_FD_PATH_MAX];
  cleanup_free char *data = label ? gr_fmt ("context=\"%s\"", label) : NULL;
  if (mount ("tmpfs", gr_fd_path (p, dstfd), "tmpfs",
             MS_RDONLY | MS_NOSUID | MS_NODEV | MS_NOEXEC, data) < 0)
    return gr_error_set (err, errno, "mount a read-only tmpfs");
  return 0;
}

/* the path inside the final root, or -1 with *skip when it isn't there */
static int
open_optional (int rootfd, const char *path, bool *skip, gr_error **err)
{
  cleanup_error gr_error *e = NULL;
  int fd = gr_resolve (rootfd, path, 0, &e);
  int en = gr_error_errno (e);
  *skip = fd < 0 && (en == ENOENT || en == ENOTDIR);
  if (fd < 0 && !*skip)
    {
      if (err)
        *err = gr_steal (e);
      return -1;
    }
  return fd;
}

static int
mask_paths (const gr_spec *s, const gr_rootfs_opts *o, int rootfd,
            gr_error **err)
{
  cleanup_close int devnull = -1;
  for (size_t i = 0; s->lnx && i < s->lnx->n_masked_paths; i++)
    {
      const char *p = s->lnx->masked_paths[i];
      bool skip;
      struct stat st;
      cleanup_close int fd = open_optional (rootfd, p, &skip, err);
      if (skip)
        continue;
      if (fd < 0 || fstat (fd, &st) < 0)
        return gr_error_wrap (err, "maskedPaths[%zu] `%s`", i, p);
      int r;
      if (S_ISDIR (st.st_mode))
        r = mask_dir (fd, o->mount_label, err);
      else
        {
          if (devnull < 0 && (devnull = open_dev_null (rootfd, err)) < 0)
            return -1;
          r = gr_mnt_bind_fd (devnull, fd, err);
        }
      if (r < 0)
        return gr_error_wrap (err, "maskedPaths[%zu] `%s`", i, p);
    }
  return 0;
}

/* make the mount at fd read-only, keeping its other (possibly locked)
   flags: mount_setattr changes only what it is told, a remount all */
static int
remount_ro (int fd, bool recursive, gr_error **err)
{
  struct mount_attr a = { .attr_set = MOUNT_ATTR_RDONLY };
  if (!(gr_mnt_test_flags & GR_MNT_TEST_LEGACY)
      && syscall (SYS_mount_setattr, fd, "", AT_EMPTY_PATH
                                                 | (recursive ? AT_RECURSIVE : 0),
                  &a, sizeof a) == 0)
    return 0;
  if (!(gr_mnt_test_flags & GR_MNT_TEST_LEGACY) && errno != ENOSYS)
    return gr_error_set (err, errno, "make read-only");
  unsigned long keep = gr_mnt_flags_of (fd);
  char p[GR_FD_PATH_MAX];
  if (mount (NULL, gr_fd_path (p, fd), NULL,
             MS_BIND | MS_REMOUNT | MS_RDONLY | keep, NULL) < 0)
    return gr_error_set (err, errno, "remount read-only");
  return 0;
}

static int
readonly_one (int rootfd, const char *path, gr_error **err)
{
  bool skip;
  cleanup_close int fd = open_optional (rootfd, path, &skip, err);
  if (skip)
    return 0;
  if (fd < 0)
    return -1;
  /* bound onto itself first: the read-only flag belongs to that new
     mount, whatever the path's file system is */
  cleanup_close int tree = gr_mnt_clone (fd, true, err);
  if (tree >= 0)
    {
      struct mount_attr a = { .attr_set = MOUNT_ATTR_RDONLY };
      if (syscall (SYS_mount_setattr, tree, "", AT_EMPTY_PATH | AT_RECURSIVE,
                   &a, sizeof a) < 0)
        return gr_error_set (err, errno, "make read-only");
      return gr_mnt_attach (tree, fd, err);
    }
  if (errno != ENOSYS)
    return -1;
  char p[GR_FD_PATH_MAX];
  if (mount (gr_fd_path (p, fd), p, NULL, MS_BIND | MS_REC, NULL) < 0)
    return gr_error_set (err, errno, "bind mount");
  cleanup_close int nfd = gr_resolve (rootfd, path, 0, err);
  return nfd < 0 ? -1 : remount_ro (nfd, false, err);
}

static int
readonly_paths (const gr_spec *s, int rootfd, gr_error **err)
{
  for (size_t i = 0; s->lnx && i < s->lnx->n_readonly_paths; i++)
    if (readonly_one (rootfd, s->lnx->readonly_paths[i], err) < 0)
      return gr_error_wrap (err, "readonlyPaths[%zu] `%s`", i,
                            s->lnx->readonly_paths[i]);
  return 0;
}

/* a config /dev with "ro" was mounted rw to create the nodes */
static int
dev_readonly (const gr_spec *s, int rootfd, gr_error **err)
{
  const gr_mount *m = gr_spec_find_mount (s, "dev");
  gr_mount_flags f;
  if (m == NULL || gr_mount_parse_options (m->options, m->n_options, &f, err) < 0)
    return m ? -1 : 0;
  bool ro = f.flags & MS_RDONLY;
  gr_mount_flags_free (&f);
  if (!ro)
    return 0;
  cleanup_close int fd = gr_resolve (rootfd, "/dev", 0, err);
  if (fd < 0 || remount_ro (fd, false, err) < 0)
    return gr_error_wrap (err, "make /dev read-only");
  return 0;
}

int
gr_rootfs_finalize (const gr_spec *s, const gr_rootfs_opts *o, gr_error **err)
{
  unsigned long prop;
  if (root_propagation (s, &prop, err) < 0)
    return -1;
  cleanup_close int rootfd = open ("/", O_PATH | O_DIRECTORY | O_CLOEXEC);
  if (rootfd < 0)
    return gr_error_set (err, errno, "open /");
  if (mask_paths (s, o, rootfd, err) < 0 || readonly_paths (s, rootfd, err) < 0
      || dev_readonly (s, rootfd, err) < 0)
    return -1;
  /* only the root mount: /dev, /proc, volumes keep their own flags */
  if (s->root_readonly && remount_ro (rootfd, false, err) < 0)
    return gr_error_wrap (err, "root.readonly");
  /* after the pivot, so the host's / is never the one made shared */
  if (prop && set_prop_path ("/", prop, "linux.rootfsPropagation", err) < 0)
    return -1;
  return 0;
}

/* ---------------------------------------------------- runtime side */
int
gr_mount_fds_open (const gr_spec *s, const char *bundle, int **out,
                   gr_error **err)
{
  *out = NULL;
  for (size_t i = 0; i < s->n_mounts; i++)
    {
      const gr_mount *m = &s->mounts[i];
      gr_mount_flags f;
      if (gr_mount_parse_options (m->options, m->n_options, &f, NULL) < 0)
        continue; /* reported by prepare */
      bool idmap = gr_mnt_is_bind (m, &f) && gr_mnt_wants_idmap (m, &f);
      int tree = -1;
      cleanup_close int src = -1;
      cleanup_free char *what = NULL;
      gr_rootfs_opts o = { .bundle = bundle };
      if (idmap)
        {
          what = mount_what (s, i);
          src = open_source (&o, m, err);
          tree = src < 0 ? -1 : gr_mnt_clone (src, f.rbind, err);
          if (src >= 0 && tree < 0 && errno == ENOSYS)
            gr_error_set (err, ENOSYS, "idmapped mounts need Linux 5.12");
          if (tree >= 0 && gr_mnt_idmap (s, m, &f, tree, err) < 0)
            {
              close (tree);
              tree = -1;
            }
        }
      gr_mount_flags_free (&f);
      if (idmap && tree < 0)
        {
          close_fds (*out, i);
          *out = NULL;
          return gr_error_wrap (err, "%s", what);
        }
      if (tree < 0)
        continue;
      if (*out == NULL)
        {
          *out = gr_xmalloc (s->n_mounts * sizeof **out);
          for (size_t j = 0; j < s->n_mounts; j++)
            (*out)[j] = -1;
        }
      (*out)[i] = tree;
    }
  return 0;
}

void
gr_mount_fds_close (int *fds, size_t n)
{
  close_fds (fds, n);
}
