#!/usr/bin/env bash
# The installs side by side: the repository build, the registry-install emulation and the
# release archives' binaries, timed interleaved (one run of each contender in turn, N rounds), so
# that background load lands on all of them alike. Medians, with the 25th-75th percentiles.
#
#   bench/install.sh [--runs N] [--dist DIR] [--registry BIN]
#
#   network  `sasmint mint URL --for ingest --auth managed-identity` against Azurite over HTTPS
#            through the local managed-identity endpoint (examples/local_azure.rs): the repo build
#            (target/release/sasmint), the registry install (--registry BIN, default
#            target/registry-install/root/bin/sasmint from scripts/registry-install.sh) and the
#            x86_64-unknown-linux-musl archive's binary
#   offline  `sasmint mint URL --delegation-key key.json --start … --expiry …`: the same three,
#            and, where their archives are in DIR (default dist/), the aarch64 binary under
#            qemu-aarch64 and the Windows one under Wine (emulated: these time the emulator too,
#            and say only that the binary starts)
# N defaults to 40. Writes bench/results/install.md (git-ignored) and prints it.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
runs=40
dist=dist
registry=$ROOT/target/registry-install/root/bin/sasmint
while [ $# -gt 0 ]; do
  case "$1" in
    --runs) runs=${2:?}; shift 2 ;;
    --dist) dist=${2:?}; shift 2 ;;
    --registry) registry=${2:?}; shift 2 ;;
    -h|--help) sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
    *) echo "bench/install.sh: unknown argument $1" >&2; exit 2 ;;
  esac
done
version=$(sed -n 's/^version = "\(.*\)"$/\1/p' Cargo.toml | head -n1)
repo_bin=$ROOT/target/release/sasmint
[ -x "$repo_bin" ] || cargo build --locked --release --bin sasmint
[ -x "$registry" ] || { echo "bench/install.sh: $registry missing: run scripts/registry-install.sh target/registry-install/root" >&2; exit 1; }

work=$(mktemp -d)
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; wait "$p" 2>/dev/null || true; done
  [ -z "${WINEPREFIX:-}" ] || wineserver -k 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT

contenders=("repo build=$repo_bin" "registry install=$registry")
offline_only=()
musl="$dist/sasmint-$version-x86_64-unknown-linux-musl.tar.gz"
if [ -f "$musl" ]; then
  mkdir -p "$work/musl" && tar -xzf "$musl" -C "$work/musl"
  contenders+=("x86_64-unknown-linux-musl archive=$work/musl/sasmint-$version-x86_64-unknown-linux-musl/sasmint")
fi
for t in aarch64-unknown-linux-musl aarch64-unknown-linux-gnu; do
  a="$dist/sasmint-$version-$t.tar.gz"
  if [ -f "$a" ] && command -v qemu-aarch64 >/dev/null; then
    mkdir -p "$work/$t" && tar -xzf "$a" -C "$work/$t"
    sysroot=""; [ "$t" = aarch64-unknown-linux-gnu ] && sysroot="-L /usr/aarch64-linux-gnu"
    printf '#!/bin/sh\nexec qemu-aarch64 %s %q "$@"\n' "$sysroot" "$work/$t/sasmint-$version-$t/sasmint" >"$work/$t.sh"
    chmod +x "$work/$t.sh"
    offline_only+=("$t under qemu-aarch64=$work/$t.sh")
  fi
done
win="$dist/sasmint-$version-x86_64-pc-windows-gnu.zip"
if [ -f "$win" ] && [ -x /usr/lib/wine/wine64 ] && command -v x86_64-w64-mingw32-gcc >/dev/null; then
  mkdir -p "$work/win"
  python3 -c 'import sys, zipfile; zipfile.ZipFile(sys.argv[1]).extractall(sys.argv[2])' "$win" "$work/win"
  exe_dir="$work/win/sasmint-$version-x86_64-pc-windows-gnu"
  # Test-only ProcessPrng shim for Wine 8.0 (scripts/check-dist.sh says why); never shipped.
  printf '#include <windows.h>\nBOOLEAN WINAPI SystemFunction036(PVOID, ULONG);\n__declspec(dllexport) BOOL WINAPI ProcessPrng(PBYTE p, SIZE_T n) { return SystemFunction036(p, (ULONG)n); }\n' >"$work/shim.c"
  x86_64-w64-mingw32-gcc -O2 -shared -o "$exe_dir/bcryptprimitives.dll" "$work/shim.c" -ladvapi32
  export WINEPREFIX="$work/wine" WINEDEBUG=-all
  /usr/lib/wine/wine64 wineboot -i >/dev/null 2>&1 || true
  wineserver -p 2>/dev/null || true
  offline_only+=("x86_64-pc-windows-gnu under Wine=/usr/lib/wine/wine64 $exe_dir/sasmint.exe")
fi

export SASMINT_AZURITE=${SASMINT_AZURITE:-$ROOT/.azurite/node_modules/azurite/dist/src/blob/main.js}
cargo build --locked --example local_azure >&2
# Azurite must listen within 15 s; on a loaded machine a start can miss that: five tries.
for attempt in 1 2 3 4 5; do
  "${CARGO_TARGET_DIR:-$ROOT/target}/debug/examples/local_azure" >"$work/azure.env" 2>"$work/azure.log" &
  pid=$!
  while kill -0 "$pid" 2>/dev/null && ! grep -q '^export DEMO_CONTAINER_URL=' "$work/azure.env"; do sleep 0.2; done
  if grep -q '^export DEMO_CONTAINER_URL=' "$work/azure.env"; then pids+=("$pid"); break; fi
  wait "$pid" 2>/dev/null || true
  echo "local_azure did not start (try $attempt)" >&2
