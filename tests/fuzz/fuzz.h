/* SPDX-License-Identifier: Apache-2.0 */
#ifndef GUARDRUN_FUZZ_H
#define GUARDRUN_FUZZ_H

/*
 * Shared by the fuzz harnesses.  Each harness defines
 * LLVMFuzzerTestOneInput and is linked either with libFuzzer (make fuzz)
 * or with replay.c (make check), so nothing here may depend on libFuzzer.
 *
 * Beyond "does not crash", each harness checks the contracts a caller relies
 * on; a broken one aborts, which both drivers report as a failure.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <guardrun/error.h>
#include <guardrun/util.h>

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

#define FUZZ_ASSERT(cond, ...)                                           \
  do                                                                     \
    {                                                                    \
      if (!(cond))                                                       \
        {                                                                \
          fprintf (stderr, "%s:%d: fuzz invariant `%s` broken: ",        \
                   __FILE__, __LINE__, #cond);                           \
          fprintf (stderr, __VA_ARGS__);                                 \
          fputc ('\n', stderr);                                          \
          abort ();                                                      \
        }                                                                \
    }                                                                    \
  while (0)

/* the input as a C string (an embedded NUL ends it early, as it would on a
   command line) */
static inline char *
fuzz_cstr (const uint8_t *data, size_t size)
{
  return gr_xstrndup ((const char *) data, size);
}

/* text printed as one line (an error, a policy finding) holds no control
   character: a newline would forge a second log line, an ESC would drive
   the terminal */
static inline void
fuzz_check_line (const char *what, const char *s)
{
  FUZZ_ASSERT (s != NULL && *s != '\0', "%s: empty", what);
  for (const unsigned char *p = (const unsigned char *) s; *p; p++)
    FUZZ_ASSERT (*p >= 0x20 && *p != 0x7f,
                 "%s: control character 0x%02x at offset %zu", what, *p,
                 (size_t) (p - (const unsigned char *) s));
}

/*
 * The error contract: a failure always comes with an error, and the CLI
 * prints it as one line.  Frees the error.
 */
static inline void
fuzz_check_error (int rc, gr_error *err)
{
  if (rc >= 0)
    {
      FUZZ_ASSERT (err == NULL, "success with an error set");
      return;
    }
  FUZZ_ASSERT (err != NULL, "failure without an error");
  char *msg = gr_error_string (err);
  fuzz_check_line ("error message", msg);
  free (msg);
  gr_error_free (err);
}

#endif
