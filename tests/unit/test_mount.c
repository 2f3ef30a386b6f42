/* SPDX-License-Identifier: Apache-2.0 */
/* mount option parsing, path cleaning and in-root resolution (no mounts:
   runs unprivileged; test_mount_ns.c does the mounting) */
#include <criterion/criterion.h>
#include <fcntl.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <guardrun/mount.h>
#include <guardrun/util.h>
#include "../../runtime/lib/mount_internal.h"

#ifndef MS_NOSYMFOLLOW
#define MS_NOSYMFOLLOW 256
#endif

/* parse a NULL-terminated list; asserts success */
static gr_mount_flags
parse (const char *const *opts)
{
  size_t n = 0;
  while (opts[n])
    n++;
  gr_mount_flags f;
  gr_error *err = NULL;
  cr_assert_eq (gr_mount_parse_options ((char **) opts, n, &f, &err), 0);
  cr_assert_null (err);
  return f;
}

#define P(...) parse ((const char *const[]){ __VA_ARGS__, NULL })

Test (mount_opts, empty)
{
  gr_mount_flags f = parse ((const char *const[]){ NULL });
  cr_expect_eq (f.flags, 0);
  cr_expect_eq (f.clear, 0);
  cr_expect_eq (f.propagation, 0);
  cr_expect_null (f.data);
  cr_expect (!f.bind && !f.rbind && !f.idmap && !f.tmpcopyup);
  gr_mount_flags_free (&f);
}

/* every set/clear pair of runc's table */
static const struct { const char *set, *clr; unsigned long flag; } pairs[] = {
  { "ro", "rw", MS_RDONLY },          { "nosuid", "suid", MS_NOSUID },
  { "nodev", "dev", MS_NODEV },       { "noexec", "exec", MS_NOEXEC },
  { "sync", "async", MS_SYNCHRONOUS }, { "mand", "nomand", MS_MANDLOCK },
  { "noatime", "atime", MS_NOATIME }, { "nodiratime", "diratime", MS_NODIRATIME },
  { "relatime", "norelatime", MS_RELATIME },
  { "strictatime", "nostrictatime", MS_STRICTATIME },
  { "lazytime", "nolazytime", MS_LAZYTIME },
  { "iversion", "noiversion", MS_I_VERSION }, { "acl", "noacl", MS_POSIXACL },
  { "silent", "loud", MS_SILENT },    { "nosymfollow", "symfollow", MS_NOSYMFOLLOW },
};

Test (mount_opts, flag_pairs)
{
  for (size_t i = 0; i < GR_ARRAY_SIZE (pairs); i++)
    {
      gr_mount_flags f = P (pairs[i].set);
      cr_expect_eq (f.flags, pairs[i].flag, "%s", pairs[i].set);
      cr_expect_eq (f.clear & pairs[i].flag, 0, "%s", pairs[i].set);
      cr_expect_null (f.data, "%s", pairs[i].set);
      f = P (pairs[i].clr);
      cr_expect_eq (f.flags, 0, "%s", pairs[i].clr);
      cr_expect_eq (f.clear, pairs[i].flag, "%s", pairs[i].clr);
      /* last one wins, both ways */
      f = P (pairs[i].set, pairs[i].clr);
      cr_expect_eq (f.flags & pairs[i].flag, 0, "%s,%s", pairs[i].set, pairs[i].clr);
      cr_expect_neq (f.clear & pairs[i].flag, 0);
      f = P (pairs[i].clr, pairs[i].set);
      cr_expect_neq (f.flags & pairs[i].flag, 0, "%s,%s", pairs[i].clr, pairs[i].set);
      cr_expect_eq (f.clear & pairs[i].flag, 0);
    }
}

Test (mount_opts, single_flags)
{
  cr_expect_eq (P ("dirsync").flags, MS_DIRSYNC);
  cr_expect_eq (P ("remount").flags, MS_REMOUNT);
  gr_mount_flags f = P ("defaults");
  cr_expect_eq (f.flags | f.clear, 0);
  cr_expect_null (f.data);
}

