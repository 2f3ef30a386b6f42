/* SPDX-License-Identifier: Apache-2.0 */
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <guardrun/json.h>
#include <guardrun/state.h>
#include <guardrun/util.h>

#define STATE_FILE "state.json"

const char *
gr_status_name (gr_status s)
{
  static const char *const names[] = { "creating", "created", "running",
                                       "paused", "stopped" };
  return names[s];
}

/* runc's rule: ^[\w+-.]+$ and neither "." nor "..": nothing that can name
   another directory once joined to the state root. */
int
gr_id_validate (const char *id, gr_error **err)
{
  size_t len = id ? strlen (id) : 0;
  if (len == 0)
    return gr_error_set (err, 0, "invalid container id: must not be empty");
  if (len > GR_ID_MAX)
    return gr_error_set (err, 0,
                         "invalid container id: longer than %d characters",
                         GR_ID_MAX);
  if (strcmp (id, ".") == 0 || strcmp (id, "..") == 0)
    return gr_error_set (err, 0, "invalid container id: \"%s\"", id);
  for (const char *p = id; *p; p++)
    if (!(isalnum ((unsigned char) *p) || *p == '_' || *p == '+' || *p == '-'
          || *p == '.'))
      return gr_error_set (err, 0,
                           "invalid container id \"%.64s\": only letters, "
                           "digits and _ + - . are allowed",
                           id);
  return 0;
}

