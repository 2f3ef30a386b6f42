#!/usr/bin/env bash
# Runs every test `make check` owns: the criterion unit tests, the fuzz
# harnesses over their seed corpora (tests/fuzz/replay.c), then the
# integration suite against the freshly built runtime.  Ends with the line
# "N passed, M failed" and exits non-zero if anything failed.
set -u
top=${abs_top_builddir:-$(cd "$(dirname "$0")/.." && pwd)}
src=${abs_top_srcdir:-$top}
passed=0 failed=0 skipped=0
log=$(mktemp)
trap 'rm -f "$log" "$log.decisions"' EXIT

for t in ${UNIT_TESTS:-}; do
  echo "== unit: $t"
  "$top/$t" --jobs 2 >"$log" 2>&1
  rc=$?
  cat "$log"
  line=$(grep -a 'Synthesis:' "$log" | tail -n1)
  if [ -z "$line" ]; then
    echo "FAIL $t: no criterion summary (exit $rc)"
    failed=$((failed + 1))
    continue
  fi
  p=$(sed -n 's/.*Passing: \([0-9]*\).*/\1/p' <<<"$line")
  f=$(sed -n 's/.*Failing: \([0-9]*\).*/\1/p' <<<"$line")
  c=$(sed -n 's/.*Crashing: \([0-9]*\).*/\1/p' <<<"$line")
  passed=$((passed + p)) failed=$((failed + f + c))
  # a non-zero exit with zero failures still fails (sanitizer report, abort)
  if [ "$rc" -ne 0 ] && [ $((f + c)) -eq 0 ]; then
    echo "FAIL $t: exit $rc"
    failed=$((failed + 1))
  fi
done

# every fuzz harness over its seed corpus (regression inputs included)
for r in ${FUZZ_REPLAY:-}; do
  t=${r##*/replay_}
  echo "== fuzz replay: $t"
  if "$top/$r" "$src/tests/fuzz/corpus/$t"; then
    passed=$((passed + 1))
  else
    echo "FAIL fuzz replay $t: a seed in tests/fuzz/corpus/$t crashes it"
    failed=$((failed + 1))
  fi
done

# SKIP_INTEGRATION=1: unit tests and fuzz replay only; INTEGRATION_FILTER:
# an ERE on integration test names (tests/sanitize.sh passes both through)
if [ -x "$src/tests/integration/run.sh" ] && [ -z "${SKIP_INTEGRATION:-}" ]; then
  echo "== integration"
  # the lifecycle tests use root containers with default capabilities on
  # purpose: the policy audits them (t_policy.sh and t_cve.sh ask for
  # enforce themselves); decisions go to a temp file, not the host's log
  RUNTIME_ARGS=${RUNTIME_ARGS---policy-mode audit} \
  GUARDRUN_DECISION_LOG=${GUARDRUN_DECISION_LOG:-$log.decisions} \
  RUNTIME=${GUARDRUN:-$top/runtime/guardrun} "$src/tests/integration/run.sh" \
    ${INTEGRATION_FILTER:+"$INTEGRATION_FILTER"} 2>&1 | tee "$log"
  line=$(grep -aE '^[0-9]+ passed, [0-9]+ failed' "$log" | tail -n1)
  if [ -z "$line" ]; then
    echo "FAIL integration: no summary"
    failed=$((failed + 1))
  else
    p=${line%% passed*}
    f=$(sed -n 's/^[0-9]* passed, \([0-9]*\) failed.*/\1/p' <<<"$line")
    s=$(sed -n 's/.*, \([0-9]*\) skipped.*/\1/p' <<<"$line")
    passed=$((passed + p)) failed=$((failed + f)) skipped=$((skipped + ${s:-0}))
  fi
fi

if [ "$skipped" -gt 0 ]; then
  echo "$passed passed, $failed failed, $skipped skipped"
else
  echo "$passed passed, $failed failed"
fi
[ "$failed" -eq 0 ]
