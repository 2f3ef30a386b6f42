/* SPDX-License-Identifier: Apache-2.0 */
/* The default profiles, compiled in: create never reads (or trusts) a file
   on disk for the defaults, and pays no open/read for them.  The files are
   found through the assembler's include path (-Wa,-I<srcdir>/profiles):
   clang's integrated assembler does not join adjacent strings, so the
   directory cannot be pasted in front of the name here. */
#define EMBED(sym, file)                \
  .section .rodata;                     \
  .global sym;                          \
  .global sym##_end;                    \
  .balign 16;                           \
sym:                                    \
  .incbin file;                         \
sym##_end:                              \
  .byte 0

EMBED (gr_profile_seccomp_default, "seccomp/default.json")
EMBED (gr_profile_policy_restricted, "policy/restricted.json")
EMBED (gr_profile_policy_baseline, "policy/baseline.json")
EMBED (gr_profile_policy_sandbox, "policy/sandbox.json")
EMBED (gr_profile_apparmor_default, "apparmor/guardrun-default")

.section .note.GNU-stack,"",@progbits
