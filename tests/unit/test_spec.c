/* SPDX-License-Identifier: Apache-2.0 */
/* spec.c / spec_write.c: strict parsing of config.json and its inverse */
#include <criterion/criterion.h>
#include <criterion/parameterized.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <guardrun/json.h>
#include <guardrun/spec.h>
#include <guardrun/util.h>

#ifndef GR_SRCDIR
#define GR_SRCDIR "."
#endif
#define DATA GR_SRCDIR "/tests/unit/data/"

#if defined(__SANITIZE_ADDRESS__)
#define HAVE_LSAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define HAVE_LSAN 1
#endif
#endif
#ifdef HAVE_LSAN
#include <sanitizer/lsan_interface.h>
#endif

/* Leak check at the end of each test body, in its worker: Criterion ignores
   failures in .fini, and its workers never run LeakSanitizer's exit check. */
static void
leak_check (void)
{
#ifdef HAVE_LSAN
  cr_expect_eq (__lsan_do_recoverable_leak_check (), 0, "memory leaked");
#endif
}
#define TEST(name)                                                           \
  static void name##_body (void);                                           \
  Test (spec, name)                                                          \
  {                                                                          \
    name##_body ();                                                          \
    leak_check ();                                                           \
  }                                                                          \
  static void name##_body (void)

/* ---- helpers ---- */

static char *
read_data (const char *name, size_t *len)
{
  cleanup_error gr_error *err = NULL;
  char *buf = NULL;
  cleanup_free char *path = gr_fmt (DATA "%s", name);
  cr_assert_eq (gr_read_file (path, 1 << 24, &buf, len, &err), 0,
                "cannot read %s", path);
  return buf;
}

static gr_spec *
parse_ok (const char *json)
{
  cleanup_error gr_error *err = NULL;
  gr_spec *s = NULL;
  if (gr_spec_parse ("config.json", json, strlen (json), &s, &err) < 0)
    {
      cleanup_free char *m = gr_error_string (err);
      cr_assert_fail ("unexpected error: %s", m);
    }
  cr_assert_not_null (s);
  return s;
}

/* the one-line error of a config that must fail */
static char *
parse_err_len (const char *json, size_t len)
{
  cleanup_error gr_error *err = NULL;
  gr_spec *s = NULL;
  int r = gr_spec_parse ("config.json", json, len, &s, &err);
  if (r == 0)
    gr_spec_free (s);
  cr_assert_lt (r, 0, "parse succeeded but must fail");
  cr_assert_null (s);
  cr_assert_not_null (err);
  return gr_error_string (err);
}

static char *
parse_err (const char *json)
{
  return parse_err_len (json, strlen (json));
}

static gr_spec *
load_full (void)
{
  cleanup_free char *buf = read_data ("full-config.json", NULL);
  return parse_ok (buf);
}

static gr_json *
json_of (const char *text)
{
  cleanup_error gr_error *err = NULL;
  gr_json *j = NULL;
  cr_assert_eq (gr_json_parse ("test", text, strlen (text), &j, &err), 0,
                "bad test JSON: %s", text);
  return j;
}

static char *
json_text (const gr_json *j)
{
  cleanup_jw gr_jw *w = gr_jw_new (false);
  gr_jw_tree (w, j);
  return gr_xstrdup (gr_jw_buf (w, NULL));
}

/*
 * A tiny jq: set (or, with value NULL, delete) the member at a path like
 * `linux.resources.rdma["mlx5_1"].hcaHandles` or `process.args[2]`.
 * Missing intermediate objects/arrays are created; index n appends.
 */
typedef struct {
  bool is_index;
  size_t idx;
  char key[256];
} tok;

static const char *
next_tok (const char *p, tok *t)
{
  memset (t, 0, sizeof *t);
  if (*p == '.')
    p++;
  if (*p == '\0')
    return NULL;
  if (p[0] == '[' && p[1] == '"')
    {
      const char *end = strstr (p + 2, "\"]");
      cr_assert_not_null (end);
      memcpy (t->key, p + 2, (size_t) (end - p - 2));
      return end + 2;
    }
  if (*p == '[')
    {
      char *end;
      t->is_index = true;
      t->idx = strtoul (p + 1, &end, 10);
      cr_assert_eq (*end, ']');
      return end + 1;
    }
  size_t n = strcspn (p, ".[");
  memcpy (t->key, p, n);
  return p + n;
}

static gr_json *
node (gr_json_type type)
{
  gr_json *j = gr_xcalloc (1, sizeof *j);
  j->type = type;
  return j;
}

static void
append (gr_json *parent, const char *key, gr_json *v)
{
  parent->v = gr_xrealloc (parent->v, (parent->n + 1) * sizeof *parent->v);
  if (parent->type == GR_JSON_OBJECT)
    {
      parent->keys = gr_xrealloc (parent->keys,
                                  (parent->n + 1) * sizeof *parent->keys);
      parent->keys[parent->n] = gr_xstrdup (key);
    }
  parent->v[parent->n++] = v;
}

static gr_json **
slot (gr_json *cur, const tok *t)
{
  if (t->is_index)
    {
      cr_assert_eq (cur->type, GR_JSON_ARRAY);
      return t->idx < cur->n ? &cur->v[t->idx] : NULL;
    }
  cr_assert_eq (cur->type, GR_JSON_OBJECT);
  for (size_t i = cur->n; i-- > 0;)
    if (strcmp (cur->keys[i], t->key) == 0)
      return &cur->v[i];
  return NULL;
}

static void
remove_at (gr_json *cur, gr_json **s)
{
  size_t i = (size_t) (s - cur->v);
  gr_json_free (cur->v[i]);
  if (cur->keys)
    free (cur->keys[i]);
  memmove (&cur->v[i], &cur->v[i + 1], (cur->n - i - 1) * sizeof *cur->v);
  if (cur->keys)
    memmove (&cur->keys[i], &cur->keys[i + 1],
             (cur->n - i - 1) * sizeof *cur->keys);
  cur->n--;
}

static void
set_path (gr_json *root, const char *path, const char *value)
{
  gr_json *cur = root;
  tok t, nt;
  const char *p = next_tok (path, &t);
  cr_assert_not_null (p, "empty path");
  for (;;)
    {
      const char *np = next_tok (p, &nt);
      gr_json **s = slot (cur, &t);
      if (np == NULL)
        {
          if (value == NULL)
            {
              if (s)
                remove_at (cur, s);
              return;
            }
          gr_json *v = json_of (value);
          if (s)
            {
              gr_json_free (*s);
              *s = v;
            }
          else
            append (cur, t.key, v);
          return;
        }
      if (s == NULL)
        {
          append (cur, t.key, node (nt.is_index ? GR_JSON_ARRAY
                                                : GR_JSON_OBJECT));
          s = &cur->v[cur->n - 1];
        }
      cur = *s;
      t = nt;
      p = np;
    }
}

/* structural equality; an absent member equals [] and null (the writer
   leaves empty arrays out, like Go's omitempty) */
static bool json_equiv (const gr_json *a, const gr_json *b, char **where);

static bool
emptyish (const gr_json *j)
{
  return j == NULL || j->type == GR_JSON_NULL
         || (j->type == GR_JSON_ARRAY && j->n == 0);
}

static bool
obj_covers (const gr_json *a, const gr_json *b, char **where)
{
  for (size_t i = 0; i < a->n; i++)
    {
      const gr_json *bv = gr_json_get (b, a->keys[i]);
      if (bv == NULL && emptyish (a->v[i]))
        continue;
      if (bv == NULL || !json_equiv (a->v[i], bv, where))
        {
          if (*where == NULL)
            *where = gr_xstrdup (a->keys[i]);
          else
            {
              char *w = gr_fmt ("%s.%s", a->keys[i], *where);
              free (*where);
              *where = w;
            }
          return false;
        }
    }
  return true;
}

static bool
json_equiv (const gr_json *a, const gr_json *b, char **where)
{
  if (a->type != b->type)
    return false;
  switch (a->type)
    {
    case GR_JSON_NULL: return true;
    case GR_JSON_BOOL: return a->b == b->b;
    case GR_JSON_NUMBER:
    case GR_JSON_STRING: return strcmp (a->s, b->s) == 0;
    case GR_JSON_ARRAY:
      if (a->n != b->n)
        return false;
      for (size_t i = 0; i < a->n; i++)
        if (!json_equiv (a->v[i], b->v[i], where))
          return false;
      return true;
    case GR_JSON_OBJECT:
      return obj_covers (a, b, where) && obj_covers (b, a, where);
    }
  return false;
}

/* ---- the full config, field by field ---- */

