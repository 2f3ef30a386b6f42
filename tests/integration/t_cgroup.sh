# shellcheck shell=bash
# cgroups on this kind of host.  Hybrid (v1 controllers + a cgroup2
# "unified" mount without them): limits are refused with the way out, or
# run and logged with "unenforceable": "warn"; the container still gets a
# v2 cgroup for the device filter, the freezer and kill --all.  Pure v2
# hosts are covered by tests/vm (make check-vm).

_is_hybrid() {
	grep -q ' - cgroup cgroup ' /proc/self/mountinfo && [[ -f /sys/fs/cgroup/unified/cgroup.controllers ]] &&
		! grep -qw memory /sys/fs/cgroup/unified/cgroup.controllers
}
_need_hybrid() { _is_hybrid || skip "not a hybrid cgroup host"; }
# the container's cgroup, from the state the runtime keeps
_cg_of() { jq -r .cgroupPath "$STATE_ROOT/$1/state.json"; }
# every runtime call of the test under baseline (these configs run as root
# like the engines' do) with cgroups.unenforceable = refuse|warn
_use_policy() {
	jq -n --arg u "$1" '{extends: "baseline", name: ("cg-" + $u),
		cgroups: {unenforceable: $u}}' >"$TEST_DIR/policy-$1.json"
	RUNTIME_ARGS="${RUNTIME_ARGS:-} --policy $TEST_DIR/policy-$1.json"
}

test_cgroup_hybrid_refuses_memory_limit() {
	_use_policy refuse
	_need_hybrid
	make_bundle b true
	cfg_set '.linux.resources = {memory: {limit: 67108864}}'
	rt_capture run --bundle "$BUNDLE" "$CID"
	assert_failure "run with a memory limit on a hybrid host"
	assert_contains "$err" "linux.resources.memory.limit" "refusal"
	assert_contains "$err" "memory controller" "refusal"
	assert_contains "$err" "systemd.unified_cgroup_hierarchy=1" "refusal"
	assert_contains "$err" '"unenforceable": "warn"' "refusal"
	[[ ! -d /sys/fs/cgroup/unified/$CID ]] || fail "refused container left its cgroup"
}

test_cgroup_hybrid_refuses_podman_pids_default() {
	_use_policy refuse
	_need_hybrid
	make_bundle b true
	cfg_set '.linux.resources = {pids: {limit: 2048}}'
	rt_capture run --bundle "$BUNDLE" "$CID"
	assert_failure "run with pids.limit 2048"
	assert_contains "$err" "linux.resources.pids.limit: the pids controller" "refusal"
}

test_cgroup_hybrid_unlimited_values_pass() {
	_use_policy refuse
	_need_hybrid
	make_bundle b true
	cfg_set '.linux.resources = {memory: {limit: -1}, pids: {limit: 0}}'
	rt_capture run --bundle "$BUNDLE" "$CID"
	assert_success "run with unlimited values only"
}

test_cgroup_hybrid_warn_runs_and_logs() {
	_use_policy warn
	_need_hybrid
	make_bundle b true
	cfg_set '.linux.resources = {memory: {limit: 67108864}, pids: {limit: 100}}'
	GUARDRUN_DECISION_LOG=$TEST_DIR/decisions.log \
		rt_capture run --bundle "$BUNDLE" "$CID"
	assert_success "run with warn"
	assert_contains "$err" "limit not applied" "warning"
	assert_contains "$err" "linux.resources.pids.limit" "warning"
	local log; log=$(cat "$TEST_DIR/decisions.log" 2>/dev/null)
	assert_contains "$log" '"rule":"GR-CGROUP-UNENFORCEABLE"' "decision log"
	assert_contains "$log" '"field":"linux.resources.memory.limit"' "decision log"
	assert_contains "$log" '"field":"linux.resources.pids.limit"' "decision log"
}

