/* SPDX-License-Identifier: Apache-2.0 */
#include <criterion/criterion.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <guardrun/state.h>
#include <guardrun/util.h>

static char root[] = "/tmp/gr-test-state-XXXXXX";
static int rootfd = -1;

static void
setup (void)
{
  cr_assert_not_null (mkdtemp (root));
  rootfd = gr_state_root_open (root, false, NULL);
  cr_assert_geq (rootfd, 0);
}

static void
teardown (void)
{
  close (rootfd);
  gr_rm_rf_at (AT_FDCWD, root);
}

TestSuite (state, .init = setup, .fini = teardown);

Test (state, id_validation)
{
  static const char *const good[] = { "a", "abc-123", "A_b.c+d", "x..y" };
  static const char *const bad[] = { "", ".", "..", "a/b", "../x", "a b",
                                     "a\nb", "é", "a;b", "/abs" };
  for (size_t i = 0; i < GR_ARRAY_SIZE (good); i++)
    cr_expect_eq (gr_id_validate (good[i], NULL), 0, "%s", good[i]);
  for (size_t i = 0; i < GR_ARRAY_SIZE (bad); i++)
    {
      gr_error *err = NULL;
      cr_expect_lt (gr_id_validate (bad[i], &err), 0, "%s", bad[i]);
      cr_expect_not_null (err);
      cleanup_free char *msg = gr_error_string (err);
      cr_expect (strstr (msg, "container id") != NULL, "%s", msg);
      gr_error_free (err);
    }
  char long_id[GR_ID_MAX + 2];
  memset (long_id, 'a', sizeof long_id - 1);
  long_id[GR_ID_MAX + 1] = '\0';
  cr_expect_lt (gr_id_validate (long_id, NULL), 0);
  long_id[GR_ID_MAX] = '\0';
  cr_expect_eq (gr_id_validate (long_id, NULL), 0);
}

static gr_state *
sample (const char *id)
{
  gr_state *st = gr_xcalloc (1, sizeof *st);
  st->id = gr_xstrdup (id);
  st->bundle = gr_xstrdup ("/b");
  st->rootfs = gr_xstrdup ("/b/rootfs");
  st->pid = getpid ();
  st->pid_start = gr_proc_starttime (getpid ());
  st->created = gr_xstrdup ("2026-01-01T00:00:00.000000000Z");
  st->owner = gr_xstrdup ("root");
  st->started = true;
  st->n_annotations = 1;
  st->annotations = gr_xcalloc (1, sizeof (gr_kv));
  st->annotations[0].key = gr_xstrdup ("k");
  st->annotations[0].value = gr_xstrdup ("v \"quoted\"");
  return st;
}

Test (state, write_read_roundtrip)
{
  gr_error *err = NULL;
  int dfd = gr_state_create_dir (rootfd, "c1", &err);
  cr_assert_geq (dfd, 0);
  gr_state *st = sample ("c1");
  cr_assert_eq (gr_state_write (dfd, st, &err), 0);
  gr_state *back = NULL;
  cr_assert_eq (gr_state_read (dfd, "c1", &back, &err), 0);
  cr_expect_str_eq (back->bundle, "/b");
  cr_expect_eq (back->pid, getpid ());
  cr_expect_eq (back->pid_start, st->pid_start);
  cr_expect (back->started);
  cr_expect_str_eq (back->annotations[0].value, "v \"quoted\"");
  cr_expect_eq (gr_state_status (back), GR_STATUS_RUNNING);
  /* no temp file left behind by the atomic write */
  cr_expect_eq (faccessat (dfd, ".state.json.tmp", F_OK, 0), -1);
  gr_state_free (st);
  gr_state_free (back);
  close (dfd);
}

Test (state, duplicate_create_fails)
{
  gr_error *err = NULL;
  int dfd = gr_state_create_dir (rootfd, "dup", &err);
  cr_assert_geq (dfd, 0);
  cr_expect_lt (gr_state_create_dir (rootfd, "dup", &err), 0);
  cleanup_free char *msg = gr_error_string (err);
  cr_expect_str_eq (msg, "container with id exists: dup");
  gr_error_free (err);
  close (dfd);
}

Test (state, missing_container)
{
  gr_error *err = NULL;
  cr_expect_lt (gr_state_open (rootfd, "nope", false, &err), 0);
  cleanup_free char *msg = gr_error_string (err);
  cr_expect_str_eq (msg, "container does not exist");
  gr_error_free (err);
}

Test (state, traversal_ids_refused_before_fs_access)
{
  gr_error *err = NULL;
  cr_expect_lt (gr_state_open (rootfd, "../etc", false, &err), 0);
  gr_error_free (err);
  err = NULL;
  cr_expect_lt (gr_state_create_dir (rootfd, "a/b", &err), 0);
  gr_error_free (err);
}

