# shellcheck shell=bash
# tests/lib/bundle.sh — helpers for the guardrun integration suite.
#
# Sourced by tests/integration/run.sh (driver and per-test child).  Expects:
#   RUNTIME       absolute path of the runtime binary under test
#   RUNTIME_ARGS  extra global flags (word-split on purpose, may be empty)
#   STATE_ROOT    per-run state directory passed as --root
#   GR_TMP        per-run temp dir (rootfs cache lives in $GR_TMP/cache)
#   TEST_DIR      per-test temp dir (cwd of the test), CID a per-test id
#
# Conventions: a test calls `fail MSG` / `skip MSG` (they exit the test's
# process); `run_in`/`rt_capture` leave their results in $status, $out, $err.

shopt -s extglob
LIB_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
status=0 out='' err='' state=''
BUSYBOX=${BUSYBOX:-$(command -v busybox 2>/dev/null || echo /bin/busybox)}

# ---------------------------------------------------------------- results --
fail() {
	printf '%s\n' "$*" | tr '\n' ' ' | sed 's/ *$//' > "$TEST_DIR/.reason"
	echo "FAIL: $*" >&2
	exit 1
}
skip() {
	printf '%s\n' "$*" > "$TEST_DIR/.reason"
	exit 77
}
# require_runtime NAME...: skip unless the runtime under test is one of
# NAME (basename prefix: guardrun, runc, crun), for runtime-specific tests
require_runtime() {
	local n
	for n in "$@"; do [[ ${RUNTIME_NAME:-${RUNTIME##*/}} == "$n"* ]] && return 0; done
	skip "only for $* (runtime under test: ${RUNTIME_NAME:-${RUNTIME##*/}})"
}
# one line, at most 300 chars: for embedding runtime stderr in a reason
oneline() { tr '\n' ' ' <<<"$*" | sed 's/  */ /g; s/ $//' | cut -c1-300; }

assert_eq() {   # ACTUAL EXPECTED [WHAT]
	[[ "$1" == "$2" ]] || fail "${3:-value}: expected '$2', got '$(oneline "$1")'"
}
assert_ne() {   # ACTUAL UNEXPECTED [WHAT]
	[[ "$1" != "$2" ]] || fail "${3:-value}: must not be '$2'"
}
assert_contains() {   # HAYSTACK NEEDLE [WHAT]
	[[ "$1" == *"$2"* ]] || fail "${3:-output} does not contain '$2': '$(oneline "$1")'"
}
assert_not_contains() {
	[[ "$1" != *"$2"* ]] || fail "${3:-output} contains '$2': '$(oneline "$1")'"
}
assert_match() {   # STRING ERE [WHAT]
	[[ "$1" =~ $2 ]] || fail "${3:-output} does not match /$2/: '$(oneline "$1")'"
}
assert_success() {   # [WHAT] — checks $status of the last rt_capture/run_in
	[[ $status -eq 0 ]] || fail "${1:-command} failed (exit $status): $(oneline "$err")"
}
assert_failure() {   # [WHAT]
	[[ $status -ne 0 ]] || fail "${1:-command} succeeded but must fail; out='$(oneline "$out")'"
}
assert_status() {   # N [WHAT]
	[[ $status -eq $1 ]] || fail "${2:-exit status}: expected $1, got $status; err='$(oneline "$err")' out='$(oneline "$out")'"
}

# ---------------------------------------------------------------- runtime --
# rt ARGS...: the runtime with the global flags.  No timeout(1) around it
# (a fork+exec per call adds up on a loaded host): the driver's per-test
# timeout (GRIT_TEST_TIMEOUT) catches a hanging runtime.
rt() {
	# shellcheck disable=SC2086
	"$RUNTIME" $RUNTIME_ARGS --root "$STATE_ROOT" "$@"
}
# rt_capture ARGS...: run rt with stdin </dev/null, results in status/out/err
rt_capture() {
	rt "$@" </dev/null >"$TEST_DIR/.out" 2>"$TEST_DIR/.err"
	status=$?
	slurp out "$TEST_DIR/.out"
	slurp err "$TEST_DIR/.err"
	return 0
}
# slurp VAR FILE: VAR = content of FILE minus trailing newlines (no fork)
slurp() {
	local -n _v=$1
	_v=
	[[ -r $2 ]] && IFS= read -r -d '' _v <"$2"
	_v=${_v%%+($'\n')}
	return 0
}
# run_in CMD...: set process.args and `rt run` the bundle as $CID (or $ID)
run_in() {
	set_args "$@"
	rt_capture run --bundle "$BUNDLE" "${ID:-$CID}"
}
# sh_in 'SCRIPT': run_in /bin/sh -c SCRIPT
sh_in() { run_in /bin/sh -c "$1"; }

# state ID: sets $state (JSON) and returns the runtime's status
state_of() {
	state=$(rt state "$1" 2>"$TEST_DIR/.state.err"); local rc=$?
	[[ $rc -eq 0 ]] || return $rc
	jq -e . >/dev/null 2>&1 <<<"$state" || { echo "state is not JSON: $state" >&2; return 1; }
}
state_field() {   # ID FIELD  -> prints .FIELD of state, empty on error
	local s; s=$(rt state "$1" 2>/dev/null) || return 1
	jq -r ".$2 // empty" <<<"$s"
}
# status and pid without jq (they are polled): "status": "running"
_state_re() {   # ID KEY REGEX
	local s; s=$(rt state "$1" 2>/dev/null) || return 1
	[[ $s =~ \"$2\"[[:space:]]*:[[:space:]]*\"?($3) ]] && echo "${BASH_REMATCH[1]}"
	return 0
}
status_of() { _state_re "$1" status '[a-z]+'; }
pid_of() { _state_re "$1" pid '[0-9]+'; }

# wait_status ID STATUS [TENTHS=100]: poll until the container has STATUS
wait_status() {
	local id=$1 want=$2 n=${3:-100} s=
	while ((n-- > 0)); do
		s=$(status_of "$id")
		[[ "$s" == "$want" ]] && return 0
		sleep 0.1
	done
	fail "container $id: status '$s', expected '$want'"
}
# wait_file FILE NEEDLE [TENTHS=100]
wait_file() {
	local f=$1 needle=$2 n=${3:-100} c
	while ((n-- > 0)); do
		slurp c "$f"
		[[ $c == *"$needle"* ]] && return 0
		sleep 0.1
	done
	fail "'$needle' never appeared in $f: '$(oneline "$c")'"
}
# wait_gone PID [TENTHS=50]: the process is gone (or a zombie)
wait_gone() {
	local pid=$1 n=${2:-50}
	while ((n-- > 0)); do
		[[ -e /proc/$pid ]] || return 0
		[[ "$(awk '{print $3}' "/proc/$pid/stat" 2>/dev/null)" == Z ]] && return 0
		sleep 0.1
	done
	return 1
}

# create ID (detached, stdio to $TEST_DIR/ID.out/.err) and check it is created
create_ok() {   # ID [extra create args...]
	local id=$1; shift
	rt create "$@" --bundle "$BUNDLE" "$id" </dev/null \
		>"$TEST_DIR/$id.out" 2>"$TEST_DIR/$id.err" ||
		fail "create $id failed: $(oneline "$(cat "$TEST_DIR/$id.err")")"
}
start_ok() {
	rt start "$1" </dev/null >/dev/null 2>"$TEST_DIR/.start.err" ||
		fail "start $1 failed: $(oneline "$(cat "$TEST_DIR/.start.err")")"
}
delete_ok() {   # ID [delete args]
	local id=$1; shift
	rt delete "$@" "$id" </dev/null >/dev/null 2>"$TEST_DIR/.delete.err" ||
		fail "delete $* $id failed: $(oneline "$(cat "$TEST_DIR/.delete.err")")"
}
# run a long-lived container in the background via create+start
start_sleeper() {   # ID [args...]   default: sleep 1000
	local id=$1; shift
	if (($#)); then set_args "$@"; else set_args /bin/sleep 1000; fi
	create_ok "$id"
	start_ok "$id"
	wait_status "$id" running
}

# ----------------------------------------------------------------- rootfs --
# make_rootfs DIR: a busybox rootfs (pristine copy built once per run)
make_rootfs() {
	local dir=$1 cache=$GR_TMP/cache/rootfs
	if [[ ! -d $cache ]]; then
		_build_rootfs "$cache.tmp.$$" && mv "$cache.tmp.$$" "$cache" 2>/dev/null ||
			rm -rf "$cache.tmp.$$"
		[[ -d $cache ]] || { echo "make_rootfs: cannot build rootfs" >&2; return 1; }
	fi
	mkdir -p "$(dirname "$dir")"
	cp -a "$cache" "$dir"
}
_build_rootfs() {
	local r=$1 a
	mkdir -p "$r"/{bin,sbin,usr/bin,usr/sbin,etc,tmp,proc,sys,dev,root,home/app,mnt,run,var/tmp}
	chmod 1777 "$r/tmp" "$r/var/tmp"
	chmod 700 "$r/root"
	cp "$BUSYBOX" "$r/bin/busybox" || return 1
	chmod 755 "$r/bin/busybox"
	for a in $("$BUSYBOX" --list); do
		[[ -e $r/bin/$a ]] || ln -s busybox "$r/bin/$a"
	done
	cat >"$r/etc/passwd" <<-'EOF'
	root:x:0:0:root:/root:/bin/sh
	app:x:1000:1000:app:/home/app:/bin/sh
	nobody:x:65534:65534:nobody:/nonexistent:/bin/false
	EOF
	cat >"$r/etc/group" <<-'EOF'
	root:x:0:
	wheel:x:10:
	tty:x:5:
	users:x:100:
	app:x:1000:
	nogroup:x:65534:
	EOF
	chown -R 1000:1000 "$r/home/app"
	echo grit-rootfs >"$r/etc/grit-marker"
}

# ----------------------------------------------------------------- bundle --
# make_bundle DIR [args...]: rootfs + a runc-spec-like config.json.
# Sets BUNDLE=DIR (absolute).  No linux.resources, no cgroupsPath.
make_bundle() {
	local dir=$1; shift
	mkdir -p "$dir"
	BUNDLE=$(cd "$dir" && pwd)
	make_rootfs "$BUNDLE/rootfs" || fail "make_rootfs failed"
	(($#)) || set -- /bin/sh
	_posargs "$@"
	jq -n "${_pos[@]}" "$POS as \$args | "'
	{
	  ociVersion: "1.0.2",
	  process: {
	    terminal: false,
	    user: {uid: 0, gid: 0},
	    args: $args,
	    env: ["PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin",
	          "TERM=xterm"],
	    cwd: "/",
	    capabilities: {
	      bounding:  ["CAP_AUDIT_WRITE","CAP_KILL","CAP_NET_BIND_SERVICE"],
	      effective: ["CAP_AUDIT_WRITE","CAP_KILL","CAP_NET_BIND_SERVICE"],
	      permitted: ["CAP_AUDIT_WRITE","CAP_KILL","CAP_NET_BIND_SERVICE"],
	      ambient:   ["CAP_AUDIT_WRITE","CAP_KILL","CAP_NET_BIND_SERVICE"]
	    },
	    rlimits: [{type: "RLIMIT_NOFILE", hard: 1024, soft: 1024}],
	    noNewPrivileges: true
	  },
	  root: {path: "rootfs", readonly: false},
	  hostname: "grit",
	  mounts: [
	    {destination: "/proc", type: "proc", source: "proc"},
	    {destination: "/dev", type: "tmpfs", source: "tmpfs",
	     options: ["nosuid","strictatime","mode=755","size=65536k"]},
	    {destination: "/dev/pts", type: "devpts", source: "devpts",
	     options: ["nosuid","noexec","newinstance","ptmxmode=0666","mode=0620","gid=5"]},
	    {destination: "/dev/shm", type: "tmpfs", source: "shm",
	     options: ["nosuid","noexec","nodev","mode=1777","size=65536k"]},
	    {destination: "/dev/mqueue", type: "mqueue", source: "mqueue",
	     options: ["nosuid","noexec","nodev"]},
	    {destination: "/sys", type: "sysfs", source: "sysfs",
	     options: ["nosuid","noexec","nodev","ro"]},
	    {destination: "/sys/fs/cgroup", type: "cgroup", source: "cgroup",
	     options: ["nosuid","noexec","nodev","relatime","ro"]}
	  ],
	  linux: {
	    namespaces: [{type: "pid"},{type: "network"},{type: "ipc"},
	                 {type: "uts"},{type: "mount"}],
	    maskedPaths: ["/proc/acpi","/proc/asound","/proc/kcore","/proc/keys",
	      "/proc/latency_stats","/proc/timer_list","/proc/timer_stats",
	      "/proc/sched_debug","/sys/firmware","/proc/scsi"],
	    readonlyPaths: ["/proc/bus","/proc/fs","/proc/irq","/proc/sys",
	      "/proc/sysrq-trigger"]
	  }
	}' >"$BUNDLE/config.json" || fail "make_bundle: jq failed"
}

# cfg_set 'JQ EXPR' [jq options...]: edit $BUNDLE/config.json in place
cfg_set() {
	local expr=$1; shift
	jq "$@" "$expr" "$BUNDLE/config.json" >"$BUNDLE/config.json.new" ||
		fail "cfg_set: jq failed on: $expr"
	mv "$BUNDLE/config.json.new" "$BUNDLE/config.json"
}
# Strings go to jq as numbered --arg NAME VALUE pairs (jq 1.6 would parse a
# "-c" given after --args as its own option) and come back in order through
# $POS, a jq expression: one jq run per edit.
POS='([$ARGS.named | to_entries[] | select(.key | test("^[0-9]+$"))
	| {k: (.key | tonumber), v: .value}] | sort_by(.k) | map(.v))'
_posargs() {   # ARGS... -> sets the array _pos to --arg 0 A0 --arg 1 A1 ...
	local i=0 a
	_pos=()
	for a in "$@"; do _pos+=(--arg "$i" "$a"); i=$((i + 1)); done
}
json_array() {   # ARGS... -> JSON array of strings
	_posargs "$@"
	jq -nc "${_pos[@]}" "$POS"
}
set_args() {   # ARGS...: process.args
	_posargs "$@"
	cfg_set ".process.args = $POS" "${_pos[@]}"
}
cfg_get() { jq -r "$1" "$BUNDLE/config.json"; }
# add_mount DEST TYPE SOURCE [OPTIONS...]
add_mount() {
	local dest=$1 type=$2 src=$3; shift 3
	_posargs "$@"
	cfg_set ".mounts += [{destination: \$d, type: \$t, source: \$s, options: $POS}]" \
		--arg d "$dest" --arg t "$type" --arg s "$src" "${_pos[@]}"
}
# hook entry JSON: hook_json PATH ARG...
hook_json() {
	local path=$1; shift
	_posargs "$@"
	jq -cn --arg p "$path" "${_pos[@]}" "{path: \$p, args: $POS,
		env: [\"PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin\"]}"
}

# ----------------------------------------------------------- capabilities --
CAP_NAMES=(CHOWN DAC_OVERRIDE DAC_READ_SEARCH FOWNER FSETID KILL SETGID SETUID
	SETPCAP LINUX_IMMUTABLE NET_BIND_SERVICE NET_BROADCAST NET_ADMIN NET_RAW
	IPC_LOCK IPC_OWNER SYS_MODULE SYS_RAWIO SYS_CHROOT SYS_PTRACE SYS_PACCT
	SYS_ADMIN SYS_BOOT SYS_NICE SYS_RESOURCE SYS_TIME SYS_TTY_CONFIG MKNOD LEASE
	AUDIT_WRITE AUDIT_CONTROL SETFCAP MAC_OVERRIDE MAC_ADMIN SYSLOG WAKE_ALARM
	BLOCK_SUSPEND AUDIT_READ PERFMON BPF CHECKPOINT_RESTORE)
cap_number() {   # CAP_FOO or FOO -> bit number
	local n=${1#CAP_} i
	for i in "${!CAP_NAMES[@]}"; do
		[[ ${CAP_NAMES[i]} == "$n" ]] && { echo "$i"; return 0; }
	done
	return 1
}
cap_mask() {   # CAP_NAMES... -> 16 hex digits as in /proc/PID/status
	local m=0 c i found
	for c in "$@"; do
		found=
		for i in "${!CAP_NAMES[@]}"; do
			[[ ${CAP_NAMES[i]} == "${c#CAP_}" ]] && { ((m |= 1 << i)); found=1; break; }
		done
		[[ -n $found ]] || fail "unknown capability $c"
	done
	printf '%016x\n' "$m"
}

# --------------------------------------------------------------- leaks ---
# Written in plain bash (no forks): on a loaded host every fork costs
# tens of milliseconds, and these run after every test.
#
# mountinfo_snapshot FILE: the host mount table without mount ids and peer
# groups, one "mountpoint fstype source ..." line per mount
mountinfo_snapshot() {
	local line f out=()
	while read -r -a f; do
		line="${f[*]:2}"
		line=${line// shared:[0-9]*([0-9])/}
		line=${line// master:[0-9]*([0-9])/}
		out+=("$line")
	done </proc/self/mountinfo
	printf '%s\n' "${out[@]}" >"$1"
}
# mount lines (field 3 = mount point) that differ, minus other concurrent
# suite runs' temp dirs (/tmp/grit.* other than ours) and GRIT_MOUNT_IGNORE
_mount_diff() {   # FILE_A FILE_B -> mount points in A but not in B
	local -A seen=()
	local l mp
	local -a f
	while IFS= read -r l; do seen["$l"]=1; done <"$2"
	while IFS= read -r l; do
		[[ -n ${seen["$l"]:-} ]] && continue
		read -r -a f <<<"$l"
		mp=${f[2]}
		if [[ $mp == /tmp/grit.* && $mp != "$GR_TMP"* ]]; then continue; fi
		# parallel mode: other tests of this run are busy in their own dirs
		if [[ -n ${_LEAK_DIR:-} && $mp == "$GR_TMP/t/"* && $mp != "$_LEAK_DIR"* ]]; then continue; fi
		[[ -n ${GRIT_MOUNT_IGNORE:-} && $mp =~ $GRIT_MOUNT_IGNORE ]] && continue
		printf '%s ' "$mp"
	done <"$1"
}
# processes left behind: anything whose root is a rootfs under DIR, or whose
# command line names our state root (a runtime helper / monitor) — and, if
# ID_PREFIX is given (parallel mode), also names an id with that prefix
leaked_pids() {   # DIR [ID_PREFIX]
	local dir=$1 idp=${2:-} p r a roots=() hit
	local -a argv
	for r in "$dir"/rootfs "$dir"/*/rootfs "$dir"/*/*/rootfs "$dir"/*/*/*/rootfs; do
		[[ -d $r && ! -L $r ]] && roots+=("$r")
	done
	for p in /proc/[0-9]*; do
		p=${p#/proc/}
		[[ $p == "$$" || $p == "$BASHPID" ]] && continue
		for r in "${roots[@]}"; do
			# -ef: same device and inode (a zombie has no root: no match)
			if [[ /proc/$p/root -ef $r ]]; then echo "$p"; continue 2; fi
		done
		mapfile -d '' -t argv 2>/dev/null </proc/$p/cmdline || continue
		hit=0
		for a in "${argv[@]}"; do
			[[ $a == *"$STATE_ROOT"* ]] && hit=1
		done
		if ((hit)) && [[ -n $idp ]]; then
			hit=0
			for a in "${argv[@]}"; do [[ $a == "$idp"* ]] && hit=1; done
		fi
		((hit)) && echo "$p"
	done
	return 0
}
_cgroups_named() {   # PREFIX: cgroup dirs (any hierarchy, depth <= 4)
	local d
	for d in /sys/fs/cgroup/"$1"* /sys/fs/cgroup/*/"$1"* /sys/fs/cgroup/*/*/"$1"* \
		/sys/fs/cgroup/*/*/*/"$1"* /sys/fs/cgroup/*/*/*/*/"$1"*; do
		[[ -d $d ]] && printf '%s\n' "$d"
	done
}
# assert_no_leaks BEFORE_SNAPSHOT DIR ID_PREFIX [scoped]: prints problems,
# returns 1 if any.  "scoped" (parallel runs): only look at what belongs to
# this test — its ids, its dir — not at the whole state root.
assert_no_leaks() {
	local before=$1 dir=$2 prefix=$3 scoped=${4:-} problems=() l f
	local after=$dir/.mnt.after _LEAK_DIR=
	local -a a
	[[ -n $scoped ]] && _LEAK_DIR=$dir
	mountinfo_snapshot "$after"
	l=$(_mount_diff "$after" "$before")
	[[ -n $l ]] && problems+=("new host mounts: $l")
	l=$(_mount_diff "$before" "$after")
	[[ -n $l ]] && problems+=("host mounts gone: $l")
	if [[ -n $scoped ]]; then
		a=("$STATE_ROOT/$prefix"*)
	else
		a=("$STATE_ROOT"/* "$STATE_ROOT"/.[!.]*)
	fi
	l=
	for f in "${a[@]}"; do [[ -e $f || -L $f ]] && l+="${f##*/} "; done
	[[ -n $l ]] && problems+=("state left under --root: $l")
	l=$(leaked_pids "$dir" ${scoped:+"$prefix"})
	[[ -n $l ]] && problems+=("processes left: ${l//$'\n'/ }")
	l=$(_cgroups_named "$prefix")
	[[ -n $l ]] && problems+=("cgroups left: ${l//$'\n'/ }")
	((${#problems[@]})) || return 0
	local IFS=';'
	echo "${problems[*]}"
	return 1
}
# force-remove everything a test left behind (only what this run created).
# "scoped" (parallel runs): only processes naming one of the test's ids, not
# every runtime process of this run (those may belong to a running test).
cleanup_leftovers() {   # DIR ID_PREFIX [scoped]
	local dir=$1 prefix=$2 scoped=${3:-} id p d
	local -a ids=("$STATE_ROOT/$prefix"*)
	for id in "${ids[@]}"; do
		[[ -e $id ]] && rt delete --force "${id##*/}" >/dev/null 2>&1
	done
	for p in $(leaked_pids "$dir" ${scoped:+"$prefix"}); do kill -9 "$p" 2>/dev/null; done
	sleep 0.1
	for id in "${ids[@]}"; do [[ -e $id ]] && rm -rf "$id"; done
	# cgroups named after our ids (created by the runtime, never host ones)
	_cgroups_named "$prefix" | sort -r | while read -r d; do rmdir "$d" 2>/dev/null; done
	# mounts below our own temp dir (never anything else)
	grep -F " $dir" /proc/self/mountinfo | awk '{print $5}' | sort -r |
		while read -r d; do [[ $d == "$dir"* ]] && umount -l "$d" 2>/dev/null; done
	return 0
}
