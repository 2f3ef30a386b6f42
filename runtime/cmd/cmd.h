/* SPDX-License-Identifier: Apache-2.0 */
#ifndef GUARDRUN_CMD_H
#define GUARDRUN_CMD_H

#include <getopt.h>
#include <stdbool.h>
#include <guardrun/cgroup.h>
#include <guardrun/error.h>
#include <guardrun/state.h>

/* global flags, runc's set plus guardrun's policy selection */
typedef struct {
  const char *root;
  const char *log;
  const char *log_format;
  const char *policy;        /* --policy FILE or preset name */
  const char *policy_mode;   /* --policy-mode enforce|audit (overrides) */
  bool debug;
  bool systemd_cgroup;
  const char *rootless;      /* runc's --rootless true|false|auto */
} gr_globals;

typedef int (*gr_cmd_fn) (gr_globals *g, int argc, char **argv,
                          gr_error **err);

typedef struct {
  const char *name;
  gr_cmd_fn fn;
  const char *usage;         /* "ID [SIGNAL]" */
  const char *summary;
  const char *help;          /* option lines */
} gr_cmd;

/*
 * Parse a command's options with getopt_long ('+': options stop at the
 * first operand, as runc's CLI does, so `exec ID ls -l` passes -l on).
 * `--help`/-h are handled here.  Returns the index of the first operand, or
 * -1 with *err set; *help_shown is set when --help was printed.
 */
int gr_cmd_getopt (const gr_cmd *cmd, int argc, char **argv,
                   const char *shortopts, const struct option *longopts,
                   int (*on_opt) (int c, const char *arg, void *ctx),
                   void *ctx, bool *help_shown, gr_error **err);
/* operand count check: "NAME requires exactly N argument(s)" as runc */
int gr_cmd_nargs (const gr_cmd *cmd, int have, int min, int max,
                  gr_error **err);
void gr_cmd_print_help (const gr_cmd *cmd);
const gr_cmd *gr_cmd_find (const char *name);

#define GR_CMD_DECL(n) int cmd_##n (gr_globals *g, int argc, char **argv, gr_error **err)
GR_CMD_DECL (create);
GR_CMD_DECL (start);
GR_CMD_DECL (run);
GR_CMD_DECL (state);
GR_CMD_DECL (list);
GR_CMD_DECL (kill);
GR_CMD_DECL (delete);
GR_CMD_DECL (exec);
GR_CMD_DECL (pause);
GR_CMD_DECL (resume);
GR_CMD_DECL (ps);
GR_CMD_DECL (events);
GR_CMD_DECL (update);
GR_CMD_DECL (spec);
GR_CMD_DECL (features);
GR_CMD_DECL (checkpoint);
GR_CMD_DECL (restore);
GR_CMD_DECL (check);
GR_CMD_DECL (policy);
GR_CMD_DECL (sandbox);
GR_CMD_DECL (isolate);
GR_CMD_DECL (release);

/* Helpers shared by the commands. */
/* open the state root (created on demand for create/run) */
int gr_cmd_root (gr_globals *g, bool create, gr_error **err);

/* pause/resume/ps/update/events (cmd_pause.c): the container's state
   (locked, shared or exclusive; *dfd keeps the lock) and its cgroup */
int gr_cmd_open_cgroup (gr_globals *g, const char *id, bool exclusive,
                        int *dfd, gr_state **st, gr_cgroup *cg,
                        gr_error **err);

#endif
