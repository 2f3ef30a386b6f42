/* SPDX-License-Identifier: Apache-2.0 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <guardrun/error.h>
#include <guardrun/util.h>

/* the format attributes let clang's -Wformat-nonliteral check callers */
static char * __attribute__ ((format (printf, 1, 0)))
vfmt (const char *fmt, va_list ap)
{
  char *s = NULL;
  if (vasprintf (&s, fmt, ap) < 0)
    abort ();
  return s;
}

static int __attribute__ ((format (printf, 4, 0)))
set_v (gr_error **err, int status, int errnum, const char *fmt, va_list ap)
{
  gr_error *e = gr_xcalloc (1, sizeof *e);
  e->errnum = errnum;
  e->status = status;
  e->msg = vfmt (fmt, ap);
  if (err == NULL)
    {
      gr_error_free (e);
      return -1;
    }
  /* an error already pending becomes the cause, never leaked */
  e->cause = *err;
  *err = e;
  return -1;
}

int
gr_error_set (gr_error **err, int errnum, const char *fmt, ...)
{
  va_list ap;
  va_start (ap, fmt);
  set_v (err, 1, errnum, fmt, ap);
  va_end (ap);
  return -1;
}

int
gr_error_set_status (gr_error **err, int status, int errnum, const char *fmt,
                     ...)
{
  va_list ap;
  va_start (ap, fmt);
  set_v (err, status, errnum, fmt, ap);
  va_end (ap);
  return -1;
}

int
gr_error_wrap (gr_error **err, const char *fmt, ...)
{
  va_list ap;
  int status = (err && *err) ? (*err)->status : 1;
  va_start (ap, fmt);
  set_v (err, status, 0, fmt, ap);
  va_end (ap);
  return -1;
}

int
gr_error_errno (const gr_error *err)
{
  for (; err; err = err->cause)
    if (err->errnum)
      return err->errnum;
  return 0;
}

char *
gr_error_string (const gr_error *err)
{
  size_t cap = 256, len = 0;
  char *out = gr_xmalloc (cap);
  out[0] = '\0';
  for (const gr_error *e = err; e; e = e->cause)
    {
      char errbuf[128] = "";
      const char *es = "";
      if (e->errnum)
        es = strerror_r (e->errnum, errbuf, sizeof errbuf);
      size_t need = strlen (e->msg) + strlen (es) + 8;
      if (len + need >= cap)
        {
          cap = (len + need) * 2;
          out = gr_xrealloc (out, cap);
        }
      len += (size_t) sprintf (out + len, "%s%s%s%s", len ? ": " : "",
                               e->msg, e->errnum ? ": " : "", es);
    }
  /* one line, always: a multi-line message would break the runc log, and
     an ESC quoted from a hostile id or path would drive the terminal */
  return gr_strip_controls (out);
}

void
gr_error_free (gr_error *err)
{
  while (err)
    {
      gr_error *next = err->cause;
      free (err->msg);
      free (err);
      err = next;
    }
}

void
gr_error_freep (gr_error **err)
{
  gr_error_free (*err);
  *err = NULL;
}
