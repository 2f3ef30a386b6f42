/* SPDX-License-Identifier: Apache-2.0 */
/*
 * gr_rootfs_prepare/pivot/finalize for real, without the lifecycle: each
 * test builds a busybox rootfs, a forked child unshares a mount namespace,
 * runs the three steps and execs /bin/sh with a script whose output the
 * test checks.  Escape scenarios plant symlinks in the rootfs and check
 * the host is untouched.  Needs root (skipped otherwise).
 */
#include <criterion/criterion.h>
#include <fcntl.h>
#include <sched.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/wait.h>
#include <guardrun/mount.h>
#include <guardrun/spec.h>
#include <guardrun/util.h>
#include "../../runtime/lib/mount_internal.h"

static char dir[] = "/tmp/gr-mnt-XXXXXX";
static char rootfs[PATH_MAX], host[sizeof dir + 8];
static bool made;

static const char *const applets[] = {
  "sh", "cat", "ls", "grep", "stat", "head", "wc", "touch", "readlink",
  "echo", "mkdir", "cut", "sort", "test", "[", "true", "id", "sed", "mount", "awk", "tr",
};

static void
copy_busybox (const char *to)
{
  char *buf = NULL;
  size_t len;
  cr_assert_eq (gr_read_file ("/bin/busybox", 16 << 20, &buf, &len, NULL), 0);
  int fd = open (to, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0755);
  cr_assert_geq (fd, 0);
  cr_assert_eq (gr_write_all (fd, buf, len), 0);
  close (fd);
  free (buf);
}

static void
mk (const char *p)
{
  cr_assert_eq (gr_mkdir_p (p, 0755, NULL), 0, "mkdir %s", p);
}

static void
build_rootfs (void)
{
  for (const char *const *d = (const char *const[]){ "bin", "proc", "sys",
                                                     "dev", "tmp", "etc",
                                                     NULL };
       *d; d++)
    {
      cleanup_free char *p = gr_fmt ("%s/%s", rootfs, *d);
      mk (p);
    }
  cleanup_free char *bb = gr_fmt ("%s/bin/busybox", rootfs);
  copy_busybox (bb);
  for (size_t i = 0; i < GR_ARRAY_SIZE (applets); i++)
    {
      cleanup_free char *p = gr_fmt ("%s/bin/%s", rootfs, applets[i]);
      cr_assert_eq (symlink ("busybox", p), 0);
    }
}

static void
setup (void)
{
  if (geteuid () != 0)
    cr_skip_test ("needs root");
  cr_assert_not_null (mkdtemp (dir));
  made = true;
  snprintf (rootfs, sizeof rootfs, "%s/rootfs", dir);
  snprintf (host, sizeof host, "%s/host", dir);
  build_rootfs ();
  mk (host);
}

static void
teardown (void)
{
  if (made)
    gr_rm_rf_at (AT_FDCWD, dir);
  made = false;
}

TestSuite (mount_ns, .init = setup, .fini = teardown, .timeout = 60);

/* criterion skips .fini after a skip in the test: clean up first */
#define skip_test(...)                                                        \
  do                                                                          \
    {                                                                         \
      teardown ();                                                            \
      cr_skip_test (__VA_ARGS__);                                             \
    }                                                                         \
  while (0)

/* ---------------------------------------------------------- harness */
typedef void (*hook_fn) (void);

typedef struct {
  const char *mounts;          /* JSON array text, NULL = default set */
  const char *linux_extra;     /* extra members of "linux" */
  const char *masked, *ro_paths; /* JSON arrays, NULL = defaults */
  bool readonly;
  gr_rootfs_opts opts;
  hook_fn before_prepare;      /* in the child's namespace, on the host */
  hook_fn before_finalize;     /* after the pivot */
  int test_flags;              /* gr_mnt_test_flags */
  bool console;                /* a pty (from the child's namespace) */
  bool userns;                 /* identity-mapped user + pid namespace */
  bool parent_fds;             /* gr_mount_fds_open in the parent */
} scenario;

static int
open_console (void)
{
  int master = posix_openpt (O_RDWR | O_NOCTTY | O_CLOEXEC);
  if (master < 0 || grantpt (master) < 0 || unlockpt (master) < 0)
    return -1;
  return open (ptsname (master), O_RDWR | O_NOCTTY | O_CLOEXEC);
}

static const char default_mounts[]
    = "[{\"destination\":\"/proc\",\"type\":\"proc\",\"source\":\"proc\"},"
      "{\"destination\":\"/dev\",\"type\":\"tmpfs\",\"source\":\"tmpfs\","
      "\"options\":[\"nosuid\",\"strictatime\",\"mode=755\",\"size=65536k\"]},"
      "{\"destination\":\"/dev/pts\",\"type\":\"devpts\",\"source\":\"devpts\","
      "\"options\":[\"nosuid\",\"noexec\",\"newinstance\",\"ptmxmode=0666\","
      "\"mode=0620\"]},"
      "{\"destination\":\"/sys\",\"type\":\"sysfs\",\"source\":\"sysfs\","
      "\"options\":[\"nosuid\",\"noexec\",\"nodev\",\"ro\"]}]";

