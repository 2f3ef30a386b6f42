/* SPDX-License-Identifier: Apache-2.0 */
#ifndef GUARDRUN_PROFILES_H
#define GUARDRUN_PROFILES_H
/* profiles/ compiled into the binary (runtime/lib/embed.S); each is
   NUL-terminated after its _end symbol */
extern const char gr_profile_seccomp_default[], gr_profile_seccomp_default_end[];
extern const char gr_profile_policy_restricted[], gr_profile_policy_restricted_end[];
extern const char gr_profile_policy_baseline[], gr_profile_policy_baseline_end[];
extern const char gr_profile_policy_sandbox[], gr_profile_policy_sandbox_end[];
extern const char gr_profile_apparmor_default[], gr_profile_apparmor_default_end[];
#endif
