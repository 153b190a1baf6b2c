#!/usr/bin/env bash
# Proves the release archives that scripts/dist.sh wrote, on this machine (Linux x86_64):
#
#   scripts/check-dist.sh [--dist DIR] [--no-azurite] TARGET...
#
# For every TARGET: `sha256sum -c` on its .sha256 in DIR (default dist/), the archive holds the
# binary, README.md, CHANGELOG.md, LICENSE, the five completion scripts and man/sasmint.1; then
#   x86_64-unknown-linux-musl   no ELF interpreter and no NEEDED library (static); every offline
#                               output of scripts/snapshot.sh (help, man pages, completions,
#                               tokens in every format, inspect, usage errors: stdout, stderr and
#                               exit code) byte-identical to the host build's, run with `env -i`;
#                               a mint from a truly empty environment; and (unless --no-azurite) a
#                               mint against Azurite over HTTPS through the local managed-identity
#                               endpoint given only IDENTITY_ENDPOINT, IDENTITY_HEADER and
#                               SSL_CERT_FILE, with --verify, whose token then reads a blob (curl)
#   aarch64-unknown-linux-musl  static as above; under qemu-aarch64 the same byte-identical
#   aarch64-unknown-linux-gnu   snapshot (for -gnu: qemu-aarch64 -L /usr/aarch64-linux-gnu)
#   x86_64-pc-windows-gnu       under Wine (/usr/lib/wine/wine64): the same snapshot, where
#                               stdout and exit codes are byte-identical and stderr too except
#                               clap's program name (`sasmint.exe`) and the operating system's
#                               own error texts (listed); --output-file: written, refused without
#                               --force, replaced with it, no temporary file left, same exit codes
#                               as the host build. Wine 8.0 lacks ProcessPrng (Rust's std imports
#                               it from bcryptprimitives.dll): a test-only shim DLL is built and
#                               put beside the unpacked .exe, never in an archive.
# The host build is target/release/sasmint (built if missing), or SASMINT_HOST_BIN.
# Installs qemu-user, libc6-arm64-cross, wine64 and gcc-mingw-w64-x86-64 with apt-get when
# missing (as root), and Azurite through .ci/run's pin when SASMINT_AZURITE is unset.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
. scripts/snapshot-dates.sh   # one day for every snapshot of this run (SNAPSHOT_DAY exported)
dist=dist
azurite=1
targets=()
while [ $# -gt 0 ]; do
  case "$1" in
    --dist) dist=${2:?}; shift 2 ;;
    --no-azurite) azurite=0; shift ;;
    -h|--help) sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
    -*) echo "check-dist.sh: unknown option $1" >&2; exit 2 ;;
    *) targets+=("$1"); shift ;;
  esac
