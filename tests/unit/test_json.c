/* SPDX-License-Identifier: Apache-2.0 */
/* json.c: the DOM parser (caps, literal numbers) and the writer */
#include <criterion/criterion.h>
#include <fcntl.h>
#include <string.h>
#include <guardrun/json.h>
#include <guardrun/util.h>

#if defined(__SANITIZE_ADDRESS__)
#define HAVE_LSAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define HAVE_LSAN 1
#endif
#endif
#ifdef HAVE_LSAN
#include <sanitizer/lsan_interface.h>
#endif

/* Leak check at the end of each test body, in its worker: Criterion ignores
   failures in .fini, and its workers never run LeakSanitizer's exit check. */
static void
leak_check (void)
{
#ifdef HAVE_LSAN
  cr_expect_eq (__lsan_do_recoverable_leak_check (), 0, "memory leaked");
#endif
}
#define TEST(name)                                                           \
  static void name##_body (void);                                           \
  Test (json, name)                                                          \
  {                                                                          \
    name##_body ();                                                          \
    leak_check ();                                                           \
  }                                                                          \
  static void name##_body (void)

static gr_json *
parse_ok_len (const char *text, size_t len)
{
  cleanup_error gr_error *err = NULL;
  gr_json *j = NULL;
  if (gr_json_parse ("t.json", text, len, &j, &err) < 0)
    {
      cleanup_free char *m = gr_error_string (err);
      cr_assert_fail ("unexpected error: %s", m);
    }
  cr_assert_not_null (j);
  return j;
}

static gr_json *
parse_ok (const char *text)
{
  return parse_ok_len (text, strlen (text));
}

static char *
parse_err_len (const char *text, size_t len)
{
  cleanup_error gr_error *err = NULL;
  gr_json *j = NULL;
  int r = gr_json_parse ("t.json", text, len, &j, &err);
  gr_json_free (j);
  cr_assert_lt (r, 0, "parse succeeded but must fail");
  cr_assert_null (j);
  return gr_error_string (err);
}

static char *
parse_err (const char *text)
{
  return parse_err_len (text, strlen (text));
}

static char *
nested (int depth, char open, char close)
{
  char *buf = gr_xmalloc ((size_t) depth * 2 + 1);
  memset (buf, open, (size_t) depth);
  memset (buf + depth, close, (size_t) depth);
  buf[depth * 2] = '\0';
  return buf;
}

TEST (types)
{
  gr_json *j = parse_ok ("{\"a\":null,\"b\":true,\"c\":false,\"d\":12.5e3,"
                         "\"e\":\"s\\u00e9\",\"f\":{},\"g\":[1,\"x\",[]]}");
  cr_assert_eq (j->type, GR_JSON_OBJECT);
  cr_assert_eq (j->n, 7);
  cr_expect_str_eq (j->keys[0], "a");
  cr_expect_eq (gr_json_get (j, "a")->type, GR_JSON_NULL);
  cr_expect_eq (gr_json_get (j, "b")->type, GR_JSON_BOOL);
  cr_expect (gr_json_get (j, "b")->b);
  cr_expect_not (gr_json_get (j, "c")->b);
  cr_expect_eq (gr_json_get (j, "d")->type, GR_JSON_NUMBER);
  cr_expect_eq (gr_json_get (j, "e")->type, GR_JSON_STRING);
  cr_expect_str_eq (gr_json_get (j, "e")->s, "s\xc3\xa9");
  cr_expect_eq (gr_json_get (j, "f")->type, GR_JSON_OBJECT);
  cr_expect_eq (gr_json_get (j, "f")->n, 0);
  gr_json *g = gr_json_get (j, "g");
  cr_assert_eq (g->type, GR_JSON_ARRAY);
  cr_assert_eq (g->n, 3);
  cr_expect_null (g->keys);
  cr_expect_str_eq (g->v[1]->s, "x");
  cr_expect_eq (g->v[2]->type, GR_JSON_ARRAY);
  cr_expect_null (gr_json_get (j, "missing"));
  cr_expect_null (gr_json_get (g, "a"), "not an object");
  cr_expect_null (gr_json_get (NULL, "a"));
  cr_expect_str_eq (gr_json_type_name (GR_JSON_OBJECT), "object");
  cr_expect_str_eq (gr_json_type_name (GR_JSON_BOOL), "boolean");
  gr_json_free (j);

  /* scalars at the top level are documents too */
  j = parse_ok ("\"top\"");
  cr_expect_eq (j->type, GR_JSON_STRING);
  gr_json_free (j);
  j = parse_ok (" 7 ");
  cr_expect_str_eq (j->s, "7");
  gr_json_free (j);
}

