/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The harnesses without libFuzzer: feed each file named on the command line
 * (a directory: each regular file in it, in name order) to
 * LLVMFuzzerTestOneInput once.  `make check` runs this over the seed
 * corpus, so a regression input crashes every CI run, sanitizers or not.
 * A broken invariant aborts; there is no other failure.
 */
#include <dirent.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include "fuzz.h"

/* a harness may set up state once, as libFuzzer lets it */
int LLVMFuzzerInitialize (int *argc, char ***argv) __attribute__ ((weak));

static size_t n_inputs;

static void
replay_file (int dirfd, const char *name, const char *shown)
{
  cleanup_free char *buf = NULL;
  size_t len;
  gr_error *err = NULL;
  /* no cap beyond the JSON one: make fuzz caps inputs at 64 KiB, but a
     regression seed may be a size-cap test itself */
  if (gr_read_file_at (dirfd, name, (8u << 20), &buf, &len, &err) < 0)
    {
      char *msg = gr_error_string (err);
      fprintf (stderr, "replay: %s: %s\n", shown, msg);
      free (msg);
      gr_error_free (err);
      exit (2);
    }
  /* a private copy of exactly len bytes, so ASan sees reads past the end */
  uint8_t *copy = gr_xmalloc (len ? len : 1);
  memcpy (copy, buf, len);
  LLVMFuzzerTestOneInput (copy, len);
  free (copy);
  n_inputs++;
}

static int
by_name (const struct dirent **a, const struct dirent **b)
{
  return strcmp ((*a)->d_name, (*b)->d_name);
}

static int
not_hidden (const struct dirent *d)
{
  return d->d_name[0] != '.';
}

static void
replay_dir (const char *dir)
{
  struct dirent **ents;
  int n = scandir (dir, &ents, not_hidden, by_name);
  if (n < 0)
    {
      fprintf (stderr, "replay: scandir `%s`: %m\n", dir);
      exit (2);
    }
  cleanup_close int dfd = open (dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  for (int i = 0; i < n; i++)
    {
      struct stat st;
      if (dfd >= 0 && fstatat (dfd, ents[i]->d_name, &st, 0) == 0
          && S_ISREG (st.st_mode))
        {
          cleanup_free char *shown = gr_fmt ("%s/%s", dir, ents[i]->d_name);
          replay_file (dfd, ents[i]->d_name, shown);
        }
      free (ents[i]);
    }
  free (ents);
}

int
main (int argc, char **argv)
{
  if (LLVMFuzzerInitialize)
    LLVMFuzzerInitialize (&argc, &argv);
  for (int i = 1; i < argc; i++)
    {
      struct stat st;
      if (stat (argv[i], &st) == 0 && S_ISDIR (st.st_mode))
        replay_dir (argv[i]);
      else
        replay_file (AT_FDCWD, argv[i], argv[i]);
    }
  printf ("replay: %zu inputs, no crash\n", n_inputs);
  return 0;
}
