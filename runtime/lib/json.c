/* SPDX-License-Identifier: Apache-2.0 */
/* The only file that includes yajl: swap the JSON library here alone. */
#include <fcntl.h>
#include <string.h>
#include <yajl/yajl_gen.h>
#include <yajl/yajl_parse.h>
#include <guardrun/json.h>
#include <guardrun/util.h>

struct builder {
  gr_json *stack[GR_JSON_MAX_DEPTH + 1];
  int depth;
  gr_json *root;
  char *pending_key;
  bool too_deep;
};

static gr_json *
node_new (gr_json_type t)
{
  gr_json *j = gr_xcalloc (1, sizeof *j);
  j->type = t;
  return j;
}

void
gr_json_free (gr_json *j)
{
  if (j == NULL)
    return;
  for (size_t i = 0; i < j->n; i++)
    {
      if (j->keys)
        free (j->keys[i]);
      gr_json_free (j->v[i]);
    }
  free (j->keys);
  free (j->v);
  free (j->s);
  free (j);
}

static int
attach (struct builder *b, gr_json *j)
{
  if (b->depth == 0)
    {
      if (b->root)
        gr_json_free (b->root);
      b->root = j;
      return 1;
    }
  gr_json *parent = b->stack[b->depth - 1];
  parent->v = gr_xrealloc (parent->v, (parent->n + 1) * sizeof (gr_json *));
  if (parent->type == GR_JSON_OBJECT)
    {
      parent->keys = gr_xrealloc (parent->keys,
                                  (parent->n + 1) * sizeof (char *));
      parent->keys[parent->n] = b->pending_key ? b->pending_key
                                               : gr_xstrdup ("");
      b->pending_key = NULL;
    }
  parent->v[parent->n++] = j;
  return 1;
}

static int
cb_null (void *ctx)
{
  return attach (ctx, node_new (GR_JSON_NULL));
}

static int
cb_bool (void *ctx, int v)
{
  gr_json *j = node_new (GR_JSON_BOOL);
  j->b = v;
  return attach (ctx, j);
}

static int
cb_number (void *ctx, const char *s, size_t len)
{
  gr_json *j = node_new (GR_JSON_NUMBER);
  j->s = gr_xstrndup (s, len);
  return attach (ctx, j);
}

static int
cb_string (void *ctx, const unsigned char *s, size_t len)
{
  gr_json *j = node_new (GR_JSON_STRING);
  if (memchr (s, '\0', len))
    {
      /* an embedded NUL would silently truncate paths and names */
      gr_json_free (j);
      return 0;
    }
  j->s = gr_xstrndup ((const char *) s, len);
  return attach (ctx, j);
}

static int
open_container (struct builder *b, gr_json_type t)
{
  if (b->depth >= GR_JSON_MAX_DEPTH)
    {
      b->too_deep = true;
      return 0;
    }
  gr_json *j = node_new (t);
  attach (b, j);
  b->stack[b->depth++] = j;
  return 1;
}

static int
cb_start_map (void *ctx)
{
  return open_container (ctx, GR_JSON_OBJECT);
}

static int
cb_map_key (void *ctx, const unsigned char *k, size_t len)
{
  struct builder *b = ctx;
  if (memchr (k, '\0', len))
    return 0;
  free (b->pending_key);
  b->pending_key = gr_xstrndup ((const char *) k, len);
  return 1;
}

static int
cb_end (void *ctx)
{
  struct builder *b = ctx;
  b->depth--;
  return 1;
}

static int
cb_start_array (void *ctx)
{
  return open_container (ctx, GR_JSON_ARRAY);
}

static const yajl_callbacks callbacks = {
  .yajl_null = cb_null,
  .yajl_boolean = cb_bool,
  .yajl_number = cb_number,
  .yajl_string = cb_string,
  .yajl_start_map = cb_start_map,
  .yajl_map_key = cb_map_key,
  .yajl_end_map = cb_end,
  .yajl_start_array = cb_start_array,
  .yajl_end_array = cb_end,
};

int
gr_json_parse (const char *what, const char *buf, size_t len, gr_json **out,
               gr_error **err)
{
  struct builder b = { 0 };
  yajl_handle h;
  yajl_status st;

  *out = NULL;
  if (len > GR_JSON_MAX_SIZE)
    return gr_error_set (err, 0, "%s: file too large (%zu bytes, limit %u)",
                         what, len, GR_JSON_MAX_SIZE);
  if (len == 0)
    return gr_error_set (err, 0, "%s: empty file", what);

  h = yajl_alloc (&callbacks, NULL, &b);
  if (h == NULL)
    return gr_error_set (err, ENOMEM, "%s: cannot allocate parser", what);
  st = yajl_parse (h, (const unsigned char *) buf, len);
  if (st == yajl_status_ok)
    st = yajl_complete_parse (h);
  if (st != yajl_status_ok)
    {
      int ret;
      if (b.too_deep)
        ret = gr_error_set (err, 0, "%s: nesting deeper than %d levels",
                            what, GR_JSON_MAX_DEPTH);
      else
        {
          unsigned char *msg = yajl_get_error (h, 0, NULL, 0);
          size_t off = yajl_get_bytes_consumed (h);
          ret = gr_error_set (err, 0, "%s: invalid JSON at byte %zu: %s",
                              what, off, msg ? (char *) msg : "parse error");
          if (msg)
            yajl_free_error (h, msg);
        }
      yajl_free (h);
      /* unwind a partial tree: the root owns everything attached */
      gr_json_free (b.root);
      free (b.pending_key);
      return ret;
    }
  yajl_free (h);
  free (b.pending_key);
  *out = b.root;
  return 0;
}

