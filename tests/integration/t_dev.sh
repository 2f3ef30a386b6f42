# shellcheck shell=bash
# /dev: default devices, symlinks, linux.devices, device cgroup.

test_default_devices() {
	make_bundle b
	sh_in 'for d in null zero full random urandom tty; do
		if [ -c /dev/$d ]; then echo "$d $(stat -c %t:%T /dev/$d)"; else echo "$d missing"; fi
	done'
	assert_success
	assert_eq "$out" "$(printf 'null 1:3\nzero 1:5\nfull 1:7\nrandom 1:8\nurandom 1:9\ntty 5:0')" "default devices (major:minor in hex)"
}

test_default_devices_work() {
	make_bundle b
	sh_in 'echo x > /dev/null && echo null-ok; head -c 16 /dev/zero | wc -c;
		head -c 16 /dev/urandom | wc -c; echo x > /dev/full 2>/dev/null || echo full-enospc'
	assert_success
	assert_eq "$out" "$(printf 'null-ok\n16\n16\nfull-enospc')" "device behaviour"
}

test_dev_symlinks() {
	make_bundle b
	sh_in 'for l in fd stdin stdout stderr; do echo "$l $(readlink /dev/$l)"; done; [ -e /dev/ptmx ] && echo ptmx'
	assert_success
	assert_eq "$out" "$(printf 'fd /proc/self/fd\nstdin /proc/self/fd/0\nstdout /proc/self/fd/1\nstderr /proc/self/fd/2\nptmx')" "/dev symlinks"
}

test_dev_pts_is_private_instance() {
	make_bundle b
	sh_in 'ls /dev/pts | grep -v ptmx | wc -l; grep " /dev/pts " /proc/mounts'
	assert_success
	assert_eq "$(head -1 <<<"$out")" 0 "ptys visible in a new devpts instance"
}

test_no_console_without_terminal() {
	make_bundle b
	sh_in '[ -e /dev/console ] && echo console-present; echo done'
	assert_success
	assert_eq "$out" done "/dev/console without process.terminal"
}

test_linux_devices_creates_node() {
	make_bundle b
	cfg_set '.linux.devices = [{path: "/dev/grit-null", type: "c", major: 1, minor: 3,
		fileMode: 432, uid: 0, gid: 1000}]'   # 0660
	sh_in 'stat -c "%F %t:%T %a %u:%g" /dev/grit-null; echo hi > /dev/grit-null && echo wrote'
	assert_success
	assert_eq "$out" "$(printf 'character special file 1:3 660 0:1000\nwrote')" "device node"
}

test_linux_devices_in_subdir() {
	make_bundle b
	cfg_set '.linux.devices = [{path: "/dev/grit/zero", type: "c", major: 1, minor: 5,
		fileMode: 438, uid: 0, gid: 0}]'
	sh_in 'head -c 4 /dev/grit/zero | wc -c; stat -c %a /dev/grit/zero'
	assert_success
	assert_eq "$out" "$(printf '4\n666')" "device node in a new /dev subdirectory"
}

# Device cgroup (the only tests with linux.resources).  /dev/fuse (c 10:229)
# is a harmless device that is not in runc's built-in allow list.
_fuse_bundle() {
	[[ -c /dev/fuse ]] || skip "host has no /dev/fuse"
	make_bundle b
	cfg_set '.linux.devices = [{path: "/dev/fuse", type: "c", major: 10, minor: 229,
		fileMode: 438, uid: 0, gid: 0}]'
}

test_device_cgroup_allow_rule() {
	_fuse_bundle
	cfg_set '.linux.resources = {devices: [{allow: false, access: "rwm"},
		{allow: true, type: "c", major: 1, minor: 3, access: "rwm"},
		{allow: true, type: "c", major: 10, minor: 229, access: "rw"}]}'
	sh_in 'true < /dev/fuse && echo fuse-open-ok; echo x > /dev/null && echo null-ok'
	assert_contains "$out" null-ok "allowed c 1:3"
	assert_contains "$out" fuse-open-ok "allowed c 10:229"
}

test_device_cgroup_deny_all() {
	_fuse_bundle
	cfg_set '.linux.resources = {devices: [{allow: false, access: "rwm"},
		{allow: true, type: "c", major: 1, minor: 3, access: "rwm"}]}'
	sh_in '{ true < /dev/fuse && echo fuse-open-ok; } 2>&1; echo x > /dev/null && echo null-ok'
	assert_contains "$out" null-ok "allowed c 1:3"
	assert_not_contains "$out" fuse-open-ok "/dev/fuse under a deny-all device cgroup"
	assert_contains "$out" "Operation not permitted" "open of a denied device"
}

# deny-all + c 1:3: mknod of another device is denied too (access "m").
# The default devices (/dev/zero, ...) the spec requires stay usable, so a
# runtime may allow those; mknod of anything is another matter.
test_device_cgroup_deny_all_denies_mknod() {
	[[ -c /dev/fuse ]] || skip "host has no /dev/fuse"
	make_bundle b
	cfg_set '.process.capabilities |= with_entries(.value += ["CAP_MKNOD"])
		| .linux.resources = {devices: [{allow: false, access: "rwm"},
		{allow: true, type: "c", major: 1, minor: 3, access: "rwm"}]}'
	sh_in '{ mknod /tmp/fuse c 10 229 && echo mknod-ok; } 2>&1; grep ^CapEff /proc/self/status'
	assert_contains "$out" "$(cap_mask CAP_MKNOD CAP_AUDIT_WRITE CAP_KILL CAP_NET_BIND_SERVICE)" "CapEff (CAP_MKNOD granted)"
	assert_not_contains "$out" mknod-ok "mknod c 10 229 under deny-all"
	assert_contains "$out" "Operation not permitted" "denied mknod"
}
