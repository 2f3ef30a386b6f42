/* SPDX-License-Identifier: Apache-2.0 */
/*
 * OCI linux.seccomp -> classic BPF, compiled with libseccomp in the parent
 * and cached on disk, so the container init only makes one seccomp(2) call
 * with a ready program (no parsing, no allocation between clone and exec).
 */
#include <fcntl.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <seccomp.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <guardrun/log.h>
#include <guardrun/profiles.h>
#include <guardrun/seccomp.h>
#include <guardrun/sha256.h>
#include <guardrun/util.h>

struct gr_seccomp_prog {
  struct sock_fprog fprog;
  unsigned int flags;        /* SECCOMP_FILTER_FLAG_* from the profile */
  bool notify;
};

/* bump when the key material or the compilation changes meaning */
#define CACHE_FORMAT "guardrun-seccomp-cache-2"
#define CACHE_MAGIC "GRBPF\002\0\0"

struct cache_hdr {
  char magic[8];
  uint8_t key[32];           /* the key the file name claims */
  uint8_t sum[32];           /* sha256 of the instructions that follow */
  uint32_t n_insns;
  uint32_t flags;            /* the profile's SECCOMP_FILTER_FLAG_* */
  uint32_t notify;           /* it uses SCMP_ACT_NOTIFY */
  uint32_t reserved;
};

static void
prog_freep (gr_seccomp_prog **p)
{
  gr_seccomp_prog_free (*p);
}
#define cleanup_prog __attribute__ ((cleanup (prog_freep)))

static void
ctx_releasep (scmp_filter_ctx *ctx)
{
  if (*ctx)
    seccomp_release (*ctx);
}
#define cleanup_scmp __attribute__ ((cleanup (ctx_releasep)))

void
gr_seccomp_prog_free (gr_seccomp_prog *prog)
{
  if (prog == NULL)
    return;
  free (prog->fprog.filter);
  free (prog);
}

bool
gr_seccomp_prog_needs_notify (const gr_seccomp_prog *prog)
{
  return prog->notify;
}

const void *
gr_seccomp_prog_insns (const gr_seccomp_prog *prog, size_t *n)
{
  *n = prog->fprog.len;
  return prog->fprog.filter;
}

/* ------------------------------------------------------------ names -- */

static const struct { const char *name; unsigned int flag; } filter_flags[] = {
  { "SECCOMP_FILTER_FLAG_TSYNC", SECCOMP_FILTER_FLAG_TSYNC },
  { "SECCOMP_FILTER_FLAG_LOG", SECCOMP_FILTER_FLAG_LOG },
  { "SECCOMP_FILTER_FLAG_SPEC_ALLOW", SECCOMP_FILTER_FLAG_SPEC_ALLOW },
  { "SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV",
    SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV },
};

static const struct { const char *name; enum scmp_compare op; } compare_ops[] = {
  { "SCMP_CMP_NE", SCMP_CMP_NE },
  { "SCMP_CMP_LT", SCMP_CMP_LT },
  { "SCMP_CMP_LE", SCMP_CMP_LE },
  { "SCMP_CMP_EQ", SCMP_CMP_EQ },
  { "SCMP_CMP_GE", SCMP_CMP_GE },
  { "SCMP_CMP_GT", SCMP_CMP_GT },
  { "SCMP_CMP_MASKED_EQ", SCMP_CMP_MASKED_EQ },
};

