# shellcheck shell=bash
# Mounts: options, propagation, tmpcopyup, idmap, user namespaces, and the
# mount-time escapes of THREATS.md (a symlink planted or swapped in while the
# rootfs is set up).  The attacks are staged by a createContainer hook, which
# runs after the mounts and before pivot_root in the container's mount
# namespace, where $BUNDLE/rootfs is the container's view — the point where a
# neighbour sharing a volume would race the runtime.

_hook_cc() {   # SCRIPT: a createContainer hook running SCRIPT (host's /bin/sh)
	cfg_set '.hooks.createContainer = [$h]' --argjson h "$(hook_json /bin/sh sh -c "$1")"
}

# CVE-2025-31133: /dev/null replaced by a symlink to a host-wide procfs file
# before maskedPaths: masking with it binds core_pattern over the masked
# files, writable (and every `2>/dev/null` in the container writes it).  The
# runtime must refuse, or mask with something else.  The container only
# reads (a vulnerable runtime shows core_pattern's text in a masked file);
# should the host's core_pattern change anyway, it is restored.
test_cve_2025_31133_masked_paths_with_fake_dev_null() {
	make_bundle b
	local before; before=$(cat /proc/sys/kernel/core_pattern)
	_hook_cc "rm -f $BUNDLE/rootfs/dev/null && ln -s /proc/sys/kernel/core_pattern $BUNDLE/rootfs/dev/null"
	sh_in 'for f in /proc/keys /proc/timer_list /proc/sched_debug; do
		[ -e $f ] && head -c 100 $f; done; echo ran'
	local after; after=$(cat /proc/sys/kernel/core_pattern)
	if [[ $after != "$before" ]]; then
		printf '%s\n' "$before" >/proc/sys/kernel/core_pattern
		fail "host core_pattern changed to '$after' (restored)"
	fi
	if ((status == 0)); then
		assert_eq "$out" ran "masked files must read empty"
	else
		assert_contains "$err" "null" "error naming /dev/null"
	fi
}

# a /dev/null that is the wrong device is refused the same way
test_masked_paths_refuse_dev_null_of_wrong_device() {
	require_runtime guardrun
	make_bundle b
	_hook_cc "rm -f $BUNDLE/rootfs/dev/null && mknod -m 666 $BUNDLE/rootfs/dev/null c 1 5"
	run_in /bin/true
	assert_failure "masking with a /dev/null that is 1:5"
	assert_contains "$err" "not the null device" "error"
}

# CVE-2019-19921: proc mounted through a symlink (there, raced in via a
# shared volume) lands wherever it points; procfs must go on a real
# directory, and never outside the rootfs
test_cve_2019_19921_proc_on_symlink() {
	make_bundle b
	rmdir "$BUNDLE/rootfs/proc"
	mkdir "$BUNDLE/rootfs/fakeproc"
	ln -s /fakeproc "$BUNDLE/rootfs/proc"
	sh_in 'grep " /proc " /proc/mounts'
	if ((status == 0)); then
		assert_match "$out" '^proc /proc proc ' "proc mount"
	else
		assert_contains "$err" "/proc" "error naming /proc"
	fi
	assert_eq "$(ls -A "$BUNDLE/rootfs/fakeproc")" "" "symlink target on the host"
	assert_eq "$(readlink "$BUNDLE/rootfs/proc")" /fakeproc "the image's symlink"
}

test_proc_on_non_empty_directory_refused() {
	require_runtime guardrun
	make_bundle b
	echo planted >"$BUNDLE/rootfs/proc/planted"
	run_in /bin/true
	assert_failure "proc over a non-empty directory"
	assert_contains "$err" "mounts[0].destination \`/proc\`" "error"
}

# CVE-2025-52565: /dev/console planted as a symlink to a host file before
# the console is set up: the pty must be bound on a file inside /dev, never
# on the symlink's target
test_cve_2025_52565_dev_console_symlink() {
	command -v script >/dev/null || skip "script(1) missing"
	make_bundle b /bin/sh -c 'stat -c "%F %t" /dev/console; test -t 0 && echo tty'
	cfg_set '.process.terminal = true'
	local target=$TEST_DIR/console-target
	: >"$target"
	_hook_cc "rm -f $BUNDLE/rootfs/dev/console; ln -s $target $BUNDLE/rootfs/dev/console"
	script -qec "$RUNTIME $RUNTIME_ARGS --root $STATE_ROOT run --bundle $BUNDLE $CID" \
		/dev/null </dev/null >.out 2>.err
	status=$? out=$(cat .out) err=$(cat .err)
	grep -qF " $target " /proc/self/mountinfo && fail "the pty was mounted on the host file"
	[[ -f $target && ! -s $target ]] || fail "host file $target changed"
	if ((status == 0)); then
		assert_contains "$out" "character special file" "/dev/console"
	fi
}

test_mount_destination_through_a_file_is_an_error() {
	make_bundle b
	add_mount /etc/passwd/x tmpfs tmpfs size=64k
	run_in /bin/true
	assert_failure "mount under a regular file"
	assert_contains "$err" "/etc/passwd/x" "error names the destination"
}