TEST (full_config_parses)
{
  gr_spec *s = load_full ();
  cr_expect_str_eq (s->oci_version, "1.2.0");
  cr_expect_str_eq (s->root_path,
                    "/var/lib/containers/storage/overlay/3f2a/merged");
  cr_expect (s->root_readonly);
  cr_expect_str_eq (s->hostname, "web-1");
  cr_expect_str_eq (s->domainname, "example.internal");

  /* process */
  gr_process *p = s->process;
  cr_assert_not_null (p);
  cr_expect (p->terminal);
  cr_expect (p->has_console_size);
  cr_expect_eq (p->console_height, 40);
  cr_expect_eq (p->console_width, 120);
  cr_expect_eq (p->uid, 1000);
  cr_expect_eq (p->gid, 1000);
  cr_expect (p->has_umask);
  cr_expect_eq (p->umask, 022);
  cr_assert_eq (p->n_additional_gids, 3);
  cr_expect_eq (p->additional_gids[2], UINT32_MAX);
  cr_expect_str_eq (p->username, "app");
  cr_assert_eq (p->n_args, 3);
  cr_expect_str_eq (p->args[2], "daemon off;");
  cr_expect_null (p->args[3], "args must be NULL-terminated");
  cr_expect_str_eq (p->command_line, "nginx.exe -g \"daemon off;\"");
  cr_assert_eq (p->n_env, 5);
  cr_expect_str_eq (p->env[4], "EMPTY=");
  cr_expect_null (p->env[5]);
  cr_expect_str_eq (p->cwd, "/var/www");
  cr_expect (p->caps.present);
  cr_expect_eq (p->caps.n_bounding, 11);
  cr_expect_str_eq (p->caps.bounding[10], "CAP_SYS_CHROOT");
  cr_expect_eq (p->caps.n_effective, 2);
  cr_expect_str_eq (p->caps.inheritable[0], "CAP_KILL");
  cr_expect_eq (p->caps.n_permitted, 3);
  cr_expect_str_eq (p->caps.ambient[0], "CAP_NET_BIND_SERVICE");
  cr_assert_eq (p->n_rlimits, 3);
  cr_expect_str_eq (p->rlimits[0].type, "RLIMIT_NOFILE");
  cr_expect_eq (p->rlimits[0].hard, 1048576);
  cr_expect_eq (p->rlimits[0].soft, 1024);
  cr_expect_eq (p->rlimits[2].hard, UINT64_MAX);
  cr_expect (p->no_new_privileges);
  cr_expect_str_eq (p->apparmor_profile, "containers-default-0.57.0");
  cr_expect (p->has_oom_score_adj);
  cr_expect_eq (p->oom_score_adj, -999);
  cr_expect_str_eq (p->selinux_label,
                    "system_u:system_r:container_t:s0:c123,c456");
  cr_expect (p->has_io_priority);
  cr_expect_str_eq (p->io_priority_class, "IOPRIO_CLASS_BE");
  cr_expect_eq (p->io_priority, 4);
  cr_assert_not_null (p->scheduler);
  cr_expect_str_eq (p->scheduler->policy, "SCHED_DEADLINE");
  cr_expect (p->scheduler->has_nice);
  cr_expect_eq (p->scheduler->nice, -5);
  cr_expect_eq (p->scheduler->priority, 10);
  cr_expect_eq (p->scheduler->n_flags, 2);
  cr_expect_str_eq (p->scheduler->flags[1], "SCHED_FLAG_DL_OVERRUN");
  cr_expect_eq (p->scheduler->runtime, 10000000);
  cr_expect_eq (p->scheduler->deadline, 30000000);
  cr_expect_eq (p->scheduler->period, 100000000);
  cr_expect_str_eq (p->exec_cpu_affinity_initial, "7");
  cr_expect_str_eq (p->exec_cpu_affinity_final, "0-3,7");

  /* mounts */
  cr_assert_eq (s->n_mounts, 9);
  cr_expect_str_eq (s->mounts[2].destination, "/dev/pts");
  cr_expect_str_eq (s->mounts[2].type, "devpts");
  cr_expect_str_eq (s->mounts[2].source, "devpts");
  cr_expect_eq (s->mounts[2].n_options, 6);
  cr_expect_str_eq (s->mounts[2].options[5], "gid=5");
  cr_expect_null (s->mounts[2].options[6]);
  cr_assert_eq (s->mounts[8].n_uid_mappings, 1);
  cr_expect_eq (s->mounts[8].uid_mappings[0].host_id, 100000);
  cr_expect_eq (s->mounts[8].uid_mappings[0].size, 65536);
  cr_expect_eq (s->mounts[8].gid_mappings[0].host_id, 200000);

  /* hooks */
  for (int k = 0; k < GR_HOOK_KINDS; k++)
    cr_expect_eq (s->n_hooks[k], 1, "hooks.%s", gr_hook_kind_names[k]);
  cr_expect_str_eq (s->hooks[GR_HOOK_CREATE_RUNTIME][0].path,
                    "/usr/bin/nvidia-container-runtime-hook");
  cr_expect (s->hooks[GR_HOOK_CREATE_RUNTIME][0].has_timeout);
  cr_expect_eq (s->hooks[GR_HOOK_CREATE_RUNTIME][0].timeout, 30);
  cr_expect_not (s->hooks[GR_HOOK_CREATE_CONTAINER][0].has_timeout);
  cr_expect_eq (s->hooks[GR_HOOK_POSTSTOP][0].n_args, 6);
  cr_expect_str_eq (s->hooks[GR_HOOK_POSTSTOP][0].env[0],
                    "XDG_RUNTIME_DIR=/run/user/0");
  cr_expect_eq (s->hooks[GR_HOOK_START_CONTAINER][0].n_args, 0);

  /* annotations: sorted by key */
  cr_assert_eq (s->n_annotations, 5);
  cr_expect_str_eq (s->annotations[0].key, "io.container.manager");
  cr_expect_str_eq (gr_spec_annotation (s, "run.oci.keep_original_groups"),
                    "1");
  cr_expect_null (gr_spec_annotation (s, "nope"));

  /* linux */
  gr_linux *l = s->lnx;
  cr_assert_not_null (l);
  cr_expect_eq (l->n_uid_mappings, 1);
  cr_assert_eq (l->n_gid_mappings, 2);
  cr_expect_eq (l->gid_mappings[1].container_id, 65536);
  cr_expect_eq (l->gid_mappings[1].host_id, 1000);
  cr_assert_eq (l->n_sysctl, 3);
  cr_expect_str_eq (l->sysctl[0].key, "kernel.shm_rmid_forced");
  cr_expect_str_eq (l->sysctl[2].key, "net.ipv4.ping_group_range");
  cr_expect_str_eq (l->sysctl[2].value, "0 0");
  cr_expect_str_eq (l->cgroups_path, "machine.slice:libpod:3f2a");
  cr_assert_eq (l->n_namespaces, 8);
  cr_expect_str_eq (gr_spec_namespace (s, "network")->path,
                    "/run/netns/cni-1234");
  cr_expect_null (gr_spec_namespace (s, "pid")->path);
  cr_assert_eq (l->n_time_offsets, 2);
  cr_expect_str_eq (l->time_offsets[0].type, "boottime");
  cr_expect_eq (l->time_offsets[0].secs, -3600);
  cr_expect_eq (l->time_offsets[0].nanosecs, 999999999);
  cr_expect_eq (l->time_offsets[1].secs, 172800);
  cr_assert_eq (l->n_devices, 4);
  cr_expect_str_eq (l->devices[0].path, "/dev/fuse");
  cr_expect_str_eq (l->devices[0].type, "c");
  cr_expect_eq (l->devices[0].major, 10);
  cr_expect_eq (l->devices[0].minor, 229);
  cr_expect (l->devices[0].has_file_mode);
  cr_expect_eq (l->devices[0].file_mode, 0666);
  cr_expect (l->devices[1].has_gid);
  cr_expect_eq (l->devices[1].gid, 6);
  cr_expect_not (l->devices[2].has_uid);
  cr_expect_str_eq (l->devices[3].type, "p");
  cr_expect_str_eq (l->rootfs_propagation, "rslave");
  cr_expect (l->has_masked_paths);
  cr_expect_eq (l->n_masked_paths, 10);
  cr_expect_str_eq (l->masked_paths[9], "/sys/dev/block");
  cr_expect (l->has_readonly_paths);
  cr_expect_eq (l->n_readonly_paths, 6);
  cr_expect_str_eq (l->mount_label,
                    "system_u:object_r:container_file_t:s0:c123,c456");
  cr_assert_not_null (l->personality);
  cr_expect_str_eq (l->personality->domain, "LINUX32");
  cr_expect_eq (l->personality->n_flags, 0);
  cr_assert_not_null (l->intel_rdt);
  cr_expect_str_eq (l->intel_rdt->clos_id, "guaranteed");
  cr_expect_str_eq (l->intel_rdt->l3_cache_schema, "L3:0=7f0;1=1f");
  cr_expect_str_eq (l->intel_rdt->mem_bw_schema, "MB:0=20;1=70");
  cr_expect (l->intel_rdt->enable_cmt);
  cr_expect (l->intel_rdt->enable_mbm);

  /* linux.resources */
  gr_resources *r = l->resources;
  cr_assert_not_null (r);
  cr_expect (r->has_devices);
  cr_assert_eq (r->n_devices, 5);
  cr_expect_not (r->devices[0].allow);
  cr_expect_null (r->devices[0].type);
  cr_expect_not (r->devices[0].has_major);
  cr_expect_str_eq (r->devices[0].access, "rwm");
  cr_expect (r->devices[2].has_major);
  cr_expect_not (r->devices[2].has_minor);
  cr_expect_eq (r->devices[2].major, 136);
  cr_expect_eq (r->devices[4].major, -1);
  cr_assert_not_null (r->memory);
  cr_expect (r->memory->has_limit);
  cr_expect_eq (r->memory->limit, 536870912);
  cr_expect_eq (r->memory->reservation, 268435456);
  cr_expect_eq (r->memory->swap, 1073741824);
  cr_expect_eq (r->memory->kernel, -1);
  cr_expect_eq (r->memory->kernel_tcp, 67108864);
  cr_expect_eq (r->memory->swappiness, 60);
  cr_expect (r->memory->has_disable_oom_killer);
  cr_expect_not (r->memory->disable_oom_killer);
  cr_expect (r->memory->use_hierarchy);
  cr_expect (r->memory->has_check_before_update);
  cr_expect (r->memory->check_before_update);
  cr_assert_not_null (r->cpu);
  cr_expect_eq (r->cpu->shares, 1024);
  cr_expect_eq (r->cpu->quota, 150000);
  cr_expect (r->cpu->has_burst);
  cr_expect_eq (r->cpu->burst, 50000);
  cr_expect_eq (r->cpu->period, 100000);
  cr_expect_eq (r->cpu->realtime_runtime, 950000);
  cr_expect_eq (r->cpu->realtime_period, 1000000);
  cr_expect_str_eq (r->cpu->cpus, "0-3");
  cr_expect_str_eq (r->cpu->mems, "0");
  cr_expect (r->cpu->has_idle);
  cr_expect_eq (r->cpu->idle, 0);
  cr_expect (r->has_pids);
  cr_expect_eq (r->pids_limit, 2048);
  cr_assert_not_null (r->blkio);
  cr_expect_eq (r->blkio->weight, 500);
  cr_expect_eq (r->blkio->leaf_weight, 300);
  cr_assert_eq (r->blkio->n_weight_device, 2);
  cr_expect_eq (r->blkio->weight_device[0].weight, 700);
  cr_expect_eq (r->blkio->weight_device[0].leaf_weight, 100);
  cr_expect_not (r->blkio->weight_device[1].has_leaf_weight);
  cr_expect_eq (r->blkio->weight_device[1].minor, 16);
  cr_expect_eq (r->blkio->throttle_read_bps[0].rate, 104857600);
  cr_expect_eq (r->blkio->throttle_write_bps[0].rate, 52428800);
  cr_expect_eq (r->blkio->throttle_read_iops[0].rate, 1000);
  cr_expect_eq (r->blkio->throttle_write_iops[0].rate, 500);
  cr_assert_eq (r->n_hugepages, 2);
  cr_expect_str_eq (r->hugepages[0].page_size, "2MB");
  cr_expect_eq (r->hugepages[0].limit, 209715200);
  cr_expect (r->has_net_class_id);
  cr_expect_eq (r->net_class_id, 1048577);
  cr_assert_eq (r->n_net_priorities, 2);
  cr_expect_str_eq (r->net_priorities[1].name, "lo");
  cr_expect_eq (r->net_priorities[1].priority, 1000);
  cr_assert_eq (r->n_rdma, 2);
  cr_expect_str_eq (r->rdma[0].device, "mlx4_0");
  cr_expect (r->rdma[0].has_hca_handles);
  cr_expect_not (r->rdma[0].has_hca_objects);
  cr_expect_eq (r->rdma[1].hca_objects, 10000);
  cr_assert_eq (r->n_unified, 3);
  cr_expect_str_eq (r->unified[0].key, "io.max");
  cr_expect_str_eq (r->unified[0].value, "8:0 rbps=104857600");

  /* linux.seccomp */
  gr_seccomp *sc = l->seccomp;
  cr_assert_not_null (sc);
  cr_expect_str_eq (sc->default_action, "SCMP_ACT_ERRNO");
  cr_expect (sc->has_default_errno_ret);
  cr_expect_eq (sc->default_errno_ret, 1);
  cr_expect_eq (sc->n_architectures, 3);
  cr_expect_str_eq (sc->flags[1], "SECCOMP_FILTER_FLAG_SPEC_ALLOW");
  cr_expect_str_eq (sc->listener_path, "/run/seccomp-agent.socket");
  cr_expect_str_eq (sc->listener_metadata, "name=web-1");
  cr_assert_eq (sc->n_syscalls, 6);
  cr_expect_eq (sc->syscalls[0].n_names, 4);
  cr_expect_str_eq (sc->syscalls[0].names[3], "write");
  cr_expect_not (sc->syscalls[0].has_errno_ret);
  cr_expect_eq (sc->syscalls[3].errno_ret, 97);
  cr_assert_eq (sc->syscalls[2].n_args, 1);
  cr_expect_eq (sc->syscalls[2].args[0].value, 2114060288);
  cr_expect_str_eq (sc->syscalls[2].args[0].op, "SCMP_CMP_MASKED_EQ");
  cr_expect_str_eq (sc->syscalls[4].action, "SCMP_ACT_NOTIFY");

  cr_expect_eq (gr_spec_validate_for_create (s, NULL), 0);
  gr_spec_free (s);
}

