/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The policy's rules: one table entry (stable id, the PSS control or CVE it
 * maps to, a check function) per rule.  A check reads the config and the
 * policy and adds findings; it never changes the config (harden does that,
 * in policy_harden.c) and never decides enforce vs audit (policy.c does).
 * Mount-source rules live in policy_mounts.c.
 */
#include <fnmatch.h>
#include <inttypes.h>
#include <stdarg.h>
#include <string.h>
#include <sys/stat.h>
#include <guardrun/util.h>
#include "policy_internal.h"
#include "policy_mounts.h"

void
gr_finding_add (gr_rule_env *e, const gr_rule *r, char *field,
                const char *fmt, ...)
{
  va_list ap;
  char *msg = NULL;
  va_start (ap, fmt);
  if (vasprintf (&msg, fmt, ap) < 0)
    abort ();
  va_end (ap);
  gr_findings *f = e->out;
  f->v = gr_xrealloc (f->v, (f->n + 1) * sizeof *f->v);
  /* `check` prints these as lines; they may quote config strings */
  f->v[f->n++] = (gr_finding) { .rule = r->id,
                                .field = gr_strip_controls (field),
                                .message = gr_strip_controls (msg),
                                .reference = r->reference };
}

bool
gr_policy_has_userns (const gr_spec *s)
{
  return gr_spec_namespace (s, "user") != NULL;
}

/* ------------------------------------------------------- capabilities -- */

/* distinct names, printed as up to six then "and N more": a line an
   operator can read */
typedef struct {
  gr_strlist names;
} name_list;

static void
name_list_add (name_list *l, const char *name)
{
  if (!gr_strlist_has (&l->names, name))
    gr_strlist_add (&l->names, name);
}

static char *
name_list_take (name_list *l)
{
  char *r = NULL;
  for (size_t i = 0; i < l->names.n && i < 6; i++)
    {
      char *old = r;
      r = old ? gr_fmt ("%s, %s", old, l->names.v[i])
              : gr_xstrdup (l->names.v[i]);
      free (old);
    }
  if (l->names.n > 6)
    {
      char *old = r;
      r = gr_fmt ("%s and %zu more", old, l->names.n - 6);
      free (old);
    }
  gr_strlist_clear (&l->names);
  return r;
}

static void
rule_caps (gr_rule_env *e, const gr_rule *r)
{
  const gr_caps *c = &e->proc->caps;
  const struct { const char *name; char **v; size_t n; } sets[] = {
    { "bounding", c->bounding, c->n_bounding },
    { "effective", c->effective, c->n_effective },
    { "inheritable", c->inheritable, c->n_inheritable },
    { "permitted", c->permitted, c->n_permitted },
    { "ambient", c->ambient, c->n_ambient },
  };
  name_list caps = { { 0 } }, where = { { 0 } }, allowed = { { 0 } };
  for (size_t i = 0; i < GR_ARRAY_SIZE (sets); i++)
    for (size_t k = 0; k < sets[i].n; k++)
      if (!gr_strlist_has (&e->p->caps_allowed, sets[i].v[k]))
        {
          name_list_add (&caps, sets[i].v[k]);
          name_list_add (&where, sets[i].name);
        }
  if (caps.names.n == 0)
    return;
  for (size_t i = 0; i < e->p->caps_allowed.n; i++)
    name_list_add (&allowed, e->p->caps_allowed.v[i]);
  cleanup_free char *c_s = name_list_take (&caps);
  cleanup_free char *w_s = name_list_take (&where);
  cleanup_free char *a_s = name_list_take (&allowed);
  gr_finding_add (e, r, gr_xstrdup ("process.capabilities"),
                  "%s not allowed (in %s; allowed: %s)", c_s, w_s,
                  a_s ? a_s : "none");
}

/* --------------------------------------------------------- namespaces -- */

static const char *
proc_ns_name (const char *type)
{
  static const char *const map[][2] = {
    { "network", "net" }, { "mount", "mnt" }, { "pid", "pid" },
    { "ipc", "ipc" },     { "uts", "uts" },   { "cgroup", "cgroup" },
    { "user", "user" },   { "time", "time" },
  };
  for (size_t i = 0; i < GR_ARRAY_SIZE (map); i++)
    if (strcmp (map[i][0], type) == 0)
      return map[i][1];
  return NULL;
}