Test (state, symlinked_container_dir_not_followed)
{
  cr_assert_eq (symlinkat ("/etc", rootfd, "link"), 0);
  gr_error *err = NULL;
  cr_expect_lt (gr_state_open (rootfd, "link", false, &err), 0);
  gr_error_free (err);
}

Test (state, corrupt_and_truncated_state)
{
  static const char *const docs[] = {
    "", "{", "{\"id\":\"c2\"}", "[]", "{\"id\":\"c2\",\"bundle\":\"/b\",\"pid\":\"x\"}",
    "{\"id\":\"c2\",\"bundle\":\"/b\",\"pid\":-5}",
    "{\"id\":\"other\",\"bundle\":\"/b\",\"pid\":1}",
    "{\"id\":\"../x\",\"bundle\":\"/b\",\"pid\":1}",
  };
  for (size_t i = 0; i < GR_ARRAY_SIZE (docs); i++)
    {
      gr_error *err = NULL;
      int dfd = gr_state_create_dir (rootfd, "c2", &err);
      cr_assert_geq (dfd, 0);
      int fd = openat (dfd, "state.json", O_WRONLY | O_CREAT | O_TRUNC, 0600);
      cr_assert_eq (gr_write_all (fd, docs[i], strlen (docs[i])), 0);
      close (fd);
      gr_state *st = NULL;
      cr_expect_lt (gr_state_read (dfd, "c2", &st, &err), 0, "%s", docs[i]);
      cr_expect_null (st);
      cleanup_free char *msg = gr_error_string (err);
      cr_expect (strchr (msg, '\n') == NULL);
      gr_error_free (err);
      err = NULL;
      close (dfd);
      cr_assert_eq (gr_state_remove (rootfd, "c2", &err), 0);
    }
}

Test (state, no_state_file_is_a_clear_error)
{
  gr_error *err = NULL;
  int dfd = gr_state_create_dir (rootfd, "half", &err);
  gr_state *st = NULL;
  cr_expect_lt (gr_state_read (dfd, "half", &st, &err), 0);
  cleanup_free char *msg = gr_error_string (err);
  cr_expect (strstr (msg, "delete --force") != NULL, "%s", msg);
  gr_error_free (err);
  close (dfd);
}

Test (state, dead_pid_is_stopped)
{
  pid_t pid = fork ();
  if (pid == 0)
    _exit (0);
  waitpid (pid, NULL, 0);
  gr_state *st = sample ("dead");
  st->pid = pid;
  st->pid_start = 1;
  cr_expect_eq (gr_state_status (st), GR_STATUS_STOPPED);
  /* a live pid with another start time is a reused pid: stopped too */
  st->pid = getpid ();
  st->pid_start = 1;
  cr_expect_eq (gr_state_status (st), GR_STATUS_STOPPED);
  gr_state_free (st);
}

Test (state, lock_serialises)
{
  gr_error *err = NULL;
  int dfd = gr_state_create_dir (rootfd, "lk", &err);
  cr_assert_geq (dfd, 0);
  pid_t pid = fork ();
  if (pid == 0)
    {
      /* the parent holds the lock: a non-blocking attempt must fail */
      int fd = openat (rootfd, "lk", O_RDONLY | O_DIRECTORY);
      _exit (flock (fd, LOCK_EX | LOCK_NB) == 0 ? 1 : 0);
    }
  int status;
  waitpid (pid, &status, 0);
  cr_expect_eq (WEXITSTATUS (status), 0);
  close (dfd);
}

Test (state, list_sorted_and_filtered)
{
  gr_error *err = NULL;
  close (gr_state_create_dir (rootfd, "b", &err));
  close (gr_state_create_dir (rootfd, "a", &err));
  cr_assert_eq (mkdirat (rootfd, ".hidden", 0700), 0);
  char **ids = NULL;
  cr_assert_eq (gr_state_list (rootfd, &ids, &err), 0);
  cr_expect_str_eq (ids[0], "a");
  cr_expect_str_eq (ids[1], "b");
  cr_expect_null (ids[2]);
  gr_strv_free (ids);
}

Test (state, oci_json)
{
  gr_state *st = sample ("j");
  cleanup_free char *json = gr_state_to_oci_json (st, GR_STATUS_STOPPED, false,
                                                  NULL);
  cr_expect (strstr (json, "\"pid\":0") != NULL, "%s", json);
  cr_expect (strstr (json, "\"status\":\"stopped\"") != NULL, "%s", json);
  cr_expect (strstr (json, "\"ociVersion\"") != NULL);
  gr_state_free (st);
}
