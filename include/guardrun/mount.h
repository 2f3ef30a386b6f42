/* SPDX-License-Identifier: Apache-2.0 */
#ifndef GUARDRUN_MOUNT_H
#define GUARDRUN_MOUNT_H

/*
 * Building the container's filesystem view.  Runs in the container init,
 * inside its new mount namespace (and user namespace, when there is one).
 * Every destination is resolved beneath the rootfs fd without following
 * symlinks out of it (openat2 RESOLVE_IN_ROOT|RESOLVE_NO_MAGICLINKS, then
 * the mount is made on /proc/self/fd/N of that fd, or with move_mount), so
 * a symlink planted in the image cannot redirect a mount onto the host.
 */
#include <stdbool.h>
#include <guardrun/error.h>
#include <guardrun/spec.h>

typedef struct {
  const char *rootfs;      /* absolute host path of root.path */
  bool userns;             /* in a new user namespace: devices are bind
                              mounted from the host, not mknod'ed */
  int console_fd;          /* pty slave for /dev/console, -1 if none */
  const char *mount_label; /* SELinux context= for tmpfs etc., or NULL */
  bool no_pivot;
  const char *bundle;      /* relative bind sources are under it; NULL: cwd */
  const int *mount_fds;    /* from gr_mount_fds_open (one per config mount,
                              -1 = none), or NULL */
} gr_rootfs_opts;

/* In the runtime, before the container's namespaces exist: the mounts the
   init cannot make by itself: idmapped bind mounts, whose id-mapping user
   namespace must be made with host ids (the init, in the container's user
   namespace, cannot when it has one).  Each is a detached, idmapped
   open_tree clone of the source; prepare attaches it.
   *fds gets s->n_mounts entries (-1 for the others), or NULL if none;
   relative sources are under bundle. */
int gr_mount_fds_open (const gr_spec *s, const char *bundle, int **fds,
                       gr_error **err);
void gr_mount_fds_close (int *fds, size_t n);

/* Step 1: propagation, the rootfs bind, every config mount, /dev with
   the default and configured devices, /dev symlinks, /dev/console.
   Afterwards createContainer hooks run (still before the pivot). */
int gr_rootfs_prepare (const gr_spec *s, const gr_rootfs_opts *o,
                       gr_error **err);
/* Step 2: pivot_root (or MS_MOVE + chroot with no_pivot) and detach the
   old root. */
int gr_rootfs_pivot (const gr_spec *s, const gr_rootfs_opts *o,
                     gr_error **err);
/* Step 3, after the pivot: maskedPaths, readonlyPaths, root.readonly,
   rootfsPropagation for the final root. */
int gr_rootfs_finalize (const gr_spec *s, const gr_rootfs_opts *o,
                        gr_error **err);

/* mount option string -> flags/propagation/data; exported for tests and
   the fuzzer.  Unknown options are passed to the filesystem as data.
   Later options override earlier ones ("ro,rw" is rw). */
typedef struct {
  unsigned long flags;       /* MS_* to set (never MS_BIND/MS_REC) */
  unsigned long clear;       /* MS_* asked off ("rw", "suid", ...) */
  unsigned long propagation; /* MS_SHARED/SLAVE/PRIVATE/UNBINDABLE [|MS_REC] */
  unsigned long rec_attr_set, rec_attr_clr; /* MOUNT_ATTR_*, AT_RECURSIVE */
  bool bind, rbind;          /* "bind" / "rbind" (rbind implies bind) */
  bool recursive_ro;         /* "rro" in effect */
  bool idmap, ridmap;        /* "idmap" / "ridmap" (ridmap implies idmap) */
  bool tmpcopyup;
  char *data;                /* comma-joined fs-specific options, or NULL */
} gr_mount_flags;
int gr_mount_parse_options (char **opts, size_t n, gr_mount_flags *out,
                            gr_error **err);
void gr_mount_flags_free (gr_mount_flags *f);

#endif