TEST (number_text_kept)
{
  static const char *const nums[] = {
    "0", "-0", "12.50", "1e3", "1E+3", "-1.5e-7", "18446744073709551616",
    "123456789012345678901234567890", "1e400", "-9223372036854775809",
  };
  for (size_t i = 0; i < GR_ARRAY_SIZE (nums); i++)
    {
      cleanup_free char *doc = gr_fmt ("[%s]", nums[i]);
      gr_json *j = parse_ok (doc);
      cr_expect_eq (j->v[0]->type, GR_JSON_NUMBER);
      cr_expect_str_eq (j->v[0]->s, nums[i]);
      gr_json_free (j);
    }
}

TEST (duplicate_keys_last_wins)
{
  gr_json *j = parse_ok ("{\"k\":1,\"k\":2}");
  cr_expect_eq (j->n, 2, "the DOM keeps both");
  cr_expect_str_eq (gr_json_get (j, "k")->s, "2");
  gr_json_free (j);
}

TEST (depth_cap_boundary)
{
  cr_assert_eq (GR_JSON_MAX_DEPTH, 64);
  cleanup_free char *ok = nested (64, '[', ']');
  gr_json *j = parse_ok (ok);
  int depth = 0;
  for (gr_json *p = j; p && p->type == GR_JSON_ARRAY; p = p->n ? p->v[0] : NULL)
    depth++;
  cr_expect_eq (depth, 64);
  gr_json_free (j);

  cleanup_free char *bad = nested (65, '[', ']');
  cleanup_free char *m = parse_err (bad);
  cr_expect_str_eq (m, "t.json: nesting deeper than 64 levels");

  /* objects count the same way */
  char obj[64 * 6 + 16] = "";
  for (int i = 0; i < 64; i++)
    strcat (obj, i < 63 ? "{\"a\":" : "{");
  for (int i = 0; i < 64; i++)
    strcat (obj, "}");
  j = parse_ok (obj);
  gr_json_free (j);
  char obj65[65 * 6 + 16] = "";
  for (int i = 0; i < 65; i++)
    strcat (obj65, i < 64 ? "{\"a\":" : "{");
  for (int i = 0; i < 65; i++)
    strcat (obj65, "}");
  free (m);
  m = parse_err (obj65);
  cr_expect_str_eq (m, "t.json: nesting deeper than 64 levels");

  /* far too deep: no stack exhaustion, the same error */
  cleanup_free char *deep = nested (100000, '[', ']');
  free (m);
  m = parse_err (deep);
  cr_expect_str_eq (m, "t.json: nesting deeper than 64 levels");
}

