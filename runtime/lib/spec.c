/* SPDX-License-Identifier: Apache-2.0 */
/*
 * config.json -> gr_spec, strictly.
 *
 * A config is attacker-influenced input to a process running as root, so a
 * wrong type is an error (never a silent zero), every error names the JSON
 * path of the offending value, and nothing is half-parsed: each parse
 * function fills a zeroed struct that is already linked into the tree being
 * built, so on any error the caller frees the whole tree with one call and
 * no error path has to clean up by itself.
 *
 * Unknown members are ignored (the spec requires it); null for an optional
 * member means absent.  Members that Go's specs-go always serialises (no
 * omitempty) are required: a config missing them is hand-written and
 * probably mistyped, and a typo like "UID" must not silently mean root.
 */
#include <ctype.h>
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <string.h>
#include <sys/capability.h>
#include <guardrun/spec.h>
#include <guardrun/util.h>

const char *const gr_hook_kind_names[GR_HOOK_KINDS] = {
  "prestart",  "createRuntime", "createContainer",
  "startContainer", "poststart", "poststop",
};

/* ---- paths and errors ---- */

/* The JSON path of the value being parsed, as a chain of stack frames:
   nothing is allocated unless an error is reported. */
typedef struct jpath jpath;
struct jpath {
  const jpath *up;
  const char *key;          /* member of a struct-like object: .key */
  const char *mkey;         /* member of a map-like object: ["key"] */
  size_t idx;               /* array element when key and mkey are NULL */
};
#define AT(p, k) (&(jpath) { .up = (p), .key = (k) })
#define IDX(p, i) (&(jpath) { .up = (p), .idx = (i) })
#define MKEY(p, k) (&(jpath) { .up = (p), .mkey = (k) })

typedef struct {
  const char *what;         /* "config.json", "process.json", ... */
  gr_error **err;
} ctx;

/* Errors quote values, which are untrusted: escape anything that could
   break the one-line format or a terminal, and cut long ones without
   splitting a UTF-8 sequence. */
#define QUOTE_MAX 40

static void
put_quoted (FILE *f, const char *s, size_t max)
{
  size_t n = strlen (s), lim = n > max ? max : n;
  while (lim > 0 && lim < n && ((unsigned char) s[lim] & 0xc0) == 0x80)
    lim--;
  fputc ('"', f);
  for (size_t i = 0; i < lim; i++)
    {
      unsigned char ch = (unsigned char) s[i];
      if (ch == '"' || ch == '\\')
        fprintf (f, "\\%c", ch);
      else if (ch < 0x20 || ch == 0x7f)
        fprintf (f, "\\x%02x", ch);
      else
        fputc (ch, f);
    }
  fputs (lim < n ? "...\"" : "\"", f);
}

static void
put_path (FILE *f, const jpath *p)
{
  if (p == NULL)
    return;
  put_path (f, p->up);
  if (p->key)
    fprintf (f, "%s%s", p->up ? "." : "", p->key);
  else if (p->mkey)
    {
      fputc ('[', f);
      put_quoted (f, p->mkey, 64);
      fputc (']', f);
    }
  else
    fprintf (f, "[%zu]", p->idx);
}

static FILE *
memstream (char **buf, size_t *len)
{
  FILE *f = open_memstream (buf, len);
  if (f == NULL)
    abort ();               /* only ENOMEM, which gr_x* treat the same */
  return f;
}

/* "config.json: process.user.uid: <message>" */
static int __attribute__ ((format (printf, 3, 4)))
fail (ctx *c, const jpath *p, const char *fmt, ...)
{
  char *buf = NULL;
  size_t len = 0;
  va_list ap;
  FILE *f = memstream (&buf, &len);
  put_path (f, p);
  if (ftell (f) > 0)
    fputs (": ", f);
  va_start (ap, fmt);
  vfprintf (f, fmt, ap);
  va_end (ap);
  fclose (f);
  gr_error_set (c->err, 0, "%s: %s", c->what, buf);
  free (buf);
  return -1;
}

/* a value as errors show it: strings quoted, numbers literal */
static char *
describe (const gr_json *j)
{
  char *buf = NULL;
  size_t len = 0;
  FILE *f = memstream (&buf, &len);
  switch (j ? j->type : GR_JSON_NULL)
    {
    case GR_JSON_NULL: fputs ("null", f); break;
    case GR_JSON_BOOL: fputs (j->b ? "true" : "false", f); break;
    case GR_JSON_NUMBER:
      fprintf (f, "%.*s%s", QUOTE_MAX, j->s,
               strlen (j->s) > QUOTE_MAX ? "..." : "");
      break;
    case GR_JSON_STRING: put_quoted (f, j->s, QUOTE_MAX); break;
    case GR_JSON_OBJECT: fputs ("object", f); break;
    case GR_JSON_ARRAY: fputs ("array", f); break;
    }
  fclose (f);
  return buf;
}

static char *
quote (const char *s)
{
  char *buf = NULL;
  size_t len = 0;
  FILE *f = memstream (&buf, &len);
  put_quoted (f, s, QUOTE_MAX);
  fclose (f);
  return buf;
}

/* "expected an object, got array" */
static int
expected (ctx *c, const jpath *p, const char *kind, const gr_json *j)
{
  cleanup_free char *v = describe (j);
  return fail (c, p, "expected %s, got %s", kind, v);
}

/* a well-typed string with a bad value: "<msg>, got \"x\"" */
static int
bad_str (ctx *c, const jpath *p, const char *msg, const char *s)
{
  cleanup_free char *v = quote (s);
  return fail (c, p, "%s, got %s", msg, v);
}

static int
dup_str (ctx *c, const jpath *p, const char *noun, const char *s)
{
  cleanup_free char *v = quote (s);
  return fail (c, p, "duplicate %s %s", noun, v);
}

/* ---- typed conversion of one value ---- */

static bool
is (const gr_json *j, gr_json_type t)
{
  return j && j->type == t;
}

static int
want_obj (ctx *c, const jpath *p, const gr_json *j)
{
  return is (j, GR_JSON_OBJECT) ? 0 : expected (c, p, "an object", j);
}

static int
to_str (ctx *c, const jpath *p, const gr_json *j, char **out)
{
  if (!is (j, GR_JSON_STRING))
    return expected (c, p, "a string", j);
  *out = gr_xstrdup (j->s);
  return 0;
}

static int
to_bool (ctx *c, const jpath *p, const gr_json *j, bool *out)
{
  if (!is (j, GR_JSON_BOOL))
    return expected (c, p, "a boolean", j);
  *out = j->b;
  return 0;
}

typedef enum { K_U16, K_U32, K_I32, K_U64, K_I64 } ikind;
static const struct {
  const char *name;
  bool is_signed;
  int64_t min;
  uint64_t max;
} ikinds[] = {
  [K_U16] = { "an unsigned 16-bit integer", false, 0, UINT16_MAX },
  [K_U32] = { "an unsigned 32-bit integer", false, 0, UINT32_MAX },
  [K_I32] = { "a signed 32-bit integer", true, INT32_MIN, INT32_MAX },
  [K_U64] = { "an unsigned 64-bit integer", false, 0, UINT64_MAX },
  [K_I64] = { "a signed 64-bit integer", true, INT64_MIN, INT64_MAX },
};

/* Decide on the literal text, never via a double: "1e3", "1.5" and a
   rounded 2^64 are errors, not 1000, 1 and UINT64_MAX.  "-0" is no
   unsigned integer either. */