/* OCI action name (+ errnoRet) -> libseccomp action value */
static int
parse_action (const char *name, bool has_ret, uint32_t ret, uint32_t *out,
              gr_error **err)
{
  if (name == NULL)
    return gr_error_set (err, 0, "missing action");
  if (strcmp (name, "SCMP_ACT_ERRNO") == 0)
    *out = SCMP_ACT_ERRNO (has_ret ? ret : EPERM);
  else if (strcmp (name, "SCMP_ACT_TRACE") == 0)
    *out = SCMP_ACT_TRACE (has_ret ? ret : EPERM);
  else if (strcmp (name, "SCMP_ACT_KILL") == 0
           || strcmp (name, "SCMP_ACT_KILL_THREAD") == 0)
    *out = SCMP_ACT_KILL_THREAD;
  else if (strcmp (name, "SCMP_ACT_KILL_PROCESS") == 0)
    *out = SCMP_ACT_KILL_PROCESS;
  else if (strcmp (name, "SCMP_ACT_TRAP") == 0)
    *out = SCMP_ACT_TRAP;
  else if (strcmp (name, "SCMP_ACT_ALLOW") == 0)
    *out = SCMP_ACT_ALLOW;
  else if (strcmp (name, "SCMP_ACT_LOG") == 0)
    *out = SCMP_ACT_LOG;
  else if (strcmp (name, "SCMP_ACT_NOTIFY") == 0)
    *out = SCMP_ACT_NOTIFY;
  else
    return gr_error_set (err, 0, "unknown action \"%s\"", name);
  if (has_ret && *out != SCMP_ACT_ERRNO (ret) && *out != SCMP_ACT_TRACE (ret))
    return gr_error_set (err, 0, "errnoRet is only valid with SCMP_ACT_ERRNO "
                         "or SCMP_ACT_TRACE, not %s", name);
  return 0;
}

static int
parse_flags (const gr_seccomp *s, unsigned int *out, gr_error **err)
{
  *out = 0;
  for (size_t i = 0; i < s->n_flags; i++)
    {
      size_t k = 0;
      while (k < GR_ARRAY_SIZE (filter_flags)
             && strcmp (filter_flags[k].name, s->flags[i]) != 0)
        k++;
      if (k == GR_ARRAY_SIZE (filter_flags))
        return gr_error_set (err, 0, "linux.seccomp.flags[%zu]: unknown flag "
                             "\"%s\"", i, s->flags[i]);
      *out |= filter_flags[k].flag;
    }
  return 0;
}

static bool
profile_uses_notify (const gr_seccomp *s)
{
  if (s->default_action && strcmp (s->default_action, "SCMP_ACT_NOTIFY") == 0)
    return true;
  for (size_t i = 0; i < s->n_syscalls; i++)
    if (s->syscalls[i].action
        && strcmp (s->syscalls[i].action, "SCMP_ACT_NOTIFY") == 0)
      return true;
  return false;
}

/* ------------------------------------------------------------ cache key -- */

static void
feed_str (gr_sha256_ctx *c, const char *s)
{
  /* length-prefixed: ("ab","c") and ("a","bc") must differ */
  uint64_t n = s ? strlen (s) : UINT64_MAX;
  gr_sha256_update (c, &n, sizeof n);
  if (s)
    gr_sha256_update (c, s, n);
}

static void
feed_u64 (gr_sha256_ctx *c, uint64_t v)
{
  gr_sha256_update (c, &v, sizeof v);
}

static void
feed_strv (gr_sha256_ctx *c, char **v, size_t n)
{
  feed_u64 (c, n);
  for (size_t i = 0; i < n; i++)
    feed_str (c, v[i]);
}

static void
feed_syscall (gr_sha256_ctx *c, const gr_seccomp_syscall *sc)
{
  feed_strv (c, sc->names, sc->n_names);
  feed_str (c, sc->action);
  feed_u64 (c, sc->has_errno_ret ? sc->errno_ret : UINT64_MAX);
  feed_u64 (c, sc->n_args);
  for (size_t k = 0; k < sc->n_args; k++)
    {
      feed_u64 (c, sc->args[k].index);
      feed_u64 (c, sc->args[k].value);
      feed_u64 (c, sc->args[k].value_two);
      feed_str (c, sc->args[k].op);
    }
}

/* Everything the BPF depends on: the profile, the native arch and the
   libseccomp that compiles it. */
static void
key_start (gr_sha256_ctx *c, const char *kind)
{
  const struct scmp_version *v = seccomp_version ();
  gr_sha256_init (c);
  feed_str (c, CACHE_FORMAT);
  feed_str (c, kind);
  feed_u64 (c, seccomp_arch_native ());
  feed_u64 (c, (uint64_t) v->major << 32 | v->minor << 16 | v->micro);
}

