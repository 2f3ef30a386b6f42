# shellcheck shell=bash
# Error paths: each must fail non-zero and leave nothing behind (the driver
# checks the state root, mounts, processes and cgroups after every test).

test_duplicate_id_errors() {
	make_bundle b /bin/sleep 1000
	create_ok "$CID"
	local pid; pid=$(pid_of "$CID")
	rt_capture create --bundle "$BUNDLE" "$CID"
	assert_failure "second create with the same id"
	assert_contains "$err" "already exists" "stderr"
	assert_eq "$(status_of "$CID")" created "first container status"
	assert_eq "$(pid_of "$CID")" "$pid" "first container pid"
	rt_capture run --bundle "$BUNDLE" "$CID"
	assert_failure "run with an existing id"
	assert_eq "$(status_of "$CID")" created "first container status after run"
	delete_ok "$CID" --force
}

test_missing_bundle_errors() {
	rt_capture create --bundle "$TEST_DIR/does-not-exist" "$CID"
	assert_failure "create with a missing bundle"
	rt_capture run --bundle "$TEST_DIR/does-not-exist" "$CID"
	assert_failure "run with a missing bundle"
}

test_missing_config_errors() {
	make_bundle b /bin/true
	rm "$BUNDLE/config.json"
	rt_capture create --bundle "$BUNDLE" "$CID"
	assert_failure "create without config.json"
}

test_invalid_config_json_errors() {
	make_bundle b /bin/true
	echo '{"ociVersion": "1.0.2", "process": ' >"$BUNDLE/config.json"
	rt_capture create --bundle "$BUNDLE" "$CID"
	assert_failure "create with truncated config.json"
}

test_missing_rootfs_errors() {
	make_bundle b /bin/true
	rm -rf "$BUNDLE/rootfs"
	rt_capture create --bundle "$BUNDLE" "$CID"
	assert_failure "create with a missing rootfs"
	rt_capture run --bundle "$BUNDLE" "$CID"
	assert_failure "run with a missing rootfs"
}

test_empty_args_errors() {
	make_bundle b
	cfg_set '.process.args = []'
	rt_capture run --bundle "$BUNDLE" "$CID"
	assert_failure "run with empty process.args"
	rt_capture create --bundle "$BUNDLE" "$CID"
	if [[ $status -eq 0 ]]; then
		rt_capture start "$CID"
		rt delete --force "$CID" >/dev/null 2>&1
		assert_failure "create+start with empty process.args"
	fi
}

test_nonexistent_executable_errors() {
	make_bundle b /no/such/binary
	rt_capture create --bundle "$BUNDLE" "$CID"
	if [[ $status -eq 0 ]]; then
		rt_capture start "$CID"
		local st=$status
		rt delete --force "$CID" >/dev/null 2>&1
		status=$st
		assert_failure "create or start with a missing executable"
	fi
	rt_capture run --bundle "$BUNDLE" "$CID"
	assert_failure "run with a missing executable"
	set_args no-such-command-in-path
	rt_capture run --bundle "$BUNDLE" "$CID"
	assert_failure "run with a command not in PATH"
}

test_non_executable_file_errors() {
	make_bundle b /etc/passwd
	rt_capture run --bundle "$BUNDLE" "$CID"
	assert_failure "run of a non-executable file"
}

test_unknown_container_errors() {
	local cmd
	for cmd in state start delete "kill" pause resume; do
		rt_capture $cmd grit-no-such-container
		assert_failure "$cmd of an unknown container"
		[[ $cmd == state ]] && assert_contains "$err" "does not exist" "stderr of state"
	done
	rt_capture kill grit-no-such-container KILL
	assert_failure "kill KILL of an unknown container"
}

test_invalid_id_errors() {
	make_bundle b /bin/sleep 1000
	local id
	for id in "a/b" ".." "../esc-$CID" "." "x/../../esc-$CID" ""; do
		rt_capture create --bundle "$BUNDLE" "$id"
		if [[ $status -eq 0 ]]; then
			rt delete --force "$id" >/dev/null 2>&1
			fail "create accepted invalid id '$id'"
		fi
		rt_capture state "$id"
		assert_failure "state of invalid id '$id'"
	done
	[[ ! -e $GR_TMP/esc-$CID && ! -e $(dirname "$GR_TMP")/esc-$CID ]] ||
		fail "an invalid id created something outside the state root"
}

test_valid_id_charset() {
	make_bundle b /bin/sleep 1000
	ID="$CID.a_b+c-D"
	create_ok "$ID"
	assert_eq "$(state_field "$ID" id)" "$ID" "state.id"
	delete_ok "$ID" --force
}
