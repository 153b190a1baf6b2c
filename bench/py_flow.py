"""The Python SDK flow of the GeoCatalog guide: a managed-identity token, a user delegation key,
a read+list container SAS, printed.

    python py_flow.py https://127.0.0.1:PORT/devstoreaccount1/CONTAINER

ManagedIdentityCredential uses the App Service protocol when IDENTITY_ENDPOINT and IDENTITY_HEADER
are set. TLS trust comes from REQUESTS_CA_BUNDLE (bench/run.sh points it at the Azurite cert).
"""

import sys
from datetime import datetime, timedelta, timezone

from azure.identity import ManagedIdentityCredential
from azure.storage.blob import BlobServiceClient, ContainerSasPermissions, generate_container_sas


def main() -> None:
    container_url = sys.argv[1].rstrip("/")
    account_url, container = container_url.rsplit("/", 1)
    # Path-style (emulator) URLs carry the account as the first path segment; real ones in the host.
    account = account_url.rsplit("/", 1)[1] if account_url.count("/") > 2 else account_url.split("//")[1].split(".")[0]

    now = datetime.now(timezone.utc).replace(microsecond=0)
    start, expiry = now - timedelta(minutes=15), now + timedelta(hours=8)

    credential = ManagedIdentityCredential()
    service = BlobServiceClient(account_url, credential=credential)
    key = service.get_user_delegation_key(key_start_time=start, key_expiry_time=expiry)
    token = generate_container_sas(
        account_name=account,
        container_name=container,
        user_delegation_key=key,
        permission=ContainerSasPermissions(read=True, list=True),
        start=start,
        expiry=expiry,
        protocol="https",
    )
    print(token)


if __name__ == "__main__":
    main()
