#!/usr/bin/env bash
# Benchmarks sasmint against the Python SDK, the Azure CLI and the network floor (curl), on this
# machine, against a local Azurite (HTTPS + OAuth) and a local managed-identity endpoint.
#
#   bench/run.sh [--skip-az] [--quick] [--batch N] [--results DIR] [--chart FILE]
#   bench/run.sh --latency [--scenario mint|register|ard] [--quick] [--runs N] [--rounds R] [--rtts "0 20 40 80"] [--results DIR] [--chart FILE]
#
#   --skip-az       leave out the Azure CLI rows (installing azure-cli takes ~75 s and ~700 MB)
#   --quick         fewer runs (a smoke test; the numbers are not for publishing)
#   --batch N       URLs in the batch scenario (default 10000)
#   --results DIR   where the hyperfine exports and summary.md go (default bench/results)
#   --chart FILE    the chart (default bench/chart.png; with --quick, RESULTS/chart.png so a smoke
#                   test never overwrites the published chart)
#   --latency       instead of the three scenarios below, the latency scenario (bench/latency.sh:
#                   a delay proxy in front of Azurite and the token endpoint, RTT 0-80 ms; chart
#                   bench/latency.png, or RESULTS/latency.png with --quick), with
#     --scenario S  mint (default); register: `geocatalog register` against the GeoCatalog
#                   stand-in behind a third proxy (chart bench/latency-register.png); ard: `ard
#                   register` against the Maxar ARD stand-in (bench/latency-ard.png); with
#                   SASMINT_BEFORE=/path/to/an/older/sasmint in the environment, that build too
#     --runs N      timed runs per contender and RTT (default 30; 4 with --quick)
#     --rounds R    passes over the RTTs (default 3; 1 with --quick)
#     --rtts LIST   round-trip times in ms (default "0 20 40 80")
#
# Honours CARGO_TARGET_DIR. The TLS crypto is rustls' ring provider (issue 19), so no build
# environment matters for its speed; an AWS_LC_SYS_NO_JITTER_ENTROPY still set is recorded in the
# summary (older builds relied on a .cargo/config.toml that set it: bench/RESULTS.md).
#
# Installs what is missing: hyperfine, curl, node/npm and python3-venv from Debian (apt-get),
# azure-identity + azure-storage-blob + matplotlib into bench/.venv and azure-cli into
# bench/.venv-az (PyPI), Azurite into .azurite/ (npm). Needs cargo (rustup.rs).
#
# Scenarios, interleaved: each runs in ROUNDS rounds (5; 2 with --quick); a round is one hyperfine
# invocation over all contenders (their order reversed every other round), so a burst of
# background load lands on every contender rather than on one. The rounds' timings are merged
# (bench/report.py --merge) before medians are taken:
#   1. network: `sasmint mint URL --auth managed-identity` (and the same with `--verify`: two more
#      requests, the read and list probes) vs the Python SDK flow (bench/py_flow.py)
#      vs the same two HTTP requests made by curl (bench/curl_floor.sh)
#   2. offline: `sasmint mint URL --delegation-key key.json` vs `az storage container generate-sas
#      --account-key` vs the Python SDK with the account key (bench/py_offline.py)
#   3. batch:   `sasmint mint --from-file urls.txt --delegation-key key.json` (N URLs) vs the Python
#      SDK signing the same URLs with the same key
#
# Writes each round's hyperfine JSON, the merged NAME.json and summary.md to bench/results/
# (git-ignored) and the chart to
# bench/chart.png, and prints the summary.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"

