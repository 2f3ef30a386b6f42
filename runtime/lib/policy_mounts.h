/* SPDX-License-Identifier: Apache-2.0 */
#ifndef GUARDRUN_POLICY_MOUNTS_H
#define GUARDRUN_POLICY_MOUNTS_H
/* the mount rules (policy_mounts.c) */
#include "policy_internal.h"

void gr_rule_mount_source (gr_rule_env *e, const gr_rule *r);
void gr_rule_mount_kernel_fs (gr_rule_env *e, const gr_rule *r);
void gr_rule_mount_over_proc (gr_rule_env *e, const gr_rule *r);
void gr_rule_mount_dotdot (gr_rule_env *e, const gr_rule *r);
void gr_rule_mount_propagation (gr_rule_env *e, const gr_rule *r);

/* the host path a bind source names: symlinks resolved as far as the path
   exists, the rest normalised lexically; relative sources are taken from
   the bundle (NULL: the current directory) */
char *gr_policy_resolve_source (const char *source, const char *bundle);
bool gr_mount_is_bind (const gr_mount *m);
bool gr_mount_has_option (const gr_mount *m, const char *opt);

#endif
