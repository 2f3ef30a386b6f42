/* SPDX-License-Identifier: Apache-2.0 */
/*
 * update: change the resources of a running container, with runc's flags
 * or `-r resources.json` (a linux.resources object, "-" for stdin).  The
 * change is merged into the container's stored config (so later updates
 * and memory+swap arithmetic see the current values), the merged config
 * must pass the policy, then the changed fields are applied and the stored
 * config rewritten.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <guardrun/cgroup.h>
#include <guardrun/json.h>
#include <guardrun/policy.h>
#include <guardrun/spec.h>
#include <guardrun/state.h>
#include <guardrun/util.h>
#include "cmd.h"

#define STATE_CONFIG "config.json"

enum kind { K_BYTES, K_U64, K_I64, K_STR, K_RDT };

/* one runc flag: the linux.resources member it sets */
static const struct flag {
  const char *name;
  const char *section, *key;
  enum kind kind;
} flags[] = {
  { "blkio-weight", "blockIO", "weight", K_U64 },
  { "cpu-period", "cpu", "period", K_U64 },
  { "cpu-quota", "cpu", "quota", K_I64 },
  { "cpu-share", "cpu", "shares", K_U64 },
  { "cpu-shares", "cpu", "shares", K_U64 },
  { "cpu-rt-period", "cpu", "realtimePeriod", K_U64 },
  { "cpu-rt-runtime", "cpu", "realtimeRuntime", K_I64 },
  { "cpuset-cpus", "cpu", "cpus", K_STR },
  { "cpuset-mems", "cpu", "mems", K_STR },
  { "kernel-memory", "memory", "kernel", K_BYTES },
  { "kernel-memory-tcp", "memory", "kernelTCP", K_BYTES },
  { "memory", "memory", "limit", K_BYTES },
  { "memory-reservation", "memory", "reservation", K_BYTES },
  { "memory-swap", "memory", "swap", K_BYTES },
  { "pids-limit", "pids", "limit", K_I64 },
  { "l3-cache-schema", NULL, NULL, K_RDT },
  { "mem-bw-schema", NULL, NULL, K_RDT },
};
#define N_FLAGS GR_ARRAY_SIZE (flags)

struct update_opts {
  const char *resources;
  const char *value[N_FLAGS];
};

/* docker's RAMInBytes: "512m", "1.5g", "1GiB", "1024"; binary units */
static int
parse_bytes (const char *s, int64_t *out)
{
  if (strcmp (s, "-1") == 0)
    {
      *out = -1;
      return 0;
    }
  char *end;
  errno = 0;
  double v = strtod (s, &end);
  if (errno || end == s || v < 0 || !strchr ("0123456789", *s))
    return -1;
  end += *end == ' ';
  const char *units = "kmgtp", *u = *end ? strchr (units, (char) (*end | 0x20)) : NULL;
  if (u)
    {
      for (const char *k = units; k <= u; k++)
        v *= 1024;
      end++;
      end += (*end | 0x20) == 'i';
    }
  end += (*end | 0x20) == 'b';
  if (*end || v >= 9.2e18)
    return -1;
  *out = (int64_t) v;
  return 0;
}

/* the flag's value as a JSON literal */
static char *
flag_literal (const struct flag *f, const char *v)
{
  int64_t i;
  uint64_t u;
  switch (f->kind)
    {
    case K_BYTES:
      return parse_bytes (v, &i) < 0 ? NULL : gr_fmt ("%lld", (long long) i);
    case K_U64:
      return gr_parse_u64 (v, &u) < 0 ? NULL
                                      : gr_fmt ("%llu", (unsigned long long) u);
    case K_I64:
      return gr_parse_i64 (v, &i) < 0 ? NULL : gr_fmt ("%lld", (long long) i);
    default:
      return gr_xstrdup (v);
    }
}

static int
update_opt (int c, const char *arg, void *ctx)
{
  struct update_opts *o = ctx;
  if (c == 'r')
    {
      o->resources = arg;
      return 0;
    }
  if (c < 256 || c >= 256 + (int) N_FLAGS)
    return -1;
  cleanup_free char *lit = flag_literal (&flags[c - 256], arg);
  if (lit == NULL)
    return -1;
  o->value[c - 256] = arg;
  return 0;
}