done
grep -q '^export DEMO_CONTAINER_URL=' "$work/azure.env" || { cat "$work/azure.log" >&2; exit 1; }

mkdir -p bench/results
python3 - "$work" "$runs" "bench/results/install.md" "${contenders[@]}" -- "${offline_only[@]}" <<'PY'
import json, os, re, shlex, statistics, subprocess, sys, time
work, runs, out = sys.argv[1], int(sys.argv[2]), sys.argv[3]
rest = sys.argv[4:]
split = rest.index("--")
both = [c.split("=", 1) for c in rest[:split]]
offline_only = [c.split("=", 1) for c in rest[split + 1:]]
azure = {}
for line in open(os.path.join(work, "azure.env")):
    m = re.match(r"export (\w+)=(.*)$", line.strip())
    if m:
        azure[m.group(1)] = shlex.split(m.group(2))[0]
key = os.path.join(work, "key.json")
with open(key, "w") as f:
    f.write('{"signedOid":"8e0c6a5c-6a36-4c5a-9c5c-1f1c0b2f6c11","signedTid":"72f988bf-86f1-41af-91ab-2d7cd011db47","signedStart":"2026-12-06T00:00:00Z","signedExpiry":"2026-12-12T23:00:00Z","signedService":"b","signedVersion":"2026-04-06","value":"c2FzbWludC10ZXN0LWtleS0zMi1ieXRlcy1sb25nISE="}')
base_env = {"PATH": "/usr/bin:/bin", "HOME": work, "NO_PROXY": "127.0.0.1,localhost"}
for k in ("WINEPREFIX", "WINEDEBUG"):
    if k in os.environ:
        base_env[k] = os.environ[k]
net_env = dict(base_env, IDENTITY_ENDPOINT=azure["IDENTITY_ENDPOINT"], IDENTITY_HEADER=azure["IDENTITY_HEADER"], SSL_CERT_FILE=azure["SSL_CERT_FILE"])
url = azure["DEMO_CONTAINER_URL"]
net_args = ["mint", url, "--for", "ingest", "--auth", "managed-identity"]
off_args = ["mint", "https://myacct.blob.core.windows.net/imagery", "--start", "2026-12-10T00:00:00Z", "--expiry", "2026-12-11T00:00:00Z", "--delegation-key", key]

def timed(cmd, env):
    t = time.perf_counter()
    p = subprocess.run(cmd, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, stdin=subprocess.DEVNULL, cwd=work)
    dt = (time.perf_counter() - t) * 1000
    if p.returncode != 0:
        sys.exit(f"{cmd[0]} exited {p.returncode}: {p.stderr.decode(errors='replace')[:300]}")
    return dt, p.stdout

def scenario(contenders, args, env, n):
    times = {name: [] for name, _ in contenders}
    outputs = {}
    for name, cmd in contenders:  # warm-up, and the outputs to compare
        _, outputs[name] = timed(shlex.split(cmd) + args, env)
    for r in range(n):
        order = contenders if r % 2 == 0 else contenders[::-1]
        for name, cmd in order:
            times[name].append(timed(shlex.split(cmd) + args, env)[0])
    return times, outputs

def row(name, ts, ref):
    q = statistics.quantiles(ts, n=4)
    med = statistics.median(ts)
    return f"| {name} | **{med:.2f} ms** | {q[0]:.2f}–{q[2]:.2f} ms | {len(ts)} | {med / ref:.2f}× |"

lines = [f"Interleaved, {runs} runs per contender and scenario, medians (25th–75th percentile); load average before: {os.getloadavg()[0]:.2f}.", ""]
net, _ = scenario(both, net_args, net_env, runs)
ref = statistics.median(net[both[0][0]])
lines += ["**Networked mint** (managed identity → Azurite over TLS):", "", "| binary | median | p25–p75 | runs | / repo build |", "|---|---:|---:|---:|---:|"]
lines += [row(name, net[name], ref) for name, _ in both]
off, outs = scenario(both + offline_only, off_args, base_env, runs)
ref = statistics.median(off[both[0][0]])
lines += ["", "**Offline mint** (`--delegation-key`, fixed times; start-up):", "", "| binary | median | p25–p75 | runs | / repo build |", "|---|---:|---:|---:|---:|"]
lines += [row(name, off[name], ref) for name, _ in both + offline_only]
same = all(o.replace(b"\r\n", b"\n") == outs[both[0][0]] for o in outs.values())
import hashlib
digest = lambda path: hashlib.sha256(open(path, "rb").read()).hexdigest()
repo_sha, reg_sha = digest(shlex.split(both[0][1])[0]), digest(shlex.split(both[1][1])[0])
lines += ["", f"Registry install byte-identical to the repo build: {'yes' if repo_sha == reg_sha else 'no'} "
          f"(sha256 {repo_sha[:16]}… vs {reg_sha[:16]}…)."]
lines += ["", f"Offline tokens byte-identical across all {len(outs)} binaries: {'yes' if same else 'NO'}.",
          f"Load average after: {os.getloadavg()[0]:.2f}."]
text = "\n".join(lines) + "\n"
open(out, "w").write(text)
print(text)
if not same:
    sys.exit(1)
PY