static int
to_int (ctx *c, const jpath *p, const gr_json *j, ikind k, uint64_t *u,
        int64_t *i)
{
  const char *s = is (j, GR_JSON_NUMBER) ? j->s : NULL;
  const char *digits = s && s[0] == '-' && ikinds[k].is_signed ? s + 1 : s;
  bool ok = digits && *digits
            && strspn (digits, "0123456789") == strlen (digits)
            && !(digits[0] == '0' && digits[1]);
  if (ok)
    {
      errno = 0;
      if (ikinds[k].is_signed)
        {
          long long v = strtoll (s, NULL, 10);
          ok = errno == 0 && v >= ikinds[k].min && v <= (int64_t) ikinds[k].max;
          *i = v;
        }
      else
        {
          unsigned long long v = strtoull (s, NULL, 10);
          ok = errno == 0 && v <= ikinds[k].max;
          *u = v;
        }
    }
  return ok ? 0 : expected (c, p, ikinds[k].name, j);
}

#define DEFINE_TO_INT(fn, T, kind, var)                                      \
  static int fn (ctx *c, const jpath *p, const gr_json *j, T *out)           \
  {                                                                          \
    uint64_t u = 0;                                                          \
    int64_t i = 0;                                                           \
    if (to_int (c, p, j, kind, &u, &i) < 0)                                  \
      return -1;                                                             \
    *out = (T) var;                                                          \
    return 0;                                                                \
  }
DEFINE_TO_INT (to_u16, uint16_t, K_U16, u)
DEFINE_TO_INT (to_u32, uint32_t, K_U32, u)
DEFINE_TO_INT (to_i32, int32_t, K_I32, i)
DEFINE_TO_INT (to_u64, uint64_t, K_U64, u)
DEFINE_TO_INT (to_i64, int64_t, K_I64, i)

/* ---- members of an object ---- */

/* has == REQUIRED: the member must be there; otherwise *has records it */
#define REQUIRED NULL
#define OPTIONAL (&(bool) { false })

static int
member (ctx *c, const jpath *p, const gr_json *obj, const char *key,
        bool required, const gr_json **out)
{
  const gr_json *v = gr_json_get (obj, key);
  *out = NULL;
  if (is (v, GR_JSON_NULL))
    v = NULL;
  if (v == NULL && required)
    return fail (c, AT (p, key), "required field is missing");
  *out = v;
  return 0;
}

#define DEFINE_GETTER(fn, T, conv)                                           \
  static int fn (ctx *c, const jpath *p, const gr_json *obj, const char *key, \
                 T *out, bool *has)                                          \
  {                                                                          \
    const gr_json *v = NULL;                                                 \
    if (member (c, p, obj, key, has == REQUIRED, &v) < 0)                    \
      return -1;                                                             \
    if (v == NULL)                                                           \
      return 0;                                                              \
    if (conv (c, AT (p, key), v, out) < 0)                                   \
      return -1;                                                             \
    if (has)                                                                 \
      *has = true;                                                           \
    return 0;                                                                \
  }
DEFINE_GETTER (get_str, char *, to_str)
DEFINE_GETTER (get_bool, bool, to_bool)
DEFINE_GETTER (get_u16, uint16_t, to_u16)
DEFINE_GETTER (get_u32, uint32_t, to_u32)
DEFINE_GETTER (get_i32, int32_t, to_i32)
DEFINE_GETTER (get_u64, uint64_t, to_u64)
DEFINE_GETTER (get_i64, int64_t, to_i64)

/* an optional member that must be an object when present */
static const gr_json *
sub (const gr_json *obj, const char *key)
{
  const gr_json *v = gr_json_get (obj, key);
  return is (v, GR_JSON_NULL) ? NULL : v;
}

/* Allocate the struct behind `field` and parse into it, when present. */
#define GET_OBJ(c, p, obj, key, fn, field)                                   \
  ({                                                                         \
    const gr_json *v_ = sub (obj, key);                                      \
    int r_ = 0;                                                              \
    if (v_)                                                                  \
      {                                                                      \
        (field) = gr_xcalloc (1, sizeof *(field));                           \
        r_ = fn (c, AT (p, key), v_, (field));                               \
      }                                                                      \
    r_;                                                                      \
  })

/* Arrays: one element parser per element type.  The array is linked into
   the owner before its elements are parsed (see the top comment), with a
   spare zeroed slot so string vectors are also NULL-terminated. */
typedef int (*elem_fn) (ctx *c, const jpath *p, const gr_json *j, void *out);

static int
get_array (ctx *c, const jpath *p, const gr_json *obj, const char *key,
           size_t size, elem_fn fn, void **arr, size_t *n, bool *has)
{
  const gr_json *v = NULL;
  const jpath *ap = AT (p, key);
  if (member (c, p, obj, key, has == REQUIRED, &v) < 0)
    return -1;
  if (v == NULL)
    return 0;
  if (!is (v, GR_JSON_ARRAY))
    return expected (c, ap, "an array", v);
  *arr = gr_xcalloc (v->n + 1, size);
  *n = v->n;
  if (has)
    *has = true;
  for (size_t i = 0; i < v->n; i++)
    if (fn (c, IDX (ap, i), v->v[i], (char *) *arr + i * size) < 0)
      return -1;
  return 0;
}

#define GET_ARRAY(c, p, obj, key, fn, field, nfield, has)                    \
  ({                                                                         \
    void *a_ = NULL;                                                         \
    int r_ = get_array (c, p, obj, key, sizeof *(field), fn, &a_, &(nfield), \
                        has);                                                \
    if (a_)                                                                  \
      (field) = a_;                                                          \
    r_;                                                                      \
  })

/* Maps (annotations, sysctl, ...): Go keeps the last of duplicate keys, and
   so do we; entries come out sorted by key, as Go also writes them. */
typedef int (*map_fn) (ctx *c, const jpath *p, const char *key,
                       const gr_json *v, void *out);

struct map_ent { const char *key; size_t i; };

static int
map_ent_cmp (const void *a, const void *b)
{
  const struct map_ent *x = a, *y = b;
  int r = strcmp (x->key, y->key);
  return r ? r : (x->i > y->i) - (x->i < y->i);
}

static int
get_map (ctx *c, const jpath *p, const gr_json *obj, const char *key,
         size_t size, map_fn fn, void **arr, size_t *n)
{
  const gr_json *v = sub (obj, key);
  const jpath *mp = AT (p, key);
  size_t m = 0;
  if (v == NULL)
    return 0;
  if (!is (v, GR_JSON_OBJECT))
    return expected (c, mp, "an object", v);
  cleanup_free struct map_ent *ents = gr_xcalloc (v->n + 1, sizeof *ents);
  for (size_t i = 0; i < v->n; i++)
    ents[i] = (struct map_ent) { v->keys[i], i };
  qsort (ents, v->n, sizeof *ents, map_ent_cmp);
  for (size_t i = 0; i < v->n; i++)
    if (i + 1 == v->n || strcmp (ents[i].key, ents[i + 1].key) != 0)
      ents[m++] = ents[i];
  *arr = gr_xcalloc (m + 1, size);
  *n = m;
  for (size_t i = 0; i < m; i++)
    if (fn (c, MKEY (mp, ents[i].key), ents[i].key, v->v[ents[i].i],
            (char *) *arr + i * size)
        < 0)
      return -1;
  return 0;
}

#define GET_MAP(c, p, obj, key, fn, field, nfield)                           \
  ({                                                                         \
    void *a_ = NULL;                                                         \
    int r_ = get_map (c, p, obj, key, sizeof *(field), fn, &a_, &(nfield));  \
    if (a_)                                                                  \
      (field) = a_;                                                          \
    r_;                                                                      \
  })

/* ---- value rules ---- */

/* names: NULL-terminated.  noun: for long lists, "unknown <noun> \"x\""
   reads better than the whole list. */
