# shellcheck shell=bash
# The security policy (profiles/policy/README.md): refusals before anything
# exists, what a default container runs under, harden, audit, `check`,
# `policy show`.  These tests choose their policy and mode themselves
# (`make check` runs the suite with --policy-mode audit).

# pol PRESET|FILE ARGS...: the runtime under that policy, enforcing
pol() {
	local p=$1; shift
	rt --policy "$p" --policy-mode enforce "$@"
}
pol_capture() {
	pol "$@" </dev/null >"$TEST_DIR/.out" 2>"$TEST_DIR/.err"
	status=$?
	slurp out "$TEST_DIR/.out"
	slurp err "$TEST_DIR/.err"
	return 0
}
_declog() {
	export GUARDRUN_DECISION_LOG=$TEST_DIR/decisions.log
	: >"$GUARDRUN_DECISION_LOG"
}
# a config PSS restricted accepts as it is
_restricted_bundle() {
	make_bundle b "$@"
	cfg_set '.process.user = {uid: 65534, gid: 65534}
		| .process.capabilities = {bounding: ["CAP_NET_BIND_SERVICE"],
			effective: ["CAP_NET_BIND_SERVICE"], permitted: ["CAP_NET_BIND_SERVICE"]}
		| .root.readonly = true
		| .linux.namespaces += [{type: "cgroup"}]'
}
_nothing_created() {   # ID
	rt_capture state "$1"
	assert_failure "state of a refused container"
	[[ -z $(ls -A "$STATE_ROOT" 2>/dev/null) ]] || fail "state left: $(ls -A "$STATE_ROOT")"
}
_count() {   # NEEDLE TEXT -> number of lines containing NEEDLE
	grep -cF -- "$1" <<<"$2"
}

test_policy_restricted_refuses_a_root_config() {
	require_runtime guardrun
	_declog
	make_bundle b /bin/true
	pol_capture restricted run --bundle "$BUNDLE" "$CID"
	assert_failure "run of a root config under restricted"
	assert_contains "$err" "guardrun: policy restricted refused process.user.uid: runs as uid 0 outside a user namespace (PSS restricted: Running as Non-root)"
	assert_contains "$err" "policy restricted refused process.capabilities: CAP_AUDIT_WRITE, CAP_KILL not allowed"
	assert_contains "$err" "policy restricted refused root.readonly"
	assert_contains "$err" "policy restricted refused linux.namespaces[cgroup]"
	_nothing_created "$CID"
	local log; log=$(cat "$GUARDRUN_DECISION_LOG")
	assert_eq "$(_count '"verdict":"refuse"' "$log")" 4 "refuse decisions"
	assert_eq "$(_count "\"id\":\"$CID\"" "$log")" 4 "decisions name the container"
	assert_eq "$(_count "\"bundle\":\"$BUNDLE\"" "$log")" 4 "decisions name the bundle"
	jq -e . "$GUARDRUN_DECISION_LOG" >/dev/null || fail "decision log is not JSON lines"
}

test_policy_refusal_is_one_log_line_per_finding() {
	require_runtime guardrun
	_declog
	make_bundle b /bin/true
	pol_capture restricted --log "$TEST_DIR/log.json" --log-format json \
		create --bundle "$BUNDLE" "$CID"
	assert_failure "create"
	assert_eq "$(_count 'guardrun: policy restricted refused' "$err")" 4 "stderr lines"
	local n; n=$(jq -r 'select(.level == "error") | .msg' "$TEST_DIR/log.json" | grep -c '^policy restricted refused')
	assert_eq "$n" 4 "error lines in the runc-format log"
	_nothing_created "$CID"
}