Test (mount_opts, atime_modes_exclude_each_other)
{
  gr_mount_flags f = P ("noatime", "relatime");
  cr_expect_eq (f.flags & (MS_NOATIME | MS_RELATIME | MS_STRICTATIME), MS_RELATIME);
  f = P ("relatime", "strictatime");
  cr_expect_eq (f.flags & (MS_NOATIME | MS_RELATIME | MS_STRICTATIME), MS_STRICTATIME);
  f = P ("strictatime", "noatime", "nodiratime");
  cr_expect_eq (f.flags, MS_NOATIME | MS_NODIRATIME);
}

Test (mount_opts, combination)
{
  gr_mount_flags f = P ("nosuid", "nodev", "noexec", "ro", "relatime");
  cr_expect_eq (f.flags, MS_NOSUID | MS_NODEV | MS_NOEXEC | MS_RDONLY | MS_RELATIME);
  cr_expect_null (f.data);
}

Test (mount_opts, propagation)
{
  static const struct { const char *name; unsigned long v; } props[] = {
    { "private", MS_PRIVATE },        { "rprivate", MS_PRIVATE | MS_REC },
    { "shared", MS_SHARED },          { "rshared", MS_SHARED | MS_REC },
    { "slave", MS_SLAVE },            { "rslave", MS_SLAVE | MS_REC },
    { "unbindable", MS_UNBINDABLE },  { "runbindable", MS_UNBINDABLE | MS_REC },
  };
  for (size_t i = 0; i < GR_ARRAY_SIZE (props); i++)
    {
      gr_mount_flags f = P (props[i].name);
      cr_expect_eq (f.propagation, props[i].v, "%s", props[i].name);
      cr_expect_eq (f.flags, 0, "%s is not a flag", props[i].name);
    }
  cr_expect_eq (P ("shared", "rslave").propagation, MS_SLAVE | MS_REC);
}

Test (mount_opts, bind_rbind)
{
  gr_mount_flags f = P ("bind");
  cr_expect (f.bind && !f.rbind);
  cr_expect_eq (f.flags, 0, "bind is not passed as MS_BIND flags");
  f = P ("rbind");
  cr_expect (f.bind && f.rbind);
  f = P ("rbind", "ro");
  cr_expect (f.bind && f.rbind);
  cr_expect_eq (f.flags, MS_RDONLY);
}

Test (mount_opts, recursive_attrs)
{
  static const struct { const char *on, *off; uint64_t attr; } r[] = {
    { "rro", "rrw", MOUNT_ATTR_RDONLY },       { "rnosuid", "rsuid", MOUNT_ATTR_NOSUID },
    { "rnodev", "rdev", MOUNT_ATTR_NODEV },    { "rnoexec", "rexec", MOUNT_ATTR_NOEXEC },
    { "rnodiratime", "rdiratime", MOUNT_ATTR_NODIRATIME },
    { "rnosymfollow", "rsymfollow", MOUNT_ATTR_NOSYMFOLLOW },
  };
  for (size_t i = 0; i < GR_ARRAY_SIZE (r); i++)
    {
      gr_mount_flags f = P (r[i].on);
      cr_expect_eq (f.rec_attr_set, r[i].attr, "%s", r[i].on);
      cr_expect_eq (f.rec_attr_clr, 0, "%s", r[i].on);
      cr_expect_eq (f.flags, 0, "%s sets no mount(2) flag", r[i].on);
      f = P (r[i].off);
      cr_expect_eq (f.rec_attr_clr, r[i].attr, "%s", r[i].off);
      cr_expect_eq (f.rec_attr_set, 0, "%s", r[i].off);
      f = P (r[i].on, r[i].off);
      cr_expect_eq (f.rec_attr_set, 0);
      cr_expect_eq (f.rec_attr_clr, r[i].attr);
    }
  cr_expect (P ("rro").recursive_ro);
  cr_expect (!P ("rro", "rrw").recursive_ro);
  cr_expect (!P ("ro").recursive_ro);
}

