# shellcheck shell=bash
# Lifecycle: create -> start -> stopped -> delete, state JSON, run, kill.

test_create_state_is_created() {
	make_bundle b /bin/sleep 1000
	create_ok "$CID"
	state_of "$CID" || fail "state failed: $(cat .state.err)"
	assert_eq "$(jq -r .id <<<"$state")" "$CID" "state.id"
	assert_eq "$(jq -r .status <<<"$state")" created "state.status"
	assert_eq "$(jq -r .bundle <<<"$state")" "$BUNDLE" "state.bundle"
	assert_match "$(jq -r .ociVersion <<<"$state")" '^1\.[0-9]+\.[0-9]+' "state.ociVersion"
	local pid; pid=$(jq -r .pid <<<"$state")
	assert_match "$pid" '^[1-9][0-9]*$' "state.pid"
	[[ -d /proc/$pid ]] || fail "state.pid $pid is not a live process"
	delete_ok "$CID" --force
}

test_create_does_not_run_process() {
	make_bundle b /bin/sh -c 'echo started; sleep 1000'
	create_ok "$CID"
	sleep 0.3
	assert_eq "$(cat "$CID.out")" "" "output before start"
	start_ok "$CID"
	wait_file "$CID.out" started
	delete_ok "$CID" --force
}

test_start_state_is_running() {
	make_bundle b /bin/sleep 1000
	create_ok "$CID"
	local pid1; pid1=$(pid_of "$CID")
	start_ok "$CID"
	state_of "$CID" || fail "state failed"
	assert_eq "$(jq -r .status <<<"$state")" running "status after start"
	assert_eq "$(jq -r .pid <<<"$state")" "$pid1" "pid after start"
	assert_eq "$(tr '\0' ' ' <"/proc/$pid1/cmdline")" "/bin/sleep 1000 " "cmdline of the container process"
	rt kill "$CID" KILL || fail "kill failed"
	wait_status "$CID" stopped
	delete_ok "$CID"
}

test_exit_makes_stopped() {
	make_bundle b /bin/true
	create_ok "$CID"
	start_ok "$CID"
	wait_status "$CID" stopped
	state_of "$CID" || fail "state of a stopped container failed"
	assert_eq "$(jq -r .id <<<"$state")" "$CID" "state.id"
	delete_ok "$CID"
	rt_capture state "$CID"
	assert_failure "state after delete"
}

test_state_annotations() {
	make_bundle b /bin/sleep 1000
	cfg_set '.annotations = {"org.grit.test": "value-1", "other": "x"}'
	create_ok "$CID"
	state_of "$CID" || fail "state failed"
	assert_eq "$(jq -r '.annotations["org.grit.test"]' <<<"$state")" value-1 "state.annotations"
	delete_ok "$CID" --force
}

test_bundle_defaults_to_cwd() {
	make_bundle b /bin/sleep 1000
	(cd b && rt create "$CID" </dev/null >/dev/null 2>../.err) || fail "create without --bundle: $(cat .err)"
	assert_eq "$(state_field "$CID" bundle)" "$BUNDLE" "state.bundle (absolute)"
	delete_ok "$CID" --force
}

test_relative_bundle_path_is_absolute_in_state() {
	make_bundle b /bin/sleep 1000
	rt create --bundle ./b "$CID" </dev/null >/dev/null 2>.err || fail "create: $(cat .err)"
	assert_eq "$(state_field "$CID" bundle)" "$BUNDLE" "state.bundle"
	delete_ok "$CID" --force
}

test_run_exit_code_zero() {
	make_bundle b
	run_in /bin/echo hello
	assert_status 0
	assert_eq "$out" hello output
}

test_run_exit_code_passthrough() {
	make_bundle b
	sh_in 'exit 42'
	assert_status 42
	sh_in 'exit 255'
	assert_status 255 "exit 255"
}

test_run_signal_death_is_128_plus_n() {
	# pid 1 of a pid namespace ignores signals it has no handler for when
	# they come from inside, so kill it from outside with SIGKILL
	make_bundle b /bin/sleep 1000
	rt run --bundle "$BUNDLE" "$CID" </dev/null >/dev/null 2>.err &
	local bg=$!
	wait_status "$CID" running
	rt kill "$CID" KILL || fail "kill failed"
	wait "$bg"; status=$?
	err=$(cat .err)
	assert_status 137 "run exit status after SIGKILL"
	rt_capture state "$CID"
	assert_failure "run must delete the container after it exits"
}

test_run_child_signal_status() {
	# the shell reports 128+N for a child killed by a signal; run passes it on
	make_bundle b
	sh_in 'sh -c "kill -9 \$\$"; exit $?'
	assert_status 137
}

