# shellcheck shell=bash
# Namespaces, sysctl, user namespaces.

test_namespaces_are_new() {
	make_bundle b
	sh_in 'for n in net uts ipc mnt pid; do readlink /proc/self/ns/$n; done'
	assert_success
	local n i=0 line
	for n in net uts ipc mnt pid; do
		i=$((i + 1))
		line=$(sed -n "${i}p" <<<"$out")
		assert_match "$line" "^$n:\[[0-9]+\]$" "$n namespace link"
		assert_ne "$line" "$(readlink /proc/self/ns/$n)" "$n namespace (same as the host's)"
	done
}

test_pid_namespace_only_sees_own_processes() {
	make_bundle b
	sh_in 'sleep 100 & ls /proc | grep -c "^[0-9]"; kill $!'
	assert_success
	# sh, sleep, ls, grep (and possibly the subshell)
	[[ $out =~ ^[0-9]+$ ]] && ((out >= 2 && out <= 5)) || fail "container sees '$out' processes"
}

test_join_network_namespace_by_path() {
	make_bundle b
	start_sleeper "$CID"
	local pid; pid=$(pid_of "$CID")
	local want; want=$(readlink "/proc/$pid/ns/net")
	ID=$CID-b
	cfg_set '.linux.namespaces = [.linux.namespaces[] | if .type == "network" then .path = $p else . end]' \
		--arg p "/proc/$pid/ns/net"
	run_in /bin/readlink /proc/self/ns/net
	delete_ok "$CID" --force
	assert_success "run joining a network namespace"
	assert_eq "$out" "$want" "joined network namespace"
}

test_sysctl() {
	make_bundle b
	local host_before; host_before=$(cat /proc/sys/net/ipv4/ip_forward)
	cfg_set '.linux.sysctl = {"net.ipv4.ip_forward": "1", "kernel.msgmax": "4321"}'
	run_in /bin/cat /proc/sys/net/ipv4/ip_forward /proc/sys/kernel/msgmax
	assert_success
	assert_eq "$out" "$(printf '1\n4321')" "sysctls inside"
	assert_eq "$(cat /proc/sys/net/ipv4/ip_forward)" "$host_before" "host ip_forward"
}

test_sysctl_outside_namespace_refused() {
	# kernel.* sysctls that are not namespaced (and net.* without a netns)
	# would change the host: the runtime must refuse them
	make_bundle b
	cfg_set '.linux.sysctl = {"kernel.panic": "77"}'
	local before; before=$(cat /proc/sys/kernel/panic)
	run_in /bin/true
	assert_eq "$(cat /proc/sys/kernel/panic)" "$before" "host kernel.panic"
	assert_failure "non-namespaced sysctl"
	cfg_set '.linux.sysctl = {"kernel.shmmni": "1234"}'
	run_in /bin/cat /proc/sys/kernel/shmmni
	assert_success "namespaced kernel.shm* sysctl (control)"
	assert_eq "$out" 1234 "kernel.shmmni inside"
}

test_cgroup_namespace() {
	make_bundle b
	cfg_set '.linux.namespaces += [{type: "cgroup"}]'
	sh_in 'readlink /proc/self/ns/cgroup; cut -d: -f3 /proc/self/cgroup | sort -u'
	assert_success
	assert_ne "$(head -1 <<<"$out")" "$(readlink /proc/self/ns/cgroup)" "cgroup namespace"
	assert_eq "$(tail -n +2 <<<"$out")" "/" "cgroup paths inside a cgroup namespace"
}

_userns_bundle() {
	make_bundle b
	cfg_set '.linux.namespaces += [{type: "user"}]
		| .linux.uidMappings = [{containerID: 0, hostID: 100000, size: 65536}]
		| .linux.gidMappings = [{containerID: 0, hostID: 100000, size: 65536}]'
}

test_user_namespace_mappings() {
	_userns_bundle
	sh_in 'cat /proc/self/uid_map /proc/self/gid_map; id -u; readlink /proc/self/ns/user'
	assert_success "run in a user namespace"
	assert_eq "$(sed -n 1p <<<"$out" | xargs)" "0 100000 65536" uid_map
	assert_eq "$(sed -n 2p <<<"$out" | xargs)" "0 100000 65536" gid_map
	assert_eq "$(sed -n 3p <<<"$out")" 0 "uid inside"
	assert_ne "$(sed -n 4p <<<"$out")" "$(readlink /proc/self/ns/user)" "user namespace"
}

test_user_namespace_host_uid() {
	_userns_bundle
	start_sleeper "$CID"
	local pid; pid=$(pid_of "$CID")
	local uid; uid=$(awk '/^Uid:/{print $2}' "/proc/$pid/status")
	delete_ok "$CID" --force
	assert_eq "$uid" 100000 "host uid of container root"
}
