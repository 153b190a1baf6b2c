#!/usr/bin/env bash
# Records every deterministic output of a sasmint binary (help, man pages, completions, offline
# tokens in every format, inspect, usage errors) with its stderr and exit code, one file per
# command line, so that a restructuring can prove it changed none of them:
#
#   scripts/snapshot.sh target/debug/sasmint /tmp/before     # on the old code
#   scripts/snapshot.sh target/debug/sasmint /tmp/after      # on the new code
#   diff -r /tmp/before /tmp/after && echo identical
#
# No request is ever made: every token is signed offline with a fixed key and fixed times
# (scripts/snapshot-dates.sh: relative to SNAPSHOT_DAY, today by default, so they stay valid).
# `inspect` reports time left from the clock: with SNAPSHOT_FAKETIME=1 the clock is frozen at noon
# of SNAPSHOT_DAY with libfaketime (Debian: faketime; dynamically linked binaries only), so two
# runs minutes apart are byte-identical there too.
set -euo pipefail
. "$(dirname "${BASH_SOURCE[0]}")/snapshot-dates.sh"
preload=()
if [ "${SNAPSHOT_FAKETIME:-}" = 1 ]; then
  faketime_lib=/usr/lib/x86_64-linux-gnu/faketime/libfaketime.so.1
  [ -f "$faketime_lib" ] || { echo "snapshot.sh: SNAPSHOT_FAKETIME=1 needs libfaketime: apt-get install faketime" >&2; exit 1; }
  preload=(LD_PRELOAD="$faketime_lib" FAKETIME="$SNAPSHOT_DAY 12:00:00")
fi
bin=$(realpath "$1")
out=$2
mkdir -p "$out"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cd "$work"

# The key and the token's times: scripts/snapshot-dates.sh.
printf '%s\n' "$KEY_JSON" > key.json
printf '%s\n' https://myacct.blob.core.windows.net/imagery https://myacct.blob.core.windows.net/imagery/a/b.tif 'not a url' https://other.blob.core.windows.net/c2 > urls.txt
T=(--start "$TOKEN_START" --expiry "$TOKEN_EXPIRY" --delegation-key key.json)
C=https://myacct.blob.core.windows.net/imagery
B=https://myacct.blob.core.windows.net/imagery/scenes/2026/a.tif

n=0
run() {
  n=$((n + 1))
  local file
  file=$(printf '%s/%03d' "$out" "$n")
  {
    printf '$ sasmint'
    printf ' %q' "$@"
    printf '\n'
  } > "$file"
  local rc=0
  env -i PATH=/usr/bin:/bin HOME="$work" COLUMNS=100 "${preload[@]}" "$bin" "$@" > stdout 2> stderr < /dev/null || rc=$?
  { echo "== exit $rc"; echo "== stdout"; cat stdout; echo "== stderr"; cat stderr; } >> "$file"
}

run --help
run -h
run --version
run
for c in mint key inspect geocatalog ard kusto-uri revoke-keys completions man; do
  run "$c" --help
  run "$c" -h
  run help "$c"
done
for s in register list status show delete identities; do run geocatalog "$s" --help; run geocatalog "$s" -h; done
for s in register list show delete; do run ard "$s" --help; run ard "$s" -h; done
for sh in bash zsh fish powershell elvish; do run completions "$sh"; done
run man
for c in mint key inspect kusto-uri revoke-keys completions man geocatalog ard; do run man "$c"; done
for s in register list status show delete identities; do run man geocatalog "$s"; done
for s in register list show delete; do run man ard "$s"; done

# Offline tokens, every format and many fields.
for o in token url json env github-actions azure-pipelines; do
  run mint "$C" "${T[@]}" --output "$o"
  run mint "$B" "${T[@]}" --output "$o"
done
for p in ingest upload geocatalog kusto cado maxar-ard snowflake-load snowflake-unload gcs-transfer; do
  run mint "$C" "${T[@]}" --for "$p" --output json
