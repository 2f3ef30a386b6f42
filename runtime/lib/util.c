/* SPDX-License-Identifier: Apache-2.0 */
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdarg.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <time.h>
#include <guardrun/util.h>

static void
oom (void)
{
  static const char msg[] = "guardrun: out of memory\n";
  (void) !write (2, msg, sizeof msg - 1);
  abort ();
}

void *
gr_xmalloc (size_t n)
{
  void *p = malloc (n ? n : 1);
  if (p == NULL)
    oom ();
  return p;
}

void *
gr_xcalloc (size_t n, size_t m)
{
  void *p = calloc (n ? n : 1, m ? m : 1);
  if (p == NULL)
    oom ();
  return p;
}

void *
gr_xrealloc (void *p, size_t n)
{
  p = realloc (p, n ? n : 1);
  if (p == NULL)
    oom ();
  return p;
}

char *
gr_xstrdup (const char *s)
{
  char *p = s ? strdup (s) : NULL;
  if (s && p == NULL)
    oom ();
  return p;
}

char *
gr_xstrndup (const char *s, size_t n)
{
  char *p = strndup (s, n);
  if (p == NULL)
    oom ();
  return p;
}

char *
gr_strip_controls (char *s)
{
  for (unsigned char *p = (unsigned char *) s; p && *p; p++)
    if (*p < 0x20 || *p == 0x7f)
      *p = ' ';
  return s;
}

int
gr_xasprintf (char **out, const char *fmt, ...)
{
  va_list ap;
  va_start (ap, fmt);
  int r = vasprintf (out, fmt, ap);
  va_end (ap);
  if (r < 0)
    oom ();
  return r;
}

char *
gr_fmt (const char *fmt, ...)
{
  char *out;
  va_list ap;
  va_start (ap, fmt);
  if (vasprintf (&out, fmt, ap) < 0)
    oom ();
  va_end (ap);
  return out;
}

void
gr_strv_free (char **v)
{
  if (v == NULL)
    return;
  for (char **p = v; *p; p++)
    free (*p);
  free (v);
}

ssize_t
gr_read_all (int fd, void *buf, size_t len)
{
  size_t off = 0;
  while (off < len)
    {
      ssize_t r = read (fd, (char *) buf + off, len - off);
      if (r < 0 && errno == EINTR)
        continue;
      if (r < 0)
        return -1;
      if (r == 0)
        break;
      off += (size_t) r;
    }
  return (ssize_t) off;
}

int
gr_write_all (int fd, const void *data, size_t len)
{
  const char *p = data;
  while (len > 0)
    {
      ssize_t w = write (fd, p, len);
      if (w < 0 && errno == EINTR)
        continue;
      if (w < 0)
        return -1;
      p += w;
      len -= (size_t) w;
    }
  return 0;
}

int
gr_read_fd (int fd, size_t max, char **out, size_t *len, gr_error **err)
{
  size_t cap = 4096, n = 0;
  char *buf = gr_xmalloc (cap + 1);
  for (;;)
    {
      if (n == cap)
        {
          if (cap > max)
            break;
          cap *= 2;
          buf = gr_xrealloc (buf, cap + 1);
        }
      ssize_t r = read (fd, buf + n, cap - n);
      if (r < 0 && errno == EINTR)
        continue;
      if (r < 0)
        {
          free (buf);
          return gr_error_set (err, errno, "read");
        }
      if (r == 0)
        break;
      n += (size_t) r;
    }
  if (n > max)
    {
      free (buf);
      return gr_error_set (err, EFBIG, "file larger than %zu bytes", max);
    }
  buf[n] = '\0';
  *out = buf;
  if (len)
    *len = n;
  return 0;
}

int
gr_read_file_at (int dirfd, const char *path, size_t max, char **out,
                 size_t *len, gr_error **err)
{
  cleanup_close int fd = openat (dirfd, path, O_RDONLY | O_CLOEXEC | O_NOCTTY);
  if (fd < 0)
    return gr_error_set (err, errno, "open `%s`", path);
  if (gr_read_fd (fd, max, out, len, err) < 0)
    return gr_error_wrap (err, "read `%s`", path);
  return 0;
}

int
gr_read_file (const char *path, size_t max, char **out, size_t *len,
              gr_error **err)
{
  return gr_read_file_at (AT_FDCWD, path, max, out, len, err);
}