static gr_spec *
spec_of (const scenario *sc)
{
  cleanup_free char *json = gr_fmt (
      "{\"ociVersion\":\"1.2.0\",\"root\":{\"path\":\"rootfs\",\"readonly\":%s},"
      "\"mounts\":%s,\"linux\":{\"maskedPaths\":%s,\"readonlyPaths\":%s%s%s}}",
      sc->readonly ? "true" : "false", sc->mounts ? sc->mounts : default_mounts,
      sc->masked ? sc->masked
                 : "[\"/proc/keys\",\"/proc/kcore\",\"/sys/firmware\",\"/no/such\",\"/etc/x/y\"]",
      sc->ro_paths ? sc->ro_paths : "[\"/proc/sys\",\"/no/such/ro\"]",
      sc->linux_extra ? "," : "", sc->linux_extra ? sc->linux_extra : "");
  gr_spec *s = NULL;
  gr_error *err = NULL;
  int r = gr_spec_parse ("test", json, strlen (json), &s, &err);
  cleanup_free char *msg = err ? gr_error_string (err) : NULL;
  cr_assert_eq (r, 0, "spec: %s\n%s", msg, json);
  gr_error_free (err);
  return s;
}

static char *
path_in (const char *base, const char *rel)
{
  return gr_fmt ("%s/%s", base, rel);
}

static _Noreturn void
die (const char *what)
{
  printf ("ERR: %s: %m\n", what);
  fflush (stdout);
  _exit (99);
}

/* in a user namespace: the parent writes the maps meanwhile, then a new
   mount and pid namespace, and the container is our child (pid 1) */
static void
enter_userns (int sync_up, int sync_down)
{
  char b = 0;
  /* first a mount namespace of the host's user namespace, with a
     nosuid,nodev,noexec,ro tmpfs that the user namespace will lock */
  cleanup_free char *locked = path_in (host, "locked");
  if (unshare (CLONE_NEWNS) < 0
      || mount (NULL, "/", NULL, MS_SLAVE | MS_REC, NULL) < 0
      || mkdir (locked, 0755) < 0
      || mount ("tmpfs", locked, "tmpfs", MS_NOSUID | MS_NODEV | MS_NOEXEC
                                              | MS_RDONLY, "size=16k") < 0)
    die ("locked tmpfs");
  if (unshare (CLONE_NEWUSER) < 0)
    die ("unshare user");
  if (write (sync_up, &b, 1) != 1 || read (sync_down, &b, 1) != 1)
    die ("sync");
  if (unshare (CLONE_NEWNS | CLONE_NEWPID) < 0)
    die ("unshare mnt+pid");
  pid_t pid = fork ();
  if (pid < 0)
    die ("fork");
  if (pid == 0)
    return;
  int st;
  if (waitpid (pid, &st, 0) < 0)
    die ("waitpid");
  _exit (WIFEXITED (st) ? WEXITSTATUS (st) : 128 + WTERMSIG (st));
}

static _Noreturn void
child (const scenario *sc, const gr_spec *s, const char *script,
       const int *fds, int sync_up, int sync_down)
{
  gr_error *err = NULL;
  gr_rootfs_opts o = sc->opts;
  o.rootfs = rootfs;
  o.mount_fds = fds;
  o.userns = sc->userns;
  if (o.console_fd == 0)
    o.console_fd = -1;
  gr_mnt_test_flags = sc->test_flags;
  if (sc->userns)
    enter_userns (sync_up, sync_down);
  else if (unshare (CLONE_NEWNS) < 0)
    die ("unshare");
  if (sc->before_prepare)
    sc->before_prepare ();
  if (sc->console)
    o.console_fd = open_console ();
  int r = gr_rootfs_prepare (s, &o, &err);
  if (r == 0)
    r = gr_rootfs_pivot (s, &o, &err);
  if (r == 0 && sc->before_finalize)
    sc->before_finalize ();
  if (r == 0)
    r = gr_rootfs_finalize (s, &o, &err);
  if (r < 0)
    {
      char *msg = gr_error_string (err);
      printf ("ERR: %s\n", msg);
      fflush (stdout);
      _exit (99);
    }
  fflush (stdout);
  execl ("/bin/sh", "sh", "-c", script, (char *) NULL);
  printf ("ERR: exec: %m\n");
  _exit (98);
}

/* The host's mount table, minus what other tests on this host may be
   mounting meanwhile (under other /tmp directories); ours is kept. */
static char *
host_mountinfo_lines (void)
{
  char *all = NULL, *out = gr_xstrdup ("");
  cr_assert_eq (gr_read_file ("/proc/self/mountinfo", 1 << 22, &all, NULL, NULL), 0);
  for (char *save = NULL, *l = strtok_r (all, "\n", &save); l;
       l = strtok_r (NULL, "\n", &save))
    {
      /* "ID PARENT MAJ:MIN ROOT MOUNTPOINT ...": keep from ROOT on */
      const char *f = l;
      for (int i = 0; i < 3 && f; i++)
        f = strchr (f, ' ') ? strchr (f, ' ') + 1 : NULL;
      const char *mp = f && strchr (f, ' ') ? strchr (f, ' ') + 1 : "";
      if (strncmp (mp, "/tmp/", 5) == 0 && strncmp (mp, dir, strlen (dir)) != 0)
        continue;
      char *n = gr_fmt ("%s%s\n", out, f ? f : l);
      free (out);
      out = n;
    }
  free (all);
  return out;
}

