/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Resolving a path inside the container's rootfs from the host.  The path
 * comes from the config and the rootfs from an image: both are the
 * attacker's.  A symlink `evil -> /etc` must mean <rootfs>/etc, a `..` must
 * stop at the rootfs, and a directory swapped for a symlink between two
 * steps must not redirect us (CVE-2021-30465).  The kernel does all of it
 * in one call with openat2(RESOLVE_IN_ROOT); without openat2, or when
 * missing components must be created, we walk one component at a time with
 * O_NOFOLLOW, keeping a stack of directory fds so ".." pops a level instead
 * of asking the (raceable) file system for the parent.
 */
#include <fcntl.h>
#include <limits.h>
#include <string.h>
#include <sys/syscall.h>
#include <linux/openat2.h>
#include <guardrun/util.h>
#include "mount_internal.h"

int gr_mnt_test_flags;

#define MAX_SYMLINKS 40

char *
gr_path_clean (const char *path)
{
  size_t n = strlen (path);
  char *out = gr_xmalloc (n + 1);
  size_t len = 0;
  const char *p = path;
  while (*p)
    {
      while (*p == '/')
        p++;
      const char *e = strchrnul (p, '/');
      size_t cl = (size_t) (e - p);
      if (cl == 0 || (cl == 1 && p[0] == '.'))
        ;
      else if (cl == 2 && p[0] == '.' && p[1] == '.')
        {
          /* drop the last component; at the root ".." is the root */
          while (len > 0 && out[len - 1] != '/')
            len--;
          if (len > 0)
            len--;
        }
      else
        {
          if (len)
            out[len++] = '/';
          memcpy (out + len, p, cl);
          len += cl;
        }
      p = e;
    }
  out[len] = '\0';
  return out;
}

static int
openat2_in_root (int rootfd, const char *rel, int how)
{
  struct open_how oh = {
    .flags = O_PATH | O_CLOEXEC | ((how & GR_RES_NOFOLLOW) ? O_NOFOLLOW : 0),
    .resolve = RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS,
  };
  for (int tries = 0;; tries++)
    {
      int fd = (int) syscall (SYS_openat2, rootfd, *rel ? rel : ".", &oh,
                              sizeof oh);
      /* EAGAIN: a concurrent rename raced the ".." checks; try again */
      if (fd >= 0 || errno != EAGAIN || tries >= 32)
        return fd;
    }
}

/* ------------------------------------------------------------ the walk */
typedef struct {
  int *fd;          /* fd[0] is the root (not ours to close) */
  size_t depth, cap;
  char *rest;       /* what is left to resolve */
  int links;
} walk;

static void
walk_free (walk *w)
{
  for (size_t i = 1; i <= w->depth; i++)
    close (w->fd[i]);
  free (w->fd);
  free (w->rest);
}

static int
walk_top (const walk *w)
{
  return w->fd[w->depth];
}

static void
walk_push (walk *w, int fd)
{
  if (w->depth + 1 >= w->cap)
    {
      w->cap = w->cap ? w->cap * 2 : 16;
      w->fd = gr_xrealloc (w->fd, w->cap * sizeof *w->fd);
    }
  w->fd[++w->depth] = fd;
}

static void
walk_pop_to (walk *w, size_t depth)
{
  while (w->depth > depth)
    close (w->fd[w->depth--]);
}

/* next component of w->rest into name: 1, 0 at the end, -1 too long */
static int
walk_next (walk *w, char name[NAME_MAX + 1], size_t *off)
{
  const char *p = w->rest + *off;
  while (*p == '/')
    p++;
  if (*p == '\0')
    return 0;
  const char *e = strchrnul (p, '/');
  size_t n = (size_t) (e - p);
  if (n > NAME_MAX)
    {
      errno = ENAMETOOLONG;
      return -1;
    }
  memcpy (name, p, n);
  name[n] = '\0';
  *off = (size_t) (e - w->rest);
  return 1;
}

static bool
is_last (const walk *w, size_t off)
{
  const char *p = w->rest + off;
  while (*p == '/')
    p++;
  return *p == '\0';
}