/* ---- wrong types and values, one row per field ---- */

/* inline strings: Criterion hands parameters to a re-executed worker, where
   pointers into this binary's data would be stale */
struct bad_row {
  char path[96];
  char value[96];         /* JSON; DELETE removes the member */
  char error[400];        /* the whole message after "config.json: " */
};
#define DELETE ""

#define NOT_U32 "expected an unsigned 32-bit integer, got "
#define NOT_I32 "expected a signed 32-bit integer, got "
#define NOT_U64 "expected an unsigned 64-bit integer, got "
#define NOT_I64 "expected a signed 64-bit integer, got "
#define NOT_U16 "expected an unsigned 16-bit integer, got "
#define NOT_STR "expected a string, got "
#define NOT_BOOL "expected a boolean, got "
#define NOT_OBJ "expected an object, got "
#define NOT_ARR "expected an array, got "
#define MISSING "required field is missing"

static struct bad_row bad_rows[] = {
  /* top level */
  { "ociVersion", "1", "ociVersion: " NOT_STR "1" },
  { "ociVersion", DELETE, "ociVersion: " MISSING },
  { "ociVersion", "null", "ociVersion: " MISSING },
  { "root", "\"rootfs\"", "root: " NOT_OBJ "\"rootfs\"" },
  { "root", DELETE, "root: " MISSING },
  { "root.path", "true", "root.path: " NOT_STR "true" },
  { "root.path", "\"\"", "root.path: must not be empty" },
  { "root.path", DELETE, "root.path: " MISSING },
  { "root.readonly", "\"yes\"", "root.readonly: " NOT_BOOL "\"yes\"" },
  { "hostname", "1", "hostname: " NOT_STR "1" },
  { "domainname", "false", "domainname: " NOT_STR "false" },
  { "annotations", "[]", "annotations: " NOT_OBJ "array" },
  { "annotations[\"io.container.manager\"]", "1",
    "annotations[\"io.container.manager\"]: " NOT_STR "1" },
  { "annotations[\"my key\"]", "null", "annotations[\"my key\"]: " NOT_STR "null" },
  { "linux", "\"x\"", "linux: " NOT_OBJ "\"x\"" },
  { "process", "[]", "process: " NOT_OBJ "array" },

  /* mounts */
  { "mounts", "{}", "mounts: " NOT_ARR "object" },
  { "mounts[0]", "\"proc\"", "mounts[0]: " NOT_OBJ "\"proc\"" },
  { "mounts[0].destination", "5", "mounts[0].destination: " NOT_STR "5" },
  { "mounts[3].destination", "\"tmp\"",
    "mounts[3].destination: must be an absolute path, got \"tmp\"" },
  { "mounts[0].destination", DELETE, "mounts[0].destination: " MISSING },
  { "mounts[0].type", "1", "mounts[0].type: " NOT_STR "1" },
  { "mounts[0].source", "[]", "mounts[0].source: " NOT_STR "array" },
  { "mounts[0].options", "\"ro\"", "mounts[0].options: " NOT_ARR "\"ro\"" },
  { "mounts[0].options[1]", "1", "mounts[0].options[1]: " NOT_STR "1" },
  { "mounts[8].uidMappings", "{}", "mounts[8].uidMappings: " NOT_ARR "object" },
  { "mounts[8].uidMappings[0]", "1", "mounts[8].uidMappings[0]: " NOT_OBJ "1" },
  { "mounts[8].uidMappings[0].containerID", "-1",
    "mounts[8].uidMappings[0].containerID: " NOT_U32 "-1" },
  { "mounts[8].uidMappings[0].hostID", "\"x\"",
    "mounts[8].uidMappings[0].hostID: " NOT_U32 "\"x\"" },
  { "mounts[8].uidMappings[0].size", "1.5",
    "mounts[8].uidMappings[0].size: " NOT_U32 "1.5" },
  { "mounts[8].uidMappings[0].size", "0",
    "mounts[8].uidMappings[0].size: must be at least 1, got 0" },
  { "mounts[8].uidMappings[0].size", DELETE,
    "mounts[8].uidMappings[0].size: " MISSING },
  { "mounts[8].gidMappings[0].hostID", "4294967296",
    "mounts[8].gidMappings[0].hostID: " NOT_U32 "4294967296" },

  /* process */
  { "process.terminal", "1", "process.terminal: " NOT_BOOL "1" },
  { "process.consoleSize", "1", "process.consoleSize: " NOT_OBJ "1" },
  { "process.consoleSize.height", "\"40\"",
    "process.consoleSize.height: " NOT_U32 "\"40\"" },
  { "process.consoleSize.width", "-1",
    "process.consoleSize.width: " NOT_U32 "-1" },
  { "process.consoleSize.width", DELETE, "process.consoleSize.width: " MISSING },
  { "process.user", "\"root\"", "process.user: " NOT_OBJ "\"root\"" },
  { "process.user", DELETE, "process.user: " MISSING },
  { "process.user.uid", "\"root\"", "process.user.uid: " NOT_U32 "\"root\"" },
  { "process.user.uid", "4294967296", "process.user.uid: " NOT_U32 "4294967296" },
  { "process.user.uid", "-1", "process.user.uid: " NOT_U32 "-1" },
  { "process.user.uid", "-0", "process.user.uid: " NOT_U32 "-0" },
  { "process.user.uid", "1.5", "process.user.uid: " NOT_U32 "1.5" },
  { "process.user.uid", "1e3", "process.user.uid: " NOT_U32 "1e3" },
  { "process.user.uid", "1000.0", "process.user.uid: " NOT_U32 "1000.0" },
  { "process.user.uid", "true", "process.user.uid: " NOT_U32 "true" },
  { "process.user.uid", "{}", "process.user.uid: " NOT_U32 "object" },
  { "process.user.uid", "18446744073709551616",
    "process.user.uid: " NOT_U32 "18446744073709551616" },
  { "process.user.uid", DELETE, "process.user.uid: " MISSING },
  { "process.user.gid", "null", "process.user.gid: " MISSING },
  { "process.user.gid", "[]", "process.user.gid: " NOT_U32 "array" },
  { "process.user.umask", "\"022\"", "process.user.umask: " NOT_U32 "\"022\"" },
  { "process.user.umask", "512",
    "process.user.umask: must be at most 0777 (511), got 512" },
  { "process.user.additionalGids", "10",
    "process.user.additionalGids: " NOT_ARR "10" },
  { "process.user.additionalGids[0]", "\"wheel\"",
    "process.user.additionalGids[0]: " NOT_U32 "\"wheel\"" },
  { "process.user.username", "1", "process.user.username: " NOT_STR "1" },
  { "process.args", "\"sh\"", "process.args: " NOT_ARR "\"sh\"" },
  { "process.args[2]", "1", "process.args[2]: " NOT_STR "1" },
  { "process.commandLine", "1", "process.commandLine: " NOT_STR "1" },
  { "process.env", "\"X=1\"", "process.env: " NOT_ARR "\"X=1\"" },
  { "process.env[1]", "1", "process.env[1]: " NOT_STR "1" },
  { "process.env[1]", "\"FOO\"",
    "process.env[1]: must be in KEY=VALUE form, got \"FOO\"" },
  { "process.env[1]", "\"=x\"",
    "process.env[1]: must be in KEY=VALUE form, got \"=x\"" },
  { "process.cwd", "1", "process.cwd: " NOT_STR "1" },
  { "process.capabilities", "[]", "process.capabilities: " NOT_OBJ "array" },
  { "process.capabilities.bounding", "\"CAP_CHOWN\"",
    "process.capabilities.bounding: " NOT_ARR "\"CAP_CHOWN\"" },
  { "process.capabilities.bounding[0]", "1",
    "process.capabilities.bounding[0]: " NOT_STR "1" },
  { "process.capabilities.bounding[0]", "\"CHOWN\"",
    "process.capabilities.bounding[0]: unknown capability, got \"CHOWN\"" },
  { "process.capabilities.bounding[1]", "\"cap_chown\"",
    "process.capabilities.bounding[1]: unknown capability, got \"cap_chown\"" },
  { "process.capabilities.effective[0]", "\"CAP_FOO\"",
    "process.capabilities.effective[0]: unknown capability, got \"CAP_FOO\"" },
  { "process.capabilities.inheritable[0]", "\"5\"",
    "process.capabilities.inheritable[0]: unknown capability, got \"5\"" },
  { "process.capabilities.permitted", "{}",
    "process.capabilities.permitted: " NOT_ARR "object" },
  { "process.capabilities.ambient[0]", "\"CAP_CHOWN,CAP_KILL\"",
    "process.capabilities.ambient[0]: unknown capability, got "
    "\"CAP_CHOWN,CAP_KILL\"" },
  { "process.rlimits", "{}", "process.rlimits: " NOT_ARR "object" },
  { "process.rlimits[0]", "1", "process.rlimits[0]: " NOT_OBJ "1" },
  { "process.rlimits[0].type", "1", "process.rlimits[0].type: " NOT_STR "1" },
  { "process.rlimits[0].type", "\"RLIMIT_FOO\"",
    "process.rlimits[0].type: unknown rlimit type \"RLIMIT_FOO\"" },
  { "process.rlimits[0].type", "\"nofile\"",
    "process.rlimits[0].type: unknown rlimit type \"nofile\"" },
  { "process.rlimits[0].type", DELETE, "process.rlimits[0].type: " MISSING },
  { "process.rlimits[0].soft", "\"1024\"",
    "process.rlimits[0].soft: " NOT_U64 "\"1024\"" },
  { "process.rlimits[0].soft", "2000000",
    "process.rlimits[0].soft: 2000000 exceeds the hard limit 1048576" },
  { "process.rlimits[0].hard", "-1", "process.rlimits[0].hard: " NOT_U64 "-1" },
  { "process.rlimits[0].hard", DELETE, "process.rlimits[0].hard: " MISSING },
  { "process.rlimits[2].type", "\"RLIMIT_NOFILE\"",
    "process.rlimits[2].type: duplicate rlimit type \"RLIMIT_NOFILE\"" },
  { "process.noNewPrivileges", "\"true\"",
    "process.noNewPrivileges: " NOT_BOOL "\"true\"" },
  { "process.apparmorProfile", "1", "process.apparmorProfile: " NOT_STR "1" },
  { "process.oomScoreAdj", "\"0\"", "process.oomScoreAdj: " NOT_I32 "\"0\"" },
  { "process.oomScoreAdj", "2147483648",
    "process.oomScoreAdj: " NOT_I32 "2147483648" },
  { "process.oomScoreAdj", "1001",
    "process.oomScoreAdj: must be between -1000 and 1000, got 1001" },
  { "process.oomScoreAdj", "-1001",
    "process.oomScoreAdj: must be between -1000 and 1000, got -1001" },
  { "process.selinuxLabel", "{}", "process.selinuxLabel: " NOT_STR "object" },
  { "process.ioPriority", "1", "process.ioPriority: " NOT_OBJ "1" },
  { "process.ioPriority.class", "1", "process.ioPriority.class: " NOT_STR "1" },
  { "process.ioPriority.class", "\"IOPRIO_CLASS_NONE\"",
    "process.ioPriority.class: must be one of IOPRIO_CLASS_RT, "
    "IOPRIO_CLASS_BE, IOPRIO_CLASS_IDLE, got \"IOPRIO_CLASS_NONE\"" },
  { "process.ioPriority.class", DELETE, "process.ioPriority.class: " MISSING },
  { "process.ioPriority.priority", "8",
    "process.ioPriority.priority: must be between 0 and 7, got 8" },
  { "process.ioPriority.priority", "\"4\"",
    "process.ioPriority.priority: " NOT_I32 "\"4\"" },
  { "process.ioPriority.priority", DELETE,
    "process.ioPriority.priority: " MISSING },
  { "process.scheduler", "\"x\"", "process.scheduler: " NOT_OBJ "\"x\"" },
  { "process.scheduler.policy", "1", "process.scheduler.policy: " NOT_STR "1" },
  { "process.scheduler.policy", "\"SCHED_FOO\"",
    "process.scheduler.policy: must be one of SCHED_OTHER, SCHED_FIFO, "
    "SCHED_RR, SCHED_BATCH, SCHED_ISO, SCHED_IDLE, SCHED_DEADLINE, got "
    "\"SCHED_FOO\"" },
  { "process.scheduler.policy", DELETE, "process.scheduler.policy: " MISSING },
  { "process.scheduler.nice", "\"x\"", "process.scheduler.nice: " NOT_I32 "\"x\"" },
  { "process.scheduler.nice", "20",
    "process.scheduler.nice: must be between -20 and 19, got 20" },
  { "process.scheduler.priority", "1.5",
    "process.scheduler.priority: " NOT_I32 "1.5" },
  { "process.scheduler.flags", "\"x\"", "process.scheduler.flags: " NOT_ARR "\"x\"" },
  { "process.scheduler.flags[0]", "\"SCHED_FLAG_FOO\"",
    "process.scheduler.flags[0]: must be one of SCHED_FLAG_RESET_ON_FORK, "
    "SCHED_FLAG_RECLAIM, SCHED_FLAG_DL_OVERRUN, SCHED_FLAG_KEEP_POLICY, "
    "SCHED_FLAG_KEEP_PARAMS, SCHED_FLAG_UTIL_CLAMP_MIN, "
    "SCHED_FLAG_UTIL_CLAMP_MAX, got \"SCHED_FLAG_FOO\"" },
  { "process.scheduler.runtime", "-1", "process.scheduler.runtime: " NOT_U64 "-1" },
  { "process.scheduler.deadline", "\"x\"",
    "process.scheduler.deadline: " NOT_U64 "\"x\"" },
  { "process.scheduler.period", "1e3", "process.scheduler.period: " NOT_U64 "1e3" },
  { "process.execCPUAffinity", "\"0-3\"",
    "process.execCPUAffinity: " NOT_OBJ "\"0-3\"" },
  { "process.execCPUAffinity.initial", "7",
    "process.execCPUAffinity.initial: " NOT_STR "7" },
  { "process.execCPUAffinity.final", "[]",
    "process.execCPUAffinity.final: " NOT_STR "array" },

