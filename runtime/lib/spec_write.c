/* SPDX-License-Identifier: Apache-2.0 */
/*
 * gr_spec -> config.json, and guardrun's default config.
 *
 * The writer is the exact inverse of spec.c: parsing its output gives back
 * the same model, which is what lets the state store keep the validated
 * config and the policy's harden step rewrite one.  Like Go's omitempty,
 * absent optional members and false plain booleans are left out.
 */
#include <string.h>
#include <guardrun/spec.h>
#include <guardrun/util.h>

static void
kstr_opt (gr_jw *w, const char *k, const char *s)
{
  if (s)
    gr_jw_kstr (w, k, s);
}

static void
kstrv (gr_jw *w, const char *k, char *const *v, size_t n, bool always)
{
  if (n == 0 && !always)
    return;
  gr_jw_key (w, k);
  gr_jw_arr_open (w);
  for (size_t i = 0; i < n; i++)
    gr_jw_str (w, v[i]);
  gr_jw_arr_close (w);
}

static void
kbool_true (gr_jw *w, const char *k, bool v)
{
  if (v)
    gr_jw_kbool (w, k, v);
}

static void
kidmaps (gr_jw *w, const char *k, const gr_id_map *m, size_t n)
{
  if (n == 0)
    return;
  gr_jw_key (w, k);
  gr_jw_arr_open (w);
  for (size_t i = 0; i < n; i++)
    {
      gr_jw_obj_open (w);
      gr_jw_kuint (w, "containerID", m[i].container_id);
      gr_jw_kuint (w, "hostID", m[i].host_id);
      gr_jw_kuint (w, "size", m[i].size);
      gr_jw_obj_close (w);
    }
  gr_jw_arr_close (w);
}

static void
kmap (gr_jw *w, const char *k, const gr_kv *kv, size_t n)
{
  if (n == 0)
    return;
  gr_jw_key (w, k);
  gr_jw_obj_open (w);
  for (size_t i = 0; i < n; i++)
    gr_jw_kstr (w, kv[i].key, kv[i].value);
  gr_jw_obj_close (w);
}

/* ---- process ---- */

