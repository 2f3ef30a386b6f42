/* SPDX-License-Identifier: Apache-2.0 */
/* Strict reading and writing of policy files, driven by gr_policy_schema. */
#include <ctype.h>
#include <inttypes.h>
#include <stdarg.h>
#include <string.h>
#include <sys/capability.h>
#include <guardrun/util.h>
#include "policy_schema.h"

typedef struct {
  const char *what;          /* file name for messages */
  gr_error **err;
} rctx;

static int __attribute__ ((format (printf, 3, 4)))
bad (rctx *c, const char *path, const char *fmt, ...)
{
  va_list ap;
  cleanup_free char *msg = NULL;
  va_start (ap, fmt);
  if (vasprintf (&msg, fmt, ap) < 0)
    abort ();
  va_end (ap);
  return gr_error_set (c->err, 0, "%s: %s: %s", c->what, path, msg);
}

static int
want (rctx *c, const char *path, const gr_json *j, gr_json_type t,
      const char *desc)
{
  if (j->type == t)
    return 0;
  cleanup_free char *msg = gr_fmt ("expected %s, got %s", desc,
                                   gr_json_type_name (j->type));
  return gr_error_set (c->err, 0, "%s: %s: %s", c->what, path, msg);
}

static int
enum_index (const char *const *enums, const char *s)
{
  for (int i = 0; enums && enums[i]; i++)
    if (strcmp (enums[i], s) == 0)
      return i;
  return -1;
}

static char *
enum_choices (const char *const *enums)
{
  char *r = NULL;
  for (int i = 0; enums[i]; i++)
    {
      char *old = r;
      r = old ? gr_fmt ("%s, %s", old, enums[i]) : gr_fmt ("%s", enums[i]);
      free (old);
    }
  return r;
}

static int
bad_enum (rctx *c, const char *path, const char *s, const char *const *enums)
{
  cleanup_free char *choices = enum_choices (enums);
  return gr_error_set (c->err, 0, "%s: %s: \"%s\" is not one of: %s",
                       c->what, path, s, choices);
}

/* ---------------------------------------------------------- elements -- */

static bool
dev_entry_ok (const char *s)
{
  /* "c 1:3 /dev/null": type, major:minor, absolute path */
  char type, path[256];
  unsigned long maj, min;
  int n = 0;
  if (sscanf (s, "%c %lu:%lu %255s%n", &type, &maj, &min, path, &n) != 4
      || s[n] != '\0')
    return false;
  return strchr ("cbup", type) && path[0] == '/';
}

static bool
cap_ok (const char *s)
{
  cap_value_t v;
  if (strncmp (s, "CAP_", 4) != 0)
    return false;
  for (const char *p = s + 4; *p; p++)
    if (!isupper ((unsigned char) *p) && !isdigit ((unsigned char) *p)
        && *p != '_')
      return false;
  return cap_from_name (s, &v) == 0;
}

static int
check_elem (rctx *c, const char *path, const gr_pfield *f, const char *s)
{
  switch (f->type)
    {
    case PF_STRLIST:
      if (f->enums && enum_index (f->enums, s) < 0)
        return bad_enum (c, path, s, f->enums);
      return *s ? 0 : bad (c, path, "must not be empty");
    case PF_PATHLIST:
      return s[0] == '/' ? 0 : bad (c, path, "\"%s\" is not an absolute path",
                                    s);
    case PF_CAPLIST:
      return cap_ok (s) ? 0 : bad (c, path, "unknown capability \"%s\"", s);
    case PF_DEVLIST:
      return dev_entry_ok (s)
                 ? 0
                 : bad (c, path, "\"%s\" is not \"TYPE MAJOR:MINOR /dev/PATH\"",
                        s);
    default:
      return 0;
    }
}

static int
read_list (rctx *c, const char *path, const gr_pfield *f, const gr_json *j,
           gr_strlist *out)
{
  if (want (c, path, j, GR_JSON_ARRAY, "an array of strings") < 0)
    return -1;
  gr_strlist l = { 0 };
  for (size_t i = 0; i < j->n; i++)
    {
      cleanup_free char *ep = gr_fmt ("%s[%zu]", path, i);
      if (want (c, ep, j->v[i], GR_JSON_STRING, "a string") < 0
          || check_elem (c, ep, f, j->v[i]->s) < 0)
        {
          gr_strlist_clear (&l);
          return -1;
        }
      gr_strlist_add (&l, j->v[i]->s);
    }
  gr_strlist_clear (out);
  *out = l;
  return 0;
}

static int
read_int (rctx *c, const char *path, const gr_pfield *f, const gr_json *j,
          void *dst)
{
  int64_t v;
  if (want (c, path, j, GR_JSON_NUMBER, "an integer") < 0)
    return -1;
  if (gr_parse_i64 (j->s, &v) < 0)
    return bad (c, path, "\"%s\" is not an integer", j->s);
  if (f->type == PF_U32 && (v < 0 || v > UINT32_MAX))
    return bad (c, path, "%s is out of range (0 to 4294967295)", j->s);
  if (f->type == PF_I32 && (v < INT32_MIN || v > INT32_MAX))
    return bad (c, path, "%s is out of range for a 32-bit integer", j->s);
  if (f->type == PF_U32)
    *(uint32_t *) dst = (uint32_t) v;
  else
    *(int32_t *) dst = (int32_t) v;
  return 0;
}