done
[ ${#targets[@]} -gt 0 ] || { echo "usage: scripts/check-dist.sh [--dist DIR] [--no-azurite] TARGET..." >&2; exit 2; }
dist=$(cd "$dist" && pwd)
version=$(sed -n 's/^version = "\(.*\)"$/\1/p' Cargo.toml | head -n1)

fail() { echo "FAIL: $*" >&2; exit 1; }
ok() { echo "ok: $*"; }
apt_need() { # COMMAND PACKAGE...
  command -v "$1" >/dev/null && return 0
  shift
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@" >/dev/null ||
    { apt-get update -qq >/dev/null && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@" >/dev/null; }
}

host_bin=${SASMINT_HOST_BIN:-$ROOT/target/release/sasmint}
if [ ! -x "$host_bin" ]; then
  cargo build --locked --release --bin sasmint
fi
host_bin=$(realpath "$host_bin")

work=$(mktemp -d)
helper_pid=""
cleanup() {
  if [ -n "$helper_pid" ]; then kill "$helper_pid" 2>/dev/null || true; wait "$helper_pid" 2>/dev/null || true; fi
  if [ -n "${WINEPREFIX:-}" ] && command -v wineserver >/dev/null; then WINEPREFIX=$WINEPREFIX wineserver -k 2>/dev/null || true; fi
  rm -rf "$work"
}
trap cleanup EXIT

scripts/snapshot.sh "$host_bin" "$work/snap-host" >/dev/null

unpack() { # TARGET: prints the unpacked directory
  local target=$1 ext=tar.gz name="sasmint-$version-$1"
  case "$target" in *windows*) ext=zip ;; esac
  [ -f "$dist/$name.$ext" ] || fail "$dist/$name.$ext is missing (scripts/dist.sh $target)"
  (cd "$dist" && sha256sum -c --quiet "$name.$ext.sha256") >&2 || fail "$name.$ext: checksum"
  mkdir -p "$work/$target"
  if [ "$ext" = zip ]; then
    python3 -c 'import sys, zipfile; zipfile.ZipFile(sys.argv[1]).extractall(sys.argv[2])' \
      "$dist/$name.$ext" "$work/$target"
  else
    tar -xzf "$dist/$name.$ext" -C "$work/$target"
  fi
  local dir="$work/$target/$name" f
  for f in README.md CHANGELOG.md LICENSE completions/sasmint.bash completions/_sasmint \
    completions/sasmint.fish completions/_sasmint.ps1 completions/sasmint.elv man/sasmint.1 \
    man/sasmint-mint.1; do
    [ -f "$dir/$f" ] || fail "$name.$ext has no $f"
  done
  echo "$dir"
}

static_check() { # BINARY
  local headers
  headers=$(readelf -lW "$1")
  ! grep -q 'INTERP' <<<"$headers" || fail "$1 has an ELF interpreter"
  ! readelf -dW "$1" | grep -q '(NEEDED)' || fail "$1 needs a shared library"
}

# Compares two scripts/snapshot.sh directories. `inspect` reports time left until expiry, which
# moves between the two runs: there, durations and second counts are compared as placeholders.
# With `windows`: stderr may differ in the program name clap prints (`sasmint.exe`) and, for a
# failing command, in the operating system's own error text ("os error N"), each listed.
compare_snapshots() { # LABEL DIR [windows]
  python3 - "$work/snap-host" "$2" "${3:-exact}" <<'PY' || fail "$1: offline outputs differ from the host build's (above)"
import os, re, sys
host, other, mode = sys.argv[1:4]
def parts(path):
    text = open(path, encoding="utf-8", errors="replace").read()
    m = re.match(r"(.*?)== exit (\d+)\n== stdout\n(.*)== stderr\n(.*)\Z", text, re.S)
    return m.group(1), m.group(2), m.group(3), m.group(4)
def timeless(cmd, text):
    if not cmd.startswith("$ sasmint inspect"):
        return text
    # human_duration leaves out a zero unit ("2d 8h 31m" at a whole minute): any run of them.
    text = re.sub(r"\b\d+[dhms](?: \d+[hms])*\b", "<duration>", text)
    text = re.sub(r"(_seconds\"?:\s*)-?\d+", r"\1<n>", text)
    return re.sub(r"\(-?\d+ s\)", "(<n> s)", text)
bad, names, os_texts, timed = [], 0, 0, 0
files = sorted(os.listdir(host))
for f in files:
    h, o = parts(os.path.join(host, f)), parts(os.path.join(other, f))
    cmd = h[0].strip()
    norm = (lambda s: s.replace("sasmint.exe", "sasmint")) if mode == "windows" else (lambda s: s)
    hs, os_ = timeless(cmd, h[2]), timeless(cmd, norm(o[2]))
    he, oe = timeless(cmd, h[3]), timeless(cmd, o[3])
    if (h[2], h[3]) != (norm(o[2]), norm(o[3])) and cmd.startswith("$ sasmint inspect"):
        timed += 1
    if h[0] != o[0] or h[1] != o[1]:
        bad.append(f"{f}: {cmd}: exit {h[1]} (host) vs {o[1]}")
    elif hs != os_:
        bad.append(f"{f}: {cmd}: stdout differs")
    elif he != oe:
        if mode == "windows" and he == timeless(cmd, norm(o[3])):
            names += 1
        elif mode == "windows" and h[1] != "0" and "os error" in he:
            os_texts += 1
            print(f"   stderr: the OS's own error text differs: {cmd}")
        else:
            bad.append(f"{f}: {cmd}: stderr differs:\n{h[3]}---\n{o[3]}")
for b in bad:
    print("   " + b)
extra = f"; stderr differing only in the program name: {names}; in the OS's error text: {os_texts}" if mode == "windows" else ""
print(f"   {len(files)} outputs compared ({timed} inspect outputs with the time left normalised){extra}")
sys.exit(1 if bad else 0)
PY
}

same_snapshot() { # LABEL DIR
  compare_snapshots "$1" "$2"
  ok "$1: $(find "$2" -type f | wc -l) offline outputs (help, man, completions, tokens, inspect, usage errors: stdout, stderr, exit code) byte-identical to the host build's (inspect: time left normalised)"
}

key_inputs() { # DIR: key.json as scripts/snapshot.sh writes it
  printf '%s\n' "$KEY_JSON" >"$1/key.json"
}
MINT=(mint https://myacct.blob.core.windows.net/imagery --start "$TOKEN_START" --expiry "$TOKEN_EXPIRY" --delegation-key key.json)

exit_code() { local rc=0; "$@" >/dev/null 2>&1 </dev/null || rc=$?; echo "$rc"; }

check_azurite() { # BINARY
  local bin=$1 env_file="$work/azure.env"
  export SASMINT_AZURITE=${SASMINT_AZURITE:-$ROOT/.azurite/node_modules/azurite/dist/src/blob/main.js}
  [ -f "$SASMINT_AZURITE" ] || fail "Azurite is missing: run .ci/run's install step, or set SASMINT_AZURITE"
  cargo build --locked --example local_azure >&2
  # Azurite must listen within 15 s; on a loaded machine a start can miss that: five tries.
  local attempt
  for attempt in 1 2 3 4 5; do
    "${CARGO_TARGET_DIR:-$ROOT/target}/debug/examples/local_azure" >"$env_file" 2>"$work/azure.log" &
    helper_pid=$!
    while kill -0 "$helper_pid" 2>/dev/null && ! grep -q '^export DEMO_CONTAINER_URL=' "$env_file"; do sleep 0.2; done
    grep -q '^export DEMO_CONTAINER_URL=' "$env_file" && break
    wait "$helper_pid" 2>/dev/null || true; helper_pid=""
    echo "local_azure did not start (try $attempt): $(grep -m1 'did not start' "$work/azure.log" || true)" >&2
  done
  [ -n "$helper_pid" ] || { cat "$work/azure.log" >&2; fail "local_azure did not start"; }
  # shellcheck disable=SC1090
  (
    source "$env_file"
    token=$(env -i IDENTITY_ENDPOINT="$IDENTITY_ENDPOINT" IDENTITY_HEADER="$IDENTITY_HEADER" \
      SSL_CERT_FILE="$SSL_CERT_FILE" "$bin" mint "$DEMO_CONTAINER_URL" --for ingest \
      --auth managed-identity --verify --output token) || fail "networked mint failed"
    body=$(curl -sS --fail --noproxy '*' --cacert "$SSL_CERT_FILE" "$DEMO_CONTAINER_URL/hello.txt?$token") ||
      fail "the token does not read hello.txt"
    [ "$body" = "hello from azurite" ] || fail "read returned something else"
  )
  ok "$2: minted against Azurite over HTTPS (managed identity, env -i + 3 variables, --verify), token reads a blob"
  kill "$helper_pid"; wait "$helper_pid" 2>/dev/null || true; helper_pid=""
}

check_linux_native() { # TARGET DIR
  local target=$1 bin=$2/sasmint
  case "$target" in
    *-musl) static_check "$bin"
            ok "$target: static (no ELF interpreter, no NEEDED library): $(file -b "$bin" | cut -d, -f1-2)" ;;
  esac
  scripts/snapshot.sh "$bin" "$work/snap-$target" >/dev/null
  same_snapshot "$target" "$work/snap-$target"
  local d="$work/empty-$target"; mkdir -p "$d"; key_inputs "$d"
  (cd "$d" && env -i "$bin" "${MINT[@]}" >target.out && env -i "$host_bin" "${MINT[@]}" >host.out && cmp -s target.out host.out) ||
    fail "$target: a mint from an empty environment differs"
  ok "$target: runs from an empty environment (env -i, no PATH/HOME) with the host build's token"
  if [ "$azurite" = 1 ]; then check_azurite "$bin" "$target"; fi
}

check_qemu() { # TARGET DIR
  local target=$1 bin=$2/sasmint wrapper="$work/qemu-$1"
  apt_need qemu-aarch64 qemu-user
  local sysroot=""
  case "$target" in
    *-musl) static_check "$bin"; ok "$target: static (no ELF interpreter, no NEEDED library)" ;;
    *-gnu) [ -d /usr/aarch64-linux-gnu/lib ] || apt_need /usr/aarch64-linux-gnu/lib/libc.so.6 libc6-arm64-cross
           sysroot="-L /usr/aarch64-linux-gnu" ;;
  esac
  printf '#!/bin/sh\nexec /usr/bin/qemu-aarch64 %s %q "$@"\n' "$sysroot" "$bin" >"$wrapper"
  chmod +x "$wrapper"
  "$wrapper" --version | grep -q "sasmint $version" || fail "$target does not run under qemu-aarch64"
  scripts/snapshot.sh "$wrapper" "$work/snap-$target" >/dev/null
  same_snapshot "$target (qemu-aarch64)" "$work/snap-$target"
  local d="$work/bad-$target"; mkdir -p "$d"; key_inputs "$d"
  local rc
  rc=$(cd "$d" && exit_code "$wrapper" mint not-a-url --delegation-key key.json)
  [ "$rc" = 2 ] || fail "$target: bad input exited $rc, not 2"
  rc=$(cd "$d" && exit_code "$wrapper" "${MINT[@]}" --permissions zz)
  [ "$rc" = 2 ] || fail "$target: bad permissions exited $rc, not 2"
  ok "$target: bad input exits 2 under qemu-aarch64"
}