Test (mount_opts, recursive_atime)
{
  static const struct { const char *name; uint64_t mode; } r[] = {
    { "rnoatime", MOUNT_ATTR_NOATIME },         { "ratime", MOUNT_ATTR_RELATIME },
    { "rrelatime", MOUNT_ATTR_RELATIME },       { "rnorelatime", MOUNT_ATTR_STRICTATIME },
    { "rstrictatime", MOUNT_ATTR_STRICTATIME }, { "rnostrictatime", MOUNT_ATTR_RELATIME },
  };
  for (size_t i = 0; i < GR_ARRAY_SIZE (r); i++)
    {
      gr_mount_flags f = P (r[i].name, "rnosuid");
      /* the kernel wants the whole atime mask cleared with a mode */
      cr_expect_eq (f.rec_attr_clr, MOUNT_ATTR__ATIME, "%s", r[i].name);
      cr_expect_eq (f.rec_attr_set, r[i].mode | MOUNT_ATTR_NOSUID, "%s", r[i].name);
    }
  gr_mount_flags f = P ("rnoatime", "rstrictatime");
  cr_expect_eq (f.rec_attr_set & MOUNT_ATTR__ATIME, MOUNT_ATTR_STRICTATIME);
}

Test (mount_opts, idmap_tmpcopyup)
{
  gr_mount_flags f = P ("idmap");
  cr_expect (f.idmap && !f.ridmap);
  f = P ("ridmap");
  cr_expect (f.idmap && f.ridmap);
  f = P ("tmpcopyup");
  cr_expect (f.tmpcopyup);
  cr_expect_null (f.data);
}

Test (mount_opts, data_passthrough)
{
  gr_mount_flags f = P ("nosuid", "size=64k", "mode=1777", "", "newinstance",
                        "ro", "uid=5", "x-custom");
  cr_expect_eq (f.flags, MS_NOSUID | MS_RDONLY);
  cr_assert_not_null (f.data);
  cr_expect_str_eq (f.data, "size=64k,mode=1777,newinstance,uid=5,x-custom");
  gr_mount_flags_free (&f);
  cr_expect_null (f.data);
  f = P ("context=\"system_u:object_r:container_file_t:s0:c1,c2\"");
  cr_expect_str_eq (f.data, "context=\"system_u:object_r:container_file_t:s0:c1,c2\"");
  gr_mount_flags_free (&f);
}

Test (mount_opts, case_sensitive_and_no_prefix_match)
{
  gr_mount_flags f = P ("RO", "nosuidx", "r");
  cr_expect_eq (f.flags, 0);
  cr_expect_str_eq (f.data, "RO,nosuidx,r");
  gr_mount_flags_free (&f);
}

Test (mount_opts, data_too_long)
{
  char *big = gr_xmalloc (5000);
  memset (big, 'a', 4999);
  big[4999] = '\0';
  char *opts[] = { "size=1m", big };
  gr_mount_flags f = { 0 };
  gr_error *err = NULL;
  cr_expect_lt (gr_mount_parse_options (opts, 2, &f, &err), 0);
  cr_assert_not_null (err);
  cleanup_free char *msg = gr_error_string (err);
  cr_expect (strstr (msg, "mount option") != NULL, "%s", msg);
  gr_error_free (err);
  free (big);
  /* exactly one page minus the NUL fits */
  char *page = gr_xmalloc (4096);
  memset (page, 'b', 4095);
  page[4095] = '\0';
  char *one[] = { page };
  cr_expect_eq (gr_mount_parse_options (one, 1, &f, NULL), 0);
  gr_mount_flags_free (&f);
  free (page);
}

