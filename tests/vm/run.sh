#!/bin/bash
# tests/vm/run.sh [FILTER] — the tests that need a pure cgroup v2 kernel
# (and the guest's LSMs), run inside the VM harness by `make check-vm`:
#
#   ../shared/vm/vmrun.sh --apparmor --disk 16 --ldd runtime/guardrun \
#       --add /usr/bin/jq tests/vm/run.sh
#
# Every t_*.sh beside this script defines test_* functions; each runs in a
# fresh bash (this script with --one) in its own directory, with the
# helpers below.  Output: `ok NAME`, `FAIL NAME: reason` (+ the test's log
# as `#` lines), `skip NAME: reason`, then `N passed, M failed[, K skipped]`;
# exit 1 on any failure.
set -u
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
GUARDRUN=${GUARDRUN:-$HERE/../../runtime/guardrun}
JQ=${JQ:-$(command -v jq || echo /usr/bin/jq)}
VMT_TIMEOUT=${VMT_TIMEOUT:-180}

# ---------------------------------------------------------------- helpers --
fail() { printf '%s\n' "$*" >"$TEST_DIR/.reason"; echo "FAIL: $*" >&2; exit 1; }
skip() { printf '%s\n' "$*" >"$TEST_DIR/.reason"; exit 77; }
jq() { "$JQ" "$@"; }
# the runtime with this run's state root, under a timeout
rt() { timeout 60 "$GUARDRUN" --root "$VMT_STATE" "$@"; }
# rt_capture ARGS: results in $status $out $err
rt_capture() {
	rt "$@" </dev/null >"$TEST_DIR/.out" 2>"$TEST_DIR/.err"
	status=$?
	out=$(cat "$TEST_DIR/.out"); err=$(cat "$TEST_DIR/.err")
}
assert_eq() { [[ "$1" == "$2" ]] || fail "${3:-value}: expected '$2', got '$1'"; }
assert_contains() { [[ "$1" == *"$2"* ]] || fail "${3:-output} does not contain '$2': '$1'"; }
# a bundle with guardrun's own hardened default config, on the shared rootfs
make_bundle() {   # [ARGS...] process.args
	BUNDLE=$TEST_DIR/bundle
	mkdir -p "$BUNDLE"
	rm -f "$BUNDLE/config.json"
	"$GUARDRUN" spec --bundle "$BUNDLE" >/dev/null || fail "guardrun spec failed"
	cfg_set '.root = {path: $r, readonly: true} | .process.terminal = false' \
		--arg r "$VMT_ROOTFS"
	(($#)) && set_args "$@"
	return 0
}
cfg_set() {   # JQ-EXPR [jq options]
	local e=$1; shift
	jq "$@" "$e" "$BUNDLE/config.json" >"$BUNDLE/c.new" || fail "jq: $e"
	mv "$BUNDLE/c.new" "$BUNDLE/config.json"
}
# args travel as --arg 0 A0 --arg 1 A1 ...: jq 1.6 would take a "-c" after
# --args for its own option
set_args() {
	local i=0 a named=()
	for a in "$@"; do named+=(--arg "$i" "$a"); i=$((i + 1)); done
	cfg_set '.process.args = ([$ARGS.named | to_entries[]
		| {k: (.key | tonumber), v: .value}] | sort_by(.k) | map(.v))' "${named[@]}"
}
# run ID detached; its cgroup is /sys/fs/cgroup/vmt/ID (CG)
start_bg() {   # ID
	cfg_set '.linux.cgroupsPath = $p' --arg p "/vmt/$1"
	CG=/sys/fs/cgroup/vmt/$1
	# the container's stdio are pipes: SELinux replaces a guest file handed
	# to a confined container with /dev/null
	# shellcheck disable=SC2086
	rt ${VMT_GLOBAL:-} run -d --bundle "$BUNDLE" "$1" </dev/null \
		> >(cat >"$TEST_DIR/$1.out") 2> >(cat >"$TEST_DIR/$1.err") ||
		{ sleep 0.5; fail "run -d $1: $(cat "$TEST_DIR/$1.err")"; }
	IDS+=("$1")
}
status_of() { rt state "$1" 2>/dev/null | jq -r .status; }
wait_for() {   # TRIES CMD...: retry every 0.2 s
	local n=$1; shift
	while ((n-- > 0)); do "$@" && return 0; sleep 0.2; done
	return 1
}
cleanup() {
	local id
	for id in "${IDS[@]}"; do
		"$GUARDRUN" --root "$VMT_STATE" delete --force "$id" >/dev/null 2>&1
	done
}