static int
check_enum (ctx *c, const jpath *p, const char *s, const char *const *names,
            const char *noun)
{
  char *buf = NULL;
  size_t len = 0;
  for (const char *const *n = names; *n; n++)
    if (strcmp (s, *n) == 0)
      return 0;
  if (noun)
    {
      cleanup_free char *v = quote (s);
      return fail (c, p, "unknown %s %s", noun, v);
    }
  FILE *f = memstream (&buf, &len);
  fputs ("must be one of ", f);
  for (const char *const *n = names; *n; n++)
    fprintf (f, "%s%s", n == names ? "" : ", ", *n);
  fclose (f);
  int r = bad_str (c, p, buf, s);
  free (buf);
  return r;
}

static int
check_abs (ctx *c, const jpath *p, const char *s)
{
  return s[0] == '/' ? 0 : bad_str (c, p, "must be an absolute path", s);
}

static int
check_range (ctx *c, const jpath *p, int64_t v, int64_t lo, int64_t hi)
{
  if (v >= lo && v <= hi)
    return 0;
  return fail (c, p,
               "must be between %" PRId64 " and %" PRId64 ", got %" PRId64, lo,
               hi, v);
}

static const char *const ns_types[] = { "pid", "network", "mount", "ipc",
                                        "uts", "user", "cgroup", "time",
                                        NULL };
static const char *const rlimit_types[] = {
  "RLIMIT_AS", "RLIMIT_CORE", "RLIMIT_CPU", "RLIMIT_DATA", "RLIMIT_FSIZE",
  "RLIMIT_LOCKS", "RLIMIT_MEMLOCK", "RLIMIT_MSGQUEUE", "RLIMIT_NICE",
  "RLIMIT_NOFILE", "RLIMIT_NPROC", "RLIMIT_RSS", "RLIMIT_RTPRIO",
  "RLIMIT_RTTIME", "RLIMIT_SIGPENDING", "RLIMIT_STACK", NULL,
};
static const char *const propagations[] = {
  "shared", "slave", "private", "unbindable",
  "rshared", "rslave", "rprivate", "runbindable", NULL,
};
static const char *const seccomp_actions[] = {
  "SCMP_ACT_KILL", "SCMP_ACT_KILL_PROCESS", "SCMP_ACT_KILL_THREAD",
  "SCMP_ACT_TRAP", "SCMP_ACT_ERRNO", "SCMP_ACT_TRACE", "SCMP_ACT_ALLOW",
  "SCMP_ACT_LOG", "SCMP_ACT_NOTIFY", NULL,
};
static const char *const seccomp_ops[] = {
  "SCMP_CMP_NE", "SCMP_CMP_LT", "SCMP_CMP_LE", "SCMP_CMP_EQ",
  "SCMP_CMP_GE", "SCMP_CMP_GT", "SCMP_CMP_MASKED_EQ", NULL,
};
static const char *const seccomp_flags[] = {
  "SECCOMP_FILTER_FLAG_TSYNC", "SECCOMP_FILTER_FLAG_LOG",
  "SECCOMP_FILTER_FLAG_SPEC_ALLOW", "SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV",
  NULL,
};
static const char *const sched_policies[] = {
  "SCHED_OTHER", "SCHED_FIFO", "SCHED_RR", "SCHED_BATCH", "SCHED_ISO",
  "SCHED_IDLE", "SCHED_DEADLINE", NULL,
};
static const char *const sched_flags[] = {
  "SCHED_FLAG_RESET_ON_FORK", "SCHED_FLAG_RECLAIM", "SCHED_FLAG_DL_OVERRUN",
  "SCHED_FLAG_KEEP_POLICY", "SCHED_FLAG_KEEP_PARAMS",
  "SCHED_FLAG_UTIL_CLAMP_MIN", "SCHED_FLAG_UTIL_CLAMP_MAX", NULL,
};
static const char *const ioprio_classes[] = {
  "IOPRIO_CLASS_RT", "IOPRIO_CLASS_BE", "IOPRIO_CLASS_IDLE", NULL,
};
static const char *const personality_domains[] = { "LINUX", "LINUX32", NULL };
static const char *const device_types[] = { "c", "b", "u", "p", NULL };
static const char *const device_rule_types[] = { "a", "c", "b", NULL };
static const char *const time_clocks[] = { "monotonic", "boottime", NULL };

/* get_str plus an enum check */
static int
get_enum (ctx *c, const jpath *p, const gr_json *obj, const char *key,
          char **out, bool *has, const char *const *names, const char *noun)
{
  if (get_str (c, p, obj, key, out, has) < 0)
    return -1;
  return *out ? check_enum (c, AT (p, key), *out, names, noun) : 0;
}

/* get_str plus "must be absolute" */
static int
get_abs (ctx *c, const jpath *p, const gr_json *obj, const char *key,
         char **out, bool *has)
{
  if (get_str (c, p, obj, key, out, has) < 0)
    return -1;
  return *out ? check_abs (c, AT (p, key), *out) : 0;
}

/* Capability names exactly as the spec writes them.  libcap alone is too
   lenient: it takes "cap_chown", "5" and even "CAP_CHOWN,CAP_KILL". */
static bool
cap_name_ok (const char *s)
{
  cap_value_t v;
  if (strncmp (s, "CAP_", 4) != 0 || !isupper ((unsigned char) s[4]))
    return false;
  for (const char *q = s + 4; *q; q++)
    if (!isupper ((unsigned char) *q) && !isdigit ((unsigned char) *q)
        && *q != '_')
      return false;
  return cap_from_name (s, &v) == 0;
}

/* ---- element parsers (arrays and maps) ---- */

static int
elem_str (ctx *c, const jpath *p, const gr_json *j, void *out)
{
  return to_str (c, p, j, out);
}

static int
elem_abs (ctx *c, const jpath *p, const gr_json *j, void *out)
{
  char **s = out;
  return to_str (c, p, j, s) < 0 ? -1 : check_abs (c, p, *s);
}

/* KEY=VALUE: an entry without '=' is dropped or misread by every libc */
static int
elem_env (ctx *c, const jpath *p, const gr_json *j, void *out)
{
  char **s = out;
  if (to_str (c, p, j, s) < 0)
    return -1;
  const char *eq = strchr (*s, '=');
  return eq && eq != *s ? 0 : bad_str (c, p, "must be in KEY=VALUE form", *s);
}

static int
elem_cap (ctx *c, const jpath *p, const gr_json *j, void *out)
{
  char **s = out;
  if (to_str (c, p, j, s) < 0)
    return -1;
  return cap_name_ok (*s) ? 0 : bad_str (c, p, "unknown capability", *s);
}

static int
elem_u32 (ctx *c, const jpath *p, const gr_json *j, void *out)
{
  return to_u32 (c, p, j, out);
}

static int
elem_seccomp_flag (ctx *c, const jpath *p, const gr_json *j, void *out)
{
  char **s = out;
  return to_str (c, p, j, s) < 0 ? -1
                                 : check_enum (c, p, *s, seccomp_flags, NULL);
}

static int
elem_sched_flag (ctx *c, const jpath *p, const gr_json *j, void *out)
{
  char **s = out;
  return to_str (c, p, j, s) < 0 ? -1
                                 : check_enum (c, p, *s, sched_flags, NULL);
}

static int
map_str (ctx *c, const jpath *p, const char *key, const gr_json *v, void *out)
{
  gr_kv *kv = out;
  kv->key = gr_xstrdup (key);
  return to_str (c, p, v, &kv->value);
}

static int
elem_idmap (ctx *c, const jpath *p, const gr_json *j, void *out)
{
  gr_id_map *m = out;
  if (want_obj (c, p, j) < 0
      || get_u32 (c, p, j, "containerID", &m->container_id, REQUIRED) < 0
      || get_u32 (c, p, j, "hostID", &m->host_id, REQUIRED) < 0
      || get_u32 (c, p, j, "size", &m->size, REQUIRED) < 0)
    return -1;
  /* the kernel refuses an empty range with a bare EINVAL */
  return m->size ? 0 : fail (c, AT (p, "size"), "must be at least 1, got 0");
}

