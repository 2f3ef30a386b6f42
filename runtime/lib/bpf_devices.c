/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The device filter: linux.resources.devices as a BPF_CGROUP_DEVICE
 * program, written instruction by instruction (no libbpf).  The rules are
 * first reduced with cgroup v1 semantics, as runc's emulator does: an "a"
 * rule resets the default (allow or deny), every other rule adds or removes
 * an exception to it, and removing part of a wildcard exception is an error
 * rather than a silent no-op.  The program then checks the exceptions and
 * falls back to the default.
 */
#include <errno.h>
#include <inttypes.h>
#include <linux/bpf.h>
#include <string.h>
#include <sys/syscall.h>
#include <guardrun/log.h>
#include <guardrun/util.h>
#include "cgroup_internal.h"

_Static_assert (sizeof (gr_bpf_insn) == sizeof (struct bpf_insn),
                "gr_bpf_insn must match struct bpf_insn");

#define WILDCARD (-1)
#define MAX_RULES 4096

/* the standard devices every container gets unless its rules say
   otherwise: any mknod, the nodes the runtime spec requires, ptys (crun's
   list; runc's adds /dev/net/tun) */
#define DEV(t, ma, mi, acc) \
  { .allow = true, .type = (char *) t, .has_major = ma >= 0, .major = ma, \
    .has_minor = mi >= 0, .minor = mi, .access = (char *) acc }
const gr_device_rule gr_cg_default_devices[] = {
  DEV ("c", -1, -1, "m"),   DEV ("b", -1, -1, "m"),
  DEV ("c", 1, 3, "rwm"),   /* null */
  DEV ("c", 1, 8, "rwm"),   /* random */
  DEV ("c", 1, 7, "rwm"),   /* full */
  DEV ("c", 5, 0, "rwm"),   /* tty */
  DEV ("c", 1, 5, "rwm"),   /* zero */
  DEV ("c", 1, 9, "rwm"),   /* urandom */
  DEV ("c", 136, -1, "rwm"), /* pts */
  DEV ("c", 5, 1, "rwm"),   /* console */
  DEV ("c", 5, 2, "rwm"),   /* ptmx */
};
const size_t gr_cg_n_default_devices = GR_ARRAY_SIZE (gr_cg_default_devices);

/* ------------------------------------------------------------ emulator -- */

typedef struct {
  int type;                  /* BPF_DEVCG_DEV_CHAR / _BLOCK */
  int64_t major, minor;      /* WILDCARD = any */
  int access;                /* BPF_DEVCG_ACC_* bits */
} exception;

typedef struct {
  bool default_allow;
  exception *v;
  size_t n;
} emulator;

static int
parse_access (const char *s, int *out)
{
  *out = 0;
  if (s == NULL)
    s = "rwm";
  for (; *s; s++)
    switch (*s)
      {
      case 'r': *out |= BPF_DEVCG_ACC_READ; break;
      case 'w': *out |= BPF_DEVCG_ACC_WRITE; break;
      case 'm': *out |= BPF_DEVCG_ACC_MKNOD; break;
      default: return -1;
      }
  return *out ? 0 : -1;
}

static exception *
find (emulator *e, int type, int64_t major, int64_t minor)
{
  for (size_t i = 0; i < e->n; i++)
    if (e->v[i].type == type && e->v[i].major == major
        && e->v[i].minor == minor)
      return &e->v[i];
  return NULL;
}

static void
add_exception (emulator *e, const exception *x)
{
  exception *have = find (e, x->type, x->major, x->minor);
  if (have)
    {
      have->access |= x->access;
      return;
    }
  e->v = gr_xrealloc (e->v, (e->n + 1) * sizeof *e->v);
  e->v[e->n++] = *x;
}

static int
remove_exception (emulator *e, const exception *x, gr_error **err)
{
  /* a wildcard exception overlapping this one cannot be split: refuse
     rather than leave access the config meant to remove */
  const int64_t partial[3][2] = { { WILDCARD, x->minor },
                                  { x->major, WILDCARD },
                                  { WILDCARD, WILDCARD } };
  for (int i = 0; i < 3; i++)
    {
      if (partial[i][0] == x->major && partial[i][1] == x->minor)
        continue;
      exception *w = find (e, x->type, partial[i][0], partial[i][1]);
      if (w && (w->access & x->access))
        return gr_error_set (err, 0, "a rule cannot punch a hole in an "
                             "earlier wildcard rule");
    }
  exception *have = find (e, x->type, x->major, x->minor);
  if (have)
    {
      have->access &= ~x->access;
      if (have->access == 0)
        *have = e->v[--e->n];
    }
  return 0;
}

