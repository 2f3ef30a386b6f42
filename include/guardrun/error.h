/* SPDX-License-Identifier: Apache-2.0 */
#ifndef GUARDRUN_ERROR_H
#define GUARDRUN_ERROR_H

#include <stdarg.h>
#include <stdbool.h>

/*
 * One error type for the whole runtime.  The innermost failure records the
 * errno and the concrete detail ("open /run/x: Permission denied"); each
 * caller that adds meaning wraps it once ("create container 'a': ...").
 * Nothing below the CLI prints: the CLI turns the chain into the single line
 * that goes to stderr and to the runc-format log.
 */
typedef struct gr_error {
  int errnum;               /* errno of the innermost cause, 0 if none */
  int status;               /* suggested process exit status (default 1) */
  char *msg;                /* this level's message */
  struct gr_error *cause;   /* the error this one wraps */
} gr_error;

/* Every fallible function returns int (< 0 on error) and fills *err. */
int gr_error_set (gr_error **err, int errnum, const char *fmt, ...)
  __attribute__ ((format (printf, 3, 4)));
int gr_error_wrap (gr_error **err, const char *fmt, ...)
  __attribute__ ((format (printf, 2, 3)));
/* Same as gr_error_set, but with an explicit exit status. */
int gr_error_set_status (gr_error **err, int status, int errnum,
                         const char *fmt, ...)
  __attribute__ ((format (printf, 4, 5)));

/* "outer: inner: strerror(errno)", newly allocated. */
char *gr_error_string (const gr_error *err);
void gr_error_free (gr_error *err);
void gr_error_freep (gr_error **err);
int gr_error_errno (const gr_error *err);

#define cleanup_error __attribute__ ((cleanup (gr_error_freep)))

#endif