/* ---- process ---- */

static int
parse_user (ctx *c, const jpath *p, const gr_json *j, gr_process *pr)
{
  if (want_obj (c, p, j) < 0
      || get_u32 (c, p, j, "uid", &pr->uid, REQUIRED) < 0
      || get_u32 (c, p, j, "gid", &pr->gid, REQUIRED) < 0
      || get_u32 (c, p, j, "umask", &pr->umask, &pr->has_umask) < 0
      || GET_ARRAY (c, p, j, "additionalGids", elem_u32, pr->additional_gids,
                    pr->n_additional_gids, OPTIONAL) < 0
      || get_str (c, p, j, "username", &pr->username, OPTIONAL) < 0)
    return -1;
  if (pr->has_umask && pr->umask > 0777)
    return fail (c, AT (p, "umask"), "must be at most 0777 (511), got %" PRIu32,
                 pr->umask);
  return 0;
}

static int
parse_caps (ctx *c, const jpath *p, const gr_json *j, gr_caps *cp)
{
  if (want_obj (c, p, j) < 0)
    return -1;
  cp->present = true;
  return GET_ARRAY (c, p, j, "bounding", elem_cap, cp->bounding,
                    cp->n_bounding, OPTIONAL) < 0
                 || GET_ARRAY (c, p, j, "effective", elem_cap, cp->effective,
                               cp->n_effective, OPTIONAL) < 0
                 || GET_ARRAY (c, p, j, "inheritable", elem_cap,
                               cp->inheritable, cp->n_inheritable, OPTIONAL) < 0
                 || GET_ARRAY (c, p, j, "permitted", elem_cap, cp->permitted,
                               cp->n_permitted, OPTIONAL) < 0
                 || GET_ARRAY (c, p, j, "ambient", elem_cap, cp->ambient,
                               cp->n_ambient, OPTIONAL) < 0
             ? -1
             : 0;
}

static int
elem_rlimit (ctx *c, const jpath *p, const gr_json *j, void *out)
{
  gr_rlimit *r = out;
  if (want_obj (c, p, j) < 0
      || get_enum (c, p, j, "type", &r->type, REQUIRED, rlimit_types,
                   "rlimit type") < 0
      || get_u64 (c, p, j, "soft", &r->soft, REQUIRED) < 0
      || get_u64 (c, p, j, "hard", &r->hard, REQUIRED) < 0)
    return -1;
  if (r->soft > r->hard)
    return fail (c, AT (p, "soft"),
                 "%" PRIu64 " exceeds the hard limit %" PRIu64, r->soft,
                 r->hard);
  return 0;
}

static int
parse_scheduler (ctx *c, const jpath *p, const gr_json *j, gr_scheduler *s)
{
  if (want_obj (c, p, j) < 0
      || get_enum (c, p, j, "policy", &s->policy, REQUIRED, sched_policies,
                   NULL) < 0
      || get_i32 (c, p, j, "nice", &s->nice, &s->has_nice) < 0
      || get_i32 (c, p, j, "priority", &s->priority, &s->has_priority) < 0
      || GET_ARRAY (c, p, j, "flags", elem_sched_flag, s->flags, s->n_flags,
                    OPTIONAL) < 0
      || get_u64 (c, p, j, "runtime", &s->runtime, &s->has_runtime) < 0
      || get_u64 (c, p, j, "deadline", &s->deadline, &s->has_deadline) < 0
      || get_u64 (c, p, j, "period", &s->period, &s->has_period) < 0)
    return -1;
  return s->has_nice ? check_range (c, AT (p, "nice"), s->nice, -20, 19) : 0;
}

static int
parse_process_obj (ctx *c, const jpath *p, const gr_json *j, gr_process *pr)
{
  const gr_json *v = NULL;
  if (want_obj (c, p, j) < 0
      || get_bool (c, p, j, "terminal", &pr->terminal, OPTIONAL) < 0)
    return -1;
  if ((v = sub (j, "consoleSize")))
    {
      const jpath *cp = AT (p, "consoleSize");
      if (want_obj (c, cp, v) < 0
          || get_u32 (c, cp, v, "height", &pr->console_height, REQUIRED) < 0
          || get_u32 (c, cp, v, "width", &pr->console_width, REQUIRED) < 0)
        return -1;
      pr->has_console_size = true;
    }
  if (member (c, p, j, "user", true, &v) < 0
      || parse_user (c, AT (p, "user"), v, pr) < 0
      || GET_ARRAY (c, p, j, "args", elem_str, pr->args, pr->n_args,
                    OPTIONAL) < 0
      || get_str (c, p, j, "commandLine", &pr->command_line, OPTIONAL) < 0
      || GET_ARRAY (c, p, j, "env", elem_env, pr->env, pr->n_env, OPTIONAL) < 0
      || get_str (c, p, j, "cwd", &pr->cwd, OPTIONAL) < 0)
    return -1;
  if ((v = sub (j, "capabilities"))
      && parse_caps (c, AT (p, "capabilities"), v, &pr->caps) < 0)
    return -1;
  if (GET_ARRAY (c, p, j, "rlimits", elem_rlimit, pr->rlimits, pr->n_rlimits,
                 OPTIONAL) < 0)
    return -1;
  /* at most 16 distinct types exist, so this stops within 17 entries */
  for (size_t i = 1; i < pr->n_rlimits; i++)
    for (size_t k = 0; k < i; k++)
      if (strcmp (pr->rlimits[i].type, pr->rlimits[k].type) == 0)
        return dup_str (c, AT (IDX (AT (p, "rlimits"), i), "type"),
                        "rlimit type", pr->rlimits[i].type);
  if (get_bool (c, p, j, "noNewPrivileges", &pr->no_new_privileges,
                OPTIONAL) < 0
      || get_str (c, p, j, "apparmorProfile", &pr->apparmor_profile,
                  OPTIONAL) < 0
      || get_i32 (c, p, j, "oomScoreAdj", &pr->oom_score_adj,
                  &pr->has_oom_score_adj) < 0
      || (pr->has_oom_score_adj
          && check_range (c, AT (p, "oomScoreAdj"), pr->oom_score_adj, -1000,
                          1000) < 0)
      || get_str (c, p, j, "selinuxLabel", &pr->selinux_label, OPTIONAL) < 0)
    return -1;
  if ((v = sub (j, "ioPriority")))
    {
      const jpath *ip = AT (p, "ioPriority");
      if (want_obj (c, ip, v) < 0
          || get_enum (c, ip, v, "class", &pr->io_priority_class, REQUIRED,
                       ioprio_classes, NULL) < 0
          || get_i32 (c, ip, v, "priority", &pr->io_priority, REQUIRED) < 0
          || check_range (c, AT (ip, "priority"), pr->io_priority, 0, 7) < 0)
        return -1;
      pr->has_io_priority = true;
    }
  if (GET_OBJ (c, p, j, "scheduler", parse_scheduler, pr->scheduler) < 0)
    return -1;
  if ((v = sub (j, "execCPUAffinity")))
    {
      const jpath *ap = AT (p, "execCPUAffinity");
      if (want_obj (c, ap, v) < 0
          || get_str (c, ap, v, "initial", &pr->exec_cpu_affinity_initial,
                      OPTIONAL) < 0
          || get_str (c, ap, v, "final", &pr->exec_cpu_affinity_final,
                      OPTIONAL) < 0)
        return -1;
    }
  return 0;
}

/* ---- hooks, mounts ---- */

