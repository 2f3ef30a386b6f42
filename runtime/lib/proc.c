/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The attributes of the container's process, applied in the process itself
 * after pivot_root: rlimits, personality, scheduler, I/O priority, CPU
 * affinity, cwd, groups/uid/gid, capabilities, no_new_privs, environment
 * and the executable lookup.
 */
#include <ctype.h>
#include <fcntl.h>
#include <linux/openat2.h>
#include <sched.h>
#include <signal.h>
#include <string.h>
#include <grp.h>
#include <sys/capability.h>
#include <sys/personality.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <guardrun/container.h>
#include <guardrun/log.h>
#include <guardrun/util.h>

/* ------------------------------------------------------------ rlimits */
static const struct { const char *name; int res; } rlimits[] = {
  { "RLIMIT_AS", RLIMIT_AS }, { "RLIMIT_CORE", RLIMIT_CORE },
  { "RLIMIT_CPU", RLIMIT_CPU }, { "RLIMIT_DATA", RLIMIT_DATA },
  { "RLIMIT_FSIZE", RLIMIT_FSIZE }, { "RLIMIT_LOCKS", RLIMIT_LOCKS },
  { "RLIMIT_MEMLOCK", RLIMIT_MEMLOCK }, { "RLIMIT_MSGQUEUE", RLIMIT_MSGQUEUE },
  { "RLIMIT_NICE", RLIMIT_NICE }, { "RLIMIT_NOFILE", RLIMIT_NOFILE },
  { "RLIMIT_NPROC", RLIMIT_NPROC }, { "RLIMIT_RSS", RLIMIT_RSS },
  { "RLIMIT_RTPRIO", RLIMIT_RTPRIO }, { "RLIMIT_RTTIME", RLIMIT_RTTIME },
  { "RLIMIT_SIGPENDING", RLIMIT_SIGPENDING }, { "RLIMIT_STACK", RLIMIT_STACK },
};

int
gr_proc_set_rlimits (const gr_process *p, gr_error **err)
{
  for (size_t i = 0; i < p->n_rlimits; i++)
    {
      const gr_rlimit *r = &p->rlimits[i];
      size_t k = 0;
      while (k < GR_ARRAY_SIZE (rlimits) && strcmp (rlimits[k].name, r->type))
        k++;
      if (k == GR_ARRAY_SIZE (rlimits))
        return gr_error_set (err, 0, "process.rlimits[%zu]: unknown type %s",
                             i, r->type);
      struct rlimit rl = { .rlim_cur = r->soft, .rlim_max = r->hard };
      if (setrlimit (rlimits[k].res, &rl) < 0)
        return gr_error_set (err, errno, "setrlimit %s (soft %llu, hard %llu)",
                             r->type, (unsigned long long) r->soft,
                             (unsigned long long) r->hard);
    }
  return 0;
}

/* ------------------------------------------------------------ personality */
int
gr_proc_set_personality (const gr_personality *pers, gr_error **err)
{
  if (pers == NULL || pers->domain == NULL)
    return 0;
  unsigned long v;
  if (strcmp (pers->domain, "LINUX") == 0)
    v = PER_LINUX;
  else if (strcmp (pers->domain, "LINUX32") == 0)
    v = PER_LINUX32;
  else
    return gr_error_set (err, 0, "linux.personality.domain: unknown \"%s\"",
                         pers->domain);
  if (personality (v) < 0)
    return gr_error_set (err, errno, "personality %s", pers->domain);
  return 0;
}

/* ------------------------------------------------------------ scheduler */
struct gr_sched_attr {
  uint32_t size, sched_policy;
  uint64_t sched_flags;
  int32_t sched_nice;
  uint32_t sched_priority;
  uint64_t sched_runtime, sched_deadline, sched_period;
};

static const struct { const char *name; unsigned v; } sched_policies[] = {
  { "SCHED_OTHER", 0 }, { "SCHED_FIFO", 1 }, { "SCHED_RR", 2 },
  { "SCHED_BATCH", 3 }, { "SCHED_ISO", 4 }, { "SCHED_IDLE", 5 },
  { "SCHED_DEADLINE", 6 },
};
static const struct { const char *name; uint64_t v; } sched_flags[] = {
  { "SCHED_FLAG_RESET_ON_FORK", 0x01 }, { "SCHED_FLAG_RECLAIM", 0x02 },
  { "SCHED_FLAG_DL_OVERRUN", 0x04 }, { "SCHED_FLAG_KEEP_POLICY", 0x08 },
  { "SCHED_FLAG_KEEP_PARAMS", 0x10 }, { "SCHED_FLAG_UTIL_CLAMP_MIN", 0x20 },
  { "SCHED_FLAG_UTIL_CLAMP_MAX", 0x40 },
};

