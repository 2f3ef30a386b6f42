# shellcheck shell=bash
# The container process: identity, environment, limits, capabilities.

test_hostname() {
	make_bundle b
	cfg_set '.hostname = "grit-host-1"'
	run_in /bin/hostname
	assert_success
	assert_eq "$out" grit-host-1 hostname
	assert_ne "$(hostname)" grit-host-1 "host hostname"
}

test_domainname() {
	make_bundle b
	cfg_set '.domainname = "grit.example"'
	run_in /bin/cat /proc/sys/kernel/domainname
	assert_success
	assert_eq "$out" grit.example domainname
	assert_ne "$(cat /proc/sys/kernel/domainname)" grit.example "host domainname"
}

test_env() {
	make_bundle b
	cfg_set '.process.env += ["GRIT_A=alpha", "GRIT_B=with space=and equals"]'
	sh_in 'echo "$GRIT_A|$GRIT_B|$TERM"'
	assert_success
	assert_eq "$out" "alpha|with space=and equals|xterm" env
	run_in /bin/env
	assert_not_contains "$out" "_LIBCONTAINER" "container env"
	assert_not_contains "$out" "STATE_ROOT=" "container env (runtime caller's env)"
}

test_cwd() {
	make_bundle b
	cfg_set '.process.cwd = "/home/app"'
	run_in /bin/pwd
	assert_success
	assert_eq "$out" /home/app cwd
	sh_in 'readlink /proc/self/cwd'
	assert_eq "$out" /home/app "/proc/self/cwd"
}

test_user_uid_gid() {
	make_bundle b
	cfg_set '.process.user = {uid: 1000, gid: 1000}'
	sh_in 'id -u; id -g; id -un'
	assert_success
	assert_eq "$out" "$(printf '1000\n1000\napp')" "uid/gid/name"
	cfg_set '.process.user = {uid: 65534, gid: 65534}'
	sh_in 'id -u; id -g'
	assert_eq "$out" "$(printf '65534\n65534')" "nobody uid/gid"
}

test_additional_gids() {
	make_bundle b
	cfg_set '.process.user = {uid: 1000, gid: 1000, additionalGids: [10, 100]}'
	sh_in 'id -G; grep ^Groups: /proc/self/status'
	assert_success
	local groups; groups=$(sed -n 2p <<<"$out" | cut -f2 | xargs -n1 | sort -n | xargs)
	assert_eq "$groups" "10 100" "supplementary groups (/proc/self/status)"
	assert_eq "$(head -1 <<<"$out" | xargs -n1 | sort -n | xargs)" "10 100 1000" "id -G"
}

test_no_additional_gids_means_none() {
	make_bundle b
	cfg_set '.process.user = {uid: 1000, gid: 1000}'
	sh_in 'echo "[$(grep ^Groups: /proc/self/status | cut -f2 | xargs)]"'
	assert_success
	assert_eq "$out" "[]" "supplementary groups"
}

test_umask() {
	make_bundle b
	cfg_set '.process.user.umask = 63'   # 0077
	sh_in 'umask; touch /tmp/f; stat -c %a /tmp/f'
	assert_success
	assert_eq "$out" "$(printf '0077\n600')" "umask and created file mode"
}

test_rlimit_nofile() {
	make_bundle b
	cfg_set '.process.rlimits = [{type: "RLIMIT_NOFILE", soft: 512, hard: 768}]'
	sh_in 'ulimit -n; ulimit -Hn'
	assert_success
	assert_eq "$out" "$(printf '512\n768')" "nofile soft/hard"
}

test_rlimit_core_and_nproc() {
	make_bundle b
	cfg_set '.process.rlimits = [{type: "RLIMIT_CORE", soft: 0, hard: 0},
		{type: "RLIMIT_NPROC", soft: 333, hard: 444}]'
	sh_in 'grep -E "^Max (core file size|processes)" /proc/self/limits'
	assert_success
	assert_match "$(grep 'core file' <<<"$out")" 'size +0 +0 ' "core limit"
	assert_match "$(grep processes <<<"$out")" 'processes +333 +444 ' "nproc limit"
}

test_capabilities_default_set() {
	make_bundle b
	local eff bnd
	eff=$(cap_mask $(cfg_get '.process.capabilities.effective[]'))
	bnd=$(cap_mask $(cfg_get '.process.capabilities.bounding[]'))
	run_in /bin/grep -E '^Cap(Eff|Bnd|Prm|Inh)' /proc/self/status
	assert_success
	assert_eq "$(awk '/^CapEff/{print $2}' <<<"$out")" "$eff" CapEff
	assert_eq "$(awk '/^CapPrm/{print $2}' <<<"$out")" "$eff" CapPrm
	assert_eq "$(awk '/^CapBnd/{print $2}' <<<"$out")" "$bnd" CapBnd
	assert_eq "$(awk '/^CapInh/{print $2}' <<<"$out")" 0000000000000000 CapInh
}

