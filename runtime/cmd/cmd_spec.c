/* SPDX-License-Identifier: Apache-2.0 */
/* spec: write guardrun's hardened default config.json */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <guardrun/spec.h>
#include <guardrun/util.h>
#include "cmd.h"

struct spec_opts {
  const char *bundle;
  bool rootless;
};

static int
spec_opt (int c, const char *arg, void *ctx)
{
  struct spec_opts *o = ctx;
  if (c == 'b')
    o->bundle = arg;
  else if (c == 'r')
    o->rootless = true;
  else
    return -1;
  return 0;
}

int
cmd_spec (gr_globals *g, int argc, char **argv, gr_error **err)
{
  static const struct option opts[] = {
    { "bundle", required_argument, NULL, 'b' },
    { "rootless", no_argument, NULL, 'r' },
    { 0 },
  };
  const gr_cmd *cmd = gr_cmd_find ("spec");
  struct spec_opts o = { .bundle = "." };
  bool help;
  int i = gr_cmd_getopt (cmd, argc, argv, "b:", opts, spec_opt, &o, &help,
                         err);
  if (i < 0 || help)
    return i < 0 ? -1 : 0;
  if (gr_cmd_nargs (cmd, argc - i, 0, 0, err) < 0)
    return -1;

  cleanup_close int dfd = open (o.bundle, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (dfd < 0)
    return gr_error_set (err, errno, "bundle `%s`", o.bundle);
  gr_spec *s = gr_spec_default (o.rootless);
  size_t len;
  cleanup_free char *json = gr_spec_to_json (s, &len);
  gr_spec_free (s);
  /* O_EXCL: never overwrite a config someone wrote, as runc refuses too */
  cleanup_close int fd = openat (dfd, "config.json",
                                 O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC
                                     | O_NOFOLLOW,
                                 0644);
  if (fd < 0 && errno == EEXIST)
    return gr_error_set (err, 0, "File %s/config.json exists. Remove it first",
                         o.bundle);
  if (fd < 0)
    return gr_error_set (err, errno, "create %s/config.json", o.bundle);
  if (gr_write_all (fd, json, len) < 0 || gr_write_all (fd, "\n", 1) < 0)
    return gr_error_set (err, errno, "write %s/config.json", o.bundle);
  return 0;
}
