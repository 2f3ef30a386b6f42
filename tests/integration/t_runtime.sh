# shellcheck shell=bash
# More of the lifecycle: run's options, signal forwarding, socket
# activation, the time namespace, runc's error texts.

test_run_keep_leaves_a_stopped_container() {
	make_bundle b /bin/true
	rt_capture run --keep --bundle "$BUNDLE" "$CID"
	assert_success "run --keep"
	assert_eq "$(status_of "$CID")" stopped "status after run --keep"
	delete_ok "$CID"
}

test_delete_force_of_unknown_container_succeeds() {
	rt_capture delete --force grit-no-such-container
	assert_success "delete --force of a container that does not exist"
	rt_capture delete grit-no-such-container
	assert_failure "delete of a container that does not exist"
	assert_contains "$err" "container does not exist" "stderr"
}

test_error_texts_as_runc() {
	make_bundle b
	start_sleeper "$CID"
	rt_capture delete "$CID"
	assert_contains "$err" "cannot delete container $CID that is not stopped: running" "delete of a running container"
	rt_capture start "$CID"
	assert_contains "$err" "cannot start an already running container" "start of a running container"
	rt_capture create --bundle "$BUNDLE" "$CID"
	assert_contains "$err" "already exists" "create with a used id"
	rt kill "$CID" KILL
	wait_status "$CID" stopped
	rt_capture start "$CID"
	assert_contains "$err" "cannot start a container that has stopped" "start of a stopped container"
	rt_capture kill "$CID" KILL
	assert_contains "$err" "container not running" "kill of a stopped container"
	delete_ok "$CID"
}

test_missing_executable_fails_create() {
	make_bundle b /no/such/binary
	rt_capture create --bundle "$BUNDLE" "$CID"
	assert_failure "create with a missing executable"
	assert_contains "$err" "no such file or directory" "stderr"
	set_args no-such-command
	rt_capture create --bundle "$BUNDLE" "$CID"
	assert_failure "create with a command not in PATH"
	assert_contains "$err" "executable file not found in \$PATH" "stderr"
}

# the runtime itself (no `timeout` in between) gets the signal
_rt_direct() {
	# shellcheck disable=SC2086
	exec "$RUNTIME" $RUNTIME_ARGS --root "$STATE_ROOT" "$@"
}

test_run_forwards_signals() {
	make_bundle b /bin/sh -c 'trap "echo got-TERM; exit 3" TERM; echo ready; while :; do sleep 0.1; done'
	(_rt_direct run --bundle "$BUNDLE" "$CID") </dev/null >.out 2>.err &
	local bg=$!
	wait_file .out ready
	kill -TERM "$bg"
	wait "$bg"; status=$?
	err=$(cat .err) out=$(cat .out)
	assert_status 3 "run's exit status after SIGTERM to the runtime"
	assert_contains "$out" got-TERM "container output"
}

test_run_terminal_in_the_foreground() {
	make_bundle b /bin/sh -c 'test -t 0 && test -t 1 && echo is-a-tty'
	cfg_set '.process.terminal = true'
	# a terminal for the runtime's own stdio, as an interactive shell has
	script -qec "$RUNTIME $RUNTIME_ARGS --root $STATE_ROOT run --bundle $BUNDLE $CID" \
		/dev/null </dev/null >.out 2>.err
	status=$? out=$(cat .out) err=$(cat .err)
	assert_success "run with a terminal in the foreground"
	assert_contains "$out" is-a-tty "stdio of the container"
}

test_listen_fds_passthrough() {
	make_bundle b /bin/sh -c 'echo "$LISTEN_FDS $LISTEN_PID"; cat <&3'
	echo activated >sock-standin
	# LISTEN_PID must be the runtime's own pid: set it, then exec
	(LISTEN_FDS=1 LISTEN_PID=$BASHPID _rt_direct run --bundle "$BUNDLE" "$CID") \
		3<sock-standin </dev/null >.out 2>.err
	status=$? out=$(cat .out) err=$(cat .err)
	assert_success "run with LISTEN_FDS"
	assert_eq "$out" "$(printf '1 1\nactivated')" "LISTEN_FDS/LISTEN_PID and fd 3"
}

