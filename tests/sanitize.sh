#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
#
# The sanitizer leg: build everything with clang, ASan and UBSan
# (./configure --enable-sanitizers) in a separate VPATH build directory and
# run `make check` there: the unit tests, the fuzz corpus replay and the
# integration suite, all against the instrumented runtime.  Fails on any
# test failure and on any sanitizer report, including one from a process
# whose exit status nobody checks (each report also goes to a log file).
#
#   tests/sanitize.sh [FILTER]      FILTER: ERE on integration test names
#
# Environment: SAN_BUILDDIR (default <srcdir>/build-san), SAN_CC (clang),
# SAN_UNIT_ONLY=1 (skip the integration suite).
#
# Why a copy of the sources: automake refuses a VPATH build of a source tree
# that is also configured in place ("source directory already configured"),
# and the usual workflow (and CI) builds in place.  So when the tree is
# configured, the files git knows about (tracked or not ignored) are synced
# to $SAN_BUILDDIR/src, mtimes kept so rebuilds stay incremental, and the
# VPATH build runs from there; an unconfigured tree is used directly.
set -euo pipefail

src=$(cd "$(dirname "$0")/.." && pwd)
out=${SAN_BUILDDIR:-$src/build-san}
cc=${SAN_CC:-clang}
filter=${1:-}
start=$(date +%s)

die() { echo "sanitize: $*" >&2; exit 2; }
command -v "$cc" >/dev/null || die "$cc not found (apt-get install clang libclang-rt-14-dev)"
echo 'int main(void){return 0;}' \
  | "$cc" -x c -fsanitize=address,undefined -o /dev/null - 2>/dev/null \
  || die "$cc cannot link -fsanitize=address,undefined: install libclang-rt-14-dev"

export_sources() {
  local dst=$1 rel
  mkdir -p "$dst"
  (cd "$src" && git ls-files -z -co --exclude-standard) \
    | while IFS= read -r -d '' rel; do
        # the build dirs themselves, and files deleted but still in the index
        case $rel in build-san/*|tests/fuzz/build/*) continue ;; esac
        [ -e "$src/$rel" ] || [ -L "$src/$rel" ] || continue
        printf '%s\0' "$rel"
      done \
    | tar -C "$src" --null -T - -cf - | tar -C "$dst" -xf -
  [ -x "$dst/configure" ] || (cd "$dst" && autoreconf -fi >/dev/null 2>&1) \
    || die "autoreconf failed in $dst"
}

if [ -f "$src/config.status" ]; then
  git -C "$src" rev-parse --is-inside-work-tree >/dev/null 2>&1 \
    || die "$src is configured in place and not a git checkout: run 'make distclean' there"
  export_sources "$out/src"
  srcdir=$out/src
  build=$out/build
else
  [ -x "$src/configure" ] || (cd "$src" && autoreconf -fi >/dev/null)
  srcdir=$src
  build=$out
fi

mkdir -p "$build"
cd "$build"
if [ ! -f Makefile ]; then
  echo "sanitize: configuring $build (CC=$cc, --enable-sanitizers)"
  "$srcdir/configure" -q --enable-sanitizers CC="$cc"
fi
echo "sanitize: building"
make -j"$(nproc)" >/dev/null

# Every report is kept: abort_on_error makes the failing process die (so
# its test fails), log_path keeps the report even when a test expected a
# failure anyway or a forked child's death went unnoticed.
logs=$build/san-logs
rm -rf "$logs"
mkdir -p "$logs"
export ASAN_OPTIONS="detect_leaks=1:abort_on_error=1:log_path=$logs/asan:${ASAN_OPTIONS:-}"
export UBSAN_OPTIONS="halt_on_error=1:print_stacktrace=1:log_path=$logs/ubsan:${UBSAN_OPTIONS:-}"
export LSAN_OPTIONS="suppressions=$srcdir/tests/lsan.supp:${LSAN_OPTIONS:-}"

rc=0
SKIP_INTEGRATION=${SAN_UNIT_ONLY:-} INTEGRATION_FILTER=$filter \
  make check >"$build/check.log" 2>&1 || rc=$?
tail -n 30 "$build/check.log"

reports=$(find "$logs" -type f | sort)
if [ -n "$reports" ]; then
  echo "sanitize: $(wc -l <<<"$reports") sanitizer report(s):"
  for f in $reports; do
    echo "---- $f"
    head -n 40 "$f"
  done
  rc=1
fi
echo "sanitize: $([ "$rc" -eq 0 ] && echo ok || echo FAILED) in $(( $(date +%s) - start ))s (log: $build/check.log)"
exit "$rc"
