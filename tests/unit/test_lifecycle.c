/* SPDX-License-Identifier: Apache-2.0 */
/* The lifecycle's building blocks that run without namespaces: process
   attributes, namespace planning, sysctl rules, hooks, the sync protocol. */
#include <criterion/criterion.h>
#include <fcntl.h>
#include <sched.h>
#include <string.h>
#include <sys/socket.h>
#include <guardrun/container.h>
#include <guardrun/util.h>
#include "../../runtime/lib/init.h"

/* a config with the given top-level members (and the required ones) */
static gr_spec *
spec_of (const char *members)
{
  gr_spec *s = NULL;
  gr_error *err = NULL;
  char *json = gr_fmt ("{\"ociVersion\":\"1.0.2\",\"root\":{\"path\":\"r\"},"
                       "%s}", members);
  int r = gr_spec_parse ("test", json, strlen (json), &s, &err);
  free (json);
  cr_assert_eq (r, 0, "%s", err ? gr_error_string (err) : "");
  return s;
}

static char *
errstr (gr_error *e)
{
  return e ? gr_error_string (e) : gr_xstrdup ("");
}

Test (proc, cpu_affinity_lists)
{
  static const char *const bad[] = { "x", "3-1", "-1", "0-99999", "1;2" };
  for (size_t i = 0; i < GR_ARRAY_SIZE (bad); i++)
    {
      gr_error *e = NULL;
      cr_expect_lt (gr_proc_set_cpu_affinity (bad[i], &e), 0, "%s", bad[i]);
      gr_error_free (e);
    }
  cr_expect_eq (gr_proc_set_cpu_affinity (NULL, NULL), 0);
  cr_expect_eq (gr_proc_set_cpu_affinity ("0", NULL), 0);
}

Test (proc, env_gets_home)
{
  gr_process p = { .uid = 0 };
  char *env1[] = { "PATH=/bin", NULL };
  p.env = env1;
  p.n_env = 1;
  char *extra[] = { "LISTEN_FDS=1", NULL };
  char **env = gr_proc_env (&p, extra);
  cr_expect_str_eq (env[0], "PATH=/bin");
  cr_expect_str_eq (env[1], "LISTEN_FDS=1");
  cr_expect_str_eq (env[2], "HOME=/root");  /* the host's passwd here */
  cr_expect_null (env[3]);
  gr_strv_free (env);
  char *env2[] = { "HOME=/x", NULL };
  p.env = env2;
  env = gr_proc_env (&p, NULL);
  cr_expect_str_eq (env[0], "HOME=/x");
  cr_expect_null (env[1]);
  gr_strv_free (env);
  p.uid = 4242424;
  p.env = env1;
  env = gr_proc_env (&p, NULL);
  cr_expect_str_eq (env[1], "HOME=/");
  gr_strv_free (env);
}

Test (proc, find_exec_messages_as_runc)
{
  char *env[] = { "PATH=/nonexistent:/bin", NULL };
  char *path = NULL;
  gr_error *e = NULL;
  cr_assert_eq (gr_proc_find_exec ("sh", env, &path, &e), 0);
  cr_expect_str_eq (path, "/bin/sh");
  free (path);
  cr_assert_lt (gr_proc_find_exec ("no-such-cmd", env, &path, &e), 0);
  char *m = errstr (e);
  cr_expect (strstr (m, "executable file not found in $PATH"), "%s", m);
  free (m);
  gr_error_free (e);
  e = NULL;
  cr_assert_lt (gr_proc_find_exec ("/no/such", env, &path, &e), 0);
  m = errstr (e);
  cr_expect (strstr (m, "no such file or directory"), "%s", m);
  free (m);
  gr_error_free (e);
  e = NULL;
  cr_assert_lt (gr_proc_find_exec ("/etc/passwd", env, &path, &e), 0);
  gr_error_free (e);
}

Test (ns, flags_and_names)
{
  cr_expect_eq (gr_ns_clone_flag ("network"), CLONE_NEWNET);
  cr_expect_eq (gr_ns_clone_flag ("mount"), CLONE_NEWNS);
  cr_expect_eq (gr_ns_clone_flag ("bogus"), 0);
  cr_expect_str_eq (gr_ns_proc_name ("network"), "net");
  cr_expect_str_eq (gr_ns_proc_name ("mount"), "mnt");
}

Test (ns, plan)
{
  gr_spec *s = spec_of ("\"linux\":{\"namespaces\":["
                        "{\"type\":\"pid\"},{\"type\":\"mount\"},"
                        "{\"type\":\"time\"},"
                        "{\"type\":\"network\",\"path\":\"/proc/self/ns/net\"},"
                        "{\"type\":\"user\",\"path\":\"/proc/self/ns/user\"}]}");
  gr_ns_plan plan;
  cr_assert_eq (gr_ns_plan_make (s, &plan, NULL), 0);
  cr_expect_eq (plan.clone_flags, (unsigned long) (CLONE_NEWPID | CLONE_NEWNS));
  cr_expect (plan.new_time);
  /* user first, whatever the config's order */
  cr_expect_eq (plan.join_type[0], CLONE_NEWUSER);
  cr_expect_eq (plan.join_type[1], CLONE_NEWNET);
  cr_expect_eq (plan.join_fd[2], -1);
  gr_ns_plan_close (&plan);
  gr_spec_free (s);
  s = spec_of ("\"linux\":{\"namespaces\":["
               "{\"type\":\"network\",\"path\":\"/no/such/ns\"}]}");
  gr_error *e = NULL;
  cr_expect_lt (gr_ns_plan_make (s, &plan, &e), 0);
  char *m = errstr (e);
  cr_expect (strstr (m, "/no/such/ns"), "%s", m);
  free (m);
  gr_error_free (e);
  gr_spec_free (s);
}