  /* hooks */
  { "hooks", "[]", "hooks: " NOT_OBJ "array" },
  { "hooks.prestart", "{}", "hooks.prestart: " NOT_ARR "object" },
  { "hooks.prestart[0]", "\"x\"", "hooks.prestart[0]: " NOT_OBJ "\"x\"" },
  { "hooks.prestart[0].path", "1", "hooks.prestart[0].path: " NOT_STR "1" },
  { "hooks.prestart[0].path", "\"hook\"",
    "hooks.prestart[0].path: must be an absolute path, got \"hook\"" },
  { "hooks.prestart[0].path", DELETE, "hooks.prestart[0].path: " MISSING },
  { "hooks.prestart[0].args", "\"x\"", "hooks.prestart[0].args: " NOT_ARR "\"x\"" },
  { "hooks.prestart[0].args[0]", "1", "hooks.prestart[0].args[0]: " NOT_STR "1" },
  { "hooks.prestart[0].env[0]", "\"NOEQ\"",
    "hooks.prestart[0].env[0]: must be in KEY=VALUE form, got \"NOEQ\"" },
  { "hooks.prestart[0].timeout", "0",
    "hooks.prestart[0].timeout: must be greater than 0, got 0" },
  { "hooks.prestart[0].timeout", "-1",
    "hooks.prestart[0].timeout: must be greater than 0, got -1" },
  { "hooks.prestart[0].timeout", "\"5\"",
    "hooks.prestart[0].timeout: " NOT_I32 "\"5\"" },
  { "hooks.prestart[0].timeout", "1.5", "hooks.prestart[0].timeout: " NOT_I32 "1.5" },
  { "hooks.createRuntime[0].path", "\"rel/hook\"",
    "hooks.createRuntime[0].path: must be an absolute path, got \"rel/hook\"" },
  { "hooks.createContainer[0].timeout", "0",
    "hooks.createContainer[0].timeout: must be greater than 0, got 0" },
  { "hooks.startContainer[0].args", "{}",
    "hooks.startContainer[0].args: " NOT_ARR "object" },
  { "hooks.poststart[0].env", "1", "hooks.poststart[0].env: " NOT_ARR "1" },
  { "hooks.poststop[0].path", "1", "hooks.poststop[0].path: " NOT_STR "1" },

  /* linux: id mappings, sysctl */
  { "linux.uidMappings", "{}", "linux.uidMappings: " NOT_ARR "object" },
  { "linux.uidMappings[0].size", "\"x\"",
    "linux.uidMappings[0].size: " NOT_U32 "\"x\"" },
  { "linux.uidMappings[0].containerID", DELETE,
    "linux.uidMappings[0].containerID: " MISSING },
  { "linux.gidMappings[1].containerID", "-5",
    "linux.gidMappings[1].containerID: " NOT_U32 "-5" },
  { "linux.sysctl", "[]", "linux.sysctl: " NOT_OBJ "array" },
  { "linux.sysctl[\"net.ipv4.ip_forward\"]", "1",
    "linux.sysctl[\"net.ipv4.ip_forward\"]: " NOT_STR "1" },