static const char *
ns_label (const char *type)
{
  static const char *const map[][2] = {
    { "network", "network" }, { "mount", "mount" }, { "pid", "PID" },
    { "ipc", "IPC" },         { "uts", "UTS" },     { "cgroup", "cgroup" },
    { "user", "user" },       { "time", "time" },
  };
  for (size_t i = 0; i < GR_ARRAY_SIZE (map); i++)
    if (strcmp (map[i][0], type) == 0)
      return map[i][1];
  return type;
}

static bool
same_ns (const struct stat *a, const char *pid, const char *pn)
{
  struct stat b;
  cleanup_free char *p = gr_fmt ("/proc/%s/ns/%s", pid, pn);
  return stat (p, &b) == 0 && a->st_dev == b.st_dev && a->st_ino == b.st_ino;
}

/* why path is not a private namespace: it is pid 1's (the host's, as far
   as we can see) or the runtime's own (which an absent entry would share
   too); NULL otherwise.  A path that cannot be looked at is not judged
   here: create fails on it anyway. */
static const char *
host_ns_path (const char *type, const char *path)
{
  const char *pn = proc_ns_name (type);
  struct stat a;
  if (pn == NULL || stat (path, &a) < 0)
    return NULL;
  if (same_ns (&a, "1", pn))
    return "/proc/1/ns/";
  if (same_ns (&a, "self", pn))
    return "the runtime's own ";
  return NULL;
}

static void
host_ns_finding (gr_rule_env *e, const gr_rule *r, const gr_namespace *ns)
{
  const char *why = ns->path ? host_ns_path (ns->type, ns->path) : NULL;
  if (why)
    gr_finding_add (e, r, gr_fmt ("linux.namespaces[%s]", ns->type),
                    "joins the host %s namespace (%s is %s%s)",
                    ns_label (ns->type), ns->path, why,
                    *why == '/' ? proc_ns_name (ns->type) : "namespace");
}

static void
rule_host_ns (gr_rule_env *e, const gr_rule *r)
{
  const gr_strlist *req = &e->p->ns_required;
  for (size_t i = 0; i < req->n; i++)
    {
      const char *t = req->v[i];
      if (strcmp (t, "network") == 0 && gr_policy_allows_host_network (e->p))
        continue;
      const gr_namespace *ns = gr_spec_namespace (e->s, t);
      if (ns == NULL)
        gr_finding_add (e, r, gr_fmt ("linux.namespaces[%s]", t),
                        "shares the host %s namespace (no %s namespace in "
                        "the config)", ns_label (t), t);
      else
        host_ns_finding (e, r, ns);
    }
  /* a namespace the policy does not require may still not be the host's
     when it is joined by path */
  for (size_t i = 0; e->s->lnx && i < e->s->lnx->n_namespaces; i++)
    {
      const gr_namespace *ns = &e->s->lnx->namespaces[i];
      if (!gr_strlist_has (req, ns->type) && strcmp (ns->type, "user") != 0
          && !(strcmp (ns->type, "network") == 0
               && gr_policy_allows_host_network (e->p)))
        host_ns_finding (e, r, ns);
    }
}

static void
rule_userns (gr_rule_env *e, const gr_rule *r)
{
  if (e->p->ns_user_required && !gr_policy_has_userns (e->s))
    gr_finding_add (e, r, gr_xstrdup ("linux.namespaces[user]"),
                    "no user namespace: root in the container is root on "
                    "the host");
}

/* ------------------------------------------------------------ devices -- */

static void
rule_devices (gr_rule_env *e, const gr_rule *r)
{
  for (size_t i = 0; e->s->lnx && i < e->s->lnx->n_devices; i++)
    {
      const gr_device *d = &e->s->lnx->devices[i];
      /* "u" (unbuffered) is a character device to the kernel */
      const char *type = strcmp (d->type, "u") == 0 ? "c" : d->type;
      cleanup_free char *key = gr_fmt ("%s %" PRId64 ":%" PRId64 " %s",
                                       type, d->major, d->minor, d->path);
      if (!gr_strlist_has (&e->p->dev_allowed, key))
        gr_finding_add (e, r, gr_fmt ("linux.devices[%zu]", i),
                        "%s (%s %" PRId64 ":%" PRId64 ") is not an allowed "
                        "device", d->path, d->type, d->major, d->minor);
    }
}

static bool
access_rw (const char *access)
{
  /* mknod alone ("m") creates a node nobody can open */
  return access == NULL || strchr (access, 'r') || strchr (access, 'w');
}

