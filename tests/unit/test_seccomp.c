/* SPDX-License-Identifier: Apache-2.0 */
#include <criterion/criterion.h>
#include <fcntl.h>
#include <linux/seccomp.h>
#include <sched.h>
#include <signal.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <guardrun/json.h>
#include <guardrun/seccomp.h>
#include <guardrun/sha256.h>
#include <guardrun/spec.h>
#include <guardrun/util.h>

/* ------------------------------------------------------------ helpers -- */

static gr_seccomp *
profile (const char *json)
{
  gr_json *j = NULL;
  gr_seccomp *s = NULL;
  gr_error *err = NULL;
  cr_assert_eq (gr_json_parse ("test", json, strlen (json), &j, &err), 0,
                "%s", err ? err->msg : "");
  cr_assert_eq (gr_seccomp_from_json ("test", j, &s, &err), 0, "%s",
                err ? gr_error_string (err) : "");
  gr_json_free (j);
  return s;
}

static gr_seccomp_prog *
compile_ok (const gr_seccomp *s, const char *cache)
{
  gr_seccomp_prog *p = NULL;
  gr_error *err = NULL;
  int r = gr_seccomp_compile (s, cache, &p, &err);
  cr_assert_eq (r, 0, "compile: %s", err ? gr_error_string (err) : "");
  return p;
}

static char *
compile_err (const char *json)
{
  gr_seccomp *s = profile (json);
  gr_seccomp_prog *p = NULL;
  gr_error *err = NULL;
  cr_assert_lt (gr_seccomp_compile (s, NULL, &p, &err), 0);
  gr_seccomp_free (s);
  char *m = gr_error_string (err);
  gr_error_free (err);
  return m;
}

