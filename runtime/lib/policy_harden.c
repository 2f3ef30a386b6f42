/* SPDX-License-Identifier: Apache-2.0 */
/*
 * harden: rewrite a config toward the policy before it is checked, so a
 * naive config (e.g. `runc spec`) runs confined instead of being refused.
 * Every rewrite is reported through note() (policy.c logs it as a "harden"
 * decision).  What cannot be fixed without guessing the operator's intent
 * (a host bind mount, a device, a hook) is left for the checks to refuse.
 */
#include <string.h>
#include <guardrun/util.h>
#include "policy_internal.h"

static void
strv_append (char ***v, size_t *n, const char *s)
{
  *v = gr_xrealloc (*v, (*n + 2) * sizeof (char *));
  (*v)[(*n)++] = gr_xstrdup (s);
  (*v)[*n] = NULL;
}

/* drop the entries not on the allow list; returns how many went */
static size_t
strv_keep_allowed (char **v, size_t *n, const gr_strlist *allowed)
{
  size_t keep = 0, dropped = 0;
  for (size_t i = 0; i < *n; i++)
    {
      if (gr_strlist_has (allowed, v[i]))
        v[keep++] = v[i];
      else
        {
          free (v[i]);
          dropped++;
        }
    }
  *n = keep;
  if (v)
    v[keep] = NULL;
  return dropped;
}

static void
harden_caps (const gr_policy *p, gr_caps *c, gr_harden_note note, void *ctx)
{
  struct { const char *field; char **v; size_t *n; } sets[] = {
    { "process.capabilities.bounding", c->bounding, &c->n_bounding },
    { "process.capabilities.effective", c->effective, &c->n_effective },
    { "process.capabilities.inheritable", c->inheritable, &c->n_inheritable },
    { "process.capabilities.permitted", c->permitted, &c->n_permitted },
    { "process.capabilities.ambient", c->ambient, &c->n_ambient },
  };
  for (size_t i = 0; i < GR_ARRAY_SIZE (sets); i++)
    {
      size_t dropped = strv_keep_allowed (sets[i].v, sets[i].n,
                                          &p->caps_allowed);
      if (dropped)
        {
          cleanup_free char *msg = gr_fmt ("dropped %zu capabilities not in "
                                           "the allowed set", dropped);
          note (ctx, sets[i].field, msg);
        }
    }
}

static void
harden_user (const gr_policy *p, const gr_spec *s, gr_process *pr,
             gr_harden_note note, void *ctx)
{
  if (p->run_as_root || gr_policy_has_userns (s))
    return;
  if (pr->uid == 0 || pr->gid == 0)
    {
      cleanup_free char *msg = gr_fmt ("uid:gid %u:%u -> %u:%u (no user "
                                       "namespace)", pr->uid, pr->gid,
                                       p->harden_uid, p->harden_gid);
      pr->uid = p->harden_uid;
      pr->gid = p->harden_gid;
      note (ctx, "process.user", msg);
    }
  size_t keep = 0;
  for (size_t i = 0; i < pr->n_additional_gids; i++)
    if (pr->additional_gids[i] != 0)
      pr->additional_gids[keep++] = pr->additional_gids[i];
  if (keep != pr->n_additional_gids)
    {
      pr->n_additional_gids = keep;
      note (ctx, "process.user.additionalGids", "removed group 0");
    }
}

static void
harden_lsm (const gr_policy *p, gr_process *pr, gr_harden_note note,
            void *ctx)
{
  if (pr->apparmor_profile && strcmp (pr->apparmor_profile, "unconfined") == 0)
    {
      free (pr->apparmor_profile);
      /* NULL: the policy's default profile is applied at create */
      pr->apparmor_profile = NULL;
      note (ctx, "process.apparmorProfile",
            "\"unconfined\" replaced by the policy's default profile");
    }
  cleanup_free char *type = pr->selinux_label
                                ? gr_policy_selinux_type (pr->selinux_label)
                                : NULL;
  if (type && gr_strlist_has (&p->selinux_forbidden, type))
    {
      free (pr->selinux_label);
      pr->selinux_label = NULL;
      note (ctx, "process.selinuxLabel",
            "unconfined type replaced by the policy's default label");
    }
}