/* -------------------------------------------------------------- JSON DOM -- */

static gr_json *
node (gr_json_type t, const char *s)
{
  gr_json *j = gr_xcalloc (1, sizeof *j);
  j->type = t;
  j->s = s ? gr_xstrdup (s) : NULL;
  return j;
}

/* set obj[key] = v, taking v */
static void
set_member (gr_json *obj, const char *key, gr_json *v)
{
  for (size_t i = 0; i < obj->n; i++)
    if (strcmp (obj->keys[i], key) == 0)
      {
        gr_json_free (obj->v[i]);
        obj->v[i] = v;
        return;
      }
  obj->keys = gr_xrealloc (obj->keys, (obj->n + 1) * sizeof *obj->keys);
  obj->v = gr_xrealloc (obj->v, (obj->n + 1) * sizeof *obj->v);
  obj->keys[obj->n] = gr_xstrdup (key);
  obj->v[obj->n++] = v;
}

/* obj[key], made an empty object if absent */
static gr_json *
child_object (gr_json *obj, const char *key)
{
  gr_json *c = gr_json_get (obj, key);
  if (c && c->type == GR_JSON_OBJECT)
    return c;
  c = node (GR_JSON_OBJECT, NULL);
  set_member (obj, key, c);
  return c;
}

/* objects merge member by member; anything else replaces (src is emptied) */
static void
merge (gr_json *dst, gr_json *src)
{
  for (size_t i = 0; i < src->n; i++)
    {
      gr_json *d = gr_json_get (dst, src->keys[i]);
      if (d && d->type == GR_JSON_OBJECT && src->v[i]->type == GR_JSON_OBJECT)
        merge (d, src->v[i]);
      else
        {
          set_member (dst, src->keys[i], src->v[i]);
          src->v[i] = NULL;
        }
    }
}

static gr_json *
copy_scalar (const gr_json *j)
{
  gr_json *c = node (j->type, j->s);
  c->b = j->b;
  return c;
}

/* the flags as a linux.resources object */
static gr_json *
flags_json (const struct update_opts *o, gr_error **err)
{
  gr_json *r = node (GR_JSON_OBJECT, NULL);
  for (size_t i = 0; i < N_FLAGS; i++)
    {
      if (o->value[i] == NULL)
        continue;
      if (flags[i].kind == K_RDT)
        {
          gr_json_free (r);
          gr_error_set (err, 0, "--%s: Intel RDT is not supported by guardrun",
                        flags[i].name);
          return NULL;
        }
      cleanup_free char *lit = flag_literal (&flags[i], o->value[i]);
      gr_json *v = node (flags[i].kind == K_STR ? GR_JSON_STRING
                                                : GR_JSON_NUMBER, lit);
      set_member (child_object (r, flags[i].section), flags[i].key, v);
    }
  return r;
}

static gr_json *
read_resources (const char *path, gr_error **err)
{
  gr_json *j = NULL;
  if (strcmp (path, "-") == 0)
    {
      cleanup_free char *buf = NULL;
      size_t len;
      if (gr_read_fd (0, GR_JSON_MAX_SIZE, &buf, &len, err) < 0
          || gr_json_parse ("resources (stdin)", buf, len, &j, err) < 0)
        return NULL;
    }
  else if (gr_json_parse_file (path, path, &j, err) < 0)
    return NULL;
  if (j->type != GR_JSON_OBJECT)
    {
      gr_json_free (j);
      gr_error_set (err, 0, "%s: expected a linux.resources object", path);
      return NULL;
    }
  return j;
}

/*
 * memory+swap is one v1 quantity that v2 splits: when either changes,
 * apply both from the merged config so memory.swap.max is right.
 */