done
run mint "$C" "${T[@]}" --permissions racwdl --ip 203.0.113.7 --https-only --output json
run mint "$C" "${T[@]}" --permissions rl --ip 203.0.113.0-203.0.113.255 --output url
run mint "$B" "${T[@]}" --permissions r --content-disposition 'attachment; filename="a.tif"' --content-type image/tiff --cache-control no-cache --content-encoding gzip --content-language en --output json
run mint "$B" "${T[@]}" --permissions r --snapshot 2026-12-01T00:00:00.0000000Z --output json
run mint "$B" "${T[@]}" --permissions r --version-id 2026-12-01T00:00:00.0000000Z --output json
run mint "$C" "${T[@]}" --correlation-id 0b1f2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d --output json
run mint "$C" "${T[@]}" --encryption-scope scope1 --output json
run mint "$C" "${T[@]}" --directory a/b --for upload --output json
run mint "$C" "${T[@]}" --authorized-user 0b1f2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d --output json
run mint "$C" "$C-2" "${T[@]}" --output json
run mint --from-file urls.txt "${T[@]}" --output json
run mint --from-file urls.txt "${T[@]}" --output token
run mint --from-file urls.txt "${T[@]}" --fail-fast
run kusto-uri "$B" "${T[@]}"
run kusto-uri "$B" "${T[@]}" --output json
run kusto-uri "$B" --managed-identity system
run kusto-uri "$C" --managed-identity 0b1f2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d --output json

# inspect: the tokens above and hand-written ones.
tok=$(env -i HOME="$work" "${preload[@]}" "$bin" mint "$C" "${T[@]}" --permissions racwdl --ip 203.0.113.7 2>/dev/null)
btok=$(env -i HOME="$work" "${preload[@]}" "$bin" mint "$B" "${T[@]}" --permissions r --content-type image/tiff --output url 2>/dev/null)
for o in text json; do
  run inspect "$tok" --output "$o"
  run inspect "$btok" --output "$o"
  run inspect 'sv=2020-02-10&ss=bfqt&srt=sco&sp=rwdlacupx&se=2027-01-01T00:00:00Z&st=2020-01-01T00:00:00Z&spr=https,http&sig=AAAA' --output "$o"
  run inspect 'sv=2026-04-06&sr=c&sp=wr&se=$TOKEN_EXPIRY&skoid=x&sig=%2Bab%3D' --output "$o"
  run inspect 'https://acct.blob.core.windows.net/c/b?sv=2019-02-02&sr=b&sp=r&se=2030-01-01&si=policy&sig=zz' --output "$o"
  run inspect '?sp=r' --output "$o"
  run inspect 'garbage' --output "$o"
done

# Usage errors (exit 2, nothing sent).
run mint
run mint not-a-url
run mint http://myacct.blob.core.windows.net/imagery
run mint https://myacct.blob.core.windows.net/Bad_Name "${T[@]}"
run mint "$C" "${T[@]}" --permissions z
run mint "$C" "${T[@]}" --for nobody
run mint "$C" --expires-in 8d "${T[@]:4}"
run mint "$C" --expires-in 0s
run mint "$C" --expires-in abc
run mint "$C" --ip 300.1.1.1 "${T[@]}"
run mint "$C" --delegation-key /nonexistent
run mint "$C" "${T[@]}" --output nonsense
run mint "$C" "${T[@]}" --correlation-id nope
run mint "$C" "${T[@]}" --snapshot 2026 --version-id 2026
run mint "$B" "${T[@]}" --directory x
run mint "$C" "${T[@]}" --content-type x
run mint "$C" --start "$TOKEN_EXPIRY" --expiry "$TOKEN_START" --delegation-key key.json
run mint "$(printf 'https://myacct.blob.core.windows.net/c\033[31m')" "${T[@]}"
run key
run key "$C" --expires-in 9d
run inspect
run kusto-uri "$C" --managed-identity nope
run geocatalog register
run geocatalog register --catalog nope "$C"
run geocatalog show
run geocatalog delete
run ard register
run revoke-keys
run revoke-keys not-a-url
run completions nosh
run man nope
run nosuchcommand
run mint --nosuchflag
echo "$n outputs in $out"
