#!/usr/bin/env bash
# The batch that streams (issue 20): time and peak RSS of `sasmint mint --from-file -` offline
# (`--delegation-key`), for 10,000 and 1,000,000 container URLs over 4 accounts, to stdout and
# to `--output-file` (which streams too: a private temporary file renamed into place at the end),
# measured by `/usr/bin/time -v` (wall clock, and the kernel's peak RSS of the process), beside
# the Python SDK signing the same URLs with the same key (bench/py_offline.py) when bench/.venv
# has it.
# No Azurite, no network: the key is a synthetic one (an offline signature needs no real key).
#
#   bench/stream.sh [--sasmint PATH] [--counts "10000 1000000"] [--skip-python]
#
#   --sasmint PATH  the binary to measure (default: target/release/sasmint, built with
#                   `cargo build --release --locked --bin sasmint` when missing)
#   --counts LIST   URL counts (default "10000 1000000")
#   --skip-python   leave out the Python SDK rows
#
# Prints a Markdown table (and writes it to bench/results/stream.md).
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
SASMINT=""
counts="10000 1000000"
python=1
while [[ $# -gt 0 ]]; do
  case "$1" in
    --sasmint) SASMINT="$(realpath "$2")"; shift ;;
    --counts) counts="$2"; shift ;;
    --skip-python) python=0 ;;
    -h | --help) sed -n '2,/^set -euo/p' "${BASH_SOURCE[0]}" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
    *) echo "unknown option: $1 (see --help)" >&2; exit 2 ;;
  esac
  shift
done
[[ -x /usr/bin/time ]] || { echo "needs GNU time (/usr/bin/time; Debian: apt-get install time)" >&2; exit 1; }
if [[ -z "$SASMINT" ]]; then
  (cd "$ROOT" && cargo build --release --locked --bin sasmint)
  SASMINT="$(realpath -m "${CARGO_TARGET_DIR:-$ROOT/target}")/release/sasmint"
fi
PY="$ROOT/bench/.venv/bin/python"
if ((python)) && ! { [[ -x "$PY" ]] && "$PY" -c 'import azure.storage.blob' 2>/dev/null; }; then
  echo "note: no bench/.venv with azure-storage-blob (bench/run.sh makes it): Python rows left out" >&2
  python=0
fi

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
# A synthetic key, valid for 6 days from an hour ago.
python3 - "$work/key.json" <<'PY'
import base64, datetime, json, os, sys
now = datetime.datetime.now(datetime.timezone.utc).replace(microsecond=0)
f = lambda d: d.strftime("%Y-%m-%dT%H:%M:%SZ")
key = {"signedOid": "00000000-0000-0000-0000-000000000001",
       "signedTid": "00000000-0000-0000-0000-000000000002",
       "signedStart": f(now - datetime.timedelta(hours=1)),
       "signedExpiry": f(now + datetime.timedelta(days=6)),
       "signedService": "b", "signedVersion": "2026-04-06",
       "value": base64.b64encode(bytes(range(32))).decode()}
fd = os.open(sys.argv[1], os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
os.write(fd, json.dumps(key).encode())
PY

# One line of `/usr/bin/time -v` output: its value.
field() { sed -n "s/^[[:space:]]*$1: //p" "$2"; }
# `h:mm:ss` or `m:ss.cc` as seconds.
seconds() { awk -F: '{ s = 0; for (i = 1; i <= NF; i++) s = s * 60 + $i; printf "%.2f", s }' <<<"$1"; }

rows=()
for n in $counts; do
  list="$work/urls-$n.txt"
  awk -v n="$n" 'BEGIN { for (i = 1; i <= n; i++) printf "https://acct%d.blob.core.windows.net/c%07d\n", i % 4, i }' >"$list"
  # stdin from the file, stdout counted: the pipe a user would have.
  /usr/bin/time -v -o "$work/time" "$SASMINT" mint --from-file - --delegation-key "$work/key.json" \
    <"$list" >"$work/out"
  got="$(grep -c 'sig=' "$work/out")"
  [[ "$got" == "$n" ]] || { echo "sasmint printed $got tokens for $n URLs" >&2; exit 1; }
  rows+=("| sasmint mint --from-file - --delegation-key | $n | $(seconds "$(field 'Elapsed (wall clock) time (h:mm:ss or m:ss)' "$work/time")") s | $(field 'User time (seconds)' "$work/time") s | $(( $(field 'Maximum resident set size (kbytes)' "$work/time") / 1024 )) MiB |")
  rm -f "$work/out"
  # The same to a file: the results go to disk as they come, not to memory until the end.
  /usr/bin/time -v -o "$work/time" "$SASMINT" mint --from-file - --delegation-key "$work/key.json" \
    --output-file "$work/out" <"$list"
  got="$(grep -c 'sig=' "$work/out")"
  [[ "$got" == "$n" ]] || { echo "sasmint wrote $got tokens for $n URLs to --output-file" >&2; exit 1; }
  rows+=("| sasmint mint --from-file - --delegation-key --output-file | $n | $(seconds "$(field 'Elapsed (wall clock) time (h:mm:ss or m:ss)' "$work/time")") s | $(field 'User time (seconds)' "$work/time") s | $(( $(field 'Maximum resident set size (kbytes)' "$work/time") / 1024 )) MiB |")
  rm -f "$work/out"
  if ((python)); then
    /usr/bin/time -v -o "$work/time" "$PY" "$ROOT/bench/py_offline.py" --delegation-key "$work/key.json" \
      --from-file "$list" >"$work/out"
    rows+=("| Python SDK, same key (py_offline.py) | $n | $(seconds "$(field 'Elapsed (wall clock) time (h:mm:ss or m:ss)' "$work/time")") s | $(field 'User time (seconds)' "$work/time") s | $(( $(field 'Maximum resident set size (kbytes)' "$work/time") / 1024 )) MiB |")
  fi
  rm -f "$list" "$work/out"
done

mkdir -p "$ROOT/bench/results"
{
  echo "sasmint: $("$SASMINT" --version) ($SASMINT); $(nproc) cores; load average $(cut -d' ' -f1-3 /proc/loadavg)"
  echo
  echo "| command | URLs | wall | user CPU | peak RSS |"
  echo "|---|---:|---:|---:|---:|"
  printf '%s\n' "${rows[@]}"
} | tee "$ROOT/bench/results/stream.md"
