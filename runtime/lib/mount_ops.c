/* SPDX-License-Identifier: Apache-2.0 */
/*
 * One mount, made safely: the destination is resolved inside the rootfs
 * (resolve.c) and held as an fd; the mount goes onto that fd (move_mount
 * MOVE_MOUNT_T_EMPTY_PATH, or mount(2) on /proc/self/fd/N of the host's
 * /proc on kernels without the new API), so nothing can swap a path under
 * us between the check and the mount.  Afterwards the destination is
 * resolved again and must show the new mount: the file system we asked for,
 * or the bind source's inode.
 *
 * Bind mounts are cloned with open_tree(OPEN_TREE_CLONE) from an O_PATH fd
 * of the source opened before any mount was made; their flags are set on
 * the detached clone with mount_setattr, which only changes what it is
 * told to, so the flags the kernel locks in a user namespace (nosuid,
 * nodev, noexec, ro, atime of the source) are kept without a remount.
 */
#include <fcntl.h>
#include <limits.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/statvfs.h>
#include <sys/syscall.h>
#include <linux/magic.h>
#include <guardrun/util.h>
#include "mount_internal.h"

#ifndef MS_NOSYMFOLLOW
#define MS_NOSYMFOLLOW 256
#endif
#define MQUEUE_MAGIC 0x19800202 /* not in linux/magic.h */

/* ------------------------------------------------------------ syscalls */
static bool
legacy (void)
{
  return gr_mnt_test_flags & GR_MNT_TEST_LEGACY;
}

static int
sys_open_tree (int dfd, const char *path, unsigned flags)
{
  if (legacy ())
    {
      errno = ENOSYS;
      return -1;
    }
  return (int) syscall (SYS_open_tree, dfd, path, flags);
}

static int
sys_mount_setattr (int dfd, unsigned flags, struct mount_attr *a)
{
  if (legacy ())
    {
      errno = ENOSYS;
      return -1;
    }
  return (int) syscall (SYS_mount_setattr, dfd, "", flags | AT_EMPTY_PATH, a,
                        sizeof *a);
}

const char *
gr_fd_path (char buf[GR_FD_PATH_MAX], int fd)
{
  snprintf (buf, GR_FD_PATH_MAX, "/proc/self/fd/%d", fd);
  return buf;
}

uint64_t
gr_mnt_id (int fd)
{
  struct statx stx;
  if (statx (fd, "", AT_EMPTY_PATH | AT_SYMLINK_NOFOLLOW, STATX_MNT_ID, &stx) < 0
      || !(stx.stx_mask & STATX_MNT_ID))
    return 0;
  return stx.stx_mnt_id;
}

int
gr_mnt_clone (int fd, bool recursive, gr_error **err)
{
  int tree = sys_open_tree (fd, "", OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC
                                        | AT_EMPTY_PATH
                                        | (recursive ? AT_RECURSIVE : 0));
  if (tree < 0 && errno != ENOSYS)
    return gr_error_set (err, errno, "open_tree");
  return tree;
}

int
gr_mnt_attach (int tree, int dstfd, gr_error **err)
{
  if (syscall (SYS_move_mount, tree, "", dstfd, "",
               MOVE_MOUNT_F_EMPTY_PATH | MOVE_MOUNT_T_EMPTY_PATH) < 0)
    return gr_error_set (err, errno, "move_mount");
  return 0;
}

/* the legacy API: a bind between two fds through the host's /proc */
static int
legacy_bind (int srcfd, int dstfd, bool recursive, gr_error **err)
{
  char s[GR_FD_PATH_MAX], d[GR_FD_PATH_MAX];
  if (mount (gr_fd_path (s, srcfd), gr_fd_path (d, dstfd), NULL,
             MS_BIND | (recursive ? MS_REC : 0), NULL) < 0)
    return gr_error_set (err, errno, "bind mount");
  return 0;
}

int
gr_mnt_bind_fd (int srcfd, int dstfd, gr_error **err)
{
  cleanup_close int tree = gr_mnt_clone (srcfd, false, err);
  if (tree >= 0)
    return gr_mnt_attach (tree, dstfd, err);
  return errno == ENOSYS ? legacy_bind (srcfd, dstfd, false, err) : -1;
}

