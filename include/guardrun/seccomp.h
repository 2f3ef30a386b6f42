/* SPDX-License-Identifier: Apache-2.0 */
#ifndef GUARDRUN_SECCOMP_H
#define GUARDRUN_SECCOMP_H

/*
 * seccomp: an OCI linux.seccomp (the config's own, or the built-in default
 * profile) compiled to a BPF program in the parent, before clone; the
 * container init only calls gr_seccomp_install() right before execve, so
 * the child does no parsing or allocation.  Compiled programs are cached on
 * disk keyed by a hash of the profile, the arch and the libseccomp version.
 */
#include <stdbool.h>
#include <stddef.h>
#include <guardrun/error.h>
#include <guardrun/spec.h>

typedef struct gr_seccomp_prog gr_seccomp_prog;

/* where create caches compiled programs (root-only, 0700) */
#define GR_SECCOMP_CACHE_DIR "/run/guardrun/seccomp-cache"

/* the built-in default profile, parsed once */
int gr_seccomp_default_profile (const gr_seccomp **out, gr_error **err);
/* compile; cache_dir NULL disables the cache */
int gr_seccomp_compile (const gr_seccomp *profile, const char *cache_dir,
                        gr_seccomp_prog **out, gr_error **err);
/* the same for the built-in default profile, faster: on a cache hit the
   profile is not even parsed (use this when the config has no seccomp and
   gr_policy_default_seccomp() is "default") */
int gr_seccomp_compile_default (const char *cache_dir, gr_seccomp_prog **out,
                                gr_error **err);
/* In the container init: load the filter (with the profile's flags).  Must
   be async-signal-safe: no malloc.  For SCMP_ACT_NOTIFY returns the listener
   fd in *notify_fd (else -1).  Returns 0, or -errno (no gr_error: nothing
   may allocate here).  The caller sets PR_SET_NO_NEW_PRIVS first, or still
   holds CAP_SYS_ADMIN.  After a NOTIFY filter is loaded the init may not
   write(2) or sendmsg(2) through a notified syscall: compile refuses NOTIFY
   for those two, so the listener fd can still be sent out. */
int gr_seccomp_install (const gr_seccomp_prog *prog, int *notify_fd);
bool gr_seccomp_prog_needs_notify (const gr_seccomp_prog *prog);
/* the compiled instructions (struct sock_filter[*n]): tests, benchmarks */
const void *gr_seccomp_prog_insns (const gr_seccomp_prog *prog, size_t *n);
void gr_seccomp_prog_free (gr_seccomp_prog *prog);

#endif