/* run the scenario; *out gets the output, returns the exit status */
static int
run (const scenario *sc, const char *script, char **out)
{
  gr_spec *s = spec_of (sc);
  cleanup_free char *before = host_mountinfo_lines ();
  int *fds = NULL;
  if (sc->parent_fds)
    {
      gr_error *err = NULL;
      int r = gr_mount_fds_open (s, NULL, &fds, &err);
      cleanup_free char *msg = err ? gr_error_string (err) : NULL;
      if (r < 0 && strstr (msg, "support idmapped mounts"))
        skip_test ("no idmapped mounts on this file system: %s", msg);
      cr_assert_eq (r, 0, "gr_mount_fds_open: %s", msg);
    }
  int p[2], up[2], down[2];
  cr_assert_eq (pipe2 (p, O_CLOEXEC), 0);
  cr_assert_eq (pipe2 (up, O_CLOEXEC), 0);
  cr_assert_eq (pipe2 (down, O_CLOEXEC), 0);
  fflush (NULL);
  pid_t pid = fork ();
  cr_assert_geq (pid, 0);
  if (pid == 0)
    {
      dup2 (p[1], 1);
      dup2 (p[1], 2);
      child (sc, s, script, fds, up[1], down[0]);
    }
  close (p[1]);
  close (up[1]);
  close (down[0]);
  char b;
  if (sc->userns && read (up[0], &b, 1) == 1)
    {
      static const char map[] = "0 0 65536\n";
      cleanup_free char *u = gr_fmt ("/proc/%d/uid_map", pid);
      cleanup_free char *g = gr_fmt ("/proc/%d/gid_map", pid);
      cr_expect_eq (gr_write_file (u, map, sizeof map - 1, NULL), 0);
      cr_expect_eq (gr_write_file (g, map, sizeof map - 1, NULL), 0);
      cr_expect_eq (write (down[1], &b, 1), 1);
    }
  close (up[0]);
  close (down[1]);
  if (fds)
    gr_mount_fds_close (fds, s->n_mounts);
  cr_assert_eq (gr_read_fd (p[0], 1 << 20, out, NULL, NULL), 0);
  close (p[0]);
  /* SELinux hosts add "seclabel" to every mount's options */
  for (char *x; (x = strstr (*out, "seclabel,"));)
    memmove (x, x + 9, strlen (x + 9) + 1);
  int st;
  cr_assert_eq (waitpid (pid, &st, 0), pid);
  gr_spec_free (s);
  cleanup_free char *after = host_mountinfo_lines ();
  cr_expect_str_eq (after, before, "the host's mount table changed");
  return WIFEXITED (st) ? WEXITSTATUS (st) : 128 + WTERMSIG (st);
}

static char *
run_ok (const scenario *sc, const char *script)
{
  char *out = NULL;
  int st = run (sc, script, &out);
  if (st != 0 && strstr (out, "support idmapped mounts"))
    skip_test ("no idmapped mounts on this file system: %s", out);
  cr_assert_eq (st, 0, "exit %d: %s", st, out);
  return out;
}

static void
expect_has (const char *out, const char *needle)
{
  cr_expect (strstr (out, needle) != NULL, "no `%s` in:\n%s", needle, out);
}

static void
expect_lacks (const char *out, const char *needle)
{
  cr_expect (strstr (out, needle) == NULL, "`%s` in:\n%s", needle, out);
}

static bool
exists (const char *path)
{
  struct stat st;
  return lstat (path, &st) == 0;
}

/* -------------------------------------------------------- basics */
static const char basic_script[]
    = "cut -d' ' -f2,3 /proc/mounts | sort; "
      "for d in null zero full random urandom tty; do "
      "  stat -c \"$d %F %t:%T %a\" /dev/$d; done; "
      "for l in fd stdin stdout stderr ptmx; do echo \"$l $(readlink /dev/$l)\"; done; "
      "head -c 10 /proc/keys | wc -c; stat -c %t:%T /proc/keys; ls /sys/firmware | wc -l; "
      "echo x > /proc/sys/kernel/hostname 2>/dev/null || echo ro-procsys; "
      "grep ' /dev ' /proc/mounts; grep ' /proc/sys ' /proc/mounts";

static void
check_basic (const char *out)
{
  static const char *const want[] = {
    "/ ", "/proc proc", "/dev tmpfs", "/dev/pts devpts", "/dev/shm tmpfs",
    "/sys sysfs", "/proc/keys tmpfs", "/sys/firmware tmpfs", "/proc/sys proc",
    "null character special file 1:3 666", "zero character special file 1:5",
    "full character special file 1:7", "random character special file 1:8",
    "urandom character special file 1:9", "tty character special file 5:0",
    "fd /proc/self/fd", "stdin /proc/self/fd/0", "stdout /proc/self/fd/1",
    "stderr /proc/self/fd/2", "ptmx pts/ptmx", "\n0\n1:3\n0\n", "ro-procsys",
  };
  for (size_t i = 0; i < GR_ARRAY_SIZE (want); i++)
    expect_has (out, want[i]);
  cr_expect (strstr (out, "/proc/sys proc ro,") != NULL, "%s", out);
  /* the host's mounts are gone after the pivot */
  expect_lacks (out, dir);
}

Test (mount_ns, basic)
{
  scenario sc = { 0 };
  cleanup_free char *out = run_ok (&sc, basic_script);
  check_basic (out);
}