static void
complete_memory (gr_json *delta, gr_json *merged_res)
{
  gr_json *dm = gr_json_get (delta, "memory");
  if (dm == NULL || dm->type != GR_JSON_OBJECT)
    return;
  gr_json *limit = gr_json_get (dm, "limit"), *swap = gr_json_get (dm, "swap");
  if (limit == NULL && swap == NULL)
    return;
  /* runc: unlimited memory without a swap value lifts both */
  if (limit && swap == NULL && limit->s && strcmp (limit->s, "-1") == 0)
    set_member (child_object (merged_res, "memory"), "swap",
                node (GR_JSON_NUMBER, "0"));
  gr_json *mm = gr_json_get (merged_res, "memory");
  const char *keys[] = { "limit", "swap" };
  for (size_t i = 0; i < 2; i++)
    {
      gr_json *v = gr_json_get (mm, keys[i]);
      if (v && gr_json_get (dm, keys[i]) == NULL)
        set_member (dm, keys[i], copy_scalar (v));
    }
}

/* ---------------------------------------------------------------- update -- */

typedef struct {
  gr_cgroup cg;
  gr_state *st;
  int dfd;
} target;

static int
check_policy (gr_globals *g, const gr_state *st, gr_spec *merged,
              gr_policy **pol, gr_error **err)
{
  /* the same lookup as create's (--policy, GUARDRUN_POLICY, the admin
     file, restricted): engines pass the same global flags to every call */
  if (gr_policy_load (g->policy, g->policy_mode, pol, err) < 0)
    return -1;
  gr_policy_ctx ctx = { .id = st->id, .bundle = st->bundle };
  return gr_policy_check (*pol, merged, &ctx, NULL, err);
}

static int
do_update (gr_globals *g, target *t, gr_json *delta, gr_error **err)
{
  cleanup_json gr_json *cfg = NULL;
  if (gr_json_parse_file_at (t->dfd, STATE_CONFIG, "stored config.json", &cfg,
                             err) < 0)
    return -1;
  gr_json *res = child_object (child_object (cfg, "linux"), "resources");
  complete_memory (delta, res);
  /* the delta is consumed by the merge: parse it first */
  cleanup_spec gr_spec *merged = NULL;
  gr_resources *apply = NULL;
  if (gr_resources_from_json ("resources", delta, &apply, err) < 0)
    return -1;
  merge (res, delta);
  cleanup_policy gr_policy *pol = NULL;
  int ret = gr_spec_from_json ("config.json", cfg, &merged, err);
  if (ret == 0)
    ret = check_policy (g, t->st, merged, &pol, err);
  if (ret == 0)
    ret = gr_cgroup_update (&t->cg, apply, pol, err);
  gr_resources_free (apply);
  if (ret < 0)
    return -1;
  size_t len;
  cleanup_free char *json = gr_spec_to_json (merged, &len);
  return gr_write_file_atomic (t->dfd, STATE_CONFIG, json, len, 0600, err);
}

static struct option *
long_options (void)
{
  static struct option opts[N_FLAGS + 2];
  opts[0] = (struct option) { "resources", required_argument, NULL, 'r' };
  for (size_t i = 0; i < N_FLAGS; i++)
    opts[i + 1] = (struct option) { flags[i].name, required_argument, NULL,
                                    256 + (int) i };
  opts[N_FLAGS + 1] = (struct option) { 0 };
  return opts;
}

int
cmd_update (gr_globals *g, int argc, char **argv, gr_error **err)
{
  const gr_cmd *cmd = gr_cmd_find ("update");
  struct update_opts o = { 0 };
  bool help;
  int i = gr_cmd_getopt (cmd, argc, argv, "r:", long_options (), update_opt,
                         &o, &help, err);
  if (i < 0 || help)
    return i < 0 ? -1 : 0;
  if (gr_cmd_nargs (cmd, argc - i, 1, 1, err) < 0)
    return -1;
  /* as runc, -r wins over the individual flags */
  cleanup_json gr_json *delta = o.resources ? read_resources (o.resources, err)
                                            : flags_json (&o, err);
  if (delta == NULL)
    return -1;
  target t = { .cg = GR_CGROUP_INIT, .dfd = -1 };
  int ret = gr_cmd_open_cgroup (g, argv[i], true, &t.dfd, &t.st, &t.cg, err);
  if (ret == 0 && gr_state_status (t.st) == GR_STATUS_STOPPED)
    ret = gr_error_set (err, 0, "container not running");
  if (ret == 0)
    ret = do_update (g, &t, delta, err);
  gr_cgroup_close (&t.cg);
  gr_state_free (t.st);
  if (t.dfd >= 0)
    close (t.dfd);
  return ret;
}