static void
write_process (gr_jw *w, const gr_process *p)
{
  gr_jw_obj_open (w);
  kbool_true (w, "terminal", p->terminal);
  if (p->has_console_size)
    {
      gr_jw_key (w, "consoleSize");
      gr_jw_obj_open (w);
      gr_jw_kuint (w, "height", p->console_height);
      gr_jw_kuint (w, "width", p->console_width);
      gr_jw_obj_close (w);
    }
  gr_jw_key (w, "user");
  gr_jw_obj_open (w);
  gr_jw_kuint (w, "uid", p->uid);
  gr_jw_kuint (w, "gid", p->gid);
  if (p->has_umask)
    gr_jw_kuint (w, "umask", p->umask);
  if (p->n_additional_gids)
    {
      gr_jw_key (w, "additionalGids");
      gr_jw_arr_open (w);
      for (size_t i = 0; i < p->n_additional_gids; i++)
        gr_jw_uint (w, p->additional_gids[i]);
      gr_jw_arr_close (w);
    }
  kstr_opt (w, "username", p->username);
  gr_jw_obj_close (w);
  kstrv (w, "args", p->args, p->n_args, false);
  kstr_opt (w, "commandLine", p->command_line);
  kstrv (w, "env", p->env, p->n_env, false);
  kstr_opt (w, "cwd", p->cwd);
  if (p->caps.present)
    {
      gr_jw_key (w, "capabilities");
      gr_jw_obj_open (w);
      kstrv (w, "bounding", p->caps.bounding, p->caps.n_bounding, false);
      kstrv (w, "effective", p->caps.effective, p->caps.n_effective, false);
      kstrv (w, "inheritable", p->caps.inheritable, p->caps.n_inheritable,
             false);
      kstrv (w, "permitted", p->caps.permitted, p->caps.n_permitted, false);
      kstrv (w, "ambient", p->caps.ambient, p->caps.n_ambient, false);
      gr_jw_obj_close (w);
    }
  if (p->n_rlimits)
    {
      gr_jw_key (w, "rlimits");
      gr_jw_arr_open (w);
      for (size_t i = 0; i < p->n_rlimits; i++)
        {
          gr_jw_obj_open (w);
          gr_jw_kstr (w, "type", p->rlimits[i].type);
          gr_jw_kuint (w, "hard", p->rlimits[i].hard);
          gr_jw_kuint (w, "soft", p->rlimits[i].soft);
          gr_jw_obj_close (w);
        }
      gr_jw_arr_close (w);
    }
  kbool_true (w, "noNewPrivileges", p->no_new_privileges);
  kstr_opt (w, "apparmorProfile", p->apparmor_profile);
  if (p->has_oom_score_adj)
    gr_jw_kint (w, "oomScoreAdj", p->oom_score_adj);
  kstr_opt (w, "selinuxLabel", p->selinux_label);
  if (p->has_io_priority)
    {
      gr_jw_key (w, "ioPriority");
      gr_jw_obj_open (w);
      gr_jw_kstr (w, "class", p->io_priority_class);
      gr_jw_kint (w, "priority", p->io_priority);
      gr_jw_obj_close (w);
    }
  if (p->scheduler)
    {
      const gr_scheduler *s = p->scheduler;
      gr_jw_key (w, "scheduler");
      gr_jw_obj_open (w);
      gr_jw_kstr (w, "policy", s->policy);
      if (s->has_nice)
        gr_jw_kint (w, "nice", s->nice);
      if (s->has_priority)
        gr_jw_kint (w, "priority", s->priority);
      kstrv (w, "flags", s->flags, s->n_flags, false);
      if (s->has_runtime)
        gr_jw_kuint (w, "runtime", s->runtime);
      if (s->has_deadline)
        gr_jw_kuint (w, "deadline", s->deadline);
      if (s->has_period)
        gr_jw_kuint (w, "period", s->period);
      gr_jw_obj_close (w);
    }
  if (p->exec_cpu_affinity_initial || p->exec_cpu_affinity_final)
    {
      gr_jw_key (w, "execCPUAffinity");
      gr_jw_obj_open (w);
      kstr_opt (w, "initial", p->exec_cpu_affinity_initial);
      kstr_opt (w, "final", p->exec_cpu_affinity_final);
      gr_jw_obj_close (w);
    }
  gr_jw_obj_close (w);
}

/* ---- linux.resources ---- */

static void
write_blkio_devices (gr_jw *w, const char *k, const gr_blkio_device *d,
                     size_t n, bool weights)
{
  if (n == 0)
    return;
  gr_jw_key (w, k);
  gr_jw_arr_open (w);
  for (size_t i = 0; i < n; i++)
    {
      gr_jw_obj_open (w);
      gr_jw_kint (w, "major", d[i].major);
      gr_jw_kint (w, "minor", d[i].minor);
      if (!weights)
        gr_jw_kuint (w, "rate", d[i].rate);
      if (weights && d[i].has_weight)
        gr_jw_kuint (w, "weight", d[i].weight);
      if (weights && d[i].has_leaf_weight)
        gr_jw_kuint (w, "leafWeight", d[i].leaf_weight);
      gr_jw_obj_close (w);
    }
  gr_jw_arr_close (w);
}

