/* SPDX-License-Identifier: Apache-2.0 */
/*
 * json.c: every document the runtime reads goes through gr_json_parse
 * first.  A document it accepts must survive gr_jw_tree (what `spec` and
 * the harden rewrites use to copy opaque parts of a config) unchanged: the
 * re-emitted text parses back to an equal tree.
 */
#include <guardrun/json.h>
#include "fuzz.h"

static void
check_equal (const gr_json *a, const gr_json *b, int depth)
{
  FUZZ_ASSERT (depth <= GR_JSON_MAX_DEPTH + 1, "tree deeper than the cap");
  FUZZ_ASSERT (a->type == b->type, "type %s became %s",
               gr_json_type_name (a->type), gr_json_type_name (b->type));
  switch (a->type)
    {
    case GR_JSON_BOOL:
      FUZZ_ASSERT (a->b == b->b, "bool changed");
      break;
    case GR_JSON_NUMBER:
    case GR_JSON_STRING:
      FUZZ_ASSERT (a->s && b->s && strcmp (a->s, b->s) == 0,
                   "scalar \"%s\" became \"%s\"", a->s, b->s);
      break;
    case GR_JSON_OBJECT:
    case GR_JSON_ARRAY:
      FUZZ_ASSERT (a->n == b->n, "%zu members became %zu", a->n, b->n);
      for (size_t i = 0; i < a->n; i++)
        {
          if (a->type == GR_JSON_OBJECT)
            FUZZ_ASSERT (strcmp (a->keys[i], b->keys[i]) == 0,
                         "key \"%s\" became \"%s\"", a->keys[i], b->keys[i]);
          check_equal (a->v[i], b->v[i], depth + 1);
        }
      break;
    case GR_JSON_NULL:
      break;
    }
}

static void
roundtrip (const gr_json *j, bool pretty)
{
  cleanup_jw gr_jw *w = gr_jw_new (pretty);
  gr_jw_tree (w, j);
  size_t len;
  const char *text = gr_jw_buf (w, &len);
  gr_json *again = NULL;
  gr_error *err = NULL;
  int rc = gr_json_parse ("re-emitted", text, len, &again, &err);
  if (rc < 0)
    {
      char *msg = gr_error_string (err);
      FUZZ_ASSERT (rc == 0, "re-emitted document rejected: %s", msg);
    }
  check_equal (j, again, 0);
  gr_json_free (again);
}

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  gr_json *j = NULL;
  gr_error *err = NULL;
  int rc = gr_json_parse ("fuzz.json", (const char *) data, size, &j, &err);
  fuzz_check_error (rc, err);
  if (rc == 0)
    {
      FUZZ_ASSERT (j != NULL, "success without a tree");
      roundtrip (j, false);
      roundtrip (j, true);
      /* lookups on whatever came out, as the typed layers do */
      (void) gr_json_get (j, "ociVersion");
      gr_json_free (j);
    }
  return 0;
}