TEST (size_cap)
{
  /* a string document of exactly the cap parses; one byte more does not */
  size_t n = GR_JSON_MAX_SIZE;
  cleanup_free char *buf = gr_xmalloc (n + 2);
  buf[0] = '"';
  memset (buf + 1, 'a', n - 1);
  buf[n - 1] = '"';
  buf[n] = ' ';
  buf[n + 1] = '\0';
  gr_json *j = parse_ok_len (buf, n);
  cr_expect_eq (strlen (j->s), n - 2);
  gr_json_free (j);
  cleanup_free char *m = parse_err_len (buf, n + 1);
  cr_expect (strncmp (m, "t.json: file too large", 22) == 0, "%s", m);

  /* and from a file, where the read itself is capped */
  char path[] = "/tmp/gr-test-json-XXXXXX";
  int fd = mkstemp (path);
  cr_assert_geq (fd, 0);
  cr_assert_eq (gr_write_all (fd, buf, n + 1), 0);
  close (fd);
  cleanup_error gr_error *err = NULL;
  cr_expect_lt (gr_json_parse_file (path, "big.json", &j, &err), 0);
  free (m);
  m = gr_error_string (err);
  cr_expect (strncmp (m, "big.json: file too large", 24) == 0, "%s", m);
  unlink (path);
}

TEST (malformed)
{
  static const char *const docs[] = {
    "{", "[1,]", "{\"a\":1,}", "{'a':1}", "[01]", "[+1]", "[.5]", "[1.]",
    "[-]", "[NaN]", "[Infinity]", "{\"a\"}", "[true false]", "[1] [2]",
    "{} x", "\"unterminated", "[\"bad \\x escape\"]", "/* c */ {}",
  };
  for (size_t i = 0; i < GR_ARRAY_SIZE (docs); i++)
    {
      cleanup_free char *m = parse_err (docs[i]);
      cr_expect (strncmp (m, "t.json: invalid JSON at byte ", 29) == 0,
                 "%s: %s", docs[i], m);
    }
  cleanup_free char *m = parse_err ("");
  cr_expect_str_eq (m, "t.json: empty file");
}

TEST (invalid_utf8_rejected)
{
  static const char *const docs[] = {
    "[\"\xff\"]",             /* never valid */
    "[\"\xc3\x28\"]",         /* bad continuation */
    "[\"\xe2\x82\"]",         /* truncated sequence */
    "[\"\xf8\x88\x80\x80\x80\"]", /* 5-byte form */
    "{\"\xff\":1}",            /* in a key */
  };
  for (size_t i = 0; i < GR_ARRAY_SIZE (docs); i++)
    {
      cleanup_free char *m = parse_err (docs[i]);
      cr_expect (strncmp (m, "t.json: invalid JSON", 20) == 0, "%s", m);
    }
}

TEST (embedded_nul_rejected)
{
  static const char raw[] = "[\"a\0b\"]";
  cleanup_free char *m = parse_err_len (raw, sizeof raw - 1);
  cr_expect (strncmp (m, "t.json: invalid JSON", 20) == 0, "%s", m);
  free (m);
  m = parse_err ("[\"a\\u0000b\"]");
  cr_expect (strncmp (m, "t.json: invalid JSON", 20) == 0, "%s", m);
  free (m);
  m = parse_err ("{\"a\\u0000b\":1}");
  cr_expect (strncmp (m, "t.json: invalid JSON", 20) == 0, "%s", m);
}

TEST (missing_file)
{
  cleanup_error gr_error *err = NULL;
  gr_json *j = NULL;
  cr_expect_lt (gr_json_parse_file ("/nonexistent/x.json", "x.json", &j, &err),
                0);
  cr_expect_null (j);
  cr_expect_eq (gr_error_errno (err), ENOENT);
}

static char *
written (gr_jw *w)
{
  size_t len = 0;
  const char *buf = gr_jw_buf (w, &len);
  cr_assert_eq (strlen (buf), len);
  return gr_xstrdup (buf);
}

TEST (writer_escaping)
{
  cleanup_jw gr_jw *w = gr_jw_new (false);
  gr_jw_arr_open (w);
  gr_jw_str (w, "q\"b\\s/n\nt\tc\x01" "e\x1b" "u\xc3\xa9");
  gr_jw_str (w, NULL);
  gr_jw_str (w, "bad\xff");
  gr_jw_arr_close (w);
  cleanup_free char *out = written (w);
  cr_expect_str_eq (out, "[\"q\\\"b\\\\s/n\\nt\\tc\\u0001e\\u001Bu\xc3\xa9\","
                         "null,\"\xef\xbf\xbd\"]");
  /* and what it writes reads back */
  gr_json *j = parse_ok (out);
  cr_expect_str_eq (j->v[0]->s, "q\"b\\s/n\nt\tc\x01" "e\x1b" "u\xc3\xa9");
  cr_expect_eq (j->v[1]->type, GR_JSON_NULL);
  gr_json_free (j);
}

