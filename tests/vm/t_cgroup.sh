# shellcheck shell=bash
# cgroup v2 on a real v2 kernel: limits enforced, device filter, freezer,
# kill, update, events, ps, the systemd path form.  Sourced by run.sh.

cgval() { cat "$CG/$1" 2>/dev/null; }
keyed() { awk -v k="$2" '$1 == k { print $2 }' "$CG/$1"; }

test_memory_max_oom_kills_allocator() {
	make_bundle sh -c 'dd if=/dev/zero of=/dev/null bs=48M count=1; echo dd=$?; sleep 100'
	cfg_set '.linux.resources.memory = {limit: 16777216}'
	start_bg m1
	assert_eq "$(cgval memory.max)" 16777216 memory.max
	wait_for 50 grep -q 'dd=137' "$TEST_DIR/m1.out" ||
		fail "dd was not OOM-killed: out=$(cat "$TEST_DIR/m1.out") err=$(cat "$TEST_DIR/m1.err")"
	(($(keyed memory.events oom_kill) >= 1)) || fail "oom_kill not counted: $(cgval memory.events)"
}

test_memory_swap_conversion() {
	make_bundle sleep 100
	cfg_set '.linux.resources.memory = {limit: 33554432, swap: 50331648, reservation: 8388608}'
	start_bg m2
	assert_eq "$(cgval memory.max)" 33554432 memory.max
	assert_eq "$(cgval memory.swap.max)" 16777216 "memory.swap.max (swap - limit)"
	assert_eq "$(cgval memory.low)" 8388608 memory.low
}

test_pids_max_stops_fork_loop() {
	# the loop's shell may die of a failed fork: its parent reports, then
	# execs so it needs no fork of its own
	make_bundle sh -c 'sh -c "i=0; while [ \$i -lt 20 ]; do sleep 100 & i=\$((i+1)); done" 2>/dev/null; echo forked; exec sleep 100'
	cfg_set '.linux.resources.pids = {limit: 8}'
	start_bg p1
	assert_eq "$(cgval pids.max)" 8 pids.max
	wait_for 50 grep -q forked "$TEST_DIR/p1.out" || fail "fork loop did not finish"
	(($(cgval pids.current) <= 8)) || fail "pids.current $(cgval pids.current) > 8"
	(($(keyed pids.events max) >= 1)) || fail "no fork was refused: $(cgval pids.events)"
}

test_cpu_max_throttles() {
	make_bundle sh -c 'while :; do :; done'
	cfg_set '.linux.resources.cpu = {quota: 10000, period: 100000, shares: 512, cpus: "0"}'
	start_bg c1
	assert_eq "$(cgval cpu.max)" "10000 100000" cpu.max
	assert_eq "$(cgval cpu.weight)" 20 "cpu.weight (shares 512)"
	assert_eq "$(cgval cpuset.cpus)" 0 cpuset.cpus
	wait_for 50 eval '(($(keyed cpu.stat nr_throttled) >= 2))' ||
		fail "not throttled: $(cgval cpu.stat | tr '\n' ' ')"
}