static void
write_resources (gr_jw *w, const gr_resources *r)
{
  gr_jw_obj_open (w);
  if (r->has_devices)
    {
      gr_jw_key (w, "devices");
      gr_jw_arr_open (w);
      for (size_t i = 0; i < r->n_devices; i++)
        {
          const gr_device_rule *d = &r->devices[i];
          gr_jw_obj_open (w);
          gr_jw_kbool (w, "allow", d->allow);
          kstr_opt (w, "type", d->type);
          if (d->has_major)
            gr_jw_kint (w, "major", d->major);
          if (d->has_minor)
            gr_jw_kint (w, "minor", d->minor);
          kstr_opt (w, "access", d->access);
          gr_jw_obj_close (w);
        }
      gr_jw_arr_close (w);
    }
  if (r->memory)
    {
      const gr_memory *m = r->memory;
      gr_jw_key (w, "memory");
      gr_jw_obj_open (w);
      if (m->has_limit)
        gr_jw_kint (w, "limit", m->limit);
      if (m->has_reservation)
        gr_jw_kint (w, "reservation", m->reservation);
      if (m->has_swap)
        gr_jw_kint (w, "swap", m->swap);
      if (m->has_kernel)
        gr_jw_kint (w, "kernel", m->kernel);
      if (m->has_kernel_tcp)
        gr_jw_kint (w, "kernelTCP", m->kernel_tcp);
      if (m->has_swappiness)
        gr_jw_kuint (w, "swappiness", m->swappiness);
      if (m->has_disable_oom_killer)
        gr_jw_kbool (w, "disableOOMKiller", m->disable_oom_killer);
      if (m->has_use_hierarchy)
        gr_jw_kbool (w, "useHierarchy", m->use_hierarchy);
      if (m->has_check_before_update)
        gr_jw_kbool (w, "checkBeforeUpdate", m->check_before_update);
      gr_jw_obj_close (w);
    }
  if (r->cpu)
    {
      const gr_cpu *c = r->cpu;
      gr_jw_key (w, "cpu");
      gr_jw_obj_open (w);
      if (c->has_shares)
        gr_jw_kuint (w, "shares", c->shares);
      if (c->has_quota)
        gr_jw_kint (w, "quota", c->quota);
      if (c->has_burst)
        gr_jw_kuint (w, "burst", c->burst);
      if (c->has_period)
        gr_jw_kuint (w, "period", c->period);
      if (c->has_realtime_runtime)
        gr_jw_kint (w, "realtimeRuntime", c->realtime_runtime);
      if (c->has_realtime_period)
        gr_jw_kuint (w, "realtimePeriod", c->realtime_period);
      kstr_opt (w, "cpus", c->cpus);
      kstr_opt (w, "mems", c->mems);
      if (c->has_idle)
        gr_jw_kint (w, "idle", c->idle);
      gr_jw_obj_close (w);
    }
  if (r->has_pids)
    {
      gr_jw_key (w, "pids");
      gr_jw_obj_open (w);
      gr_jw_kint (w, "limit", r->pids_limit);
      gr_jw_obj_close (w);
    }
  if (r->blkio)
    {
      const gr_blkio *b = r->blkio;
      gr_jw_key (w, "blockIO");
      gr_jw_obj_open (w);
      if (b->has_weight)
        gr_jw_kuint (w, "weight", b->weight);
      if (b->has_leaf_weight)
        gr_jw_kuint (w, "leafWeight", b->leaf_weight);
      write_blkio_devices (w, "weightDevice", b->weight_device,
                           b->n_weight_device, true);
      write_blkio_devices (w, "throttleReadBpsDevice", b->throttle_read_bps,
                           b->n_throttle_read_bps, false);
      write_blkio_devices (w, "throttleWriteBpsDevice", b->throttle_write_bps,
                           b->n_throttle_write_bps, false);
      write_blkio_devices (w, "throttleReadIOPSDevice", b->throttle_read_iops,
                           b->n_throttle_read_iops, false);
      write_blkio_devices (w, "throttleWriteIOPSDevice",
                           b->throttle_write_iops, b->n_throttle_write_iops,
                           false);
      gr_jw_obj_close (w);
    }
  if (r->n_hugepages)
    {
      gr_jw_key (w, "hugepageLimits");
      gr_jw_arr_open (w);
      for (size_t i = 0; i < r->n_hugepages; i++)
        {
          gr_jw_obj_open (w);
          gr_jw_kstr (w, "pageSize", r->hugepages[i].page_size);
          gr_jw_kuint (w, "limit", r->hugepages[i].limit);
          gr_jw_obj_close (w);
        }
      gr_jw_arr_close (w);
    }
  if (r->has_net_class_id || r->n_net_priorities)
    {
      gr_jw_key (w, "network");
      gr_jw_obj_open (w);
      if (r->has_net_class_id)
        gr_jw_kuint (w, "classID", r->net_class_id);
      if (r->n_net_priorities)
        {
          gr_jw_key (w, "priorities");
          gr_jw_arr_open (w);
          for (size_t i = 0; i < r->n_net_priorities; i++)
            {
              gr_jw_obj_open (w);
              gr_jw_kstr (w, "name", r->net_priorities[i].name);
              gr_jw_kuint (w, "priority", r->net_priorities[i].priority);
              gr_jw_obj_close (w);
            }
          gr_jw_arr_close (w);
        }
      gr_jw_obj_close (w);
    }
  if (r->n_rdma)
    {
      gr_jw_key (w, "rdma");
      gr_jw_obj_open (w);
      for (size_t i = 0; i < r->n_rdma; i++)
        {
          gr_jw_key (w, r->rdma[i].device);
          gr_jw_obj_open (w);
          if (r->rdma[i].has_hca_handles)
            gr_jw_kuint (w, "hcaHandles", r->rdma[i].hca_handles);
          if (r->rdma[i].has_hca_objects)
            gr_jw_kuint (w, "hcaObjects", r->rdma[i].hca_objects);
          gr_jw_obj_close (w);
        }
      gr_jw_obj_close (w);
    }
  kmap (w, "unified", r->unified, r->n_unified);
  gr_jw_obj_close (w);
}

