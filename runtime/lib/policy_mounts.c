/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Mount rules.  A bind mount's source is judged by the host path it
 * reaches, never by its spelling: /var/lib/kubelet/pods/x/volumes/y may be a
 * symlink to /, and /var/run is /run.  The engines' per-container files
 * (kubelet volumes, containerd's and podman's hostname/hosts/resolv.conf/
 * shm) live inside sensitive trees and are let through by the policy's
 * allow patterns, matched against the resolved path too.
 */
#include <fnmatch.h>
#include <limits.h>
#include <string.h>
#include <sys/stat.h>
#include <guardrun/util.h>
#include "policy_mounts.h"

/* ------------------------------------------------------------- paths -- */

typedef struct {
  char buf[PATH_MAX];
  size_t len;                /* buf is "" for "/" */
} path_buf;

static bool
pb_push (path_buf *pb, const char *comp, size_t n)
{
  if (pb->len + 1 + n >= sizeof pb->buf)
    return false;
  pb->buf[pb->len++] = '/';
  memcpy (pb->buf + pb->len, comp, n);
  pb->len += n;
  pb->buf[pb->len] = '\0';
  return true;
}

static void
pb_pop (path_buf *pb)
{
  while (pb->len > 0 && pb->buf[pb->len - 1] != '/')
    pb->len--;
  if (pb->len > 0)
    pb->len--;
  pb->buf[pb->len] = '\0';
}

/*
 * Walk `path` component by component below pb, following symlinks (at
 * most *budget of them) as the kernel would.  Once a component does not
 * exist, the rest is applied lexically: the mount would fail there, but
 * judging the spelled-out target keeps a path that is created later from
 * slipping through.
 */
static bool
walk (path_buf *pb, const char *path, int *budget, bool exists,
      const char *root)
{
  if (*path == '/')
    {
      pb->len = 0;
      pb->buf[0] = '\0';
    }
  for (const char *p = path; *p;)
    {
      while (*p == '/')
        p++;
      size_t n = strcspn (p, "/");
      if (n == 0)
        break;
      if (n == 1 && p[0] == '.')
        ;
      else if (n == 2 && p[0] == '.' && p[1] == '.')
        pb_pop (pb);
      else
        {
          size_t before = pb->len;
          if (!pb_push (pb, p, n))
            return false;
          struct stat st;
          cleanup_free char *host = root ? gr_fmt ("%s%s", root, pb->buf)
                                         : NULL;
          const char *look = host ? host : pb->buf;
          if (exists && lstat (look, &st) < 0)
            exists = false;
          else if (exists && S_ISLNK (st.st_mode))
            {
              char target[PATH_MAX];
              ssize_t t = readlink (look, target, sizeof target - 1);
              if (t < 0 || --*budget < 0)
                return false;
              target[t] = '\0';
              pb->len = before;
              pb->buf[before] = '\0';
              if (!walk (pb, target, budget, true, root))
                return false;
            }
        }
      p += n;
    }
  return true;
}

char *
gr_policy_resolve_source (const char *source, const char *bundle)
{
  path_buf pb = { .len = 0 };
  int budget = 40;           /* the kernel's MAXSYMLINKS */
  char cwd[PATH_MAX];
  const char *base = bundle ? bundle : getcwd (cwd, sizeof cwd);
  if (*source != '/'
      && (base == NULL || !walk (&pb, base, &budget, true, NULL)))
    return NULL;
  if (!walk (&pb, source, &budget, true, NULL))
    return NULL;
  return gr_xstrdup (pb.len ? pb.buf : "/");
}

/* path is dir or lies below it */
static bool
under (const char *path, const char *dir)
{
  size_t n = strlen (dir);
  if (n == 1 && dir[0] == '/')
    return true;
  while (n > 1 && dir[n - 1] == '/')
    n--;
  return strncmp (path, dir, n) == 0 && (path[n] == '\0' || path[n] == '/');
}

/* PATTERN followed by "/" and "**" matches everything strictly below what
   PATTERN matches; otherwise fnmatch, with '*' stopping at '/' (it may
   match a leading dot: podman's userdata/.containerenv; the path is
   resolved, so it holds no "." or ".." component) */
static bool
pattern_match (const char *pattern, const char *path)
{
  size_t n = strlen (pattern);
  if (n >= 3 && strcmp (pattern + n - 3, "/**") == 0)
    {
      cleanup_free char *base = gr_xstrndup (pattern, n - 3);
      cleanup_free char *prefix = gr_xstrdup (path);
      for (char *s = prefix + 1; *s; s++)
        if (*s == '/')
          {
            *s = '\0';
            bool m = fnmatch (base, prefix, FNM_PATHNAME) == 0;
            *s = '/';
            if (m)
              return true;
          }
      return false;
    }
  return fnmatch (pattern, path, FNM_PATHNAME) == 0;
}