Test (mount_opts, every_features_option_is_known)
{
  /* cmd_features.c's list: each one parses to something other than data */
  static const char *const all[] = {
    "acl", "async", "atime", "bind", "defaults", "dev", "diratime", "dirsync",
    "exec", "iversion", "lazytime", "loud", "mand", "noacl", "noatime",
    "nodev", "nodiratime", "noexec", "noiversion", "nolazytime", "nomand",
    "norelatime", "nostrictatime", "nosuid", "nosymfollow", "private",
    "ratime", "rbind", "rdev", "rdiratime", "relatime", "remount", "rexec",
    "rnoatime", "rnodev", "rnodiratime", "rnoexec", "rnorelatime",
    "rnostrictatime", "rnosuid", "rnosymfollow", "ro", "rprivate", "rrelatime",
    "rro", "rrw", "rshared", "rslave", "rstrictatime", "rsuid", "rsymfollow",
    "runbindable", "rw", "shared", "silent", "slave", "strictatime", "suid",
    "symfollow", "sync", "tmpcopyup", "unbindable", "idmap", "ridmap",
  };
  for (size_t i = 0; i < GR_ARRAY_SIZE (all); i++)
    {
      gr_mount_flags f = P (all[i]);
      cr_expect_null (f.data, "%s fell through to data", all[i]);
    }
}

/* ---------------------------------------------------------- paths */
Test (mount_path, clean)
{
  static const char *const cases[][2] = {
    { "/", "" },           { "", "" },           { "/a", "a" },
    { "a", "a" },          { "/a/b/", "a/b" },   { "//a//b", "a/b" },
    { "/a/./b", "a/b" },   { "/a/../b", "b" },   { "/../..", "" },
    { "/../../etc", "etc" }, { "/a/b/../../../c", "c" }, { "./x/.", "x" },
    { "/a/..b/c", "a/..b/c" }, { "/...", "..." },
  };
  for (size_t i = 0; i < GR_ARRAY_SIZE (cases); i++)
    {
      cleanup_free char *c = gr_path_clean (cases[i][0]);
      cr_expect_str_eq (c, cases[i][1], "clean(%s)", cases[i][0]);
    }
}

/* --------------------------------------------------------- resolve */
static char tmp[] = "/tmp/gr-resolve-XXXXXX";
static int rootfd = -1;
static char outside[sizeof tmp + 16];

static void
at (const char *rel, const char *link)
{
  cleanup_free char *p = gr_fmt ("%s/root/%s", tmp, rel);
  if (link)
    cr_assert_eq (symlink (link, p), 0, "symlink %s", p);
  else
    cr_assert_eq (gr_mkdir_p (p, 0755, NULL), 0);
}

static void
rsetup (void)
{
  cr_assert_not_null (mkdtemp (tmp));
  snprintf (outside, sizeof outside, "%s/outside", tmp);
  cr_assert_eq (mkdir (outside, 0755), 0);
  at ("", NULL);
  at ("etc", NULL);
  at ("usr/lib", NULL);
  at ("abs", "/etc");
  at ("rel", "usr/lib");
  at ("up", "../../../../../..");
  at ("host", outside);
  at ("dangling", "/made/by/walk");
  at ("loop1", "loop2");
  at ("loop2", "loop1");
  cleanup_free char *f = gr_fmt ("%s/root/file", tmp);
  close (open (f, O_WRONLY | O_CREAT | O_CLOEXEC, 0644));
  cleanup_free char *r = gr_fmt ("%s/root", tmp);
  rootfd = open (r, O_PATH | O_DIRECTORY | O_CLOEXEC);
  cr_assert_geq (rootfd, 0);
}

static void
rteardown (void)
{
  gr_mnt_test_flags = 0;
  close (rootfd);
  gr_rm_rf_at (AT_FDCWD, tmp);
}

TestSuite (resolve, .init = rsetup, .fini = rteardown);

