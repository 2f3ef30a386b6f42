# shellcheck shell=bash
# runc-compatible extras: exec, pause/resume, spec, features, version.

test_exec_in_running_container() {
	make_bundle b
	start_sleeper "$CID"
	rt_capture exec "$CID" /bin/sh -c 'echo exec-ok; readlink /proc/self/ns/pid'
	local pid; pid=$(pid_of "$CID")
	assert_success "exec"
	assert_eq "$(head -1 <<<"$out")" exec-ok "exec output"
	assert_eq "$(tail -1 <<<"$out")" "$(readlink /proc/"$pid"/ns/pid)" "exec pid namespace"
	delete_ok "$CID" --force
}

test_exec_exit_code_env_cwd_user() {
	make_bundle b
	start_sleeper "$CID"
	rt_capture exec --env GRIT_X=1 --cwd /tmp --user 1000:1000 "$CID" /bin/sh -c 'echo "$GRIT_X $(pwd) $(id -u)"; exit 7'
	assert_status 7 "exec exit status"
	assert_eq "$out" "1 /tmp 1000" "exec env, cwd, user"
	delete_ok "$CID" --force
}

test_exec_in_stopped_container_errors() {
	make_bundle b /bin/true
	create_ok "$CID"
	start_ok "$CID"
	wait_status "$CID" stopped
	rt_capture exec "$CID" /bin/true
	assert_failure "exec in a stopped container"
	delete_ok "$CID"
}

test_pause_resume() {
	make_bundle b
	start_sleeper "$CID"
	rt pause "$CID" 2>.err || fail "pause: $(cat .err)"
	assert_eq "$(status_of "$CID")" paused "status after pause"
	local pid; pid=$(pid_of "$CID")
	rt resume "$CID" 2>.err || fail "resume: $(cat .err)"
	assert_eq "$(status_of "$CID")" running "status after resume"
	delete_ok "$CID" --force
	wait_gone "$pid" || fail "process $pid survived delete --force"
}

test_spec_writes_valid_config() {
	mkdir -p s && cd s || fail "cd"
	rt spec 2>../.err || fail "spec: $(cat ../.err)"
	[[ -s config.json ]] || fail "spec wrote no config.json"
	jq -e '.ociVersion and .process.args and .root.path and .linux.namespaces' config.json >/dev/null ||
		fail "spec output lacks ociVersion/process.args/root.path/linux.namespaces"
	rt spec 2>/dev/null && fail "spec overwrote an existing config.json"
	true
}

test_version() {
	rt_capture --version
	assert_success "--version"
	[[ -n $out ]] || fail "--version printed nothing"
}

test_features() {
	rt_capture features
	assert_success features
	[[ -n $out ]] || fail "features printed nothing"
	jq -e '.ociVersionMin and .ociVersionMax and (.hooks | index("createRuntime"))' <<<"$out" >/dev/null ||
		fail "features JSON lacks ociVersionMin/ociVersionMax/hooks: $(oneline "$out")"
}