static int
elem_hook (ctx *c, const jpath *p, const gr_json *j, void *out)
{
  gr_hook *h = out;
  if (want_obj (c, p, j) < 0
      || get_abs (c, p, j, "path", &h->path, REQUIRED) < 0
      || GET_ARRAY (c, p, j, "args", elem_str, h->args, h->n_args,
                    OPTIONAL) < 0
      || GET_ARRAY (c, p, j, "env", elem_env, h->env, h->n_env, OPTIONAL) < 0
      || get_i32 (c, p, j, "timeout", &h->timeout, &h->has_timeout) < 0)
    return -1;
  if (h->has_timeout && h->timeout <= 0)
    return fail (c, AT (p, "timeout"), "must be greater than 0, got %" PRId32,
                 h->timeout);
  return 0;
}

static int
elem_mount (ctx *c, const jpath *p, const gr_json *j, void *out)
{
  gr_mount *m = out;
  /* runc still takes a relative destination from old specs; resolving it
     against an unspecified cwd is exactly the ambiguity to refuse */
  if (want_obj (c, p, j) < 0
      || get_abs (c, p, j, "destination", &m->destination, REQUIRED) < 0
      || get_str (c, p, j, "type", &m->type, OPTIONAL) < 0
      || get_str (c, p, j, "source", &m->source, OPTIONAL) < 0
      || GET_ARRAY (c, p, j, "options", elem_str, m->options, m->n_options,
                    OPTIONAL) < 0
      || GET_ARRAY (c, p, j, "uidMappings", elem_idmap, m->uid_mappings,
                    m->n_uid_mappings, OPTIONAL) < 0
      || GET_ARRAY (c, p, j, "gidMappings", elem_idmap, m->gid_mappings,
                    m->n_gid_mappings, OPTIONAL) < 0)
    return -1;
  return 0;
}

/* ---- linux.resources ---- */

static int
elem_device_rule (ctx *c, const jpath *p, const gr_json *j, void *out)
{
  gr_device_rule *d = out;
  if (want_obj (c, p, j) < 0
      || get_bool (c, p, j, "allow", &d->allow, REQUIRED) < 0
      || get_enum (c, p, j, "type", &d->type, OPTIONAL, device_rule_types,
                   NULL) < 0
      || get_i64 (c, p, j, "major", &d->major, &d->has_major) < 0
      || get_i64 (c, p, j, "minor", &d->minor, &d->has_minor) < 0
      || get_str (c, p, j, "access", &d->access, OPTIONAL) < 0)
    return -1;
  if (d->access && d->access[strspn (d->access, "rwm")] != '\0')
    return bad_str (c, AT (p, "access"), "must contain only r, w and m",
                    d->access);
  return 0;
}

static int
parse_memory (ctx *c, const jpath *p, const gr_json *j, gr_memory *m)
{
  return want_obj (c, p, j) < 0
                 || get_i64 (c, p, j, "limit", &m->limit, &m->has_limit) < 0
                 || get_i64 (c, p, j, "reservation", &m->reservation,
                             &m->has_reservation) < 0
                 || get_i64 (c, p, j, "swap", &m->swap, &m->has_swap) < 0
                 || get_i64 (c, p, j, "kernel", &m->kernel, &m->has_kernel) < 0
                 || get_i64 (c, p, j, "kernelTCP", &m->kernel_tcp,
                             &m->has_kernel_tcp) < 0
                 || get_u64 (c, p, j, "swappiness", &m->swappiness,
                             &m->has_swappiness) < 0
                 || get_bool (c, p, j, "disableOOMKiller",
                              &m->disable_oom_killer,
                              &m->has_disable_oom_killer) < 0
                 || get_bool (c, p, j, "useHierarchy", &m->use_hierarchy,
                              &m->has_use_hierarchy) < 0
                 || get_bool (c, p, j, "checkBeforeUpdate",
                              &m->check_before_update,
                              &m->has_check_before_update) < 0
             ? -1
             : 0;
}

static int
parse_cpu (ctx *c, const jpath *p, const gr_json *j, gr_cpu *u)
{
  return want_obj (c, p, j) < 0
                 || get_u64 (c, p, j, "shares", &u->shares, &u->has_shares) < 0
                 || get_i64 (c, p, j, "quota", &u->quota, &u->has_quota) < 0
                 || get_u64 (c, p, j, "burst", &u->burst, &u->has_burst) < 0
                 || get_u64 (c, p, j, "period", &u->period, &u->has_period) < 0
                 || get_i64 (c, p, j, "realtimeRuntime", &u->realtime_runtime,
                             &u->has_realtime_runtime) < 0
                 || get_u64 (c, p, j, "realtimePeriod", &u->realtime_period,
                             &u->has_realtime_period) < 0
                 || get_str (c, p, j, "cpus", &u->cpus, OPTIONAL) < 0
                 || get_str (c, p, j, "mems", &u->mems, OPTIONAL) < 0
                 || get_i64 (c, p, j, "idle", &u->idle, &u->has_idle) < 0
             ? -1
             : 0;
}

/* blkio weights are 10..1000; 0 is what Docker writes for "not set" */
static int
get_weight (ctx *c, const jpath *p, const gr_json *j, const char *key,
            uint16_t *out, bool *has)
{
  if (get_u16 (c, p, j, key, out, has) < 0)
    return -1;
  if (*has && *out != 0 && (*out < 10 || *out > 1000))
    return fail (c, AT (p, key), "must be between 10 and 1000, got %u",
                 (unsigned) *out);
  return 0;
}

static int
elem_weight_device (ctx *c, const jpath *p, const gr_json *j, void *out)
{
  gr_blkio_device *d = out;
  return want_obj (c, p, j) < 0
                 || get_i64 (c, p, j, "major", &d->major, REQUIRED) < 0
                 || get_i64 (c, p, j, "minor", &d->minor, REQUIRED) < 0
                 || get_weight (c, p, j, "weight", &d->weight,
                                &d->has_weight) < 0
                 || get_weight (c, p, j, "leafWeight", &d->leaf_weight,
                                &d->has_leaf_weight) < 0
             ? -1
             : 0;
}

static int
elem_throttle_device (ctx *c, const jpath *p, const gr_json *j, void *out)
{
  gr_blkio_device *d = out;
  return want_obj (c, p, j) < 0
                 || get_i64 (c, p, j, "major", &d->major, REQUIRED) < 0
                 || get_i64 (c, p, j, "minor", &d->minor, REQUIRED) < 0
                 || get_u64 (c, p, j, "rate", &d->rate, REQUIRED) < 0
             ? -1
             : 0;
}

static int
parse_blkio (ctx *c, const jpath *p, const gr_json *j, gr_blkio *b)
{
  b->present = true;
  return want_obj (c, p, j) < 0
                 || get_weight (c, p, j, "weight", &b->weight,
                                &b->has_weight) < 0
                 || get_weight (c, p, j, "leafWeight", &b->leaf_weight,
                                &b->has_leaf_weight) < 0
                 || GET_ARRAY (c, p, j, "weightDevice", elem_weight_device,
                               b->weight_device, b->n_weight_device,
                               OPTIONAL) < 0
                 || GET_ARRAY (c, p, j, "throttleReadBpsDevice",
                               elem_throttle_device, b->throttle_read_bps,
                               b->n_throttle_read_bps, OPTIONAL) < 0
                 || GET_ARRAY (c, p, j, "throttleWriteBpsDevice",
                               elem_throttle_device, b->throttle_write_bps,
                               b->n_throttle_write_bps, OPTIONAL) < 0
                 || GET_ARRAY (c, p, j, "throttleReadIOPSDevice",
                               elem_throttle_device, b->throttle_read_iops,
                               b->n_throttle_read_iops, OPTIONAL) < 0
                 || GET_ARRAY (c, p, j, "throttleWriteIOPSDevice",
                               elem_throttle_device, b->throttle_write_iops,
                               b->n_throttle_write_iops, OPTIONAL) < 0
             ? -1
             : 0;
}