Test (mount_ns, basic_without_openat2)
{
  scenario sc = { .test_flags = GR_MNT_TEST_NO_OPENAT2 };
  cleanup_free char *out = run_ok (&sc, basic_script);
  check_basic (out);
}

Test (mount_ns, basic_legacy_mount_api)
{
  scenario sc = { .test_flags = GR_MNT_TEST_LEGACY | GR_MNT_TEST_NO_OPENAT2 };
  cleanup_free char *out = run_ok (&sc, basic_script);
  check_basic (out);
}

Test (mount_ns, no_pivot)
{
  scenario sc = { .opts.no_pivot = true };
  cleanup_free char *out = run_ok (&sc, "ls /bin/busybox; cut -d' ' -f2 /proc/mounts");
  expect_has (out, "/bin/busybox");
  expect_has (out, "/proc");
}

Test (mount_ns, no_dev_mount_gets_default_tmpfs)
{
  scenario sc = { .mounts = "[{\"destination\":\"/proc\",\"type\":\"proc\","
                            "\"source\":\"proc\"}]" };
  cleanup_free char *out = run_ok (
      &sc, "grep -E ' /dev(/pts|/shm)? ' /proc/mounts; ls /dev | sort | tr '\\n' ' '");
  expect_has (out, "tmpfs /dev tmpfs rw,nosuid,noexec,relatime,size=64k,mode=755");
  expect_has (out, "devpts /dev/pts devpts rw,nosuid,noexec");
  expect_has (out, "ptmxmode=666");
  expect_has (out, "/dev/shm tmpfs rw,nosuid,nodev,noexec");
  expect_has (out, "fd full null ptmx pts random shm stderr stdin stdout tty urandom zero");
}

Test (mount_ns, root_readonly)
{
  scenario sc = { .readonly = true };
  cleanup_free char *out = run_ok (
      &sc, "touch /newfile 2>/dev/null || echo ro-root; touch /dev/shm/x && echo shm-rw; "
           "grep ' / ' /proc/mounts");
  expect_has (out, "ro-root");
  expect_has (out, "shm-rw");
  cleanup_free char *f = path_in (rootfs, "newfile");
  cr_expect (!exists (f));
}

/* ------------------------------------------------------- mount options */
Test (mount_ns, tmpfs_options_and_label_free_data)
{
  scenario sc = { .mounts =
      "[{\"destination\":\"/proc\",\"type\":\"proc\",\"source\":\"proc\"},"
      "{\"destination\":\"/a/b/c\",\"type\":\"tmpfs\",\"source\":\"tmpfs\","
      "\"options\":[\"ro\",\"rw\",\"nosuid\",\"nodev\",\"noexec\",\"noatime\","
      "\"size=1m\",\"mode=1777\",\"nosymfollow\"]}]" };
  cleanup_free char *out = run_ok (&sc, "grep ' /a/b/c ' /proc/mounts; stat -c %a /a/b/c");
  expect_has (out, "tmpfs /a/b/c tmpfs rw,nosuid,nodev,noexec,noatime,nosymfollow,size=1024k");
  expect_has (out, "\n1777");
}

static void
make_host_tree (void)
{
  cleanup_free char *sub = path_in (host, "src/sub");
  cleanup_free char *f = path_in (host, "src/file");
  mk (sub);
  int fd = open (f, O_WRONLY | O_CREAT | O_CLOEXEC, 0644);
  cr_assert_geq (fd, 0);
  cr_assert_eq (write (fd, "hello\n", 6), 6);
  close (fd);
}

/* runs in the child: a submount under the bind source */
static void
submount_in_source (void)
{
  cleanup_free char *sub = path_in (host, "src/sub");
  if (mount ("tmpfs", sub, "tmpfs", 0, "size=16k") < 0)
    printf ("submount: %m\n");
}

Test (mount_ns, bind_flags_and_recursive_ro)
{
  make_host_tree ();
  cleanup_free char *mounts = gr_fmt (
      "[{\"destination\":\"/proc\",\"type\":\"proc\",\"source\":\"proc\"},"
      "{\"destination\":\"/ro\",\"type\":\"bind\",\"source\":\"%s/src\","
      "\"options\":[\"rbind\",\"ro\",\"nosuid\",\"nodev\"]},"
      "{\"destination\":\"/rro\",\"type\":\"none\",\"source\":\"%s/src\","
      "\"options\":[\"rbind\",\"rro\",\"rprivate\"]},"
      "{\"destination\":\"/rw\",\"type\":\"none\",\"source\":\"%s/src\","
      "\"options\":[\"bind\",\"rw\",\"noexec\"]},"
      "{\"destination\":\"/etc/file\",\"type\":\"none\",\"source\":\"%s/src/file\","
      "\"options\":[\"bind\",\"ro\"]}]", host, host, host, host);
  scenario sc = { .mounts = mounts, .before_prepare = submount_in_source };
  cleanup_free char *out = run_ok (
      &sc, "grep -E ' /(ro|rro|rw|etc/file)(/sub)? ' /proc/mounts | cut -d' ' -f2,4 | cut -d, -f1-4;"
           "cat /etc/file; touch /ro/x 2>/dev/null || echo ro-denied;"
           "touch /ro/sub/x && echo ro-sub-writable; touch /rro/sub/y 2>/dev/null || echo rro-sub-denied;"
           "touch /rw/z && echo rw-ok; ls /rw/sub | wc -l");
  expect_has (out, "/ro ro,nosuid,nodev");
  expect_has (out, "/ro/sub rw");      /* ro is not recursive */
  expect_has (out, "/rro ro");
  expect_has (out, "/rro/sub ro");     /* rro is */
  expect_has (out, "/rw rw,");
  expect_has (out, "noexec");
  expect_has (out, "/etc/file ro");
  expect_has (out, "hello");
  expect_has (out, "ro-denied");
  expect_has (out, "ro-sub-writable");
  expect_has (out, "rro-sub-denied");
  expect_has (out, "rw-ok");
  cleanup_free char *z = path_in (host, "src/z");
  cr_expect (exists (z), "write through the rw bind reaches the host");
}