static int read_obj (rctx *c, const char *path, const gr_pfield *tbl,
                     const gr_json *j, gr_policy *p, const char **extends);

static int
read_field (rctx *c, const char *path, const gr_pfield *f, const gr_json *j,
            gr_policy *p, const char **extends)
{
  void *dst = (char *) p + f->off;
  switch (f->type)
    {
    case PF_BOOL:
      if (want (c, path, j, GR_JSON_BOOL, "true or false") < 0)
        return -1;
      *(bool *) dst = j->b;
      return 0;
    case PF_STRNULL:
      if (j->type == GR_JSON_NULL)
        {
          free (*(char **) dst);
          *(char **) dst = NULL;
          return 0;
        }
      if (want (c, path, j, GR_JSON_STRING, "a string or null") < 0)
        return -1;
      if (f->enums && enum_index (f->enums, j->s) < 0)
        return bad_enum (c, path, j->s, f->enums);
      free (*(char **) dst);
      *(char **) dst = gr_xstrdup (j->s);
      return 0;
    case PF_ENUM:
      if (want (c, path, j, GR_JSON_STRING, "a string") < 0)
        return -1;
      if (enum_index (f->enums, j->s) < 0)
        return bad_enum (c, path, j->s, f->enums);
      *(int *) dst = enum_index (f->enums, j->s);
      return 0;
    case PF_I32:
    case PF_U32:
      return read_int (c, path, f, j, dst);
    case PF_OBJ:
      return read_obj (c, path, f->sub, j, p, extends);
    case PF_EXTENDS:
      if (want (c, path, j, GR_JSON_STRING, "a preset name") < 0)
        return -1;
      *extends = j->s;
      return 0;
    default:
      return read_list (c, path, f, j, dst);
    }
}

static const gr_pfield *
find_field (const gr_pfield *tbl, const char *key)
{
  for (const gr_pfield *f = tbl; f->key; f++)
    if (strcmp (f->key, key) == 0)
      return f;
  return NULL;
}

static int
read_obj (rctx *c, const char *path, const gr_pfield *tbl, const gr_json *j,
          gr_policy *p, const char **extends)
{
  if (want (c, *path ? path : "(top level)", j, GR_JSON_OBJECT, "an object")
      < 0)
    return -1;
  for (size_t i = 0; i < j->n; i++)
    {
      cleanup_free char *kp = *path ? gr_fmt ("%s.%s", path, j->keys[i])
                                    : gr_xstrdup (j->keys[i]);
      const gr_pfield *f = find_field (tbl, j->keys[i]);
      if (f == NULL)
        return bad (c, kp, "unknown key");
      /* "last one wins" would let a later duplicate quietly override */
      for (size_t k = 0; k < i; k++)
        if (strcmp (j->keys[k], j->keys[i]) == 0)
          return bad (c, kp, "duplicate key");
      if (read_field (c, kp, f, j->v[i], p, extends) < 0)
        return -1;
    }
  return 0;
}

int
gr_policy_from_json (gr_policy *p, const gr_json *j, const char *what,
                     const char **extends, gr_error **err)
{
  rctx c = { what, err };
  *extends = NULL;
  return read_obj (&c, "", gr_policy_schema, j, p, extends);
}

/* ------------------------------------------------------------ writing -- */

static void
write_obj (const gr_policy *p, gr_jw *w, const gr_pfield *tbl)
{
  gr_jw_obj_open (w);
  for (const gr_pfield *f = tbl; f->key; f++)
    {
      const void *src = (const char *) p + f->off;
      if (f->type == PF_EXTENDS)
        continue;
      gr_jw_key (w, f->key);
      switch (f->type)
        {
        case PF_BOOL: gr_jw_bool (w, *(const bool *) src); break;
        case PF_STRNULL: gr_jw_str (w, *(char *const *) src); break;
        case PF_ENUM: gr_jw_str (w, f->enums[*(const int *) src]); break;
        case PF_I32: gr_jw_int (w, *(const int32_t *) src); break;
        case PF_U32: gr_jw_uint (w, *(const uint32_t *) src); break;
        case PF_OBJ: write_obj (p, w, f->sub); break;
        default:
          {
            const gr_strlist *l = src;
            gr_jw_arr_open (w);
            for (size_t i = 0; i < l->n; i++)
              gr_jw_str (w, l->v[i]);
            gr_jw_arr_close (w);
          }
        }
    }
  gr_jw_obj_close (w);
}

void
gr_policy_write (const gr_policy *p, gr_jw *w)
{
  write_obj (p, w, gr_policy_schema);
}