static bool
any_match (const gr_strlist *l, const char *path)
{
  for (size_t i = 0; i < l->n; i++)
    if (pattern_match (l->v[i], path))
      return true;
  return false;
}

bool
gr_mount_has_option (const gr_mount *m, const char *opt)
{
  for (size_t i = 0; i < m->n_options; i++)
    if (strcmp (m->options[i], opt) == 0)
      return true;
  return false;
}

bool
gr_mount_is_bind (const gr_mount *m)
{
  return (m->type && strcmp (m->type, "bind") == 0)
         || gr_mount_has_option (m, "bind")
         || gr_mount_has_option (m, "rbind");
}

static bool
mount_ro (const gr_mount *m)
{
  return gr_mount_has_option (m, "ro") || gr_mount_has_option (m, "rro");
}

/* ------------------------------------------------------ source rule -- */

/* why the resolved host path may not be bound in, or NULL */
static char *
source_problem (const gr_policy *p, const char *real)
{
  const char *base = strrchr (real, '/');
  if (gr_strlist_has (&p->mnt_sockets, base ? base + 1 : real))
    return gr_fmt ("is a container-engine or kubelet socket");
  for (size_t i = 0; i < p->mnt_subtrees.n; i++)
    {
      const char *t = p->mnt_subtrees.v[i];
      if (under (real, t))
        return gr_fmt ("is inside %s", t);
      if (under (t, real))
        return gr_fmt ("contains %s", t);
    }
  for (size_t i = 0; i < p->mnt_sensitive.n; i++)
    {
      const char *t = p->mnt_sensitive.v[i];
      if (under (t, real))
        return strcmp (t, real) == 0 ? gr_fmt ("is a sensitive host path")
                                     : gr_fmt ("contains %s", t);
    }
  return NULL;
}

/* runc's rootless spec binds the host's /sys read-only at /sys (a fresh
   sysfs needs a network namespace the user owns); inside a user namespace
   that is the same view a read-only sysfs mount gives */
static bool
rootless_sysfs (const gr_rule_env *e, const gr_mount *m, const char *real)
{
  return strcmp (real, "/sys") == 0 && strcmp (m->destination, "/sys") == 0
         && mount_ro (m) && gr_policy_has_userns (e->s);
}

void
gr_rule_mount_source (gr_rule_env *e, const gr_rule *r)
{
  for (size_t i = 0; i < e->s->n_mounts; i++)
    {
      const gr_mount *m = &e->s->mounts[i];
      if (!gr_mount_is_bind (m) || m->source == NULL)
        continue;
      cleanup_free char *real = gr_policy_resolve_source (m->source,
                                                          e->bundle);
      if (real == NULL)
        {
          gr_finding_add (e, r, gr_fmt ("mounts[%zu].source", i),
                          "%s cannot be resolved (symlink loop or too long)",
                          m->source);
          continue;
        }
      if (any_match (&e->p->mnt_allowed, real)
          || (mount_ro (m) && any_match (&e->p->mnt_allowed_ro, real))
          || rootless_sysfs (e, m, real))
        continue;
      cleanup_free char *why = source_problem (e->p, real);
      if (why == NULL)
        continue;
      if (strcmp (real, m->source) == 0)
        gr_finding_add (e, r, gr_fmt ("mounts[%zu].source", i),
                        "bind mount of the host's %s: it %s", m->source, why);
      else
        gr_finding_add (e, r, gr_fmt ("mounts[%zu].source", i),
                        "bind mount of %s (the host's %s): it %s", m->source,
                        real, why);
    }
}

/* ------------------------------------------------ kernel filesystems -- */

static bool
private_ns (const gr_spec *s, const char *type)
{
  const gr_namespace *ns = gr_spec_namespace (s, type);
  return ns != NULL && ns->path == NULL;
}

void
gr_rule_mount_kernel_fs (gr_rule_env *e, const gr_rule *r)
{
  for (size_t i = 0; i < e->s->n_mounts; i++)
    {
      const gr_mount *m = &e->s->mounts[i];
      const char *t = m->type ? m->type : "";
      bool ro = mount_ro (m);
      if (strcmp (t, "proc") == 0 && gr_spec_namespace (e->s, "pid") == NULL)
        gr_finding_add (e, r, gr_fmt ("mounts[%zu]", i),
                        "proc at %s in the host PID namespace shows every "
                        "host process", m->destination);
      else if (strcmp (t, "sysfs") == 0 && !ro
               && !gr_policy_has_userns (e->s))
        gr_finding_add (e, r, gr_fmt ("mounts[%zu].options", i),
                        "sysfs at %s is writable without a user namespace "
                        "(add \"ro\")", m->destination);
      else if ((strcmp (t, "cgroup") == 0 || strcmp (t, "cgroup2") == 0)
               && !ro && !private_ns (e->s, "cgroup"))
        gr_finding_add (e, r, gr_fmt ("mounts[%zu].options", i),
                        "%s at %s is writable outside a private cgroup "
                        "namespace (add \"ro\")", t, m->destination);
    }
}