int
gr_json_parse_file_at (int dirfd, const char *name, const char *what,
                       gr_json **out, gr_error **err)
{
  cleanup_free char *buf = NULL;
  size_t len = 0;
  if (gr_read_file_at (dirfd, name, GR_JSON_MAX_SIZE, &buf, &len, err) < 0)
    {
      if (gr_error_errno (*err) == EFBIG)
        {
          gr_error_free (*err);
          *err = NULL;
          return gr_error_set (err, 0, "%s: file too large (limit %u bytes)",
                               what, GR_JSON_MAX_SIZE);
        }
      return -1;
    }
  return gr_json_parse (what, buf, len, out, err);
}

int
gr_json_parse_file (const char *path, const char *what, gr_json **out,
                    gr_error **err)
{
  return gr_json_parse_file_at (AT_FDCWD, path, what, out, err);
}

gr_json *
gr_json_get (const gr_json *j, const char *key)
{
  if (j == NULL || j->type != GR_JSON_OBJECT)
    return NULL;
  /* last one wins, as in Go's encoding/json that runc uses */
  for (size_t i = j->n; i-- > 0;)
    if (strcmp (j->keys[i], key) == 0)
      return j->v[i];
  return NULL;
}

const char *
gr_json_type_name (gr_json_type t)
{
  static const char *const names[] = { "null", "boolean", "number",
                                       "string", "object", "array" };
  return names[t];
}

/* ---- writer ---- */

struct gr_jw {
  yajl_gen g;
};

gr_jw *
gr_jw_new (bool pretty)
{
  gr_jw *w = gr_xcalloc (1, sizeof *w);
  w->g = yajl_gen_alloc (NULL);
  if (w->g == NULL)
    abort ();
  yajl_gen_config (w->g, yajl_gen_beautify, pretty ? 1 : 0);
  yajl_gen_config (w->g, yajl_gen_validate_utf8, 1);
  if (pretty)
    yajl_gen_config (w->g, yajl_gen_indent_string, "\t");
  return w;
}

void
gr_jw_free (gr_jw *w)
{
  yajl_gen_free (w->g);
  free (w);
}

void gr_jw_obj_open (gr_jw *w) { yajl_gen_map_open (w->g); }
void gr_jw_obj_close (gr_jw *w) { yajl_gen_map_close (w->g); }
void gr_jw_arr_open (gr_jw *w) { yajl_gen_array_open (w->g); }
void gr_jw_arr_close (gr_jw *w) { yajl_gen_array_close (w->g); }
void gr_jw_bool (gr_jw *w, bool v) { yajl_gen_bool (w->g, v); }
void gr_jw_null (gr_jw *w) { yajl_gen_null (w->g); }

void
gr_jw_str (gr_jw *w, const char *s)
{
  if (s == NULL)
    yajl_gen_null (w->g);
  else if (yajl_gen_string (w->g, (const unsigned char *) s, strlen (s))
           == yajl_gen_invalid_string)
    /* never emit invalid UTF-8; keep the document well-formed */
    yajl_gen_string (w->g, (const unsigned char *) "\xef\xbf\xbd", 3);
}

void gr_jw_key (gr_jw *w, const char *k) { gr_jw_str (w, k); }

void
gr_jw_int (gr_jw *w, int64_t v)
{
  yajl_gen_integer (w->g, (long long) v);
}

void
gr_jw_uint (gr_jw *w, uint64_t v)
{
  char buf[32];
  int n = snprintf (buf, sizeof buf, "%llu", (unsigned long long) v);
  yajl_gen_number (w->g, buf, (size_t) n);
}

void
gr_jw_double (gr_jw *w, double v)
{
  yajl_gen_double (w->g, v);
}

void
gr_jw_tree (gr_jw *w, const gr_json *j)
{
  if (j == NULL)
    {
      gr_jw_null (w);
      return;
    }
  switch (j->type)
    {
    case GR_JSON_NULL: gr_jw_null (w); break;
    case GR_JSON_BOOL: gr_jw_bool (w, j->b); break;
    case GR_JSON_NUMBER: yajl_gen_number (w->g, j->s, strlen (j->s)); break;
    case GR_JSON_STRING: gr_jw_str (w, j->s); break;
    case GR_JSON_OBJECT:
      gr_jw_obj_open (w);
      for (size_t i = 0; i < j->n; i++)
        {
          gr_jw_key (w, j->keys[i]);
          gr_jw_tree (w, j->v[i]);
        }
      gr_jw_obj_close (w);
      break;
    case GR_JSON_ARRAY:
      gr_jw_arr_open (w);
      for (size_t i = 0; i < j->n; i++)
        gr_jw_tree (w, j->v[i]);
      gr_jw_arr_close (w);
      break;
    }
}

void gr_jw_kstr (gr_jw *w, const char *k, const char *s) { gr_jw_key (w, k); gr_jw_str (w, s); }
void gr_jw_kint (gr_jw *w, const char *k, int64_t v) { gr_jw_key (w, k); gr_jw_int (w, v); }
void gr_jw_kuint (gr_jw *w, const char *k, uint64_t v) { gr_jw_key (w, k); gr_jw_uint (w, v); }
void gr_jw_kbool (gr_jw *w, const char *k, bool v) { gr_jw_key (w, k); gr_jw_bool (w, v); }

const char *
gr_jw_buf (gr_jw *w, size_t *len)
{
  const unsigned char *buf = NULL;
  size_t l = 0;
  yajl_gen_get_buf (w->g, &buf, &l);
  if (len)
    *len = l;
  return (const char *) buf;
}