  /* linux.resources */
  { "linux.resources", "[]", "linux.resources: " NOT_OBJ "array" },
  { "linux.resources.devices", "{}", "linux.resources.devices: " NOT_ARR "object" },
  { "linux.resources.devices[0]", "1", "linux.resources.devices[0]: " NOT_OBJ "1" },
  { "linux.resources.devices[0].allow", "\"false\"",
    "linux.resources.devices[0].allow: " NOT_BOOL "\"false\"" },
  { "linux.resources.devices[0].allow", DELETE,
    "linux.resources.devices[0].allow: " MISSING },
  { "linux.resources.devices[1].type", "\"x\"",
    "linux.resources.devices[1].type: must be one of a, c, b, got \"x\"" },
  { "linux.resources.devices[1].type", "\"p\"",
    "linux.resources.devices[1].type: must be one of a, c, b, got \"p\"" },
  { "linux.resources.devices[1].major", "\"1\"",
    "linux.resources.devices[1].major: " NOT_I64 "\"1\"" },
  { "linux.resources.devices[1].minor", "1.5",
    "linux.resources.devices[1].minor: " NOT_I64 "1.5" },
  { "linux.resources.devices[1].access", "\"rwx\"",
    "linux.resources.devices[1].access: must contain only r, w and m, got "
    "\"rwx\"" },
  { "linux.resources.devices[1].access", "1",
    "linux.resources.devices[1].access: " NOT_STR "1" },
  { "linux.resources.memory", "1", "linux.resources.memory: " NOT_OBJ "1" },
  { "linux.resources.memory.limit", "\"512m\"",
    "linux.resources.memory.limit: " NOT_I64 "\"512m\"" },
  { "linux.resources.memory.limit", "9223372036854775808",
    "linux.resources.memory.limit: " NOT_I64 "9223372036854775808" },
  { "linux.resources.memory.reservation", "1.5",
    "linux.resources.memory.reservation: " NOT_I64 "1.5" },
  { "linux.resources.memory.swap", "true",
    "linux.resources.memory.swap: " NOT_I64 "true" },
  { "linux.resources.memory.kernel", "\"x\"",
    "linux.resources.memory.kernel: " NOT_I64 "\"x\"" },
  { "linux.resources.memory.kernelTCP", "[]",
    "linux.resources.memory.kernelTCP: " NOT_I64 "array" },
  { "linux.resources.memory.swappiness", "-1",
    "linux.resources.memory.swappiness: " NOT_U64 "-1" },
  { "linux.resources.memory.disableOOMKiller", "0",
    "linux.resources.memory.disableOOMKiller: " NOT_BOOL "0" },
  { "linux.resources.memory.useHierarchy", "\"true\"",
    "linux.resources.memory.useHierarchy: " NOT_BOOL "\"true\"" },
  { "linux.resources.memory.checkBeforeUpdate", "1",
    "linux.resources.memory.checkBeforeUpdate: " NOT_BOOL "1" },
  { "linux.resources.cpu", "1", "linux.resources.cpu: " NOT_OBJ "1" },
  { "linux.resources.cpu.shares", "-2", "linux.resources.cpu.shares: " NOT_U64 "-2" },
  { "linux.resources.cpu.quota", "\"x\"", "linux.resources.cpu.quota: " NOT_I64 "\"x\"" },
  { "linux.resources.cpu.burst", "-1", "linux.resources.cpu.burst: " NOT_U64 "-1" },
  { "linux.resources.cpu.period", "1.5", "linux.resources.cpu.period: " NOT_U64 "1.5" },
  { "linux.resources.cpu.realtimeRuntime", "\"x\"",
    "linux.resources.cpu.realtimeRuntime: " NOT_I64 "\"x\"" },
  { "linux.resources.cpu.realtimePeriod", "-1",
    "linux.resources.cpu.realtimePeriod: " NOT_U64 "-1" },
  { "linux.resources.cpu.cpus", "0", "linux.resources.cpu.cpus: " NOT_STR "0" },
  { "linux.resources.cpu.mems", "0", "linux.resources.cpu.mems: " NOT_STR "0" },
  { "linux.resources.cpu.idle", "\"1\"", "linux.resources.cpu.idle: " NOT_I64 "\"1\"" },
  { "linux.resources.pids", "5", "linux.resources.pids: " NOT_OBJ "5" },
  { "linux.resources.pids.limit", "\"max\"",
    "linux.resources.pids.limit: " NOT_I64 "\"max\"" },
  { "linux.resources.pids.limit", DELETE, "linux.resources.pids.limit: " MISSING },
  { "linux.resources.blockIO", "1", "linux.resources.blockIO: " NOT_OBJ "1" },
  { "linux.resources.blockIO.weight", "5",
    "linux.resources.blockIO.weight: must be between 10 and 1000, got 5" },
  { "linux.resources.blockIO.weight", "1001",
    "linux.resources.blockIO.weight: must be between 10 and 1000, got 1001" },
  { "linux.resources.blockIO.weight", "65536",
    "linux.resources.blockIO.weight: " NOT_U16 "65536" },
  { "linux.resources.blockIO.leafWeight", "\"x\"",
    "linux.resources.blockIO.leafWeight: " NOT_U16 "\"x\"" },
  { "linux.resources.blockIO.weightDevice", "{}",
    "linux.resources.blockIO.weightDevice: " NOT_ARR "object" },
  { "linux.resources.blockIO.weightDevice[0]", "1",
    "linux.resources.blockIO.weightDevice[0]: " NOT_OBJ "1" },
  { "linux.resources.blockIO.weightDevice[0].major", "\"8\"",
    "linux.resources.blockIO.weightDevice[0].major: " NOT_I64 "\"8\"" },
  { "linux.resources.blockIO.weightDevice[0].minor", DELETE,
    "linux.resources.blockIO.weightDevice[0].minor: " MISSING },
  { "linux.resources.blockIO.weightDevice[0].weight", "2000",
    "linux.resources.blockIO.weightDevice[0].weight: must be between 10 and "
    "1000, got 2000" },
  { "linux.resources.blockIO.weightDevice[0].leafWeight", "-1",
    "linux.resources.blockIO.weightDevice[0].leafWeight: " NOT_U16 "-1" },
  { "linux.resources.blockIO.throttleReadBpsDevice[0].rate", "-1",
    "linux.resources.blockIO.throttleReadBpsDevice[0].rate: " NOT_U64 "-1" },
  { "linux.resources.blockIO.throttleReadBpsDevice[0].rate", DELETE,
    "linux.resources.blockIO.throttleReadBpsDevice[0].rate: " MISSING },
  { "linux.resources.blockIO.throttleWriteBpsDevice[0].major", "1.5",
    "linux.resources.blockIO.throttleWriteBpsDevice[0].major: " NOT_I64 "1.5" },
  { "linux.resources.blockIO.throttleReadIOPSDevice[0].minor", "\"0\"",
    "linux.resources.blockIO.throttleReadIOPSDevice[0].minor: " NOT_I64 "\"0\"" },
  { "linux.resources.blockIO.throttleWriteIOPSDevice", "{}",
    "linux.resources.blockIO.throttleWriteIOPSDevice: " NOT_ARR "object" },
  { "linux.resources.hugepageLimits", "{}",
    "linux.resources.hugepageLimits: " NOT_ARR "object" },
  { "linux.resources.hugepageLimits[0].pageSize", "2",
    "linux.resources.hugepageLimits[0].pageSize: " NOT_STR "2" },
  { "linux.resources.hugepageLimits[0].pageSize", DELETE,
    "linux.resources.hugepageLimits[0].pageSize: " MISSING },
  { "linux.resources.hugepageLimits[0].limit", "-1",
    "linux.resources.hugepageLimits[0].limit: " NOT_U64 "-1" },
  { "linux.resources.network", "1", "linux.resources.network: " NOT_OBJ "1" },
  { "linux.resources.network.classID", "-1",
    "linux.resources.network.classID: " NOT_U32 "-1" },
  { "linux.resources.network.priorities", "{}",
    "linux.resources.network.priorities: " NOT_ARR "object" },
  { "linux.resources.network.priorities[0].name", "1",
    "linux.resources.network.priorities[0].name: " NOT_STR "1" },
  { "linux.resources.network.priorities[0].name", DELETE,
    "linux.resources.network.priorities[0].name: " MISSING },
  { "linux.resources.network.priorities[0].priority", "\"x\"",
    "linux.resources.network.priorities[0].priority: " NOT_U32 "\"x\"" },
  { "linux.resources.rdma", "[]", "linux.resources.rdma: " NOT_OBJ "array" },
  { "linux.resources.rdma[\"mlx5_1\"]", "1",
    "linux.resources.rdma[\"mlx5_1\"]: " NOT_OBJ "1" },
  { "linux.resources.rdma[\"mlx5_1\"].hcaHandles", "-1",
    "linux.resources.rdma[\"mlx5_1\"].hcaHandles: " NOT_U32 "-1" },
  { "linux.resources.rdma[\"mlx5_1\"].hcaObjects", "\"x\"",
    "linux.resources.rdma[\"mlx5_1\"].hcaObjects: " NOT_U32 "\"x\"" },
  { "linux.resources.unified", "[]", "linux.resources.unified: " NOT_OBJ "array" },
  { "linux.resources.unified[\"memory.high\"]", "429496729",
    "linux.resources.unified[\"memory.high\"]: " NOT_STR "429496729" },