# for uid 0 the kernel makes the effective set equal to the permitted set at
# execve, so a root container has effective == permitted
test_capabilities_custom_set() {
	make_bundle b
	cfg_set '.process.capabilities = {
		bounding: ["CAP_CHOWN","CAP_SETUID","CAP_SETGID","CAP_NET_RAW","CAP_KILL"],
		effective: ["CAP_CHOWN","CAP_SETUID"],
		permitted: ["CAP_CHOWN","CAP_SETUID"]}'
	run_in /bin/grep -E '^Cap(Eff|Bnd|Prm|Amb|Inh)' /proc/self/status
	assert_success
	assert_eq "$(awk '/^CapEff/{print $2}' <<<"$out")" "$(cap_mask CAP_CHOWN CAP_SETUID)" CapEff
	assert_eq "$(awk '/^CapPrm/{print $2}' <<<"$out")" "$(cap_mask CAP_CHOWN CAP_SETUID)" CapPrm
	assert_eq "$(awk '/^CapBnd/{print $2}' <<<"$out")" \
		"$(cap_mask CAP_CHOWN CAP_SETUID CAP_SETGID CAP_NET_RAW CAP_KILL)" CapBnd
	assert_eq "$(awk '/^CapAmb/{print $2}' <<<"$out")" 0000000000000000 CapAmb
	assert_eq "$(awk '/^CapInh/{print $2}' <<<"$out")" 0000000000000000 CapInh
}

test_capabilities_none_for_root() {
	make_bundle b
	cfg_set '.process.capabilities = {bounding: [], effective: [], permitted: []}'
	sh_in 'grep -E "^Cap(Eff|Bnd)" /proc/self/status; chown 1000 /tmp && echo CHOWN-WORKED'
	assert_eq "$(awk '/^CapEff/{print $2}' <<<"$out")" 0000000000000000 CapEff
	assert_eq "$(awk '/^CapBnd/{print $2}' <<<"$out")" 0000000000000000 CapBnd
	assert_not_contains "$out" CHOWN-WORKED "uid 0 without CAP_CHOWN"
}

# a non-root user keeps capabilities across execve only through the ambient
# set, which the kernel allows only for caps also in permitted + inheritable
test_capabilities_non_root_user() {
	make_bundle b
	cfg_set '.process.user = {uid: 1000, gid: 1000}
		| .process.capabilities = ({} | .bounding = ["CAP_NET_BIND_SERVICE","CAP_KILL"]
		| .effective = ["CAP_NET_BIND_SERVICE"] | .permitted = ["CAP_NET_BIND_SERVICE"]
		| .inheritable = ["CAP_NET_BIND_SERVICE"] | .ambient = ["CAP_NET_BIND_SERVICE"])'
	run_in /bin/grep -E '^Cap(Eff|Amb)' /proc/self/status
	assert_success
	local m; m=$(cap_mask CAP_NET_BIND_SERVICE)
	assert_eq "$(awk '/^CapAmb/{print $2}' <<<"$out")" "$m" CapAmb
	assert_eq "$(awk '/^CapEff/{print $2}' <<<"$out")" "$m" CapEff
	cfg_set 'del(.process.capabilities.ambient)'
	run_in /bin/grep -E '^CapEff' /proc/self/status
	assert_eq "$(awk '{print $2}' <<<"$out")" 0000000000000000 "CapEff of uid 1000 without ambient"
}

test_no_new_privileges() {
	make_bundle b
	run_in /bin/grep ^NoNewPrivs: /proc/self/status
	assert_success
	assert_eq "$(awk '{print $2}' <<<"$out")" 1 "NoNewPrivs with noNewPrivileges=true"
	cfg_set '.process.noNewPrivileges = false'
	run_in /bin/grep ^NoNewPrivs: /proc/self/status
	assert_eq "$(awk '{print $2}' <<<"$out")" 0 "NoNewPrivs with noNewPrivileges=false"
}

test_oom_score_adj() {
	make_bundle b
	cfg_set '.process.oomScoreAdj = 123'
	run_in /bin/cat /proc/self/oom_score_adj
	assert_success
	assert_eq "$out" 123 oom_score_adj
}

test_args_preserved_and_path_lookup() {
	make_bundle b
	run_in echo "a  b" '$HOME' '*' ''
	assert_success
	assert_eq "$out" 'a  b $HOME * ' "argv (PATH lookup of 'echo', no shell expansion)"
}

test_terminal_false_is_not_a_tty() {
	make_bundle b
	sh_in 'test -t 0 && echo in-tty; test -t 1 && echo out-tty; echo done'
	assert_success
	assert_eq "$out" done "isatty"
}

test_pid_is_one() {
	make_bundle b
	sh_in 'echo $$; readlink /proc/1/exe'
	assert_success
	assert_eq "$out" "$(printf '1\n/bin/busybox')" "pid and /proc/1/exe"
}

test_seccomp_errno() {
	make_bundle b
	cfg_set '.linux.seccomp = {defaultAction: "SCMP_ACT_ALLOW",
		architectures: ["SCMP_ARCH_X86_64", "SCMP_ARCH_X86", "SCMP_ARCH_X32"],
		syscalls: [{names: ["mkdir", "mkdirat"], action: "SCMP_ACT_ERRNO", errnoRet: 1}]}'
	sh_in 'mkdir /tmp/d 2>&1; echo rc=$?; touch /tmp/f && echo touched'
	assert_contains "$out" "Operation not permitted" "mkdir under seccomp"
	assert_contains "$out" "touched" "other syscalls"
	assert_not_contains "$out" "rc=0" "mkdir status"
}