static void
cache_key (const gr_seccomp *s, uint8_t key[32])
{
  gr_sha256_ctx c;
  key_start (&c, "profile");
  feed_str (&c, s->default_action);
  feed_u64 (&c, s->has_default_errno_ret ? s->default_errno_ret : UINT64_MAX);
  feed_strv (&c, s->architectures, s->n_architectures);
  feed_strv (&c, s->flags, s->n_flags);
  feed_str (&c, s->listener_path);
  feed_u64 (&c, s->n_syscalls);
  for (size_t i = 0; i < s->n_syscalls; i++)
    feed_syscall (&c, &s->syscalls[i]);
  gr_sha256_final (&c, key);
}

/* --------------------------------------------------------- compilation -- */

static int
add_arches (scmp_filter_ctx ctx, const gr_seccomp *s, gr_error **err)
{
  for (size_t i = 0; i < s->n_architectures; i++)
    {
      const char *name = s->architectures[i];
      if (strncmp (name, "SCMP_ARCH_", 10) != 0)
        return gr_error_set (err, 0, "linux.seccomp.architectures[%zu]: "
                             "unknown architecture \"%s\"", i, name);
      char lower[32];
      size_t n = 0;
      for (const char *p = name + 10; *p && n + 1 < sizeof lower; p++)
        lower[n++] = (char) (*p >= 'A' && *p <= 'Z' ? *p + 32 : *p);
      lower[n] = '\0';
      uint32_t arch = seccomp_arch_resolve_name (lower);
      if (arch == 0)
        {
          /* an arch this libseccomp predates: its syscalls stay killed by
             the bad-arch action, which fails closed */
          gr_debug ("seccomp: architecture %s unknown to libseccomp, ignored",
                    name);
          continue;
        }
      int r = seccomp_arch_add (ctx, arch);
      if (r < 0 && r != -EEXIST)
        return gr_error_set (err, -r, "seccomp: add architecture %s", name);
    }
  return 0;
}

static int
make_cond (const gr_seccomp_arg *a, struct scmp_arg_cmp *out, gr_error **err)
{
  size_t k = 0;
  while (k < GR_ARRAY_SIZE (compare_ops)
         && !(a->op && strcmp (compare_ops[k].name, a->op) == 0))
    k++;
  if (k == GR_ARRAY_SIZE (compare_ops))
    return gr_error_set (err, 0, "unknown operator \"%s\"",
                         a->op ? a->op : "");
  if (a->index > 5)
    return gr_error_set (err, 0, "argument index %u out of range (0-5)",
                         a->index);
  /* OCI: for MASKED_EQ, value is the mask and valueTwo the datum */
  *out = (struct scmp_arg_cmp) { .arg = a->index, .op = compare_ops[k].op,
                                 .datum_a = a->value,
                                 .datum_b = a->value_two };
  return 0;
}

/*
 * One syscall entry.  As runc does: conditions on distinct arguments are
 * ANDed in one rule; when an argument appears twice (which libseccomp cannot
 * express in one rule) each condition becomes its own rule, i.e. ORed.
 */
static int
add_syscall_rules (scmp_filter_ctx ctx, int nr, uint32_t act,
                   const gr_seccomp_syscall *sc, gr_error **err)
{
  struct scmp_arg_cmp conds[sc->n_args ? sc->n_args : 1];
  unsigned int seen = 0;
  bool repeated = false;
  for (size_t k = 0; k < sc->n_args; k++)
    {
      if (make_cond (&sc->args[k], &conds[k], err) < 0)
        return gr_error_wrap (err, "args[%zu]", k);
      repeated |= (seen >> sc->args[k].index) & 1;
      seen |= 1u << sc->args[k].index;
    }
  int r = 0;
  if (!repeated)
    r = seccomp_rule_add_array (ctx, act, nr, sc->n_args, conds);
  for (size_t k = 0; repeated && r == 0 && k < sc->n_args; k++)
    r = seccomp_rule_add_array (ctx, act, nr, 1, &conds[k]);
  if (r < 0)
    return gr_error_set (err, -r, "add rule");
  return 0;
}

