/* SPDX-License-Identifier: Apache-2.0 */
/*
 * state.json: written by the runtime, but read back by every later command
 * (and `delete --force` must cope with a torn or corrupted one).  A parsed
 * state must give a valid container id and an OCI state document that
 * parses as JSON.
 */
#include <guardrun/json.h>
#include <guardrun/state.h>
#include "fuzz.h"

static void
check_oci_state (const gr_state *st, gr_status status, bool pretty)
{
  size_t len;
  cleanup_free char *doc = gr_state_to_oci_json (st, status, pretty, &len);
  FUZZ_ASSERT (doc != NULL, "to_oci_json failed");
  gr_json *j = NULL;
  gr_error *err = NULL;
  int rc = gr_json_parse ("state", doc, len, &j, &err);
  FUZZ_ASSERT (rc == 0, "OCI state document rejected:\n%s", doc);
  const gr_json *id = gr_json_get (j, "id");
  FUZZ_ASSERT (id && id->type == GR_JSON_STRING && strcmp (id->s, st->id) == 0,
               "OCI state lost the id");
  gr_json_free (j);
}

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  gr_state *st = NULL;
  gr_error *err = NULL;
  int rc = gr_state_parse ("state.json", (const char *) data, size, &st, &err);
  fuzz_check_error (rc, err);
  if (rc < 0)
    return 0;
  err = NULL;
  FUZZ_ASSERT (gr_id_validate (st->id, &err) == 0, "invalid id accepted");
  FUZZ_ASSERT (st->bundle != NULL, "no bundle");
  FUZZ_ASSERT (st->pid >= 0, "negative pid %d", (int) st->pid);
  FUZZ_ASSERT (gr_status_name (GR_STATUS_STOPPED) != NULL, "no status name");
  check_oci_state (st, GR_STATUS_STOPPED, false);
  check_oci_state (st, GR_STATUS_RUNNING, true);
  gr_state_free (st);
  return 0;
}