/* ---- linux.seccomp ---- */

static void
write_seccomp (gr_jw *w, const gr_seccomp *s)
{
  gr_jw_obj_open (w);
  gr_jw_kstr (w, "defaultAction", s->default_action);
  if (s->has_default_errno_ret)
    gr_jw_kuint (w, "defaultErrnoRet", s->default_errno_ret);
  kstrv (w, "architectures", s->architectures, s->n_architectures, false);
  kstrv (w, "flags", s->flags, s->n_flags, false);
  kstr_opt (w, "listenerPath", s->listener_path);
  kstr_opt (w, "listenerMetadata", s->listener_metadata);
  if (s->n_syscalls)
    {
      gr_jw_key (w, "syscalls");
      gr_jw_arr_open (w);
      for (size_t i = 0; i < s->n_syscalls; i++)
        {
          const gr_seccomp_syscall *sc = &s->syscalls[i];
          gr_jw_obj_open (w);
          kstrv (w, "names", sc->names, sc->n_names, true);
          gr_jw_kstr (w, "action", sc->action);
          if (sc->has_errno_ret)
            gr_jw_kuint (w, "errnoRet", sc->errno_ret);
          if (sc->n_args)
            {
              gr_jw_key (w, "args");
              gr_jw_arr_open (w);
              for (size_t k = 0; k < sc->n_args; k++)
                {
                  gr_jw_obj_open (w);
                  gr_jw_kuint (w, "index", sc->args[k].index);
                  gr_jw_kuint (w, "value", sc->args[k].value);
                  gr_jw_kuint (w, "valueTwo", sc->args[k].value_two);
                  gr_jw_kstr (w, "op", sc->args[k].op);
                  gr_jw_obj_close (w);
                }
              gr_jw_arr_close (w);
            }
          gr_jw_obj_close (w);
        }
      gr_jw_arr_close (w);
    }
  gr_jw_obj_close (w);
}

/* ---- linux ---- */

