# shellcheck shell=bash
# AppArmor and SELinux for real (the guest boots with one of them): the
# default profile/label applied, the config's honoured, the label write
# not redirectable (CVE-2025-52881).  Sourced by run.sh; each test skips
# under the other LSM.

_need_lsm() {
	[[ ${VMRUN_LSM:-} == "$1" ]] || skip "guest LSM is ${VMRUN_LSM:-none}, not $1"
}
# run the bundle in the foreground: $status $out $err.  Through pipes: a
# confined process may not write the guest's own files (SELinux replaces
# such stdio with /dev/null on the transition)
_run() {   # [GLOBAL FLAGS...]
	{
		rt "$@" run --bundle "$BUNDLE" "lsm$$" </dev/null 2>&1 1>&3 3>&- |
			cat >"$TEST_DIR/.err"
		echo "${PIPESTATUS[0]}" >"$TEST_DIR/.rc"
	} 3>&1 | cat >"$TEST_DIR/.out"
	status=$(cat "$TEST_DIR/.rc") out=$(cat "$TEST_DIR/.out") err=$(cat "$TEST_DIR/.err")
}
# a createContainer hook (guest's /bin/sh, in the container's mount ns
# before pivot_root: the rootfs is at $VMT_ROOTFS there)
_hook_cc() {
	cfg_set '.hooks.createContainer = [{path: "/bin/sh", args: ["sh", "-c", $s]}]' \
		--arg s "$1"
}
# let the policy allow the test's own hook
_hook_policy() {
	"$GUARDRUN" --policy restricted policy show |
		jq '.name = "vmt" | .hooks.allowed = ["/bin/sh"]' >"$TEST_DIR/policy.json"
}

# ------------------------------------------------------------- AppArmor --

test_apparmor_default_profile_confines_the_container() {
	_need_lsm apparmor
	make_bundle cat /proc/self/attr/current
	_run
	assert_eq "$status" 0 "run (err: $err)"
	assert_eq "$out" "guardrun-default (enforce)" "label of the container process"
	grep -q '^guardrun-default (enforce)' /sys/kernel/security/apparmor/profiles ||
		fail "guardrun-default is not loaded"
	# loaded once: a second container finds it there
	_run
	assert_eq "$out" "guardrun-default (enforce)" "second container"
}

test_apparmor_default_profile_denies_mount() {
	_need_lsm apparmor
	# everything else out of the way (audit mode): root, CAP_SYS_ADMIN, no
	# seccomp filter -- AppArmor alone must stop the mount
	make_bundle sh -c 'mount -t tmpfs none /tmp && echo mounted; cat /proc/self/attr/current'
	cfg_set '.process.user = {uid: 0, gid: 0}
		| .process.capabilities = {bounding: ["CAP_SYS_ADMIN"], effective: ["CAP_SYS_ADMIN"],
			permitted: ["CAP_SYS_ADMIN"]}
		| .process.noNewPrivileges = true
		| .linux.seccomp = {defaultAction: "SCMP_ACT_ALLOW"}'
	_run --policy-mode audit
	assert_eq "$status" 0 "run (err: $err)"
	[[ $out != *mounted* ]] || fail "mount succeeded under guardrun-default"
	assert_contains "$out" "guardrun-default (enforce)" "label"
	assert_contains "$err" "Permission denied" "mount error (EACCES is AppArmor's)"
}

test_apparmor_config_profile_honoured() {
	_need_lsm apparmor
	apparmor_parser -r <<-'EOF' || fail "load grit-test"
	#include <tunables/global>
	profile grit-test flags=(attach_disconnected,mediate_deleted) {
	  #include <abstractions/base>
	  file,
	  deny /etc/hostname r,
	}
	EOF
	make_bundle sh -c 'cat /proc/self/attr/current; cat /etc/hostname >/dev/null 2>&1 || echo denied'
	cfg_set '.process.apparmorProfile = "grit-test"'
	_run
	assert_eq "$status" 0 "run (err: $err)"
	assert_eq "$out" "$(printf 'grit-test (enforce)\ndenied')" "the config's profile"
	apparmor_parser -R <<-'EOF'
	profile grit-test {}
	EOF
	true
}

test_apparmor_unknown_profile_is_an_error() {
	_need_lsm apparmor
	make_bundle true
	cfg_set '.process.apparmorProfile = "grit-no-such-profile"'
	_run
	[[ $status -ne 0 ]] || fail "run with a profile that is not loaded succeeded"
	assert_contains "$err" "grit-no-such-profile" "error"
}

test_apparmor_unconfined_refused_by_policy() {
	_need_lsm apparmor
	make_bundle true
	cfg_set '.process.apparmorProfile = "unconfined"'
	_run --policy restricted --policy-mode enforce
	[[ $status -ne 0 ]] || fail "unconfined accepted"
	assert_contains "$err" "policy restricted refused process.apparmorProfile: \"unconfined\""
}

