#!/usr/bin/env bash
# The latency scenario (issue 15): how many network round trips a one-token `mint` costs, or
# (--scenario register) a `geocatalog register` that rotates its source, or (--scenario ard) an
# `ard register` that rotates its credentials.
#
#   bench/run.sh --latency [--scenario mint|register|ard] [--runs N] [--rounds R] [--rtts "0 20 40 80"] [--quick]
#
# sets everything up (tools, build, Azurite, the token endpoint) and runs this script. With the
# local stack already running (the exports of `cargo run --release --example local_azure` sourced):
#
#   SASMINT=target/release/sasmint PY=bench/.venv/bin/python bench/latency.sh [options]
#
#   --scenario S    mint (default), register or ard; register needs the GeoCatalog stand-in
#                   (GEOCATALOG_ENDPOINT, STORAGE_FRONT_PORT: `local_azure --geocatalog
#                   --storage-front PORT`), ard the Maxar ARD stand-in (ARD_ENDPOINT,
#                   MAXAR_ARD_USERNAME, MAXAR_ARD_PASSWORD, STORAGE_FRONT_PORT: `local_azure --ard
#                   --storage-front PORT`); both run SASMINT_BEFORE too when it is set (an older
#                   build, to compare)
#   --runs N        timed runs per contender and RTT, over all rounds (default 30)
#   --rounds R      passes over the RTTs, alternately up and down, contenders' order reversed
#                   every other pass; their timings are merged (default 3)
#   --warmup N      untimed runs per contender, RTT and round (default 1)
#   --rtts LIST     round-trip times in ms (default "0 20 40 80")
#   --results DIR   raw results (default bench/results, git-ignored)
#   --chart FILE    the chart (default bench/latency.png; bench/latency-SCENARIO.png for the others)
#
# At each RTT, one bench/delay_proxy.py goes in front of Azurite and another in front of the
# managed-identity endpoint (each chunk delayed by RTT/2 each way, a new connection costs one RTT;
# TLS passes through to Azurite, whose certificate is for 127.0.0.1, so only the port changes).
# Three contenders, pointed at the proxies: `sasmint mint --auth managed-identity`, the Python SDK
# flow (bench/py_flow.py) and the curl floor (bench/curl_floor.sh). A contender's effective round
# trips are the least-squares slope of its median wall time against the RTT (bench/latency_report.py).
#
# With --scenario register (ard), a third proxy goes in front of the GeoCatalog (Maxar ARD)
# stand-in, and the storage proxy listens on STORAGE_FRONT_PORT, the port the stand-in takes in
# container URLs (it proves each token on Azurite directly, so its proof does not cross the
# proxy). The contenders are `sasmint geocatalog register URL --auth managed-identity` (`sasmint
# ard register URL --credentials-id ID`, signing in with the password), every timed run rotating
# what the first untimed run created, and, when SASMINT_BEFORE is set, the same with that binary.
#
# Also recorded: each contender's connections per invocation through each proxy, and curl's own
# timings through the proxies (when the TLS handshake completes, when the first byte arrives),
# which check the proxy's model against what a WAN costs.
#
# Writes RESULTS/latency.rtt<RTT>[.round<R>].json (hyperfine), latency.probe.tsv,
# latency.connections.tsv, latency.txt, latency.md, and the chart; for register and ard, the same
# names with latency-register or latency-ard instead of latency.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
runs=30 rounds=3 warmup=1 rtts="0 20 40 80" scenario=mint
RESULTS="$ROOT/bench/results"
CHART=""
while [[ $# -gt 0 ]]; do
  case "$1" in
    --runs | --rounds | --warmup)
      [[ $# -ge 2 && "$2" =~ ^[0-9]+$ ]] || { echo "$1 needs a number" >&2; exit 2; }
      declare "${1#--}=$2"
      shift
      ;;
    --rtts)
      [[ $# -ge 2 && "$2" =~ ^[0-9]+([[:space:]]+[0-9]+)+$ ]] || { echo "--rtts needs two or more numbers (ms)" >&2; exit 2; }
      rtts="$2"
      shift
      ;;
    --scenario)
      [[ $# -ge 2 && "$2" =~ ^(mint|register|ard)$ ]] || { echo "--scenario needs mint, register or ard" >&2; exit 2; }
      scenario="$2"
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
((rounds >= 1 && runs >= rounds)) || { echo "need --rounds >= 1 and --runs >= --rounds" >&2; exit 2; }
per_round=$(((runs + rounds - 1) / rounds))
name=latency
[[ "$scenario" == mint ]] || name="latency-$scenario"
[[ -n "$CHART" ]] || CHART="$ROOT/bench/$name.png"

die() { printf 'error: %s\n' "$*" >&2; exit 1; }
step() { printf '\n==> %s\n' "$*" >&2; }
for v in SASMINT PY DEMO_CONTAINER_URL IDENTITY_ENDPOINT IDENTITY_HEADER SSL_CERT_FILE; do
  [[ -n "${!v:-}" ]] || die "$v is not set (run this through bench/run.sh --latency)"
done
service="" # the consumer's endpoint, for register and ard
case "$scenario" in
  register) needs=(GEOCATALOG_ENDPOINT STORAGE_FRONT_PORT) ;;
  ard) needs=(ARD_ENDPOINT MAXAR_ARD_USERNAME MAXAR_ARD_PASSWORD STORAGE_FRONT_PORT) ;;
  *) needs=() ;;
esac
if [[ "$scenario" != mint ]]; then
  for v in "${needs[@]}"; do
    [[ -n "${!v:-}" ]] || die "$v is not set (run this through bench/run.sh --latency --scenario $scenario)"
  done
  [[ -z "${SASMINT_BEFORE:-}" || -x "$SASMINT_BEFORE" ]] || die "SASMINT_BEFORE is not an executable: $SASMINT_BEFORE"
fi
command -v hyperfine >/dev/null || die "hyperfine is missing"
cd "$ROOT"

# Where the proxies point: https://127.0.0.1:PORT/ACCOUNT/CONTAINER and http://127.0.0.1:PORT/PATH.
re='^(https?)://127\.0\.0\.1:([0-9]+)(/.*)$'
[[ "$DEMO_CONTAINER_URL" =~ $re ]] || die "expected https://127.0.0.1:PORT/... in DEMO_CONTAINER_URL"
storage_port="${BASH_REMATCH[2]}" storage_path="${BASH_REMATCH[3]}"
[[ "$IDENTITY_ENDPOINT" =~ $re ]] || die "expected http://127.0.0.1:PORT/... in IDENTITY_ENDPOINT"
token_port="${BASH_REMATCH[2]}" token_path="${BASH_REMATCH[3]}"
direct_url="$DEMO_CONTAINER_URL"
if [[ "$scenario" != mint ]]; then
  service="${needs[0]}"
  [[ "${!service}" =~ ^https://127\.0\.0\.1:([0-9]+)(/[^?#]*)?$ ]] || die "expected https://127.0.0.1:PORT[/PATH] in $service"
  service_port="${BASH_REMATCH[1]}" service_path="${BASH_REMATCH[2]}"
fi

export REQUESTS_CA_BUNDLE="$SSL_CERT_FILE"
export NO_PROXY="127.0.0.1,localhost" no_proxy="127.0.0.1,localhost"

workdir="$(mktemp -d)"
proxy_pids=()
bench_pid=""
stop_proxies() {
  local pid
  for pid in "${proxy_pids[@]}"; do
    kill "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
  done
  proxy_pids=()
}
cleanup() {
  if [[ -n "$bench_pid" ]]; then
    kill "$bench_pid" 2>/dev/null || true
    wait "$bench_pid" 2>/dev/null || true
  fi
  stop_proxies
  rm -rf "$workdir"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# A proxy lives until stop_proxies, at most this long (it also exits when this script goes away).
lifetime=$((300 + 10 * per_round))

start_proxy() { # name target-port rtt [listen-port] -> sets proxy_port
  local name="$1" out="$workdir/$1.port"
  : >"$out"
  "$PY" bench/delay_proxy.py --target "127.0.0.1:$2" --rtt-ms "$3" --lifetime "$lifetime" \
    --listen-port "${4:-0}" \
    >"$out" 2>"$workdir/$name.stats" &
  proxy_pids+=($!)
  for _ in $(seq 1 100); do
    [[ -s "$out" ]] && break
    kill -0 "${proxy_pids[-1]}" 2>/dev/null || { cat "$workdir/$name.stats" >&2; die "delay proxy $name exited"; }
    sleep 0.05
  done
  proxy_port="$(cat "$out")"
  [[ "$proxy_port" =~ ^[0-9]+$ ]] || die "delay proxy $name did not start in 5 s"
}

start_proxies() { # rtt: sets URL, IDENTITY_ENDPOINT (and SERVICE) to go through fresh proxies
  start_proxy storage "$storage_port" "$1" "${STORAGE_FRONT_PORT:-0}"
  URL="https://127.0.0.1:$proxy_port$storage_path"
  start_proxy token "$token_port" "$1"
  export IDENTITY_ENDPOINT="http://127.0.0.1:$proxy_port$token_path"
  if [[ -n "$service" ]]; then
    start_proxy service "$service_port" "$1"
    SERVICE="https://127.0.0.1:$proxy_port$service_path"
  fi
}

connections() { # name -> the proxy's connection count (after stop_proxies)
  sed -n 's/.*: \([0-9]*\) connections.*/\1/p' "$workdir/$1.stats"
}

q() { printf '%q' "$1"; }
if [[ "$scenario" == mint ]]; then
  labels=("sasmint mint --auth managed-identity" "Python SDK flow (py_flow.py)" "curl floor (curl_floor.sh)")
else
  verb="geocatalog register"
  [[ "$scenario" == ard ]] && verb="ard register"
  labels=("sasmint $verb --auth managed-identity")
  [[ -n "${SASMINT_BEFORE:-}" ]] && labels+=("sasmint (before) $verb: $("$SASMINT_BEFORE" --version)")
fi
commands() { # the contenders' command lines for hyperfine -N, against $URL (and $SERVICE)
  if [[ "$scenario" == mint ]]; then
    cmds=(
      "$(q "$SASMINT") mint $(q "$URL") --for ingest --auth managed-identity"
      "$(q "$PY") bench/py_flow.py $(q "$URL")"
      "bash bench/curl_floor.sh $(q "$URL")"
    )
  else
    cmds=()
    local binary
    for binary in "$SASMINT" ${SASMINT_BEFORE:+"$SASMINT_BEFORE"}; do
      if [[ "$scenario" == register ]]; then
        cmds+=("$(q "$binary") -q geocatalog register $(q "$URL") --geocatalog $(q "$SERVICE") --auth managed-identity")
      else
        cmds+=("$(q "$binary") -q ard register $(q "$URL") --credentials-id latency-bench --ard-endpoint $(q "$SERVICE") --auth managed-identity")
      fi
    done
  fi
}
n=${#labels[@]}

mkdir -p "$RESULTS"
rm -f "$RESULTS/$name".rtt*.json "$RESULTS/$name".{probe,connections}.tsv "$RESULTS/$name".{txt,md}

# ---------------------------------------------------------------------------------------------
step "Latency: each contender once through fresh proxies (RTT 0): a working token, connections"
works() { # name output
  local token="${2#*\?}"
  [[ "$token" == *sig=* ]] || die "$1 printed no SAS token through the proxies: $2"
  curl -sS --fail --noproxy '*' --cacert "$SSL_CERT_FILE" -o /dev/null \
    "$direct_url?restype=container&comp=list&$token" || die "$1's token (minted through the proxies) does not list the container"
}
if [[ "$scenario" == mint ]]; then
  printf 'contender\tstorage_connections\ttoken_connections\n' >"$RESULTS/$name.connections.tsv"
else
  printf 'contender\tstorage_connections\ttoken_connections\tservice_connections\n' >"$RESULTS/$name.connections.tsv"
fi
for ((i = 0; i < n; i++)); do
  start_proxies 0
  if [[ "$scenario" == mint ]]; then
    case $i in
      0) out="$("$SASMINT" mint "$URL" --for ingest --auth managed-identity)" || die "${labels[0]} failed" ;;
      1) out="$("$PY" bench/py_flow.py "$URL")" || die "${labels[1]} failed" ;;
      2) out="$(bash bench/curl_floor.sh "$URL")" || die "${labels[2]} failed" ;;
    esac
    if ((i < 2)); then
      works "${labels[i]}" "$out"
    else
      [[ "$out" == *"<Value>"* ]] || die "curl floor got no key: $out"
    fi
  elif [[ "$scenario" == register ]]; then
    # The stand-in lists the container with the token before it stores it (400 otherwise), so
    # a registered source is a working token. The first run creates the source; every later
    # one (all the timed runs) rotates it.
    commands
    out="$(bash -c "${cmds[i]} --output token")" || die "${labels[i]} failed"
    works "${labels[i]}" "?$out"
  else
    # The stand-in uploads a blob with the SAS URL before it stores it (400 otherwise), so
    # registered credentials are a working token; ARD shows the URL only with its signature
    # masked, so this is the proof. The first run creates them; every later one rotates them.
    commands
    out="$(bash -c "${cmds[i]} --output json")" || die "${labels[i]} failed"
    [[ "$out" == *latency-bench* ]] || die "${labels[i]} registered nothing: $out"
  fi
  stop_proxies
  row="${labels[i]}\t$(connections storage)\t$(connections token)"
  [[ -n "$service" ]] && row+="\t$(connections service)"
  printf '%b\n' "$row" >>"$RESULTS/$name.connections.tsv"
  printf '    ok: %s (connections: storage %s, token endpoint %s%s)\n' \
    "${labels[i]}" "$(connections storage)" "$(connections token)" \
    "$([[ -n "$service" ]] && printf ', %s %s' "$scenario" "$(connections service)")" >&2
done

# ---------------------------------------------------------------------------------------------
printf 'rtt_ms\ttarget\ttime_connect\ttime_appconnect\ttime_starttransfer\n' >"$RESULTS/$name.probe.tsv"
probe() { # rtt: curl's view of one fresh connection to each proxy, three times
  local k
  for k in 1 2 3; do
    # An anonymous GET that Azurite refuses (no --fail): only the timings matter.
    printf '%s\tstorage\t%s\n' "$1" "$(curl -sS --noproxy '*' --cacert "$SSL_CERT_FILE" -o /dev/null \
      -w '%{time_connect}\t%{time_appconnect}\t%{time_starttransfer}' "$URL")"
    printf '%s\ttoken\t%s\n' "$1" "$(curl -sS --noproxy '*' -o /dev/null -H "x-identity-header: $IDENTITY_HEADER" \
      -H 'metadata: true' -w '%{time_connect}\t%{time_appconnect}\t%{time_starttransfer}' \
      "$IDENTITY_ENDPOINT?api-version=2019-08-01&resource=https%3A%2F%2Fstorage.azure.com")"
  done >>"$RESULTS/$name.probe.tsv"
}

read -r -a rtt_list <<<"$rtts"
load_before="$(cut -d' ' -f1-3 /proc/loadavg)"
for ((round = 1; round <= rounds; round++)); do
  order=("${rtt_list[@]}")
  if ((round % 2 == 0)); then
    order=()
    for ((k = ${#rtt_list[@]} - 1; k >= 0; k--)); do order+=("${rtt_list[k]}"); done
  fi
  for rtt in "${order[@]}"; do
    step "Latency: round $round of $rounds, RTT $rtt ms ($per_round runs per contender)"
    start_proxies "$rtt"
    ((round == 1)) && probe "$rtt"
    commands
    args=()
    for ((k = 0; k < n; k++)); do
      i=$k
      ((round % 2 == 0)) && i=$((n - 1 - k))
      args+=(-n "${labels[i]}" "${cmds[i]}")
    done
    # In the background so that a signal stops it at once (see run.sh).
    hyperfine -N --warmup "$warmup" --runs "$per_round" --style basic \
      --export-json "$RESULTS/$name.rtt$rtt.round$round.json" "${args[@]}" &
    bench_pid=$!
    wait "$bench_pid"
    bench_pid=""
    stop_proxies
    cat "$workdir"/*.stats >&2
  done
done
for rtt in "${rtt_list[@]}"; do
  "$PY" bench/report.py --merge "$RESULTS" "$name.rtt$rtt" "$rounds"
done

{
  printf 'scenario=%s\n' "$scenario"
  printf 'rtts=%s\n' "${rtt_list[*]}"
  printf 'runs=%s\n' "$((per_round * rounds))"
  printf 'rounds=%s\n' "$rounds"
  printf 'warmup=%s\n' "$warmup"
  printf 'load_before=%s\n' "$load_before"
  printf 'load_after=%s\n' "$(cut -d' ' -f1-3 /proc/loadavg)"
  printf 'cpu=%s\n' "$(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -1)"
  printf 'cores=%s\n' "$(nproc)"
  [[ -n "${SASMINT_BEFORE:-}" && "$scenario" != mint ]] && printf 'before=%s\n' "$("$SASMINT_BEFORE" --version)"
  printf 'sasmint=%s (%s)\n' "$("$SASMINT" --version)" "$(git rev-parse --short HEAD 2>/dev/null || echo '?')$(git diff --quiet HEAD -- src Cargo.toml Cargo.lock .cargo 2>/dev/null || echo '+changes')"
  printf 'python=%s; %s\n' "$("$PY" --version)" "$("$PY" -m pip freeze | grep -E '^azure-(core|identity|storage-blob)==' | paste -sd ' ' -)"
  printf 'curl=%s\n' "$(curl --version | head -1)"
  printf 'hyperfine=%s\n' "$(hyperfine --version)"
} >"$RESULTS/$name.txt"

step "Latency: summary"
"$PY" bench/latency_report.py "$RESULTS" "$CHART" "$scenario"