  /* linux: the rest */
  { "linux.cgroupsPath", "1", "linux.cgroupsPath: " NOT_STR "1" },
  { "linux.namespaces", "{}", "linux.namespaces: " NOT_ARR "object" },
  { "linux.namespaces[0]", "\"pid\"", "linux.namespaces[0]: " NOT_OBJ "\"pid\"" },
  { "linux.namespaces[0].type", "1", "linux.namespaces[0].type: " NOT_STR "1" },
  { "linux.namespaces[1].type", "\"net\"",
    "linux.namespaces[1].type: must be one of pid, network, mount, ipc, uts, "
    "user, cgroup, time, got \"net\"" },
  { "linux.namespaces[0].type", DELETE, "linux.namespaces[0].type: " MISSING },
  { "linux.namespaces[1].path", "1", "linux.namespaces[1].path: " NOT_STR "1" },
  { "linux.namespaces[1].path", "\"netns\"",
    "linux.namespaces[1].path: must be an absolute path, got \"netns\"" },
  { "linux.namespaces[3].type", "\"pid\"",
    "linux.namespaces[3].type: duplicate namespace \"pid\"" },
  { "linux.timeOffsets", "[]", "linux.timeOffsets: " NOT_OBJ "array" },
  { "linux.timeOffsets[\"monotonic\"]", "1",
    "linux.timeOffsets[\"monotonic\"]: " NOT_OBJ "1" },
  { "linux.timeOffsets[\"monotonic\"].secs", "\"x\"",
    "linux.timeOffsets[\"monotonic\"].secs: " NOT_I64 "\"x\"" },
  { "linux.timeOffsets[\"boottime\"].nanosecs", "1000000000",
    "linux.timeOffsets[\"boottime\"].nanosecs: must be less than 1000000000, "
    "got 1000000000" },
  { "linux.timeOffsets[\"boottime\"].nanosecs", "-1",
    "linux.timeOffsets[\"boottime\"].nanosecs: " NOT_U32 "-1" },
  { "linux.timeOffsets[\"realtime\"]", "{}",
    "linux.timeOffsets[\"realtime\"]: must be one of monotonic, boottime, got "
    "\"realtime\"" },
  { "linux.devices", "{}", "linux.devices: " NOT_ARR "object" },
  { "linux.devices[0]", "\"x\"", "linux.devices[0]: " NOT_OBJ "\"x\"" },
  { "linux.devices[0].path", "1", "linux.devices[0].path: " NOT_STR "1" },
  { "linux.devices[0].path", "\"dev/fuse\"",
    "linux.devices[0].path: must be an absolute path, got \"dev/fuse\"" },
  { "linux.devices[0].path", DELETE, "linux.devices[0].path: " MISSING },
  { "linux.devices[0].type", "\"x\"",
    "linux.devices[0].type: must be one of c, b, u, p, got \"x\"" },
  { "linux.devices[0].type", DELETE, "linux.devices[0].type: " MISSING },
  { "linux.devices[0].major", "\"10\"", "linux.devices[0].major: " NOT_I64 "\"10\"" },
  { "linux.devices[0].major", DELETE, "linux.devices[0].major: " MISSING },
  { "linux.devices[2].minor", DELETE, "linux.devices[2].minor: " MISSING },
  { "linux.devices[0].minor", "1.5", "linux.devices[0].minor: " NOT_I64 "1.5" },
  { "linux.devices[0].fileMode", "\"0666\"",
    "linux.devices[0].fileMode: " NOT_U32 "\"0666\"" },
  { "linux.devices[0].fileMode", "4096",
    "linux.devices[0].fileMode: must be permission bits (at most 07777 = "
    "4095), got 4096" },
  { "linux.devices[0].uid", "-1", "linux.devices[0].uid: " NOT_U32 "-1" },
  { "linux.devices[0].gid", "\"x\"", "linux.devices[0].gid: " NOT_U32 "\"x\"" },
  { "linux.seccomp", "1", "linux.seccomp: " NOT_OBJ "1" },
  { "linux.seccomp.defaultAction", "1", "linux.seccomp.defaultAction: " NOT_STR "1" },
  { "linux.seccomp.defaultAction", "\"SCMP_ACT_FOO\"",
    "linux.seccomp.defaultAction: must be one of SCMP_ACT_KILL, "
    "SCMP_ACT_KILL_PROCESS, SCMP_ACT_KILL_THREAD, SCMP_ACT_TRAP, "
    "SCMP_ACT_ERRNO, SCMP_ACT_TRACE, SCMP_ACT_ALLOW, SCMP_ACT_LOG, "
    "SCMP_ACT_NOTIFY, got \"SCMP_ACT_FOO\"" },
  { "linux.seccomp.defaultAction", DELETE, "linux.seccomp.defaultAction: " MISSING },
  { "linux.seccomp.defaultErrnoRet", "-1",
    "linux.seccomp.defaultErrnoRet: " NOT_U32 "-1" },
  { "linux.seccomp.architectures", "\"x\"",
    "linux.seccomp.architectures: " NOT_ARR "\"x\"" },
  { "linux.seccomp.architectures[0]", "1",
    "linux.seccomp.architectures[0]: " NOT_STR "1" },
  { "linux.seccomp.flags", "\"x\"", "linux.seccomp.flags: " NOT_ARR "\"x\"" },
  { "linux.seccomp.flags[0]", "\"SECCOMP_FILTER_FLAG_FOO\"",
    "linux.seccomp.flags[0]: must be one of SECCOMP_FILTER_FLAG_TSYNC, "
    "SECCOMP_FILTER_FLAG_LOG, SECCOMP_FILTER_FLAG_SPEC_ALLOW, "
    "SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV, got "
    "\"SECCOMP_FILTER_FLAG_FOO\"" },
  { "linux.seccomp.listenerPath", "1", "linux.seccomp.listenerPath: " NOT_STR "1" },
  { "linux.seccomp.listenerPath", "\"sock\"",
    "linux.seccomp.listenerPath: must be an absolute path, got \"sock\"" },
  { "linux.seccomp.listenerMetadata", "1",
    "linux.seccomp.listenerMetadata: " NOT_STR "1" },
  { "linux.seccomp.syscalls", "{}", "linux.seccomp.syscalls: " NOT_ARR "object" },
  { "linux.seccomp.syscalls[0]", "1", "linux.seccomp.syscalls[0]: " NOT_OBJ "1" },
  { "linux.seccomp.syscalls[0].names", "\"read\"",
    "linux.seccomp.syscalls[0].names: " NOT_ARR "\"read\"" },
  { "linux.seccomp.syscalls[0].names", "[]",
    "linux.seccomp.syscalls[0].names: must not be empty" },
  { "linux.seccomp.syscalls[0].names", DELETE,
    "linux.seccomp.syscalls[0].names: " MISSING },
  { "linux.seccomp.syscalls[0].names[0]", "1",
    "linux.seccomp.syscalls[0].names[0]: " NOT_STR "1" },
  { "linux.seccomp.syscalls[0].action", "\"ALLOW\"",
    "linux.seccomp.syscalls[0].action: must be one of SCMP_ACT_KILL, "
    "SCMP_ACT_KILL_PROCESS, SCMP_ACT_KILL_THREAD, SCMP_ACT_TRAP, "
    "SCMP_ACT_ERRNO, SCMP_ACT_TRACE, SCMP_ACT_ALLOW, SCMP_ACT_LOG, "
    "SCMP_ACT_NOTIFY, got \"ALLOW\"" },
  { "linux.seccomp.syscalls[0].action", DELETE,
    "linux.seccomp.syscalls[0].action: " MISSING },
  { "linux.seccomp.syscalls[0].errnoRet", "\"1\"",
    "linux.seccomp.syscalls[0].errnoRet: " NOT_U32 "\"1\"" },
  { "linux.seccomp.syscalls[1].args", "{}",
    "linux.seccomp.syscalls[1].args: " NOT_ARR "object" },
  { "linux.seccomp.syscalls[1].args[0]", "1",
    "linux.seccomp.syscalls[1].args[0]: " NOT_OBJ "1" },
  { "linux.seccomp.syscalls[1].args[0].index", "-1",
    "linux.seccomp.syscalls[1].args[0].index: " NOT_U32 "-1" },
  { "linux.seccomp.syscalls[1].args[0].index", DELETE,
    "linux.seccomp.syscalls[1].args[0].index: " MISSING },
  { "linux.seccomp.syscalls[1].args[0].value", "\"0\"",
    "linux.seccomp.syscalls[1].args[0].value: " NOT_U64 "\"0\"" },
  { "linux.seccomp.syscalls[1].args[0].value", DELETE,
    "linux.seccomp.syscalls[1].args[0].value: " MISSING },
  { "linux.seccomp.syscalls[1].args[0].valueTwo", "-1",
    "linux.seccomp.syscalls[1].args[0].valueTwo: " NOT_U64 "-1" },
  { "linux.seccomp.syscalls[1].args[0].op", "\"EQ\"",
    "linux.seccomp.syscalls[1].args[0].op: must be one of SCMP_CMP_NE, "
    "SCMP_CMP_LT, SCMP_CMP_LE, SCMP_CMP_EQ, SCMP_CMP_GE, SCMP_CMP_GT, "
    "SCMP_CMP_MASKED_EQ, got \"EQ\"" },
  { "linux.seccomp.syscalls[1].args[0].op", DELETE,
    "linux.seccomp.syscalls[1].args[0].op: " MISSING },
  { "linux.rootfsPropagation", "1", "linux.rootfsPropagation: " NOT_STR "1" },
  { "linux.rootfsPropagation", "\"recursive\"",
    "linux.rootfsPropagation: must be one of shared, slave, private, "
    "unbindable, rshared, rslave, rprivate, runbindable, got \"recursive\"" },
  { "linux.maskedPaths", "\"x\"", "linux.maskedPaths: " NOT_ARR "\"x\"" },
  { "linux.maskedPaths[0]", "1", "linux.maskedPaths[0]: " NOT_STR "1" },
  { "linux.maskedPaths[0]", "\"proc/kcore\"",
    "linux.maskedPaths[0]: must be an absolute path, got \"proc/kcore\"" },
  { "linux.readonlyPaths", "{}", "linux.readonlyPaths: " NOT_ARR "object" },
  { "linux.readonlyPaths[5]", "\"sys\"",
    "linux.readonlyPaths[5]: must be an absolute path, got \"sys\"" },
  { "linux.mountLabel", "1", "linux.mountLabel: " NOT_STR "1" },
  { "linux.personality", "1", "linux.personality: " NOT_OBJ "1" },
  { "linux.personality.domain", "1", "linux.personality.domain: " NOT_STR "1" },
  { "linux.personality.domain", "\"LINUX64\"",
    "linux.personality.domain: must be one of LINUX, LINUX32, got \"LINUX64\"" },
  { "linux.personality.domain", DELETE, "linux.personality.domain: " MISSING },
  { "linux.personality.flags", "\"x\"", "linux.personality.flags: " NOT_ARR "\"x\"" },
  { "linux.personality.flags[0]", "1", "linux.personality.flags[0]: " NOT_STR "1" },
  { "linux.intelRdt", "1", "linux.intelRdt: " NOT_OBJ "1" },
  { "linux.intelRdt.closID", "1", "linux.intelRdt.closID: " NOT_STR "1" },
  { "linux.intelRdt.l3CacheSchema", "1", "linux.intelRdt.l3CacheSchema: " NOT_STR "1" },
  { "linux.intelRdt.memBwSchema", "1", "linux.intelRdt.memBwSchema: " NOT_STR "1" },
  { "linux.intelRdt.enableCMT", "\"true\"",
    "linux.intelRdt.enableCMT: " NOT_BOOL "\"true\"" },
  { "linux.intelRdt.enableMBM", "1", "linux.intelRdt.enableMBM: " NOT_BOOL "1" },

  /* values are quoted safely and cut */
  { "process.user.gid", "\"line1\\nline2\\u001b[31m\\\\\\\"\"",
    "process.user.gid: " NOT_U32 "\"line1\\x0aline2\\x1b[31m\\\\\\\"\"" },
  { "process.user.uid",
    "\"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\"",
    "process.user.uid: " NOT_U32 "\"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa...\"" },
  { "process.user.uid", "123456789012345678901234567890123456789012345",
    "process.user.uid: " NOT_U32 "1234567890123456789012345678901234567890..." },
};

ParameterizedTestParameters (spec, bad_field)
{
  return cr_make_param_array (struct bad_row, bad_rows,
                              sizeof bad_rows / sizeof bad_rows[0]);
}

static void bad_field_body (struct bad_row *row);
ParameterizedTest (struct bad_row *row, spec, bad_field)
{
  bad_field_body (row);
  leak_check ();
}

static void
bad_field_body (struct bad_row *row)
{
  cleanup_free char *base = read_data ("full-config.json", NULL);
  gr_json *j = json_of (base);
  set_path (j, row->path, row->value[0] ? row->value : NULL);
  cleanup_free char *text = json_text (j);
  gr_json_free (j);
  cleanup_error gr_error *err = NULL;
  gr_spec *s = NULL;
  int r = gr_spec_parse ("config.json", text, strlen (text), &s, &err);
  gr_spec_free (s);
  cleanup_free char *msg = r < 0 ? gr_error_string (err)
                                 : gr_xstrdup ("(accepted)");
  cleanup_free char *want = gr_fmt ("config.json: %s", row->error);
  cr_expect_str_eq (msg, want, "%s = %s", row->path,
                    row->value[0] ? row->value : "(deleted)");
}

/* every row changes one field of a config that is valid as a whole */
TEST (bad_field_base_is_valid)
{
  gr_spec_free (load_full ());
}

/* ---- documents that are not configs ---- */

TEST (empty_document)
{
  cleanup_free char *m = parse_err ("");
  cr_expect_str_eq (m, "config.json: empty file");
  free (m);
  m = parse_err ("   \n");
  cr_expect (strncmp (m, "config.json: invalid JSON", 25) == 0, "%s", m);
}

TEST (truncated)
{
  size_t len;
  cleanup_free char *buf = read_data ("full-config.json", &len);
  for (size_t cut = 1; cut < len - 2; cut += len / 13)
    {
      cleanup_free char *m = parse_err_len (buf, cut);
      cr_expect (strncmp (m, "config.json: invalid JSON", 25) == 0, "%s", m);
    }
}

TEST (huge)
{
  size_t n = GR_JSON_MAX_SIZE + 16;
  cleanup_free char *buf = gr_xmalloc (n + 1);
  memset (buf, ' ', n);
  memcpy (buf, "{\"ociVersion\":\"1.2.0\",\"x\":\"", 27);
  memset (buf + 27, 'a', n - 27 - 2);
  memcpy (buf + n - 2, "\"}", 2);
  buf[n] = '\0';
  cleanup_free char *m = parse_err_len (buf, n);
  cr_expect (strstr (m, "config.json: file too large") == m, "%s", m);
}

TEST (deeply_nested)
{
  char buf[512] = "{\"ociVersion\":\"1.2.0\",\"x\":";
  size_t off = strlen (buf);
  for (int i = 0; i < 100; i++)
    buf[off++] = '[';
  for (int i = 0; i < 100; i++)
    buf[off++] = ']';
  buf[off++] = '}';
  buf[off] = '\0';
  cleanup_free char *m = parse_err (buf);
  cr_expect_str_eq (m, "config.json: nesting deeper than 64 levels");
}

TEST (invalid_utf8)
{
  cleanup_free char *m
      = parse_err ("{\"ociVersion\":\"1.2.0\",\"root\":{\"path\":\"r\xc3\x28\"}}");
  cr_expect (strstr (m, "config.json: invalid JSON") == m, "%s", m);
  cr_expect (strstr (m, "UTF8") != NULL, "%s", m);
}

TEST (embedded_nul)
{
  static const char raw[] = "{\"ociVersion\":\"1.2.0\",\"root\":{\"path\":\"a\0b\"}}";
  cleanup_free char *m = parse_err_len (raw, sizeof raw - 1);
  cr_expect (strstr (m, "config.json: invalid JSON") == m, "%s", m);
  free (m);
  m = parse_err ("{\"ociVersion\":\"1.2.0\",\"root\":{\"path\":\"a\\u0000b\"}}");
  cr_expect (strstr (m, "config.json: invalid JSON") == m, "%s", m);
}