static void
write_linux (gr_jw *w, const gr_linux *l)
{
  gr_jw_obj_open (w);
  kidmaps (w, "uidMappings", l->uid_mappings, l->n_uid_mappings);
  kidmaps (w, "gidMappings", l->gid_mappings, l->n_gid_mappings);
  kmap (w, "sysctl", l->sysctl, l->n_sysctl);
  if (l->resources)
    {
      gr_jw_key (w, "resources");
      write_resources (w, l->resources);
    }
  kstr_opt (w, "cgroupsPath", l->cgroups_path);
  if (l->n_namespaces)
    {
      gr_jw_key (w, "namespaces");
      gr_jw_arr_open (w);
      for (size_t i = 0; i < l->n_namespaces; i++)
        {
          gr_jw_obj_open (w);
          gr_jw_kstr (w, "type", l->namespaces[i].type);
          kstr_opt (w, "path", l->namespaces[i].path);
          gr_jw_obj_close (w);
        }
      gr_jw_arr_close (w);
    }
  if (l->n_time_offsets)
    {
      gr_jw_key (w, "timeOffsets");
      gr_jw_obj_open (w);
      for (size_t i = 0; i < l->n_time_offsets; i++)
        {
          gr_jw_key (w, l->time_offsets[i].type);
          gr_jw_obj_open (w);
          gr_jw_kint (w, "secs", l->time_offsets[i].secs);
          gr_jw_kuint (w, "nanosecs", l->time_offsets[i].nanosecs);
          gr_jw_obj_close (w);
        }
      gr_jw_obj_close (w);
    }
  if (l->n_devices)
    {
      gr_jw_key (w, "devices");
      gr_jw_arr_open (w);
      for (size_t i = 0; i < l->n_devices; i++)
        {
          const gr_device *d = &l->devices[i];
          gr_jw_obj_open (w);
          gr_jw_kstr (w, "path", d->path);
          gr_jw_kstr (w, "type", d->type);
          gr_jw_kint (w, "major", d->major);
          gr_jw_kint (w, "minor", d->minor);
          if (d->has_file_mode)
            gr_jw_kuint (w, "fileMode", d->file_mode);
          if (d->has_uid)
            gr_jw_kuint (w, "uid", d->uid);
          if (d->has_gid)
            gr_jw_kuint (w, "gid", d->gid);
          gr_jw_obj_close (w);
        }
      gr_jw_arr_close (w);
    }
  if (l->seccomp)
    {
      gr_jw_key (w, "seccomp");
      write_seccomp (w, l->seccomp);
    }
  kstr_opt (w, "rootfsPropagation", l->rootfs_propagation);
  kstrv (w, "maskedPaths", l->masked_paths, l->n_masked_paths,
         l->has_masked_paths);
  kstrv (w, "readonlyPaths", l->readonly_paths, l->n_readonly_paths,
         l->has_readonly_paths);
  kstr_opt (w, "mountLabel", l->mount_label);
  if (l->personality)
    {
      gr_jw_key (w, "personality");
      gr_jw_obj_open (w);
      gr_jw_kstr (w, "domain", l->personality->domain);
      kstrv (w, "flags", l->personality->flags, l->personality->n_flags,
             false);
      gr_jw_obj_close (w);
    }
  if (l->intel_rdt)
    {
      const gr_intel_rdt *r = l->intel_rdt;
      gr_jw_key (w, "intelRdt");
      gr_jw_obj_open (w);
      kstr_opt (w, "closID", r->clos_id);
      kstr_opt (w, "l3CacheSchema", r->l3_cache_schema);
      kstr_opt (w, "memBwSchema", r->mem_bw_schema);
      kbool_true (w, "enableCMT", r->enable_cmt);
      kbool_true (w, "enableMBM", r->enable_mbm);
      gr_jw_obj_close (w);
    }
  gr_jw_obj_close (w);
}

/* ---- the document ---- */

