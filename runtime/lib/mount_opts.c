/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Mount options -> what mount(2) and mount_setattr(2) take.  One table row
 * per option (runc's list, the one `features` prints); anything else is
 * filesystem data ("size=64k", "mode=755", "newinstance", ...).  Later
 * options override earlier ones ("ro,rw" is rw), as in mount(8).
 */
#include <string.h>
#include <guardrun/util.h>
#include "mount_internal.h"

#ifndef MS_NOSYMFOLLOW
#define MS_NOSYMFOLLOW 256
#endif

enum kind {
  K_SET,      /* set a mount(2) flag */
  K_CLR,      /* clear it */
  K_PROP,     /* propagation */
  K_RSET,     /* recursive mount_setattr attribute on */
  K_RCLR,     /* ... off */
  K_RATIME,   /* recursive atime mode (an enum, not a bit) */
  K_BIND, K_RBIND, K_IDMAP, K_RIDMAP, K_TMPCOPYUP, K_NOP,
};

static const struct opt {
  const char *name;
  enum kind kind;
  unsigned long val;
} opts[] = {
  { "defaults", K_NOP, 0 },
  { "ro", K_SET, MS_RDONLY },           { "rw", K_CLR, MS_RDONLY },
  { "nosuid", K_SET, MS_NOSUID },       { "suid", K_CLR, MS_NOSUID },
  { "nodev", K_SET, MS_NODEV },         { "dev", K_CLR, MS_NODEV },
  { "noexec", K_SET, MS_NOEXEC },       { "exec", K_CLR, MS_NOEXEC },
  { "sync", K_SET, MS_SYNCHRONOUS },    { "async", K_CLR, MS_SYNCHRONOUS },
  { "dirsync", K_SET, MS_DIRSYNC },
  { "remount", K_SET, MS_REMOUNT },
  { "mand", K_SET, MS_MANDLOCK },       { "nomand", K_CLR, MS_MANDLOCK },
  { "noatime", K_SET, MS_NOATIME },     { "atime", K_CLR, MS_NOATIME },
  { "nodiratime", K_SET, MS_NODIRATIME }, { "diratime", K_CLR, MS_NODIRATIME },
  { "relatime", K_SET, MS_RELATIME },   { "norelatime", K_CLR, MS_RELATIME },
  { "strictatime", K_SET, MS_STRICTATIME },
  { "nostrictatime", K_CLR, MS_STRICTATIME },
  { "lazytime", K_SET, MS_LAZYTIME },   { "nolazytime", K_CLR, MS_LAZYTIME },
  { "iversion", K_SET, MS_I_VERSION },  { "noiversion", K_CLR, MS_I_VERSION },
  { "acl", K_SET, MS_POSIXACL },        { "noacl", K_CLR, MS_POSIXACL },
  { "silent", K_SET, MS_SILENT },       { "loud", K_CLR, MS_SILENT },
  { "nosymfollow", K_SET, MS_NOSYMFOLLOW },
  { "symfollow", K_CLR, MS_NOSYMFOLLOW },

  { "private", K_PROP, MS_PRIVATE },    { "rprivate", K_PROP, MS_PRIVATE | MS_REC },
  { "shared", K_PROP, MS_SHARED },      { "rshared", K_PROP, MS_SHARED | MS_REC },
  { "slave", K_PROP, MS_SLAVE },        { "rslave", K_PROP, MS_SLAVE | MS_REC },
  { "unbindable", K_PROP, MS_UNBINDABLE },
  { "runbindable", K_PROP, MS_UNBINDABLE | MS_REC },

  { "rro", K_RSET, MOUNT_ATTR_RDONLY },   { "rrw", K_RCLR, MOUNT_ATTR_RDONLY },
  { "rnosuid", K_RSET, MOUNT_ATTR_NOSUID }, { "rsuid", K_RCLR, MOUNT_ATTR_NOSUID },
  { "rnodev", K_RSET, MOUNT_ATTR_NODEV },   { "rdev", K_RCLR, MOUNT_ATTR_NODEV },
  { "rnoexec", K_RSET, MOUNT_ATTR_NOEXEC }, { "rexec", K_RCLR, MOUNT_ATTR_NOEXEC },
  { "rnodiratime", K_RSET, MOUNT_ATTR_NODIRATIME },
  { "rdiratime", K_RCLR, MOUNT_ATTR_NODIRATIME },
  { "rnosymfollow", K_RSET, MOUNT_ATTR_NOSYMFOLLOW },
  { "rsymfollow", K_RCLR, MOUNT_ATTR_NOSYMFOLLOW },
  /* "not noatime" and "not strictatime" leave the kernel's default,
     relatime; "not relatime" can only mean strictatime */
  { "rnoatime", K_RATIME, MOUNT_ATTR_NOATIME },
  { "ratime", K_RATIME, MOUNT_ATTR_RELATIME },
  { "rrelatime", K_RATIME, MOUNT_ATTR_RELATIME },
  { "rnorelatime", K_RATIME, MOUNT_ATTR_STRICTATIME },
  { "rstrictatime", K_RATIME, MOUNT_ATTR_STRICTATIME },
  { "rnostrictatime", K_RATIME, MOUNT_ATTR_RELATIME },

  { "bind", K_BIND, 0 },       { "rbind", K_RBIND, 0 },
  { "idmap", K_IDMAP, 0 },     { "ridmap", K_RIDMAP, 0 },
  { "tmpcopyup", K_TMPCOPYUP, 0 },
};

/* the kernel copies at most one page of mount data */
#define DATA_MAX 4095

static const struct opt *
find (const char *name)
{
  for (size_t i = 0; i < GR_ARRAY_SIZE (opts); i++)
    if (strcmp (opts[i].name, name) == 0)
      return &opts[i];
  return NULL;
}

static void
set_flag (gr_mount_flags *f, unsigned long v)
{
  /* the atime modes exclude each other: the last one given wins */
  const unsigned long atime = MS_NOATIME | MS_RELATIME | MS_STRICTATIME;
  if (v & atime)
    {
      f->flags &= ~atime;
      f->clear |= atime & ~v;
    }
  f->flags |= v;
  f->clear &= ~v;
}

static void
apply (gr_mount_flags *f, const struct opt *o)
{
  switch (o->kind)
    {
    case K_SET:
      set_flag (f, o->val);
      break;
    case K_CLR:
      f->flags &= ~o->val;
      f->clear |= o->val;
      break;
    case K_PROP:
      f->propagation = o->val;
      break;
    case K_RSET:
      f->rec_attr_set |= o->val;
      f->rec_attr_clr &= ~o->val;
      break;
    case K_RCLR:
      f->rec_attr_clr |= o->val;
      f->rec_attr_set &= ~o->val;
      break;
    case K_RATIME:
      /* mount_setattr: a new atime mode needs the whole __ATIME mask in
         attr_clr and the mode in attr_set */
      f->rec_attr_clr |= MOUNT_ATTR__ATIME;
      f->rec_attr_set = (f->rec_attr_set & ~(uint64_t) MOUNT_ATTR__ATIME) | o->val;
      break;
    case K_BIND:
      f->bind = true;
      break;
    case K_RBIND:
      f->bind = f->rbind = true;
      break;
    case K_RIDMAP:
      f->ridmap = true;
      /* fall through */
    case K_IDMAP:
      f->idmap = true;
      break;
    case K_TMPCOPYUP:
      f->tmpcopyup = true;
      break;
    case K_NOP:
      break;
    }
  f->recursive_ro = (f->rec_attr_set & MOUNT_ATTR_RDONLY) != 0;
}

static int
add_data (char **data, size_t *len, const char *opt, gr_error **err)
{
  size_t n = strlen (opt), need = *len + (*len ? 1 : 0) + n;
  if (need > DATA_MAX)
    return gr_error_set (err, E2BIG, "mount options longer than %d bytes",
                         DATA_MAX);
  *data = gr_xrealloc (*data, need + 1);
  if (*len)
    (*data)[(*len)++] = ',';
  memcpy (*data + *len, opt, n + 1);
  *len = need;
  return 0;
}

int
gr_mount_parse_options (char **options, size_t n, gr_mount_flags *out,
                        gr_error **err)
{
  gr_mount_flags f = { 0 };
  size_t len = 0;
  for (size_t i = 0; i < n; i++)
    {
      const char *name = options[i];
      if (name == NULL || *name == '\0')
        continue;
      const struct opt *o = find (name);
      if (o)
        apply (&f, o);
      else if (add_data (&f.data, &len, name, err) < 0)
        {
          free (f.data);
          return gr_error_wrap (err, "mount option `%s`", name);
        }
    }
  *out = f;
  return 0;
}

void
gr_mount_flags_free (gr_mount_flags *f)
{
  free (f->data);
  f->data = NULL;
}
