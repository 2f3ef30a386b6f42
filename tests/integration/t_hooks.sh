# shellcheck shell=bash
# Hooks: order, state on stdin, failures, timeout, env.
#
# The log dir $TEST_DIR/hooks is bind-mounted into the container at the same
# absolute path, so hooks that run before or after pivot_root (createContainer,
# startContainer) can write to the same path.  /bin/sh exists on the host
# (dash) and in the rootfs (busybox).

_hook() {   # NAME: a hook that appends NAME to the log and saves its stdin
	hook_json /bin/sh sh -c "cat > $TEST_DIR/hooks/$1.json; echo $1 >> $TEST_DIR/hooks/order"
}
_hooks_bundle() {
	make_bundle b "$@"
	mkdir -p hooks && chmod 777 hooks
	add_mount "$TEST_DIR/hooks" bind "$TEST_DIR/hooks" rbind rw
	local h
	for h in prestart createRuntime createContainer startContainer poststart poststop; do
		cfg_set ".hooks.$h = [\$h]" --argjson h "$(_hook "$h")"
	done
}
_order() { xargs <hooks/order 2>/dev/null; }

# the order the spec requires, phase by phase
test_hooks_order_create_start_delete() {
	_hooks_bundle /bin/sleep 1000
	create_ok "$CID"
	assert_eq "$(_order)" "prestart createRuntime createContainer" "hooks after create"
	start_ok "$CID"
	wait_file hooks/order poststart 30
	assert_eq "$(_order)" "prestart createRuntime createContainer startContainer poststart" "hooks after start"
	rt kill "$CID" KILL 2>/dev/null
	wait_status "$CID" stopped
	assert_eq "$(_order)" "prestart createRuntime createContainer startContainer poststart" "hooks after the process died"
	delete_ok "$CID"
	assert_eq "$(_order)" "prestart createRuntime createContainer startContainer poststart poststop" "hooks after delete"
}

test_hooks_order_run() {
	_hooks_bundle /bin/true
	run_in /bin/sh -c "echo process > $TEST_DIR/hooks/process"
	assert_success
	[[ -s hooks/process ]] || fail "the container process did not run"
	assert_eq "$(_order)" \
		"prestart createRuntime createContainer startContainer poststart poststop" \
		"hook order with run"
}

# what runc 1.1 gets right: every hook runs exactly once, the create-time
# hooks in order before start, startContainer not before start, poststop last
test_hooks_each_phase_runs_once() {
	_hooks_bundle /bin/sleep 1000
	create_ok "$CID"
	local o; o=$(_order)
	[[ $o == "prestart createRuntime createContainer"* ]] ||
		fail "create-time hooks: expected 'prestart createRuntime createContainer ...', got '$o'"
	assert_not_contains "$o" startContainer "hooks after create"
	start_ok "$CID"
	wait_file hooks/order startContainer 30
	wait_file hooks/order poststart 30
	rt kill "$CID" KILL 2>/dev/null
	wait_status "$CID" stopped
	assert_not_contains "$(_order)" poststop "hooks before delete"
	delete_ok "$CID"
	o=$(_order)
	assert_eq "$(tr ' ' '\n' <<<"$o" | sort | xargs)" \
		"createContainer createRuntime poststart poststop prestart startContainer" "hooks run (once each)"
	[[ $o == *" poststop" ]] || fail "poststop is not last: '$o'"
}

test_hooks_receive_state_on_stdin() {
	_hooks_bundle /bin/sleep 1000
	create_ok "$CID"
	start_ok "$CID"
	wait_file hooks/order poststart 30
	delete_ok "$CID" --force
	local h pid; pid=$(cat hooks/createRuntime.json | jq -r .pid)
	for h in prestart createRuntime createContainer startContainer poststart poststop; do
		[[ -s hooks/$h.json ]] || fail "$h hook got no state on stdin"
		jq -e . hooks/$h.json >/dev/null 2>&1 || fail "$h hook stdin is not JSON: $(oneline "$(cat hooks/$h.json)")"
		assert_eq "$(jq -r .id hooks/$h.json)" "$CID" "$h state.id"
		assert_eq "$(jq -r .bundle hooks/$h.json)" "$BUNDLE" "$h state.bundle"
		assert_match "$(jq -r .ociVersion hooks/$h.json)" '^1\.' "$h state.ociVersion"
	done
	assert_match "$pid" '^[1-9][0-9]*$' "createRuntime state.pid"
	assert_eq "$(jq -r .pid hooks/poststart.json)" "$pid" "poststart state.pid"
}

