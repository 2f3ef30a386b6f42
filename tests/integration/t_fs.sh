# shellcheck shell=bash
# Root filesystem, mounts, masked and read-only paths.

test_readonly_rootfs() {
	make_bundle b
	cfg_set '.root.readonly = true'
	sh_in 'touch /newfile 2>&1; echo rc=$?; touch /dev/shm/x && echo shm-ok'
	assert_contains "$out" "Read-only file system" "write to /"
	assert_not_contains "$out" "rc=0" "write to /"
	assert_contains "$out" shm-ok "/dev/shm stays writable"
	[[ ! -e $BUNDLE/rootfs/newfile ]] || fail "file created in a read-only rootfs"
}

test_writable_rootfs() {
	make_bundle b
	sh_in 'echo data > /newfile && echo written'
	assert_success
	assert_eq "$out" written
	assert_eq "$(cat "$BUNDLE/rootfs/newfile")" data "file on the host side of the rootfs"
}

test_masked_paths_files() {
	make_bundle b
	sh_in 'for f in /proc/kcore /proc/keys /proc/timer_list /proc/sched_debug; do
		[ -e $f ] || continue; echo "$f $(head -c 100 $f | wc -c)"; done'
	assert_success
	[[ -n $out ]] || fail "none of the masked /proc files exist"
	while read -r f n; do
		assert_eq "$n" 0 "bytes read from masked $f"
	done <<<"$out"
	sh_in '{ echo x > /proc/kcore; } 2>/dev/null; head -c 1 /proc/kcore | wc -c'
	assert_eq "$(tail -1 <<<"$out")" 0 "/proc/kcore after a write attempt"
}

test_masked_paths_dirs() {
	make_bundle b
	mkdir -p "$BUNDLE/rootfs/secret"
	echo s3cret >"$BUNDLE/rootfs/secret/key"
	cfg_set '.linux.maskedPaths += ["/secret"]'
	sh_in 'ls -A /secret | wc -l; cat /secret/key 2>&1; touch /secret/new 2>&1; ls -A /sys/firmware | wc -l'
	assert_not_contains "$out" s3cret "masked directory"
	assert_eq "$(head -1 <<<"$out")" 0 "entries in masked /secret"
	assert_eq "$(tail -1 <<<"$out")" 0 "entries in masked /sys/firmware"
	[[ ! -e $BUNDLE/rootfs/secret/new ]] || fail "write went through a masked directory"
}

test_masked_path_missing_is_ignored() {
	make_bundle b
	cfg_set '.linux.maskedPaths += ["/no/such/path"]'
	run_in /bin/echo alive
	assert_success "masked path that does not exist"
	assert_eq "$out" alive output
}

test_readonly_paths() {
	make_bundle b
	sh_in '{ echo evil > /proc/sys/kernel/hostname; } 2>&1; echo rc=$?; hostname;
		grep " /proc/sys " /proc/mounts'
	assert_not_contains "$out" "rc=0" "write to /proc/sys"
	assert_contains "$out" "grit" "hostname unchanged"
	assert_not_contains "$out" "evil" "hostname"
	assert_match "$(grep ' /proc/sys ' <<<"$out")" ' (ro,|ro$|[^ ]*,ro[, ])' "/proc/sys mount options"
}

test_readonly_paths_custom_dir() {
	make_bundle b
	mkdir -p "$BUNDLE/rootfs/rodir"
	echo keep >"$BUNDLE/rootfs/rodir/f"
	cfg_set '.linux.readonlyPaths += ["/rodir"]'
	sh_in 'cat /rodir/f; { echo x > /rodir/f; } 2>&1; touch /rodir/g 2>&1; touch /ok && echo root-rw'
	assert_contains "$out" keep "read of a read-only path"
	assert_contains "$out" root-rw "rest of the rootfs"
	assert_eq "$(cat "$BUNDLE/rootfs/rodir/f")" keep "file under a read-only path"
	[[ ! -e $BUNDLE/rootfs/rodir/g ]] || fail "file created under a read-only path"
}

test_mount_tmpfs_with_size() {
	make_bundle b
	add_mount /mnt/scratch tmpfs tmpfs nosuid nodev size=1m mode=1777
	sh_in 'grep " /mnt/scratch " /proc/mounts; echo hi > /mnt/scratch/f && cat /mnt/scratch/f'
	assert_success
	local line; line=$(grep ' /mnt/scratch ' <<<"$out")
	assert_match "$line" '^[^ ]+ /mnt/scratch tmpfs ' "tmpfs mount"
	assert_contains "$line" "size=1024k" "mount options"
	assert_contains "$line" "nosuid" "mount options"
	assert_contains "$out" hi "write to the tmpfs"
}

test_mount_destination_created() {
	make_bundle b
	add_mount /deep/er/dir tmpfs tmpfs size=64k
	sh_in 'grep " /deep/er/dir " /proc/mounts | cut -d" " -f2,3'
	assert_success
	assert_eq "$out" "/deep/er/dir tmpfs" "mount at a missing destination"
}

test_mount_tmpfs_noexec() {
	make_bundle b
	add_mount /mnt/nx tmpfs tmpfs noexec size=4m
	sh_in 'cp /bin/busybox /mnt/nx/bb && echo copied; /mnt/nx/bb true && echo EXECUTED'
	assert_contains "$out" copied "copy to the tmpfs"
	assert_not_contains "$out" EXECUTED "exec on a noexec tmpfs"
}