# CVE-2025-52881: a file bound over the init's attr/apparmor/exec (as a
# neighbour sharing /proc could arrange) must neither receive the label nor
# leave the process unconfined
test_apparmor_label_write_not_redirected() {
	_need_lsm apparmor
	: >"$TEST_DIR/victim"
	make_bundle cat /proc/self/attr/current
	_hook_policy
	_hook_cc "for p in $VMT_ROOTFS/proc/1/attr/apparmor/exec $VMT_ROOTFS/proc/1/task/1/attr/apparmor/exec $VMT_ROOTFS/proc/1/attr/exec; do mount -o bind $TEST_DIR/victim \$p || exit 1; done"
	_run --policy "$TEST_DIR/policy.json"
	# either the label still applies (the write went to a procfs nothing
	# is mounted on) or the runtime refuses; never unconfined, never the
	# overmounting file
	if ((status == 0)); then
		assert_eq "$out" "guardrun-default (enforce)" "label despite the overmount"
	else
		assert_contains "$err" "CVE-2025-52881" "refusal"
	fi
	assert_eq "$(stat -c %s "$TEST_DIR/victim")" 0 "the overmounting file"
}

# -------------------------------------------------------------- SELinux --

test_selinux_default_label_with_fresh_mcs() {
	_need_lsm selinux
	make_bundle sh -c 'cat /proc/self/attr/current; echo; grep " /dev " /proc/self/mountinfo'
	_run
	assert_eq "$status" 0 "run (err: $err)"
	local label; label=$(head -1 <<<"$out" | tr -d '\0')
	[[ $label =~ ^system_u:system_r:container_t:s0:c([0-9]+),c([0-9]+)$ ]] ||
		fail "label '$label'"
	local a=${BASH_REMATCH[1]} b=${BASH_REMATCH[2]}
	((a < b && b <= 1023)) || fail "MCS pair c$a,c$b"
	assert_contains "$out" "context=\"system_u:object_r:container_file_t:s0:c$a,c$b\"" "/dev mount label"
	_run
	local label2; label2=$(head -1 <<<"$out" | tr -d '\0')
	[[ $label2 != "$label" ]] || fail "two containers got the same MCS pair $label"
}

test_selinux_config_label_honoured() {
	_need_lsm selinux
	make_bundle cat /proc/self/attr/current
	cfg_set '.process.selinuxLabel = "system_u:system_r:container_t:s0:c1,c2"'
	_run
	assert_eq "$status" 0 "run (err: $err)"
	assert_eq "$(tr -d '\0' <<<"$out")" "system_u:system_r:container_t:s0:c1,c2" "label"
}

test_selinux_confinement_enforced() {
	_need_lsm selinux
	# a file of the guest's own type, readable by DAC: container_t may not
	echo secret >/tmp/vmt-secret.$$
	chmod 644 /tmp/vmt-secret.$$
	make_bundle sh -c 'cat /mnt/s 2>&1 || echo denied'
	cfg_set '.mounts += [{destination: "/mnt/s", type: "bind", source: $s, options: ["bind", "ro"]}]' \
		--arg s "/tmp/vmt-secret.$$"
	_run --policy baseline
	rm -f /tmp/vmt-secret.$$
	assert_eq "$status" 0 "run (err: $err)"
	assert_contains "$out" denied "read of a root_t file from container_t"
}

test_selinux_spc_t_refused_by_policy() {
	_need_lsm selinux
	make_bundle true
	cfg_set '.process.selinuxLabel = "system_u:system_r:spc_t:s0"'
	_run --policy baseline --policy-mode enforce
	[[ $status -ne 0 ]] || fail "spc_t accepted"
	assert_contains "$err" "policy baseline refused process.selinuxLabel: type spc_t runs the container unconfined"
}

test_selinux_label_write_not_redirected() {
	_need_lsm selinux
	: >"$TEST_DIR/victim"
	make_bundle cat /proc/self/attr/current
	_hook_policy
	_hook_cc "for p in $VMT_ROOTFS/proc/1/attr/exec $VMT_ROOTFS/proc/1/task/1/attr/exec; do mount -o bind $TEST_DIR/victim \$p || exit 1; done"
	_run --policy "$TEST_DIR/policy.json"
	# either the label still applies (the write went to a procfs nothing
	# is mounted on) or the runtime refuses; never unconfined, never the
	# overmounting file
	if ((status == 0)); then
		[[ $(tr -d '\0' <<<"$out") == system_u:system_r:container_t:s0:c* ]] ||
			fail "label despite the overmount: '$out'"
	else
		assert_contains "$err" "CVE-2025-52881" "refusal"
	fi
	assert_eq "$(stat -c %s "$TEST_DIR/victim")" 0 "the overmounting file"
}