test_hook_createRuntime_failure_aborts_create() {
	make_bundle b /bin/sleep 1000
	mkdir -p hooks
	cfg_set '.hooks.createRuntime = [$h]' --argjson h "$(hook_json /bin/sh sh -c 'echo hook-ran > '"$TEST_DIR"'/hooks/ran; exit 3')"
	rt_capture create --bundle "$BUNDLE" "$CID"
	assert_failure "create with a failing createRuntime hook"
	[[ -s hooks/ran ]] || fail "hook did not run"
	rt_capture state "$CID"
	assert_failure "state after the failed create"
	rt_capture run --bundle "$BUNDLE" "$CID"
	assert_failure "run with a failing createRuntime hook"
}

test_hook_prestart_failure_aborts_create() {
	make_bundle b /bin/sleep 1000
	cfg_set '.hooks.prestart = [$h]' --argjson h "$(hook_json /bin/sh sh -c "echo ran > $TEST_DIR/ran; exit 1")"
	rt_capture create --bundle "$BUNDLE" "$CID"
	assert_failure "create with a failing prestart hook"
	[[ -s ran ]] || fail "the prestart hook did not run"
	rt_capture state "$CID"
	assert_failure "state after the failed create"
}

test_hook_createContainer_failure_aborts_create() {
	make_bundle b /bin/sleep 1000
	cfg_set '.hooks.createContainer = [$h]' --argjson h "$(hook_json /bin/sh sh -c "echo ran > $TEST_DIR/ran; exit 1")"
	rt_capture create --bundle "$BUNDLE" "$CID"
	assert_failure "create with a failing createContainer hook"
	[[ -s ran ]] || fail "the createContainer hook did not run"
	rt_capture state "$CID"
	assert_failure "state after the failed create"
}

test_hook_missing_binary_aborts_create() {
	make_bundle b /bin/sleep 1000
	cfg_set '.hooks.createRuntime = [{path: "/no/such/hook"}]'
	rt_capture create --bundle "$BUNDLE" "$CID"
	assert_failure "create with a createRuntime hook that does not exist"
	cfg_set '.hooks.createRuntime = [{path: "/bin/true"}]'
	create_ok "$CID"
	delete_ok "$CID" --force
}

test_hook_timeout() {
	make_bundle b /bin/sleep 1000
	cfg_set '.hooks.createRuntime = [$h | .timeout = 1]' \
		--argjson h "$(hook_json /bin/sh sh -c "echo started > $TEST_DIR/started; exec sleep 30")"
	local t0=$SECONDS
	rt_capture create --bundle "$BUNDLE" "$CID"
	assert_failure "create with a hook that times out"
	[[ -s started ]] || fail "the hook never started"
	((SECONDS - t0 < 10)) || fail "hook timeout of 1s not enforced ($((SECONDS - t0))s)"
}

test_hook_env_and_args() {
	make_bundle b /bin/true
	mkdir -p hooks
	cfg_set '.hooks.createRuntime = [{path: "/bin/sh",
		args: ["grit-argv0", "-c", "tr \"\\\\0\" \" \" < /proc/$$/cmdline > \($d)/hooks/argv; echo \"$0|$1|$GRIT_HOOK\" > \($d)/hooks/env; env | grep -c ^GRIT_RUN_SECRET= >> \($d)/hooks/env; true", "zero", "one"],
		env: ["GRIT_HOOK=hook-env"]}]' --arg d "$TEST_DIR"
	GRIT_RUN_SECRET=x rt_capture run --bundle "$BUNDLE" "$CID"
	assert_success
	assert_eq "$(cat hooks/env)" "$(printf 'zero|one|hook-env\n0')" "hook args, env (and no runtime env)"
	assert_match "$(cat hooks/argv)" '^grit-argv0 -c ' "hook argv[0]"
}

test_hook_poststart_failure_is_warning() {
	make_bundle b /bin/sleep 1000
	cfg_set '.hooks.poststart = [$h]' --argjson h "$(hook_json /bin/false false)"
	create_ok "$CID"
	rt_capture start "$CID"
	local st=$status s; s=$(status_of "$CID")
	rt delete --force "$CID" >/dev/null 2>&1
	status=$st
	assert_success "start with a failing poststart hook"
	assert_eq "$s" running "status after a failing poststart hook"
}

test_hook_poststop_failure_is_warning() {
	make_bundle b /bin/true
	cfg_set '.hooks.poststop = [$h]' --argjson h "$(hook_json /bin/false false)"
	create_ok "$CID"
	start_ok "$CID"
	wait_status "$CID" stopped
	rt_capture delete "$CID"
	local st=$status
	rt_capture state "$CID"
	assert_failure "state after delete (the container must be gone)"
	status=$st
	assert_success "delete with a failing poststop hook"
}