skip_az=0
quick=0
latency=0
scenario=mint
latency_args=()
batch=10000
RESULTS="$ROOT/bench/results"
CHART=""
while [[ $# -gt 0 ]]; do
  case "$1" in
    --skip-az) skip_az=1 ;;
    --quick) quick=1 ;;
    --latency) latency=1 ;;
    --runs | --rounds | --rtts | --scenario)
      [[ $# -ge 2 ]] || { echo "$1 needs a value" >&2; exit 2; }
      latency_args+=("$1" "$2")
      shift
      ;;
    --batch)
      [[ $# -ge 2 && "$2" =~ ^[1-9][0-9]*$ ]] || { echo "--batch needs a positive number" >&2; exit 2; }
      batch="$2"
      shift
      ;;
    --results | --chart)
      [[ $# -ge 2 && -n "$2" ]] || { echo "$1 needs a path" >&2; exit 2; }
      if [[ "$1" == --results ]]; then RESULTS="$(realpath -m "$2")"; else CHART="$(realpath -m "$2")"; fi
      shift
      ;;
    -h | --help)
      sed -n '2,/^set -euo/p' "${BASH_SOURCE[0]}" | sed '$d; s/^# \{0,1\}//'
      exit 0
      ;;
    *) echo "unknown option: $1 (see --help)" >&2; exit 2 ;;
  esac
  shift
done
if ((!latency && ${#latency_args[@]})); then
  echo "--runs, --rounds, --rtts and --scenario go with --latency" >&2
  exit 2
fi
chart_name=chart.png
if ((latency)); then
  skip_az=1 # az has no part in it
  chart_name=latency.png
  for ((k = 0; k < ${#latency_args[@]}; k += 2)); do
    if [[ "${latency_args[k]}" == --scenario ]]; then
      scenario="${latency_args[k + 1]}"
      [[ "$scenario" =~ ^(mint|register|ard)$ ]] || { echo "--scenario needs mint, register or ard" >&2; exit 2; }
      [[ "$scenario" == mint ]] || chart_name="latency-$scenario.png"
    fi
  done
  if ((quick)); then latency_args=(--runs 4 --rounds 1 "${latency_args[@]}"); fi
fi
if [[ -z "$CHART" ]]; then
  if ((quick)); then CHART="$RESULTS/$chart_name"; else CHART="$ROOT/bench/$chart_name"; fi
fi

cd "$ROOT"

AZURITE_VERSION=3.37.0
AZURITE_MAIN="$ROOT/.azurite/node_modules/azurite/dist/src/blob/main.js"
VENV="$ROOT/bench/.venv"
AZ_VENV="$ROOT/bench/.venv-az"
PY_PACKAGES=(azure-identity==1.27.0 azure-storage-blob==12.31.1 matplotlib==3.11.2)
AZ_PACKAGE=azure-cli==2.91.0
# The emulator's well-known development account key (public; Azurite only).
DEV_ACCOUNT=devstoreaccount1
DEV_KEY='Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw=='

# Runs per contender and round; minimum seconds per contender and round.
if ((quick)); then
  rounds=2 warmup=1 min_net=3 min_off=2 min_batch=2 min_time=0.25
else
  rounds=5 warmup=2 min_net=8 min_off=4 min_batch=4 min_time=1
fi

step() { printf '\n==> %s\n' "$*" >&2; }
die() { printf 'error: %s\n' "$*" >&2; exit 1; }

as_root() {
  if [[ $EUID -eq 0 ]]; then
    "$@"
  elif command -v sudo >/dev/null; then
    sudo "$@"
  else
    die "need root (or sudo) to run: $*"
  fi
}

apt_updated=0
apt_install() {
  command -v apt-get >/dev/null || die "please install: $* (no apt-get here)"
  step "Installing $* from Debian"
  local install=(env DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends "$@")
  if ((!apt_updated)); then
    as_root "${install[@]}" && return 0
    as_root apt-get update # a fresh machine has no package lists yet
    apt_updated=1
  fi
  as_root "${install[@]}"
}

# Words for hyperfine's own command-line splitting (`-N` runs commands without a shell).
q() { printf '%q' "$1"; }

# ---------------------------------------------------------------------------------------------
step "Checking tools"
command -v cargo >/dev/null || die "cargo is required (https://rustup.rs)"
command -v hyperfine >/dev/null || apt_install hyperfine
command -v curl >/dev/null || apt_install curl ca-certificates
if ! command -v node >/dev/null || ! command -v npm >/dev/null; then apt_install nodejs npm; fi
command -v python3 >/dev/null || apt_install python3 python3-venv
python3 -c 'import ensurepip, venv' 2>/dev/null || apt_install python3-venv

# Python as users run it: with cached bytecode (some CI images set PYTHONDONTWRITEBYTECODE).
unset PYTHONDONTWRITEBYTECODE

make_venv() { # dir import-check packages...
  local dir="$1" check="$2"
  shift 2
  if [[ -x "$dir/bin/python" ]] && "$dir/bin/python" -c "$check" 2>/dev/null; then
    return
  fi
  step "Creating $(basename "$dir") with $* (PyPI)"
  python3 -m venv "$dir"
  "$dir/bin/python" -m pip install --quiet --disable-pip-version-check "$@"
}
make_venv "$VENV" 'import azure.identity, azure.storage.blob, matplotlib' "${PY_PACKAGES[@]}"
PY="$VENV/bin/python"
if ((!skip_az)); then
  make_venv "$AZ_VENV" 'import azure.cli.core' "$AZ_PACKAGE"
  AZ="$AZ_VENV/bin/az"
fi

installed="$(node -p "require('./.azurite/node_modules/azurite/package.json').version" 2>/dev/null || true)"
if [[ "$installed" != "$AZURITE_VERSION" ]]; then
  step "Installing Azurite $AZURITE_VERSION into .azurite/ (npm, ~40 s)"
  mkdir -p .azurite
  (cd .azurite && npm install --no-audit --no-fund --loglevel=error "azurite@$AZURITE_VERSION")
fi
[[ -f "$AZURITE_MAIN" ]] || die "Azurite is missing at $AZURITE_MAIN"

step "Building sasmint and the local Azure helper (cargo build --release --locked)"
# Two builds: in one, cargo would build sasmint with the features the helper's dev-dependencies
# turn on (reqwest's gzip and deflate, …), a larger binary than `cargo install` makes, which
# costs the offline mint 7 % more instructions (bench/RESULTS.md, issue 15 at RTT 0).
cargo build --release --locked --example local_azure
cargo build --release --locked --bin sasmint
TARGET_DIR="$(realpath -m "${CARGO_TARGET_DIR:-$ROOT/target}")"
SASMINT="$TARGET_DIR/release/sasmint"

# ---------------------------------------------------------------------------------------------
workdir="$(mktemp -d)"
helper_pid=""
bench_pid=""
cleanup() {
  if [[ -n "$bench_pid" ]]; then
    kill "$bench_pid" 2>/dev/null || true
    wait "$bench_pid" 2>/dev/null || true
  fi
  if [[ -n "$helper_pid" ]]; then
    kill "$helper_pid" 2>/dev/null || true
    wait "$helper_pid" 2>/dev/null || true
  fi
  rm -rf "$workdir"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

step "Starting Azurite (HTTPS, OAuth) and a local managed-identity endpoint"
helper_args=()
if [[ "$scenario" != mint ]]; then
  # The consumer's stand-in too, taking container URLs on the port the storage delay proxy
  # will listen on (a free port now; bench/latency.sh binds it again for each RTT).
  STORAGE_FRONT_PORT="$("$PY" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"
  export STORAGE_FRONT_PORT
  helper_args=(--storage-front "$STORAGE_FRONT_PORT")
  if [[ "$scenario" == register ]]; then helper_args+=(--geocatalog); else helper_args+=(--ard); fi
fi
SASMINT_AZURITE="$AZURITE_MAIN" "$TARGET_DIR/release/examples/local_azure" "${helper_args[@]}" \
  >"$workdir/exports.sh" 2>"$workdir/helper.log" &
helper_pid=$!
for _ in $(seq 1 150); do
  grep -q '^export DEMO_CONTAINER_URL=' "$workdir/exports.sh" && break
  kill -0 "$helper_pid" 2>/dev/null || { cat "$workdir/helper.log" >&2; die "the helper exited"; }
  sleep 0.2
done
grep -q '^export DEMO_CONTAINER_URL=' "$workdir/exports.sh" || die "the helper did not come up in 30 s"

# Only the local stand-ins: no other identity source, no proxy for loopback, and trust exactly
# the Azurite certificate (SSL_CERT_DIR would add the whole system store to every TLS client).
# No backtraces either: with RUST_BACKTRACE set, the Azure SDK captures one for each error it
# makes and drops on the way (6 % of a networked mint's instructions).
unset IDENTITY_SERVER_THUMBPRINT MSI_ENDPOINT MSI_SECRET IMDS_ENDPOINT AZURE_CLIENT_ID SSL_CERT_DIR \
  CURL_CA_BUNDLE AZURE_CORE_COLLECT_TELEMETRY RUST_BACKTRACE RUST_LIB_BACKTRACE
export NO_PROXY="127.0.0.1,localhost${NO_PROXY:+,$NO_PROXY}" no_proxy="127.0.0.1,localhost${no_proxy:+,$no_proxy}"
# shellcheck disable=SC1091
source "$workdir/exports.sh"
export REQUESTS_CA_BUNDLE="$SSL_CERT_FILE" # requests (Python SDK) reads this, not SSL_CERT_FILE
# az keeps its config (and telemetry cache) in a scratch directory, not in ~/.azure.
export AZURE_CONFIG_DIR="$workdir/azure-config"
URL="$DEMO_CONTAINER_URL"
container="${URL##*/}"

mkdir -p "$RESULTS"
if ((latency)); then
  # Everything from here on also goes to latency.log, next to the raw results.
  exec > >(tee "$RESULTS/latency.log") 2>&1
else
  for f in network offline batch; do rm -f "$RESULTS/$f.json" "$RESULTS/$f".round*.json; done
  rm -f "$RESULTS/summary.md" "$RESULTS/machine.txt"
  # Everything from here on also goes to run.log, next to the raw results.
  exec > >(tee "$RESULTS/run.log") 2>&1
fi

# ---------------------------------------------------------------------------------------------
step "Checking that every contender produces a working token"
works() { # name token
  local token="${2#*\?}"
  [[ "$token" == *sig=* ]] || die "$1 printed no SAS token: $2"
  curl -sS --fail --noproxy '*' --cacert "$SSL_CERT_FILE" -o /dev/null \
    "$URL?restype=container&comp=list&$token" || die "$1's token does not list $URL"
  printf '    ok: %s\n' "$1" >&2
}
works "sasmint (network)" "$("$SASMINT" mint "$URL" --for ingest --auth managed-identity)"
works "sasmint (network, --verify)" "$("$SASMINT" mint "$URL" --for ingest --verify --auth managed-identity)"
works "python-sdk flow" "$("$PY" bench/py_flow.py "$URL")"
floor="$(bash bench/curl_floor.sh "$URL")"
[[ "$floor" == *"<Value>"* ]] || die "curl_floor.sh got no key: $floor"
printf '    ok: curl floor (got a key)\n' >&2
"$SASMINT" key "$URL" --auth managed-identity --expires-in 1d >"$workdir/key.json"
works "sasmint (offline)" "$("$SASMINT" mint "$URL" --delegation-key "$workdir/key.json")"
works "python-sdk (account key)" "$("$PY" bench/py_offline.py "$DEV_ACCOUNT" "$DEV_KEY" "$container")"
expiry="$(date -u -d '+1 day' +%Y-%m-%dT%H:%MZ)"
az_cmd=""
if ((!skip_az)); then
  az_cmd="$(q "$AZ") storage container generate-sas --account-name $DEV_ACCOUNT --account-key $(q "$DEV_KEY") --name $(q "$container") --permissions rl --expiry $expiry -o tsv"
  works "az" "$("$AZ" storage container generate-sas --account-name "$DEV_ACCOUNT" --account-key "$DEV_KEY" \
    --name "$container" --permissions rl --expiry "$expiry" -o tsv)"
fi

# ---------------------------------------------------------------------------------------------
if ((latency)); then
  # In the background, like hyperfine below, so that a signal stops it at once.
  SASMINT="$SASMINT" PY="$PY" bash bench/latency.sh --results "$RESULTS" --chart "$CHART" "${latency_args[@]}" &
  bench_pid=$!
  wait "$bench_pid"
  bench_pid=""
  exit 0
fi

hf() { # name, min runs per round, then label/command pairs
  local name="$1" min_runs="$2"
  shift 2
  local -a pairs=("$@") order
  local n=$((${#pairs[@]} / 2)) round k
  step "Scenario: $name ($rounds rounds of $n contenders)"
  for ((round = 1; round <= rounds; round++)); do
    order=()
    for ((k = 0; k < n; k++)); do
      local i=$k
      ((round % 2 == 0)) && i=$((n - 1 - k))
      order+=(-n "${pairs[2 * i]}" "${pairs[2 * i + 1]}")
    done
    # In the background so that a signal to this script stops it at once (bash runs traps only
    # between foreground commands, but interrupts `wait`).
    hyperfine -N --warmup "$warmup" --min-runs "$min_runs" --min-benchmarking-time "$min_time" \
      --style basic --export-json "$RESULTS/$name.round$round.json" "${order[@]}" &
    bench_pid=$!
    wait "$bench_pid"
    bench_pid=""
  done
  "$PY" bench/report.py --merge "$RESULTS" "$name" "$rounds"
}

hf network "$min_net" \
  "sasmint mint --auth managed-identity" "$(q "$SASMINT") mint $(q "$URL") --for ingest --auth managed-identity" \
  "sasmint mint --verify --auth managed-identity" "$(q "$SASMINT") mint $(q "$URL") --for ingest --verify --auth managed-identity" \
  "Python SDK flow (py_flow.py)" "$(q "$PY") bench/py_flow.py $(q "$URL")" \
  "curl floor (curl_floor.sh)" "bash bench/curl_floor.sh $(q "$URL")"

offline=(
  "sasmint mint --delegation-key" "$(q "$SASMINT") mint $(q "$URL") --delegation-key $(q "$workdir/key.json")"
  "Python SDK, account key (py_offline.py)" "$(q "$PY") bench/py_offline.py $DEV_ACCOUNT $(q "$DEV_KEY") $(q "$container")"
)
if ((!skip_az)); then
  offline+=(
    "az storage container generate-sas" "$az_cmd"
    "az ... (telemetry off)" "env AZURE_CORE_COLLECT_TELEMETRY=false $az_cmd"
  )
fi
hf offline "$min_off" "${offline[@]}"

if "$SASMINT" mint --help | grep -q -- '--from-file'; then
  account_url="${URL%/*}"
  for ((i = 1; i <= batch; i++)); do printf '%s/c%05d\n' "$account_url" "$i"; done >"$workdir/urls.txt"
  lines="$("$SASMINT" mint --from-file "$workdir/urls.txt" --delegation-key "$workdir/key.json" | grep -c 'sig=')"
  [[ "$lines" == "$batch" ]] || die "sasmint mint --from-file printed $lines tokens for $batch URLs"
  hf batch "$min_batch" \
    "sasmint mint --from-file ($batch URLs)" \
    "$(q "$SASMINT") mint --from-file $(q "$workdir/urls.txt") --delegation-key $(q "$workdir/key.json")" \
    "Python SDK, same key ($batch URLs)" \
    "$(q "$PY") bench/py_offline.py --delegation-key $(q "$workdir/key.json") --from-file $(q "$workdir/urls.txt")"
else
  step "Scenario: batch: SKIPPED: this sasmint has no \`mint --from-file\` yet"
fi

# ---------------------------------------------------------------------------------------------
step "Summary"
{
  printf 'cpu=%s (family %s, model %s, %.0f MHz)\n' \
    "$(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -1)" \
    "$(sed -n 's/^cpu family[[:space:]]*: //p' /proc/cpuinfo | head -1)" \
    "$(sed -n 's/^model[[:space:]]*: //p' /proc/cpuinfo | head -1)" \
    "$(sed -n 's/^cpu MHz[[:space:]]*: //p' /proc/cpuinfo | head -1)"
  printf 'cores=%s\n' "$(nproc)"
  printf 'kernel=%s\n' "$(uname -sr)"
  printf 'os=%s\n' "$(sed -n 's/^PRETTY_NAME="\{0,1\}\([^"]*\)"\{0,1\}$/\1/p' /etc/os-release 2>/dev/null || true)"
  printf 'hyperfine=%s\n' "$(hyperfine --version)"
  printf 'sasmint=%s (%s)\n' "$("$SASMINT" --version)" "$(git rev-parse --short HEAD 2>/dev/null || echo '?')$(git diff --quiet HEAD -- src Cargo.toml Cargo.lock .cargo 2>/dev/null || echo '+changes')"
  printf 'python=%s; %s\n' "$("$PY" --version)" "$("$PY" -m pip freeze | grep -E '^azure-(core|identity|storage-blob)==' | paste -sd ' ' -)"
  ((skip_az)) || printf 'az=azure-cli %s\n' "$("$AZ_VENV/bin/python" -c 'from azure.cli.core import __version__ as v; print(v)')"
  printf 'curl=%s\n' "$(curl --version | head -1)"
  printf 'azurite=%s\n' "$AZURITE_VERSION"
  printf 'build_env=AWS_LC_SYS_NO_JITTER_ENTROPY=%s\n' "${AWS_LC_SYS_NO_JITTER_ENTROPY:-unset}"
  printf 'batch=%s\n' "$batch"
  printf 'quick=%s\n' "$quick"
  printf 'rounds=%s\n' "$rounds"
} >"$RESULTS/machine.txt"
"$PY" bench/report.py "$RESULTS" "$CHART"
