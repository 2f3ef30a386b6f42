/* SPDX-License-Identifier: Apache-2.0 */
#ifndef GUARDRUN_JSON_H
#define GUARDRUN_JSON_H

/*
 * The only interface to the JSON library.  Parsing yields a small DOM whose
 * numbers keep their literal text, so the typed layer (spec.c, policy.c,
 * state.c) decides the range and reports "expected an unsigned 32-bit
 * integer" itself.  Size and nesting depth are capped here, before any
 * caller sees the tree.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <guardrun/error.h>

typedef enum {
  GR_JSON_NULL,
  GR_JSON_BOOL,
  GR_JSON_NUMBER,
  GR_JSON_STRING,
  GR_JSON_OBJECT,
  GR_JSON_ARRAY,
} gr_json_type;

typedef struct gr_json gr_json;
struct gr_json {
  gr_json_type type;
  bool b;
  char *s;          /* string value, or the literal text of a number */
  size_t n;         /* members / elements */
  char **keys;      /* object keys (n of them) */
  gr_json **v;      /* object values / array elements */
};

#define GR_JSON_MAX_SIZE (4u << 20)   /* 4 MiB: runc configs are KiBs */
#define GR_JSON_MAX_DEPTH 64

/* what: the file name used in error messages ("config.json") */
int gr_json_parse (const char *what, const char *buf, size_t len,
                   gr_json **out, gr_error **err);
int gr_json_parse_file (const char *path, const char *what, gr_json **out,
                        gr_error **err);
int gr_json_parse_file_at (int dirfd, const char *name, const char *what,
                           gr_json **out, gr_error **err);
void gr_json_free (gr_json *j);
static inline void gr_json_freep (gr_json **j) { gr_json_free (*j); }
#define cleanup_json __attribute__ ((cleanup (gr_json_freep)))

/* object member lookup; NULL if absent or j is not an object */
gr_json *gr_json_get (const gr_json *j, const char *key);
const char *gr_json_type_name (gr_json_type t);

/* Writer: a thin wrapper so no other module includes yajl. */
typedef struct gr_jw gr_jw;
gr_jw *gr_jw_new (bool pretty);
void gr_jw_free (gr_jw *w);
static inline void gr_jw_freep (gr_jw **w) { if (*w) gr_jw_free (*w); }
#define cleanup_jw __attribute__ ((cleanup (gr_jw_freep)))
void gr_jw_obj_open (gr_jw *w);
void gr_jw_obj_close (gr_jw *w);
void gr_jw_arr_open (gr_jw *w);
void gr_jw_arr_close (gr_jw *w);
void gr_jw_key (gr_jw *w, const char *k);
void gr_jw_str (gr_jw *w, const char *s);    /* NULL writes null */
void gr_jw_int (gr_jw *w, int64_t v);
void gr_jw_uint (gr_jw *w, uint64_t v);
void gr_jw_double (gr_jw *w, double v);
void gr_jw_bool (gr_jw *w, bool v);
void gr_jw_null (gr_jw *w);
/* re-emit a parsed tree (used to copy through opaque parts of a config) */
void gr_jw_tree (gr_jw *w, const gr_json *j);
/* convenience: "key": value */
void gr_jw_kstr (gr_jw *w, const char *k, const char *s);
void gr_jw_kint (gr_jw *w, const char *k, int64_t v);
void gr_jw_kuint (gr_jw *w, const char *k, uint64_t v);
void gr_jw_kbool (gr_jw *w, const char *k, bool v);
/* the document so far; valid until the writer is freed */
const char *gr_jw_buf (gr_jw *w, size_t *len);

#endif