Test (ns, sysctl_rules)
{
  gr_spec *s = spec_of ("\"linux\":{\"sysctl\":{"
                        "\"kernel.shmmax\":\"1\",\"fs.mqueue.msg_max\":\"9\","
                        "\"net.ipv4.ip_forward\":\"1\"}}");
  gr_error *e = NULL;
  cr_expect_eq (gr_ns_check_sysctl (s, true, NULL), 0);
  cr_expect_lt (gr_ns_check_sysctl (s, false, &e), 0);
  char *m = errstr (e);
  cr_expect (strstr (m, "net.ipv4.ip_forward"), "%s", m);
  free (m);
  gr_error_free (e);
  gr_spec_free (s);
  s = spec_of ("\"linux\":{\"sysctl\":{"
               "\"kernel.panic\":\"1\"}}");
  cr_expect_lt (gr_ns_check_sysctl (s, true, NULL), 0);
  gr_spec_free (s);
}

static char tmpdir[] = "/tmp/gr-test-hooks-XXXXXX";

static void
mk (void)
{
  cr_assert_not_null (mkdtemp (tmpdir));
}

static void
rm (void)
{
  gr_rm_rf_at (AT_FDCWD, tmpdir);
}

TestSuite (hooks, .init = mk, .fini = rm);

Test (hooks, state_on_stdin_args_env)
{
  char *json = gr_fmt (
      "\"hooks\":{\"prestart\":[{\"path\":\"/bin/sh\","
      "\"args\":[\"sh\",\"-c\",\"cat > %s/in; echo \\\"$0 $X\\\" > %s/env\","
      "\"zero\"],\"env\":[\"X=y\"]}]}",
      tmpdir, tmpdir);
  gr_spec *s = spec_of (json);
  free (json);
  cr_assert_eq (gr_hooks_run (s, GR_HOOK_PRESTART, "{\"id\":\"a\"}", NULL), 0);
  char *in = gr_fmt ("%s/in", tmpdir), *env = gr_fmt ("%s/env", tmpdir);
  char *buf = NULL;
  cr_assert_eq (gr_read_file (in, 4096, &buf, NULL, NULL), 0);
  cr_expect_str_eq (buf, "{\"id\":\"a\"}");
  free (buf);
  cr_assert_eq (gr_read_file (env, 4096, &buf, NULL, NULL), 0);
  cr_expect_str_eq (buf, "zero y\n");
  free (buf);
  free (in);
  free (env);
  gr_spec_free (s);
}

Test (hooks, failure_names_hook_and_output)
{
  gr_spec *s = spec_of (
      "\"hooks\":{\"createRuntime\":[{\"path\":"
      "\"/bin/sh\",\"args\":[\"sh\",\"-c\",\"echo refused >&2; exit 3\"]}]}");
  gr_error *e = NULL;
  cr_assert_lt (gr_hooks_run (s, GR_HOOK_CREATE_RUNTIME, "{}", &e), 0);
  char *m = errstr (e);
  cr_expect (strstr (m, "createRuntime hook #0 (/bin/sh) failed: exit status 3: refused"),
             "%s", m);
  free (m);
  gr_error_free (e);
  gr_spec_free (s);
}

Test (hooks, timeout)
{
  gr_spec *s = spec_of (
      "\"hooks\":{\"poststop\":[{\"path\":"
      "\"/bin/sleep\",\"args\":[\"sleep\",\"30\"],\"timeout\":1}]}");
  gr_error *e = NULL;
  uint64_t t0 = gr_now_ns ();
  cr_assert_lt (gr_hooks_run (s, GR_HOOK_POSTSTOP, "{}", &e), 0);
  cr_expect_lt (gr_now_ns () - t0, 5000000000ull);
  char *m = errstr (e);
  cr_expect (strstr (m, "timed out"), "%s", m);
  free (m);
  gr_error_free (e);
  gr_spec_free (s);
}

Test (sync, roundtrip_and_fd_passing)
{
  int sp[2];
  cr_assert_eq (socketpair (AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sp), 0);
  cr_assert_eq (gr_sync_send (sp[0], GR_SYNC_ERROR, 7, "mount `x`: nope"), 0);
  gr_sync_msg m;
  cr_assert_gt (gr_sync_recv (sp[1], &m), 0);
  cr_expect_eq (m.type, (uint32_t) GR_SYNC_ERROR);
  cr_expect_eq (m.value, 7);
  cr_expect_str_eq (m.text, "mount `x`: nope");
  int fd = open ("/dev/null", O_RDONLY | O_CLOEXEC);
  cr_assert_eq (gr_console_send_fd (sp[0], fd, NULL), 0);
  int got = gr_console_recv_fd (sp[1], NULL);
  cr_expect_geq (got, 0);
  close (got);
  close (fd);
  close (sp[0]);
  cr_expect_eq (gr_sync_recv (sp[1], &m), 0);
  close (sp[1]);
}