Test (mount_ns, bind_missing_source_names_the_mount)
{
  scenario sc = { .mounts = "[{\"destination\":\"/x\",\"type\":\"bind\","
                            "\"source\":\"/no/such/source\",\"options\":[\"rbind\"]}]" };
  cleanup_free char *out = NULL;
  cr_expect_eq (run (&sc, "true", &out), 99);
  expect_has (out, "mounts[0].destination `/x`");
  expect_has (out, "/no/such/source");
}

Test (mount_ns, tmpcopyup)
{
  cleanup_free char *d = path_in (rootfs, "data/deep");
  cleanup_free char *f = path_in (rootfs, "data/deep/f");
  cleanup_free char *l = path_in (rootfs, "data/link");
  mk (d);
  int fd = open (f, O_WRONLY | O_CREAT | O_CLOEXEC, 0640);
  cr_assert_eq (write (fd, "copied\n", 7), 7);
  close (fd);
  cr_assert_eq (chown (f, 12, 34), 0);
  cr_assert_eq (symlink ("deep/f", l), 0);
  scenario sc = { .mounts =
      "[{\"destination\":\"/proc\",\"type\":\"proc\",\"source\":\"proc\"},"
      "{\"destination\":\"/data\",\"type\":\"tmpfs\",\"source\":\"tmpfs\","
      "\"options\":[\"tmpcopyup\",\"size=1m\"]}]" };
  cleanup_free char *out = run_ok (
      &sc, "grep ' /data ' /proc/mounts | cut -d' ' -f3; cat /data/link; "
           "stat -c '%a %u:%g' /data/deep/f; echo new > /data/deep/f");
  expect_has (out, "tmpfs\ncopied\n640 12:34");
  cleanup_free char *content = NULL;
  cr_assert_eq (gr_read_file (f, 100, &content, NULL, NULL), 0);
  cr_expect_str_eq (content, "copied\n", "the image's file is unchanged");
}

Test (mount_ns, idmapped_bind)
{
  make_host_tree ();
  cleanup_free char *f = path_in (host, "src/file");
  cr_assert_eq (chown (f, 1000, 1000), 0);
  cleanup_free char *mounts = gr_fmt (
      "[{\"destination\":\"/proc\",\"type\":\"proc\",\"source\":\"proc\"},"
      "{\"destination\":\"/idm\",\"type\":\"bind\",\"source\":\"%s/src\","
      "\"options\":[\"rbind\"],"
      "\"uidMappings\":[{\"containerID\":1000,\"hostID\":2000,\"size\":10}],"
      "\"gidMappings\":[{\"containerID\":1000,\"hostID\":3000,\"size\":10}]}]",
      host);
  scenario sc = { .mounts = mounts };
  cleanup_free char *out = run_ok (&sc, "stat -c '%u:%g' /idm/file; grep ' /idm ' /proc/mounts");
  expect_has (out, "2000:3000");
  expect_has (out, "idmapped");
}

/* --------------------------------------------------- /dev and devices */
Test (mount_ns, linux_devices)
{
  scenario sc = { .linux_extra =
      "\"devices\":[{\"path\":\"/dev/gr-null\",\"type\":\"c\",\"major\":1,"
      "\"minor\":3,\"fileMode\":432,\"uid\":0,\"gid\":1000},"
      "{\"path\":\"/dev/sub/dir/zero\",\"type\":\"c\",\"major\":1,\"minor\":5},"
      "{\"path\":\"/dev/null\",\"type\":\"c\",\"major\":1,\"minor\":3,"
      "\"fileMode\":384},"
      "{\"path\":\"/dev/fifo\",\"type\":\"p\",\"major\":0,\"minor\":0}]" };
  cleanup_free char *out = run_ok (
      &sc, "stat -c '%n %F %t:%T %a %u:%g' /dev/gr-null /dev/sub/dir/zero /dev/null /dev/fifo; "
           "head -c 3 /dev/sub/dir/zero | wc -c");
  expect_has (out, "/dev/gr-null character special file 1:3 660 0:1000");
  expect_has (out, "/dev/sub/dir/zero character special file 1:5 666 0:0");
  expect_has (out, "/dev/null character special file 1:3 600 0:0");
  expect_has (out, "/dev/fifo fifo 0:0 666");
  expect_has (out, "\n3");
}

/* CVE-2025-52565: a /dev/console symlink in the image (copied into /dev by
   tmpcopyup) must be replaced, not followed, when the console is bound */
