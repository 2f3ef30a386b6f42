/* SPDX-License-Identifier: Apache-2.0 */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <string.h>
#include <sys/stat.h>
#include <guardrun/json.h>
#include <guardrun/log.h>
#include <guardrun/util.h>

static int log_fd = -1;          /* -1: stderr, text */
static bool log_json;
static bool log_debug;
static char *decision_path;

static const char *const level_names[] = { "debug", "info", "warning",
                                           "error" };

int
gr_log_init (const char *path, const char *format, bool debug, gr_error **err)
{
  log_debug = debug;
  if (format)
    {
      if (strcmp (format, "json") == 0)
        log_json = true;
      else if (strcmp (format, "text") == 0)
        log_json = false;
      else
        return gr_error_set (err, 0,
                             "--log-format: expected text or json, got \"%s\"",
                             format);
    }
  if (path && *path)
    {
      int fd = open (path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0644);
      if (fd < 0)
        return gr_error_set (err, errno, "open log file `%s`", path);
      log_fd = fd;
    }
  return 0;
}

int gr_log_fd (void) { return log_fd; }
bool gr_log_is_json (void) { return log_json; }

static void
emit (int fd, gr_log_level lvl, const char *msg)
{
  char ts[64];
  gr_rfc3339 (ts, sizeof ts);
  if (log_json)
    {
      cleanup_jw gr_jw *w = gr_jw_new (false);
      gr_jw_obj_open (w);
      gr_jw_kstr (w, "level", level_names[lvl]);
      gr_jw_kstr (w, "msg", msg);
      gr_jw_kstr (w, "time", ts);
      gr_jw_obj_close (w);
      size_t len;
      const char *buf = gr_jw_buf (w, &len);
      cleanup_free char *line = gr_xmalloc (len + 1);
      memcpy (line, buf, len);
      line[len] = '\n';
      /* one write: concurrent writers never interleave inside a line */
      (void) gr_write_all (fd, line, len + 1);
      return;
    }
  /* logrus text format; quote the message as Go's %q would for the common
     cases (quotes and backslashes) */
  size_t n = strlen (msg);
  cleanup_free char *q = gr_xmalloc (2 * n + 1);
  char *p = q;
  for (const char *s = msg; *s; s++)
    {
      if (*s == '"' || *s == '\\')
        *p++ = '\\';
      *p++ = *s;
    }
  *p = '\0';
  cleanup_free char *line = gr_fmt ("time=\"%s\" level=%s msg=\"%s\"\n", ts,
                                    level_names[lvl], q);
  (void) gr_write_all (fd, line, strlen (line));
}

void
gr_log (gr_log_level lvl, const char *fmt, ...)
{
  if (lvl == GR_LOG_DEBUG && !log_debug)
    return;
  va_list ap;
  cleanup_free char *msg = NULL;
  va_start (ap, fmt);
  if (vasprintf (&msg, fmt, ap) < 0)
    msg = NULL;
  va_end (ap);
  if (msg == NULL)
    return;
  emit (log_fd >= 0 ? log_fd : 2, lvl, msg);
  /* warnings must reach an operator at the terminal too */
  if (log_fd >= 0 && lvl == GR_LOG_WARN)
    {
      cleanup_free char *line = gr_fmt ("guardrun: warning: %s\n", msg);
      (void) gr_write_all (2, line, strlen (line));
    }
}

void
gr_log_error (const gr_error *err)
{
  cleanup_free char *msg = gr_error_string (err);
  /* runc prints the bare error to stderr and logs it as level=error; with
     no --log both would go to stderr, so print once */
  if (log_fd >= 0)
    emit (log_fd, GR_LOG_ERROR, msg);
  cleanup_free char *line = gr_fmt ("guardrun: %s\n", msg);
  (void) gr_write_all (2, line, strlen (line));
}

void
gr_decision_log_set_path (const char *path)
{
  free (decision_path);
  decision_path = path ? gr_xstrdup (path) : NULL;
}

static const char *
decision_log_path (void)
{
  if (decision_path)
    return decision_path;
  const char *env = getenv ("GUARDRUN_DECISION_LOG");
  return env && *env ? env : "/var/log/guardrun/decisions.log";
}

int
gr_decision_log (const gr_decision *d, gr_error **err)
{
  const char *path = decision_log_path ();
  if (strcmp (path, "none") == 0)
    return 0;
  int fd = open (path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC | O_NOFOLLOW,
                 0640);
  if (fd < 0 && errno == ENOENT)
    {
      cleanup_free char *dir = gr_xstrdup (path);
      char *slash = strrchr (dir, '/');
      if (slash && slash != dir)
        {
          *slash = '\0';
          if (gr_mkdir_p (dir, 0750, NULL) == 0)
            fd = open (path,
                       O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC | O_NOFOLLOW,
                       0640);
        }
    }
  if (fd < 0)
    return gr_error_set (err, errno, "open decision log `%s`", path);
  char ts[64];
  gr_rfc3339 (ts, sizeof ts);
  cleanup_jw gr_jw *w = gr_jw_new (false);
  gr_jw_obj_open (w);
  gr_jw_kstr (w, "time", ts);
  gr_jw_kstr (w, "id", d->container_id);
  gr_jw_kstr (w, "bundle", d->bundle);
  gr_jw_kstr (w, "policy", d->policy);
  gr_jw_kstr (w, "rule", d->rule);
  gr_jw_kstr (w, "verdict", d->verdict);
  if (d->field)
    gr_jw_kstr (w, "field", d->field);
  if (d->message)
    gr_jw_kstr (w, "message", d->message);
  if (d->reference)
    gr_jw_kstr (w, "reference", d->reference);
  gr_jw_obj_close (w);
  size_t len;
  const char *buf = gr_jw_buf (w, &len);
  cleanup_free char *line = gr_xmalloc (len + 1);
  memcpy (line, buf, len);
  line[len] = '\n';
  int r = gr_write_all (fd, line, len + 1);
  int e = errno;
  close (fd);
  if (r < 0)
    return gr_error_set (err, e, "write decision log `%s`", path);
  return 0;
}
