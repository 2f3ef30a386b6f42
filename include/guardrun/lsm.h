/* SPDX-License-Identifier: Apache-2.0 */
#ifndef GUARDRUN_LSM_H
#define GUARDRUN_LSM_H

#include <stdbool.h>
#include <guardrun/error.h>
#include <guardrun/policy.h>

/* guardrun's own AppArmor profile (profiles/apparmor/guardrun-default,
   compiled into the binary and loaded with apparmor_parser on demand) */
#define GR_APPARMOR_DEFAULT "guardrun-default"
/* the file type that goes with the default SELinux process type
   (container-selinux's names) */
#define GR_SELINUX_FILE_TYPE "container_file_t"

/*
 * In the parent, after gr_policy_check and before clone: settle the labels
 * the container runs with.  When the config names no AppArmor profile and
 * AppArmor is enabled, the policy's default (loaded on demand); when it has
 * no SELinux label and SELinux is enabled, a fresh container_t:cA,cB label
 * and the matching mount label.  When the LSM is missing, the policy's
 * apparmor/selinux "missing" setting decides: warn (decision log, and a
 * warning when the config asked for a label itself; the label is dropped),
 * refuse (error), ignore.  Afterwards process.apparmorProfile,
 * process.selinuxLabel and linux.mountLabel are exactly what to apply
 * (NULL = nothing); the keyring label is the process label.
 */
int gr_lsm_prepare (const gr_policy *p, gr_spec *s, const gr_policy_ctx *ctx,
                    gr_error **err);

/* the module is on and securityfs shows it */
bool gr_apparmor_enabled (void);
bool gr_selinux_enabled (void);
/* make sure a profile is loaded (apparmor_parser for guardrun-default;
   any other profile must already be loaded) */
int gr_apparmor_ensure_loaded (const char *profile, gr_error **err);
/* In the container init, right before exec: arrange the exec transition.
   Writes go through /proc/thread-self/attr/... opened under a procfs root
   verified with fstatfs (PROC_SUPER_MAGIC) and inode 1 (a fresh detached
   procfs when CAP_SYS_ADMIN allows, else a non-recursive clone of /proc,
   else /proc) with openat2 RESOLVE_NO_XDEV|NO_SYMLINKS|BENEATH, so an
   overmount or symlink in the container's /proc cannot redirect them
   (CVE-2025-52881).  NULL or "" is a no-op.  These allocate: call them
   before the no-malloc window (they are the step before seccomp). */
int gr_apparmor_set_exec (const char *profile, gr_error **err);
/* In the container init, early, while it still has CAP_SYS_ADMIN (after
   it is in its pid namespace, before capabilities are dropped): open the
   procfs the label writes above will use, a fresh detached instance where
   nothing can be mounted.  Without it they fall back to a clone of /proc
   or /proc itself, and refuse (EXDEV) when something is mounted over the
   attr file.  The fd is O_CLOEXEC; closing it early is harmless. */
int gr_lsm_open_procfs (gr_error **err);
int gr_selinux_set_exec (const char *label, gr_error **err);
int gr_selinux_set_keycreate (const char *label, gr_error **err);
/* "system_u:system_r:TYPE:s0:cA,cB" with a fresh random MCS pair
   (0 <= A < B <= 1023); *mount_label (if not NULL) gets
   "system_u:object_r:container_file_t:s0:cA,cB" with the same pair */
char *gr_selinux_default_label (const char *type, char **mount_label);

#endif
