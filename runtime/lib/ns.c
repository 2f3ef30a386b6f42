/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Namespaces: which ones clone creates, which are joined by path (opened
 * in the parent so a wrong path fails before anything exists), the user
 * namespace's id maps, the time namespace's offsets, hostname and the
 * namespaced sysctls.
 */
#include <fcntl.h>
#include <sched.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <linux/magic.h>
#include <guardrun/container.h>
#include <guardrun/util.h>

#ifndef CLONE_NEWTIME
#define CLONE_NEWTIME 0x00000080
#endif

static const struct { const char *type, *proc; int flag; } ns_table[] = {
  { "user", "user", CLONE_NEWUSER },   /* first: joined before the others */
  { "pid", "pid", CLONE_NEWPID },
  { "network", "net", CLONE_NEWNET },
  { "ipc", "ipc", CLONE_NEWIPC },
  { "uts", "uts", CLONE_NEWUTS },
  { "mount", "mnt", CLONE_NEWNS },
  { "cgroup", "cgroup", CLONE_NEWCGROUP },
  { "time", "time", CLONE_NEWTIME },
};

int
gr_ns_clone_flag (const char *type)
{
  for (size_t i = 0; i < GR_ARRAY_SIZE (ns_table); i++)
    if (strcmp (ns_table[i].type, type) == 0)
      return ns_table[i].flag;
  return 0;
}

const char *
gr_ns_proc_name (const char *type)
{
  for (size_t i = 0; i < GR_ARRAY_SIZE (ns_table); i++)
    if (strcmp (ns_table[i].type, type) == 0)
      return ns_table[i].proc;
  return NULL;
}

void
gr_ns_plan_close (gr_ns_plan *plan)
{
  for (int i = 0; i < 8 && plan->join_fd[i] >= 0; i++)
    {
      close (plan->join_fd[i]);
      plan->join_fd[i] = -1;
    }
}

int
gr_ns_plan_make (const gr_spec *s, gr_ns_plan *plan, gr_error **err)
{
  int n = 0;
  memset (plan, 0, sizeof *plan);
  for (int i = 0; i < 8; i++)
    plan->join_fd[i] = -1;
  if (s->lnx == NULL)
    return 0;
  /* table order, so the user namespace is joined first */
  for (size_t t = 0; t < GR_ARRAY_SIZE (ns_table); t++)
    for (size_t i = 0; i < s->lnx->n_namespaces; i++)
      {
        const gr_namespace *ns = &s->lnx->namespaces[i];
        if (strcmp (ns->type, ns_table[t].type) != 0)
          continue;
        if (ns->path && *ns->path)
          {
            int fd = open (ns->path, O_RDONLY | O_CLOEXEC);
            if (fd < 0)
              {
                gr_ns_plan_close (plan);
                return gr_error_set (err, errno,
                                     "linux.namespaces[%s]: open `%s`",
                                     ns->type, ns->path);
              }
            plan->join_fd[n] = fd;
            plan->join_type[n++] = ns_table[t].flag;
          }
        else if (ns_table[t].flag == CLONE_NEWTIME)
          plan->new_time = true;
        else
          plan->clone_flags |= (unsigned long) ns_table[t].flag;
      }
  return 0;
}

static int
write_map (pid_t pid, const char *file, const gr_id_map *m, size_t n,
           gr_error **err)
{
  char buf[4096];
  size_t len = 0;
  for (size_t i = 0; i < n; i++)
    {
      int w = snprintf (buf + len, sizeof buf - len, "%u %u %u\n",
                        m[i].container_id, m[i].host_id, m[i].size);
      if (w < 0 || (size_t) w >= sizeof buf - len)
        return gr_error_set (err, E2BIG, "%s: too many mappings", file);
      len += (size_t) w;
    }
  char path[64];
  snprintf (path, sizeof path, "/proc/%d/%s", pid, file);
  cleanup_close int fd = open (path, O_WRONLY | O_CLOEXEC);
  if (fd < 0 || write (fd, buf, len) != (ssize_t) len)
    return gr_error_set (err, errno, "write %s", file);
  return 0;
}

int
gr_ns_write_id_maps (pid_t pid, const gr_spec *s, gr_error **err)
{
  const gr_linux *l = s->lnx;
  if (geteuid () != 0)
    {
      /* an unprivileged writer must give up setgroups first */
      char path[64];
      snprintf (path, sizeof path, "/proc/%d/setgroups", pid);
      if (gr_write_file (path, "deny", 4, err) < 0)
        return gr_error_wrap (err, "user namespace");
    }
  if (l->n_uid_mappings
      && write_map (pid, "uid_map", l->uid_mappings, l->n_uid_mappings, err) < 0)
    return gr_error_wrap (err, "linux.uidMappings");
  if (l->n_gid_mappings
      && write_map (pid, "gid_map", l->gid_mappings, l->n_gid_mappings, err) < 0)
    return gr_error_wrap (err, "linux.gidMappings");
  return 0;
}

int
gr_ns_join (const gr_ns_plan *plan, gr_error **err)
{
  for (int i = 0; i < 8 && plan->join_fd[i] >= 0; i++)
    /* the pid namespace was entered by the parent, before the clone */
    if (plan->join_type[i] != CLONE_NEWPID
        && setns (plan->join_fd[i], plan->join_type[i]) < 0)
      return gr_error_set (err, errno, "join namespace (setns type %#x)",
                           plan->join_type[i]);
  return 0;
}

