# shellcheck shell=bash
# kill: signal names and numbers, --all, error cases.

# a container whose pid 1 reports the signals it gets (pid 1 of a pid
# namespace only receives signals it has a handler for)
_start_trapper() {
	make_bundle b /bin/sh -c '
		trap "echo got-TERM; exit 3" TERM
		trap "echo got-USR1; exit 4" USR1
		trap "echo got-HUP; exit 5" HUP
		echo ready
		while :; do sleep 0.1; done'
	create_ok "$CID"
	start_ok "$CID"
	wait_file "$CID.out" ready
}
_expect_got() {   # SIGNAL
	wait_file "$CID.out" "got-$1" 50
	wait_status "$CID" stopped
	delete_ok "$CID"
}

test_kill_by_name_TERM() {
	_start_trapper
	rt kill "$CID" TERM 2>.err || fail "kill TERM: $(cat .err)"
	_expect_got TERM
}

test_kill_by_name_with_SIG_prefix() {
	_start_trapper
	rt kill "$CID" SIGUSR1 2>.err || fail "kill SIGUSR1: $(cat .err)"
	_expect_got USR1
}

test_kill_by_number() {
	_start_trapper
	rt kill "$CID" 1 2>.err || fail "kill 1: $(cat .err)"
	_expect_got HUP
}

test_kill_default_signal_is_TERM() {
	_start_trapper
	rt kill "$CID" 2>.err || fail "kill without a signal: $(cat .err)"
	_expect_got TERM
}

test_kill_SIGKILL_name_and_9() {
	make_bundle b
	start_sleeper "$CID"
	rt kill "$CID" SIGKILL 2>.err || fail "kill SIGKILL: $(cat .err)"
	wait_status "$CID" stopped
	delete_ok "$CID"
	start_sleeper "$CID"
	rt kill "$CID" 9 2>.err || fail "kill 9: $(cat .err)"
	wait_status "$CID" stopped
	delete_ok "$CID"
}

test_kill_invalid_signal_errors() {
	make_bundle b
	start_sleeper "$CID"
	rt_capture kill "$CID" NOSUCHSIGNAL
	assert_failure "kill with an unknown signal name"
	rt_capture kill "$CID" 999
	assert_failure "kill with signal 999"
	assert_eq "$(status_of "$CID")" running "status"
	delete_ok "$CID" --force
}

test_kill_all() {
	make_bundle b /bin/sh -c 'sleep 1000 & sleep 1000 & echo ready; wait'
	create_ok "$CID"
	start_ok "$CID"
	wait_file "$CID.out" ready
	local pid kids; pid=$(pid_of "$CID")
	kids=$(cat /proc/"$pid"/task/*/children 2>/dev/null)
	[[ -n $kids ]] || fail "no child processes found under $pid"
	rt kill --all "$CID" KILL 2>.err || fail "kill --all: $(cat .err)"
	wait_status "$CID" stopped
	for k in $kids; do wait_gone "$k" || fail "process $k survived kill --all"; done
	delete_ok "$CID"
}

test_kill_created_container() {
	make_bundle b /bin/sleep 1000
	create_ok "$CID"
	rt kill "$CID" KILL 2>.err || fail "kill of a created container: $(cat .err)"
	wait_status "$CID" stopped
	delete_ok "$CID"
}

test_kill_stopped_errors() {
	make_bundle b /bin/true
	create_ok "$CID"
	start_ok "$CID"
	wait_status "$CID" stopped
	rt_capture kill "$CID" KILL
	assert_failure "kill of a stopped container"
	delete_ok "$CID"
}