static int
emulate (emulator *e, const gr_device_rule *r, gr_error **err)
{
  const char *t = r->type ? r->type : "a";
  exception x = { .major = r->has_major ? r->major : WILDCARD,
                  .minor = r->has_minor ? r->minor : WILDCARD };
  if (parse_access (r->access, &x.access) < 0)
    return gr_error_set (err, 0, "invalid access `%s` (a subset of rwm)",
                         r->access);
  if (x.major < WILDCARD || x.minor < WILDCARD || x.major > UINT32_MAX
      || x.minor > UINT32_MAX)
    return gr_error_set (err, 0, "invalid device number");
  if (strcmp (t, "a") == 0)
    {
      /* "a" replaces the whole list: allow-all or deny-all */
      e->n = 0;
      e->default_allow = r->allow;
      return 0;
    }
  if (strcmp (t, "c") == 0)
    x.type = BPF_DEVCG_DEV_CHAR;
  else if (strcmp (t, "b") == 0)
    x.type = BPF_DEVCG_DEV_BLOCK;
  else
    return gr_error_set (err, 0, "invalid type `%s` (a, b or c)", t);
  /* a rule that agrees with the default removes exceptions; one that
     disagrees adds one */
  if (r->allow != e->default_allow)
    add_exception (e, &x);
  else if (remove_exception (e, &x, err) < 0)
    return -1;
  return 0;
}

/* -------------------------------------------------------------- codegen -- */

typedef struct {
  gr_bpf_insn *v;
  size_t n;
} prog;

static void
emit (prog *p, uint8_t code, int dst, int src, int16_t off, int32_t imm)
{
  p->v = gr_xrealloc (p->v, (p->n + 1) * sizeof *p->v);
  p->v[p->n++] = (gr_bpf_insn) { .code = code,
                                 .regs = (uint8_t) (dst | (src << 4)),
                                 .off = off, .imm = imm };
}

/* registers after the prologue: r2 type, r3 access, r4 major, r5 minor */
static void
prologue (prog *p)
{
  emit (p, BPF_LDX | BPF_MEM | BPF_W, 2, 1, 0, 0);
  emit (p, BPF_ALU | BPF_AND | BPF_K, 2, 0, 0, 0xffff);
  emit (p, BPF_LDX | BPF_MEM | BPF_W, 3, 1, 0, 0);
  emit (p, BPF_ALU | BPF_RSH | BPF_K, 3, 0, 0, 16);
  emit (p, BPF_LDX | BPF_MEM | BPF_W, 4, 1, 4, 0);
  emit (p, BPF_LDX | BPF_MEM | BPF_W, 5, 1, 8, 0);
}

/*
 * One exception: every test jumps past the block when it fails.  An allow
 * exception needs all requested access bits in its set (as v1's
 * match_exception); a deny exception applies when any bit overlaps (v1's
 * match_exception_partial), so "rw" cannot slip past a "w" deny.
 */
static void
emit_exception (prog *p, const exception *x, bool allow)
{
  size_t jumps[4];
  int nj = 0;
  emit (p, BPF_JMP | BPF_JNE | BPF_K, 2, 0, 0, x->type);
  jumps[nj++] = p->n - 1;
  int all = BPF_DEVCG_ACC_READ | BPF_DEVCG_ACC_WRITE | BPF_DEVCG_ACC_MKNOD;
  if (x->access != all)
    {
      emit (p, BPF_ALU | BPF_MOV | BPF_X, 1, 3, 0, 0);
      emit (p, BPF_ALU | BPF_AND | BPF_K, 1, 0, 0, x->access);
      if (allow)
        emit (p, BPF_JMP | BPF_JNE | BPF_X, 1, 3, 0, 0);
      else
        emit (p, BPF_JMP | BPF_JEQ | BPF_K, 1, 0, 0, 0);
      jumps[nj++] = p->n - 1;
    }
  if (x->major != WILDCARD)
    {
      emit (p, BPF_JMP | BPF_JNE | BPF_K, 4, 0, 0, (int32_t) x->major);
      jumps[nj++] = p->n - 1;
    }
  if (x->minor != WILDCARD)
    {
      emit (p, BPF_JMP | BPF_JNE | BPF_K, 5, 0, 0, (int32_t) x->minor);
      jumps[nj++] = p->n - 1;
    }
  emit (p, BPF_ALU | BPF_MOV | BPF_K, 0, 0, 0, allow ? 1 : 0);
  emit (p, BPF_JMP | BPF_EXIT, 0, 0, 0, 0);
  for (int i = 0; i < nj; i++)
    p->v[jumps[i]].off = (int16_t) (p->n - jumps[i] - 1);
}

