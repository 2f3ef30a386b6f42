#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
#
# Build the libFuzzer harnesses (clang, ASan+UBSan) and run each for
# FUZZ_SECONDS.  Fails on any crash, leak, timeout or sanitizer report and
# names the input that caused it.  `make fuzz FUZZ_SECONDS=N` calls this;
# CI can call it directly.
#
#   tests/fuzz/run.sh [--build-only] [TARGET...]     (targets: json spec ...)
#
# Environment: FUZZ_SECONDS (30), FUZZ_CC (clang), FUZZ_ARGS (extra libFuzzer
# flags, e.g. "-jobs=2 -workers=2"), abs_top_srcdir / abs_top_builddir (the
# configured tree: its config.h is used), FUZZ_BUILDDIR
# (<builddir>/tests/fuzz/build), LIB_SOURCES and GR_LIBS (from Makefile.am
# when unset).
#
# Inputs libFuzzer finds are kept in $FUZZ_BUILDDIR/corpus/<target> (so a
# later run goes on from there); crashes land in $FUZZ_BUILDDIR/artifacts.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
src=${abs_top_srcdir:-$(cd "$here/../.." && pwd)}
top=${abs_top_builddir:-$src}
out=${FUZZ_BUILDDIR:-$top/tests/fuzz/build}
seconds=${FUZZ_SECONDS:-30}
cc=${FUZZ_CC:-clang}
all_targets="json spec state policy seccomp cli"

build_only=false
targets=()
for a in "$@"; do
  case $a in
    --build-only) build_only=true ;;
    -h|--help) sed -n '3,18p' "$0"; exit 0 ;;
    *) [[ " $all_targets " == *" $a "* ]] || { echo "run.sh: unknown target $a ($all_targets)" >&2; exit 2; }
       targets+=("$a") ;;
  esac
done
[ ${#targets[@]} -gt 0 ] || read -ra targets <<<"$all_targets"

die() { echo "fuzz: $*" >&2; exit 2; }
[ -f "$top/config.h" ] || die "$top/config.h missing: run ./configure first"
command -v "$cc" >/dev/null || die "$cc not found (apt-get install clang libclang-rt-14-dev)"
echo 'int LLVMFuzzerTestOneInput(const char *d, unsigned long n){return 0;}' \
  | "$cc" -x c -fsanitize=fuzzer,address,undefined -o /dev/null - 2>/dev/null \
  || die "$cc cannot link -fsanitize=fuzzer: install libclang-rt-14-dev"

# the library's sources, as Makefile.am lists them (shims included)
lib_sources() {
  awk '/^runtime_libguardrun_a_SOURCES[ \t]*=/ { on = 1; sub(/^[^=]*=/, "") }
       on { line = $0; sub(/\\$/, "", line); printf "%s ", line
            if ($0 !~ /\\$/) exit }' "$src/Makefile.am"
}
libs=${GR_LIBS:-$(pkg-config --libs libseccomp libcap libselinux yajl libsystemd)}

mkdir -p "$out"
# a fresh make, not a sub-make of `make fuzz` (no jobserver, no overrides)
env -u MAKEFLAGS -u MFLAGS -u MAKELEVEL make -s -f "$here/fuzz.mk" -j"$(nproc)" \
  FUZZ_CC="$cc" SRCDIR="$src" TOP_BUILDDIR="$top" BUILDDIR="$out" \
  LIB_SOURCES="${LIB_SOURCES:-$(lib_sources)}" LIBS="$libs" \
  WARN_CFLAGS="${WARN_CFLAGS:--Wall -Wextra -Werror -Wno-unused-parameter -Wno-missing-field-initializers}" \
  TARGETS="${targets[*]}"
$build_only && exit 0

# seed directories per target: the JSON parser also gets every JSON seed
seeds() {
  local t=$1 d
  echo "$src/tests/fuzz/corpus/$t"
  if [ "$t" = json ]; then
    for d in spec state policy seccomp; do echo "$src/tests/fuzz/corpus/$d"; done
  fi
}

passed=0 failed=0
for t in "${targets[@]}"; do
  bin=$out/fuzz_$t
  work=$out/corpus/$t
  art=$out/artifacts
  log=$out/fuzz_$t.log
  mkdir -p "$work" "$art"
  dict=()
  [ "$t" != cli ] && dict=(-dict="$here/json.dict")
  mapfile -t dirs < <(seeds "$t")
  echo "== fuzz_$t: ${seconds}s"
  rc=0
  # shellcheck disable=SC2086 # FUZZ_ARGS is a list of flags
  UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1} \
  "$bin" -max_len=65536 -timeout=10 -rss_limit_mb=2048 \
    -max_total_time="$seconds" -print_final_stats=1 \
    -artifact_prefix="$art/fuzz_$t-" "${dict[@]}" ${FUZZ_ARGS:-} \
    "$work" "${dirs[@]}" >"$log" 2>&1 || rc=$?
  stats=$(grep -aE '^(Done|stat::number_of_executed_units)' "$log" | tr '\n' ' ')
  if [ "$rc" -eq 0 ] && ! grep -aqE 'ERROR: (AddressSanitizer|LeakSanitizer|libFuzzer)|runtime error:' "$log"; then
    echo "ok fuzz_$t: $stats"
    passed=$((passed + 1))
  else
    echo "FAIL fuzz_$t (exit $rc): log $log"
    grep -aE 'ERROR|SUMMARY|runtime error|fuzz invariant|Test unit written' "$log" | head -20 | sed 's/^/#   /'
    echo "#   reproduce: $bin <artifact>; then add the artifact to" \
         "tests/fuzz/corpus/$t/ as a regression seed"
    failed=$((failed + 1))
  fi
done
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