Test (mount_ns, console_symlink_not_followed)
{
  cleanup_free char *target = path_in (host, "console-target");
  cleanup_free char *link = path_in (rootfs, "dev/console");
  cr_assert_eq (symlink (target, link), 0);
  int fd = open (target, O_WRONLY | O_CREAT | O_CLOEXEC, 0644);
  close (fd);
  scenario sc = { .console = true, .mounts =
      "[{\"destination\":\"/proc\",\"type\":\"proc\",\"source\":\"proc\"},"
      "{\"destination\":\"/dev\",\"type\":\"tmpfs\",\"source\":\"tmpfs\","
      "\"options\":[\"tmpcopyup\",\"mode=755\"]}]" };
  cleanup_free char *out = run_ok (&sc, "stat -c '%F %t' /dev/console");
  /* the pty's major; its minor is the child's, not known here */
  expect_has (out, "character special file 88\n");
  struct stat st;
  cr_assert_eq (stat (target, &st), 0);
  cr_expect (S_ISREG (st.st_mode) && st.st_size == 0, "host target untouched");
}

/* --------------------------------------------------------- escapes */
static void
expect_host_clean (const char *path)
{
  cr_expect (!exists (path), "%s was created on the host", path);
}

Test (mount_ns, symlink_to_root_stays_inside)
{
  cleanup_free char *evil = path_in (rootfs, "evil");
  cr_assert_eq (symlink ("/", evil), 0);
  scenario sc = { .mounts = "[{\"destination\":\"/proc\",\"type\":\"proc\",\"source\":\"proc\"},"
                            "{\"destination\":\"/evil/x\",\"type\":\"tmpfs\",\"source\":\"tmpfs\"}]" };
  cleanup_free char *out = run_ok (&sc, "grep -c ' /x tmpfs' /proc/mounts");
  expect_has (out, "1");
  cleanup_free char *inside = path_in (rootfs, "x");
  cr_expect (exists (inside), "the destination was made inside the rootfs");
  expect_host_clean ("/x");
}

static void
check_host_target_escape (const char *link_target, const char *dest)
{
  cleanup_free char *victim = path_in (host, "victim");
  mk (victim);
  cleanup_free char *evil = path_in (rootfs, "evil");
  cr_assert_eq (symlink (link_target, evil), 0);
  cleanup_free char *mounts = gr_fmt (
      "[{\"destination\":\"/proc\",\"type\":\"proc\",\"source\":\"proc\"},"
      "{\"destination\":\"%s\",\"type\":\"tmpfs\",\"source\":\"tmpfs\"}]", dest);
  scenario sc = { .mounts = mounts };
  cleanup_free char *out = run_ok (&sc, "cut -d' ' -f2,3 /proc/mounts");
  cleanup_free char *want = gr_fmt ("%s/victim/sub tmpfs", host);
  expect_has (out, want);
  cleanup_free char *sub = path_in (victim, "sub");
  expect_host_clean (sub);
  cleanup_free char *inside = gr_fmt ("%s%s/victim/sub", rootfs, host);
  cr_expect (exists (inside), "%s made inside the rootfs", inside);
}

Test (mount_ns, absolute_symlink_to_host_path_stays_inside)
{
  cleanup_free char *t = path_in (host, "victim");
  check_host_target_escape (t, "/evil/sub");
}

Test (mount_ns, relative_symlink_escape_stays_inside)
{
  cleanup_free char *t = gr_fmt ("../../../../../../../../../..%s/victim", host);
  check_host_target_escape (t, "/evil/sub");
}

Test (mount_ns, dotdot_destination_stays_inside)
{
  cleanup_free char *victim = path_in (host, "victim");
  mk (victim);
  cleanup_free char *mounts = gr_fmt (
      "[{\"destination\":\"/../../../../../..%s/victim/sub\",\"type\":\"tmpfs\","
      "\"source\":\"tmpfs\"}]", host);
  scenario sc = { .mounts = mounts };
  free (run_ok (&sc, "true"));
  cleanup_free char *sub = path_in (victim, "sub");
  expect_host_clean (sub);
  cleanup_free char *inside = gr_fmt ("%s%s/victim/sub", rootfs, host);
  cr_expect (exists (inside));
}

Test (mount_ns, impossible_destination_is_a_clear_error)
{
  cleanup_free char *f = path_in (rootfs, "file");
  close (open (f, O_WRONLY | O_CREAT | O_CLOEXEC, 0644));
  scenario sc = { .mounts = "[{\"destination\":\"/file/x\",\"type\":\"tmpfs\","
                            "\"source\":\"tmpfs\"}]" };
  cleanup_free char *out = NULL;
  cr_expect_eq (run (&sc, "true", &out), 99);
  expect_has (out, "mounts[0].destination `/file/x`");
  expect_has (out, "Not a directory");
}

Test (mount_ns, symlink_loop_is_a_clear_error)
{
  cleanup_free char *a = path_in (rootfs, "a");
  cleanup_free char *b = path_in (rootfs, "b");
  cr_assert_eq (symlink ("b", a), 0);
  cr_assert_eq (symlink ("a", b), 0);
  scenario sc = { .mounts = "[{\"destination\":\"/a/x\",\"type\":\"tmpfs\","
                            "\"source\":\"tmpfs\"}]",
                  .test_flags = GR_MNT_TEST_NO_OPENAT2 };
  cleanup_free char *out = NULL;
  cr_expect_eq (run (&sc, "true", &out), 99);
  expect_has (out, "mounts[0].destination `/a/x`");
  expect_has (out, "symbolic links");
}