test_io_max_on_virtio_disk() {
	[[ -b ${VMRUN_DISK:-/nonexistent} ]] || skip "no disk (vmrun.sh --disk 16)"
	local mm maj min
	mm=$(stat -c '%t %T' "$VMRUN_DISK"); maj=$((16#${mm% *})) min=$((16#${mm#* }))
	make_bundle sleep 100
	cfg_set '.linux.resources.blockIO = {weight: 500,
		throttleReadBpsDevice: [{major: $a, minor: $b, rate: 1048576}],
		throttleWriteIOPSDevice: [{major: $a, minor: $b, rate: 100}]}' \
		--argjson a "$maj" --argjson b "$min"
	start_bg i1
	assert_contains "$(cgval io.max)" "$maj:$min rbps=1048576 wbps=max riops=max wiops=100" io.max
	# BFQ takes the weight as is, io.weight (iocost) the converted one
	if [[ -e $CG/io.bfq.weight ]]; then
		assert_contains "$(cgval io.bfq.weight)" 500 io.bfq.weight
	else
		assert_contains "$(cgval io.weight)" "default 4950" io.weight
	fi
}

test_devices_filter_denies_and_allows() {
	make_bundle sh -c 'head -c1 /mem1 >/dev/null 2>&1 && echo mem=ok || echo mem=denied
		echo x >/dev/null && echo null=ok
		if [ -e /disk ]; then dd if=/disk of=/dev/null bs=512 count=1 2>/dev/null && echo disk=ok || echo disk=denied; fi
		sleep 100'
	start_bg d1
	wait_for 50 grep -q null=ok "$TEST_DIR/d1.out" || fail "no output: $(cat "$TEST_DIR/d1.err")"
	assert_contains "$(cat "$TEST_DIR/d1.out")" mem=denied "c 1:1 access"
	[[ -e $VMT_ROOTFS/disk ]] && assert_contains "$(cat "$TEST_DIR/d1.out")" disk=denied "disk without a rule"
	[[ -e $VMT_ROOTFS/disk ]] || return 0
	# a rule for the disk lets it through, the rest stays denied
	local mm; mm=$(stat -c '%t %T' "$VMT_ROOTFS/disk")
	cfg_set '.linux.resources.devices += [{allow: true, type: "b", major: $a, minor: $b, access: "r"}]' \
		--argjson a $((16#${mm% *})) --argjson b $((16#${mm#* }))
	# what is tested is the filter, not whether the policy allows disks
	VMT_GLOBAL="--policy-mode audit" start_bg d2
	wait_for 50 grep -q null=ok "$TEST_DIR/d2.out" || fail "no output: $(cat "$TEST_DIR/d2.err")"
	assert_contains "$(cat "$TEST_DIR/d2.out")" disk=ok "disk with an allow rule"
	assert_contains "$(cat "$TEST_DIR/d2.out")" mem=denied "c 1:1 with the disk rule"
}

test_pause_resume() {
	make_bundle sleep 100
	start_bg f1
	rt pause f1 || fail "pause failed"
	assert_eq "$(status_of f1)" paused status
	assert_eq "$(keyed cgroup.events frozen)" 1 frozen
	rt_capture pause f1
	[[ $status -ne 0 ]] || fail "pausing a paused container succeeded"
	rt resume f1 || fail "resume failed"
	assert_eq "$(status_of f1)" running status
	assert_eq "$(keyed cgroup.events frozen)" 0 frozen
	rt_capture resume f1
	assert_contains "$err" "not paused" "resume of a running container"
}

test_kill_all() {
	make_bundle sh -c 'sleep 100 & sleep 100 & sleep 100'
	start_bg k1
	wait_for 50 eval '(($(wc -l <"$CG/cgroup.procs") >= 3))' || fail "children did not start"
	rt kill --all k1 KILL || fail "kill --all KILL failed"
	wait_for 50 eval '[[ $(keyed cgroup.events populated) == 0 ]]' || fail "processes left: $(cgval cgroup.procs)"
	rt delete k1 || fail "delete after kill --all"
	[[ ! -d $CG ]] || fail "cgroup $CG not removed by delete"
	# a signal other than KILL goes to every process too (the init, pid 1
	# of its namespace without a handler, ignores TERM)
	make_bundle sh -c 'sleep 100 & sleep 100 & exec sleep 100'
	start_bg k2
	wait_for 50 eval '(($(wc -l <"$CG/cgroup.procs") >= 3))' || fail "children did not start"
	rt kill --all k2 TERM || fail "kill --all TERM failed"
	wait_for 50 eval '(($(wc -l <"$CG/cgroup.procs") == 1))' || fail "sleeps not terminated: $(cgval cgroup.procs)"
	assert_eq "$(keyed cgroup.events frozen)" 0 "thawed after kill --all"
}

test_update_changes_live_limits() {
	make_bundle sleep 100
	cfg_set '.linux.resources.memory = {limit: 67108864} | .linux.resources.pids = {limit: 32}'
	start_bg u1
	rt update --memory 48m --pids-limit 16 --cpu-quota 20000 --cpu-period 100000 --cpu-share 1024 u1 ||
		fail "update failed"
	assert_eq "$(cgval memory.max)" 50331648 memory.max
	assert_eq "$(cgval pids.max)" 16 pids.max
	assert_eq "$(cgval cpu.max)" "20000 100000" cpu.max
	assert_eq "$(cgval cpu.weight)" 39 cpu.weight
	rt update --memory 32m --memory-swap 64m u1 || fail "update swap failed"
	assert_eq "$(cgval memory.swap.max)" 33554432 memory.swap.max
	# swap follows a later memory-only update (stored config merged)
	rt update --memory 40m u1 || fail "update memory failed"
	assert_eq "$(cgval memory.swap.max)" 25165824 "memory.swap.max after --memory"
	echo '{"pids":{"limit":12},"unified":{"memory.high":"41943040"}}' >res.json
	rt update -r res.json u1 || fail "update -r failed"
	assert_eq "$(cgval pids.max)" 12 "pids.max from -r"
	assert_eq "$(cgval memory.high)" 41943040 "memory.high from unified"
	rt_capture update --memory 1m --memory-swap 512k u1
	[[ $status -ne 0 ]] || fail "swap below memory accepted"
	rt_capture update -r /nonexistent u1
	[[ $status -ne 0 ]] || fail "missing resources file accepted"
}

test_events_stats_match_cgroup_files() {
	make_bundle sh -c 'sleep 100 & exec sleep 100'
	cfg_set '.linux.resources.memory = {limit: 67108864} | .linux.resources.pids = {limit: 20}'
	start_bg e1
	wait_for 50 eval '(($(cgval pids.current) == 2))' || fail "pids.current $(cgval pids.current)"
	rt events --stats e1 >stats.json || fail "events --stats failed"
	assert_eq "$(jq -r .type stats.json)" stats type
	assert_eq "$(jq -r .id stats.json)" e1 id
	assert_eq "$(jq -r .data.memory.usage.limit stats.json)" 67108864 memory.usage.limit
	assert_eq "$(jq -r .data.pids.limit stats.json)" 20 pids.limit
	assert_eq "$(jq -r .data.pids.current stats.json)" 2 pids.current
	assert_eq "$(jq -r .data.memory.raw.anon stats.json)" "$(keyed memory.stat anon)" memory.raw.anon
	local usage; usage=$(jq -r .data.memory.usage.usage stats.json)
	((usage > 0)) || fail "memory usage $usage"
	(($(jq -r .data.cpu.usage.total stats.json) > 0)) || fail "cpu usage total"
	jq -e '.data.hugetlb | type == "object"' stats.json >/dev/null || fail "hugetlb not an object"
}

test_events_stream_reports_oom() {
	make_bundle sh -c 'sleep 2; dd if=/dev/zero of=/dev/null bs=48M count=1; sleep 100'
	cfg_set '.linux.resources.memory = {limit: 16777216}'
	start_bg e2
	rt events --interval 1s e2 >ev.out 2>ev.err &
	local pid=$!
	wait_for 100 grep -q '"type":"oom"' ev.out
	local rc=$?
	kill $pid 2>/dev/null; wait $pid 2>/dev/null
	((rc == 0)) || fail "no oom event: $(head -c 300 ev.out) $(cat ev.err)"
	grep -q '"type":"stats"' ev.out || fail "no stats event in the stream"
}

test_ps_lists_container_processes() {
	make_bundle sh -c 'sleep 100 & sleep 100'
	start_bg s1
	wait_for 50 eval '(($(wc -l <"$CG/cgroup.procs") == 2))' || fail "children"
	rt ps --format json s1 >ps.json || fail "ps json failed"
	assert_eq "$(jq length ps.json)" 2 "pids in ps json"
	local init; init=$(rt state s1 | jq .pid)
	jq -e --argjson p "$init" 'index($p) != null' ps.json >/dev/null || fail "init $init not in $(cat ps.json)"
}

test_systemd_path_form() {
	make_bundle true
	cfg_set '.linux.cgroupsPath = "not-a-systemd-path"'
	rt_capture --systemd-cgroup run --bundle "$BUNDLE" sd1
	[[ $status -ne 0 ]] || fail "bad systemd cgroupsPath accepted"
	assert_contains "$err" "slice:prefix:name" "error for a bad path"
	cfg_set '.linux.cgroupsPath = "system.slice:guardrun:sd1"'
	rt_capture --systemd-cgroup run --bundle "$BUNDLE" sd1
	[[ $status -ne 0 ]] || fail "--systemd-cgroup without systemd succeeded"
	assert_contains "$err" "systemd" "error without systemd"
	rt_capture state sd1
	[[ $status -ne 0 ]] || fail "a failed create left state behind"
}

test_unified_and_v1_only_fields() {
	make_bundle sleep 100
	cfg_set '.linux.resources.unified = {"memory.high": "33554432", "pids.max": "7"}'
	start_bg v1
	assert_eq "$(cgval memory.high)" 33554432 memory.high
	assert_eq "$(cgval pids.max)" 7 pids.max
	make_bundle true
	cfg_set '.linux.resources.memory = {kernel: 1048576}'
	rt_capture run --bundle "$BUNDLE" v2
	[[ $status -ne 0 ]] || fail "kernel memory accepted"
	assert_contains "$err" "memory.kernel"
	cfg_set '.linux.resources = {unified: {"memory.nonexistent": "1"}}'
	rt_capture run --bundle "$BUNDLE" v3
	[[ $status -ne 0 ]] || fail "unknown unified key accepted"
	assert_contains "$err" "memory.nonexistent"
}