/* the path of fd relative to the test root, "" for the root itself */
static char *
where (int fd)
{
  char link[64], buf[PATH_MAX];
  snprintf (link, sizeof link, "/proc/self/fd/%d", fd);
  ssize_t n = readlink (link, buf, sizeof buf - 1);
  cr_assert_gt (n, 0);
  buf[n] = '\0';
  size_t base = strlen (tmp) + strlen ("/root");
  cr_assert (strncmp (buf, tmp, strlen (tmp)) == 0, "escaped to %s", buf);
  return gr_xstrdup (buf[base] == '/' ? buf + base + 1 : buf + base);
}

static void
expect_at (const char *path, int how, const char *want)
{
  gr_error *err = NULL;
  int fd = gr_resolve (rootfd, path, how, &err);
  cleanup_free char *msg = err ? gr_error_string (err) : NULL;
  cr_assert_geq (fd, 0, "%s: %s", path, msg);
  cleanup_free char *got = where (fd);
  cr_expect_str_eq (got, want, "resolve(%s) = `%s`, want `%s`", path, got, want);
  close (fd);
  gr_error_free (err);
}

static void
expect_err (const char *path, int how, int errnum)
{
  gr_error *err = NULL;
  cr_expect_lt (gr_resolve (rootfd, path, how, &err), 0, "%s", path);
  cr_expect_eq (gr_error_errno (err), errnum, "%s: errno %d", path,
                gr_error_errno (err));
  gr_error_free (err);
}

static void
resolve_cases (void)
{
  expect_at ("/", 0, "");
  expect_at ("/etc", 0, "etc");
  expect_at ("/abs", 0, "etc");
  expect_at ("/abs/../usr", 0, "usr");
  expect_at ("/rel/..", 0, "");   /* lexically, as runc */
  expect_err ("/rel/../lib", 0, ENOENT);
  expect_at ("/up", 0, "");
  expect_at ("/up/etc", 0, "etc");
  expect_at ("/../../../etc", 0, "etc");
  expect_at ("/abs", GR_RES_NOFOLLOW, "abs");
  expect_err ("/host", 0, ENOENT);  /* the host's path is not in the root */
  expect_err ("/nope", 0, ENOENT);
  expect_err ("/file/x", 0, ENOTDIR);
  expect_err ("/file/x", GR_RES_MKDIR, ENOTDIR);
  expect_err ("/loop1", 0, ELOOP);
}

Test (resolve, openat2)
{
  resolve_cases ();
}

Test (resolve, walk)
{
  gr_mnt_test_flags = GR_MNT_TEST_NO_OPENAT2;
  resolve_cases ();
}

static void
create_cases (void)
{
  /* a host path behind a symlink is made inside the root instead */
  cleanup_free char *host = gr_fmt ("%s/new", outside + 1);
  expect_at ("/host/new", GR_RES_MKDIR, host);
  expect_at ("/dangling", GR_RES_MKDIR, "made/by/walk");
  expect_at ("/a/b/c", GR_RES_MKDIR, "a/b/c");
  expect_at ("/a/b/f", GR_RES_MKFILE, "a/b/f");
  expect_at ("/abs/newfile", GR_RES_MKFILE, "etc/newfile");
  struct stat st;
  cleanup_free char *f = gr_fmt ("%s/root/a/b/f", tmp);
  cr_expect_eq (stat (f, &st), 0);
  cr_expect (S_ISREG (st.st_mode));
  /* nothing was made outside the root */
  cleanup_free char *o = gr_fmt ("%s/new", outside);
  cr_expect_neq (stat (o, &st), 0);
  cleanup_free char *m = gr_fmt ("%s/made", tmp);
  cr_expect_neq (stat (m, &st), 0);
}

Test (resolve, create_openat2)
{
  create_cases ();
}

Test (resolve, create_walk)
{
  gr_mnt_test_flags = GR_MNT_TEST_NO_OPENAT2;
  create_cases ();
}