/* write/sendmsg carry the listener fd out of the container init after the
   filter is loaded: notifying them would deadlock the init (runc refuses
   the same) */
static bool
notify_forbidden (const char *name)
{
  return strcmp (name, "write") == 0 || strcmp (name, "sendmsg") == 0;
}

static int
add_syscall (scmp_filter_ctx ctx, uint32_t def, size_t i,
             const gr_seccomp_syscall *sc, gr_error **err)
{
  uint32_t act;
  if (parse_action (sc->action, sc->has_errno_ret, sc->errno_ret, &act, err)
      < 0)
    return gr_error_wrap (err, "linux.seccomp.syscalls[%zu]", i);
  /* libseccomp refuses a rule equal to the default; it would be a no-op */
  if (act == def)
    return 0;
  for (size_t n = 0; n < sc->n_names; n++)
    {
      const char *name = sc->names[n];
      if (act == SCMP_ACT_NOTIFY && notify_forbidden (name))
        return gr_error_set (err, 0, "linux.seccomp.syscalls[%zu]: "
                             "SCMP_ACT_NOTIFY cannot be used for %s", i, name);
      int nr = seccomp_syscall_resolve_name (name);
      if (nr == __NR_SCMP_ERROR)
        {
          /* runc's behaviour: profiles list syscalls of newer kernels */
          gr_debug ("seccomp: unknown syscall \"%s\" ignored", name);
          continue;
        }
      if (add_syscall_rules (ctx, nr, act, sc, err) < 0)
        return gr_error_wrap (err, "linux.seccomp.syscalls[%zu] (%s)", i,
                              name);
    }
  return 0;
}

/* libseccomp writes the program to an fd: use an anonymous memory file */
static int
export_bpf (scmp_filter_ctx ctx, struct sock_fprog *out, gr_error **err)
{
  cleanup_close int fd = memfd_create ("guardrun-seccomp", MFD_CLOEXEC);
  if (fd < 0)
    return gr_error_set (err, errno, "memfd_create");
  int r = seccomp_export_bpf (ctx, fd);
  if (r < 0)
    return gr_error_set (err, -r, "seccomp: export BPF");
  cleanup_free char *buf = NULL;
  size_t len;
  if (lseek (fd, 0, SEEK_SET) < 0)
    return gr_error_set (err, errno, "seccomp: rewind the exported BPF");
  if (gr_read_fd (fd, BPF_MAXINSNS * sizeof (struct sock_filter) * 8, &buf,
                  &len, err) < 0)
    return gr_error_wrap (err, "seccomp: read the exported BPF");
  if (len == 0 || len % sizeof (struct sock_filter) != 0
      || len / sizeof (struct sock_filter) > BPF_MAXINSNS)
    return gr_error_set (err, 0, "seccomp: the compiled program has %zu "
                         "bytes: too large or malformed", len);
  out->len = (unsigned short) (len / sizeof (struct sock_filter));
  out->filter = (struct sock_filter *) gr_steal (buf);
  return 0;
}

static int
build (const gr_seccomp *s, struct sock_fprog *out, gr_error **err)
{
  uint32_t def;
  if (parse_action (s->default_action, s->has_default_errno_ret,
                    s->default_errno_ret, &def, err) < 0)
    return gr_error_wrap (err, "linux.seccomp.defaultAction");
  cleanup_scmp scmp_filter_ctx ctx = seccomp_init (def);
  if (ctx == NULL)
    return gr_error_set (err, EINVAL, "seccomp: init with default action %s",
                         s->default_action);
  /* a binary tree instead of a linear list: the default profile's ~350
     allowed syscalls cost ~9 comparisons instead of up to 350 */
  (void) seccomp_attr_set (ctx, SCMP_FLTATR_CTL_OPTIMIZE, 2);
  if (add_arches (ctx, s, err) < 0)
    return -1;
  for (size_t i = 0; i < s->n_syscalls; i++)
    if (add_syscall (ctx, def, i, &s->syscalls[i], err) < 0)
      return -1;
  return export_bpf (ctx, out, err);
}