TEST (trailing_garbage)
{
  cleanup_free char *m
      = parse_err ("{\"ociVersion\":\"1.2.0\",\"root\":{\"path\":\"r\"}} x");
  cr_expect (strstr (m, "trailing garbage") != NULL, "%s", m);
  free (m);
  m = parse_err ("{\"ociVersion\":\"1.2.0\",\"root\":{\"path\":\"r\"}}{}");
  cr_expect (strstr (m, "config.json: invalid JSON") == m, "%s", m);
}

TEST (top_level_not_object)
{
  static const char *const docs[][2] = {
    { "[]", "config.json: expected an object, got array" },
    { "\"x\"", "config.json: expected an object, got \"x\"" },
    { "1", "config.json: expected an object, got 1" },
    { "null", "config.json: expected an object, got null" },
  };
  for (size_t i = 0; i < GR_ARRAY_SIZE (docs); i++)
    {
      cleanup_free char *m = parse_err (docs[i][0]);
      cr_expect_str_eq (m, docs[i][1]);
    }
}

/* ---- accepted shapes ---- */

#define MINIMAL "\"ociVersion\":\"1.0.2\",\"root\":{\"path\":\"rootfs\"}"

TEST (minimal_without_process)
{
  gr_spec *s = parse_ok ("{" MINIMAL "}");
  cr_expect_null (s->process);
  cr_expect_null (s->lnx);
  cr_expect_not (s->root_readonly);
  cr_expect_eq (s->n_mounts, 0);
  cr_expect_null (gr_spec_namespace (s, "pid"));
  cleanup_error gr_error *err = NULL;
  cr_expect_lt (gr_spec_validate_for_create (s, &err), 0);
  cleanup_free char *m = gr_error_string (err);
  cr_expect_str_eq (m, "config.json: process: required to create a container");
  gr_spec_free (s);
}

TEST (unknown_fields_ignored)
{
  gr_spec *s = parse_ok (
      "{" MINIMAL ",\"x-vendor\":{\"a\":[1,{\"b\":null}]},"
      "\"windows\":{\"layerFolders\":[]},\"vm\":1,"
      "\"process\":{\"user\":{\"uid\":1,\"gid\":2,\"sid\":\"S-1\"},"
      "\"cwd\":\"/\",\"args\":[\"x\"],\"future\":true},"
      "\"linux\":{\"netDevices\":{\"eth0\":{\"name\":\"e\"}},"
      "\"memoryPolicy\":{\"mode\":\"MPOL_BIND\"},"
      "\"resources\":{\"memory\":{\"limit\":1,\"future\":\"x\"}}}}");
  cr_expect_eq (s->process->uid, 1);
  cr_expect_eq (s->lnx->resources->memory->limit, 1);
  gr_spec_free (s);
}

TEST (null_means_absent)
{
  gr_spec *s = parse_ok (
      "{" MINIMAL ",\"hostname\":null,\"mounts\":null,\"hooks\":null,"
      "\"annotations\":null,\"process\":{\"user\":{\"uid\":0,\"gid\":0,"
      "\"umask\":null,\"additionalGids\":null},\"oomScoreAdj\":null,"
      "\"capabilities\":null,\"scheduler\":null},"
      "\"linux\":{\"resources\":null,\"seccomp\":null,\"maskedPaths\":null,"
      "\"namespaces\":null}}");
  cr_expect_null (s->hostname);
  cr_expect_not (s->process->has_umask);
  cr_expect_not (s->process->has_oom_score_adj);
  cr_expect_not (s->process->caps.present);
  cr_expect_null (s->process->scheduler);
  cr_expect_null (s->lnx->resources);
  cr_expect_not (s->lnx->has_masked_paths);
  gr_spec_free (s);
}

TEST (limits_of_integer_kinds)
{
  gr_spec *s = parse_ok (
      "{" MINIMAL ",\"process\":{\"user\":{\"uid\":4294967295,\"gid\":0,"
      "\"umask\":511},\"oomScoreAdj\":-1000,"
      "\"rlimits\":[{\"type\":\"RLIMIT_CPU\",\"soft\":18446744073709551615,"
      "\"hard\":18446744073709551615}],"
      "\"scheduler\":{\"policy\":\"SCHED_OTHER\",\"nice\":-20,"
      "\"priority\":-2147483648}},"
      "\"linux\":{\"resources\":{\"memory\":{\"limit\":-9223372036854775808,"
      "\"swap\":9223372036854775807},\"cpu\":{\"quota\":-0},"
      "\"blockIO\":{\"weight\":0,\"leafWeight\":1000}},"
      "\"devices\":[{\"path\":\"/dev/p\",\"type\":\"p\"}]}}");
  cr_expect_eq (s->process->uid, UINT32_MAX);
  cr_expect_eq (s->process->umask, 0777);
  cr_expect_eq (s->process->oom_score_adj, -1000);
  cr_expect_eq (s->process->rlimits[0].soft, UINT64_MAX);
  cr_expect_eq (s->process->scheduler->priority, INT32_MIN);
  cr_expect_eq (s->lnx->resources->memory->limit, INT64_MIN);
  cr_expect_eq (s->lnx->resources->memory->swap, INT64_MAX);
  cr_expect_eq (s->lnx->resources->cpu->quota, 0);
  cr_expect (s->lnx->resources->blkio->has_weight);
  cr_expect_eq (s->lnx->resources->blkio->weight, 0, "0 = unset, as Docker writes it");
  cr_expect_eq (s->lnx->devices[0].major, 0, "a fifo needs no numbers");
  gr_spec_free (s);
}

TEST (duplicate_keys_last_wins)
{
  gr_spec *s = parse_ok (
      "{" MINIMAL ",\"hostname\":\"a\",\"hostname\":\"b\","
      "\"annotations\":{\"k\":\"1\",\"j\":\"x\",\"k\":\"2\"}}");
  cr_expect_str_eq (s->hostname, "b");
  cr_assert_eq (s->n_annotations, 2);
  cr_expect_str_eq (gr_spec_annotation (s, "k"), "2");
  gr_spec_free (s);
}

TEST (duplicate_namespace)
{
  cleanup_free char *m = parse_err (
      "{" MINIMAL ",\"linux\":{\"namespaces\":[{\"type\":\"pid\"},"
      "{\"type\":\"mount\"},{\"type\":\"pid\",\"path\":\"/proc/1/ns/pid\"}]}}");
  cr_expect_str_eq (m, "config.json: linux.namespaces[2].type: duplicate "
                       "namespace \"pid\"");
}

TEST (relative_mount_destination)
{
  cleanup_free char *m = parse_err (
      "{" MINIMAL ",\"mounts\":[{\"destination\":\"/proc\"},"
      "{\"destination\":\"/dev\"},{\"destination\":\"/sys\"},"
      "{\"destination\":\"tmp\",\"type\":\"tmpfs\"}]}");
  cr_expect_str_eq (m, "config.json: mounts[3].destination: must be an "
                       "absolute path, got \"tmp\"");
}

/* ---- validate_for_create ---- */

TEST (validate_for_create)
{
  static const char *const cases[][2] = {
    { "{" MINIMAL ",\"process\":{\"user\":{\"uid\":0,\"gid\":0},\"cwd\":\"/\"}}",
      "config.json: process.args: must not be empty" },
    { "{" MINIMAL ",\"process\":{\"user\":{\"uid\":0,\"gid\":0},\"cwd\":\"/\","
      "\"args\":[]}}",
      "config.json: process.args: must not be empty" },
    { "{" MINIMAL ",\"process\":{\"user\":{\"uid\":0,\"gid\":0},\"args\":[\"sh\"]}}",
      "config.json: process.cwd: required field is missing" },
    { "{" MINIMAL ",\"process\":{\"user\":{\"uid\":0,\"gid\":0},\"args\":[\"sh\"],"
      "\"cwd\":\"tmp\"}}",
      "config.json: process.cwd: must be an absolute path, got \"tmp\"" },
  };
  for (size_t i = 0; i < GR_ARRAY_SIZE (cases); i++)
    {
      gr_spec *s = parse_ok (cases[i][0]);
      cleanup_error gr_error *err = NULL;
      cr_expect_lt (gr_spec_validate_for_create (s, &err), 0);
      cleanup_free char *m = gr_error_string (err);
      cr_expect_str_eq (m, cases[i][1]);
      gr_spec_free (s);
    }
}

/* ---- other documents: process.json, resources.json, a seccomp profile ---- */

TEST (process_json_paths)
{
  gr_json *j = json_of ("{\"user\":{\"uid\":\"root\",\"gid\":0},\"args\":[\"sh\"]}");
  cleanup_error gr_error *err = NULL;
  gr_process *p = NULL;
  cr_expect_lt (gr_process_from_json ("process.json", j, &p, &err), 0);
  cr_expect_null (p);
  cleanup_free char *m = gr_error_string (err);
  cr_expect_str_eq (m, "process.json: user.uid: expected an unsigned 32-bit "
                       "integer, got \"root\"");
  gr_json_free (j);
  gr_error_freep (&err);

  j = json_of ("{\"user\":{\"uid\":0,\"gid\":0},\"args\":[1]}");
  cr_expect_lt (gr_process_from_json ("process.json", j, &p, &err), 0);
  free (m);
  m = gr_error_string (err);
  cr_expect_str_eq (m, "process.json: args[0]: expected a string, got 1");
  gr_json_free (j);
  gr_error_freep (&err);

  j = json_of ("[]");
  cr_expect_lt (gr_process_from_json ("process.json", j, &p, &err), 0);
  free (m);
  m = gr_error_string (err);
  cr_expect_str_eq (m, "process.json: expected an object, got array");
  gr_json_free (j);
  gr_error_freep (&err);

  j = json_of ("{\"user\":{\"uid\":7,\"gid\":8},\"args\":[\"ls\",\"-l\"],"
               "\"env\":[\"A=b\"],\"cwd\":\"/tmp\",\"terminal\":true}");
  cr_assert_eq (gr_process_from_json ("process.json", j, &p, &err), 0);
  cr_expect_eq (p->uid, 7);
  cr_expect_str_eq (p->args[1], "-l");
  cr_expect (p->terminal);
  gr_process_free (p);
  gr_json_free (j);
}

TEST (resources_json_paths)
{
  gr_json *j = json_of ("{\"memory\":{\"limit\":\"1g\"}}");
  cleanup_error gr_error *err = NULL;
  gr_resources *r = NULL;
  cr_expect_lt (gr_resources_from_json ("resources.json", j, &r, &err), 0);
  cleanup_free char *m = gr_error_string (err);
  cr_expect_str_eq (m, "resources.json: memory.limit: expected a signed "
                       "64-bit integer, got \"1g\"");
  gr_json_free (j);
  gr_error_freep (&err);

  j = json_of ("{\"memory\":{\"limit\":1073741824,\"checkBeforeUpdate\":true},"
               "\"cpu\":{\"cpus\":\"1\",\"burst\":10,\"idle\":1},"
               "\"pids\":{\"limit\":-1},"
               "\"unified\":{\"cpu.weight\":\"100\"}}");
  cr_assert_eq (gr_resources_from_json ("resources.json", j, &r, &err), 0);
  cr_expect_eq (r->memory->limit, 1073741824);
  cr_expect (r->memory->check_before_update);
  cr_expect_eq (r->cpu->burst, 10);
  cr_expect_eq (r->pids_limit, -1);
  cr_expect_str_eq (r->unified[0].value, "100");
  gr_resources_free (r);
  gr_json_free (j);
}