static int
set_scheduler (const gr_scheduler *sc, gr_error **err)
{
  struct gr_sched_attr a = { .size = sizeof a };
  size_t i = 0;
  while (i < GR_ARRAY_SIZE (sched_policies)
         && strcmp (sched_policies[i].name, sc->policy ? sc->policy : ""))
    i++;
  if (i == GR_ARRAY_SIZE (sched_policies))
    return gr_error_set (err, 0, "process.scheduler.policy: unknown \"%s\"",
                         sc->policy ? sc->policy : "");
  a.sched_policy = sched_policies[i].v;
  for (size_t f = 0; f < sc->n_flags; f++)
    {
      size_t k = 0;
      while (k < GR_ARRAY_SIZE (sched_flags)
             && strcmp (sched_flags[k].name, sc->flags[f]))
        k++;
      if (k == GR_ARRAY_SIZE (sched_flags))
        return gr_error_set (err, 0, "process.scheduler.flags: unknown \"%s\"",
                             sc->flags[f]);
      a.sched_flags |= sched_flags[k].v;
    }
  a.sched_nice = sc->has_nice ? sc->nice : 0;
  a.sched_priority = sc->has_priority ? (uint32_t) sc->priority : 0;
  a.sched_runtime = sc->has_runtime ? sc->runtime : 0;
  a.sched_deadline = sc->has_deadline ? sc->deadline : 0;
  a.sched_period = sc->has_period ? sc->period : 0;
  if (syscall (SYS_sched_setattr, 0, &a, 0) < 0)
    return gr_error_set (err, errno, "sched_setattr %s", sc->policy);
  return 0;
}

static int
set_ioprio (const gr_process *p, gr_error **err)
{
  static const char *const classes[] = { NULL, "IOPRIO_CLASS_RT",
                                         "IOPRIO_CLASS_BE",
                                         "IOPRIO_CLASS_IDLE" };
  int cls = 1;
  while (cls < 4 && strcmp (classes[cls], p->io_priority_class ? p->io_priority_class : ""))
    cls++;
  if (cls == 4)
    return gr_error_set (err, 0, "process.ioPriority.class: unknown \"%s\"",
                         p->io_priority_class ? p->io_priority_class : "");
  /* IOPRIO_WHO_PROCESS = 1, class in the top 3 bits of 16 */
  if (syscall (SYS_ioprio_set, 1, 0, (cls << 13) | (p->io_priority & 0x1fff)) < 0)
    return gr_error_set (err, errno, "ioprio_set %s %d", p->io_priority_class,
                         p->io_priority);
  return 0;
}

int
gr_proc_set_sched (const gr_process *p, gr_error **err)
{
  if (p->scheduler && set_scheduler (p->scheduler, err) < 0)
    return -1;
  if (p->has_io_priority && set_ioprio (p, err) < 0)
    return -1;
  return 0;
}

/* "0-3,7" */
int
gr_proc_set_cpu_affinity (const char *cpus, gr_error **err)
{
  if (cpus == NULL || *cpus == '\0')
    return 0;
  cpu_set_t set;
  CPU_ZERO (&set);
  const char *s = cpus;
  while (*s)
    {
      char *end;
      unsigned long a = strtoul (s, &end, 10), b = a;
      if (end == s)
        goto bad;
      if (*end == '-')
        {
          s = end + 1;
          b = strtoul (s, &end, 10);
          if (end == s || b < a)
            goto bad;
        }
      if (b >= CPU_SETSIZE)
        goto bad;
      for (unsigned long c = a; c <= b; c++)
        CPU_SET (c, &set);
      s = end;
      if (*s == ',')
        s++;
      else if (*s)
        goto bad;
    }
  if (sched_setaffinity (0, sizeof set, &set) < 0)
    return gr_error_set (err, errno, "sched_setaffinity \"%s\"", cpus);
  return 0;
bad:
  return gr_error_set (err, 0, "process.execCPUAffinity: invalid cpu list \"%s\"",
                       cpus);
}

