#!/usr/bin/env bash
# Local demo: mint a least-privilege user delegation SAS with sasmint against Azurite, Microsoft's
# storage emulator, with a local managed-identity endpoint standing in for Azure. No Azure account
# and no network beyond the npm registry (first run only) are needed.
#
#   scripts/demo.sh
#
# Needs node + npm, cargo and curl. SASMINT_BIN=/path/to/sasmint skips building the CLI.
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."

AZURITE_VERSION=3.37.0
AZURITE_MAIN="$PWD/.azurite/node_modules/azurite/dist/src/blob/main.js"

if [[ -t 1 ]]; then bold=$'\033[1m' green=$'\033[32m' red=$'\033[31m' off=$'\033[0m'; else bold='' green='' red='' off=''; fi
step() { printf '\n%s==> %s%s\n' "$bold" "$*" "$off"; }
ok() { printf '    %s✔%s %s\n' "$green" "$off" "$*"; }
fail() { printf '    %s✘ %s%s\n' "$red" "$*" "$off" >&2; exit 1; }

for tool in node npm cargo curl; do
  command -v "$tool" >/dev/null || fail "$tool is required"
done

if [[ ! -f "$AZURITE_MAIN" ]]; then
  step "Installing Azurite $AZURITE_VERSION into .azurite/ (first run only, ~40 s)"
  npm install --prefix .azurite --no-audit --no-fund --loglevel=error "azurite@$AZURITE_VERSION"
fi

step "Building sasmint and the local Azure helper (a few minutes the first time)"
if [[ -z "${SASMINT_BIN:-}" ]]; then
  cargo build --release --locked --bin sasmint --example local_azure
  SASMINT_BIN=target/release/sasmint
else
  cargo build --release --locked --example local_azure
fi

workdir="$(mktemp -d)"
helper_pid=""
cleanup() {
  if [[ -n "$helper_pid" ]]; then
    kill "$helper_pid" 2>/dev/null || true
    wait "$helper_pid" 2>/dev/null || true
  fi
  rm -rf "$workdir"
}
trap cleanup EXIT

step "Starting Azurite and a local managed-identity endpoint"
SASMINT_AZURITE="$AZURITE_MAIN" target/release/examples/local_azure \
  >"$workdir/exports.sh" 2>"$workdir/helper.log" &
helper_pid=$!
for _ in $(seq 1 150); do
  grep -q '^export DEMO_CONTAINER_URL=' "$workdir/exports.sh" && break
  kill -0 "$helper_pid" 2>/dev/null || { cat "$workdir/helper.log" >&2; fail "the helper exited"; }
  sleep 0.2
done
grep -q '^export DEMO_CONTAINER_URL=' "$workdir/exports.sh" || fail "the helper did not come up in 30 s"

# Only the local stand-ins may be used: drop settings that would pick another identity source
# or send loopback traffic through a proxy.
unset IDENTITY_SERVER_THUMBPRINT MSI_ENDPOINT MSI_SECRET IMDS_ENDPOINT AZURE_CLIENT_ID SSL_CERT_DIR
export NO_PROXY="127.0.0.1,localhost${NO_PROXY:+,$NO_PROXY}" no_proxy="127.0.0.1,localhost${no_proxy:+,$no_proxy}"
# shellcheck disable=SC1091
source "$workdir/exports.sh"
ok "container: $DEMO_CONTAINER_URL (holds hello.txt)"

step "sasmint mint \$DEMO_CONTAINER_URL --for ingest --auth managed-identity"
token="$("$SASMINT_BIN" mint "$DEMO_CONTAINER_URL" --for ingest --auth managed-identity)"
token="${token#*\?}" # accept a full URL as well as a bare query string
token="${token#\?}"
[[ "$token" == *sig=* ]] || fail "sasmint printed no SAS token"
ok "token: $(sed -E 's/(sig=)[^&]*/\1<redacted>/' <<<"$token")"

step "Using the token with curl"
list="$(curl -sS --fail-with-body --cacert "$SSL_CERT_FILE" \
  "$DEMO_CONTAINER_URL?restype=container&comp=list&$token")" || fail "list failed: $list"
names="$({ grep -o '<Name>[^<]*</Name>' <<<"$list" || true; } | sed -E 's#</?Name>##g' | paste -sd ' ' -)"
ok "list container  -> ${names:-<empty>}"

body="$(curl -sS --fail-with-body --cacert "$SSL_CERT_FILE" "$DEMO_CONTAINER_URL/hello.txt?$token")" ||
  fail "read failed: $body"
ok "read hello.txt  -> $body"

status="$(curl -sS -o "$workdir/put.xml" -w '%{http_code}' --cacert "$SSL_CERT_FILE" -X PUT \
  -H 'x-ms-blob-type: BlockBlob' --data-binary 'this should not land' \
  "$DEMO_CONTAINER_URL/intruder.txt?$token")"
code="$({ grep -o '<Code>[^<]*</Code>' "$workdir/put.xml" || true; } | sed -E 's#</?Code>##g')"
[[ "$status" == 403 ]] || fail "write was not refused: HTTP $status ${code}"
ok "write intruder.txt -> refused: HTTP $status ${code}"

printf '\n%sDone:%s the token can list and read, and nothing more.\n' "$bold" "$off"