test_run_stdio() {
	make_bundle b
	set_args /bin/sh -c 'cat; echo to-out; echo to-err >&2'
	echo from-stdin | rt run --bundle "$BUNDLE" "$CID" >.out 2>.err
	status=$?
	assert_status 0
	assert_eq "$(cat .out)" "$(printf 'from-stdin\nto-out')" "stdout"
	assert_contains "$(cat .err)" to-err "stderr"
	assert_not_contains "$(cat .out)" to-err "stdout"
}

test_run_detach() {
	make_bundle b /bin/sleep 1000
	local t0=$SECONDS
	rt run -d --bundle "$BUNDLE" "$CID" </dev/null >.out 2>.err
	status=$? err=$(cat .err) out=
	assert_status 0 "run -d"
	((SECONDS - t0 < 10)) || fail "run -d did not return promptly"
	assert_eq "$(status_of "$CID")" running "status after run -d"
	delete_ok "$CID" --force
}

test_pid_file_matches_state() {
	make_bundle b /bin/sleep 1000
	create_ok "$CID" --pid-file "$TEST_DIR/pid"
	[[ -s pid ]] || fail "pid file not written"
	assert_eq "$(tr -d '\n' <pid)" "$(pid_of "$CID")" "pid file vs state.pid"
	delete_ok "$CID" --force
	ID=$CID-d
	rt run -d --pid-file rel.pid --bundle "$BUNDLE" "$ID" </dev/null >/dev/null 2>.err ||
		fail "run -d --pid-file: $(cat .err)"
	[[ -s rel.pid ]] || fail "relative --pid-file not written relative to cwd"
	assert_eq "$(tr -d '\n' <rel.pid)" "$(pid_of "$ID")" "relative pid file vs state.pid"
	delete_ok "$ID" --force
}

test_list_shows_container() {
	make_bundle b /bin/sleep 1000
	create_ok "$CID"
	rt_capture list
	assert_success list
	assert_contains "$out" "$CID" "list"
	assert_contains "$(grep -F "$CID" <<<"$out")" created "list line"
	rt_capture list -q
	assert_eq "$(grep -x -F "$CID" <<<"$out")" "$CID" "list -q"
	rt_capture list --format json
	assert_success "list --format json"
	assert_eq "$(jq -r --arg id "$CID" '.[] | select(.id == $id) | .status' <<<"$out")" created "list json status"
	delete_ok "$CID" --force
	rt_capture list -q
	assert_eq "$(grep -x -F "$CID" <<<"$out")" "" "list -q after delete"
}

test_delete_stopped() {
	make_bundle b /bin/true
	create_ok "$CID"
	start_ok "$CID"
	wait_status "$CID" stopped
	delete_ok "$CID"
	[[ ! -e $STATE_ROOT/$CID ]] || fail "state dir left after delete"
}

test_delete_running_without_force_errors() {
	make_bundle b
	start_sleeper "$CID"
	rt_capture delete "$CID"
	assert_failure "delete of a running container"
	assert_eq "$(status_of "$CID")" running "status after refused delete"
	delete_ok "$CID" --force
}

test_delete_created_without_force_errors() {
	# OCI: delete on a not-stopped container MUST error and have no effect
	make_bundle b /bin/sleep 1000
	create_ok "$CID"
	rt_capture delete "$CID"
	local st=$status s; s=$(status_of "$CID")
	rt delete --force "$CID" >/dev/null 2>&1
	status=$st
	assert_failure "delete of a created container"
	assert_eq "$s" created "status after refused delete"
}

test_delete_force_running() {
	make_bundle b
	start_sleeper "$CID"
	local pid; pid=$(pid_of "$CID")
	delete_ok "$CID" --force
	wait_gone "$pid" || fail "container process $pid still alive after delete --force"
	rt_capture state "$CID"
	assert_failure "state after delete --force"
}

test_delete_force_created() {
	make_bundle b /bin/sleep 1000
	create_ok "$CID"
	local pid; pid=$(pid_of "$CID")
	delete_ok "$CID" --force
	wait_gone "$pid" || fail "init process $pid still alive after delete --force"
}

test_start_twice_errors() {
	make_bundle b
	start_sleeper "$CID"
	rt_capture start "$CID"
	assert_failure "start of a running container"
	assert_eq "$(status_of "$CID")" running "status"
	delete_ok "$CID" --force
}

test_start_stopped_errors() {
	make_bundle b /bin/true
	create_ok "$CID"
	start_ok "$CID"
	wait_status "$CID" stopped
	rt_capture start "$CID"
	assert_failure "start of a stopped container"
	delete_ok "$CID"
}