/* ------------------------------------------------------------ cwd */
static int
open_in_root (int dirfd, const char *path, int flags)
{
  struct open_how how = {
    .flags = (uint64_t) (flags | O_CLOEXEC),
    /* magic links (/proc/self/fd/N) are how a leaked fd escapes the root:
       CVE-2024-21626 */
    .resolve = RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS,
  };
  return (int) syscall (SYS_openat2, dirfd, path, &how, sizeof how);
}

/* mkdir -p beneath "/", one component at a time, never leaving the root */
static int
mkdir_in_root (const char *path, gr_error **err)
{
  cleanup_free char *p = gr_xstrdup (path);
  cleanup_close int dfd = open ("/", O_PATH | O_DIRECTORY | O_CLOEXEC);
  char *save = NULL;
  for (char *c = strtok_r (p, "/", &save); c; c = strtok_r (NULL, "/", &save))
    {
      if (mkdirat (dfd, c, 0755) < 0 && errno != EEXIST)
        return gr_error_set (err, errno, "create cwd `%s`", path);
      int next = open_in_root (dfd, c, O_PATH | O_DIRECTORY);
      if (next < 0)
        return gr_error_set (err, errno, "create cwd `%s`", path);
      close (dfd);
      dfd = next;
    }
  return 0;
}

int
gr_proc_chdir (const char *cwd, gr_error **err)
{
  cleanup_close int fd = open_in_root (AT_FDCWD, cwd, O_PATH | O_DIRECTORY);
  if (fd < 0 && errno == ENOENT)
    {
      if (mkdir_in_root (cwd, err) < 0)
        return -1;
      fd = open_in_root (AT_FDCWD, cwd, O_PATH | O_DIRECTORY);
    }
  if (fd < 0)
    return gr_error_set (err, errno, "chdir to cwd (\"%s\") set in config.json "
                         "failed", cwd);
  if (fchdir (fd) < 0)
    return gr_error_set (err, errno, "chdir to cwd (\"%s\") set in config.json "
                         "failed", cwd);
  /* belt and braces: a directory outside the root has no path from "/"
     (the kernel reports "(unreachable)", glibc ENOENT) */
  char buf[4096];
  if (getcwd (buf, sizeof buf) == NULL && errno != ERANGE)
    return gr_error_set (err, errno, "cwd (\"%s\") is outside the container",
                         cwd);
  return 0;
}

/* ------------------------------------------------------------ identity */
static int
cap_value (const char *name, cap_value_t *v, gr_error **err)
{
  char low[64];
  size_t n = strlen (name);
  if (n >= sizeof low)
    return gr_error_set (err, 0, "unknown capability \"%.64s\"", name);
  for (size_t i = 0; i <= n; i++)
    low[i] = (char) tolower ((unsigned char) name[i]);
  if (cap_from_name (low, v) < 0)
    return gr_error_set (err, 0, "unknown capability \"%s\"", name);
  return 0;
}

/* a bitmask of the set (capabilities the kernel lacks are skipped, as runc
   does, so one config runs on old and new kernels) */
static int
cap_mask (char **names, size_t n, uint64_t *mask, gr_error **err)
{
  int max = cap_max_bits ();
  *mask = 0;
  for (size_t i = 0; i < n; i++)
    {
      cap_value_t v;
      if (cap_value (names[i], &v, err) < 0)
        return -1;
      if (v < max && v < 64)
        *mask |= 1ull << v;
    }
  return 0;
}

typedef struct { uint64_t b, e, p, i, a; } cap_sets;

static int
cap_sets_from (const gr_caps *c, cap_sets *cs, gr_error **err)
{
  if (cap_mask (c->bounding, c->n_bounding, &cs->b, err) < 0
      || cap_mask (c->effective, c->n_effective, &cs->e, err) < 0
      || cap_mask (c->permitted, c->n_permitted, &cs->p, err) < 0
      || cap_mask (c->inheritable, c->n_inheritable, &cs->i, err) < 0
      || cap_mask (c->ambient, c->n_ambient, &cs->a, err) < 0)
    return gr_error_wrap (err, "process.capabilities");
  return 0;
}

