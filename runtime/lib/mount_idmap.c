/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Idmapped bind mounts (MOUNT_ATTR_IDMAP): the detached clone of the source
 * gets a user namespace whose maps say how its owners show.  The namespace
 * is a throwaway: a child unshares it and waits while we write its maps
 * (with the ids of the namespace we are in) and open it.  Made in the
 * runtime when the container has a user namespace (gr_mount_fds_open),
 * since the maps are host ids; otherwise by the init itself.
 */
#include <fcntl.h>
#include <sched.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <guardrun/util.h>
#include "mount_internal.h"

static char *
map_text (const gr_id_map *m, size_t n)
{
  char *buf = gr_xstrdup ("");
  for (size_t i = 0; i < n; i++)
    {
      char *next = gr_fmt ("%s%u %u %u\n", buf, m[i].container_id,
                           m[i].host_id, m[i].size);
      free (buf);
      buf = next;
    }
  return buf;
}

static int
write_map (const char *pid, const char *file, const gr_id_map *m, size_t n,
           gr_error **err)
{
  cleanup_free char *path = gr_fmt ("/proc/%s/%s", pid, file);
  cleanup_free char *text = map_text (m, n);
  /* one write: the kernel takes a map only whole */
  return gr_write_file (path, text, strlen (text), err);
}

/* a user namespace holding the mappings, for MOUNT_ATTR_IDMAP: a child
   unshares it and waits while we write its maps and open it */
static int
idmap_userns (const gr_id_map *u, size_t nu, const gr_id_map *g, size_t ng,
              gr_error **err)
{
  int up[2], down[2];
  if (pipe2 (up, O_CLOEXEC) < 0)
    return gr_error_set (err, errno, "pipe");
  if (pipe2 (down, O_CLOEXEC) < 0)
    {
      close (up[0]), close (up[1]);
      return gr_error_set (err, errno, "pipe");
    }
  pid_t pid = fork ();
  if (pid == 0)
    {
      close (up[0]);
      close (down[1]);
      /* our pid as the host's /proc knows it, then the namespace */
      char self[32] = "";
      ssize_t n = readlink ("/proc/self", self, sizeof self - 1);
      if (n > 0 && unshare (CLONE_NEWUSER) == 0)
        (void) !write (up[1], self, (size_t) n);
      close (up[1]);
      char b;
      (void) !read (down[0], &b, 1);
      _exit (0);
    }
  close (up[1]);
  close (down[0]);
  int fd = -1;
  char hostpid[32] = "";
  ssize_t n = pid < 0 ? -1 : gr_read_all (up[0], hostpid, sizeof hostpid - 1);
  if (pid < 0 || n <= 0)
    gr_error_set (err, pid < 0 ? errno : EPERM,
                  "create a user namespace for an idmapped mount");
  else if (write_map (hostpid, "uid_map", u, nu, err) == 0
           && write_map (hostpid, "gid_map", g, ng, err) == 0)
    {
      cleanup_free char *ns = gr_fmt ("/proc/%s/ns/user", hostpid);
      fd = open (ns, O_RDONLY | O_CLOEXEC);
      if (fd < 0)
        gr_error_set (err, errno, "open `%s`", ns);
    }
  close (up[0]);
  close (down[1]);
  if (pid > 0)
    while (waitpid (pid, NULL, 0) < 0 && errno == EINTR)
      ;
  return fd;
}

int
gr_mnt_idmap (const gr_spec *s, const gr_mount *m, const gr_mount_flags *f,
              int tree, gr_error **err)
{
  const gr_linux *l = s->lnx;
  bool own = m->n_uid_mappings || m->n_gid_mappings;
  const gr_id_map *u = own ? m->uid_mappings : l ? l->uid_mappings : NULL;
  const gr_id_map *g = own ? m->gid_mappings : l ? l->gid_mappings : NULL;
  size_t nu = own ? m->n_uid_mappings : l ? l->n_uid_mappings : 0;
  size_t ng = own ? m->n_gid_mappings : l ? l->n_gid_mappings : 0;
  if (nu == 0 || ng == 0)
    return gr_error_set (err, EINVAL, "an idmapped mount needs uidMappings "
                                      "and gidMappings (of the mount or of "
                                      "the container's user namespace)");
  cleanup_close int ns = idmap_userns (u, nu, g, ng, err);
  if (ns < 0)
    return -1;
  struct mount_attr a = { .attr_set = MOUNT_ATTR_IDMAP,
                          .userns_fd = (uint64_t) ns };
  if (syscall (SYS_mount_setattr, tree, "", AT_EMPTY_PATH
                                               | (f->ridmap ? AT_RECURSIVE : 0),
               &a, sizeof a) < 0)
    return gr_error_set (err, errno, "idmap the mount%s",
                         errno == EINVAL ? " (does its file system support "
                                           "idmapped mounts?)" : "");
  return 0;
}

bool
gr_mnt_wants_idmap (const gr_mount *m, const gr_mount_flags *f)
{
  return f->idmap || m->n_uid_mappings || m->n_gid_mappings;
}