static int
elem_hugepage (ctx *c, const jpath *p, const gr_json *j, void *out)
{
  gr_hugepage *h = out;
  return want_obj (c, p, j) < 0
                 || get_str (c, p, j, "pageSize", &h->page_size, REQUIRED) < 0
                 || get_u64 (c, p, j, "limit", &h->limit, REQUIRED) < 0
             ? -1
             : 0;
}

static int
map_rdma (ctx *c, const jpath *p, const char *key, const gr_json *v, void *out)
{
  gr_rdma *r = out;
  r->device = gr_xstrdup (key);
  return want_obj (c, p, v) < 0
                 || get_u32 (c, p, v, "hcaHandles", &r->hca_handles,
                             &r->has_hca_handles) < 0
                 || get_u32 (c, p, v, "hcaObjects", &r->hca_objects,
                             &r->has_hca_objects) < 0
             ? -1
             : 0;
}

static int
elem_net_prio (ctx *c, const jpath *p, const gr_json *j, void *out)
{
  gr_net_prio *n = out;
  return want_obj (c, p, j) < 0
                 || get_str (c, p, j, "name", &n->name, REQUIRED) < 0
                 || get_u32 (c, p, j, "priority", &n->priority, REQUIRED) < 0
             ? -1
             : 0;
}

static int
parse_resources (ctx *c, const jpath *p, const gr_json *j, gr_resources *r)
{
  const gr_json *v = NULL;
  if (want_obj (c, p, j) < 0
      || GET_ARRAY (c, p, j, "devices", elem_device_rule, r->devices,
                    r->n_devices, &r->has_devices) < 0
      || GET_OBJ (c, p, j, "memory", parse_memory, r->memory) < 0
      || GET_OBJ (c, p, j, "cpu", parse_cpu, r->cpu) < 0)
    return -1;
  if ((v = sub (j, "pids")))
    {
      const jpath *pp = AT (p, "pids");
      if (want_obj (c, pp, v) < 0
          || get_i64 (c, pp, v, "limit", &r->pids_limit, REQUIRED) < 0)
        return -1;
      r->has_pids = true;
    }
  if (GET_OBJ (c, p, j, "blockIO", parse_blkio, r->blkio) < 0
      || GET_ARRAY (c, p, j, "hugepageLimits", elem_hugepage, r->hugepages,
                    r->n_hugepages, OPTIONAL) < 0
      || GET_MAP (c, p, j, "rdma", map_rdma, r->rdma, r->n_rdma) < 0)
    return -1;
  if ((v = sub (j, "network")))
    {
      const jpath *np = AT (p, "network");
      if (want_obj (c, np, v) < 0
          || get_u32 (c, np, v, "classID", &r->net_class_id,
                      &r->has_net_class_id) < 0
          || GET_ARRAY (c, np, v, "priorities", elem_net_prio,
                        r->net_priorities, r->n_net_priorities, OPTIONAL) < 0)
        return -1;
    }
  return GET_MAP (c, p, j, "unified", map_str, r->unified, r->n_unified);
}

/* ---- linux.seccomp ---- */

static int
elem_seccomp_arg (ctx *c, const jpath *p, const gr_json *j, void *out)
{
  gr_seccomp_arg *a = out;
  return want_obj (c, p, j) < 0
                 || get_u32 (c, p, j, "index", &a->index, REQUIRED) < 0
                 || get_u64 (c, p, j, "value", &a->value, REQUIRED) < 0
                 || get_u64 (c, p, j, "valueTwo", &a->value_two, OPTIONAL) < 0
                 || get_enum (c, p, j, "op", &a->op, REQUIRED, seccomp_ops,
                              NULL) < 0
             ? -1
             : 0;
}

static int
elem_syscall (ctx *c, const jpath *p, const gr_json *j, void *out)
{
  gr_seccomp_syscall *s = out;
  if (want_obj (c, p, j) < 0
      || GET_ARRAY (c, p, j, "names", elem_str, s->names, s->n_names,
                    REQUIRED) < 0)
    return -1;
  if (s->n_names == 0)
    return fail (c, AT (p, "names"), "must not be empty");
  return get_enum (c, p, j, "action", &s->action, REQUIRED, seccomp_actions,
                   NULL) < 0
                 || get_u32 (c, p, j, "errnoRet", &s->errno_ret,
                             &s->has_errno_ret) < 0
                 || GET_ARRAY (c, p, j, "args", elem_seccomp_arg, s->args,
                               s->n_args, OPTIONAL) < 0
             ? -1
             : 0;
}

static int
parse_seccomp (ctx *c, const jpath *p, const gr_json *j, gr_seccomp *s)
{
  return want_obj (c, p, j) < 0
                 || get_enum (c, p, j, "defaultAction", &s->default_action,
                              REQUIRED, seccomp_actions, NULL) < 0
                 || get_u32 (c, p, j, "defaultErrnoRet", &s->default_errno_ret,
                             &s->has_default_errno_ret) < 0
                 || GET_ARRAY (c, p, j, "architectures", elem_str,
                               s->architectures, s->n_architectures,
                               OPTIONAL) < 0
                 || GET_ARRAY (c, p, j, "flags", elem_seccomp_flag, s->flags,
                               s->n_flags, OPTIONAL) < 0
                 || get_abs (c, p, j, "listenerPath", &s->listener_path,
                             OPTIONAL) < 0
                 || get_str (c, p, j, "listenerMetadata",
                             &s->listener_metadata, OPTIONAL) < 0
                 || GET_ARRAY (c, p, j, "syscalls", elem_syscall, s->syscalls,
                               s->n_syscalls, OPTIONAL) < 0
             ? -1
             : 0;
}

/* ---- linux ---- */

static int
elem_namespace (ctx *c, const jpath *p, const gr_json *j, void *out)
{
  gr_namespace *n = out;
  return want_obj (c, p, j) < 0
                 || get_enum (c, p, j, "type", &n->type, REQUIRED, ns_types,
                              NULL) < 0
                 || get_abs (c, p, j, "path", &n->path, OPTIONAL) < 0
             ? -1
             : 0;
}

static int
elem_device (ctx *c, const jpath *p, const gr_json *j, void *out)
{
  gr_device *d = out;
  if (want_obj (c, p, j) < 0
      || get_enum (c, p, j, "type", &d->type, REQUIRED, device_types, NULL) < 0
      || get_abs (c, p, j, "path", &d->path, REQUIRED) < 0)
    return -1;
  /* a fifo has no device number; everything else is meaningless without */
  bool *num = strcmp (d->type, "p") == 0 ? OPTIONAL : REQUIRED;
  if (get_i64 (c, p, j, "major", &d->major, num) < 0
      || get_i64 (c, p, j, "minor", &d->minor, num) < 0
      || get_u32 (c, p, j, "fileMode", &d->file_mode, &d->has_file_mode) < 0
      || get_u32 (c, p, j, "uid", &d->uid, &d->has_uid) < 0
      || get_u32 (c, p, j, "gid", &d->gid, &d->has_gid) < 0)
    return -1;
  if (d->has_file_mode && d->file_mode > 07777)
    return fail (c, AT (p, "fileMode"),
                 "must be permission bits (at most 07777 = 4095), got %" PRIu32,
                 d->file_mode);
  return 0;
}

static int
map_time_offset (ctx *c, const jpath *p, const char *key, const gr_json *v,
                 void *out)
{
  gr_time_offset *t = out;
  t->type = gr_xstrdup (key);
  if (check_enum (c, p, key, time_clocks, NULL) < 0 || want_obj (c, p, v) < 0
      || get_i64 (c, p, v, "secs", &t->secs, OPTIONAL) < 0
      || get_u32 (c, p, v, "nanosecs", &t->nanosecs, OPTIONAL) < 0)
    return -1;
  if (t->nanosecs >= 1000000000u)
    return fail (c, AT (p, "nanosecs"),
                 "must be less than 1000000000, got %" PRIu32, t->nanosecs);
  return 0;
}

