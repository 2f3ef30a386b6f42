# shellcheck shell=bash
# File descriptors, cwd, and the console.

test_no_fd_leak_into_container() {
	make_bundle b /bin/ls /proc/self/fd
	echo x >extra
	rt run --bundle "$BUNDLE" "$CID" </dev/null >.out 2>.err 5<extra 7>>extra 9<.
	status=$? out=$(cat .out) err=$(cat .err)
	assert_success
	# 0-2 stdio, 3 = the directory ls is reading
	assert_eq "$(xargs <<<"$out")" "0 1 2 3" "fds open in the container process"
}

test_no_fd_leak_targets() {
	make_bundle b /bin/ls -l /proc/self/fd
	rt run --bundle "$BUNDLE" "$CID" </dev/null >.out 2>.err 5<.
	status=$?; slurp out .out; slurp err .err
	assert_success
	local line n target
	[[ $out == *" 0 -> "* && $out == *" 1 -> "* && $out == *" 2 -> "* ]] ||
		fail "ls -l /proc/self/fd output lacks fds 0-2: '$(oneline "$out")'"
	while read -r line; do
		[[ $line == *" -> "* ]] || continue
		target=${line##* -> }; n=${line% -> *}; n=${n##* }
		case $n in
		0 | 1 | 2) ;;
		*) [[ $target == /proc/*/fd ]] || fail "fd $n is open in the container: $target" ;;
		esac
	done <<<"$out"
}

test_preserve_fds() {
	make_bundle b /bin/sh -c 'cat <&3; cat <&4; [ -e /proc/$$/fd/5 ] && echo fd5-leaked; true'
	echo three >f3; echo four >f4; echo five >f5
	rt run --preserve-fds 2 --bundle "$BUNDLE" "$CID" </dev/null >.out 2>.err 3<f3 4<f4 5<f5
	status=$? out=$(cat .out) err=$(cat .err)
	assert_success "run --preserve-fds 2"
	assert_eq "$out" "$(printf 'three\nfour')" "preserved fds 3 and 4 (and not 5)"
}

test_preserve_fds_with_create() {
	make_bundle b /bin/sh -c 'cat <&3'
	echo via-create >f3
	rt create --preserve-fds 1 --bundle "$BUNDLE" "$CID" </dev/null >"$CID.out" 2>.err 3<f3 ||
		fail "create --preserve-fds: $(cat .err)"
	start_ok "$CID"
	wait_status "$CID" stopped
	delete_ok "$CID"
	assert_eq "$(cat "$CID.out")" via-create "fd 3 passed by create --preserve-fds"
}

test_cwd_is_inside_root() {
	make_bundle b
	sh_in 'readlink /proc/self/cwd; readlink /proc/self/root; [ -e /etc/grit-marker ] && echo rootfs'
	assert_success
	assert_eq "$out" "$(printf '/\n/\nrootfs')" "cwd and root"
}

# CVE-2024-21626: a cwd of /proc/self/fd/N must not reach a runtime fd that
# points at the host.  Either the run fails or the process is inside the root.
test_cwd_proc_self_fd_no_escape() {
	[[ -e /etc/debian_version || -e /etc/os-release ]] || skip "no host marker file"
	local marker=/etc/debian_version; [[ -e $marker ]] || marker=/etc/os-release
	make_bundle b
	local n
	for n in 3 4 5 6 7 8 9; do
		cfg_set '.process.cwd = $c' --arg c "/proc/self/fd/$n"
		sh_in "cd ../../../../../../../../.. 2>/dev/null; [ -e .$marker ] && echo ESCAPED-$n; true"
		assert_not_contains "$out" ESCAPED "host root reachable via cwd /proc/self/fd/$n"
	done
	# control: the same script with a plain cwd runs
	cfg_set '.process.cwd = "/tmp"'
	sh_in "cd ../../../../../../../../.. 2>/dev/null; [ -e .$marker ] && echo ESCAPED; pwd"
	assert_success "control run with cwd /tmp"
	assert_eq "$out" / "control run"
}

_recvtty() {   # SOCKET OUTFILE [args]: start recvtty.py in the background
	python3 "$LIB_DIR/recvtty.py" "$@" >recvtty.log 2>&1 &
	RECVTTY_PID=$!
	local n=50
	while ((n-- > 0)); do [[ -S $1 ]] && return 0; sleep 0.1; done
	fail "recvtty did not start: $(cat recvtty.log)"
}

test_console_socket() {
	command -v python3 >/dev/null || skip "python3 missing"
	make_bundle b /bin/sh -c 'tty; [ -t 0 ] && [ -t 1 ] && [ -t 2 ] && echo all-tty;
		[ -c /dev/console ] && echo has-console; echo TERM=$TERM'
	cfg_set '.process.terminal = true'
	_recvtty "$TEST_DIR/console.sock" "$TEST_DIR/console.out"
	rt create --console-socket "$TEST_DIR/console.sock" --bundle "$BUNDLE" "$CID" \
		</dev/null >.out 2>.err || { kill "$RECVTTY_PID" 2>/dev/null; fail "create with --console-socket: $(cat .err)"; }
	start_ok "$CID"
	wait_status "$CID" stopped
	wait "$RECVTTY_PID"
	local rc=$?
	delete_ok "$CID"
	((rc == 0)) || fail "recvtty exit $rc: $(cat recvtty.log)"
	local got; got=$(tr -d '\r' <console.out)
	assert_contains "$got" /dev/pts/0 "tty"
	assert_contains "$got" all-tty "isatty 0/1/2"
	assert_contains "$got" has-console "/dev/console"
	assert_contains "$(cat recvtty.log)" "got-fd /dev/pts/ptmx" "received fd"
}

test_console_input() {
	command -v python3 >/dev/null || skip "python3 missing"
	make_bundle b /bin/sh -c 'read line; echo "got:$line"'
	cfg_set '.process.terminal = true'
	_recvtty "$TEST_DIR/c.sock" "$TEST_DIR/c.out" --input $'hello-tty\n'
	rt create --console-socket "$TEST_DIR/c.sock" --bundle "$BUNDLE" "$CID" \
		</dev/null >.out 2>.err || { kill "$RECVTTY_PID" 2>/dev/null; fail "create: $(cat .err)"; }
	start_ok "$CID"
	wait_status "$CID" stopped
	wait "$RECVTTY_PID"
	delete_ok "$CID"
	assert_contains "$(tr -d '\r' <c.out)" "got:hello-tty" "input through the pty"
}

test_terminal_without_console_socket_errors() {
	make_bundle b /bin/true
	cfg_set '.process.terminal = true'
	rt_capture create --bundle "$BUNDLE" "$CID"
	assert_failure "create with terminal=true and no --console-socket"
}