/* CVE-2019-19921: proc only on a real directory */
Test (mount_ns, proc_on_symlink_refused)
{
  cleanup_free char *p = path_in (rootfs, "proc");
  cleanup_free char *fake = path_in (rootfs, "fakeproc");
  cr_assert_eq (rmdir (p), 0);
  mk (fake);
  cr_assert_eq (symlink ("/fakeproc", p), 0);
  scenario sc = { 0 };
  cleanup_free char *out = NULL;
  cr_expect_eq (run (&sc, "true", &out), 99);
  expect_has (out, "mounts[0].destination `/proc`");
  expect_has (out, "symlink");
}

Test (mount_ns, proc_on_non_empty_dir_refused)
{
  cleanup_free char *f = path_in (rootfs, "proc/planted");
  close (open (f, O_WRONLY | O_CREAT | O_CLOEXEC, 0644));
  scenario sc = { 0 };
  cleanup_free char *out = NULL;
  cr_expect_eq (run (&sc, "true", &out), 99);
  expect_has (out, "not an empty directory");
}

/* CVE-2025-31133: /dev/null swapped for a symlink before maskedPaths */
static void
swap_dev_null (void)
{
  unlink ("/dev/null");
  if (symlink ("/proc/sys/kernel/core_pattern", "/dev/null") < 0)
    printf ("swap: %m\n");
}

Test (mount_ns, masked_paths_refuse_fake_dev_null)
{
  char *before = NULL;
  cr_assert_eq (gr_read_file ("/proc/sys/kernel/core_pattern", 4096, &before,
                              NULL, NULL), 0);
  scenario sc = { .before_finalize = swap_dev_null };
  cleanup_free char *out = NULL;
  cr_expect_eq (run (&sc, "true", &out), 99);
  expect_has (out, "not the null device");
  char *after = NULL;
  cr_assert_eq (gr_read_file ("/proc/sys/kernel/core_pattern", 4096, &after,
                              NULL, NULL), 0);
  cr_expect_str_eq (after, before);
  free (before);
  free (after);
}

static void
replace_dev_null_with_zero (void)
{
  unlink ("/dev/null");
  if (mknod ("/dev/null", S_IFCHR | 0666, makedev (1, 5)) < 0)
    printf ("mknod: %m\n");
}

Test (mount_ns, masked_paths_refuse_other_device)
{
  scenario sc = { .before_finalize = replace_dev_null_with_zero };
  cleanup_free char *out = NULL;
  cr_expect_eq (run (&sc, "true", &out), 99);
  expect_has (out, "not the null device");
}

Test (mount_ns, masked_and_readonly_custom)
{
  cleanup_free char *f = path_in (rootfs, "secret/key");
  cleanup_free char *ff = path_in (rootfs, "etc/passwd");
  cleanup_free char *r = path_in (rootfs, "rodir/f");
  cleanup_free char *l = path_in (rootfs, "etc/secretlink");
  mk (f);
  cr_assert_eq (rmdir (f), 0);
  mk (r);
  cr_assert_eq (rmdir (r), 0);
  close (open (f, O_WRONLY | O_CREAT | O_CLOEXEC, 0644));
  close (open (r, O_WRONLY | O_CREAT | O_CLOEXEC, 0644));
  close (open (ff, O_WRONLY | O_CREAT | O_CLOEXEC, 0644));
  /* a masked path through a symlink resolves inside the rootfs too */
  cr_assert_eq (symlink ("../secret", l), 0);
  scenario sc = { .masked = "[\"/etc/secretlink\",\"/etc/passwd\"]",
                  .ro_paths = "[\"/rodir\"]" };
  cleanup_free char *out = run_ok (
      &sc, "ls /secret | wc -l; touch /secret/n 2>/dev/null || echo mask-ro; "
           "stat -c '%F %t:%T' /etc/passwd; cat /rodir/f && echo read-ok; "
           "touch /rodir/g 2>/dev/null || echo ro-denied; touch /ok && echo root-rw; "
           "grep -E ' /(secret|rodir) ' /proc/mounts | cut -d' ' -f2,3,4 | cut -d, -f1");
  expect_has (out, "0\nmask-ro\ncharacter special file 1:3\nread-ok\nro-denied\nroot-rw");
  expect_has (out, "/secret tmpfs ro");
  expect_has (out, "/rodir ");
  cleanup_free char *g = path_in (rootfs, "rodir/g");
  cr_expect (!exists (g));
}

/* a rootfs on a mount that is shared with the host: whatever
   rootfsPropagation says, nothing the container mounts reaches the host
   (run() compares the host's mount table) */
Test (mount_ns, rootfs_on_shared_mount_does_not_propagate)
{
  static const char *const props[] = { "private", "slave", "shared",
                                       "rshared", "unbindable" };
  cleanup_free char *sh = path_in (dir, "shared");
  mk (sh);
  cr_assert_eq (mount ("tmpfs", sh, "tmpfs", 0, "size=8m"), 0);
  cr_assert_eq (mount (NULL, sh, NULL, MS_SHARED, NULL), 0);
  snprintf (rootfs, sizeof rootfs, "%s/rootfs", sh);
  build_rootfs ();
  for (size_t i = 0; i < GR_ARRAY_SIZE (props); i++)
    {
      cleanup_free char *extra = gr_fmt ("\"rootfsPropagation\":\"%s\"", props[i]);
      scenario sc = { .linux_extra = extra };
      char *out = NULL;
      int st = run (&sc, "grep -c ' /proc ' /proc/mounts", &out);
      cr_expect_eq (st, 0, "%s: %s", props[i], out);
      free (out);
    }
  cr_expect_eq (umount2 (sh, MNT_DETACH), 0);
}