static void
write_hooks (gr_jw *w, const gr_spec *s)
{
  bool any = false;
  for (int k = 0; k < GR_HOOK_KINDS; k++)
    any |= s->n_hooks[k] > 0;
  if (!any)
    return;
  gr_jw_key (w, "hooks");
  gr_jw_obj_open (w);
  for (int k = 0; k < GR_HOOK_KINDS; k++)
    {
      if (s->n_hooks[k] == 0)
        continue;
      gr_jw_key (w, gr_hook_kind_names[k]);
      gr_jw_arr_open (w);
      for (size_t i = 0; i < s->n_hooks[k]; i++)
        {
          const gr_hook *h = &s->hooks[k][i];
          gr_jw_obj_open (w);
          gr_jw_kstr (w, "path", h->path);
          kstrv (w, "args", h->args, h->n_args, false);
          kstrv (w, "env", h->env, h->n_env, false);
          if (h->has_timeout)
            gr_jw_kint (w, "timeout", h->timeout);
          gr_jw_obj_close (w);
        }
      gr_jw_arr_close (w);
    }
  gr_jw_obj_close (w);
}

char *
gr_spec_to_json (const gr_spec *s, size_t *len)
{
  cleanup_jw gr_jw *w = gr_jw_new (true);
  gr_jw_obj_open (w);
  gr_jw_kstr (w, "ociVersion", s->oci_version);
  if (s->process)
    {
      gr_jw_key (w, "process");
      write_process (w, s->process);
    }
  gr_jw_key (w, "root");
  gr_jw_obj_open (w);
  gr_jw_kstr (w, "path", s->root_path);
  kbool_true (w, "readonly", s->root_readonly);
  gr_jw_obj_close (w);
  kstr_opt (w, "hostname", s->hostname);
  kstr_opt (w, "domainname", s->domainname);
  if (s->n_mounts)
    {
      gr_jw_key (w, "mounts");
      gr_jw_arr_open (w);
      for (size_t i = 0; i < s->n_mounts; i++)
        {
          const gr_mount *m = &s->mounts[i];
          gr_jw_obj_open (w);
          gr_jw_kstr (w, "destination", m->destination);
          kstr_opt (w, "type", m->type);
          kstr_opt (w, "source", m->source);
          kstrv (w, "options", m->options, m->n_options, false);
          kidmaps (w, "uidMappings", m->uid_mappings, m->n_uid_mappings);
          kidmaps (w, "gidMappings", m->gid_mappings, m->n_gid_mappings);
          gr_jw_obj_close (w);
        }
      gr_jw_arr_close (w);
    }
  write_hooks (w, s);
  kmap (w, "annotations", s->annotations, s->n_annotations);
  if (s->lnx)
    {
      gr_jw_key (w, "linux");
      write_linux (w, s->lnx);
    }
  gr_jw_obj_close (w);

  size_t n = 0;
  const char *buf = gr_jw_buf (w, &n);
  char *out = gr_xmalloc (n + 1);
  memcpy (out, buf, n);
  out[n] = '\0';
  if (len)
    *len = n;
  return out;
}

/* ---- the default config ---- */

/* Kept as JSON so it reads like the file `guardrun spec` writes, and is
   checked by the same parser as any other config.  Compared with runc's
   default: not root, a read-only rootfs (with a /tmp tmpfs for scratch),
   one capability, and a cgroup namespace. */