# ------------------------------------------------------------- child mode --
if [[ ${1:-} == --one ]]; then
	name=$2 TEST_DIR=$3 IDS=()
	for f in "$HERE"/t_*.sh; do source "$f"; done
	cd "$TEST_DIR" || exit 1
	trap cleanup EXIT
	"$name"
	exit $?
fi

# ------------------------------------------------------------ driver mode --
FILTER=${1:-}
[[ -x $GUARDRUN ]] || { echo "run.sh: no runtime at $GUARDRUN"; echo "0 passed, 1 failed"; exit 1; }
[[ -x $JQ ]] || { echo "run.sh: jq missing (vmrun.sh --add /usr/bin/jq)"; echo "0 passed, 1 failed"; exit 1; }
VMT_TMP=$(mktemp -d /tmp/vmt.XXXXXX)
VMT_STATE=$VMT_TMP/state
VMT_ROOTFS=$VMT_TMP/rootfs
export GUARDRUN JQ VMT_TMP VMT_STATE VMT_ROOTFS
export GUARDRUN_DECISION_LOG=$VMT_TMP/decisions.log
cp -a "${VMRUN_ROOTFS:-/var/lib/vmrun/rootfs}" "$VMT_ROOTFS" || exit 1
# SELinux confines containers to container_file_t: label the shared rootfs
# (s0, which every container category set dominates)
if [[ ${VMRUN_LSM:-} == selinux ]]; then
	chcon -R -t container_file_t -l s0 "$VMT_ROOTFS" || exit 1
fi
# device nodes the device-filter tests open (outside the container's /dev)
mknod -m 666 "$VMT_ROOTFS/mem1" c 1 1
if [[ -b ${VMRUN_DISK:-/nonexistent} ]]; then
	mm=$(stat -c '%t %T' "$VMRUN_DISK")
	mknod -m 666 "$VMT_ROOTFS/disk" b $((16#${mm% *})) $((16#${mm#* }))
fi

echo "# runtime: $GUARDRUN ($("$GUARDRUN" --version | head -1)), kernel $(uname -r), lsm ${VMRUN_LSM:-?}"
passed=0 failed=0 skipped=0
for f in "$HERE"/t_*.sh; do
	for name in $(grep -oE '^test_[A-Za-z0-9_]+' "$f"); do
		[[ -n $FILTER ]] && ! grep -qE -- "$FILTER" <<<"$name" && continue
		dir=$VMT_TMP/t/$name
		mkdir -p "$dir"
		timeout "$VMT_TIMEOUT" bash "${BASH_SOURCE[0]}" --one "$name" "$dir" \
			</dev/null >"$dir/.log" 2>&1
		rc=$?
		reason=$(cat "$dir/.reason" 2>/dev/null)
		[[ $rc -eq 143 || $rc -eq 124 ]] && reason="timed out after ${VMT_TIMEOUT}s"
		if [[ $rc -eq 0 ]]; then
			passed=$((passed + 1)); echo "ok $name"
		elif [[ $rc -eq 77 ]]; then
			skipped=$((skipped + 1)); echo "skip $name: $reason"
		else
			failed=$((failed + 1)); echo "FAIL $name: ${reason:-exit status $rc}"
			tail -n 20 "$dir/.log" | sed 's/^/#   /'
		fi
	done
done
# nothing of ours may survive: containers, cgroups
leftover=$(ls "$VMT_STATE" 2>/dev/null; ls -d /sys/fs/cgroup/vmt/*/ 2>/dev/null)
if [[ -n $leftover ]]; then
	failed=$((failed + 1)); echo "FAIL leftovers: $(echo $leftover)"
fi
rmdir /sys/fs/cgroup/vmt 2>/dev/null
summary="$passed passed, $failed failed"
((skipped)) && summary+=", $skipped skipped"
echo "$summary"
((failed == 0))
