# Sourced by scripts/snapshot.sh and scripts/check-dist.sh: the dates offline tokens are signed
# with, relative to one day so that they stay valid whenever the scripts run. SNAPSHOT_DAY
# (YYYY-MM-DD, UTC; default today) fixes the day, so that two runs compare byte for byte; export
# it before several runs that may cross midnight. The key lives from the day before at noon for 6
# days; the token from the day after at noon for one day, inside the key.
SNAPSHOT_DAY=${SNAPSHOT_DAY:-$(date -u +%F)}
export SNAPSHOT_DAY
KEY_START=$(date -u -d "$SNAPSHOT_DAY 12:00 UTC -1 day" +%FT%TZ)
KEY_EXPIRY=$(date -u -d "$SNAPSHOT_DAY 12:00 UTC +5 days" +%FT%TZ)
TOKEN_START=$(date -u -d "$SNAPSHOT_DAY 12:00 UTC +1 day" +%FT%TZ)
TOKEN_EXPIRY=$(date -u -d "$SNAPSHOT_DAY 12:00 UTC +2 days" +%FT%TZ)
KEY_JSON="{\"signedOid\":\"8e0c6a5c-6a36-4c5a-9c5c-1f1c0b2f6c11\",\"signedTid\":\"72f988bf-86f1-41af-91ab-2d7cd011db47\",\"signedStart\":\"$KEY_START\",\"signedExpiry\":\"$KEY_EXPIRY\",\"signedService\":\"b\",\"signedVersion\":\"2026-04-06\",\"value\":\"c2FzbWludC10ZXN0LWtleS0zMi1ieXRlcy1sb25nISE=\"}"