static const char *
device_rule_problem (const gr_device_rule *d)
{
  if (!d->allow || !access_rw (d->access))
    return NULL;
  if (d->type == NULL || strcmp (d->type, "a") == 0)
    return "allows access to every device";
  if (strcmp (d->type, "b") == 0)
    return "allows access to block devices (host disks)";
  /* c 1:1 /dev/mem, 1:2 /dev/kmem, 1:4 /dev/port */
  bool mem_major = !d->has_major || d->major == 1;
  bool mem_minor = !d->has_minor || d->minor == 1 || d->minor == 2
                   || d->minor == 4;
  if (mem_major && mem_minor)
    return d->has_major ? "allows /dev/mem, /dev/kmem or /dev/port"
                        : "allows access to every character device";
  return NULL;
}

static void
rule_device_cgroup (gr_rule_env *e, const gr_rule *r)
{
  const gr_resources *res = e->s->lnx ? e->s->lnx->resources : NULL;
  for (size_t i = 0; res && i < res->n_devices; i++)
    {
      const gr_device_rule *d = &res->devices[i];
      const char *why = device_rule_problem (d);
      if (why == NULL)
        continue;
      cleanup_free char *maj = d->has_major ? gr_fmt ("%" PRId64, d->major)
                                            : gr_xstrdup ("*");
      cleanup_free char *min = d->has_minor ? gr_fmt ("%" PRId64, d->minor)
                                            : gr_xstrdup ("*");
      gr_finding_add (e, r, gr_fmt ("linux.resources.devices[%zu]", i),
                      "%s (%s %s:%s %s)", why, d->type ? d->type : "a", maj,
                      min, d->access ? d->access : "rwm");
    }
}

/* ------------------------------------------------- masked / read-only -- */

/* a path is covered by an entry equal to it or above it */
static bool
covered (char **v, size_t n, const char *path)
{
  for (size_t i = 0; i < n; i++)
    {
      size_t l = strlen (v[i]);
      if (strncmp (v[i], path, l) == 0
          && (path[l] == '\0' || path[l] == '/' || l == 1))
        return true;
    }
  return false;
}

static void
missing_paths (gr_rule_env *e, const gr_rule *r, const gr_strlist *req,
               bool readonly)
{
  const gr_linux *l = e->s->lnx;
  name_list missing = { { 0 } };
  for (size_t i = 0; i < req->n; i++)
    {
      const char *p = req->v[i];
      bool ok = l && (covered (l->masked_paths, l->n_masked_paths, p)
                      || (readonly
                          && covered (l->readonly_paths, l->n_readonly_paths,
                                      p)));
      if (!ok)
        name_list_add (&missing, p);
    }
  if (missing.names.n == 0)
    return;
  cleanup_free char *list = name_list_take (&missing);
  gr_finding_add (e, r,
                  gr_xstrdup (readonly ? "linux.readonlyPaths"
                                       : "linux.maskedPaths"),
                  "missing %s (the defaults hide host information)", list);
}

static void
rule_masked (gr_rule_env *e, const gr_rule *r)
{
  missing_paths (e, r, &e->p->masked_required, false);
}

static void
rule_readonly (gr_rule_env *e, const gr_rule *r)
{
  /* a masked path is also read-only */
  missing_paths (e, r, &e->p->readonly_required, true);
}

static void
rule_root_readonly (gr_rule_env *e, const gr_rule *r)
{
  if (e->p->root_readonly && !e->s->root_readonly)
    gr_finding_add (e, r, gr_xstrdup ("root.readonly"),
                    "the root filesystem is writable (set root.readonly)");
}

/* ------------------------------------------------------------ process -- */

static void
rule_root_user (gr_rule_env *e, const gr_rule *r)
{
  if (e->p->run_as_root || gr_policy_has_userns (e->s))
    return;
  if (e->proc->uid == 0)
    gr_finding_add (e, r, gr_xstrdup ("process.user.uid"),
                    "runs as uid 0 outside a user namespace");
  else if (e->proc->gid == 0)
    gr_finding_add (e, r, gr_xstrdup ("process.user.gid"),
                    "runs as gid 0 outside a user namespace");
}

static void
rule_nnp (gr_rule_env *e, const gr_rule *r)
{
  if (e->p->nnp_required && !e->proc->no_new_privileges)
    gr_finding_add (e, r, gr_xstrdup ("process.noNewPrivileges"),
                    "not set: setuid binaries and file capabilities can "
                    "raise privileges");
}