test_bind_mount_rw() {
	make_bundle b
	mkdir -p host-rw && echo from-host >host-rw/in
	add_mount /data bind "$TEST_DIR/host-rw" rbind rw
	sh_in 'cat /data/in; echo from-ctr > /data/out'
	assert_success
	assert_eq "$out" from-host "read from the bind mount"
	assert_eq "$(cat host-rw/out 2>/dev/null)" from-ctr "write visible on the host"
}

test_bind_mount_ro() {
	make_bundle b
	mkdir -p host-ro && echo from-host >host-ro/in
	add_mount /data bind "$TEST_DIR/host-ro" rbind ro
	sh_in 'cat /data/in; { echo x > /data/out; echo y >> /data/in; } 2>&1; true'
	assert_contains "$out" from-host "read from the ro bind mount"
	assert_contains "$out" "Read-only file system" "write to the ro bind mount"
	[[ ! -e host-ro/out ]] || fail "file created through a ro bind mount"
	assert_eq "$(cat host-ro/in)" from-host "host file"
}

test_bind_mount_file() {
	make_bundle b
	echo single-file >host-file
	add_mount /etc/injected bind "$TEST_DIR/host-file" bind ro
	run_in /bin/cat /etc/injected
	assert_success
	assert_eq "$out" single-file "bind-mounted file"
}

# a mount destination through an absolute symlink in the rootfs that points
# at a host path: it must be resolved inside the rootfs (runc: the target is
# taken relative to the rootfs and created there) or refused (crun: openat2
# RESOLVE_IN_ROOT finds no such path), never followed on the host.  A refusal
# must be the runtime's answer to this mount: the same bundle without it runs.
_symlink_mount_refused_or_inside() {   # STATUS-OF-THE-RUN CHECK-IF-IT-RAN
	if ((status != 0)); then
		[[ -n $err ]] || fail "run failed without a message"
		cfg_set '.mounts |= map(select(.destination | startswith("/evil") | not))'
		run_in /bin/echo control
		assert_success "control run without the symlinked mount"
		assert_eq "$out" control "control run"
	else
		eval "$1"
	fi
}
test_mount_through_absolute_symlink_stays_in_rootfs() {
	make_bundle b
	local victim=$TEST_DIR/victim
	mkdir -p "$victim" && echo untouched >"$victim/keep"
	ln -s "$victim" "$BUNDLE/rootfs/evil"
	add_mount /evil tmpfs tmpfs size=64k
	add_mount /evil/sub tmpfs tmpfs size=32k
	sh_in "echo pwned > /evil/pwned; grep -c ' $victim' /proc/mounts; true"
	local st=$status
	grep -F " $victim" /proc/self/mountinfo && fail "mount landed on the host at $victim"
	assert_eq "$(ls -A "$victim")" keep "host directory $victim contents"
	assert_eq "$(cat "$victim/keep")" untouched "host file"
	status=$st
	_symlink_mount_refused_or_inside '[[ $out =~ ^[0-9]+$ ]] && ((out >= 2)) ||
		fail "the two tmpfs mounts are not at $victim inside the container: $(oneline "$out")"'
}

test_mount_through_relative_symlink_stays_in_rootfs() {
	make_bundle b
	local victim=$TEST_DIR/victim2
	mkdir -p "$victim"
	ln -s "../../../../../../../../../../..$victim" "$BUNDLE/rootfs/evil2"
	add_mount /evil2/sub tmpfs tmpfs size=64k
	sh_in 'echo pwned > /evil2/sub/pwned && echo wrote'
	grep -F " $victim" /proc/self/mountinfo && fail "mount landed on the host under $victim"
	assert_eq "$(ls -A "$victim")" "" "host directory $victim contents"
	_symlink_mount_refused_or_inside 'assert_contains "$out" wrote "write through the in-rootfs mount"'
}

test_mount_source_symlink_on_host_is_followed_only_on_host() {
	# bind source is a host path; a symlink there is resolved on the host
	make_bundle b
	mkdir -p real && echo via-link >real/f
	ln -s "$TEST_DIR/real" link
	add_mount /data bind "$TEST_DIR/link" rbind ro
	run_in /bin/cat /data/f
	assert_success
	assert_eq "$out" via-link "bind through a host-side symlink source"
}

test_dev_shm_and_mqueue_mounted() {
	make_bundle b
	sh_in 'grep -E " /dev/(shm|mqueue|pts) " /proc/mounts | cut -d" " -f2,3 | sort'
	assert_success
	assert_eq "$out" "$(printf '/dev/mqueue mqueue\n/dev/pts devpts\n/dev/shm tmpfs')" "/dev submounts"
}

test_proc_and_sys_mounted() {
	make_bundle b
	sh_in 'grep -E " /(proc|sys) " /proc/mounts | cut -d" " -f2,3 | sort; ls /sys/class/net'
	assert_success
	assert_eq "$(head -2 <<<"$out")" "$(printf '/proc proc\n/sys sysfs')" "proc and sysfs"
	assert_eq "$(tail -n +3 <<<"$out" | xargs)" "lo" "interfaces visible in /sys (own netns)"
}