int
gr_state_root_open (const char *root, bool create, gr_error **err)
{
  int fd = open (root, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0 && errno == ENOENT && create)
    {
      if (gr_mkdir_p (root, 0700, err) < 0)
        return gr_error_wrap (err, "create state root");
      fd = open (root, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    }
  if (fd < 0)
    return gr_error_set (err, errno, "open state root `%s`", root);
  return fd;
}

/* The lock is a flock on the container directory's own fd: it lives exactly
   as long as the dirfd the caller holds, with nothing else to track. */
static int
lock_dir (int dirfd, bool exclusive, gr_error **err)
{
  while (flock (dirfd, exclusive ? LOCK_EX : LOCK_SH) < 0)
    if (errno != EINTR)
      return gr_error_set (err, errno, "lock");
  return 0;
}

int
gr_state_create_dir (int rootfd, const char *id, gr_error **err)
{
  if (gr_id_validate (id, err) < 0)
    return -1;
  if (mkdirat (rootfd, id, 0700) < 0)
    {
      if (errno == EEXIST)
        return gr_error_set (err, 0, "container with id exists: %s", id);
      return gr_error_set (err, errno, "create state directory for `%s`", id);
    }
  cleanup_close int dfd = openat (rootfd, id,
                                  O_RDONLY | O_DIRECTORY | O_CLOEXEC
                                      | O_NOFOLLOW);
  if (dfd < 0)
    return gr_error_set (err, errno, "open state directory for `%s`", id);
  if (lock_dir (dfd, true, err) < 0)
    {
      unlinkat (rootfd, id, AT_REMOVEDIR);
      return gr_error_wrap (err, "lock container `%s`", id);
    }
  return gr_steal_fd (dfd);
}

int
gr_state_open (int rootfd, const char *id, bool exclusive, gr_error **err)
{
  if (gr_id_validate (id, err) < 0)
    return -1;
  cleanup_close int dfd = openat (rootfd, id,
                                  O_RDONLY | O_DIRECTORY | O_CLOEXEC
                                      | O_NOFOLLOW);
  if (dfd < 0)
    {
      if (errno == ENOENT || errno == ENOTDIR || errno == ELOOP)
        return gr_error_set (err, 0, "container does not exist");
      return gr_error_set (err, errno, "open state directory for `%s`", id);
    }
  if (lock_dir (dfd, exclusive, err) < 0)
    return gr_error_wrap (err, "lock container `%s`", id);
  /* a concurrent delete may have removed the directory while we waited */
  struct stat st;
  if (fstat (dfd, &st) < 0 || st.st_nlink == 0)
    return gr_error_set (err, 0, "container does not exist");
  return gr_steal_fd (dfd);
}

void
gr_state_free (gr_state *st)
{
  if (st == NULL)
    return;
  free (st->id);
  free (st->bundle);
  free (st->rootfs);
  free (st->created);
  free (st->owner);
  free (st->cgroup_path);
  free (st->policy);
  for (size_t i = 0; i < st->n_annotations; i++)
    {
      free (st->annotations[i].key);
      free (st->annotations[i].value);
    }
  free (st->annotations);
  free (st);
}

static char *
state_to_json (const gr_state *st, size_t *len)
{
  cleanup_jw gr_jw *w = gr_jw_new (false);
  gr_jw_obj_open (w);
  gr_jw_kstr (w, "ociVersion", GR_OCI_VERSION);
  gr_jw_kstr (w, "id", st->id);
  gr_jw_kint (w, "pid", st->pid);
  gr_jw_kuint (w, "pidStart", st->pid_start);
  gr_jw_kstr (w, "bundle", st->bundle);
  gr_jw_kstr (w, "rootfs", st->rootfs);
  gr_jw_kstr (w, "created", st->created);
  gr_jw_kstr (w, "owner", st->owner);
  gr_jw_kstr (w, "cgroupPath", st->cgroup_path);
  gr_jw_kbool (w, "started", st->started);
  gr_jw_kbool (w, "systemdCgroup", st->systemd_cgroup);
  gr_jw_kstr (w, "policy", st->policy);
  gr_jw_kbool (w, "isolated", st->isolated);
  gr_jw_key (w, "annotations");
  gr_jw_obj_open (w);
  for (size_t i = 0; i < st->n_annotations; i++)
    gr_jw_kstr (w, st->annotations[i].key, st->annotations[i].value);
  gr_jw_obj_close (w);
  gr_jw_obj_close (w);
  size_t l;
  const char *buf = gr_jw_buf (w, &l);
  char *out = gr_xstrndup (buf, l);
  if (len)
    *len = l;
  return out;
}

int
gr_state_write (int dirfd, const gr_state *st, gr_error **err)
{
  size_t len;
  cleanup_free char *buf = state_to_json (st, &len);
  if (gr_write_file_atomic (dirfd, STATE_FILE, buf, len, 0600, err) < 0)
    return gr_error_wrap (err, "write state of `%s`", st->id);
  return 0;
}

static int
want (const char *what, const gr_json *j, const char *key, gr_json_type t,
      bool required, const gr_json **out, gr_error **err)
{
  const gr_json *v = gr_json_get (j, key);
  *out = NULL;
  if (v == NULL || v->type == GR_JSON_NULL)
    {
      if (required)
        return gr_error_set (err, 0, "%s: %s: missing", what, key);
      return 0;
    }
  if (v->type != t)
    return gr_error_set (err, 0, "%s: %s: expected %s, got %s", what, key,
                         gr_json_type_name (t), gr_json_type_name (v->type));
  *out = v;
  return 0;
}

static int
get_str (const char *what, const gr_json *j, const char *key, bool required,
         char **out, gr_error **err)
{
  const gr_json *v;
  if (want (what, j, key, GR_JSON_STRING, required, &v, err) < 0)
    return -1;
  *out = v ? gr_xstrdup (v->s) : NULL;
  return 0;
}

static int
get_bool (const char *what, const gr_json *j, const char *key, bool *out,
          gr_error **err)
{
  const gr_json *v;
  if (want (what, j, key, GR_JSON_BOOL, false, &v, err) < 0)
    return -1;
  *out = v ? v->b : false;
  return 0;
}

int
gr_state_parse (const char *what, const char *buf, size_t len,
                gr_state **out, gr_error **err)
{
  cleanup_json gr_json *j = NULL;
  const gr_json *v;
  int64_t pid;
  uint64_t start;

  if (gr_json_parse (what, buf, len, &j, err) < 0)
    return -1;
  if (j->type != GR_JSON_OBJECT)
    return gr_error_set (err, 0, "%s: expected an object", what);

  gr_state *st = gr_xcalloc (1, sizeof *st);
  if (get_str (what, j, "id", true, &st->id, err) < 0
      || get_str (what, j, "bundle", true, &st->bundle, err) < 0
      || get_str (what, j, "rootfs", false, &st->rootfs, err) < 0
      || get_str (what, j, "created", false, &st->created, err) < 0
      || get_str (what, j, "owner", false, &st->owner, err) < 0
      || get_str (what, j, "cgroupPath", false, &st->cgroup_path, err) < 0
      || get_str (what, j, "policy", false, &st->policy, err) < 0
      || get_bool (what, j, "started", &st->started, err) < 0
      || get_bool (what, j, "systemdCgroup", &st->systemd_cgroup, err) < 0
      || get_bool (what, j, "isolated", &st->isolated, err) < 0
      || want (what, j, "pid", GR_JSON_NUMBER, true, &v, err) < 0)
    goto fail;
  if (gr_parse_i64 (v->s, &pid) < 0 || pid < 0 || pid > 4194304)
    {
      gr_error_set (err, 0, "%s: pid: expected a process id, got %s", what,
                    v->s);
      goto fail;
    }
  st->pid = (pid_t) pid;
  if (want (what, j, "pidStart", GR_JSON_NUMBER, false, &v, err) < 0)
    goto fail;
  if (v && gr_parse_u64 (v->s, &start) < 0)
    {
      gr_error_set (err, 0, "%s: pidStart: expected an unsigned integer",
                    what);
      goto fail;
    }
  st->pid_start = v ? start : 0;
  if (gr_id_validate (st->id, err) < 0)
    {
      gr_error_wrap (err, "%s: id", what);
      goto fail;
    }
  if (want (what, j, "annotations", GR_JSON_OBJECT, false, &v, err) < 0)
    goto fail;
  if (v && v->n)
    {
      st->annotations = gr_xcalloc (v->n, sizeof (gr_kv));
      for (size_t i = 0; i < v->n; i++)
        {
          if (v->v[i]->type != GR_JSON_STRING)
            {
              gr_error_set (err, 0, "%s: annotations.%s: expected string",
                            what, v->keys[i]);
              goto fail;
            }
          st->annotations[i].key = gr_xstrdup (v->keys[i]);
          st->annotations[i].value = gr_xstrdup (v->v[i]->s);
          st->n_annotations++;
        }
    }
  *out = st;
  return 0;
fail:
  gr_state_free (st);
  return -1;
}

int
gr_state_read (int dirfd, const char *id, gr_state **out, gr_error **err)
{
  cleanup_free char *buf = NULL;
  size_t len;
  if (gr_read_file_at (dirfd, STATE_FILE, 1 << 20, &buf, &len, err) < 0)
    {
      if (gr_error_errno (*err) == ENOENT)
        {
          gr_error_free (*err);
          *err = NULL;
          /* the create that made the directory died before writing */
          return gr_error_set (err, 0,
                               "container `%s` has no state (its create did "
                               "not finish): use `delete --force`",
                               id);
        }
      return gr_error_wrap (err, "read state of `%s`", id);
    }
  if (gr_state_parse ("state.json", buf, len, out, err) < 0)
    return gr_error_wrap (err, "container `%s`: corrupt state (use `delete "
                               "--force` to clean up)", id);
  if (strcmp ((*out)->id, id) != 0)
    {
      gr_state_free (*out);
      *out = NULL;
      return gr_error_set (err, 0, "container `%s`: state names another id",
                           id);
    }
  return 0;
}

int
gr_state_remove (int rootfd, const char *id, gr_error **err)
{
  if (gr_id_validate (id, err) < 0)
    return -1;
  if (gr_rm_rf_at (rootfd, id) < 0)
    return gr_error_set (err, errno, "remove state of `%s`", id);
  return 0;
}

uint64_t
gr_proc_starttime (pid_t pid)
{
  char path[64], buf[1024];
  snprintf (path, sizeof path, "/proc/%d/stat", pid);
  cleanup_close int fd = open (path, O_RDONLY | O_CLOEXEC);
  if (fd < 0)
    return 0;
  ssize_t n = gr_read_all (fd, buf, sizeof buf - 1);
  if (n <= 0)
    return 0;
  buf[n] = '\0';
  /* comm may contain spaces and parens: fields start after the last ')' */
  char *p = strrchr (buf, ')');
  if (p == NULL)
    return 0;
  p += 2;
  /* field 3 is state; starttime is field 22 */
  char state = *p;
  if (state == 'Z' || state == 'X')
    return 0;
  for (int field = 3; field < 22 && p; field++)
    {
      p = strchr (p, ' ');
      if (p)
        p++;
    }
  return p ? strtoull (p, NULL, 10) : 0;
}

bool
gr_state_pid_alive (const gr_state *st)
{
  if (st->pid <= 0)
    return false;
  uint64_t start = gr_proc_starttime (st->pid);
  return start != 0 && (st->pid_start == 0 || start == st->pid_start);
}

static bool
cgroup_frozen (const gr_state *st)
{
  if (st->cgroup_path == NULL)
    return false;
  char buf[4096];
  cleanup_free char *path = gr_fmt ("%s/cgroup.events", st->cgroup_path);
  cleanup_close int fd = open (path, O_RDONLY | O_CLOEXEC);
  if (fd < 0)
    return false;
  ssize_t n = gr_read_all (fd, buf, sizeof buf - 1);
  if (n <= 0)
    return false;
  buf[n] = '\0';
  return strstr (buf, "frozen 1") != NULL;
}

gr_status
gr_state_status (const gr_state *st)
{
  if (!gr_state_pid_alive (st))
    return GR_STATUS_STOPPED;
  if (cgroup_frozen (st))
    return GR_STATUS_PAUSED;
  return st->started ? GR_STATUS_RUNNING : GR_STATUS_CREATED;
}

char *
gr_state_to_oci_json (const gr_state *st, gr_status status, bool pretty,
                      size_t *len)
{
  cleanup_jw gr_jw *w = gr_jw_new (pretty);
  gr_jw_obj_open (w);
  gr_jw_kstr (w, "ociVersion", GR_OCI_VERSION);
  gr_jw_kstr (w, "id", st->id);
  /* runc reports pid 0 once the process is gone */
  gr_jw_kint (w, "pid", status == GR_STATUS_STOPPED ? 0 : st->pid);
  gr_jw_kstr (w, "status", gr_status_name (status));
  gr_jw_kstr (w, "bundle", st->bundle);
  gr_jw_kstr (w, "rootfs", st->rootfs);
  gr_jw_kstr (w, "created", st->created);
  gr_jw_kstr (w, "owner", st->owner ? st->owner : "");
  if (st->n_annotations || st->isolated)
    {
      gr_jw_key (w, "annotations");
      gr_jw_obj_open (w);
      for (size_t i = 0; i < st->n_annotations; i++)
        gr_jw_kstr (w, st->annotations[i].key, st->annotations[i].value);
      if (st->isolated)
        gr_jw_kstr (w, "io.guardrun.isolated", "true");
      gr_jw_obj_close (w);
    }
  gr_jw_obj_close (w);
  size_t l;
  const char *buf = gr_jw_buf (w, &l);
  if (len)
    *len = l;
  return gr_xstrndup (buf, l);
}

static int
cmp_str (const void *a, const void *b)
{
  return strcmp (*(char *const *) a, *(char *const *) b);
}

int
gr_state_list (int rootfd, char ***ids, gr_error **err)
{
  int fd = dup (rootfd);
  if (fd < 0)
    return gr_error_set (err, errno, "dup");
  DIR *d = fdopendir (fd);
  if (d == NULL)
    {
      close (fd);
      return gr_error_set (err, errno, "list state root");
    }
  rewinddir (d);
  size_t n = 0, cap = 8;
  char **v = gr_xcalloc (cap + 1, sizeof (char *));
  struct dirent *de;
  while ((de = readdir (d)))
    {
      if (de->d_name[0] == '.' || gr_id_validate (de->d_name, NULL) < 0)
        continue;
      if (de->d_type != DT_DIR && de->d_type != DT_UNKNOWN)
        continue;
      if (n == cap)
        {
          cap *= 2;
          v = gr_xrealloc (v, (cap + 1) * sizeof (char *));
        }
      v[n++] = gr_xstrdup (de->d_name);
      v[n] = NULL;
    }
  closedir (d);
  qsort (v, n, sizeof (char *), cmp_str);
  *ids = v;
  return 0;
}
