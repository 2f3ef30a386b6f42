/* SPDX-License-Identifier: Apache-2.0 */
/*
 * CVE-2019-5736.  The container's init is a clone of the runtime, so until
 * execve its /proc/self/exe is the runtime binary, and a container binary
 * replaced by "#!/proc/self/exe" makes the kernel run the runtime again,
 * inside the container.  A container process holding /proc/<pid>/exe of
 * such a process can then write the host's binary (since Linux 6.11 there
 * is not even ETXTBSY to stop it while the runtime runs).
 *
 * Defence: the runtime that clones containers never runs from a writable
 * file.  When the binary is not already on a read-only mount, it re-execs
 * itself once through a detached read-only bind mount of the same inode
 * (open_tree + mount_setattr: no copy, no file, nothing attached to any
 * mount table, gone with the last process using it); /proc/self/exe then
 * points into that read-only mount and every write through it fails with
 * EROFS.  Where the new mount API is not usable (an unprivileged user) it
 * falls back to a sealed memfd copy, as runc 1.1 did.
 */
#include <fcntl.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/sendfile.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <sys/syscall.h>
#include <linux/mount.h>
#include <guardrun/container.h>
#include <guardrun/util.h>

#ifndef F_SEAL_FUTURE_WRITE
#define F_SEAL_FUTURE_WRITE 0x0010
#endif

extern char **environ;

static bool
fd_protected (int fd)
{
  struct statvfs sv;
  if (fstatvfs (fd, &sv) == 0 && (sv.f_flag & ST_RDONLY))
    return true;
  int seals = fcntl (fd, F_GET_SEALS);
  return seals >= 0 && (seals & F_SEAL_WRITE) && (seals & F_SEAL_SEAL);
}

bool
gr_selfexe_is_protected (void)
{
  cleanup_close int fd = open ("/proc/self/exe", O_RDONLY | O_CLOEXEC);
  return fd >= 0 && fd_protected (fd);
}

static int
ro_bind (int exe)
{
  int tree = (int) syscall (SYS_open_tree, exe, "",
                            OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC | AT_EMPTY_PATH);
  if (tree < 0)
    return -1;
  struct mount_attr attr = {
    .attr_set = MOUNT_ATTR_RDONLY | MOUNT_ATTR_NODEV | MOUNT_ATTR_NOSUID,
  };
  if (syscall (SYS_mount_setattr, tree, "", AT_EMPTY_PATH, &attr,
               sizeof attr) < 0)
    {
      close (tree);
      return -1;
    }
  return tree;
}

static int
sealed_copy (int exe, gr_error **err)
{
  struct stat st;
  if (fstat (exe, &st) < 0)
    return gr_error_set (err, errno, "stat /proc/self/exe");
  cleanup_close int mfd = memfd_create ("guardrun", MFD_CLOEXEC
                                                       | MFD_ALLOW_SEALING);
  if (mfd < 0)
    return gr_error_set (err, errno, "memfd_create");
  off_t off = 0;
  while (off < st.st_size)
    {
      ssize_t n = sendfile (mfd, exe, &off, (size_t) (st.st_size - off));
      if (n <= 0)
        return gr_error_set (err, n < 0 ? errno : EIO, "copy the runtime binary");
    }
  if (fcntl (mfd, F_ADD_SEALS, F_SEAL_SHRINK | F_SEAL_GROW | F_SEAL_WRITE
                                   | F_SEAL_SEAL) < 0)
    return gr_error_set (err, errno, "seal the runtime copy");
  return gr_steal_fd (mfd);
}

/* our own command line, to re-exec with exactly the same arguments */
static char **
self_argv (gr_error **err)
{
  cleanup_free char *buf = NULL;
  size_t len;
  if (gr_read_file ("/proc/self/cmdline", 1 << 20, &buf, &len, err) < 0)
    return NULL;
  size_t n = 0;
  for (size_t i = 0; i < len; i++)
    n += buf[i] == '\0';
  char **argv = gr_xcalloc (n + 1, sizeof (char *));
  size_t k = 0;
  for (size_t i = 0; i < len && k < n; i += strlen (buf + i) + 1)
    argv[k++] = gr_xstrdup (buf + i);
  return argv;
}

int
gr_selfexe_protect (gr_error **err)
{
  cleanup_close int exe = open ("/proc/self/exe", O_RDONLY | O_CLOEXEC);
  if (exe < 0)
    return gr_error_set (err, errno, "open /proc/self/exe");
  if (fd_protected (exe))
    return 0;
  cleanup_strv char **argv = self_argv (err);
  if (argv == NULL)
    return gr_error_wrap (err, "protect the runtime binary (CVE-2019-5736)");
  cleanup_close int target = ro_bind (exe);
  if (target < 0 && (target = sealed_copy (exe, err)) < 0)
    return gr_error_wrap (err, "protect the runtime binary (CVE-2019-5736)");
  syscall (SYS_execveat, target, "", argv, environ, AT_EMPTY_PATH);
  return gr_error_set (err, errno, "re-exec the protected runtime binary");
}