/* ---------------------------------------------------- destinations -- */

static bool
has_dotdot (const char *p)
{
  for (const char *s = p; (s = strstr (s, "..")); s += 2)
    if ((s == p || s[-1] == '/') && (s[2] == '\0' || s[2] == '/'))
      return true;
  return false;
}

void
gr_rule_mount_dotdot (gr_rule_env *e, const gr_rule *r)
{
  for (size_t i = 0; i < e->s->n_mounts; i++)
    if (has_dotdot (e->s->mounts[i].destination))
      gr_finding_add (e, r, gr_fmt ("mounts[%zu].destination", i),
                      "\"%s\" has a \"..\" component",
                      e->s->mounts[i].destination);
}

/* the rootfs's host path, if it is there to look at (it is not when
   `check` lints a config from another machine) */
static char *
rootfs_path (const gr_rule_env *e)
{
  const char *root = e->s->root_path;
  if (root == NULL)
    return NULL;
  cleanup_free char *path = root[0] == '/' || e->bundle == NULL
                                ? gr_xstrdup (root)
                                : gr_fmt ("%s/%s", e->bundle, root);
  char *real = realpath (path, NULL);
  if (real && strcmp (real, "/") == 0)
    {
      /* "/" as the rootfs: lstat below would need no prefix */
      free (real);
      real = gr_xstrdup ("");
    }
  return real;
}

/*
 * The destination where the mount will land once the rootfs's own symlinks
 * are followed inside the root (as the runtime resolves it), e.g. /proc
 * for /evil when the image ships evil -> /proc (CVE-2023-27561).  A
 * component that does not exist yet ends the resolution; the rest is
 * applied lexically.
 */
static char *
dest_in_rootfs (const char *root, const char *dest)
{
  path_buf pb = { .len = 0 };
  int budget = 40;
  if (!walk (&pb, dest, &budget, true, root))
    return NULL;
  return gr_xstrdup (pb.len ? pb.buf : "/");
}

static void
over_proc (gr_rule_env *e, const gr_rule *r, size_t i, const char *d,
           const char *spelled)
{
  const gr_mount *m = &e->s->mounts[i];
  bool is_proc = m->type && strcmp (m->type, "proc") == 0;
  cleanup_free char *via = spelled ? gr_fmt (" (%s through a symlink in the "
                                             "rootfs)", spelled)
                                   : gr_xstrdup ("");
  if (strcmp (d, "/proc") == 0 && !is_proc)
    gr_finding_add (e, r, gr_fmt ("mounts[%zu]", i),
                    "/proc%s must be a proc mount, not %s%s%s", via,
                    m->type ? m->type : "a bind", m->source ? " of " : "",
                    m->source ? m->source : "");
  else if (under (d, "/proc") && strcmp (d, "/proc") != 0)
    gr_finding_add (e, r, gr_fmt ("mounts[%zu].destination", i),
                    "mounts over %s%s inside /proc", d, via);
}

void
gr_rule_mount_over_proc (gr_rule_env *e, const gr_rule *r)
{
  cleanup_free char *root = rootfs_path (e);
  for (size_t i = 0; i < e->s->n_mounts; i++)
    {
      const gr_mount *m = &e->s->mounts[i];
      path_buf pb = { .len = 0 };
      int budget = 0;
      /* lexically first: the config's own words */
      if (!walk (&pb, m->destination, &budget, false, NULL))
        continue;
      const char *d = pb.len ? pb.buf : "/";
      size_t before = e->out->n;
      over_proc (e, r, i, d, NULL);
      if (e->out->n != before || root == NULL)
        continue;
      cleanup_free char *in = dest_in_rootfs (root, d);
      if (in && strcmp (in, d) != 0)
        over_proc (e, r, i, in, m->destination);
    }
}

void
gr_rule_mount_propagation (gr_rule_env *e, const gr_rule *r)
{
  if (e->p->mnt_shared_propagation)
    return;
  const char *rp = e->s->lnx ? e->s->lnx->rootfs_propagation : NULL;
  if (rp && (strcmp (rp, "shared") == 0 || strcmp (rp, "rshared") == 0))
    gr_finding_add (e, r, gr_xstrdup ("linux.rootfsPropagation"),
                    "\"%s\" propagates the container's mounts to the host",
                    rp);
  for (size_t i = 0; i < e->s->n_mounts; i++)
    {
      const gr_mount *m = &e->s->mounts[i];
      const char *opt = gr_mount_has_option (m, "rshared") ? "rshared"
                        : gr_mount_has_option (m, "shared") ? "shared"
                                                            : NULL;
      if (opt)
        gr_finding_add (e, r, gr_fmt ("mounts[%zu].options", i),
                        "\"%s\" on %s propagates mounts to the host", opt,
                        m->destination);
    }
}