test_mount_destination_dotdot_stays_inside() {
	make_bundle b
	mkdir -p victim
	add_mount "/../../../../../../../..$TEST_DIR/victim/sub" tmpfs tmpfs size=64k
	sh_in "grep -c ' $TEST_DIR/victim/sub tmpfs' /proc/mounts"
	grep -F " $TEST_DIR/victim" /proc/self/mountinfo && fail "mount landed on the host"
	assert_eq "$(ls -A victim)" "" "host directory"
	if ((status == 0)); then
		assert_eq "$out" 1 "mount inside the rootfs"
	fi
}

test_mount_tmpcopyup() {
	make_bundle b
	mkdir -p "$BUNDLE/rootfs/data/sub"
	echo image >"$BUNDLE/rootfs/data/sub/f"
	ln -s sub/f "$BUNDLE/rootfs/data/link"
	add_mount /data tmpfs tmpfs tmpcopyup size=1m
	sh_in 'grep " /data " /proc/mounts | cut -d" " -f3; cat /data/link; echo changed > /data/sub/f && cat /data/sub/f'
	assert_success
	assert_eq "$out" "$(printf 'tmpfs\nimage\nchanged')" "tmpcopyup"
	assert_eq "$(cat "$BUNDLE/rootfs/data/sub/f")" image "the image's file"
}

test_mount_options_reach_the_kernel() {
	make_bundle b
	add_mount /mnt/t tmpfs tmpfs nosuid nodev noexec noatime nosymfollow size=64k
	sh_in 'grep " /mnt/t " /proc/mounts | cut -d" " -f4'
	assert_success
	local o=",$out,"
	for want in nosuid nodev noexec noatime nosymfollow; do
		assert_contains "$o" ",$want," "options of /mnt/t"
	done
}

test_mount_propagation_options() {
	make_bundle b
	mkdir -p shared private
	add_mount /shared bind "$TEST_DIR/shared" rbind rshared
	add_mount /private bind "$TEST_DIR/private" rbind rprivate
	sh_in 'awk '\''$5 == "/shared" || $5 == "/private" {print $5, $7}'\'' /proc/self/mountinfo'
	assert_success
	assert_match "$(grep '^/shared ' <<<"$out")" '^/shared shared:[0-9]+' "/shared propagation"
	assert_match "$(grep '^/private ' <<<"$out")" '^/private -$' "/private propagation"
}

test_mount_bind_nosymfollow() {
	make_bundle b
	mkdir -p src && echo t >src/target && ln -s target src/link
	add_mount /src bind "$TEST_DIR/src" bind nosymfollow
	sh_in 'cat /src/target; cat /src/link 2>/dev/null || echo link-refused'
	assert_success
	assert_eq "$out" "$(printf 't\nlink-refused')" "nosymfollow bind"
}

test_mount_idmapped_bind() {
	[[ $(rt features 2>/dev/null | jq -r '.linux.mountExtensions.idmap.enabled // false') == true ]] ||
		skip "the runtime's features do not list idmapped mounts"
	make_bundle b
	mkdir -p idm && echo x >idm/f && chown 1000:1000 idm/f
	add_mount /idm bind "$TEST_DIR/idm" rbind
	cfg_set '.mounts[-1] += {uidMappings: [{containerID: 1000, hostID: 2000, size: 10}],
		gidMappings: [{containerID: 1000, hostID: 3000, size: 10}]}'
	sh_in 'stat -c %u:%g /idm/f'
	[[ $status -ne 0 && $err == *idmap* ]] && skip "idmapped mounts unavailable: $(oneline "$err")"
	assert_success "idmapped bind mount"
	assert_eq "$out" 2000:3000 "owner through the idmapped mount"
	assert_eq "$(stat -c %u:%g idm/f)" 1000:1000 "owner on the host"
}

# in a user namespace without its own network namespace sysfs cannot be
# mounted (crun and newer runc bind the host's instead; runc 1.1 fails),
# and device nodes are bind mounts of the host's
test_userns_without_netns_sysfs_and_devices() {
	require_runtime guardrun crun
	make_bundle b
	cfg_set '.linux.namespaces = [.linux.namespaces[] | select(.type != "network")]
		| .linux.namespaces += [{type: "user"}]
		| .linux.uidMappings = [{containerID: 0, hostID: 100000, size: 65536}]
		| .linux.gidMappings = [{containerID: 0, hostID: 100000, size: 65536}]'
	sh_in 'grep " /sys " /proc/mounts | cut -d" " -f3,4 | cut -d, -f1;
		stat -c "%F %t:%T" /dev/null; echo x > /dev/null && echo null-ok;
		touch /sys/x 2>/dev/null || echo sys-ro'
	assert_success "user namespace without a network namespace"
	assert_eq "$out" "$(printf 'sysfs ro\ncharacter special file 1:3\nnull-ok\nsys-ro')" "/sys and /dev/null"
}