/* replace the component just read by the symlink's target */
static int
walk_expand (walk *w, int linkfd, size_t off)
{
  char target[PATH_MAX];
  ssize_t n = readlinkat (linkfd, "", target, sizeof target - 1);
  if (n < 0)
    return -1;
  target[n] = '\0';
  if (++w->links > MAX_SYMLINKS)
    {
      errno = ELOOP;
      return -1;
    }
  char *rest = gr_fmt ("%s/%s", target, w->rest + off);
  free (w->rest);
  w->rest = rest;
  if (target[0] == '/')
    walk_pop_to (w, 0);
  return 0;
}

static int
create_missing (int dfd, const char *name, bool file)
{
  if (!file)
    return mkdirat (dfd, name, 0755) < 0 && errno != EEXIST ? -1 : 0;
  /* O_EXCL|O_NOFOLLOW: a symlink planted meanwhile is never followed */
  int fd = openat (dfd, name, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW
                                  | O_CLOEXEC | O_NOCTTY,
                   0644);
  if (fd < 0)
    return errno == EEXIST ? 0 : -1;
  close (fd);
  return 0;
}

/* one component: 1 to go on, 0 done, -1 error */
static int
walk_step (walk *w, size_t *off, int how)
{
  char name[NAME_MAX + 1];
  int r = walk_next (w, name, off);
  if (r <= 0)
    return r;
  if (strcmp (name, ".") == 0)
    return 1;
  if (strcmp (name, "..") == 0)
    {
      walk_pop_to (w, w->depth ? w->depth - 1 : 0);
      return 1;
    }
  bool last = is_last (w, *off);
  int fd = openat (walk_top (w), name, O_PATH | O_NOFOLLOW | O_CLOEXEC);
  for (int tries = 0; fd < 0 && errno == ENOENT && tries < 8; tries++)
    {
      if (!(how & (GR_RES_MKDIR | GR_RES_MKFILE)))
        return -1;
      if (create_missing (walk_top (w), name, last && (how & GR_RES_MKFILE)) < 0)
        return -1;
      fd = openat (walk_top (w), name, O_PATH | O_NOFOLLOW | O_CLOEXEC);
    }
  if (fd < 0)
    return -1;
  struct stat st;
  if (fstat (fd, &st) < 0)
    {
      close (fd);
      return -1;
    }
  if (S_ISLNK (st.st_mode) && !(last && (how & GR_RES_NOFOLLOW)))
    {
      r = walk_expand (w, fd, *off);
      close (fd);
      *off = 0;
      return r < 0 ? -1 : 1;
    }
  if (!last && !S_ISDIR (st.st_mode))
    {
      close (fd);
      errno = ENOTDIR;
      return -1;
    }
  walk_push (w, fd);
  return 1;
}

static int
walk_in_root (int rootfd, const char *rel, int how)
{
  walk w = { .rest = gr_xstrdup (rel), .cap = 16 };
  w.fd = gr_xmalloc (w.cap * sizeof *w.fd);
  w.fd[0] = rootfd;
  size_t off = 0;
  int r;
  while ((r = walk_step (&w, &off, how)) > 0)
    ;
  int fd = -1;
  if (r == 0 && w.depth)
    fd = w.fd[w.depth--];
  else if (r == 0)
    fd = openat (rootfd, ".", O_PATH | O_CLOEXEC | O_DIRECTORY);
  int saved = errno;
  walk_free (&w);
  errno = saved;
  return fd;
}

int
gr_resolve (int rootfd, const char *path, int how, gr_error **err)
{
  cleanup_free char *rel = gr_path_clean (path);
  int fd = -1;
  if (!(gr_mnt_test_flags & GR_MNT_TEST_NO_OPENAT2))
    {
      fd = openat2_in_root (rootfd, rel, how);
      if (fd >= 0)
        return fd;
      /* ENOSYS/E2BIG: no openat2; ENOENT: walk and create */
      bool create = how & (GR_RES_MKDIR | GR_RES_MKFILE);
      if (errno != ENOSYS && errno != E2BIG && !(errno == ENOENT && create))
        return gr_error_set (err, errno, "resolve `/%s` in the rootfs", rel);
    }
  fd = walk_in_root (rootfd, rel, how);
  if (fd < 0)
    return gr_error_set (err, errno, "resolve `/%s` in the rootfs", rel);
  return fd;
}