/* ----------------------------------------------------------- flags */
static const struct { unsigned long ms; uint64_t attr; } ms_attr[] = {
  { MS_RDONLY, MOUNT_ATTR_RDONLY },     { MS_NOSUID, MOUNT_ATTR_NOSUID },
  { MS_NODEV, MOUNT_ATTR_NODEV },       { MS_NOEXEC, MOUNT_ATTR_NOEXEC },
  { MS_NODIRATIME, MOUNT_ATTR_NODIRATIME },
  { MS_NOSYMFOLLOW, MOUNT_ATTR_NOSYMFOLLOW },
};
#define MS_ATIME (MS_NOATIME | MS_RELATIME | MS_STRICTATIME)

unsigned long
gr_mnt_flags_of (int fd)
{
  static const struct { unsigned long st, ms; } map[] = {
    { ST_RDONLY, MS_RDONLY }, { ST_NOSUID, MS_NOSUID },
    { ST_NODEV, MS_NODEV },   { ST_NOEXEC, MS_NOEXEC },
    { ST_NOATIME, MS_NOATIME }, { ST_NODIRATIME, MS_NODIRATIME },
    { ST_RELATIME, MS_RELATIME },
  };
  struct statvfs sv;
  unsigned long ms = 0;
  if (fstatvfs (fd, &sv) < 0)
    return 0;
  for (size_t i = 0; i < GR_ARRAY_SIZE (map); i++)
    if (sv.f_flag & map[i].st)
      ms |= map[i].ms;
  if (!(ms & (MS_NOATIME | MS_RELATIME)))
    ms |= MS_STRICTATIME;
  return ms;
}

/* flags/clear of the options -> mount_setattr for one mount, leaving
   alone what `keep` (the locked flags) says */
static void
flags_to_attr (const gr_mount_flags *f, unsigned long keep, bool userns,
               struct mount_attr *a)
{
  for (size_t i = 0; i < GR_ARRAY_SIZE (ms_attr); i++)
    if (f->flags & ms_attr[i].ms)
      a->attr_set |= ms_attr[i].attr;
    else if ((f->clear & ms_attr[i].ms) && !(keep & ms_attr[i].ms))
      a->attr_clr |= ms_attr[i].attr;
  /* a user namespace locks the atime mode: keep the source's */
  if (userns || !((f->flags | f->clear) & MS_ATIME))
    return;
  a->attr_clr |= MOUNT_ATTR__ATIME;
  a->attr_set |= (f->flags & MS_NOATIME)       ? MOUNT_ATTR_NOATIME
                 : (f->flags & MS_STRICTATIME) ? MOUNT_ATTR_STRICTATIME
                                               : MOUNT_ATTR_RELATIME;
}

static int
setattr (int fd, bool recursive, uint64_t set, uint64_t clr, gr_error **err)
{
  struct mount_attr a = { .attr_set = set, .attr_clr = clr };
  if (set == 0 && clr == 0)
    return 0;
  if (sys_mount_setattr (fd, recursive ? AT_RECURSIVE : 0, &a) < 0)
    return gr_error_set (err, errno, "mount_setattr%s",
                         errno == ENOSYS ? " (recursive mount options need "
                                           "Linux 5.12)" : "");
  return 0;
}

static int
set_propagation (int fd, unsigned long prop, gr_error **err)
{
  if (prop == 0)
    return 0;
  struct mount_attr a = { .propagation = prop & ~(unsigned long) MS_REC };
  if (sys_mount_setattr (fd, (prop & MS_REC) ? AT_RECURSIVE : 0, &a) == 0)
    return 0;
  char p[GR_FD_PATH_MAX];
  if (errno != ENOSYS || mount (NULL, gr_fd_path (p, fd), NULL, prop, NULL) < 0)
    return gr_error_set (err, errno, "set mount propagation");
  return 0;
}

/* the old way to change a bind mount's flags: a remount, which replaces
   them all.  Start from what the new mount has (the source's flags), as
   mount_setattr would; in a user namespace those are locked, the atime
   mode included, and can only be added to. */