static const char default_config[] =
  "{"
  "\"ociVersion\": \"1.2.0\","
  "\"process\": {"
  "  \"terminal\": true,"
  "  \"user\": {\"uid\": 65534, \"gid\": 65534},"
  "  \"args\": [\"sh\"],"
  "  \"env\": [\"PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin\","
  "            \"TERM=xterm\"],"
  "  \"cwd\": \"/\","
  "  \"capabilities\": {"
  "    \"bounding\": [\"CAP_NET_BIND_SERVICE\"],"
  "    \"effective\": [\"CAP_NET_BIND_SERVICE\"],"
  "    \"inheritable\": [],"
  "    \"permitted\": [\"CAP_NET_BIND_SERVICE\"],"
  "    \"ambient\": []"
  "  },"
  "  \"rlimits\": [{\"type\": \"RLIMIT_NOFILE\", \"hard\": 1024, \"soft\": 1024}],"
  "  \"noNewPrivileges\": true"
  "},"
  "\"root\": {\"path\": \"rootfs\", \"readonly\": true},"
  "\"hostname\": \"guardrun\","
  "\"mounts\": ["
  "  {\"destination\": \"/proc\", \"type\": \"proc\", \"source\": \"proc\"},"
  "  {\"destination\": \"/dev\", \"type\": \"tmpfs\", \"source\": \"tmpfs\","
  "   \"options\": [\"nosuid\", \"strictatime\", \"mode=755\", \"size=65536k\"]},"
  "  {\"destination\": \"/dev/pts\", \"type\": \"devpts\", \"source\": \"devpts\","
  "   \"options\": [\"nosuid\", \"noexec\", \"newinstance\", \"ptmxmode=0666\","
  "                 \"mode=0620\", \"gid=5\"]},"
  "  {\"destination\": \"/dev/shm\", \"type\": \"tmpfs\", \"source\": \"shm\","
  "   \"options\": [\"nosuid\", \"noexec\", \"nodev\", \"mode=1777\", \"size=65536k\"]},"
  "  {\"destination\": \"/dev/mqueue\", \"type\": \"mqueue\", \"source\": \"mqueue\","
  "   \"options\": [\"nosuid\", \"noexec\", \"nodev\"]},"
  "  {\"destination\": \"/sys\", \"type\": \"sysfs\", \"source\": \"sysfs\","
  "   \"options\": [\"nosuid\", \"noexec\", \"nodev\", \"ro\"]},"
  "  {\"destination\": \"/sys/fs/cgroup\", \"type\": \"cgroup\", \"source\": \"cgroup\","
  "   \"options\": [\"nosuid\", \"noexec\", \"nodev\", \"relatime\", \"ro\"]},"
  "  {\"destination\": \"/tmp\", \"type\": \"tmpfs\", \"source\": \"tmpfs\","
  "   \"options\": [\"nosuid\", \"nodev\", \"noexec\", \"mode=1777\", \"size=65536k\"]}"
  "],"
  "\"linux\": {"
  /* deny all, then the standard devices (as containerd sends them): the
     device filter applies exactly this list (cgroup.c) */
  "  \"resources\": {\"devices\": [{\"allow\": false, \"access\": \"rwm\"},"
  "    {\"allow\": true, \"type\": \"c\", \"major\": 1, \"minor\": 3, \"access\": \"rwm\"},"
  "    {\"allow\": true, \"type\": \"c\", \"major\": 1, \"minor\": 5, \"access\": \"rwm\"},"
  "    {\"allow\": true, \"type\": \"c\", \"major\": 1, \"minor\": 7, \"access\": \"rwm\"},"
  "    {\"allow\": true, \"type\": \"c\", \"major\": 1, \"minor\": 8, \"access\": \"rwm\"},"
  "    {\"allow\": true, \"type\": \"c\", \"major\": 1, \"minor\": 9, \"access\": \"rwm\"},"
  "    {\"allow\": true, \"type\": \"c\", \"major\": 5, \"minor\": 0, \"access\": \"rwm\"},"
  "    {\"allow\": true, \"type\": \"c\", \"major\": 5, \"minor\": 1, \"access\": \"rwm\"},"
  "    {\"allow\": true, \"type\": \"c\", \"major\": 5, \"minor\": 2, \"access\": \"rwm\"},"
  "    {\"allow\": true, \"type\": \"c\", \"major\": 136, \"access\": \"rwm\"}]},"
  "  \"namespaces\": [{\"type\": \"pid\"}, {\"type\": \"network\"}, {\"type\": \"ipc\"},"
  "                 {\"type\": \"uts\"}, {\"type\": \"mount\"}, {\"type\": \"cgroup\"}],"
  "  \"maskedPaths\": [\"/proc/acpi\", \"/proc/asound\", \"/proc/kcore\", \"/proc/keys\","
  "    \"/proc/latency_stats\", \"/proc/timer_list\", \"/proc/timer_stats\","
  "    \"/proc/sched_debug\", \"/sys/firmware\", \"/proc/scsi\","
  "    \"/sys/devices/virtual/powercap\"],"
  "  \"readonlyPaths\": [\"/proc/bus\", \"/proc/fs\", \"/proc/irq\", \"/proc/sys\","
  "    \"/proc/sysrq-trigger\"]"
  "}"
  "}";