/* run fn in a child with the filter loaded; returns the wait status */
static int
in_child (const gr_seccomp_prog *p, int (*fn) (int notify_fd))
{
  pid_t pid = fork ();
  cr_assert_geq (pid, 0);
  if (pid == 0)
    {
      int nfd = -1;
      if (prctl (PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0)
        _exit (100);
      int r = gr_seccomp_install (p, &nfd);
      if (r < 0)
        _exit (101);
      _exit (fn (nfd));
    }
  int status;
  cr_assert_eq (waitpid (pid, &status, 0), pid);
  return status;
}

/* bit i of the exit code set = check i failed */
#define CHECK(bit, cond) (fails |= (cond) ? 0 : 1 << (bit))

static int
errno_of (long r)
{
  return r < 0 ? errno : 0;
}

/* ------------------------------------------------------------- sha256 -- */

Test (sha256, vectors)
{
  static const struct { const char *in, *hex; } v[] = {
    { "", "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855" },
    { "abc",
      "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad" },
    { "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq",
      "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1" },
  };
  for (size_t i = 0; i < GR_ARRAY_SIZE (v); i++)
    {
      uint8_t sum[32];
      char hex[65];
      gr_sha256 (v[i].in, strlen (v[i].in), sum);
      gr_sha256_hex (sum, hex);
      cr_expect_str_eq (hex, v[i].hex, "sha256(\"%s\")", v[i].in);
    }
  /* a million 'a', fed in odd pieces across block boundaries */
  gr_sha256_ctx c;
  char buf[997];
  memset (buf, 'a', sizeof buf);
  gr_sha256_init (&c);
  size_t left = 1000000;
  while (left)
    {
      size_t n = left < sizeof buf ? left : sizeof buf;
      gr_sha256_update (&c, buf, n);
      left -= n;
    }
  uint8_t sum[32];
  char hex[65];
  gr_sha256_final (&c, sum);
  gr_sha256_hex (sum, hex);
  cr_expect_str_eq (hex, "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
}

/* ---------------------------------------------------- default profile -- */

static int
default_checks (int nfd)
{
  int fails = 0;
  CHECK (0, errno_of (syscall (SYS_keyctl, 0, 0, 0, 0, 0)) == EPERM);
  CHECK (1, errno_of (syscall (SYS_bpf, 0, NULL, 0)) == EPERM);
  CHECK (2, errno_of (unshare (CLONE_NEWUSER)) == EPERM);
  CHECK (3, errno_of (syscall (SYS_ptrace, 0, 0, 0, 0)) == EPERM);
  CHECK (4, errno_of (syscall (1000)) == ENOSYS);
  CHECK (5, getpid () > 0);
  int fd = open ("/dev/null", O_RDONLY | O_CLOEXEC);
  char c;
  CHECK (6, fd >= 0 && read (fd, &c, 1) == 0);
  CHECK (7, write (2, "", 0) == 0);
  CHECK (8, errno_of (syscall (SYS_add_key, "user", "x", "y", 1, 0)) == EPERM);
  CHECK (9, errno_of (syscall (SYS_perf_event_open, NULL, 0, -1, -1, 0))
                == EPERM);
  CHECK (10, errno_of (syscall (SYS_io_uring_setup, 1, NULL)) == EPERM);
  CHECK (11, errno_of (syscall (SYS_setns, 0, 0)) == EPERM);
  CHECK (12, nfd == -1);
  /* ordinary process creation keeps working (glibc's clone3 -> ENOSYS ->
     clone fallback) */
  pid_t pid = fork ();
  if (pid == 0)
    _exit (7);
  int st;
  CHECK (13, pid > 0 && waitpid (pid, &st, 0) == pid && WEXITSTATUS (st) == 7);
  return fails;
}

Test (seccomp, default_profile_blocks_and_allows)
{
  const gr_seccomp *def = NULL;
  gr_error *err = NULL;
  cr_assert_eq (gr_seccomp_default_profile (&def, &err), 0, "%s",
                err ? gr_error_string (err) : "");
  const gr_seccomp *again = NULL;
  cr_assert_eq (gr_seccomp_default_profile (&again, &err), 0);
  cr_expect_eq (def, again, "parsed once");
  gr_seccomp_prog *p = compile_ok (def, NULL);
  cr_expect_not (gr_seccomp_prog_needs_notify (p));
  int st = in_child (p, default_checks);
  cr_assert (WIFEXITED (st), "child killed by signal %d", WTERMSIG (st));
  cr_expect_eq (WEXITSTATUS (st), 0, "failed checks: mask 0x%x",
                WEXITSTATUS (st));
  gr_seccomp_prog_free (p);
}

/* ---------------------------------------------------------------- cache -- */

static bool
same_prog (const gr_seccomp_prog *a, const gr_seccomp_prog *b)
{
  size_t na, nb;
  const void *ia = gr_seccomp_prog_insns (a, &na);
  const void *ib = gr_seccomp_prog_insns (b, &nb);
  return na == nb && na > 0 && memcmp (ia, ib, na * 8) == 0;
}

static int
count_entries (const char *dir, char *first, size_t len)
{
  cleanup_dir DIR *d = opendir (dir);
  int n = 0;
  for (struct dirent *e; d && (e = readdir (d));)
    if (strstr (e->d_name, ".bpf") && e->d_name[0] != '.')
      {
        if (n++ == 0 && first)
          snprintf (first, len, "%s/%s", dir, e->d_name);
      }
  return n;
}

Test (seccomp, cache_hit_equals_fresh_compile)
{
  char tmp[] = "/tmp/gr-test-seccomp-XXXXXX";
  cr_assert_not_null (mkdtemp (tmp));
  cleanup_free char *cache = gr_fmt ("%s/cache", tmp);
  const gr_seccomp *def = NULL;
  cr_assert_eq (gr_seccomp_default_profile (&def, NULL), 0);

  gr_seccomp_prog *fresh = compile_ok (def, NULL);
  gr_seccomp_prog *miss = compile_ok (def, cache);
  char entry[PATH_MAX];
  cr_assert_eq (count_entries (cache, entry, sizeof entry), 1,
                "one cache entry after a miss");
  struct stat st;
  cr_assert_eq (stat (cache, &st), 0);
  cr_expect_eq (st.st_mode & 0777, 0700, "cache dir is private");
  gr_seccomp_prog *hit = compile_ok (def, cache);
  cr_expect (same_prog (fresh, miss));
  cr_expect (same_prog (fresh, hit));

  /* the built-in default by its own key: the same program */
  gr_seccomp_prog *dmiss = NULL, *dhit = NULL;
  cr_assert_eq (gr_seccomp_compile_default (cache, &dmiss, NULL), 0);
  cr_assert_eq (gr_seccomp_compile_default (cache, &dhit, NULL), 0);
  cr_expect (same_prog (fresh, dmiss));
  cr_expect (same_prog (fresh, dhit));
  cr_expect_eq (count_entries (cache, NULL, 0), 2);
  gr_seccomp_prog_free (dmiss);
  gr_seccomp_prog_free (dhit);
  cr_assert_eq (count_entries (cache, entry, sizeof entry), 2);
  /* entry may be either file now: corrupt both in turn below */

  /* a corrupt entry is detected and replaced */
  int fd = open (entry, O_WRONLY);
  cr_assert_geq (fd, 0);
  cr_assert_eq (pwrite (fd, "\xff\xff\xff\xff", 4, 200), 4);
  close (fd);
  gr_seccomp_prog *fixed = compile_ok (def, cache);
  cr_expect (same_prog (fresh, fixed));
  gr_seccomp_prog *hit2 = compile_ok (def, cache);
  cr_expect (same_prog (fresh, hit2));

  /* a truncated one too */
  cr_assert_eq (truncate (entry, 90), 0);
  gr_seccomp_prog *fixed2 = compile_ok (def, cache);
  cr_expect (same_prog (fresh, fixed2));

  /* a different profile gets a different entry */
  gr_seccomp *other = profile ("{\"defaultAction\":\"SCMP_ACT_ALLOW\","
                               "\"syscalls\":[{\"names\":[\"mkdir\"],"
                               "\"action\":\"SCMP_ACT_ERRNO\"}]}");
  gr_seccomp_prog *o = compile_ok (other, cache);
  cr_expect_eq (count_entries (cache, NULL, 0), 3);
  cr_expect_not (same_prog (fresh, o));

  /* a cache dir others can write is not trusted */
  cr_assert_eq (chmod (cache, 0777), 0);
  gr_seccomp_prog *untrusted = compile_ok (def, cache);
  cr_expect (same_prog (fresh, untrusted));

  gr_seccomp_prog *progs[] = { fresh, miss, hit, fixed, hit2, fixed2, o,
                               untrusted };
  for (size_t i = 0; i < GR_ARRAY_SIZE (progs); i++)
    gr_seccomp_prog_free (progs[i]);
  gr_seccomp_free (other);
  gr_rm_rf_at (AT_FDCWD, tmp);
}

/* ---------------------------------------------------- config profiles -- */

static const char args_profile[] =
  "{\"defaultAction\":\"SCMP_ACT_ALLOW\","
  " \"architectures\":[\"SCMP_ARCH_X86_64\",\"SCMP_ARCH_X86\",\"SCMP_ARCH_X32\","
  "                   \"SCMP_ARCH_LOONGARCH64\"],"
  " \"flags\":[\"SECCOMP_FILTER_FLAG_LOG\",\"SECCOMP_FILTER_FLAG_SPEC_ALLOW\"],"
  " \"syscalls\":["
  "  {\"names\":[\"getpid\"],\"action\":\"SCMP_ACT_ERRNO\",\"errnoRet\":11,"
  "   \"args\":[{\"index\":0,\"value\":5,\"op\":\"SCMP_CMP_EQ\"}]},"
  "  {\"names\":[\"getppid\"],\"action\":\"SCMP_ACT_ERRNO\",\"errnoRet\":12,"
  "   \"args\":[{\"index\":1,\"value\":240,\"valueTwo\":48,"
  "              \"op\":\"SCMP_CMP_MASKED_EQ\"}]},"
  "  {\"names\":[\"gettid\"],\"action\":\"SCMP_ACT_ERRNO\",\"errnoRet\":13,"
  "   \"args\":[{\"index\":0,\"value\":1,\"op\":\"SCMP_CMP_EQ\"},"
  "             {\"index\":1,\"value\":2,\"op\":\"SCMP_CMP_EQ\"}]},"
  "  {\"names\":[\"getuid\"],\"action\":\"SCMP_ACT_ERRNO\",\"errnoRet\":14,"
  "   \"args\":[{\"index\":0,\"value\":1,\"op\":\"SCMP_CMP_EQ\"},"
  "             {\"index\":0,\"value\":2,\"op\":\"SCMP_CMP_EQ\"}]},"
  "  {\"names\":[\"getgid\"],\"action\":\"SCMP_ACT_ERRNO\",\"errnoRet\":15,"
  "   \"args\":[{\"index\":0,\"value\":10,\"op\":\"SCMP_CMP_GT\"}]},"
  "  {\"names\":[\"geteuid\"],\"action\":\"SCMP_ACT_ERRNO\",\"errnoRet\":16,"
  "   \"args\":[{\"index\":0,\"value\":10,\"op\":\"SCMP_CMP_LE\"}]},"
  "  {\"names\":[\"getegid\"],\"action\":\"SCMP_ACT_ERRNO\",\"errnoRet\":17,"
  "   \"args\":[{\"index\":0,\"value\":10,\"op\":\"SCMP_CMP_NE\"}]},"
  "  {\"names\":[\"getpgrp\"],\"action\":\"SCMP_ACT_ERRNO\",\"errnoRet\":18,"
  "   \"args\":[{\"index\":0,\"value\":10,\"op\":\"SCMP_CMP_LT\"}]},"
  "  {\"names\":[\"getsid\"],\"action\":\"SCMP_ACT_ERRNO\",\"errnoRet\":19,"
  "   \"args\":[{\"index\":1,\"value\":10,\"op\":\"SCMP_CMP_GE\"}]},"
  "  {\"names\":[\"no_such_syscall_anywhere\", \"sched_yield\"],"
  "   \"action\":\"SCMP_ACT_ERRNO\",\"errnoRet\":20},"
  "  {\"names\":[\"getpriority\"],\"action\":\"SCMP_ACT_LOG\"},"
  "  {\"names\":[\"uname\"],\"action\":\"SCMP_ACT_ALLOW\"},"
  "  {\"names\":[\"sync\"],\"action\":\"SCMP_ACT_KILL_PROCESS\"},"
  "  {\"names\":[\"syncfs\"],\"action\":\"SCMP_ACT_TRAP\"},"
  "  {\"names\":[\"mkdir\"],\"action\":\"SCMP_ACT_ERRNO\"}"
  "]}";

static int
err_is (long r, int e)
{
  return r == -1 && errno == e;
}

static int
args_checks (int nfd)
{
  int fails = 0;
  CHECK (0, err_is (syscall (SYS_getpid, 5), EAGAIN));
  CHECK (1, syscall (SYS_getpid, 6) > 0);
  CHECK (2, err_is (syscall (SYS_getppid, 0, 0x3f), ENOMEM));
  CHECK (3, syscall (SYS_getppid, 0, 0x4f) > 0);
  CHECK (4, err_is (syscall (SYS_gettid, 1, 2), EACCES));
  CHECK (5, syscall (SYS_gettid, 1, 3) > 0 && syscall (SYS_gettid, 0, 2) > 0);
  CHECK (6, err_is (syscall (SYS_getuid, 1), EFAULT)
                && err_is (syscall (SYS_getuid, 2), EFAULT)
                && syscall (SYS_getuid, 3) >= 0);
  CHECK (7, err_is (syscall (SYS_getgid, 11), ENOTBLK)
                && syscall (SYS_getgid, 10) >= 0);
  CHECK (8, err_is (syscall (SYS_geteuid, 10), EBUSY)
                && syscall (SYS_geteuid, 11) >= 0);
  CHECK (9, err_is (syscall (SYS_getegid, 9), EEXIST)
                && syscall (SYS_getegid, 10) >= 0);
  CHECK (10, err_is (syscall (SYS_getpgrp, 9), EXDEV)
                 && syscall (SYS_getpgrp, 10) >= 0);
  CHECK (11, err_is (syscall (SYS_getsid, 0, 10), ENODEV)
                 && syscall (SYS_getsid, 0, 9) >= 0);
  CHECK (12, err_is (syscall (SYS_sched_yield), ENOTDIR));
  CHECK (13, syscall (SYS_getpriority, 0, 0) >= 0);
  CHECK (14, err_is (mkdir ("/nonexistent-gr/x", 0700), EPERM));
  CHECK (15, nfd == -1);
  return fails;
}

Test (seccomp, config_profile_args_actions_arches)
{
  gr_seccomp *s = profile (args_profile);
  gr_seccomp_prog *p = compile_ok (s, NULL);
  int st = in_child (p, args_checks);
  cr_assert (WIFEXITED (st), "killed by signal %d", WTERMSIG (st));
  cr_expect_eq (WEXITSTATUS (st), 0, "failed checks: mask 0x%x",
                WEXITSTATUS (st));
  gr_seccomp_prog_free (p);
  gr_seccomp_free (s);
}

static int
call_sync (int nfd)
{
  syscall (SYS_sync);
  return 0;
}

static int
call_syncfs (int nfd)
{
  syscall (SYS_syncfs, 0);
  return 0;
}

Test (seccomp, kill_and_trap_actions)
{
  gr_seccomp *s = profile (args_profile);
  gr_seccomp_prog *p = compile_ok (s, NULL);
  int st = in_child (p, call_sync);
  cr_expect (WIFSIGNALED (st) && WTERMSIG (st) == SIGSYS,
             "KILL_PROCESS: status 0x%x", st);
  st = in_child (p, call_syncfs);
  cr_expect (WIFSIGNALED (st) && WTERMSIG (st) == SIGSYS,
             "TRAP: status 0x%x", st);
  gr_seccomp_prog_free (p);
  gr_seccomp_free (s);
}

/* the installer answers its own grandchild's notification */
static int
notify_checks (int nfd)
{
  if (nfd < 0)
    return 1;
  pid_t pid = fork ();
  if (pid == 0)
    _exit (syscall (SYS_getpgid, 4242) == 777 ? 0 : 1);
  struct seccomp_notif req;
  memset (&req, 0, sizeof req);
  if (ioctl (nfd, SECCOMP_IOCTL_NOTIF_RECV, &req) < 0)
    return 2;
  if (req.data.args[0] != 4242)
    return 3;
  struct seccomp_notif_resp resp = { .id = req.id, .val = 777 };
  if (ioctl (nfd, SECCOMP_IOCTL_NOTIF_SEND, &resp) < 0)
    return 4;
  int st;
  if (waitpid (pid, &st, 0) != pid || !WIFEXITED (st))
    return 5;
  return WEXITSTATUS (st) == 0 ? 0 : 6;
}

Test (seccomp, notify_returns_listener)
{
  gr_seccomp *s = profile ("{\"defaultAction\":\"SCMP_ACT_ALLOW\","
                           "\"listenerPath\":\"/run/agent.sock\","
                           "\"flags\":[\"SECCOMP_FILTER_FLAG_TSYNC\"],"
                           "\"syscalls\":[{\"names\":[\"getpgid\"],"
                           "\"action\":\"SCMP_ACT_NOTIFY\"}]}");
  gr_seccomp_prog *p = compile_ok (s, NULL);
  cr_expect (gr_seccomp_prog_needs_notify (p));
  int st = in_child (p, notify_checks);
  cr_assert (WIFEXITED (st), "killed by signal %d", WTERMSIG (st));
  cr_expect_eq (WEXITSTATUS (st), 0, "notify check %d failed",
                WEXITSTATUS (st));
  gr_seccomp_prog_free (p);
  gr_seccomp_free (s);
}

Test (seccomp, compile_errors_name_the_field)
{
  static const struct { const char *json, *want; } cases[] = {
    { "{\"defaultAction\":\"SCMP_ACT_ALLOW\",\"syscalls\":[{\"names\":"
      "[\"getpgid\"],\"action\":\"SCMP_ACT_NOTIFY\"}]}",
      "listenerPath" },
    { "{\"defaultAction\":\"SCMP_ACT_ALLOW\",\"listenerPath\":\"/x\","
      "\"syscalls\":[{\"names\":[\"write\"],\"action\":\"SCMP_ACT_NOTIFY\"}]}",
      "syscalls[0]: SCMP_ACT_NOTIFY cannot be used for write" },
    { "{\"defaultAction\":\"SCMP_ACT_ERRNO\",\"syscalls\":[{\"names\":"
      "[\"getpid\"],\"action\":\"SCMP_ACT_ALLOW\",\"errnoRet\":3}]}",
      "syscalls[0]: errnoRet is only valid" },
    { "{\"defaultAction\":\"SCMP_ACT_ALLOW\",\"architectures\":[\"x86_64\"]}",
      "architectures[0]: unknown architecture \"x86_64\"" },
    { "{\"defaultAction\":\"SCMP_ACT_ALLOW\",\"syscalls\":[{\"names\":"
      "[\"getpid\"],\"action\":\"SCMP_ACT_ERRNO\",\"args\":[{\"index\":6,"
      "\"value\":1,\"op\":\"SCMP_CMP_EQ\"}]}]}",
      "syscalls[0] (getpid): args[0]: argument index 6 out of range" },
  };
  for (size_t i = 0; i < GR_ARRAY_SIZE (cases); i++)
    {
      cleanup_free char *msg = compile_err (cases[i].json);
      cr_expect (strstr (msg, cases[i].want) != NULL, "case %zu: got \"%s\"",
                 i, msg);
    }
}