wine_setup() { # DIR: builds the ProcessPrng shim beside the .exe, prepares a Wine prefix
  apt_need /usr/lib/wine/wine64 wine64
  apt_need x86_64-w64-mingw32-gcc gcc-mingw-w64-x86-64
  cat >"$work/shim.c" <<'C'
/* Test only (Wine 8.0 has no bcryptprimitives.dll): ProcessPrng as RtlGenRandom. Never shipped. */
#include <windows.h>
BOOLEAN WINAPI SystemFunction036(PVOID buffer, ULONG length);
__declspec(dllexport) BOOL WINAPI ProcessPrng(PBYTE data, SIZE_T len) {
  while (len > 0) {
    ULONG chunk = len > 0x40000000 ? 0x40000000 : (ULONG)len;
    if (!SystemFunction036(data, chunk)) return FALSE;
    data += chunk; len -= chunk;
  }
  return TRUE;
}
C
  x86_64-w64-mingw32-gcc -O2 -shared -o "$1/bcryptprimitives.dll" "$work/shim.c" -ladvapi32
  export WINEPREFIX="$work/wineprefix" WINEDEBUG=-all
  mkdir -p "$WINEPREFIX"
  /usr/lib/wine/wine64 wineboot -i >/dev/null 2>&1 || true
}