static void
harden_process (const gr_policy *p, const gr_spec *s, gr_process *pr,
                gr_harden_note note, void *ctx)
{
  harden_caps (p, &pr->caps, note, ctx);
  harden_user (p, s, pr, note, ctx);
  if (p->nnp_required && !pr->no_new_privileges)
    {
      pr->no_new_privileges = true;
      note (ctx, "process.noNewPrivileges", "set to true");
    }
  if (pr->has_oom_score_adj && pr->oom_score_adj < p->oom_min)
    {
      pr->oom_score_adj = p->oom_min;
      note (ctx, "process.oomScoreAdj", "raised to the policy's minimum");
    }
  harden_lsm (p, pr, note, ctx);
}

static void
add_paths (char ***v, size_t *n, bool *has, const gr_strlist *req,
           const char *field, gr_harden_note note, void *ctx)
{
  for (size_t i = 0; i < req->n; i++)
    {
      bool present = false;
      for (size_t k = 0; k < *n && !present; k++)
        present = strcmp ((*v)[k], req->v[i]) == 0;
      if (present)
        continue;
      strv_append (v, n, req->v[i]);
      *has = true;
      cleanup_free char *msg = gr_fmt ("added %s", req->v[i]);
      note (ctx, field, msg);
    }
}

static gr_linux *
linux_of (gr_spec *s)
{
  if (s->lnx == NULL)
    s->lnx = gr_xcalloc (1, sizeof *s->lnx);
  return s->lnx;
}

static void
harden_namespaces (const gr_policy *p, gr_spec *s, gr_harden_note note,
                   void *ctx)
{
  for (size_t i = 0; i < p->ns_required.n; i++)
    {
      const char *t = p->ns_required.v[i];
      if (gr_spec_namespace (s, t)
          || (strcmp (t, "network") == 0 && gr_policy_allows_host_network (p)))
        continue;
      gr_linux *l = linux_of (s);
      l->namespaces = gr_xrealloc (l->namespaces,
                                   (l->n_namespaces + 1)
                                       * sizeof *l->namespaces);
      l->namespaces[l->n_namespaces++] = (gr_namespace) {
        .type = gr_xstrdup (t) };
      cleanup_free char *field = gr_fmt ("linux.namespaces[%s]", t);
      note (ctx, field, "added a private namespace");
    }
}

void
gr_policy_harden_spec (const gr_policy *p, gr_spec *s, gr_harden_note note,
                       void *ctx)
{
  if (p->root_readonly && !s->root_readonly)
    {
      s->root_readonly = true;
      note (ctx, "root.readonly", "set to true");
    }
  if (s->process)
    harden_process (p, s, s->process, note, ctx);
  harden_namespaces (p, s, note, ctx);
  gr_linux *l = linux_of (s);
  add_paths (&l->masked_paths, &l->n_masked_paths, &l->has_masked_paths,
             &p->masked_required, "linux.maskedPaths", note, ctx);
  add_paths (&l->readonly_paths, &l->n_readonly_paths, &l->has_readonly_paths,
             &p->readonly_required, "linux.readonlyPaths", note, ctx);
  cleanup_free char *why = NULL;
  if (l->seccomp && gr_policy_seccomp_too_open (p, l->seccomp, &why))
    {
      gr_seccomp_free (l->seccomp);
      /* NULL: create applies the default profile */
      l->seccomp = NULL;
      note (ctx, "linux.seccomp", "replaced by the default profile");
    }
}

void
gr_policy_harden_process (const gr_policy *p, const gr_spec *container,
                          gr_process *proc, gr_harden_note note, void *ctx)
{
  harden_process (p, container, proc, note, ctx);
}
