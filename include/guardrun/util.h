/* SPDX-License-Identifier: Apache-2.0 */
#ifndef GUARDRUN_UTIL_H
#define GUARDRUN_UTIL_H

#include <errno.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>
#include <dirent.h>
#include <guardrun/error.h>

/* cleanup helpers: every early return frees and closes, without clobbering
   the errno the caller is about to report. */
static inline void gr_freep (void *p) { free (*(void **) p); }
static inline void gr_closep (int *fd)
{
  if (*fd >= 0)
    {
      int saved = errno;
      close (*fd);
      errno = saved;
    }
}
static inline void gr_fclosep (FILE **f)
{
  if (*f)
    {
      int saved = errno;
      fclose (*f);
      errno = saved;
    }
}
static inline void gr_closedirp (DIR **d)
{
  if (*d)
    {
      int saved = errno;
      closedir (*d);
      errno = saved;
    }
}
void gr_strv_free (char **v);
static inline void gr_strv_freep (char ***v) { gr_strv_free (*v); }

#define cleanup_free __attribute__ ((cleanup (gr_freep)))
#define cleanup_close __attribute__ ((cleanup (gr_closep)))
#define cleanup_file __attribute__ ((cleanup (gr_fclosep)))
#define cleanup_dir __attribute__ ((cleanup (gr_closedirp)))
#define cleanup_strv __attribute__ ((cleanup (gr_strv_freep)))

/* hand ownership out of a cleanup variable */
#define gr_steal(p) ({ __typeof__ (p) _tmp = (p); (p) = NULL; _tmp; })
#define gr_steal_fd(fd) ({ int _tmp = (fd); (fd) = -1; _tmp; })

#define GR_ARRAY_SIZE(a) (sizeof (a) / sizeof ((a)[0]))

void *gr_xmalloc (size_t n);
void *gr_xcalloc (size_t n, size_t m);
void *gr_xrealloc (void *p, size_t n);
char *gr_xstrdup (const char *s);
char *gr_xstrndup (const char *s, size_t n);
int gr_xasprintf (char **out, const char *fmt, ...)
  __attribute__ ((format (printf, 2, 3)));
char *gr_fmt (const char *fmt, ...) __attribute__ ((format (printf, 1, 2)));
/* replace control characters (newline, ESC, DEL, ...) with spaces, in
   place: text bound for one log or terminal line may quote hostile input */
char *gr_strip_controls (char *s);

/* whole-file I/O; read caps the size so a hostile file cannot exhaust memory */
int gr_read_file (const char *path, size_t max, char **out, size_t *len,
                  gr_error **err);
int gr_read_file_at (int dirfd, const char *path, size_t max, char **out,
                     size_t *len, gr_error **err);
int gr_read_fd (int fd, size_t max, char **out, size_t *len, gr_error **err);
/* write + fsync + rename: readers see the old or the new file, never half */
int gr_write_file_atomic (int dirfd, const char *name, const void *data,
                          size_t len, mode_t mode, gr_error **err);
int gr_write_file (const char *path, const void *data, size_t len,
                   gr_error **err);
int gr_write_all (int fd, const void *data, size_t len);
ssize_t gr_read_all (int fd, void *buf, size_t len);

int gr_mkdir_p (const char *path, mode_t mode, gr_error **err);
/* remove a directory tree without following symlinks */
int gr_rm_rf_at (int dirfd, const char *name);

int gr_parse_u64 (const char *s, uint64_t *out);
int gr_parse_i64 (const char *s, int64_t *out);

/* signal name ("TERM", "SIGKILL") or number -> signal number, -1 if unknown */
int gr_signal_parse (const char *s);
const char *gr_signal_name (int sig);

/* close or mark CLOEXEC every fd >= from, except those in keep[] */
int gr_close_fds_from (int from);
int gr_cloexec_fds_from (int from);

/* monotonic time in nanoseconds */
uint64_t gr_now_ns (void);
/* RFC 3339 time with nanoseconds, as runc writes it */
void gr_rfc3339 (char *buf, size_t len);

#endif