static int
drop_bounding (uint64_t keep, gr_error **err)
{
  int max = cap_max_bits ();
  for (int c = 0; c < max && c < 64; c++)
    if (!(keep & (1ull << c)) && prctl (PR_CAPBSET_DROP, c, 0, 0, 0) < 0
        && errno != EINVAL)
      return gr_error_set (err, errno, "drop capability %d from the bounding set",
                           c);
  return 0;
}

static int
apply_caps (const cap_sets *cs, gr_error **err)
{
  cap_t caps = cap_init ();
  if (caps == NULL)
    return gr_error_set (err, errno, "cap_init");
  int max = cap_max_bits ();
  for (cap_value_t c = 0; c < max && c < 64; c++)
    {
      uint64_t bit = 1ull << c;
      if (cs->e & bit)
        cap_set_flag (caps, CAP_EFFECTIVE, 1, &c, CAP_SET);
      if (cs->p & bit)
        cap_set_flag (caps, CAP_PERMITTED, 1, &c, CAP_SET);
      if (cs->i & bit)
        cap_set_flag (caps, CAP_INHERITABLE, 1, &c, CAP_SET);
    }
  int r = cap_set_proc (caps);
  int e = errno;
  cap_free (caps);
  errno = e;
  if (r < 0)
    return gr_error_set (err, errno, "apply capabilities");
  if (prctl (PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0) < 0)
    return 0; /* kernel without ambient capabilities */
  for (int c = 0; c < max && c < 64; c++)
    if ((cs->a & (1ull << c))
        && prctl (PR_CAP_AMBIENT, PR_CAP_AMBIENT_RAISE, c, 0, 0) < 0)
      /* the kernel allows only caps in permitted and inheritable; runc
         ignores the failure too */
      gr_debug ("cannot raise ambient capability %d: %s", c, strerror (errno));
  return 0;
}

int
gr_proc_set_identity (const gr_process *p, gr_error **err)
{
  cap_sets cs = { 0 };
  if (p->caps.present && cap_sets_from (&p->caps, &cs, err) < 0)
    return -1;
  if (drop_bounding (cs.b, err) < 0)
    return -1;
  if (prctl (PR_SET_KEEPCAPS, 1, 0, 0, 0) < 0)
    return gr_error_set (err, errno, "prctl(PR_SET_KEEPCAPS)");
  gid_t gids[p->n_additional_gids + 1];
  for (size_t i = 0; i < p->n_additional_gids; i++)
    gids[i] = p->additional_gids[i];
  /* in a user namespace with setgroups "deny" only an empty list is
     impossible to set, and it is already empty */
  if (setgroups (p->n_additional_gids, gids) < 0
      && !(errno == EPERM && p->n_additional_gids == 0))
    return gr_error_set (err, errno, "setgroups");
  if (setresgid (p->gid, p->gid, p->gid) < 0)
    return gr_error_set (err, errno, "setgid %u", p->gid);
  if (setresuid (p->uid, p->uid, p->uid) < 0)
    return gr_error_set (err, errno, "setuid %u", p->uid);
  if (prctl (PR_SET_KEEPCAPS, 0, 0, 0, 0) < 0)
    return gr_error_set (err, errno, "prctl(PR_SET_KEEPCAPS)");
  if (apply_caps (&cs, err) < 0)
    return -1;
  if (p->has_umask)
    umask ((mode_t) p->umask);
  else
    umask (022);
  return 0;
}