int
gr_write_file (const char *path, const void *data, size_t len, gr_error **err)
{
  cleanup_close int fd = open (path, O_WRONLY | O_CLOEXEC | O_NOCTTY);
  if (fd < 0)
    return gr_error_set (err, errno, "open `%s`", path);
  if (gr_write_all (fd, data, len) < 0)
    return gr_error_set (err, errno, "write `%s`", path);
  return 0;
}

int
gr_write_file_atomic (int dirfd, const char *name, const void *data,
                      size_t len, mode_t mode, gr_error **err)
{
  char tmp[PATH_MAX];
  if ((size_t) snprintf (tmp, sizeof tmp, ".%s.tmp", name) >= sizeof tmp)
    return gr_error_set (err, ENAMETOOLONG, "write `%s`", name);
  cleanup_close int fd = openat (dirfd, tmp,
                                 O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC
                                     | O_NOFOLLOW,
                                 mode);
  if (fd < 0)
    return gr_error_set (err, errno, "create `%s`", tmp);
  if (gr_write_all (fd, data, len) < 0 || fsync (fd) < 0)
    {
      int e = errno;
      unlinkat (dirfd, tmp, 0);
      return gr_error_set (err, e, "write `%s`", name);
    }
  if (renameat (dirfd, tmp, dirfd, name) < 0)
    {
      int e = errno;
      unlinkat (dirfd, tmp, 0);
      return gr_error_set (err, e, "rename `%s`", name);
    }
  return 0;
}

int
gr_mkdir_p (const char *path, mode_t mode, gr_error **err)
{
  cleanup_free char *p = gr_xstrdup (path);
  for (char *s = p + 1; *s; s++)
    if (*s == '/')
      {
        *s = '\0';
        if (mkdir (p, mode) < 0 && errno != EEXIST)
          return gr_error_set (err, errno, "mkdir `%s`", p);
        *s = '/';
      }
  if (mkdir (p, mode) < 0 && errno != EEXIST)
    return gr_error_set (err, errno, "mkdir `%s`", p);
  return 0;
}

