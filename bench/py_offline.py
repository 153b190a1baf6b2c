"""Offline SAS signing with the Python SDK (no network).

    python py_offline.py ACCOUNT ACCOUNT_KEY CONTAINER
        one read+list container SAS signed with the account key (what `az storage container
        generate-sas --account-key` does)
    python py_offline.py --delegation-key key.json --from-file urls.txt
        one read+list SAS per container URL in the file, all signed with the user delegation key
        saved by `sasmint key` (the batch comparison)
"""

import json
import sys
from datetime import datetime, timedelta, timezone

from azure.storage.blob import ContainerSasPermissions, UserDelegationKey, generate_container_sas


def load_key(path: str) -> UserDelegationKey:
    with open(path, encoding="utf-8") as f:
        raw = json.load(f)
    key = UserDelegationKey()
    key.signed_oid = raw["signedOid"]
    key.signed_tid = raw["signedTid"]
    key.signed_start = raw["signedStart"]
    key.signed_expiry = raw["signedExpiry"]
    key.signed_service = raw["signedService"]
    key.signed_version = raw["signedVersion"]
    key.value = raw["value"]
    return key


def main() -> None:
    now = datetime.now(timezone.utc).replace(microsecond=0)
    permission = ContainerSasPermissions(read=True, list=True)
    args = sys.argv[1:]
    if args and args[0] == "--delegation-key":
        key = load_key(args[1])
        assert args[2] == "--from-file"
        start = now - timedelta(minutes=15)
        expiry = min(now + timedelta(hours=8), datetime.fromisoformat(key.signed_expiry.replace("Z", "+00:00")))
        out = []
        with open(args[3], encoding="utf-8") as f:
            for line in f:
                url = line.strip()
                if not url:
                    continue
                account_url, container = url.rsplit("/", 1)
                account = account_url.rsplit("/", 1)[1]
                token = generate_container_sas(
                    account_name=account,
                    container_name=container,
                    user_delegation_key=key,
                    permission=permission,
                    start=start,
                    expiry=expiry,
                    protocol="https",
                )
                out.append(f"{url}?{token}")
        sys.stdout.write("\n".join(out) + "\n")
        return
    account, account_key, container = args
    print(
        generate_container_sas(
            account_name=account,
            container_name=container,
            account_key=account_key,
            permission=permission,
            expiry=now + timedelta(hours=8),
        )
    )


if __name__ == "__main__":
    main()