int
gr_bpf_devices_build (const gr_device_rule *rules, size_t n,
                      bool with_defaults, gr_bpf_insn **out, size_t *len,
                      gr_error **err)
{
  if (n > MAX_RULES)
    return gr_error_set (err, 0, "too many device rules (%zu, at most %d)", n,
                         MAX_RULES);
  /* deny-all, then the defaults, then the config's rules — the defaults
     have the lowest priority, as in crun: a config without rules gets the
     standard devices, and a config's own deny-all ("a", as every engine
     sends first) resets them, so its allow list is exactly what runs.
     (runc appends its defaults after the config's rules instead, so they
     cannot be taken away.) */
  emulator e = { .default_allow = false };
  for (size_t i = 0; with_defaults && i < gr_cg_n_default_devices; i++)
    if (emulate (&e, &gr_cg_default_devices[i], err) < 0)
      {
        free (e.v);
        return gr_error_wrap (err, "default device rule %zu", i);
      }
  for (size_t i = 0; i < n; i++)
    if (emulate (&e, &rules[i], err) < 0)
      {
        free (e.v);
        return gr_error_wrap (err, "linux.resources.devices[%zu]", i);
      }
  prog p = { 0 };
  prologue (&p);
  for (size_t i = 0; i < e.n; i++)
    emit_exception (&p, &e.v[i], !e.default_allow);
  emit (&p, BPF_ALU | BPF_MOV | BPF_K, 0, 0, 0, e.default_allow ? 1 : 0);
  emit (&p, BPF_JMP | BPF_EXIT, 0, 0, 0, 0);
  free (e.v);
  *out = p.v;
  *len = p.n;
  return 0;
}

/* ---------------------------------------------------------- interpreter -- */

int
gr_bpf_devices_eval (const gr_bpf_insn *prog_v, size_t len, char type,
                     uint32_t major, uint32_t minor, const char *access)
{
  int acc;
  if (parse_access (access, &acc) < 0)
    return -1;
  uint32_t ctx[3] = { (uint32_t) (type == 'b' ? BPF_DEVCG_DEV_BLOCK
                                              : BPF_DEVCG_DEV_CHAR)
                          | ((uint32_t) acc << 16),
                      major, minor };
  uint64_t r[11] = { 0 };
  for (size_t pc = 0; pc < len; pc++)
    {
      const gr_bpf_insn *i = &prog_v[pc];
      int dst = i->regs & 0xf, src = i->regs >> 4;
      uint64_t k = (uint64_t) (int64_t) i->imm;
      switch (i->code)
        {
        case BPF_LDX | BPF_MEM | BPF_W: r[dst] = ctx[i->off / 4]; break;
        case BPF_ALU | BPF_AND | BPF_K: r[dst] = (uint32_t) (r[dst] & k); break;
        case BPF_ALU | BPF_RSH | BPF_K: r[dst] = (uint32_t) r[dst] >> i->imm; break;
        case BPF_ALU | BPF_MOV | BPF_X: r[dst] = (uint32_t) r[src]; break;
        case BPF_ALU | BPF_MOV | BPF_K: r[dst] = (uint32_t) i->imm; break;
        case BPF_JMP | BPF_JNE | BPF_K: if (r[dst] != k) pc += i->off; break;
        case BPF_JMP | BPF_JEQ | BPF_K: if (r[dst] == k) pc += i->off; break;
        case BPF_JMP | BPF_JNE | BPF_X: if (r[dst] != r[src]) pc += i->off; break;
        case BPF_JMP | BPF_EXIT: return (int) r[0];
        default: return -1;
        }
    }
  return -1;
}

/* ---------------------------------------------------------- the kernel -- */

static int
sys_bpf (int cmd, union bpf_attr *attr)
{
  return (int) syscall (SYS_bpf, cmd, attr, sizeof *attr);
}