/* ---------------------------------------------------------------- cache -- */

/* The cache directory must be root's alone: whoever can write there
   chooses the filter of every container. */
static int
cache_dir_open (const char *dir, bool create)
{
  if (create && gr_mkdir_p (dir, 0700, NULL) < 0)
    return -1;
  int fd = open (dir, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
  struct stat st;
  if (fd >= 0 && (fstat (fd, &st) < 0 || st.st_uid != geteuid ()
                  || (st.st_mode & 022) != 0))
    {
      gr_debug ("seccomp: cache dir %s is not private to uid %u, not used",
                dir, (unsigned) geteuid ());
      close (fd);
      return -1;
    }
  return fd;
}

static void
key_name (const uint8_t key[32], char name[70])
{
  char hex[65];
  gr_sha256_hex (key, hex);
  snprintf (name, 70, "%s.bpf", hex);
}

static int
cache_load (int dfd, const uint8_t key[32], gr_seccomp_prog *prog)
{
  char name[70];
  key_name (key, name);
  cleanup_close int fd = openat (dfd, name,
                                 O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
  struct stat st;
  if (fd < 0 || fstat (fd, &st) < 0 || !S_ISREG (st.st_mode)
      || st.st_uid != geteuid ()
      || st.st_size < (off_t) sizeof (struct cache_hdr)
      || st.st_size > (off_t) (sizeof (struct cache_hdr)
                               + BPF_MAXINSNS * sizeof (struct sock_filter)))
    return -1;
  size_t size = (size_t) st.st_size;
  cleanup_free char *buf = gr_xmalloc (size);
  if (gr_read_all (fd, buf, size) != (ssize_t) size)
    return -1;
  struct cache_hdr h;
  memcpy (&h, buf, sizeof h);
  size_t plen = size - sizeof h;
  uint8_t sum[32];
  gr_sha256 (buf + sizeof h, plen, sum);
  if (memcmp (h.magic, CACHE_MAGIC, 8) != 0 || memcmp (h.key, key, 32) != 0
      || h.n_insns == 0 || plen != h.n_insns * sizeof (struct sock_filter)
      || memcmp (h.sum, sum, 32) != 0)
    {
      gr_debug ("seccomp: cache entry %s is corrupt, recompiling", name);
      return -1;
    }
  prog->fprog.len = (unsigned short) h.n_insns;
  prog->fprog.filter = gr_xmalloc (plen);
  memcpy (prog->fprog.filter, buf + sizeof h, plen);
  prog->flags = h.flags;
  prog->notify = h.notify != 0;
  return 0;
}

static void
cache_store (int dfd, const uint8_t key[32], const gr_seccomp_prog *prog)
{
  const struct sock_fprog *p = &prog->fprog;
  size_t plen = p->len * sizeof (struct sock_filter);
  struct cache_hdr h = { .n_insns = p->len, .flags = prog->flags,
                         .notify = prog->notify };
  memcpy (h.magic, CACHE_MAGIC, 8);
  memcpy (h.key, key, 32);
  gr_sha256 (p->filter, plen, h.sum);
  cleanup_free char *buf = gr_xmalloc (sizeof h + plen);
  memcpy (buf, &h, sizeof h);
  memcpy (buf + sizeof h, p->filter, plen);
  char name[70];
  key_name (key, name);
  cleanup_error gr_error *e = NULL;
  /* a failed store only costs the next create a compilation */
  if (gr_write_file_atomic (dfd, name, buf, sizeof h + plen, 0600, &e) < 0)
    gr_debug ("seccomp: cannot cache %s: %s", name, e->msg);
}

/* what install needs besides the program */
static int
prog_meta (const gr_seccomp *profile, gr_seccomp_prog *prog, gr_error **err)
{
  if (parse_flags (profile, &prog->flags, err) < 0)
    return -1;
  prog->notify = profile_uses_notify (profile);
  if (prog->notify && profile->listener_path == NULL)
    return gr_error_set (err, 0, "linux.seccomp: SCMP_ACT_NOTIFY needs "
                         "listenerPath");
  return 0;
}

/* the program for key: from the cache, else compiled (profile NULL: the
   built-in default, parsed only now) and stored */
static int
get_prog (const gr_seccomp *profile, const uint8_t key[32],
          const char *cache_dir, gr_seccomp_prog **out, gr_error **err)
{
  cleanup_prog gr_seccomp_prog *prog = gr_xcalloc (1, sizeof *prog);
  cleanup_close int dfd = cache_dir ? cache_dir_open (cache_dir, false) : -1;
  if (dfd >= 0 && cache_load (dfd, key, prog) == 0)
    {
      *out = gr_steal (prog);
      return 0;
    }
  if (profile == NULL && gr_seccomp_default_profile (&profile, err) < 0)
    return -1;
  if (prog_meta (profile, prog, err) < 0
      || build (profile, &prog->fprog, err) < 0)
    return -1;
  if (cache_dir && dfd < 0)
    dfd = cache_dir_open (cache_dir, true);
  if (dfd >= 0)
    cache_store (dfd, key, prog);
  *out = gr_steal (prog);
  return 0;
}

int
gr_seccomp_compile (const gr_seccomp *profile, const char *cache_dir,
                    gr_seccomp_prog **out, gr_error **err)
{
  gr_seccomp_prog meta = { .flags = 0 };
  /* the profile's own errors are reported even when the cache has it */
  if (prog_meta (profile, &meta, err) < 0)
    return -1;
  uint8_t key[32];
  cache_key (profile, key);
  return get_prog (profile, key, cache_dir, out, err);
}

/* The built-in profile is keyed by its embedded text: on a cache hit it is
   never parsed at all. */
int
gr_seccomp_compile_default (const char *cache_dir, gr_seccomp_prog **out,
                            gr_error **err)
{
  gr_sha256_ctx c;
  uint8_t key[32];
  key_start (&c, "builtin-default");
  gr_sha256_update (&c, gr_profile_seccomp_default,
                    (size_t) (gr_profile_seccomp_default_end
                              - gr_profile_seccomp_default));
  gr_sha256_final (&c, key);
  return get_prog (NULL, key, cache_dir, out, err);
}

/* -------------------------------------------------------------- install -- */

int
gr_seccomp_install (const gr_seccomp_prog *prog, int *notify_fd)
{
  unsigned int flags = prog->flags;
  if (notify_fd)
    *notify_fd = -1;
  if (prog->notify)
    {
      flags |= SECCOMP_FILTER_FLAG_NEW_LISTENER;
      /* TSYNC and NEW_LISTENER both use the return value: ESRCH instead */
      if (flags & SECCOMP_FILTER_FLAG_TSYNC)
        flags |= SECCOMP_FILTER_FLAG_TSYNC_ESRCH;
    }
  long r = syscall (SYS_seccomp, SECCOMP_SET_MODE_FILTER, flags,
                    (struct sock_fprog *) &prog->fprog);
  if (r < 0)
    return -errno;
  if (prog->notify && notify_fd)
    *notify_fd = (int) r;
  return 0;
}

/* ------------------------------------------------------ default profile -- */

static gr_seccomp *default_profile;

int
gr_seccomp_default_profile (const gr_seccomp **out, gr_error **err)
{
  if (default_profile == NULL)
    {
      cleanup_json gr_json *j = NULL;
      size_t len = (size_t) (gr_profile_seccomp_default_end
                             - gr_profile_seccomp_default);
      if (gr_json_parse ("profiles/seccomp/default.json",
                         gr_profile_seccomp_default, len, &j, err) < 0
          || gr_seccomp_from_json ("profiles/seccomp/default.json", j,
                                   &default_profile, err) < 0)
        return gr_error_wrap (err, "built-in seccomp profile");
    }
  *out = default_profile;
  return 0;
}