TEST (seccomp_profile)
{
  cleanup_error gr_error *err = NULL;
  gr_json *j = NULL;
  cr_assert_eq (gr_json_parse_file (GR_SRCDIR "/profiles/seccomp/default.json",
                                    "default.json", &j, &err),
                0);
  gr_seccomp *s = NULL;
  cr_assert_eq (gr_seccomp_from_json ("default.json", j, &s, &err), 0);
  cr_expect_str_eq (s->default_action, "SCMP_ACT_ERRNO");
  cr_expect_gt (s->n_syscalls, 0);
  gr_seccomp_free (s);
  gr_json_free (j);

  j = json_of ("{\"defaultAction\":\"SCMP_ACT_ALLOW\",\"syscalls\":"
               "[{\"names\":[\"x\"],\"action\":\"SCMP_ACT_ERRNO\","
               "\"args\":[{\"index\":6,\"value\":1,\"op\":\"LT\"}]}]}");
  cr_expect_lt (gr_seccomp_from_json ("profile.json", j, &s, &err), 0);
  cleanup_free char *m = gr_error_string (err);
  cr_expect (strncmp (m, "profile.json: syscalls[0].args[0].op: must be one of",
                      52) == 0, "%s", m);
  gr_json_free (j);
}

/* ---- gr_spec_load ---- */

static int
tmp_bundle (char *dir)
{
  strcpy (dir, "/tmp/gr-test-spec-XXXXXX");
  cr_assert_not_null (mkdtemp (dir));
  int fd = open (dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  cr_assert_geq (fd, 0);
  return fd;
}

TEST (load_from_bundle)
{
  char dir[64];
  cleanup_close int fd = tmp_bundle (dir);
  cleanup_error gr_error *err = NULL;
  gr_spec *s = NULL;

  cr_expect_lt (gr_spec_load (fd, &s, &err), 0);
  cleanup_free char *m = gr_error_string (err);
  cr_expect_str_eq (m, "config.json: no such file in bundle");
  gr_error_freep (&err);

  size_t len;
  cleanup_free char *buf = read_data ("full-config.json", &len);
  cr_assert_eq (gr_write_file_atomic (fd, "config.json", buf, len, 0644, &err),
                0);
  cr_assert_eq (gr_spec_load (fd, &s, &err), 0);
  cr_expect_str_eq (s->hostname, "web-1");
  gr_spec_free (s);

  cr_assert_eq (gr_write_file_atomic (fd, "config.json", "{\"ociVersion\":1}",
                                      16, 0644, &err),
                0);
  cr_expect_lt (gr_spec_load (fd, &s, &err), 0);
  free (m);
  m = gr_error_string (err);
  cr_expect_str_eq (m, "config.json: ociVersion: expected a string, got 1");

  unlinkat (fd, "config.json", 0);
  rmdir (dir);
}

/* ---- writing ---- */

static char *
to_json (const gr_spec *s)
{
  size_t len = 0;
  char *j = gr_spec_to_json (s, &len);
  cr_assert_eq (strlen (j), len);
  return j;
}

TEST (round_trip_full)
{
  cleanup_free char *orig = read_data ("full-config.json", NULL);
  gr_spec *s1 = parse_ok (orig);
  cleanup_free char *out1 = to_json (s1);

  /* every member of the original survives, with the same value */
  gr_json *a = json_of (orig), *b = json_of (out1);
  char *where = NULL;
  cr_expect (json_equiv (a, b, &where), "differs at %s", where ? where : "?");
  free (where);
  gr_json_free (a);
  gr_json_free (b);

  /* and the model is a fixed point: parse(to_json(parse(x))) == parse(x) */
  gr_spec *s2 = parse_ok (out1);
  cleanup_free char *out2 = to_json (s2);
  cr_expect_str_eq (out1, out2);
  cr_expect (strchr (out1, '\t') != NULL, "pretty, tab-indented");
  gr_spec_free (s1);
  gr_spec_free (s2);
}

TEST (round_trip_minimal_and_flags)
{
  static const char *const docs[] = {
    "{" MINIMAL "}",
    "{" MINIMAL ",\"linux\":{\"maskedPaths\":[],\"readonlyPaths\":[],"
    "\"resources\":{\"devices\":[]}}}",
    "{" MINIMAL ",\"process\":{\"user\":{\"uid\":0,\"gid\":0},"
    "\"capabilities\":{}}}",
    "{" MINIMAL ",\"hostname\":\"\",\"linux\":{\"resources\":{\"blockIO\":{}},"
    "\"devices\":[{\"path\":\"/dev/f\",\"type\":\"p\"}]}}",
  };
  for (size_t i = 0; i < GR_ARRAY_SIZE (docs); i++)
    {
      gr_spec *s1 = parse_ok (docs[i]);
      cleanup_free char *o1 = to_json (s1);
      gr_spec *s2 = parse_ok (o1);
      cleanup_free char *o2 = to_json (s2);
      cr_expect_str_eq (o1, o2);
      cr_expect_eq (s1->process != NULL, s2->process != NULL);
      if (s1->process)
        cr_expect (s2->process->caps.present);
      if (s1->lnx)
        {
          cr_expect_eq (s1->lnx->has_masked_paths, s2->lnx->has_masked_paths);
          cr_expect_eq (s1->lnx->has_readonly_paths,
                        s2->lnx->has_readonly_paths);
          cr_expect_eq (s1->lnx->resources->has_devices,
                        s2->lnx->resources->has_devices);
        }
      gr_spec_free (s1);
      gr_spec_free (s2);
    }
}

TEST (default_config)
{
  gr_spec *d = gr_spec_default (false);
  cleanup_free char *text = to_json (d);
  gr_spec_free (d);
  gr_spec *s = parse_ok (text);
  cr_expect_eq (gr_spec_validate_for_create (s, NULL), 0);
  cr_expect_str_eq (s->oci_version, "1.2.0");
  cr_expect_str_eq (s->root_path, "rootfs");
  cr_expect (s->root_readonly);
  cr_expect_eq (s->process->uid, 65534);
  cr_expect_eq (s->process->gid, 65534);
  cr_expect (s->process->terminal);
  cr_expect (s->process->no_new_privileges);
  cr_expect_str_eq (s->process->args[0], "sh");
  cr_expect_str_eq (s->process->cwd, "/");
  cr_assert_eq (s->process->caps.n_bounding, 1);
  cr_expect_str_eq (s->process->caps.bounding[0], "CAP_NET_BIND_SERVICE");
  cr_expect_eq (s->process->caps.n_permitted, 1);
  cr_expect_eq (s->process->caps.n_effective, 1);
  cr_expect_eq (s->process->caps.n_inheritable, 0);
  cr_expect_eq (s->process->caps.n_ambient, 0);
  cr_expect_eq (s->process->rlimits[0].hard, 1024);
  cr_expect_str_eq (s->hostname, "guardrun");
  cr_assert_eq (s->n_mounts, 8);
  cr_expect_str_eq (s->mounts[7].destination, "/tmp");
  cr_expect_str_eq (s->mounts[6].destination, "/sys/fs/cgroup");
  const char *const ns[] = { "pid", "network", "ipc", "uts", "mount", "cgroup" };
  cr_expect_eq (s->lnx->n_namespaces, GR_ARRAY_SIZE (ns));
  for (size_t i = 0; i < GR_ARRAY_SIZE (ns); i++)
    cr_expect_not_null (gr_spec_namespace (s, ns[i]), "%s", ns[i]);
  cr_expect_null (gr_spec_namespace (s, "user"));
  cr_expect_eq (s->lnx->n_masked_paths, 11);
  cr_expect_eq (s->lnx->n_readonly_paths, 5);
  cr_assert_not_null (s->lnx->resources);
  /* deny all, then the standard devices: the device filter applies
     exactly the config's list */
  cr_assert_eq (s->lnx->resources->n_devices, 10);
  cr_expect_not (s->lnx->resources->devices[0].allow);
  cr_expect_str_eq (s->lnx->resources->devices[0].access, "rwm");
  cr_expect (s->lnx->resources->devices[1].allow);
  cr_expect_eq (s->lnx->resources->devices[1].major, 1);
  cr_expect_eq (s->lnx->resources->devices[1].minor, 3);
  gr_spec_free (s);
}

TEST (default_config_rootless)
{
  gr_spec *d = gr_spec_default (true);
  cleanup_free char *text = to_json (d);
  gr_spec_free (d);
  gr_spec *s = parse_ok (text);
  cr_expect_eq (gr_spec_validate_for_create (s, NULL), 0);
  cr_expect_eq (s->process->uid, 0);
  cr_expect_eq (s->process->gid, 0);
  cr_expect_not_null (gr_spec_namespace (s, "user"));
  cr_expect_null (gr_spec_namespace (s, "network"));
  cr_expect_not_null (gr_spec_namespace (s, "cgroup"));
  cr_assert_eq (s->lnx->n_uid_mappings, 1);
  cr_expect_eq (s->lnx->uid_mappings[0].container_id, 0);
  cr_expect_eq (s->lnx->uid_mappings[0].host_id, geteuid ());
  cr_expect_eq (s->lnx->uid_mappings[0].size, 1);
  cr_assert_eq (s->lnx->n_gid_mappings, 1);
  cr_expect_eq (s->lnx->gid_mappings[0].host_id, getegid ());
  cr_expect_null (s->lnx->resources);
  for (size_t i = 0; i < s->n_mounts; i++)
    {
      gr_mount *m = &s->mounts[i];
      for (size_t k = 0; k < m->n_options; k++)
        cr_expect (strncmp (m->options[k], "gid=", 4) != 0
                       && strncmp (m->options[k], "uid=", 4) != 0,
                   "%s: %s", m->destination, m->options[k]);
      if (strcmp (m->destination, "/sys") == 0)
        {
          cr_expect_str_eq (m->source, "/sys");
          cr_expect_str_eq (m->options[0], "rbind");
          cr_expect_str_eq (m->options[m->n_options - 1], "ro");
        }
    }
  gr_spec_free (s);
}

TEST (hook_kind_names)
{
  cr_expect_str_eq (gr_hook_kind_names[GR_HOOK_PRESTART], "prestart");
  cr_expect_str_eq (gr_hook_kind_names[GR_HOOK_CREATE_RUNTIME], "createRuntime");
  cr_expect_str_eq (gr_hook_kind_names[GR_HOOK_CREATE_CONTAINER],
                    "createContainer");
  cr_expect_str_eq (gr_hook_kind_names[GR_HOOK_START_CONTAINER],
                    "startContainer");
  cr_expect_str_eq (gr_hook_kind_names[GR_HOOK_POSTSTART], "poststart");
  cr_expect_str_eq (gr_hook_kind_names[GR_HOOK_POSTSTOP], "poststop");
}
