# shellcheck shell=bash
# Regression tests for runtime escapes (THREATS.md, "runtime bugs").

# CVE-2019-5736: the container init is the runtime's own image until execve
# (and a container binary "#!/proc/self/exe" makes the kernel run that same
# image, through the same /proc/self/exe, inside the container).  Whatever
# /proc/<pid>/exe of such a process points at must not be writable: not from
# the host's root, not from a process in the container's pid namespace.
# Runs a private copy of the runtime, so a failing defence corrupts only the
# copy.
test_cve_2019_5736_runtime_exe_not_writable() {
	cp "$RUNTIME" rt-copy || fail "copy the runtime"
	local sum; sum=$(sha256sum <rt-copy)
	local RUNTIME=$TEST_DIR/rt-copy
	make_bundle b /bin/sleep 1000
	create_ok "$CID"
	local pid; pid=$(pid_of "$CID")
	[[ -n $pid ]] || fail "no pid for the created container"
	# from a second container in the same pid namespace (pid 1 is the init)
	ID=$CID-b
	cfg_set '(.linux.namespaces[] | select(.type == "pid")) .path = $p' \
		--arg p "/proc/$pid/ns/pid"
	sh_in 'printf x >> /proc/1/exe 2>/dev/null && echo WROTE; true'
	assert_not_contains "$out" WROTE "write to /proc/1/exe from a container"
	# the exploit's way: hold the file (as host root here: no ptrace limit),
	# wait for the runtime image to stop running, reopen it for writing
	exec 3<"/proc/$pid/exe" || fail "open /proc/$pid/exe as host root"
	delete_ok "$CID" --force
	wait_gone "$pid" || fail "init $pid did not exit"
	if (printf 'x' >>/proc/self/fd/3) 2>/dev/null; then
		exec 3<&-
		fail "the runtime binary was writable through /proc/<init>/exe"
	fi
	exec 3<&-
	assert_eq "$(sha256sum <rt-copy)" "$sum" "sha256 of the runtime binary"
}

