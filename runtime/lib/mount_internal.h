/* SPDX-License-Identifier: Apache-2.0 */
/* Private to mount*.c, resolve.c and dev.c (and their tests):
   in-root path resolution and the mount primitives they share. */
#ifndef GUARDRUN_MOUNT_INTERNAL_H
#define GUARDRUN_MOUNT_INTERNAL_H

#include <stdint.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <linux/mount.h>
#include <guardrun/mount.h>

/* ---------------------------------------------------------- resolution */
enum {
  GR_RES_NOFOLLOW = 1 << 0, /* the last component may be a symlink: return it */
  GR_RES_MKDIR = 1 << 1,    /* create what is missing, the last as a directory */
  GR_RES_MKFILE = 1 << 2,   /* ... the last as an empty regular file */
};

/* "/a/./b//../c" -> "a/c": lexical, relative to the root, never above it
   ("" is the root itself).  runc cleans destinations the same way. */
char *gr_path_clean (const char *path);

/* An O_PATH fd for `path` resolved beneath rootfd as if rootfd were "/"
   (symlinks, absolute or with "..", cannot leave it; magic links are
   refused).  openat2(RESOLVE_IN_ROOT) when the kernel has it, else a walk
   one O_NOFOLLOW component at a time that follows symlinks by hand. */
int gr_resolve (int rootfd, const char *path, int how, gr_error **err);

/* -------------------------------------------------------- mount helpers */
/* the per-mount flags of fd's mount as MS_* (the atime mode always
   explicit): what a user namespace locks, what a remount must repeat */
unsigned long gr_mnt_flags_of (int fd);
/* a statx mount id, 0 if unknown */
uint64_t gr_mnt_id (int fd);
/* "/proc/self/fd/N" (the legacy API's way to name an fd) */
#define GR_FD_PATH_MAX 32
const char *gr_fd_path (char buf[GR_FD_PATH_MAX], int fd);

/* a detached copy of the mount tree at fd (open_tree OPEN_TREE_CLONE) */
int gr_mnt_clone (int fd, bool recursive, gr_error **err);
/* attach a detached tree (or a clone of any fd) on top of dstfd */
int gr_mnt_attach (int tree, int dstfd, gr_error **err);
/* bind srcfd (a file, directory or device) over dstfd, non-recursively */
int gr_mnt_bind_fd (int srcfd, int dstfd, gr_error **err);

/* The shared shape of every mount guardrun makes: a config mount, or one
   of the /dev defaults built as if it came from the config. */
typedef struct {
  const gr_spec *s;
  const gr_rootfs_opts *o;
  int rootfd;               /* the rootfs bind mount, O_PATH */
  int *srcfds;              /* per config mount: bind source or tree, -1 */
} gr_mnt_ctx;

/* Make mount m.  srcfd: a bind mount's source, O_PATH, or a detached
   tree (is_tree) from gr_mount_fds_open; -1 for other mounts.  what
   ("mounts[3].destination `/x`") prefixes every error. */
int gr_mnt_one (gr_mnt_ctx *c, const gr_mount *m, int srcfd, bool is_tree,
                const char *what, gr_error **err);
bool gr_mnt_is_bind (const gr_mount *m, const gr_mount_flags *f);
bool gr_mnt_wants_idmap (const gr_mount *m, const gr_mount_flags *f);
/* MOUNT_ATTR_IDMAP on a detached tree, with the mount's mappings or else
   the container's */
int gr_mnt_idmap (const gr_spec *s, const gr_mount *m, const gr_mount_flags *f,
                  int tree, gr_error **err);

/* ------------------------------------------------------------------ dev */
/* does the config mount something on this (cleaned) destination? */
const gr_mount *gr_spec_find_mount (const gr_spec *s, const char *clean_dest);
/* /dev tmpfs when the config has none (before the config mounts) */
int gr_dev_mount_tmpfs (gr_mnt_ctx *c, gr_error **err);
/* after the config mounts: devpts, shm, device nodes, symlinks, console */
int gr_dev_populate (gr_mnt_ctx *c, gr_error **err);

/* Test knobs (tests/ only): take the fallback paths an older kernel takes. */
enum {
  GR_MNT_TEST_NO_OPENAT2 = 1 << 0,  /* resolve with the hand walk */
  GR_MNT_TEST_LEGACY = 1 << 1,      /* mount(2) only: no open_tree etc. */
};
extern int gr_mnt_test_flags;

#endif