/* What runc's `spec --rootless` does (specconv.ToRootless): a user
   namespace mapping the caller to root, no network namespace (an
   unprivileged user cannot configure one), sysfs bound from the host (a
   fresh sysfs needs a network namespace we own), no uid=/gid= mount options
   (those ids are not mapped) and no cgroup resources (no delegated cgroup
   is assumed). */
static void
to_rootless (gr_spec *s)
{
  gr_linux *l = s->lnx;
  size_t n = 0;
  for (size_t i = 0; i < l->n_namespaces; i++)
    {
      gr_namespace ns = l->namespaces[i];
      if (strcmp (ns.type, "network") == 0 || strcmp (ns.type, "user") == 0)
        {
          free (ns.type);
          free (ns.path);
          continue;
        }
      l->namespaces[n++] = ns;
    }
  l->namespaces = gr_xrealloc (l->namespaces,
                               (n + 1) * sizeof *l->namespaces);
  l->namespaces[n++] = (gr_namespace) { .type = gr_xstrdup ("user") };
  l->n_namespaces = n;

  l->uid_mappings = gr_xcalloc (1, sizeof *l->uid_mappings);
  l->uid_mappings[0] = (gr_id_map) { 0, (uint32_t) geteuid (), 1 };
  l->n_uid_mappings = 1;
  l->gid_mappings = gr_xcalloc (1, sizeof *l->gid_mappings);
  l->gid_mappings[0] = (gr_id_map) { 0, (uint32_t) getegid (), 1 };
  l->n_gid_mappings = 1;

  for (size_t i = 0; i < s->n_mounts; i++)
    {
      gr_mount *m = &s->mounts[i];
      if (strcmp (m->destination, "/sys") == 0)
        {
          static const char *const opts[] = { "rbind", "nosuid", "noexec",
                                              "nodev", "ro" };
          for (size_t k = 0; k < m->n_options; k++)
            free (m->options[k]);
          free (m->type);
          free (m->source);
          m->type = gr_xstrdup ("bind");
          m->source = gr_xstrdup ("/sys");
          m->options = gr_xrealloc (m->options, (GR_ARRAY_SIZE (opts) + 1)
                                                    * sizeof (char *));
          for (size_t k = 0; k < GR_ARRAY_SIZE (opts); k++)
            m->options[k] = gr_xstrdup (opts[k]);
          m->n_options = GR_ARRAY_SIZE (opts);
          m->options[m->n_options] = NULL;
          continue;
        }
      size_t keep = 0;
      for (size_t k = 0; k < m->n_options; k++)
        {
          if (strncmp (m->options[k], "uid=", 4) == 0
              || strncmp (m->options[k], "gid=", 4) == 0)
            free (m->options[k]);
          else
            m->options[keep++] = m->options[k];
        }
      m->n_options = keep;
      if (m->options)
        m->options[keep] = NULL;
    }

  gr_resources_free (l->resources);
  l->resources = NULL;
  s->process->uid = 0;
  s->process->gid = 0;
}

gr_spec *
gr_spec_default (bool rootless)
{
  gr_spec *s = NULL;
  cleanup_error gr_error *err = NULL;
  if (gr_spec_parse ("default config", default_config,
                     sizeof default_config - 1, &s, &err) < 0)
    abort ();                 /* a bug in the literal above, caught by tests */
  if (rootless)
    to_rootless (s);
  return s;
}