test_no_pivot() {
	make_bundle b /bin/sh -c 'readlink /proc/self/root; cat /etc/grit-marker'
	rt_capture run --no-pivot --bundle "$BUNDLE" "$CID"
	assert_success "run --no-pivot"
	assert_eq "$out" "$(printf '/\ngrit-rootfs')" "root with --no-pivot"
}

test_time_namespace_offsets() {
	[[ -e /proc/self/ns/time ]] || skip "kernel without time namespaces"
	rt features 2>/dev/null | jq -e '.linux.namespaces | index("time")' >/dev/null ||
		skip "the runtime does not list the time namespace in its features"
	make_bundle b /bin/cut -d. -f1 /proc/uptime
	cfg_set '.linux.namespaces += [{type: "time"}] |
		.linux.timeOffsets = {boottime: {secs: 864000, nanosecs: 0}}'
	run_in /bin/cut -d. -f1 /proc/uptime
	assert_success
	local host; host=$(cut -d. -f1 /proc/uptime)
	((out >= host + 864000 - 5)) || fail "uptime in the container $out, host $host: offset not applied"
}

test_oci_state_transitions() {
	make_bundle b /bin/sleep 1000
	create_ok "$CID"
	assert_eq "$(status_of "$CID")" created "after create"
	start_ok "$CID"
	assert_eq "$(status_of "$CID")" running "after start"
	rt kill "$CID" KILL
	wait_status "$CID" stopped
	assert_eq "$(pid_of "$CID")" 0 "pid of a stopped container"
	delete_ok "$CID"
}

# the init itself must be in a pid namespace joined by path (setns alone
# would only move its children), and /proc must show that namespace
test_join_pid_namespace_by_path() {
	make_bundle b
	start_sleeper "$CID"
	local pid; pid=$(pid_of "$CID")
	ID=$CID-b
	cfg_set '(.linux.namespaces[] | select(.type == "pid")) .path = $p' \
		--arg p "/proc/$pid/ns/pid"
	sh_in 'readlink /proc/self/ns/pid; echo $$; cat /proc/1/cmdline | tr "\0" " "'
	assert_success
	assert_eq "$(sed -n 1p <<<"$out")" "$(readlink "/proc/$pid/ns/pid")" "pid namespace"
	assert_ne "$(sed -n 2p <<<"$out")" 1 "pid of the joining process"
	assert_eq "$(sed -n 3p <<<"$out")" "/bin/sleep 1000 " "pid 1 seen from the joining container"
	delete_ok "$CID" --force
}

# the offsets are written while the init is still the host's uid: once it
# becomes the user namespace's root it can no longer write /proc/self
test_time_namespace_in_user_namespace() {
	[[ -e /proc/self/ns/time ]] || skip "kernel without time namespaces"
	rt features 2>/dev/null | jq -e '.linux.namespaces | index("time")' >/dev/null ||
		skip "the runtime does not list the time namespace in its features"
	make_bundle b
	cfg_set '.linux.namespaces += [{type: "user"}, {type: "time"}] |
		.linux.timeOffsets = {boottime: {secs: 864000, nanosecs: 0}} |
		.linux.uidMappings = [{containerID: 0, hostID: 200000, size: 65536}] |
		.linux.gidMappings = [{containerID: 0, hostID: 200000, size: 65536}]'
	run_in /bin/sh -c 'id -u; cut -d. -f1 /proc/uptime'
	assert_success
	assert_eq "$(head -1 <<<"$out")" 0 "uid in the user namespace"
	local host; host=$(cut -d. -f1 /proc/uptime)
	(($(tail -1 <<<"$out") >= host + 864000 - 5)) || fail "offset not applied: $out"
}
