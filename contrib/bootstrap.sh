#!/usr/bin/env bash
# One-stop set-up for a fresh Debian 12 machine (run as root):
#   contrib/bootstrap.sh demo   install, build, run a demo container
#   contrib/bootstrap.sh test   install, build, run every test
set -euo pipefail
cd "$(dirname "$0")/.."

# build deps, then what the tests compare against or run inside containers;
# libclang-rt-14-dev (libFuzzer, the sanitizer runtimes) is only a Recommends
# of clang, which --no-install-recommends skips: make fuzz, tests/sanitize.sh
PKGS="build-essential autoconf automake pkg-config libseccomp-dev libcap-dev
libselinux1-dev libyajl-dev libsystemd-dev libcriterion-dev busybox-static jq runc crun
iproute2 python3 clang libclang-rt-14-dev"

install_deps() {
  local missing=()
  for p in $PKGS; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' \
      || missing+=("$p")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  echo "bootstrap: installing ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
}

build() {
  [ -x configure ] || autoreconf -fi >/dev/null
  [ -f Makefile ] || ./configure -q "$@"
  make -j"$(nproc)" >/dev/null
}

demo() {
  local dir
  dir=$(mktemp -d /tmp/guardrun-demo.XXXXXX)
  trap 'rm -rf "$dir"' RETURN
  mkdir -p "$dir/rootfs/bin"
  cp /bin/busybox "$dir/rootfs/bin/"
  chroot "$dir/rootfs" /bin/busybox --install -s /bin
  printf 'root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/:/bin/sh\n' \
    >"$dir/rootfs/etc/passwd" 2>/dev/null || {
      mkdir -p "$dir/rootfs/etc"
      printf 'root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/:/bin/sh\n' \
        >"$dir/rootfs/etc/passwd"; }
  ./runtime/guardrun spec --bundle "$dir"
  # the hardened default, with a command that shows what the policy did
  jq '.process.terminal=false | .process.args=["sh","-c",
      "echo hello from guardrun; id; grep -E \"^(Seccomp|NoNewPrivs|CapEff):\" /proc/self/status; touch /x 2>&1 || true"]' \
    "$dir/config.json" >"$dir/c.json" && mv "$dir/c.json" "$dir/config.json"
  echo "== guardrun check (restricted policy)"
  ./runtime/guardrun check "$dir"
  echo "== guardrun run"
  GUARDRUN_DECISION_LOG="$dir/decisions.log" \
    ./runtime/guardrun --root "$dir/state" run --bundle "$dir" demo
}

case "${1:-}" in
  demo) install_deps; build; demo ;;
  test) install_deps; build; make check ;;
  deps) install_deps ;;
  *) echo "usage: $0 demo|test|deps" >&2; exit 2 ;;
esac