Test (mount_ns, rootfs_propagation_shared)
{
  scenario sc = { .linux_extra = "\"rootfsPropagation\":\"rshared\"" };
  cleanup_free char *out = run_ok (&sc, "awk '$5 == \"/\"' /proc/self/mountinfo");
  expect_has (out, "shared:");
}

/* ------------------------------------------------- user namespaces */
static void
userns_devices_sysfs_locked_flags (int test_flags)
{
  make_host_tree ();
  /* host/locked is nosuid,nodev,noexec,ro: the user namespace locks
     them, so "suid", "dev", "rw" cannot be honoured and must not fail */
  scenario sc = { .userns = true, .test_flags = test_flags, .mounts =
      "[{\"destination\":\"/proc\",\"type\":\"proc\",\"source\":\"proc\"},"
      "{\"destination\":\"/sys\",\"type\":\"sysfs\",\"source\":\"sysfs\","
      "\"options\":[\"nosuid\",\"noexec\",\"nodev\",\"ro\"]},"
      "{\"destination\":\"/shm\",\"type\":\"bind\",\"source\":\"/tmp/gr-mnt-XXXXXX/host/locked\","
      "\"options\":[\"rbind\",\"suid\",\"dev\",\"rw\",\"noatime\"]}]" };
  cleanup_free char *m = gr_xstrdup (sc.mounts);
  memcpy (strstr (m, "/tmp/gr-mnt-XXXXXX"), dir, strlen (dir));
  sc.mounts = m;
  cleanup_free char *out = run_ok (
      &sc, "grep -E ' /(sys|shm|dev/null|dev/tty) ' /proc/mounts | cut -d' ' -f2,3,4;"
           "echo x > /dev/null && echo null-ok; head -c 4 /dev/zero | wc -c;"
           "touch /sys/x 2>/dev/null || echo sys-ro");
  expect_has (out, "/sys sysfs ro,nosuid,nodev,noexec");
  expect_has (out, "/shm tmpfs ro,nosuid,nodev,noexec");
  expect_has (out, "/dev/null ");  /* a bind of the host's node */
  expect_has (out, "/dev/tty ");
  expect_has (out, "null-ok\n4\nsys-ro");
}

Test (mount_ns, userns_devices_sysfs_locked_flags)
{
  userns_devices_sysfs_locked_flags (0);
}

Test (mount_ns, userns_devices_sysfs_locked_flags_legacy)
{
  userns_devices_sysfs_locked_flags (GR_MNT_TEST_LEGACY | GR_MNT_TEST_NO_OPENAT2);
}

/* runc's way for user namespaces: the runtime makes the idmapped tree with
   host ids before the namespaces exist, the init only attaches it */
Test (mount_ns, idmapped_tree_from_the_runtime_in_userns)
{
  make_host_tree ();
  cleanup_free char *f = path_in (host, "src/file");
  cr_assert_eq (chown (f, 1000, 1000), 0);
  cleanup_free char *mounts = gr_fmt (
      "[{\"destination\":\"/proc\",\"type\":\"proc\",\"source\":\"proc\"},"
      "{\"destination\":\"/idm\",\"type\":\"bind\",\"source\":\"%s/src\","
      "\"options\":[\"rbind\",\"idmap\",\"ro\"],"
      "\"uidMappings\":[{\"containerID\":1000,\"hostID\":2000,\"size\":10}],"
      "\"gidMappings\":[{\"containerID\":1000,\"hostID\":3000,\"size\":10}]}]",
      host);
  scenario sc = { .mounts = mounts, .userns = true, .parent_fds = true };
  cleanup_free char *out = run_ok (&sc, "stat -c '%u:%g' /idm/file; grep ' /idm ' /proc/mounts");
  expect_has (out, "2000:3000");
  expect_has (out, "ro,");
  expect_has (out, "idmapped");
}

/* ------------------------------------------------------------ SELinux */
Test (mount_ns, mount_label)
{
  if (access ("/sys/fs/selinux/enforce", F_OK) < 0)
    skip_test ("SELinux is not enabled (run in the VM: --selinux)");
  scenario sc = { .opts.mount_label = "system_u:object_r:container_file_t:s0:c1,c2",
                  .masked = "[\"/secret\"]" };
  cleanup_free char *d = path_in (rootfs, "secret");
  mk (d);
  cleanup_free char *out = run_ok (
      &sc, "grep -E ' /(dev|dev/shm|dev/pts|secret) ' /proc/mounts");
  expect_has (out, "/dev tmpfs rw,context=\"system_u:object_r:container_file_t:s0:c1,c2\"");
  expect_has (out, "/dev/shm tmpfs rw,context=");
  expect_has (out, "/dev/pts devpts rw,context=");
  expect_has (out, "/secret tmpfs ro,context=");
}