static int
parse_personality (ctx *c, const jpath *p, const gr_json *j,
                   gr_personality *pe)
{
  return want_obj (c, p, j) < 0
                 || get_enum (c, p, j, "domain", &pe->domain, REQUIRED,
                              personality_domains, NULL) < 0
                 || GET_ARRAY (c, p, j, "flags", elem_str, pe->flags,
                               pe->n_flags, OPTIONAL) < 0
             ? -1
             : 0;
}

static int
parse_intel_rdt (ctx *c, const jpath *p, const gr_json *j, gr_intel_rdt *r)
{
  return want_obj (c, p, j) < 0
                 || get_str (c, p, j, "closID", &r->clos_id, OPTIONAL) < 0
                 || get_str (c, p, j, "l3CacheSchema", &r->l3_cache_schema,
                             OPTIONAL) < 0
                 || get_str (c, p, j, "memBwSchema", &r->mem_bw_schema,
                             OPTIONAL) < 0
                 || get_bool (c, p, j, "enableCMT", &r->enable_cmt,
                              OPTIONAL) < 0
                 || get_bool (c, p, j, "enableMBM", &r->enable_mbm,
                              OPTIONAL) < 0
             ? -1
             : 0;
}

static int
parse_linux (ctx *c, const jpath *p, const gr_json *j, gr_linux *l)
{
  if (want_obj (c, p, j) < 0
      || GET_ARRAY (c, p, j, "namespaces", elem_namespace, l->namespaces,
                    l->n_namespaces, OPTIONAL) < 0)
    return -1;
  /* only 8 types exist, so this stops within 9 entries */
  for (size_t i = 1; i < l->n_namespaces; i++)
    for (size_t k = 0; k < i; k++)
      if (strcmp (l->namespaces[i].type, l->namespaces[k].type) == 0)
        return dup_str (c, AT (IDX (AT (p, "namespaces"), i), "type"),
                        "namespace", l->namespaces[i].type);
  return GET_ARRAY (c, p, j, "uidMappings", elem_idmap, l->uid_mappings,
                    l->n_uid_mappings, OPTIONAL) < 0
                 || GET_ARRAY (c, p, j, "gidMappings", elem_idmap,
                               l->gid_mappings, l->n_gid_mappings,
                               OPTIONAL) < 0
                 || GET_MAP (c, p, j, "timeOffsets", map_time_offset,
                             l->time_offsets, l->n_time_offsets) < 0
                 || GET_ARRAY (c, p, j, "devices", elem_device, l->devices,
                               l->n_devices, OPTIONAL) < 0
                 || get_str (c, p, j, "cgroupsPath", &l->cgroups_path,
                             OPTIONAL) < 0
                 || GET_OBJ (c, p, j, "resources", parse_resources,
                             l->resources) < 0
                 || get_enum (c, p, j, "rootfsPropagation",
                              &l->rootfs_propagation, OPTIONAL, propagations,
                              NULL) < 0
                 || GET_OBJ (c, p, j, "seccomp", parse_seccomp, l->seccomp) < 0
                 || GET_MAP (c, p, j, "sysctl", map_str, l->sysctl,
                             l->n_sysctl) < 0
                 || GET_ARRAY (c, p, j, "maskedPaths", elem_abs,
                               l->masked_paths, l->n_masked_paths,
                               &l->has_masked_paths) < 0
                 || GET_ARRAY (c, p, j, "readonlyPaths", elem_abs,
                               l->readonly_paths, l->n_readonly_paths,
                               &l->has_readonly_paths) < 0
                 || get_str (c, p, j, "mountLabel", &l->mount_label,
                             OPTIONAL) < 0
                 || GET_OBJ (c, p, j, "personality", parse_personality,
                             l->personality) < 0
                 || GET_OBJ (c, p, j, "intelRdt", parse_intel_rdt,
                             l->intel_rdt) < 0
             ? -1
             : 0;
}

/* ---- the document ---- */

static int
parse_spec (ctx *c, const gr_json *j, gr_spec *s)
{
  const gr_json *v = NULL;
  const jpath *rp = AT (NULL, "root");
  if (want_obj (c, NULL, j) < 0
      || get_str (c, NULL, j, "ociVersion", &s->oci_version, REQUIRED) < 0
      || member (c, NULL, j, "root", true, &v) < 0 || want_obj (c, rp, v) < 0
      || get_str (c, rp, v, "path", &s->root_path, REQUIRED) < 0)
    return -1;
  if (s->root_path[0] == '\0')
    return fail (c, AT (rp, "path"), "must not be empty");
  if (get_bool (c, rp, v, "readonly", &s->root_readonly, OPTIONAL) < 0
      || GET_ARRAY (c, NULL, j, "mounts", elem_mount, s->mounts, s->n_mounts,
                    OPTIONAL) < 0
      || GET_OBJ (c, NULL, j, "process", parse_process_obj, s->process) < 0
      || get_str (c, NULL, j, "hostname", &s->hostname, OPTIONAL) < 0
      || get_str (c, NULL, j, "domainname", &s->domainname, OPTIONAL) < 0)
    return -1;
  if ((v = sub (j, "hooks")))
    {
      const jpath *hp = AT (NULL, "hooks");
      if (want_obj (c, hp, v) < 0)
        return -1;
      for (int k = 0; k < GR_HOOK_KINDS; k++)
        if (GET_ARRAY (c, hp, v, gr_hook_kind_names[k], elem_hook, s->hooks[k],
                       s->n_hooks[k], OPTIONAL) < 0)
          return -1;
    }
  return GET_MAP (c, NULL, j, "annotations", map_str, s->annotations,
                  s->n_annotations) < 0
                 || GET_OBJ (c, NULL, j, "linux", parse_linux, s->lnx) < 0
             ? -1
             : 0;
}

int
gr_spec_from_json (const char *what, const gr_json *root, gr_spec **out,
                   gr_error **err)
{
  ctx c = { what, err };
  gr_spec *s = gr_xcalloc (1, sizeof *s);
  *out = NULL;
  if (parse_spec (&c, root, s) < 0)
    {
      gr_spec_free (s);
      return -1;
    }
  *out = s;
  return 0;
}

int
gr_spec_parse (const char *what, const char *buf, size_t len, gr_spec **out,
               gr_error **err)
{
  cleanup_json gr_json *j = NULL;
  *out = NULL;
  if (gr_json_parse (what, buf, len, &j, err) < 0)
    return -1;
  return gr_spec_from_json (what, j, out, err);
}

int
gr_spec_load (int bundle_dirfd, gr_spec **out, gr_error **err)
{
  cleanup_json gr_json *j = NULL;
  *out = NULL;
  if (gr_json_parse_file_at (bundle_dirfd, "config.json", "config.json", &j,
                             err) < 0)
    {
      if (gr_error_errno (*err) != ENOENT)
        return -1;
      /* "open `config.json`: No such file" does not say where to look */
      gr_error_freep (err);
      return gr_error_set (err, 0, "config.json: no such file in bundle");
    }
  return gr_spec_from_json ("config.json", j, out, err);
}

int
gr_process_from_json (const char *what, const gr_json *j, gr_process **out,
                      gr_error **err)
{
  ctx c = { what, err };
  gr_process *p = gr_xcalloc (1, sizeof *p);
  *out = NULL;
  if (parse_process_obj (&c, NULL, j, p) < 0)
    {
      gr_process_free (p);
      return -1;
    }
  *out = p;
  return 0;
}

int
gr_seccomp_from_json (const char *what, const gr_json *j, gr_seccomp **out,
                      gr_error **err)
{
  ctx c = { what, err };
  gr_seccomp *s = gr_xcalloc (1, sizeof *s);
  *out = NULL;
  if (parse_seccomp (&c, NULL, j, s) < 0)
    {
      gr_seccomp_free (s);
      return -1;
    }
  *out = s;
  return 0;
}