int
gr_rm_rf_at (int dfd, const char *name)
{
  if (unlinkat (dfd, name, 0) == 0 || errno == ENOENT)
    return 0;
  if (errno != EISDIR && errno != EPERM)
    return -1;
  int fd = openat (dfd, name,
                   O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
  if (fd < 0)
    return -1;
  DIR *d = fdopendir (fd);
  if (d == NULL)
    {
      close (fd);
      return -1;
    }
  struct dirent *de;
  while ((de = readdir (d)))
    {
      if (strcmp (de->d_name, ".") == 0 || strcmp (de->d_name, "..") == 0)
        continue;
      gr_rm_rf_at (dirfd (d), de->d_name);
    }
  closedir (d);
  return unlinkat (dfd, name, AT_REMOVEDIR) == 0 || errno == ENOENT ? 0 : -1;
}

int
gr_parse_u64 (const char *s, uint64_t *out)
{
  char *end;
  /* digits only: strtoull would skip any leading blank (" \t\n") and
     negate a "-1" after it */
  if (s == NULL || !isdigit ((unsigned char) *s))
    return -1;
  errno = 0;
  unsigned long long v = strtoull (s, &end, 10);
  if (errno || *end)
    return -1;
  *out = v;
  return 0;
}

int
gr_parse_i64 (const char *s, int64_t *out)
{
  char *end;
  if (s == NULL || !isdigit ((unsigned char) s[*s == '-']))
    return -1;
  errno = 0;
  long long v = strtoll (s, &end, 10);
  if (errno || *end)
    return -1;
  *out = v;
  return 0;
}

static const struct { const char *name; int sig; } signals[] = {
  { "HUP", SIGHUP }, { "INT", SIGINT }, { "QUIT", SIGQUIT },
  { "ILL", SIGILL }, { "TRAP", SIGTRAP }, { "ABRT", SIGABRT },
  { "IOT", SIGIOT }, { "BUS", SIGBUS }, { "FPE", SIGFPE },
  { "KILL", SIGKILL }, { "USR1", SIGUSR1 }, { "SEGV", SIGSEGV },
  { "USR2", SIGUSR2 }, { "PIPE", SIGPIPE }, { "ALRM", SIGALRM },
  { "TERM", SIGTERM }, { "STKFLT", SIGSTKFLT }, { "CHLD", SIGCHLD },
  { "CONT", SIGCONT }, { "STOP", SIGSTOP }, { "TSTP", SIGTSTP },
  { "TTIN", SIGTTIN }, { "TTOU", SIGTTOU }, { "URG", SIGURG },
  { "XCPU", SIGXCPU }, { "XFSZ", SIGXFSZ }, { "VTALRM", SIGVTALRM },
  { "PROF", SIGPROF }, { "WINCH", SIGWINCH }, { "IO", SIGIO },
  { "POLL", SIGPOLL }, { "PWR", SIGPWR }, { "SYS", SIGSYS },
};

int
gr_signal_parse (const char *s)
{
  uint64_t n;
  if (s == NULL || *s == '\0')
    return -1;
  if (gr_parse_u64 (s, &n) == 0)
    return n >= 1 && n <= (uint64_t) SIGRTMAX ? (int) n : -1;
  if (strncasecmp (s, "SIG", 3) == 0)
    s += 3;
  for (size_t i = 0; i < GR_ARRAY_SIZE (signals); i++)
    if (strcasecmp (s, signals[i].name) == 0)
      return signals[i].sig;
  /* RTMIN+n / RTMAX-n, as runc accepts */
  if (strncasecmp (s, "RTMIN", 5) == 0)
    {
      if (s[5] == '\0')
        return SIGRTMIN;
      if (s[5] == '+' && gr_parse_u64 (s + 6, &n) == 0
          && n <= (uint64_t) (SIGRTMAX - SIGRTMIN))
        return SIGRTMIN + (int) n;
    }
  if (strncasecmp (s, "RTMAX", 5) == 0)
    {
      if (s[5] == '\0')
        return SIGRTMAX;
      if (s[5] == '-' && gr_parse_u64 (s + 6, &n) == 0
          && n <= (uint64_t) (SIGRTMAX - SIGRTMIN))
        return SIGRTMAX - (int) n;
    }
  return -1;
}

const char *
gr_signal_name (int sig)
{
  for (size_t i = 0; i < GR_ARRAY_SIZE (signals); i++)
    if (signals[i].sig == sig)
      return signals[i].name;
  return NULL;
}

int
gr_close_fds_from (int from)
{
#ifdef SYS_close_range
  if (syscall (SYS_close_range, (unsigned) from, ~0U, 0) == 0)
    return 0;
#endif
  DIR *d = opendir ("/proc/self/fd");
  if (d == NULL)
    return -1;
  int dfd = dirfd (d);
  struct dirent *de;
  while ((de = readdir (d)))
    {
      int fd = atoi (de->d_name);
      if (de->d_name[0] != '.' && fd >= from && fd != dfd)
        close (fd);
    }
  closedir (d);
  return 0;
}

int
gr_cloexec_fds_from (int from)
{
#if defined(SYS_close_range)
  /* CLOSE_RANGE_CLOEXEC = 1 << 2 */
  if (syscall (SYS_close_range, (unsigned) from, ~0U, 1U << 2) == 0)
    return 0;
#endif
  DIR *d = opendir ("/proc/self/fd");
  if (d == NULL)
    return -1;
  int dfd = dirfd (d);
  struct dirent *de;
  while ((de = readdir (d)))
    {
      int fd = atoi (de->d_name);
      if (de->d_name[0] != '.' && fd >= from && fd != dfd)
        fcntl (fd, F_SETFD, FD_CLOEXEC);
    }
  closedir (d);
  return 0;
}

uint64_t
gr_now_ns (void)
{
  struct timespec ts;
  clock_gettime (CLOCK_MONOTONIC, &ts);
  return (uint64_t) ts.tv_sec * 1000000000ull + (uint64_t) ts.tv_nsec;
}

void
gr_rfc3339 (char *buf, size_t len)
{
  struct timespec ts;
  struct tm tm;
  char base[32];
  clock_gettime (CLOCK_REALTIME, &ts);
  gmtime_r (&ts.tv_sec, &tm);
  strftime (base, sizeof base, "%Y-%m-%dT%H:%M:%S", &tm);
  snprintf (buf, len, "%s.%09ldZ", base, ts.tv_nsec);
}
