/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The policy file format (profiles/policy/README.md), as one table: every
 * key, its type and where it lands in struct gr_policy.  The parser and
 * `policy show` both walk this table, so the two cannot drift apart, and a
 * key the table does not know is an error naming its path (a typo must
 * never silently weaken security).
 */
#include <stddef.h>
#include <string.h>
#include <guardrun/json.h>
#include <guardrun/util.h>
#include "policy_schema.h"

#define OFF(f) offsetof (struct gr_policy, f)

static const char *const modes[] = { "enforce", "audit", NULL };
static const char *const missing[] = { "warn", "refuse", "ignore", NULL };
static const char *const unenforceable[] = { "refuse", "warn", NULL };
static const char *const ns_types[] = { "pid", "network", "ipc", "uts",
                                        "mount", "cgroup", "user", "time",
                                        NULL };
static const char *const seccomp_defaults[] = { "default", NULL };

static const gr_pfield f_capabilities[] = {
  { "allowed", PF_CAPLIST, OFF (caps_allowed) },
  { NULL },
};
static const gr_pfield f_namespaces[] = {
  { "required", PF_STRLIST, OFF (ns_required), ns_types },
  { "user", PF_BOOL, OFF (ns_user_required) },
  { "hostNetwork", PF_BOOL, OFF (host_network) },
  { NULL },
};
static const gr_pfield f_mounts[] = {
  { "sensitivePaths", PF_PATHLIST, OFF (mnt_sensitive) },
  { "sensitiveSubtrees", PF_PATHLIST, OFF (mnt_subtrees) },
  { "sensitiveSockets", PF_STRLIST, OFF (mnt_sockets) },
  { "allow", PF_PATHLIST, OFF (mnt_allowed) },
  { "allowReadOnly", PF_PATHLIST, OFF (mnt_allowed_ro) },
  { "sharedPropagation", PF_BOOL, OFF (mnt_shared_propagation) },
  { NULL },
};
static const gr_pfield f_devices[] = {
  { "allowed", PF_DEVLIST, OFF (dev_allowed) },
  { NULL },
};
static const gr_pfield f_paths[] = {
  { "masked", PF_PATHLIST, OFF (masked_required) },
  { "readonly", PF_PATHLIST, OFF (readonly_required) },
  { NULL },
};
static const gr_pfield f_root[] = {
  { "readonly", PF_BOOL, OFF (root_readonly) },
  { NULL },
};
static const gr_pfield f_process[] = {
  { "allowRoot", PF_BOOL, OFF (run_as_root) },
  { "hardenUid", PF_U32, OFF (harden_uid) },
  { "hardenGid", PF_U32, OFF (harden_gid) },
  { "noNewPrivileges", PF_BOOL, OFF (nnp_required) },
  { "sysctls", PF_STRLIST, OFF (sysctl_allowed) },
  { "minOomScoreAdj", PF_I32, OFF (oom_min) },
  { NULL },
};
static const gr_pfield f_seccomp[] = {
  { "default", PF_STRNULL, OFF (seccomp_default), seccomp_defaults },
  { "mustBlock", PF_STRLIST, OFF (seccomp_must_block) },
  { NULL },
};
static const gr_pfield f_apparmor[] = {
  { "default", PF_STRNULL, OFF (apparmor_default) },
  { "missing", PF_ENUM, OFF (apparmor_missing), missing },
  { NULL },
};
static const gr_pfield f_selinux[] = {
  { "type", PF_STRNULL, OFF (selinux_type) },
  { "missing", PF_ENUM, OFF (selinux_missing), missing },
  { "forbiddenTypes", PF_STRLIST, OFF (selinux_forbidden) },
  { NULL },
};
static const gr_pfield f_hooks[] = {
  { "allowed", PF_PATHLIST, OFF (hooks_allowed) },
  { NULL },
};
static const gr_pfield f_annotations[] = {
  { "presets", PF_STRLIST, OFF (presets_allowed) },
  { NULL },
};
static const gr_pfield f_cgroups[] = {
  { "unenforceable", PF_ENUM, OFF (cgroups_unenforceable), unenforceable },
  { NULL },
};

const gr_pfield gr_policy_schema[] = {
  { "extends", PF_EXTENDS, 0 },
  { "name", PF_STRNULL, OFF (name) },
  { "description", PF_STRNULL, OFF (description) },
  { "mode", PF_ENUM, OFF (mode), modes },
  { "harden", PF_BOOL, OFF (harden) },
  { "decisionLog", PF_STRNULL, OFF (decision_log) },
  { "capabilities", PF_OBJ, 0, NULL, f_capabilities },
  { "namespaces", PF_OBJ, 0, NULL, f_namespaces },
  { "mounts", PF_OBJ, 0, NULL, f_mounts },
  { "devices", PF_OBJ, 0, NULL, f_devices },
  { "paths", PF_OBJ, 0, NULL, f_paths },
  { "root", PF_OBJ, 0, NULL, f_root },
  { "process", PF_OBJ, 0, NULL, f_process },
  { "seccomp", PF_OBJ, 0, NULL, f_seccomp },
  { "apparmor", PF_OBJ, 0, NULL, f_apparmor },
  { "selinux", PF_OBJ, 0, NULL, f_selinux },
  { "hooks", PF_OBJ, 0, NULL, f_hooks },
  { "annotations", PF_OBJ, 0, NULL, f_annotations },
  { "cgroups", PF_OBJ, 0, NULL, f_cgroups },
  { NULL },
};