int
gr_resources_from_json (const char *what, const gr_json *j,
                        gr_resources **out, gr_error **err)
{
  ctx c = { what, err };
  gr_resources *r = gr_xcalloc (1, sizeof *r);
  *out = NULL;
  if (parse_resources (&c, NULL, j, r) < 0)
    {
      gr_resources_free (r);
      return -1;
    }
  *out = r;
  return 0;
}

int
gr_spec_validate_for_create (const gr_spec *s, gr_error **err)
{
  ctx c = { "config.json", err };
  const jpath *pp = AT (NULL, "process");
  if (s->process == NULL)
    return fail (&c, pp, "required to create a container");
  if (s->process->n_args == 0)
    return fail (&c, AT (pp, "args"), "must not be empty");
  if (s->process->cwd == NULL)
    return fail (&c, AT (pp, "cwd"), "required field is missing");
  return check_abs (&c, AT (pp, "cwd"), s->process->cwd);
}

/* ---- lookups ---- */

const gr_namespace *
gr_spec_namespace (const gr_spec *s, const char *type)
{
  if (s == NULL || s->lnx == NULL)
    return NULL;
  for (size_t i = 0; i < s->lnx->n_namespaces; i++)
    if (strcmp (s->lnx->namespaces[i].type, type) == 0)
      return &s->lnx->namespaces[i];
  return NULL;
}

const char *
gr_spec_annotation (const gr_spec *s, const char *key)
{
  if (s == NULL)
    return NULL;
  for (size_t i = 0; i < s->n_annotations; i++)
    if (strcmp (s->annotations[i].key, key) == 0)
      return s->annotations[i].value;
  return NULL;
}

/* ---- freeing (by count: a failed parse leaves later slots NULL) ---- */

static void
strv_free (char **v, size_t n)
{
  if (v == NULL)
    return;
  for (size_t i = 0; i < n; i++)
    free (v[i]);
  free (v);
}

static void
kv_free (gr_kv *kv, size_t n)
{
  for (size_t i = 0; kv && i < n; i++)
    {
      free (kv[i].key);
      free (kv[i].value);
    }
  free (kv);
}

void
gr_process_free (gr_process *p)
{
  if (p == NULL)
    return;
  free (p->additional_gids);
  free (p->username);
  strv_free (p->args, p->n_args);
  free (p->command_line);
  strv_free (p->env, p->n_env);
  free (p->cwd);
  strv_free (p->caps.bounding, p->caps.n_bounding);
  strv_free (p->caps.effective, p->caps.n_effective);
  strv_free (p->caps.inheritable, p->caps.n_inheritable);
  strv_free (p->caps.permitted, p->caps.n_permitted);
  strv_free (p->caps.ambient, p->caps.n_ambient);
  for (size_t i = 0; p->rlimits && i < p->n_rlimits; i++)
    free (p->rlimits[i].type);
  free (p->rlimits);
  free (p->apparmor_profile);
  free (p->selinux_label);
  free (p->io_priority_class);
  if (p->scheduler)
    {
      free (p->scheduler->policy);
      strv_free (p->scheduler->flags, p->scheduler->n_flags);
      free (p->scheduler);
    }
  free (p->exec_cpu_affinity_initial);
  free (p->exec_cpu_affinity_final);
  free (p);
}

void
gr_resources_free (gr_resources *r)
{
  if (r == NULL)
    return;
  for (size_t i = 0; r->devices && i < r->n_devices; i++)
    {
      free (r->devices[i].type);
      free (r->devices[i].access);
    }
  free (r->devices);
  free (r->memory);
  if (r->cpu)
    {
      free (r->cpu->cpus);
      free (r->cpu->mems);
      free (r->cpu);
    }
  if (r->blkio)
    {
      free (r->blkio->weight_device);
      free (r->blkio->throttle_read_bps);
      free (r->blkio->throttle_write_bps);
      free (r->blkio->throttle_read_iops);
      free (r->blkio->throttle_write_iops);
      free (r->blkio);
    }
  for (size_t i = 0; r->hugepages && i < r->n_hugepages; i++)
    free (r->hugepages[i].page_size);
  free (r->hugepages);
  for (size_t i = 0; r->rdma && i < r->n_rdma; i++)
    free (r->rdma[i].device);
  free (r->rdma);
  for (size_t i = 0; r->net_priorities && i < r->n_net_priorities; i++)
    free (r->net_priorities[i].name);
  free (r->net_priorities);
  kv_free (r->unified, r->n_unified);
  free (r);
}

void
gr_seccomp_free (gr_seccomp *s)
{
  if (s == NULL)
    return;
  free (s->default_action);
  strv_free (s->architectures, s->n_architectures);
  strv_free (s->flags, s->n_flags);
  free (s->listener_path);
  free (s->listener_metadata);
  for (size_t i = 0; s->syscalls && i < s->n_syscalls; i++)
    {
      gr_seccomp_syscall *sc = &s->syscalls[i];
      strv_free (sc->names, sc->n_names);
      free (sc->action);
      for (size_t k = 0; sc->args && k < sc->n_args; k++)
        free (sc->args[k].op);
      free (sc->args);
    }
  free (s->syscalls);
  free (s);
}

static void
linux_free (gr_linux *l)
{
  if (l == NULL)
    return;
  for (size_t i = 0; l->namespaces && i < l->n_namespaces; i++)
    {
      free (l->namespaces[i].type);
      free (l->namespaces[i].path);
    }
  free (l->namespaces);
  free (l->uid_mappings);
  free (l->gid_mappings);
  for (size_t i = 0; l->time_offsets && i < l->n_time_offsets; i++)
    free (l->time_offsets[i].type);
  free (l->time_offsets);
  for (size_t i = 0; l->devices && i < l->n_devices; i++)
    {
      free (l->devices[i].type);
      free (l->devices[i].path);
    }
  free (l->devices);
  free (l->cgroups_path);
  gr_resources_free (l->resources);
  free (l->rootfs_propagation);
  gr_seccomp_free (l->seccomp);
  kv_free (l->sysctl, l->n_sysctl);
  strv_free (l->masked_paths, l->n_masked_paths);
  strv_free (l->readonly_paths, l->n_readonly_paths);
  free (l->mount_label);
  if (l->personality)
    {
      free (l->personality->domain);
      strv_free (l->personality->flags, l->personality->n_flags);
      free (l->personality);
    }
  if (l->intel_rdt)
    {
      free (l->intel_rdt->clos_id);
      free (l->intel_rdt->l3_cache_schema);
      free (l->intel_rdt->mem_bw_schema);
      free (l->intel_rdt);
    }
  free (l);
}

void
gr_spec_free (gr_spec *s)
{
  if (s == NULL)
    return;
  free (s->oci_version);
  free (s->root_path);
  for (size_t i = 0; s->mounts && i < s->n_mounts; i++)
    {
      gr_mount *m = &s->mounts[i];
      free (m->destination);
      free (m->type);
      free (m->source);
      strv_free (m->options, m->n_options);
      free (m->uid_mappings);
      free (m->gid_mappings);
    }
  free (s->mounts);
  gr_process_free (s->process);
  free (s->hostname);
  free (s->domainname);
  for (int k = 0; k < GR_HOOK_KINDS; k++)
    {
      for (size_t i = 0; s->hooks[k] && i < s->n_hooks[k]; i++)
        {
          free (s->hooks[k][i].path);
          strv_free (s->hooks[k][i].args, s->hooks[k][i].n_args);
          strv_free (s->hooks[k][i].env, s->hooks[k][i].n_env);
        }
      free (s->hooks[k]);
    }
  kv_free (s->annotations, s->n_annotations);
  linux_free (s->lnx);
  free (s);
}