int
gr_proc_set_no_new_privs (const gr_process *p, gr_error **err)
{
  if (p->no_new_privileges && prctl (PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0)
    return gr_error_set (err, errno, "prctl(PR_SET_NO_NEW_PRIVS)");
  return 0;
}

/* ------------------------------------------------------------ env */
static bool
env_has (char *const *env, const char *name)
{
  size_t n = strlen (name);
  for (; env && *env; env++)
    if (strncmp (*env, name, n) == 0 && (*env)[n] == '=')
      return true;
  return false;
}

static const char *
env_get (char *const *env, const char *name)
{
  size_t n = strlen (name);
  for (; env && *env; env++)
    if (strncmp (*env, name, n) == 0 && (*env)[n] == '=')
      return *env + n + 1;
  return NULL;
}

/* the home directory of uid in the container's /etc/passwd, "/" if none */
static char *
passwd_home (uid_t uid)
{
  cleanup_free char *buf = NULL;
  if (gr_read_file ("/etc/passwd", 1 << 20, &buf, NULL, NULL) < 0)
    return gr_xstrdup ("/");
  char *save = NULL;
  for (char *l = strtok_r (buf, "\n", &save); l; l = strtok_r (NULL, "\n", &save))
    {
      /* name:pw:uid:gid:gecos:home:shell */
      char *f[7] = { 0 };
      int n = 0;
      for (char *s = l; n < 7; n++)
        {
          f[n] = s;
          s = strchr (s, ':');
          if (s == NULL)
            break;
          *s++ = '\0';
        }
      uint64_t u;
      if (n >= 5 && gr_parse_u64 (f[2], &u) == 0 && u == uid && *f[5])
        return gr_xstrdup (f[5]);
    }
  return gr_xstrdup ("/");
}

char **
gr_proc_env (const gr_process *p, char **extra)
{
  size_t n_extra = 0;
  while (extra && extra[n_extra])
    n_extra++;
  char **env = gr_xcalloc (p->n_env + n_extra + 2, sizeof (char *));
  size_t n = 0;
  for (size_t i = 0; i < p->n_env; i++)
    env[n++] = gr_xstrdup (p->env[i]);
  for (size_t i = 0; i < n_extra; i++)
    env[n++] = gr_xstrdup (extra[i]);
  if (!env_has (env, "HOME"))
    {
      cleanup_free char *home = passwd_home (p->uid);
      env[n++] = gr_fmt ("HOME=%s", home);
    }
  env[n] = NULL;
  return env;
}

/* ------------------------------------------------------------ exec */
/* Go's spelling of an errno ("no such file or directory"): engines match
   runc's messages on it (podman maps them to exit codes 126/127) */
static const char *
go_strerror (int e, char *buf, size_t len)
{
  snprintf (buf, len, "%s", strerror (e));
  buf[0] = (char) tolower ((unsigned char) buf[0]);
  return buf;
}

static int
check_file (const char *path, gr_error **err)
{
  struct stat st;
  char es[128];
  if (stat (path, &st) < 0)
    return gr_error_set_status (err, errno == ENOENT ? 127 : 126, 0,
                                "exec: \"%s\": stat %s: %s", path, path,
                                go_strerror (errno, es, sizeof es));
  if (S_ISDIR (st.st_mode))
    return gr_error_set_status (err, 126, 0, "exec: \"%s\": is a directory",
                                path);
  if (!S_ISREG (st.st_mode) || faccessat (AT_FDCWD, path, X_OK, AT_EACCESS) < 0)
    return gr_error_set_status (err, 126, 0, "exec: \"%s\": %s", path,
                                go_strerror (EACCES, es, sizeof es));
  return 0;
}

int
gr_proc_find_exec (const char *arg0, char *const *env, char **path,
                   gr_error **err)
{
  if (strchr (arg0, '/'))
    {
      if (check_file (arg0, err) < 0)
        return -1;
      *path = gr_xstrdup (arg0);
      return 0;
    }
  const char *pathv = env_get (env, "PATH");
  if (pathv == NULL)
    pathv = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";
  cleanup_free char *dirs = gr_xstrdup (pathv);
  char *save = NULL;
  for (char *d = strtok_r (dirs, ":", &save); d; d = strtok_r (NULL, ":", &save))
    {
      cleanup_free char *cand = gr_fmt ("%s/%s", *d ? d : ".", arg0);
      struct stat st;
      if (stat (cand, &st) == 0 && S_ISREG (st.st_mode)
          && faccessat (AT_FDCWD, cand, X_OK, AT_EACCESS) == 0)
        {
          *path = gr_steal (cand);
          return 0;
        }
    }
  return gr_error_set_status (err, 127, 0,
                              "exec: \"%s\": executable file not found in $PATH",
                              arg0);
}

void
gr_proc_reset_signals (void)
{
  struct sigaction sa = { .sa_handler = SIG_DFL };
  sigemptyset (&sa.sa_mask);
  for (int s = 1; s < NSIG; s++)
    if (s != SIGKILL && s != SIGSTOP)
      sigaction (s, &sa, NULL);
  sigset_t none;
  sigemptyset (&none);
  sigprocmask (SIG_SETMASK, &none, NULL);
}