static bool
sysctl_allowed (const gr_strlist *l, const char *key)
{
  for (size_t i = 0; i < l->n; i++)
    if (fnmatch (l->v[i], key, 0) == 0)
      return true;
  return false;
}

static void
rule_sysctl (gr_rule_env *e, const gr_rule *r)
{
  for (size_t i = 0; e->s->lnx && i < e->s->lnx->n_sysctl; i++)
    {
      const gr_kv *kv = &e->s->lnx->sysctl[i];
      /* runc accepts both spellings: net/ipv4/... and net.ipv4... */
      cleanup_free char *key = gr_xstrdup (kv->key);
      for (char *p = key; *p; p++)
        if (*p == '/')
          *p = '.';
      if (!sysctl_allowed (&e->p->sysctl_allowed, key))
        gr_finding_add (e, r, gr_fmt ("linux.sysctl[%s]", kv->key),
                        "%s=\"%s\" is not in the allowed (namespaced, safe) "
                        "list", kv->key, kv->value);
    }
}

static void
rule_oom (gr_rule_env *e, const gr_rule *r)
{
  if (e->proc->has_oom_score_adj && e->proc->oom_score_adj < e->p->oom_min)
    gr_finding_add (e, r, gr_xstrdup ("process.oomScoreAdj"),
                    "%" PRId32 " is below %" PRId32 " (values that low are "
                    "for node-critical daemons)", e->proc->oom_score_adj,
                    e->p->oom_min);
}

static void
rule_apparmor (gr_rule_env *e, const gr_rule *r)
{
  const char *a = e->proc->apparmor_profile;
  if (a && strcmp (a, "unconfined") == 0)
    gr_finding_add (e, r, gr_xstrdup ("process.apparmorProfile"),
                    "\"unconfined\" turns AppArmor off for the container");
}

/* the type of "user:role:type:level" (the level may contain ':') */
char *
gr_policy_selinux_type (const char *label)
{
  const char *a = strchr (label, ':');
  const char *b = a ? strchr (a + 1, ':') : NULL;
  if (b == NULL)
    return NULL;
  const char *c = strchr (b + 1, ':');
  return c ? gr_xstrndup (b + 1, (size_t) (c - b - 1)) : gr_xstrdup (b + 1);
}

static void
rule_selinux (gr_rule_env *e, const gr_rule *r)
{
  const char *label = e->proc->selinux_label;
  if (label == NULL || *label == '\0')
    return;
  cleanup_free char *type = gr_policy_selinux_type (label);
  if (type == NULL)
    gr_finding_add (e, r, gr_xstrdup ("process.selinuxLabel"),
                    "\"%s\" is not a user:role:type:level label", label);
  else if (gr_strlist_has (&e->p->selinux_forbidden, type))
    gr_finding_add (e, r, gr_xstrdup ("process.selinuxLabel"),
                    "type %s runs the container unconfined", type);
}

static void
rule_seccomp (gr_rule_env *e, const gr_rule *r)
{
  const gr_seccomp *sc = e->s->lnx ? e->s->lnx->seccomp : NULL;
  cleanup_free char *why = NULL;
  if (sc && gr_policy_seccomp_too_open (e->p, sc, &why))
    gr_finding_add (e, r, gr_xstrdup ("linux.seccomp"), "%s", why);
}

/* -------------------------------------------------------------- hooks -- */

static bool
hook_allowed (const gr_strlist *allowed, const char *path)
{
  if (gr_strlist_has (allowed, path))
    return true;
  /* an allowed path reached through a symlink is still that program */
  cleanup_free char *real = realpath (path, NULL);
  return real && gr_strlist_has (allowed, real);
}

static void
rule_hooks (gr_rule_env *e, const gr_rule *r)
{
  for (int k = 0; k < GR_HOOK_KINDS; k++)
    for (size_t i = 0; i < e->s->n_hooks[k]; i++)
      {
        const char *path = e->s->hooks[k][i].path;
        if (!hook_allowed (&e->p->hooks_allowed, path))
          gr_finding_add (e, r,
                          gr_fmt ("hooks.%s[%zu]", gr_hook_kind_names[k], i),
                          "%s is not on the hook allow list (hooks run as "
                          "root on the host)", path);
      }
}

/* --------------------------------------------------------------- table -- */

#define PSS_B "PSS baseline: "
#define PSS_R "PSS restricted: "