check_windows() { # TARGET DIR
  local target=$1 dir=$2 exe=$2/sasmint.exe wrapper="$work/wine-$1"
  wine_setup "$dir"
  printf '#!/bin/sh\nWINEPREFIX=%q WINEDEBUG=-all exec /usr/lib/wine/wine64 %q "$@"\n' "$WINEPREFIX" "$exe" >"$wrapper"
  chmod +x "$wrapper"
  "$wrapper" --version | grep -q "sasmint $version" || fail "$target does not run under Wine"
  scripts/snapshot.sh "$wrapper" "$work/snap-$target" >/dev/null
  compare_snapshots "$target" "$work/snap-$target" windows
  ok "$target (Wine): every offline output's stdout and exit code byte-identical to the host build's"
  # --output-file: the same sequence with both binaries, same exit codes and file contents.
  local run
  for run in host windows; do
    local d="$work/outfile-$run" cmd
    mkdir -p "$d"; key_inputs "$d"
    if [ "$run" = host ]; then cmd=("$host_bin"); else cmd=("$wrapper"); fi
    (
      cd "$d"
      {
        echo "new $(exit_code "${cmd[@]}" "${MINT[@]}" --output-file token.txt)"
        echo "exists $(exit_code "${cmd[@]}" "${MINT[@]}" --output-file token.txt)"
        echo "force $(exit_code "${cmd[@]}" "${MINT[@]}" --output json --output-file token.txt --force)"
        echo "directory $(exit_code "${cmd[@]}" "${MINT[@]}" --output-file .)"
        echo "missing-dir $(exit_code "${cmd[@]}" "${MINT[@]}" --output-file no/such/dir/t.txt)"
        echo "stdout $(exit_code "${cmd[@]}" "${MINT[@]}")"
        echo "leftovers $(find . -name '.sasmint-*' | wc -l)"
      } >codes.txt
      "${cmd[@]}" "${MINT[@]}" --output json >expected.json
      cmp -s token.txt expected.json || { echo "token.txt differs from stdout" >&2; exit 1; }
    ) || fail "$target: --output-file ($run)"
  done
  cmp -s "$work/outfile-host/codes.txt" "$work/outfile-windows/codes.txt" || {
    paste "$work/outfile-host/codes.txt" "$work/outfile-windows/codes.txt" >&2; fail "$target: --output-file exit codes differ"; }
  cmp -s "$work/outfile-host/token.txt" "$work/outfile-windows/token.txt" || fail "$target: --output-file contents differ"
  ok "$target (Wine): --output-file written, refused without --force (exit 2), replaced with it, no temporary file left: $(paste -sd' ' "$work/outfile-windows/codes.txt")"
}

for target in "${targets[@]}"; do
  dir=$(unpack "$target")
  ok "$target: $(basename "$dir") checksum and contents"
  case "$target" in
    x86_64-unknown-linux-musl|x86_64-unknown-linux-gnu) check_linux_native "$target" "$dir" ;;
    aarch64-unknown-linux-*) check_qemu "$target" "$dir" ;;
    x86_64-pc-windows-gnu) check_windows "$target" "$dir" ;;
    *) fail "$target cannot be run on this machine" ;;
  esac
done
echo "check-dist: ${#targets[@]} target(s) proven"