static int
legacy_remount (int fd, const gr_mount_flags *f, bool userns,
                bool rec_optional, gr_error **err)
{
  const unsigned long mask = MS_RDONLY | MS_NOSUID | MS_NODEV | MS_NOEXEC
                             | MS_NOSYMFOLLOW | MS_NODIRATIME | MS_ATIME;
  char p[GR_FD_PATH_MAX];
  if (((f->flags | f->clear) & mask) == 0)
    return 0;
  if ((f->rec_attr_set || f->rec_attr_clr) && !rec_optional)
    return gr_error_set (err, ENOSYS, "recursive mount options need "
                                      "mount_setattr (Linux 5.12)");
  unsigned long cur = gr_mnt_flags_of (fd);
  unsigned long want = (cur & ~f->clear) | (f->flags & mask);
  if (f->flags & MS_ATIME)
    want = (want & ~MS_ATIME) | (f->flags & MS_ATIME);
  if (userns)
    want = (want & ~(MS_ATIME | MS_NODIRATIME)) | cur;
  if (mount (NULL, gr_fd_path (p, fd), NULL,
             MS_BIND | MS_REMOUNT | (want & mask), NULL) < 0)
    return gr_error_set (err, errno, "remount with the mount options");
  return 0;
}

/* ------------------------------------------------------- verification */
static const struct { const char *type; unsigned long magic; } fs_magic[] = {
  { "proc", PROC_SUPER_MAGIC },     { "sysfs", SYSFS_MAGIC },
  { "tmpfs", TMPFS_MAGIC },         { "devpts", DEVPTS_SUPER_MAGIC },
  { "cgroup2", CGROUP2_SUPER_MAGIC }, { "mqueue", MQUEUE_MAGIC },
};

static unsigned long
magic_of (const char *type)
{
  for (size_t i = 0; i < GR_ARRAY_SIZE (fs_magic); i++)
    if (strcmp (fs_magic[i].type, type) == 0)
      return fs_magic[i].magic;
  return 0;
}

typedef struct {
  uint64_t old_mnt;       /* mount id of the destination before */
  unsigned long magic;    /* expected f_type, 0 = any */
  const struct stat *src; /* bind: expected inode, or NULL */
} expect;

/* resolve the destination again: it must be the root of a new mount of
   what we asked for (CVE-2019-19921, CVE-2025-52881: never trust that a
   mount landed where the path said) */
static int
verify (gr_mnt_ctx *c, const char *dest, int how, const expect *e,
        gr_error **err)
{
  cleanup_close int fd = gr_resolve (c->rootfd, dest, how, err);
  if (fd < 0)
    return -1;
  struct statfs sfs;
  struct stat st;
  uint64_t id = gr_mnt_id (fd);
  if (id != 0 && id == e->old_mnt)
    return gr_error_set (err, EXDEV, "the mount did not land on the "
                                     "destination");
  if (e->magic && (fstatfs (fd, &sfs) < 0 || (unsigned long) sfs.f_type != e->magic))
    return gr_error_set (err, EXDEV, "the destination is not the new mount "
                                     "(file system 0x%lx)",
                         (unsigned long) sfs.f_type);
  if (e->src && (fstat (fd, &st) < 0 || st.st_dev != e->src->st_dev
                 || st.st_ino != e->src->st_ino))
    return gr_error_set (err, EXDEV, "the destination is not the bind "
                                     "mount's source");
  return gr_steal_fd (fd);
}

/* proc and sysfs go only on a real, empty directory: not on a symlink a
   neighbour sharing the volume may have swapped in, not over files */