const gr_rule gr_policy_rules[] = {
  { "GR-CAP-001", PSS_B "Capabilities; " PSS_R "Capabilities", rule_caps,
    true },
  { "GR-NS-001", PSS_B "Host Namespaces", rule_host_ns, false },
  { "GR-NS-002", "guardrun: user namespace", rule_userns, false },
  { "GR-MNT-001", PSS_B "HostPath Volumes", gr_rule_mount_source, false },
  { "GR-MNT-002", PSS_B "/proc Mount Type; CVE-2022-0492 (cgroup escape)",
    gr_rule_mount_kernel_fs, false },
  { "GR-MNT-003", "CVE-2019-16884, CVE-2025-52881 (mount over /proc)",
    gr_rule_mount_over_proc, false },
  { "GR-MNT-004", "CVE-2021-30465 (mount destination race)",
    gr_rule_mount_dotdot, false },
  { "GR-MNT-005", "guardrun: mount propagation to the host",
    gr_rule_mount_propagation, false },
  { "GR-DEV-001", PSS_B "Privileged Containers (devices)", rule_devices,
    false },
  { "GR-DEV-002", PSS_B "Privileged Containers (device cgroup)",
    rule_device_cgroup, false },
  { "GR-PATH-001", PSS_B "/proc Mount Type", rule_masked, false },
  { "GR-PATH-002", PSS_B "/proc Mount Type", rule_readonly, false },
  { "GR-ROOT-001", "CIS Docker 5.12: read-only root filesystem",
    rule_root_readonly, false },
  { "GR-USER-001", PSS_R "Running as Non-root", rule_root_user, true },
  { "GR-NNP-001", PSS_R "Privilege Escalation", rule_nnp, true },
  { "GR-SYSCTL-001", PSS_B "Sysctls", rule_sysctl, false },
  { "GR-OOM-001", "guardrun: oomScoreAdj (kubelet gives Guaranteed pods -997)",
    rule_oom, true },
  { "GR-LSM-001", PSS_B "AppArmor", rule_apparmor, true },
  { "GR-LSM-002", PSS_B "SELinux", rule_selinux, true },
  { "GR-SECCOMP-001", PSS_B "Seccomp; " PSS_R "Seccomp", rule_seccomp, false },
  { "GR-HOOK-001", "guardrun: OCI hooks run on the host", rule_hooks, false },
};
const size_t gr_policy_n_rules = GR_ARRAY_SIZE (gr_policy_rules);

/* ------------------------------------------------------------ seccomp -- */

static bool
action_allows (const char *a)
{
  return a && (strcmp (a, "SCMP_ACT_ALLOW") == 0
               || strcmp (a, "SCMP_ACT_LOG") == 0);
}

/* does the profile let `name` through with any arguments? */
static bool
syscall_open (const gr_seccomp *sc, const char *name)
{
  bool dflt = action_allows (sc->default_action);
  for (size_t i = 0; i < sc->n_syscalls; i++)
    {
      const gr_seccomp_syscall *r = &sc->syscalls[i];
      bool named = false;
      for (size_t k = 0; k < r->n_names && !named; k++)
        named = strcmp (r->names[k], name) == 0;
      if (!named)
        continue;
      /* an unconditional rule decides; a conditional deny under an allow
         default leaves other argument values open, and a conditional allow
         under a deny default is a deliberate narrow opening */
      if (r->n_args == 0)
        return action_allows (r->action);
    }
  return dflt;
}

/*
 * "Allows everything": the syscalls the policy says a profile must block
 * (kexec, modules, bpf, keyctl, open_by_handle_at, ...) are reachable.  A
 * deny-list profile (default ALLOW) that blocks all of them passes; so does
 * any allow-list profile that does not open them.
 */
bool
gr_policy_seccomp_too_open (const gr_policy *p, const gr_seccomp *sc,
                            char **why)
{
  name_list open = { { 0 } };
  for (size_t i = 0; i < p->seccomp_must_block.n; i++)
    if (syscall_open (sc, p->seccomp_must_block.v[i]))
      name_list_add (&open, p->seccomp_must_block.v[i]);
  if (open.names.n == 0)
    return false;
  cleanup_free char *list = name_list_take (&open);
  if (why)
    *why = action_allows (sc->default_action)
               ? gr_fmt ("defaultAction %s leaves %s allowed (a profile "
                         "that allows everything)",
                         sc->default_action, list)
               : gr_fmt ("allows %s, which the policy requires blocked",
                         list);
  return true;
}
