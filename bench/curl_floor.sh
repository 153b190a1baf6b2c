#!/usr/bin/env bash
# The network floor of `sasmint mint URL --auth managed-identity`: the same two HTTP requests,
# made by two curl processes and nothing else (no signing, no parsing beyond cutting the token out).
#
#   IDENTITY_ENDPOINT=… IDENTITY_HEADER=… SSL_CERT_FILE=cert.pem bench/curl_floor.sh CONTAINER_URL
#
# 1. GET the storage token from the App Service managed-identity endpoint;
# 2. POST Get User Delegation Key to the account with it, and print the key XML.
# Path-style (emulator) container URLs only: https://127.0.0.1:PORT/ACCOUNT/CONTAINER.
set -euo pipefail
export TZ=UTC

url="${1%/}"
account_url="${url%/*}"

# Bash builtins only (no `date`, no `sed`): the floor is the two curl processes.
printf -v start '%(%Y-%m-%dT%H:%M:%SZ)T' "$((EPOCHSECONDS - 900))"
printf -v expiry '%(%Y-%m-%dT%H:%M:%SZ)T' "$((EPOCHSECONDS + 8 * 3600))"

response="$(curl -sS --fail --noproxy '*' \
  -H "x-identity-header: $IDENTITY_HEADER" -H 'metadata: true' \
  "$IDENTITY_ENDPOINT?api-version=2019-08-01&resource=https%3A%2F%2Fstorage.azure.com")"
token="${response#*\"access_token\":\"}"
token="${token%%\"*}"

curl -sS --fail --noproxy '*' --cacert "$SSL_CERT_FILE" -X POST \
  -H "Authorization: Bearer $token" -H 'x-ms-version: 2026-04-06' \
  -H 'Content-Type: application/xml' \
  --data-binary "<?xml version=\"1.0\" encoding=\"utf-8\"?><KeyInfo><Start>$start</Start><Expiry>$expiry</Expiry></KeyInfo>" \
  "$account_url/?restype=service&comp=userdelegationkey"
echo