static int
load (const gr_bpf_insn *insns, size_t n, gr_error **err)
{
  static char log[16384];
  union bpf_attr a = { 0 };
  a.prog_type = BPF_PROG_TYPE_CGROUP_DEVICE;
  a.insns = (uint64_t) (uintptr_t) insns;
  a.insn_cnt = (uint32_t) n;
  a.license = (uint64_t) (uintptr_t) "Apache";
  int fd = sys_bpf (BPF_PROG_LOAD, &a);
  if (fd >= 0)
    return fd;
  /* again with the verifier's log, for the error */
  int saved = errno;
  a.log_buf = (uint64_t) (uintptr_t) log;
  a.log_size = sizeof log;
  a.log_level = 1;
  log[0] = '\0';
  fd = sys_bpf (BPF_PROG_LOAD, &a);
  if (fd >= 0)
    return fd;
  return gr_error_set (err, saved, "load the device filter (BPF_PROG_LOAD)%s%s",
                       log[0] ? ": " : "", log);
}

/* ids of the device programs attached to this very cgroup */
static int
query (int cgfd, uint32_t *ids, uint32_t *n, gr_error **err)
{
  union bpf_attr a = { 0 };
  a.query.target_fd = (uint32_t) cgfd;
  a.query.attach_type = BPF_CGROUP_DEVICE;
  a.query.prog_ids = (uint64_t) (uintptr_t) ids;
  a.query.prog_cnt = *n;
  if (sys_bpf (BPF_PROG_QUERY, &a) < 0)
    return gr_error_set (err, errno, "query device filters (BPF_PROG_QUERY)");
  *n = a.query.prog_cnt;
  return 0;
}

static int
prog_fd (uint32_t id)
{
  union bpf_attr a = { 0 };
  a.prog_id = id;
  return sys_bpf (BPF_PROG_GET_FD_BY_ID, &a);
}

static int
attach (int cgfd, int progfd, int replace_fd)
{
  union bpf_attr a = { 0 };
  a.target_fd = (uint32_t) cgfd;
  a.attach_bpf_fd = (uint32_t) progfd;
  a.attach_type = BPF_CGROUP_DEVICE;
  /* ALLOW_MULTI: a nested runtime may attach its own filters below ours
     (both then apply), as with runc */
  a.attach_flags = BPF_F_ALLOW_MULTI;
  if (replace_fd >= 0)
    {
      a.attach_flags |= BPF_F_REPLACE;
      a.replace_bpf_fd = (uint32_t) replace_fd;
    }
  return sys_bpf (BPF_PROG_ATTACH, &a);
}

static int
detach (int cgfd, int progfd)
{
  union bpf_attr a = { 0 };
  a.target_fd = (uint32_t) cgfd;
  a.attach_bpf_fd = (uint32_t) progfd;
  a.attach_type = BPF_CGROUP_DEVICE;
  return sys_bpf (BPF_PROG_DETACH, &a);
}

/*
 * Never a moment without a filter: one old program is swapped in place
 * (BPF_F_REPLACE, 5.6+); otherwise the new one is attached first and the
 * old ones detached after — meanwhile both apply, the stricter wins.
 */
static int
install (int cgfd, int progfd, gr_error **err)
{
  uint32_t ids[64], n = GR_ARRAY_SIZE (ids);
  if (query (cgfd, ids, &n, err) < 0)
    return -1;
  if (n > GR_ARRAY_SIZE (ids))
    n = GR_ARRAY_SIZE (ids);
  if (n == 1)
    {
      cleanup_close int old = prog_fd (ids[0]);
      if (old >= 0 && attach (cgfd, progfd, old) == 0)
        return 0;
      gr_debug ("device filter: BPF_F_REPLACE failed (%s), attach+detach",
                strerror (errno));
    }
  if (attach (cgfd, progfd, -1) < 0)
    return gr_error_set (err, errno, "attach the device filter "
                         "(BPF_PROG_ATTACH)");
  for (uint32_t i = 0; i < n; i++)
    {
      cleanup_close int old = prog_fd (ids[i]);
      if (old < 0 || detach (cgfd, old) < 0)
        return gr_error_set (err, errno, "detach the previous device filter");
    }
  return 0;
}

int
gr_bpf_devices_apply (int cgfd, const gr_device_rule *rules, size_t n,
                      gr_error **err)
{
  cleanup_free gr_bpf_insn *insns = NULL;
  size_t len;
  if (gr_bpf_devices_build (rules, n, true, &insns, &len, err) < 0)
    return -1;
  cleanup_close int progfd = load (insns, len, err);
  if (progfd < 0)
    return -1;
  return install (cgfd, progfd, err);
}
