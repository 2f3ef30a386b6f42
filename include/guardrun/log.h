/* SPDX-License-Identifier: Apache-2.0 */
#ifndef GUARDRUN_LOG_H
#define GUARDRUN_LOG_H

#include <stdbool.h>
#include <guardrun/error.h>

/*
 * runc-format logging.  containerd's shim reads the last error line of
 * `--log <bundle>/log.json --log-format json` and shows it to the user, so
 * the field names are logrus's: {"level":"error","msg":"...","time":"..."};
 * the text format is logrus's too: time="..." level=error msg="...".
 */
typedef enum { GR_LOG_DEBUG, GR_LOG_INFO, GR_LOG_WARN, GR_LOG_ERROR } gr_log_level;

int gr_log_init (const char *path, const char *format, bool debug,
                 gr_error **err);
void gr_log (gr_log_level lvl, const char *fmt, ...)
  __attribute__ ((format (printf, 2, 3)));
#define gr_debug(...) gr_log (GR_LOG_DEBUG, __VA_ARGS__)
#define gr_info(...) gr_log (GR_LOG_INFO, __VA_ARGS__)
#define gr_warn(...) gr_log (GR_LOG_WARN, __VA_ARGS__)
/* the one line for a fatal error: log file + stderr */
void gr_log_error (const gr_error *err);
/* the log fd (for handing to children such as the container init), -1 if
   logging to stderr */
int gr_log_fd (void);
bool gr_log_is_json (void);

/* Decision log: one JSON object per line, appended atomically (O_APPEND,
   one write). Path from GUARDRUN_DECISION_LOG or the policy; default
   /var/log/guardrun/decisions.log. */
typedef struct {
  const char *container_id, *bundle, *policy, *rule, *verdict, *field,
      *message, *reference;
} gr_decision;
void gr_decision_log_set_path (const char *path);
int gr_decision_log (const gr_decision *d, gr_error **err);

#endif