# CVE-2024-21626: no runtime fd reaches the container, and a cwd naming one
# through /proc/self/fd/N is refused or stays inside the root
test_cve_2024_21626_cwd_proc_self_fd() {
	make_bundle b /bin/sh -c 'pwd; ls /proc/self/fd | xargs'
	local n
	for n in 3 4 5 6 7 8; do
		cfg_set '.process.cwd = $c' --arg c "/proc/self/fd/$n"
		rt_capture run --bundle "$BUNDLE" "$CID"
		if [[ $status -eq 0 ]]; then
			assert_not_contains "$(head -1 <<<"$out")" "(unreachable)" "cwd /proc/self/fd/$n"
			[[ $(head -1 <<<"$out") == /* ]] || fail "cwd /proc/self/fd/$n is outside the root: $out"
		fi
	done
	cfg_set '.process.cwd = "/"'
	rt_capture run --bundle "$BUNDLE" "$CID"
	assert_success
	assert_eq "$(tail -1 <<<"$out")" "0 1 2 3" "fds of the container process"
}

# ---------------------------------------------------------------------------
# The scenarios below come with the policy engine (issue 6).  Elsewhere:
# CVE-2025-31133 and CVE-2025-52565 (and CVE-2019-19921) in t_mounts.sh.
# Each stages the attack with the runtime's own defences in front (policy in
# audit mode, so the runtime's code is what stops it) and checks the host.

# guardrun's policy would refuse several of these configs outright; audit
# mode lets the runtime's own defence be the thing under test
_cve_audit() {
	export GUARDRUN_DECISION_LOG=$TEST_DIR/decisions.log
	[[ ${RUNTIME_NAME:-} == guardrun* ]] &&
		RUNTIME_ARGS="$RUNTIME_ARGS --policy baseline --policy-mode audit"
	return 0
}
_cve_hook_cc() {   # SCRIPT: createContainer hook (host's /bin/sh, container's mount ns)
	cfg_set '.hooks.createContainer = [$h]' --argjson h "$(hook_json /bin/sh sh -c "$1")"
}
# swap two paths with renameat2(RENAME_EXCHANGE) for SECONDS in the background
_cve_swapper() {   # A B SECONDS
	command -v python3 >/dev/null || skip "python3 missing"
	python3 - "$1" "$2" "$3" <<-'PY' &
	import ctypes, sys, time
	libc = ctypes.CDLL(None, use_errno=True)
	a, b = sys.argv[1].encode(), sys.argv[2].encode()
	end = time.time() + float(sys.argv[3])
	while time.time() < end:
	    libc.renameat2(-100, a, -100, b, 2)
	PY
	SWAPPER=$!
}
_cve_host_mounts_under() {   # DIR: mounts the host sees at or below DIR
	awk -v d="$1" '$5 == d || index($5, d "/") == 1 {print $5}' /proc/self/mountinfo
}

# CVE-2022-29162: runc gave exec'd processes (and runc init) the bounding
# set as inheritable capabilities, so a non-root process running a binary
# with inheritable file capabilities gained them.  Nothing may be
# inheritable unless the config says so; restricted refuses asking for more.
test_cve_2022_29162_no_inheritable_capabilities() {
	_cve_audit
	make_bundle b /bin/sh -c 'grep -E "^Cap(Inh|Amb)" /proc/self/status'
	cfg_set '.process.user = {uid: 1000, gid: 1000}
		| .process.capabilities.ambient = [] | del(.process.capabilities.inheritable)'
	run_in /bin/sh -c 'grep -E "^Cap(Inh|Amb)" /proc/self/status'
	assert_success "run"
	assert_eq "$(awk '{print $2}' <<<"$out" | xargs)" "0000000000000000 0000000000000000" "CapInh CapAmb"
	set_args /bin/sleep 1000
	create_ok "$CID-x"
	start_ok "$CID-x"
	rt_capture exec --user 1000:1000 "$CID-x" /bin/grep CapInh /proc/self/status
	delete_ok "$CID-x" --force
	if [[ $err != *"not available in this build"* ]]; then
		assert_success "exec"
		assert_eq "$(awk '{print $2}' <<<"$out")" 0000000000000000 "CapInh of an exec'd process"
	fi
	if [[ ${RUNTIME_NAME:-} == guardrun* ]]; then
		cfg_set '.process.capabilities.inheritable = ["CAP_SYS_ADMIN"]'
		rt_capture check --policy restricted "$BUNDLE"
		assert_status 1 "check"
		assert_match "$(grep '^GR-CAP-001' <<<"$out")" 'CAP_SYS_ADMIN.*inheritable' "refusal"
	fi
}

# CVE-2023-27561 (CVE-2019-19921 again): an image symlink makes a volume's
# destination land on /proc/self/attr, so the LSM label is written into the
# volume and the process runs unconfined.  The policy sees through the
# symlink; the runtime must not mount over procfs either.
test_cve_2023_27561_volume_over_proc_through_image_symlink() {
	_cve_audit
	make_bundle b
	mkdir fake && echo planted >fake/marker
	ln -s /proc/self/attr "$BUNDLE/rootfs/evil"
	add_mount /evil bind "$TEST_DIR/fake" rbind
	sh_in 'ls /proc/self/attr; grep -c " /proc/[0-9s]" /proc/self/mountinfo'
	if ((status == 0)); then
		assert_not_contains "$out" marker "/proc/self/attr is the volume"
	else
		assert_contains "$err" "/proc" "error naming /proc"
	fi
	assert_eq "$(ls -A fake)" marker "the volume on the host"
	assert_eq "$(_cve_host_mounts_under /proc/self)" "" "host mounts"
	if [[ ${RUNTIME_NAME:-} == guardrun* ]]; then
		rt_capture check --policy baseline "$BUNDLE"
		assert_status 1 "check"
		assert_contains "$out" "GR-MNT-003 mounts[7].destination: mounts over /proc/self/attr (/evil through a symlink in the rootfs) inside /proc"
	fi
}

# CVE-2025-52881: the write that sets the exec label is redirected (an
# overmount of /proc/self/attr/... or a fake procfs) to another file, so the
# label never applies and the data lands elsewhere.  The policy refuses
# mounts inside /proc; lsm.c writes only through a verified procfs (unit test
# lsm_write_ignores_proc_overmounts, tests/vm/t_lsm.sh with a real LSM).
test_cve_2025_52881_label_write_redirection() {
	require_runtime guardrun
	export GUARDRUN_DECISION_LOG=$TEST_DIR/decisions.log
	make_bundle b /bin/true
	: >victim
	add_mount /proc/self/attr/exec bind "$TEST_DIR/victim" bind
	cfg_set '.process.selinuxLabel = "system_u:system_r:container_t:s0:c1,c2"
		| .process.apparmorProfile = "guardrun-default"'
	rt_capture --policy baseline --policy-mode enforce run --bundle "$BUNDLE" "$CID"
	assert_failure "mount over /proc/self/attr/exec"
	assert_contains "$err" "policy baseline refused mounts[7].destination: mounts over /proc/self/attr/exec inside /proc"
	# and with the policy out of the way the label still does not reach it
	RUNTIME_ARGS="$RUNTIME_ARGS --policy baseline --policy-mode audit"
	rt_capture run --bundle "$BUNDLE" "$CID"
	assert_eq "$(stat -c %s victim)" 0 "the redirect target on the host"
	assert_eq "$(_cve_host_mounts_under "$TEST_DIR")" "" "host mounts"
}

# CVE-2021-30465: a neighbour sharing a volume swaps a directory on the
# mount path for a symlink to the host while the runtime mounts, and the
# mount lands on the host.  Destinations are resolved inside the rootfs:
# whatever the race, nothing is mounted on (or created in) the host path.
test_cve_2021_30465_mount_destination_swap_race() {
	_cve_audit
	make_bundle b /bin/true
	mkdir victim "$BUNDLE/rootfs/mnt/x"
	ln -s "$TEST_DIR/victim" "$BUNDLE/rootfs/swap"
	add_mount /mnt/x/y tmpfs tmpfs size=64k
	_cve_swapper "$BUNDLE/rootfs/mnt" "$BUNDLE/rootfs/swap" 8
	local i
	for i in $(seq 1 15); do
		rt run --bundle "$BUNDLE" "$CID" </dev/null >/dev/null 2>&1
		rt delete --force "$CID" </dev/null >/dev/null 2>&1
		[[ -n $(_cve_host_mounts_under "$TEST_DIR/victim") ]] && break
	done
	kill "$SWAPPER" 2>/dev/null
	wait "$SWAPPER" 2>/dev/null
	local leaked; leaked=$(_cve_host_mounts_under "$TEST_DIR/victim")
	[[ -z $leaked ]] || { umount -l $leaked; fail "a mount landed on the host: $leaked"; }
	assert_eq "$(ls -A victim)" "" "host directory behind the symlink"
}

# CVE-2024-45310: the same race while the runtime creates a missing mount
# target: runc made empty files and directories on the host.
test_cve_2024_45310_mount_target_creation_race() {
	_cve_audit
	make_bundle b /bin/true
	mkdir victim "$BUNDLE/rootfs/vol"
	: >srcfile
	ln -s "$TEST_DIR/victim" "$BUNDLE/rootfs/swap"
	add_mount /vol/newdir/newfile bind "$TEST_DIR/srcfile" bind
	_cve_swapper "$BUNDLE/rootfs/vol" "$BUNDLE/rootfs/swap" 8
	local i
	for i in $(seq 1 15); do
		rt run --bundle "$BUNDLE" "$CID" </dev/null >/dev/null 2>&1
		rt delete --force "$CID" </dev/null >/dev/null 2>&1
		[[ -n $(ls -A victim) ]] && break
	done
	kill "$SWAPPER" 2>/dev/null
	wait "$SWAPPER" 2>/dev/null
	local leaked; leaked=$(_cve_host_mounts_under "$TEST_DIR/victim")
	[[ -z $leaked ]] && leaked=$(_cve_host_mounts_under "$TEST_DIR/srcfile")
	[[ -z $leaked ]] || { umount -l $leaked; fail "a mount landed on the host: $leaked"; }
	assert_eq "$(ls -A victim)" "" "files created in the host directory"
	# static form: the symlink is simply there
	rm -f "$BUNDLE/rootfs/vol" 2>/dev/null || rmdir "$BUNDLE/rootfs/vol"
	ln -sfn "$TEST_DIR/victim" "$BUNDLE/rootfs/vol"
	rt_capture run --bundle "$BUNDLE" "$CID"
	assert_eq "$(ls -A victim)" "" "files created through a planted symlink"
}

# CVE-2016-9962: runc init stayed dumpable with host fds open while the
# container's processes could reach it, so a process in the container could
# ptrace it or open its fds.  From a second container in the same pid
# namespace, the waiting init (pid 1) shows nothing.
test_cve_2016_9962_waiting_init_not_accessible() {
	_cve_audit
	make_bundle b /bin/sleep 1000
	create_ok "$CID"
	local pid; pid=$(pid_of "$CID")
	[[ -n $pid ]] || fail "no pid for the created container"
	ID=$CID-b
	cfg_set '(.linux.namespaces[] | select(.type == "pid")) .path = $p' \
		--arg p "/proc/$pid/ns/pid"
	sh_in 'ls -l /proc/1/fd/ 2>/dev/null | grep -c -- "->"
		cat /proc/1/environ >/dev/null 2>&1 && echo environ-readable
		readlink /proc/1/cwd 2>/dev/null || echo cwd-hidden
		head -c 1 /proc/1/mem >/dev/null 2>&1 && echo mem-readable; true'
	delete_ok "$CID" --force
	assert_success "second container"
	assert_eq "$(head -1 <<<"$out")" 0 "fds of the waiting init visible"
	assert_not_contains "$out" environ-readable "/proc/1/environ"
	assert_not_contains "$out" mem-readable "/proc/1/mem"
	assert_contains "$out" cwd-hidden "/proc/1/cwd"
}