/* The offsets can only be written before any process is in the new time
   namespace: unshare (the caller stays outside), write, then enter. */
int
gr_ns_setup_time (const gr_spec *s, gr_error **err)
{
  if (unshare (CLONE_NEWTIME) < 0)
    return gr_error_set (err, errno, "unshare the time namespace");
  char buf[512];
  size_t len = 0;
  for (size_t i = 0; s->lnx && i < s->lnx->n_time_offsets; i++)
    {
      const gr_time_offset *o = &s->lnx->time_offsets[i];
      int w = snprintf (buf + len, sizeof buf - len, "%s %lld %u\n", o->type,
                        (long long) o->secs, o->nanosecs);
      if (w < 0 || (size_t) w >= sizeof buf - len)
        return gr_error_set (err, E2BIG, "linux.timeOffsets: too many");
      len += (size_t) w;
    }
  if (len)
    {
      cleanup_close int fd = open ("/proc/self/timens_offsets",
                                   O_WRONLY | O_CLOEXEC);
      if (fd < 0 || write (fd, buf, len) != (ssize_t) len)
        return gr_error_set (err, errno, "linux.timeOffsets: write "
                                         "/proc/self/timens_offsets");
    }
  cleanup_close int nsfd = open ("/proc/self/ns/time_for_children",
                                 O_RDONLY | O_CLOEXEC);
  if (nsfd < 0 || setns (nsfd, CLONE_NEWTIME) < 0)
    return gr_error_set (err, errno, "enter the time namespace");
  return 0;
}

int
gr_ns_set_uts (const gr_spec *s, gr_error **err)
{
  if (s->hostname && *s->hostname
      && sethostname (s->hostname, strlen (s->hostname)) < 0)
    return gr_error_set (err, errno, "sethostname \"%s\"", s->hostname);
  if (s->domainname && *s->domainname
      && setdomainname (s->domainname, strlen (s->domainname)) < 0)
    return gr_error_set (err, errno, "setdomainname \"%s\"", s->domainname);
  return 0;
}

/* ------------------------------------------------------------ sysctl */
static bool
sysctl_ipc (const char *k)
{
  static const char *const keys[] = {
    "kernel.msgmax", "kernel.msgmnb", "kernel.msgmni", "kernel.sem",
    "kernel.shmall", "kernel.shmmax", "kernel.shmmni",
    "kernel.shm_rmid_forced",
  };
  for (size_t i = 0; i < GR_ARRAY_SIZE (keys); i++)
    if (strcmp (k, keys[i]) == 0)
      return true;
  return strncmp (k, "fs.mqueue.", 10) == 0;
}

int
gr_ns_check_sysctl (const gr_spec *s, bool private_net, gr_error **err)
{
  for (size_t i = 0; s->lnx && i < s->lnx->n_sysctl; i++)
    {
      const char *k = s->lnx->sysctl[i].key;
      if (strstr (k, "..") || k[0] == '.' || k[0] == '/' || strchr (k, '\n'))
        return gr_error_set (err, 0, "linux.sysctl: invalid key \"%s\"", k);
      if (sysctl_ipc (k))
        continue;
      if (strncmp (k, "net.", 4) == 0)
        {
          if (private_net)
            continue;
          return gr_error_set (err, 0,
                               "linux.sysctl: \"%s\" needs a private network "
                               "namespace (it would change the host's)",
                               k);
        }
      if (strcmp (k, "kernel.hostname") == 0
          || strcmp (k, "kernel.domainname") == 0)
        continue;
      return gr_error_set (err, 0,
                           "linux.sysctl: \"%s\" is not namespaced: it would "
                           "change the host's kernel setting",
                           k);
    }
  return 0;
}

/* after pivot_root: through the container's own procfs, checked to be one */
int
gr_ns_write_sysctl (const gr_spec *s, gr_error **err)
{
  if (s->lnx == NULL || s->lnx->n_sysctl == 0)
    return 0;
  cleanup_close int dfd = open ("/proc/sys", O_PATH | O_DIRECTORY | O_CLOEXEC
                                                 | O_NOFOLLOW);
  struct statfs sfs;
  if (dfd < 0 || fstatfs (dfd, &sfs) < 0 || sfs.f_type != PROC_SUPER_MAGIC)
    return gr_error_set (err, dfd < 0 ? errno : 0,
                         "linux.sysctl: /proc/sys in the container is not "
                         "procfs (mount /proc)");
  for (size_t i = 0; i < s->lnx->n_sysctl; i++)
    {
      const gr_kv *kv = &s->lnx->sysctl[i];
      cleanup_free char *rel = gr_xstrdup (kv->key);
      for (char *p = rel; *p; p++)
        if (*p == '.')
          *p = '/';
      cleanup_close int fd = openat (dfd, rel, O_WRONLY | O_CLOEXEC
                                                   | O_NOFOLLOW);
      size_t len = strlen (kv->value);
      if (fd < 0 || write (fd, kv->value, len) != (ssize_t) len)
        return gr_error_set (err, errno, "linux.sysctl: write %s=%s", kv->key,
                             kv->value);
    }
  return 0;
}