test_policy_privileged_config_refused_on_every_count() {
	require_runtime guardrun
	_declog
	make_bundle b /bin/true
	local all; all=$(printf '"CAP_%s",' "${CAP_NAMES[@]}"); all="[${all%,}]"
	cfg_set ".process.capabilities = {bounding: $all, effective: $all, permitted: $all,
			inheritable: $all, ambient: $all}
		| .process.noNewPrivileges = false
		| .linux.namespaces = [{type: \"mount\"}]
		| .linux.resources = {devices: [{allow: true, access: \"rwm\"}]}
		| .linux.seccomp = {defaultAction: \"SCMP_ACT_ALLOW\"}
		| .process.apparmorProfile = \"unconfined\"
		| .linux.maskedPaths = [] | .linux.readonlyPaths = []
		| .mounts += [{destination: \"/host\", type: \"bind\", source: \"/\", options: [\"rbind\"]}]"
	pol_capture restricted run --bundle "$BUNDLE" "$CID"
	assert_failure "privileged run"
	local rule
	for rule in process.capabilities 'linux.namespaces[pid]' 'linux.namespaces[network]' \
		'mounts[7].source' 'linux.resources.devices[0]' linux.maskedPaths \
		linux.readonlyPaths root.readonly process.user.uid process.noNewPrivileges \
		process.apparmorProfile linux.seccomp; do
		assert_contains "$err" "policy restricted refused $rule:" "refusal of $rule"
	done
	assert_contains "$err" "bind mount of the host's /: it contains /proc"
	local n; n=$(_count '"verdict":"refuse"' "$(cat "$GUARDRUN_DECISION_LOG")")
	assert_eq "$n" "$(_count 'policy restricted refused' "$err")" "one decision per line"
	_nothing_created "$CID"
}

# inside a default container: seccomp filter, no_new_privs, no capabilities
test_policy_restricted_config_runs_unchanged_and_confined() {
	require_runtime guardrun
	_declog
	_restricted_bundle cat /proc/self/status
	pol_capture restricted run --bundle "$BUNDLE" "$CID"
	assert_success "run of a restricted config"
	assert_match "$out" $'Seccomp:[ \t]+2' "Seccomp"
	assert_match "$out" $'NoNewPrivs:[ \t]+1' "NoNewPrivs"
	assert_match "$out" $'CapEff:[ \t]+0000000000000000' "CapEff"
	assert_match "$out" $'Uid:[ \t]+65534' "uid"
	local log; log=$(cat "$GUARDRUN_DECISION_LOG")
	assert_eq "$(_count '"verdict":"allow"' "$log")" 1 "allow decision"
	assert_eq "$(_count '"verdict":"refuse"' "$log")" 0 "refusals"
}

test_policy_default_seccomp_blocks_escape_syscalls() {
	require_runtime guardrun
	_declog
	# an unprivileged user may create a user namespace on this kernel: the
	# default seccomp profile is what stops it
	unshare -U true 2>/dev/null || skip "unprivileged user namespaces are off"
	_restricted_bundle /bin/sh -c '
		unshare -U true 2>/dev/null && echo unshare-ok
		ls / >/dev/null && echo ls-ok'
	pol_capture restricted run --bundle "$BUNDLE" "$CID"
	assert_success "run"
	assert_contains "$out" ls-ok
	assert_not_contains "$out" unshare-ok "unshare(CLONE_NEWUSER) under the default profile"
}

test_policy_baseline_runs_a_root_config() {
	require_runtime guardrun
	_declog
	make_bundle b /bin/sh -c 'id -u'
	pol_capture baseline run --bundle "$BUNDLE" "$CID"
	assert_success "root config under baseline"
	assert_eq "$out" 0 "uid"
}

test_policy_audit_runs_and_logs_findings() {
	require_runtime guardrun
	_declog
	make_bundle b /bin/true
	rt_capture --policy restricted --policy-mode audit run --bundle "$BUNDLE" "$CID"
	assert_success "audit mode run"
	local log; log=$(cat "$GUARDRUN_DECISION_LOG")
	assert_eq "$(_count '"verdict":"audit"' "$log")" 4 "audit decisions"
	assert_eq "$(_count '"verdict":"refuse"' "$log")" 0 "refusals"
}

test_policy_harden_runs_a_naive_config() {
	require_runtime guardrun
	_declog
	make_bundle b /bin/sh -c 'id -u; id -g; grep -E "^(CapBnd|NoNewPrivs)" /proc/self/status; awk "\$5 == \"/\" {print \"root:\" \$6}" /proc/self/mountinfo'
	cfg_set '.process.noNewPrivileges = false'
	echo '{"extends": "restricted", "harden": true}' >policy.json
	pol_capture "$TEST_DIR/policy.json" run --bundle "$BUNDLE" "$CID"
	assert_success "hardened run"
	assert_eq "$(head -2 <<<"$out" | xargs)" "65534 65534" "uid gid"
	assert_contains "$out" "CapBnd:	0000000000000400" "bounding set cut to NET_BIND_SERVICE"
	assert_contains "$out" "NoNewPrivs:	1"
	assert_match "$out" "root:ro," "root filesystem read-only"
	local log; log=$(cat "$GUARDRUN_DECISION_LOG")
	[[ $(_count '"verdict":"harden"' "$log") -ge 5 ]] || fail "harden decisions: $log"
	assert_eq "$(_count '"verdict":"allow"' "$log")" 1 "allowed after harden"
}

test_policy_annotation_cannot_weaken() {
	require_runtime guardrun
	_declog
	make_bundle b /bin/true
	cfg_set '.annotations = {"io.guardrun.policy": "baseline"}'
	pol_capture restricted run --bundle "$BUNDLE" "$CID"
	assert_failure "annotation asking for baseline under restricted"
	assert_contains "$err" "annotations[io.guardrun.policy]: preset \"baseline\" is not one the admin policy permits"
	assert_contains "$err" "process.user.uid"
	_nothing_created "$CID"
	# asking for a stricter preset is honoured
	make_bundle b2 /bin/true
	cfg_set '.annotations = {"io.guardrun.policy": "restricted"}'
	pol_capture baseline run --bundle "$BUNDLE" "$CID"
	assert_failure "restricted asked for under baseline"
	assert_contains "$err" "process.user.uid"
}

test_policy_host_paths_and_sockets_refused() {
	require_runtime guardrun
	_declog
	_restricted_bundle /bin/true
	ln -s /etc "$TEST_DIR/innocent"
	add_mount /a bind "$TEST_DIR/innocent" rbind ro
	add_mount /b bind /var/run/docker.sock bind
	add_mount /c bind /proc/1 rbind
	pol_capture restricted run --bundle "$BUNDLE" "$CID"
	assert_failure "host paths"
	assert_contains "$err" "bind mount of $TEST_DIR/innocent (the host's /etc): it is inside /etc"
	assert_contains "$err" "container-engine or kubelet socket"
	assert_contains "$err" "bind mount of the host's /proc/1: it is inside /proc"
	_nothing_created "$CID"
}

# the per-container files engines bind in live inside sensitive trees and
# pass through the allow patterns (the node's own paths cannot be used
# here: the same shapes under the test's dir, made sensitive)
test_policy_engine_files_allowed_inside_sensitive_trees() {
	require_runtime guardrun
	_declog
	_restricted_bundle /bin/cat /etc/hosts /data/x
	mkdir -p kubelet/pods/uid/volumes/kubernetes.io~empty-dir/data kubelet/pki
	echo "127.0.0.1 grit" >kubelet/pods/uid/etc-hosts
	echo vol >kubelet/pods/uid/volumes/kubernetes.io~empty-dir/data/x
	rt --policy restricted policy show | jq --arg k "$TEST_DIR/kubelet" '
		.name = "node"
		| .mounts.sensitiveSubtrees += [$k]
		| .mounts.allow += [$k + "/pods/*/volumes/**", $k + "/pods/*/etc-hosts"]' >policy.json ||
		fail "make the policy"
	add_mount /etc/hosts bind "$TEST_DIR/kubelet/pods/uid/etc-hosts" rbind rprivate rw
	add_mount /data bind "$TEST_DIR/kubelet/pods/uid/volumes/kubernetes.io~empty-dir/data" rbind rprivate rw
	pol_capture "$TEST_DIR/policy.json" run --bundle "$BUNDLE" "$CID"
	assert_success "kubelet-style mounts"
	assert_eq "$out" $'127.0.0.1 grit\nvol' "contents"
	# a volume that is a symlink out of the allowed shape is judged by its
	# target
	ln -s "$TEST_DIR/kubelet/pki" kubelet/pods/uid/volumes/kubernetes.io~empty-dir/evil
	add_mount /evil bind "$TEST_DIR/kubelet/pods/uid/volumes/kubernetes.io~empty-dir/evil" rbind
	pol_capture "$TEST_DIR/policy.json" run --bundle "$BUNDLE" "$CID"
	assert_failure "symlinked volume"
	assert_contains "$err" "policy node refused mounts[9].source: bind mount of"
	assert_contains "$err" "(the host's $TEST_DIR/kubelet/pki): it is inside $TEST_DIR/kubelet"
	_nothing_created "$CID"
}

test_policy_file_typo_refuses_everything() {
	require_runtime guardrun
	_declog
	make_bundle b /bin/true
	echo '{"extends": "baseline", "mounts": {"alow": ["/"]}}' >policy.json
	pol_capture "$TEST_DIR/policy.json" run --bundle "$BUNDLE" "$CID"
	assert_failure "run under a policy with a typo"
	assert_contains "$err" "mounts.alow: unknown key"
	_nothing_created "$CID"
	rt_capture --policy "$TEST_DIR/policy.json" policy show
	assert_failure "policy show"
}

test_policy_show() {
	require_runtime guardrun
	_declog
	rt_capture --policy baseline policy show
	assert_success "policy show"
	assert_eq "$(jq -r .name <<<"$out")" baseline "name"
	assert_eq "$(jq -r '.capabilities.allowed | length' <<<"$out")" 14 "baseline capabilities"
	rt_capture --policy restricted --policy-mode audit policy show
	assert_eq "$(jq -r .mode <<<"$out")" audit "--policy-mode"
	# what it prints loads back
	jq '.name = "copy"' <<<"$out" >copy.json
	rt_capture --policy "$TEST_DIR/copy.json" policy show
	assert_success "policy show of the shown policy"
	assert_eq "$(jq -r .name <<<"$out")" copy "name of the copy"
	GUARDRUN_POLICY=sandbox rt_capture policy show
	assert_eq "$(jq -r .name <<<"$out")" sandbox "GUARDRUN_POLICY"
}

test_check_lints_without_running() {
	require_runtime guardrun
	_declog
	make_bundle b /bin/true
	rt_capture check --policy restricted "$BUNDLE"
	assert_status 1 "check of a root config"
	assert_contains "$out" "GR-USER-001 process.user.uid: runs as uid 0 outside a user namespace [PSS restricted: Running as Non-root]"
	assert_contains "$out" "4 violations of policy restricted"
	rt_capture check --policy restricted --format json "$BUNDLE/config.json"
	assert_status 1 "check --format json"
	assert_eq "$(jq -r .ok <<<"$out")" false "ok"
	assert_eq "$(jq -r '[.findings[].rule] | join(" ")' <<<"$out")" \
		"GR-CAP-001 GR-NS-001 GR-ROOT-001 GR-USER-001" "rules"
	rt_capture check --policy baseline "$BUNDLE"
	assert_status 0 "check under baseline"
	assert_contains "$out" "passes policy baseline"
	rt_capture check "$TEST_DIR/nonexistent"
	assert_status 2 "check of a missing config"
	[[ -z $(ls -A "$STATE_ROOT" 2>/dev/null) ]] || fail "check created state"
}

test_policy_exec_process_checked() {
	require_runtime guardrun
	_declog
	_restricted_bundle /bin/sleep 1000
	local RUNTIME_ARGS="$RUNTIME_ARGS --policy restricted --policy-mode enforce"
	start_sleeper "$CID" /bin/sleep 1000
	rt_capture exec --cap CAP_SYS_ADMIN "$CID" /bin/true
	if [[ $err == *"not available in this build"* ]]; then
		delete_ok "$CID" --force
		skip "exec is not implemented yet"
	fi
	assert_failure "exec --cap CAP_SYS_ADMIN"
	assert_contains "$err" "policy restricted refused process.capabilities: CAP_SYS_ADMIN"
	rt_capture exec "$CID" /bin/true
	assert_success "plain exec"
	delete_ok "$CID" --force
}