test_cgroup_device_filter_denies_unlisted_device() {
	_use_policy refuse
	make_bundle b
	mknod -m 666 "$BUNDLE/rootfs/mem1" c 1 1 || skip "cannot mknod"
	sh_in '{ head -c 1 /mem1 >/dev/null && echo mem-read-ok; } 2>&1; echo x >/dev/null && echo null-ok'
	assert_contains "$out" null-ok "a standard device"
	assert_not_contains "$out" mem-read-ok "c 1:1 without a rule"
	assert_contains "$out" "Operation not permitted" "c 1:1 without a rule"
}

test_cgroup_pause_resume() {
	_use_policy refuse
	make_bundle b
	start_sleeper "$CID"
	local cg; cg=$(_cg_of "$CID")
	[[ -f $cg/cgroup.freeze ]] || fail "no cgroup v2 freezer at '$cg'"
	rt pause "$CID" 2>.err || fail "pause: $(cat .err)"
	assert_eq "$(status_of "$CID")" paused status
	grep -qx 'frozen 1' "$cg/cgroup.events" || fail "not frozen: $(cat "$cg/cgroup.events")"
	rt_capture pause "$CID"
	assert_failure "pause of a paused container"
	rt resume "$CID" 2>.err || fail "resume: $(cat .err)"
	assert_eq "$(status_of "$CID")" running status
	rt_capture resume "$CID"
	assert_contains "$err" "not paused" "resume of a running container"
	rt kill "$CID" KILL
	wait_status "$CID" stopped
	delete_ok "$CID"
}

test_cgroup_kill_all_and_delete_remove_everything() {
	_use_policy refuse
	make_bundle b
	start_sleeper "$CID" /bin/sh -c 'sleep 1000 & sleep 1000 & wait'
	local cg; cg=$(_cg_of "$CID") n=50
	while (($(wc -l <"$cg/cgroup.procs") < 3 && n-- > 0)); do sleep 0.1; done
	rt kill --all "$CID" KILL 2>.err || fail "kill --all: $(cat .err)"
	wait_status "$CID" stopped
	delete_ok "$CID"
	[[ ! -d $cg ]] || fail "cgroup $cg left after delete"
}

test_cgroup_ps_and_stats() {
	_use_policy refuse
	make_bundle b
	start_sleeper "$CID" /bin/sh -c 'sleep 1000 & wait'
	local init; init=$(pid_of "$CID") n=50
	while (($(rt ps --format json "$CID" | jq length) < 2 && n-- > 0)); do sleep 0.1; done
	rt_capture ps --format json "$CID"
	assert_success "ps --format json"
	jq -e --argjson p "$init" 'length == 2 and index($p) != null' <<<"$out" >/dev/null ||
		fail "ps json: '$out' (init $init)"
	rt_capture ps "$CID" -o pid,args
	assert_success "ps table"
	assert_contains "$(head -1 <<<"$out")" PID "ps header"
	assert_eq "$(($(wc -l <<<"$out") - 1))" 2 "ps table rows"
	rt_capture events --stats "$CID"
	assert_success "events --stats"
	jq -e --arg id "$CID" '.type == "stats" and .id == $id and (.data.cpu.usage.user | type) == "number"
		and (.data.memory | has("usage")) and (.data.hugetlb | type) == "object"' <<<"$out" >/dev/null ||
		fail "stats: $out"
	rt kill "$CID" KILL
	wait_status "$CID" stopped
	delete_ok "$CID"
}

test_cgroup_update_refused_on_hybrid() {
	_use_policy refuse
	_need_hybrid
	make_bundle b
	start_sleeper "$CID"
	rt_capture update --memory 64m "$CID"
	assert_failure "update --memory on a hybrid host"
	assert_contains "$err" "memory controller" "refusal"
	rt_capture update --memory 1x "$CID"
	assert_failure "update with a bad size"
	rt kill "$CID" KILL
	wait_status "$CID" stopped
	delete_ok "$CID"
}