static int
check_fresh_dir (int fd, gr_error **err)
{
  struct stat st;
  if (fstat (fd, &st) < 0)
    return gr_error_set (err, errno, "stat");
  if (S_ISLNK (st.st_mode))
    return gr_error_set (err, ELOOP, "is a symlink");
  if (!S_ISDIR (st.st_mode))
    return gr_error_set (err, ENOTDIR, "is not a directory");
  int dfd = openat (fd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  cleanup_dir DIR *d = dfd >= 0 ? fdopendir (dfd) : NULL;
  if (d == NULL)
    return gr_error_set (err, errno, "open");
  struct dirent *de;
  while ((de = readdir (d)))
    if (strcmp (de->d_name, ".") && strcmp (de->d_name, ".."))
      return gr_error_set (err, ENOTEMPTY, "is not an empty directory");
  return 0;
}

/* ---------------------------------------------------------- tmpcopyup */
static int copy_tree (int sfd, int dfd, int depth);

static int
copy_file (int sfd, int dfd, const char *name, const struct stat *st)
{
  cleanup_close int in = openat (sfd, name, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
  cleanup_close int out = openat (dfd, name, O_WRONLY | O_CREAT | O_EXCL
                                                 | O_NOFOLLOW | O_CLOEXEC,
                                  st->st_mode & 07777);
  if (in < 0 || out < 0)
    return -1;
  char buf[65536];
  ssize_t n;
  while ((n = read (in, buf, sizeof buf)) > 0)
    if (gr_write_all (out, buf, (size_t) n) < 0)
      return -1;
  return n < 0 ? -1 : 0;
}

static int
copy_entry (int sfd, int dfd, const char *name, int depth)
{
  struct stat st;
  if (fstatat (sfd, name, &st, AT_SYMLINK_NOFOLLOW) < 0)
    return -1;
  int r;
  if (S_ISDIR (st.st_mode))
    {
      cleanup_close int s = openat (sfd, name, O_RDONLY | O_DIRECTORY
                                                   | O_NOFOLLOW | O_CLOEXEC);
      cleanup_close int d = -1;
      r = s < 0 || mkdirat (dfd, name, st.st_mode & 07777) < 0 ? -1 : 0;
      if (r == 0)
        d = openat (dfd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
      r = r < 0 || d < 0 ? -1 : copy_tree (s, d, depth + 1);
    }
  else if (S_ISREG (st.st_mode))
    r = copy_file (sfd, dfd, name, &st);
  else if (S_ISLNK (st.st_mode))
    {
      char target[PATH_MAX];
      ssize_t n = readlinkat (sfd, name, target, sizeof target - 1);
      r = n < 0 ? -1 : 0;
      if (r == 0)
        {
          target[n] = '\0';
          r = symlinkat (target, dfd, name);
        }
    }
  else
    r = mknodat (dfd, name, st.st_mode, st.st_rdev);
  if (r < 0)
    return -1;
  /* owner after content (a chown clears setuid); mode again past umask.
     EINVAL: an owner our user namespace does not map, left as is */
  if (fchownat (dfd, name, st.st_uid, st.st_gid, AT_SYMLINK_NOFOLLOW) < 0
      && errno != EINVAL)
    return -1;
  if (!S_ISLNK (st.st_mode) && fchmodat (dfd, name, st.st_mode & 07777, 0) < 0)
    return -1;
  return 0;
}

static int
copy_tree (int sfd, int dfd, int depth)
{
  if (depth > 64)
    {
      errno = ELOOP;
      return -1;
    }
  int fd = dup (sfd);
  cleanup_dir DIR *d = fd >= 0 ? fdopendir (fd) : NULL;
  if (d == NULL)
    {
      if (fd >= 0)
        close (fd);
      return -1;
    }
  struct dirent *de;
  while ((de = readdir (d)))
    if (strcmp (de->d_name, ".") && strcmp (de->d_name, "..")
        && copy_entry (sfd, dfd, de->d_name, depth) < 0)
      return -1;
  return 0;
}

/* ----------------------------------------------------------- the mount */
typedef struct {
  gr_mnt_ctx *c;
  const gr_mount *m;
  gr_mount_flags f;
  char *dest;              /* cleaned, relative to the rootfs */
  bool rec_optional;       /* recursive attrs are ours, not the config's */
} req;

static int
bind_tree (req *r, int tree, int dstfd, unsigned long keep, gr_error **err)
{
  struct mount_attr a = { 0 };
  flags_to_attr (&r->f, keep, r->c->o->userns, &a);
  if (setattr (tree, false, a.attr_set, a.attr_clr, err) < 0
      || setattr (tree, true, r->f.rec_attr_set, r->f.rec_attr_clr, err) < 0)
    return -1;
  return gr_mnt_attach (tree, dstfd, err);
}

/* bind srcfd (O_PATH source, or a detached tree when is_tree) on dest */
static int
do_bind (req *r, int srcfd, bool is_tree, unsigned long magic, gr_error **err)
{
  struct stat st;
  if (fstat (srcfd, &st) < 0)
    return gr_error_set (err, errno, "stat the source");
  int how = S_ISDIR (st.st_mode) ? GR_RES_MKDIR : GR_RES_MKFILE;
  cleanup_close int dstfd = gr_resolve (r->c->rootfd, r->dest, how, err);
  if (dstfd < 0)
    return -1;
  unsigned long keep = r->c->o->userns ? gr_mnt_flags_of (srcfd) : 0;
  expect e = { .old_mnt = gr_mnt_id (dstfd), .magic = magic, .src = &st };
  cleanup_close int tree = is_tree ? dup (srcfd) : gr_mnt_clone (srcfd, r->f.rbind, err);
  if (tree < 0 && errno != ENOSYS)
    return -1;
  if (tree >= 0)
    {
      if (!is_tree && gr_mnt_wants_idmap (r->m, &r->f)
          && gr_mnt_idmap (r->c->s, r->m, &r->f, tree, err) < 0)
        return -1;
      if (bind_tree (r, tree, dstfd, keep, err) < 0)
        return -1;
    }
  else if (gr_mnt_wants_idmap (r->m, &r->f))
    return gr_error_set (err, ENOSYS, "idmapped mounts need Linux 5.12");
  else if (legacy_bind (srcfd, dstfd, r->f.rbind, err) < 0)
    return -1;
  cleanup_close int nfd = verify (r->c, r->dest, 0, &e, err);
  if (nfd < 0)
    return -1;
  if (tree < 0 && legacy_remount (nfd, &r->f, r->c->o->userns, r->rec_optional,
                                    err) < 0)
    return -1;
  return set_propagation (nfd, r->f.propagation, err);
}

static int
open_host_dir (const char *path, gr_error **err)
{
  int fd = open (path, O_PATH | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0)
    return gr_error_set (err, errno, "open `%s`", path);
  return fd;
}

/* sysfs belongs to the owner of the network namespace, mqueue to that of
   the IPC namespace: in a user namespace without its own, bind the host's
   instead (runc, crun), the flags made recursive so no submount stays
   writable */
static const struct { const char *type, *host; unsigned long magic; } host_fs[] = {
  { "sysfs", "/sys", SYSFS_MAGIC },
  { "mqueue", "/dev/mqueue", MQUEUE_MAGIC },
};

static int
host_fs_fallback (req *r, const char *type, gr_error **err)
{
  size_t i = 0;
  while (strcmp (host_fs[i].type, type))
    i++;
  cleanup_close int fd = open_host_dir (host_fs[i].host, err);
  if (fd < 0)
    return -1;
  for (size_t k = 0; k < GR_ARRAY_SIZE (ms_attr); k++)
    if (r->f.flags & ms_attr[k].ms)
      r->f.rec_attr_set |= ms_attr[k].attr;
  r->rec_optional = true;
  r->f.rbind = true;
  return do_bind (r, fd, false, host_fs[i].magic, err);
}

static bool
has_host_fallback (const char *type)
{
  for (size_t i = 0; i < GR_ARRAY_SIZE (host_fs); i++)
    if (strcmp (host_fs[i].type, type) == 0)
      return true;
  return false;
}

/* cgroup2 without a cgroup namespace: bind our own cgroup from the host's
   cgroup2 mount.  A new cgroup2 mount from the host's cgroup namespace
   would not only show the whole host tree: it re-applies the mount options
   to the one cgroup2 superblock, clearing the host's nsdelegate and
   memory_recursiveprot.  (Also runc's fallback in a user namespace.) */
static int
cgroup2_fallback (req *r, gr_error **err)
{
  static const char *const roots[] = { "/sys/fs/cgroup", "/sys/fs/cgroup/unified" };
  cleanup_free char *self = NULL;
  if (gr_read_file ("/proc/self/cgroup", 1 << 20, &self, NULL, err) < 0)
    return -1;
  const char *line = NULL;
  char *save = NULL;
  for (char *l = strtok_r (self, "\n", &save); l; l = strtok_r (NULL, "\n", &save))
    if (strncmp (l, "0::", 3) == 0)
      line = l + 3;
  if (line == NULL)
    return gr_error_set (err, ENOENT, "no cgroup2 path in /proc/self/cgroup");
  for (size_t i = 0; i < GR_ARRAY_SIZE (roots); i++)
    {
      struct statfs sfs;
      if (statfs (roots[i], &sfs) < 0 || sfs.f_type != CGROUP2_SUPER_MAGIC)
        continue;
      cleanup_free char *path = gr_fmt ("%s%s", roots[i], line);
      cleanup_close int fd = open_host_dir (path, err);
      if (fd < 0)
        return -1;
      r->f.rbind = true;
      return do_bind (r, fd, false, CGROUP2_SUPER_MAGIC, err);
    }
  return gr_error_set (err, ENOENT, "no cgroup2 mount on the host");
}

static char *
fs_data (req *r, const char *type)
{
  const char *label = r->c->o->mount_label;
  const char *data = r->f.data;
  bool labeled = strcmp (type, "tmpfs") == 0 || strcmp (type, "devpts") == 0
                 || strcmp (type, "mqueue") == 0;
  if (!labeled || label == NULL || *label == '\0'
      || (data && strstr (data, "context=")))
    return gr_xstrdup (data);
  return gr_fmt ("%s%scontext=\"%s\"", data ? data : "", data ? "," : "",
                 label);
}

static int
do_fs (req *r, gr_error **err)
{
  const char *type = strcmp (r->m->type, "cgroup") == 0 ? "cgroup2" : r->m->type;
  bool special = strcmp (type, "proc") == 0 || strcmp (type, "sysfs") == 0;
  int how = GR_RES_MKDIR | (special ? GR_RES_NOFOLLOW : 0);
  cleanup_close int dstfd = gr_resolve (r->c->rootfd, r->dest, how, err);
  if (dstfd < 0 || (special && check_fresh_dir (dstfd, err) < 0))
    return -1;
  cleanup_close int below = r->f.tmpcopyup
      ? openat (dstfd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC) : -1;
  if (r->f.tmpcopyup && below < 0)
    return gr_error_set (err, errno, "open the directory to copy up");
  cleanup_free char *data = fs_data (r, type);
  const char *src = r->m->source && *r->m->source ? r->m->source : type;
  unsigned long flags = r->f.flags & ~(unsigned long) (MS_REMOUNT | MS_BIND
                                                       | MS_REC);
  char p[GR_FD_PATH_MAX];
  expect e = { .old_mnt = gr_mnt_id (dstfd), .magic = magic_of (type) };
  if (strcmp (type, "cgroup2") == 0 && gr_spec_namespace (r->c->s, "cgroup") == NULL)
    return cgroup2_fallback (r, err);
  if (mount (src, gr_fd_path (p, dstfd), type, flags, data) < 0)
    {
      if (errno == EPERM && has_host_fallback (type))
        return host_fs_fallback (r, type, err);
      if ((errno == EPERM || errno == EBUSY) && strcmp (type, "cgroup2") == 0)
        return cgroup2_fallback (r, err);
      return gr_error_set (err, errno, "mount %s", type);
    }
  cleanup_close int nfd = verify (r->c, r->dest, how & GR_RES_NOFOLLOW, &e, err);
  if (nfd < 0
      || setattr (nfd, true, r->f.rec_attr_set, r->f.rec_attr_clr, err) < 0
      || set_propagation (nfd, r->f.propagation, err) < 0)
    return -1;
  if (below >= 0)
    {
      cleanup_close int top = openat (nfd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
      if (top < 0 || copy_tree (below, top, 0) < 0)
        return gr_error_set (err, errno, "tmpcopyup");
    }
  return 0;
}

bool
gr_mnt_is_bind (const gr_mount *m, const gr_mount_flags *f)
{
  return f->bind || (m->type && strcmp (m->type, "bind") == 0);
}

int
gr_mnt_one (gr_mnt_ctx *c, const gr_mount *m, int srcfd, bool is_tree,
            const char *what, gr_error **err)
{
  req r = { .c = c, .m = m };
  int ret = -1;
  if (gr_mount_parse_options (m->options, m->n_options, &r.f, err) < 0)
    return gr_error_wrap (err, "%s", what);
  r.dest = gr_path_clean (m->destination ? m->destination : "");
  /* /dev becomes read-only in finalize, once its nodes exist */
  if (strcmp (r.dest, "dev") == 0)
    r.f.flags &= ~(unsigned long) MS_RDONLY;
  if (*r.dest == '\0')
    gr_error_set (err, EINVAL, "a mount over the root is not supported");
  else if (gr_mnt_is_bind (m, &r.f))
    ret = srcfd < 0 ? gr_error_set (err, EBADF, "bind mount without a source")
                    : do_bind (&r, srcfd, is_tree, 0, err);
  else if (m->type == NULL || *m->type == '\0')
    gr_error_set (err, EINVAL, "no type");
  else
    ret = do_fs (&r, err);
  gr_mount_flags_free (&r.f);
  free (r.dest);
  if (ret < 0)
    return gr_error_wrap (err, "%s", what);
  return 0;
}