TEST (writer_scalars)
{
  cleanup_jw gr_jw *w = gr_jw_new (false);
  gr_jw_obj_open (w);
  gr_jw_kint (w, "min", INT64_MIN);
  gr_jw_kint (w, "neg", -1);
  gr_jw_kuint (w, "max", UINT64_MAX);
  gr_jw_kbool (w, "t", true);
  gr_jw_kstr (w, "s", "v");
  gr_jw_key (w, "n");
  gr_jw_null (w);
  gr_jw_key (w, "d");
  gr_jw_double (w, 0.5);
  gr_jw_obj_close (w);
  cleanup_free char *out = written (w);
  cr_expect_str_eq (out, "{\"min\":-9223372036854775808,\"neg\":-1,"
                         "\"max\":18446744073709551615,\"t\":true,"
                         "\"s\":\"v\",\"n\":null,\"d\":0.5}");
}

TEST (writer_pretty_tabs)
{
  cleanup_jw gr_jw *w = gr_jw_new (true);
  gr_jw_obj_open (w);
  gr_jw_kstr (w, "a", "b");
  gr_jw_obj_close (w);
  cleanup_free char *out = written (w);
  cr_expect_str_eq (out, "{\n\t\"a\": \"b\"\n}\n");
}

static bool
same (const gr_json *a, const gr_json *b)
{
  if (a->type != b->type || a->n != b->n || a->b != b->b)
    return false;
  if ((a->s || b->s) && (!a->s || !b->s || strcmp (a->s, b->s) != 0))
    return false;
  for (size_t i = 0; i < a->n; i++)
    {
      if (a->keys && strcmp (a->keys[i], b->keys[i]) != 0)
        return false;
      if (!same (a->v[i], b->v[i]))
        return false;
    }
  return true;
}

TEST (tree_round_trip)
{
  static const char doc[]
      = "{\"a\":[1,-2,3.25e-3,18446744073709551616,true,false,null],"
        "\"b\":{\"c\":\"\\u00e9\\n\\\"\",\"d\":{},\"e\":[]},\"a\":\"dup\","
        "\"\xe2\x82\xac\":\"\xf0\x9f\x98\x80\"}";
  gr_json *j = parse_ok (doc);
  for (int pretty = 0; pretty < 2; pretty++)
    {
      cleanup_jw gr_jw *w = gr_jw_new (pretty);
      gr_jw_tree (w, j);
      cleanup_free char *out = written (w);
      gr_json *k = parse_ok (out);
      cr_expect (same (j, k), "%s", out);
      gr_json_free (k);
    }
  /* numbers are copied as written, not reformatted */
  cleanup_jw gr_jw *w = gr_jw_new (false);
  gr_jw_tree (w, gr_json_get (j, "b"));
  cleanup_free char *out = written (w);
  cr_expect_str_eq (out, "{\"c\":\"\xc3\xa9\\n\\\"\",\"d\":{},\"e\":[]}");
  cleanup_jw gr_jw *w0 = gr_jw_new (false);
  gr_jw_tree (w0, NULL);
  cleanup_free char *out0 = written (w0);
  cr_expect_str_eq (out0, "null");
  cleanup_jw gr_jw *w2 = gr_jw_new (false);
  gr_jw_tree (w2, j->v[0]);
  cleanup_free char *out2 = written (w2);
  cr_expect_str_eq (out2,
                    "[1,-2,3.25e-3,18446744073709551616,true,false,null]");
  gr_json_free (j);
}
