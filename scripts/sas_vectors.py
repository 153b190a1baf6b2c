#!/usr/bin/env python3
"""User delegation SAS vectors from the Azure SDK for Python: a second, independent implementation.

Writes tests/data/ud-sas-python-extra.json: for fixed inputs (one fixed user delegation key, fixed
account, container, blob and times), each case's inputs, the full string-to-sign (as one string and
as a list of lines labelled by field), the signature, and the full query string, as the Python SDK
produces them. The cases cover what the Azurite emulator cannot prove:

* issue 11: `sip` (one address, a range), `spr` (https, https+http) and `ses`, on a container SAS
  and a blob SAS, and all three together. sasmint already mints these: tests/vectors_extra.rs
  runs the real binary on every case marked `"sasmint_runs": true` and checks it against them.
* issue 12: `scid` (correlation id).
* issue 13: directory SAS (`sr=d`, `sdd`) from azure-storage-file-datalake's
  `generate_directory_sas`, `sduoid` (`user_delegation_oid=`), `skdutid` (the key's
  `signed_delegated_user_tid`), response header overrides (`rscc rscd rsce rscl rsct`), snapshot
  (`sr=bs`) and version (`sr=bv`) blob SAS. sasmint signs all of them but one:
  `i13-container-response-headers` (the SDK signs `rsc*` on a container SAS, sasmint refuses
  them there), whose `sasmint_runs` stays false.

It also writes tests/data/ud-sas-python-bound.json (issue 20): request-bound ("dynamic") user
delegation SAS, `srh`/`srq` (`request_headers=`, `request_query_params=` on `generate_blob_sas` and
`generate_container_sas`). Their values span several lines of the string-to-sign (the crate and the
SDK write `name:value\n` per header and `\nname:value` per parameter), so these cases are not
labelled field by field; the script checks instead that the lines between `signedEncryptionScope`
and `rscc` are exactly the request block built from the inputs. The SDK keeps the caller's order
while the Rust crate sorts names (a BTreeMap): the script passes every header and parameter sorted
by name, and records them as ordered [name, value] lists. src/domain/sas.rs checks each case.

And tests/data/ud-sas-python-queue.json (issue 20): queue user delegation SAS
(`https://ACCOUNT.queue.core.windows.net/QUEUE`) from azure-storage-queue's `generate_queue_sas`,
captured the same way (its module imports its own `sign_string`), with every one of the 15 lines
rebuilt from the inputs and checked. See queue_document() for what differs from the Rust crate.

Run it (it needs the network once, for PyPI; the SDK versions are pinned and recorded in the JSON):

    python3 -m venv /tmp/sas-vectors
    /tmp/sas-vectors/bin/pip install azure-storage-blob==12.31.1 azure-storage-file-datalake==12.26.1 \
        azure-storage-queue==12.18.1
    /tmp/sas-vectors/bin/python scripts/sas_vectors.py            # writes tests/data/ud-sas-python-extra.json
    /tmp/sas-vectors/bin/python scripts/sas_vectors.py --check    # regenerates and compares, writes nothing

How the string-to-sign is captured: both SDKs sign through one function, the name `sign_string` that
`azure.storage.blob._shared_access_signature` imports from `azure.storage.blob._shared`
(`generate_directory_sas` in the Data Lake SDK calls the Blob SDK's `generate_blob_sas`). The script
replaces that module attribute with a wrapper that records `(key, string_to_sign)` and then calls the
original, so the SDK signs exactly as it would unpatched. Each case must make exactly one such call.
Two cross-checks keep the capture honest: the SDK's own `sts_hook=` debugging callback must report the
same string, and HMAC-SHA256 of that string under the key, computed here with `hmac`/`hashlib`, must
equal the `sig` in the SDK's token.

The labelled lines use the field order of the service's "Create a user delegation SAS" page for
version 2025-07-05 and later with the 2026-04-06 additions (the UD_2026_04_06 layout, 28 fields, see
../shared/spec/user-delegation-sas.md section 3). The script does not just zip the labels onto the
lines: it rebuilds every field's expected value from the case's inputs and asserts that the SDK's line
carries it, so a label is only written where the SDK put that value.
"""

import argparse
import base64
import hashlib
import hmac
import json
import platform
import sys
from datetime import datetime, timezone
from importlib.metadata import version
from pathlib import Path
from urllib.parse import unquote

import azure.storage.blob._shared_access_signature as blob_sas
from azure.storage.blob import UserDelegationKey, generate_blob_sas, generate_container_sas
from azure.storage.filedatalake import UserDelegationKey as DataLakeUserDelegationKey
from azure.storage.filedatalake import generate_directory_sas
import azure.storage.queue._shared_access_signature as queue_sas
from azure.storage.queue import QueueSasPermissions, generate_queue_sas
from azure.storage.queue import UserDelegationKey as QueueUserDelegationKey

PINNED = {"azure-storage-blob": "12.31.1", "azure-storage-file-datalake": "12.26.1"}
# Kept apart from PINNED so that the blob documents' `sdk` field does not change with it.
QUEUE_PINNED = {"azure-storage-queue": "12.18.1"}
OUT = Path(__file__).resolve().parent.parent / "tests" / "data" / "ud-sas-python-extra.json"
BOUND_OUT = OUT.with_name("ud-sas-python-bound.json")
QUEUE_OUT = OUT.with_name("ud-sas-python-queue.json")

# (field name in the service documentation, token parameter that carries it or how it is carried)
FIELDS = [
    ("signedPermissions", "sp"),
    ("signedStart", "st"),
    ("signedExpiry", "se"),
    ("canonicalizedResource", "(path)"),
    ("signedKeyObjectId", "skoid"),
    ("signedKeyTenantId", "sktid"),
    ("signedKeyStart", "skt"),
    ("signedKeyExpiry", "ske"),
    ("signedKeyService", "sks"),
    ("signedKeyVersion", "skv"),
    ("signedAuthorizedUserObjectId", "saoid"),
    ("signedUnauthorizedUserObjectId", "suoid"),
    ("signedCorrelationId", "scid"),
    ("signedKeyDelegatedUserTenantId", "skdutid"),
    ("signedDelegatedUserObjectId", "sduoid"),
    ("signedIP", "sip"),
    ("signedProtocol", "spr"),
    ("signedVersion", "sv"),
    ("signedResource", "sr"),
    ("signedSnapshotTime", "(URL snapshot= or versionid=)"),
    ("signedEncryptionScope", "ses"),
    ("signedRequestHeaders", "srh"),
    ("signedRequestQueryParameters", "srq"),
    ("rscc", "rscc"),
    ("rscd", "rscd"),
    ("rsce", "rsce"),
    ("rscl", "rscl"),
    ("rsct", "rsct"),
]

KEY = {
    "signed_oid": "8e0c6a5c-6a36-4c5a-9c5c-1f1c0b2f6c11",
    "signed_tid": "72f988bf-86f1-41af-91ab-2d7cd011db47",
    "signed_start": "2025-03-01T00:00:00Z",
    "signed_expiry": "2025-03-08T00:00:00Z",
    "signed_service": "b",
    "signed_version": "2026-10-06",
    "value": "CDbbW7auD7G7KPwtUda3fRepaIxXK2WN1Gja/igmRuY=",
}
# A second tenant whose users may use the token (Get User Delegation Key with DelegatedUserTid).
DELEGATED_TID = "4d3c2b1a-0f9e-4d8c-b7a6-958473625140"
DELEGATED_OID = "0b9c3d1e-7f0a-4e4f-8a2d-5d8f2b6a1c93"
CORRELATION_ID = "6f3c1c2e-2d6b-4b7e-9a51-3c0c3b1f7a42"
START = "2025-03-01T08:00:00Z"
EXPIRY = "2025-03-01T20:00:00Z"
ACCOUNT = "myaccount"
LAKE = "mydatalake"
CONTAINER = "reports"
BLOB = "2025/q1/summary report.pdf"


def case(id, issue, feature, description, kind, permission, container=CONTAINER, name=None,
         account=ACCOUNT, key_extra=None, runs=False, **options):
    """One case: `kind` is container, blob or directory; `options` are the SDK keyword arguments."""
    return {
        "id": id,
        "issue": issue,
        "feature": feature,
        "sasmint_runs": runs,
        "description": description,
        "kind": kind,
        "account_name": account,
        "container_name": container,
        "name": name,
        "permission": permission,
        "key_extra": key_extra or {},
        "options": options,
    }


SINGLE_IP = "203.0.113.7"
IP_RANGE = "198.51.100.0-198.51.100.255"
SCOPE = "cmk-scope-01"

CASES = [
    # --- issue 11: sip, spr, ses (sasmint mints these today) ------------------------------------
    # sasmint always signs spr (https unless --allow-http), so every case sets protocol.
    case("i11-container-ip-single", 11, "sip (--ip), one IPv4 address",
         "Container SAS restricted to one client address.", "container", "rl", runs=True,
         ip=SINGLE_IP, protocol="https"),
    case("i11-blob-ip-single", 11, "sip (--ip), one IPv4 address",
         "Blob SAS restricted to one client address.", "blob", "r", name=BLOB, runs=True,
         ip=SINGLE_IP, protocol="https"),
    case("i11-container-ip-range", 11, "sip (--ip), an inclusive IPv4 range",
         "Container SAS restricted to an address range a-b.", "container", "rl", runs=True,
         ip=IP_RANGE, protocol="https"),
    case("i11-blob-ip-range", 11, "sip (--ip), an inclusive IPv4 range",
         "Blob SAS restricted to an address range a-b.", "blob", "r", name=BLOB, runs=True,
         ip=IP_RANGE, protocol="https"),
    case("i11-container-https-only", 11, "spr=https (the default)",
         "Container SAS for https only.", "container", "rl", runs=True, protocol="https"),
    case("i11-blob-https-only", 11, "spr=https (the default)",
         "Blob SAS for https only.", "blob", "r", name=BLOB, runs=True, protocol="https"),
    case("i11-container-https-http", 11, "spr=https,http (--allow-http)",
         "Container SAS that also allows plain http.", "container", "rl", runs=True,
         protocol="https,http"),
    case("i11-blob-https-http", 11, "spr=https,http (--allow-http)",
         "Blob SAS that also allows plain http.", "blob", "r", name=BLOB, runs=True,
         protocol="https,http"),
    case("i11-container-encryption-scope", 11, "ses (--encryption-scope)",
         "Container SAS whose writes are encrypted under a scope.", "container", "racwl", runs=True,
         protocol="https", encryption_scope=SCOPE),
    case("i11-blob-encryption-scope", 11, "ses (--encryption-scope)",
         "Blob SAS whose writes are encrypted under a scope.", "blob", "cw", name=BLOB, runs=True,
         protocol="https", encryption_scope=SCOPE),
    case("i11-container-ip-http-scope", 11, "sip + spr=https,http + ses together",
         "Container SAS with an address range, http allowed and an encryption scope.", "container",
         "racwdl", runs=True, ip=IP_RANGE, protocol="https,http", encryption_scope=SCOPE),
    case("i11-blob-ip-http-scope", 11, "sip + spr=https,http + ses together",
         "Blob SAS with one address, http allowed and an encryption scope.", "blob", "racwd",
         name=BLOB, runs=True, ip=SINGLE_IP, protocol="https,http", encryption_scope=SCOPE),
    # --- issue 12: scid ---------------------------------------------------------------------------
    case("i12-container-correlation-id", 12, "scid (--correlation-id)",
         "Container SAS carrying a correlation id, logged by storage with every request made with it.",
         "container", "rl", runs=True, protocol="https", correlation_id=CORRELATION_ID),
    case("i12-blob-correlation-id", 12, "scid (--correlation-id)",
         "Blob SAS carrying a correlation id.", "blob", "r", name=BLOB, runs=True, protocol="https",
         correlation_id=CORRELATION_ID),
    # --- issue 13: directory SAS ---
    case("i13-directory-depth1-w", 13, "directory SAS (sr=d, sdd=1)",
         "Write-only directory SAS on one top-level folder (the upload preset on orders/), from "
         "azure-storage-file-datalake generate_directory_sas.", "directory", "w", account=LAKE,
         container="deliveries", name="orders", runs=True, protocol="https"),
    case("i13-directory-depth3-rl", 13, "directory SAS (sr=d, sdd=3)",
         "Read+list directory SAS three levels down.", "directory", "rl", account=LAKE,
         container="deliveries", name="raw/2025/03", runs=True, protocol="https"),
    case("i13-directory-depth3-racwdl", 13, "directory SAS (sr=d, sdd=3)",
         "Directory SAS with every blob letter a directory can carry.", "directory", "racwdl",
         account=LAKE, container="deliveries", name="raw/2025/03", runs=True, protocol="https"),
    # --- issue 13: sduoid, skdutid ---
    case("i13-container-delegated-user", 13, "sduoid (--delegated-user)",
         "Container SAS usable only together with that Entra user's own bearer token.",
         "container", "rl", runs=True, protocol="https", user_delegation_oid=DELEGATED_OID),
    case("i13-blob-delegated-user", 13, "sduoid (--delegated-user)",
         "Blob SAS usable only together with that Entra user's own bearer token.", "blob", "r",
         name=BLOB, runs=True, protocol="https", user_delegation_oid=DELEGATED_OID),
    case("i13-container-delegated-tenant", 13, "skdutid (key asked with DelegatedUserTid)",
         "Container SAS signed with a key whose signed_delegated_user_tid is set: the SDK emits and "
         "signs skdutid from the key.", "container", "rl", runs=True, protocol="https",
         key_extra={"signed_delegated_user_tid": DELEGATED_TID}),
    case("i13-blob-delegated-user-and-tenant", 13,
         "sduoid + skdutid (--delegated-user with --delegated-user-tenant)",
         "Blob SAS for one user of another tenant: sduoid plus a key with DelegatedUserTid.",
         "blob", "r", name=BLOB, runs=True, protocol="https", user_delegation_oid=DELEGATED_OID,
         key_extra={"signed_delegated_user_tid": DELEGATED_TID}),
    # --- issue 13: response header overrides ---
    case("i13-blob-response-headers-all", 13, "rscc rscd rsce rscl rsct (--cache-control ... --content-type)",
         "Blob SAS overriding all five response headers, values with characters that must be "
         "percent-encoded.", "blob", "r", name=BLOB, runs=True, protocol="https",
         cache_control="max-age=3600, must-revalidate",
         content_disposition='attachment; filename="Q1 summary report.pdf"',
         content_encoding="gzip", content_language="en-US, fr-CA",
         content_type="application/pdf; charset=utf-8"),
    case("i13-blob-content-disposition", 13, "rscd (--content-disposition)",
         "Blob SAS for a browser download link with a file name: only rscd.", "blob", "r",
         name=BLOB, runs=True, protocol="https",
         content_disposition='attachment; filename="summary.pdf"'),
    case("i13-container-response-headers", 13, "rsc* on a container SAS",
         "The SDK accepts and signs response header overrides on a container SAS too (the issue "
         "asks sasmint to refuse them there unless the service honours them).", "container", "rl",
         protocol="https", content_type="text/csv", content_disposition="inline"),
    # --- issue 13: snapshot and version ---
    case("i13-blob-snapshot", 13, "sr=bs (--snapshot)",
         "Read SAS for one snapshot: the id is signed on the signedSnapshotTime line and is NOT in "
         "the token; the URL must carry snapshot=.", "blob", "r", name=BLOB, runs=True,
         protocol="https", snapshot="2025-03-01T12:34:56.1234567Z"),
    case("i13-blob-version", 13, "sr=bv (--version-id)",
         "Read SAS for one version: the id is signed on the signedSnapshotTime line and is NOT in "
         "the token; the URL must carry versionid=.", "blob", "r", name=BLOB, runs=True,
         protocol="https", version_id="2025-02-27T09:15:00.1234567Z"),
]

OVERRIDES = {
    "rscc": "cache_control",
    "rscd": "content_disposition",
    "rsce": "content_encoding",
    "rscl": "content_language",
    "rsct": "content_type",
}


def make_key(cls, extra):
    key = cls()
    for name, value in {**KEY, **extra}.items():
        setattr(key, name, value)
    return key


class Capture:
    """Replaces the SDK's `sign_string` with a recording wrapper (see the module docstring)."""

    def __init__(self):
        self.calls = []
        self.original = blob_sas.sign_string

    def __enter__(self):
        def recording(key, string_to_sign, *args, **kwargs):
            self.calls.append((key, string_to_sign))
            return self.original(key, string_to_sign, *args, **kwargs)

        blob_sas.sign_string = recording
        return self

    def __exit__(self, *exc):
        blob_sas.sign_string = self.original


def generate(c):
    """Calls the SDK for case `c`; returns (token, captured string-to-sign, hook string, call)."""
    hooked = []
    opts = dict(c["options"])
    common = dict(permission=c["permission"], expiry=EXPIRY, start=START, sts_hook=hooked.append)
    if c["kind"] == "directory":
        key = make_key(DataLakeUserDelegationKey, c["key_extra"])
        function = "azure.storage.filedatalake.generate_directory_sas"
        call = lambda: generate_directory_sas(  # noqa: E731
            c["account_name"], c["container_name"], c["name"], key, **common, **opts)
    else:
        key = make_key(UserDelegationKey, c["key_extra"])
        if c["kind"] == "container":
            function = "azure.storage.blob.generate_container_sas"
            call = lambda: generate_container_sas(  # noqa: E731
                c["account_name"], c["container_name"], user_delegation_key=key, **common, **opts)
        else:
            function = "azure.storage.blob.generate_blob_sas"
            call = lambda: generate_blob_sas(  # noqa: E731
                c["account_name"], c["container_name"], c["name"], user_delegation_key=key,
                **common, **opts)
    with Capture() as cap:
        token = call()
    assert len(cap.calls) == 1, f"{c['id']}: {len(cap.calls)} sign_string calls"
    signing_key, sts = cap.calls[0]
    assert signing_key == KEY["value"], f"{c['id']}: signed with another key"
    assert hooked == [sts], f"{c['id']}: sts_hook disagrees with the captured string"
    return token, sts, function


def query_pairs(token):
    return [(k, unquote(v)) for k, v in (p.split("=", 1) for p in token.split("&"))]


def expected_fields(c, params):
    """Every field's value rebuilt from the case's inputs, to check the SDK's lines against."""
    o = c["options"]
    key = {**KEY, **c["key_extra"]}
    path = f"/blob/{c['account_name']}/{c['container_name']}"
    if c["name"] is not None:
        path += "/" + c["name"]
    sr = {"container": "c", "directory": "d"}.get(c["kind"]) or (
        "bs" if o.get("snapshot") else "bv" if o.get("version_id") else "b")
    return {
        "signedPermissions": c["permission"],
        "signedStart": START,
        "signedExpiry": EXPIRY,
        "canonicalizedResource": path,
        "signedKeyObjectId": key["signed_oid"],
        "signedKeyTenantId": key["signed_tid"],
        "signedKeyStart": key["signed_start"],
        "signedKeyExpiry": key["signed_expiry"],
        "signedKeyService": key["signed_service"],
        "signedKeyVersion": key["signed_version"],
        "signedAuthorizedUserObjectId": "",
        "signedUnauthorizedUserObjectId": "",
        "signedCorrelationId": o.get("correlation_id", ""),
        "signedKeyDelegatedUserTenantId": key.get("signed_delegated_user_tid", ""),
        "signedDelegatedUserObjectId": o.get("user_delegation_oid", ""),
        "signedIP": o.get("ip", ""),
        "signedProtocol": o.get("protocol", ""),
        "signedVersion": params["sv"],
        "signedResource": sr,
        "signedSnapshotTime": o.get("snapshot") or o.get("version_id") or "",
        "signedEncryptionScope": o.get("encryption_scope", ""),
        "signedRequestHeaders": "",
        "signedRequestQueryParameters": "",
        **{p: o.get(name, "") for p, name in OVERRIDES.items()},
    }


def build(c):
    token, sts, function = generate(c)
    pairs = query_pairs(token)
    params = dict(pairs)
    assert len(params) == len(pairs), f"{c['id']}: a parameter appears twice"
    lines = sts.split("\n")
    assert len(lines) == len(FIELDS), f"{c['id']}: {len(lines)} lines, expected {len(FIELDS)}"
    want = expected_fields(c, params)
    labelled = []
    for (field, param), line in zip(FIELDS, lines):
        assert line == want[field], f"{c['id']}: {field} is {line!r}, expected {want[field]!r}"
        labelled.append({"field": field, "param": param, "value": line})
    mac = hmac.new(base64.b64decode(KEY["value"]), sts.encode("utf-8"), hashlib.sha256).digest()
    signature = base64.b64encode(mac).decode()
    assert params["sig"] == signature, f"{c['id']}: sig is not HMAC-SHA256 of the captured string"

    o = c["options"]
    url_extra = {}
    if o.get("snapshot"):
        url_extra["snapshot"] = o["snapshot"]
    if o.get("version_id"):
        url_extra["versionid"] = o["version_id"]
    inputs = {
        "account_name": c["account_name"],
        "container_name": c["container_name"],
        "blob_name": c["name"],
        "is_directory": c["kind"] == "directory",
        "permission": c["permission"],
        "start": START,
        "expiry": EXPIRY,
        **o,
        "user_delegation_key": {**KEY, **c["key_extra"]},
        "service_version": params["sv"],
    }
    expected = {
        "string_to_sign": sts,
        "string_to_sign_lines": labelled,
        "signature": signature,
        "query_string": token,
        "query_params": [list(p) for p in pairs],
        "signed_resource": params["sr"],
        "canonicalized_resource": want["canonicalizedResource"],
        "url_extra_params": url_extra,
    }
    if "sdd" in params:
        expected["directory_depth"] = int(params["sdd"])
    return {
        "id": c["id"],
        "issue": c["issue"],
        "feature": c["feature"],
        "sasmint_runs": c["sasmint_runs"],
        "description": c["description"],
        "function": function,
        "inputs": inputs,
        "expected": expected,
    }


def document():
    installed = {name: version(name) for name in PINNED}
    if installed != PINNED:
        sys.exit(f"install the pinned SDKs first (see the script header): have {installed}, want {PINNED}")
    cases = [build(c) for c in CASES]
    svs = {c["inputs"]["service_version"] for c in cases}
    assert len(svs) == 1, svs
    return {
        "about": (
            "User delegation SAS vectors from the Azure SDK for Python, for features the Azurite "
            "emulator cannot prove (it ignores sip, answers 500 for ses, accepts any spr with a comma, "
            "never reads scid/sduoid/skdutid/sdd, skips sr=d and sr=bv tokens, and leaves the snapshot "
            "line empty for sr=bs). Generated by scripts/sas_vectors.py; do not edit by hand. Cases "
            "with sasmint_runs=true are checked against the sasmint binary by "
            "tests/vectors_extra.rs; i13-container-response-headers is not (sasmint refuses "
            "response headers on a container token)."
        ),
        "generator": "scripts/sas_vectors.py",
        "sdk": {
            **installed,
            "azure-core": version("azure-core"),
            "python": platform.python_version(),
        },
        "service_version": svs.pop(),
        "layout": "UD_2026_04_06",
        "string_to_sign_fields": [{"field": f, "param": p} for f, p in FIELDS],
        "conventions": {
            "string_to_sign": "UTF-8, the 28 fields of string_to_sign_fields joined by '\\n', no "
                              "trailing newline; string_to_sign_lines labels each line (no case here "
                              "uses srh/srq, whose values would span several lines)",
            "signature": "base64(HMAC-SHA256(base64decode(user_delegation_key.value), string_to_sign))",
            "query_string": "exact SDK output: parameters in the SDK's order, values "
                            "urllib.parse.quote(v) (safe='/', so '/' stays raw, also inside sig); "
                            "query_params holds them percent-decoded, in the same order",
            "capture": "the SDK's sign_string, wrapped to record its argument; cross-checked against "
                       "the SDK's sts_hook and an HMAC computed by the script",
            "url_extra_params": "the snapshot/versionid the URL must carry: the SDK signs them but "
                                "leaves them out of the token",
            "directory_depth": "sdd as the token carries it (directory cases only; sdd is not signed)",
            "times": "start/expiry and the key's times are passed to the SDK as these strings, verbatim",
        },
        "cases": cases,
    }


# --- issue 20: request-bound tokens (srh/srq) -------------------------------------------------
# (id, kind, permission, name, headers, query parameters): sorted by name, as the crate signs them.
BOUND_CASES = [
    ("i20-blob-create-only", "blob", "cw", BLOB, [("If-None-Match", "*")], []),
    ("i20-container-create-only", "container", "cw", None, [("If-None-Match", "*")], []),
    ("i20-blob-headers-and-query", "blob", "cw", BLOB,
     [("If-None-Match", "*"), ("x-ms-blob-content-type", "image/png")],
     [("comp", "block"), ("x-tag", "a b/c")]),
    ("i20-container-query-only", "container", "rl", None, [],
     [("comp", "list"), ("restype", "container")]),
    ("i20-container-header-with-colon", "container", "rl", None,
     [("x-ms-client-request-id", "job:42 / run=7")], []),
]


def bound_build(id, kind, permission, name, headers, query):
    assert headers == sorted(headers) and query == sorted(query), f"{id}: not sorted"
    hooked = []
    key = make_key(UserDelegationKey, {})
    common = dict(permission=permission, expiry=EXPIRY, start=START, protocol="https",
                  sts_hook=hooked.append, user_delegation_key=key)
    if headers:
        common["request_headers"] = dict(headers)
    if query:
        common["request_query_params"] = dict(query)
    with Capture() as cap:
        if kind == "container":
            function = "azure.storage.blob.generate_container_sas"
            token = generate_container_sas(ACCOUNT, CONTAINER, **common)
        else:
            function = "azure.storage.blob.generate_blob_sas"
            token = generate_blob_sas(ACCOUNT, CONTAINER, name, **common)
    assert len(cap.calls) == 1, f"{id}: {len(cap.calls)} sign_string calls"
    signing_key, sts = cap.calls[0]
    assert signing_key == KEY["value"] and hooked == [sts], id
    pairs = query_pairs(token)
    params = dict(pairs)
    mac = hmac.new(base64.b64decode(KEY["value"]), sts.encode("utf-8"), hashlib.sha256).digest()
    signature = base64.b64encode(mac).decode()
    assert params["sig"] == signature, f"{id}: sig is not HMAC-SHA256 of the captured string"
    # The request block: srh, the join, srq.
    block = "".join(f"{n}:{v}\n" for n, v in headers) + "\n" + "".join(f"\n{n}:{v}" for n, v in query)
    lines = sts.split("\n")
    head, tail = lines[:21], lines[-5:]
    middle = "\n".join(lines[21:-5])
    assert middle == block, f"{id}: request block {middle!r}, expected {block!r}"
    assert tail == [""] * 5 and head[16] == "https", id
    assert params.get("srh", "") == ",".join(n for n, _ in headers), id
    assert params.get("srq", "") == ",".join(n for n, _ in query), id
    return {
        "id": id,
        "issue": 20,
        "function": function,
        "inputs": {
            "account_name": ACCOUNT,
            "container_name": CONTAINER,
            "blob_name": name,
            "permission": permission,
            "start": START,
            "expiry": EXPIRY,
            "protocol": "https",
            "request_headers": [list(h) for h in headers],
            "request_query_params": [list(q) for q in query],
            "user_delegation_key": KEY,
            "service_version": params["sv"],
        },
        "expected": {
            "string_to_sign": sts,
            "string_to_sign_lines": lines,
            "signature": signature,
            "query_string": token,
            "query_params": [list(p) for p in pairs],
        },
    }


def bound_document():
    installed = {name: version(name) for name in PINNED}
    return {
        "about": (
            "Request-bound user delegation SAS (srh/srq, service version 2026-04-06) from the Azure "
            "SDK for Python. Generated by scripts/sas_vectors.py; do not edit by hand. Checked by "
            "src/domain/sas.rs (bound_tokens_match_the_python_sdk)."
        ),
        "generator": "scripts/sas_vectors.py",
        "sdk": {**installed, "azure-core": version("azure-core"), "python": platform.python_version()},
        "conventions": {
            "string_to_sign": "the SDK's, as captured; string_to_sign_lines is it split on '\\n'. "
                              "Lines 0-20 are the fixed fields up to signedEncryptionScope, the last 5 "
                              "rscc..rsct; between them the request block: 'name:value' per header, "
                              "two empty lines, then 'name:value' per query parameter",
            "order": "headers and parameters are passed sorted by name (the Rust crate sorts them; "
                     "the SDK keeps the caller's order), and listed here in that order",
        },
        "cases": [bound_build(*c) for c in BOUND_CASES],
    }


# --- issue 20: queue user delegation SAS ------------------------------------------------------
# The 15 lines of the queue string-to-sign, as azure-storage-queue 12.18.1 writes them
# (QueueSharedAccessSignature / _QueueSharedAccessHelper.add_resource_signature) and as the Rust
# crate azure_storage_sas 1.0 does (queue.rs, queue_udk_string_to_sign): the same fields, the same
# order. There is no sr line and no sr parameter.
QUEUE_FIELDS = [
    ("signedPermissions", "sp"),
    ("signedStart", "st"),
    ("signedExpiry", "se"),
    ("canonicalizedResource", "(path /queue/ACCOUNT/QUEUE)"),
    ("signedKeyObjectId", "skoid"),
    ("signedKeyTenantId", "sktid"),
    ("signedKeyStart", "skt"),
    ("signedKeyExpiry", "ske"),
    ("signedKeyService", "sks"),
    ("signedKeyVersion", "skv"),
    ("signedKeyDelegatedUserTenantId", "skdutid"),
    ("signedDelegatedUserObjectId", "sduoid"),
    ("signedIP", "sip"),
    ("signedProtocol", "spr"),
    ("signedVersion", "sv"),
]
# The order in which the SDK writes the token's parameters (insertion order of its query dict:
# add_base st se sp sip spr sv, add_id si, add_user_delegation_oid sduoid, then the key's fields
# and sig in add_resource_signature), and the order the Rust crate writes them (queue.rs,
# queue_udk_query_parameters). Absent parameters are skipped by both.
SDK_QUEUE_ORDER = ["st", "se", "sp", "sip", "spr", "sv", "sduoid", "skoid", "sktid", "skt", "ske",
                   "sks", "skv", "skdutid", "sig"]
CRATE_QUEUE_ORDER = ["sv", "st", "se", "sp", "sip", "spr", "skoid", "sktid", "skt", "ske", "sks",
                     "skv", "skdutid", "sduoid", "sig"]
# The SDK signs its own X_MS_VERSION (the newest it knows); azure_storage_sas 1.0.0 signs its
# SAS_VERSION, a constant of the crate (src/lib.rs), which is older.
SDK_QUEUE_SV = "2026-10-06"
CRATE_SV = "2026-04-06"

QUEUE_ACCOUNT = "myaccount"
QUEUE_KEY = {**KEY, "signed_service": "q", "signed_version": "2026-10-06",
             "signed_delegated_user_tid": None}
LONG_QUEUE = "eu-west-orders-ingest-high-priority-retry-after-failure-2025-q1"
ODD_START = datetime(2025, 3, 1, 8, 15, 42, tzinfo=timezone.utc)


def queue_case(id, description, permission, queue="orders", protocol="https", ip=None,
               delegated_oid=None, delegated_tid=None, start=START, expiry=EXPIRY,
               as_object=False):
    """One queue case. `as_object` passes the permission as QueueSasPermissions.from_string(...)
    (which writes the letters in the canonical order raup); otherwise the string itself."""
    return {
        "id": id,
        "description": description,
        "queue_name": queue,
        "permission": permission,
        "as_object": as_object,
        "protocol": protocol,
        "ip": ip,
        "delegated_user_oid": delegated_oid,
        "key": {**QUEUE_KEY, "signed_delegated_user_tid": delegated_tid},
        "start": start,
        "expiry": expiry,
    }


QUEUE_CASES = [
    queue_case("i20-queue-producer-a", "Producer: add messages only.", "a"),
    queue_case("i20-queue-consumer-p", "Consumer: process (get and delete) messages only.", "p"),
    queue_case("i20-queue-peek-process-rp", "Read (peek) and process.", "rp"),
    queue_case("i20-queue-all-out-of-order", "All four rights given as 'puar' through "
               "QueueSasPermissions.from_string, which signs them in the canonical order raup.",
               "puar", as_object=True),
    queue_case("i20-queue-ip-range-https", "An inclusive IPv4 range, https only.", "rp",
               ip="10.0.0.1-10.0.0.9"),
    queue_case("i20-queue-ip-single-https-http", "One IPv4 address, http allowed too.", "a",
               ip="203.0.113.7", protocol="https,http"),
    queue_case("i20-queue-delegated-user", "A key fetched with DelegatedUserTid (skdutid) and a "
               "token bound to one user of that tenant (sduoid).", "rp",
               delegated_oid=DELEGATED_OID, delegated_tid=DELEGATED_TID),
    queue_case("i20-queue-key-delegated-tid-only", "A key fetched with DelegatedUserTid "
               "(skdutid), no sduoid on the token.", "a", delegated_tid=DELEGATED_TID),
    queue_case("i20-queue-name-63-chars", "A queue name at the 63-character limit, with hyphens.",
               "raup", queue=LONG_QUEUE),
    queue_case("i20-queue-start-whole-seconds", "A start and expiry with non-zero whole seconds, "
               "passed to the SDK as timezone-aware datetimes (it formats them "
               "%Y-%m-%dT%H:%M:%SZ, whole seconds, as the crate's format_time does).", "p",
               start=ODD_START, expiry=datetime(2025, 3, 1, 9, 45, 7, tzinfo=timezone.utc)),
]


class QueueCapture(Capture):
    """The same recording wrapper, on the queue SDK's own `sign_string` import."""

    def __init__(self):
        self.calls = []
        self.original = queue_sas.sign_string

    def __enter__(self):
        def recording(key, string_to_sign, *args, **kwargs):
            self.calls.append((key, string_to_sign))
            return self.original(key, string_to_sign, *args, **kwargs)

        queue_sas.sign_string = recording
        return self

    def __exit__(self, *exc):
        queue_sas.sign_string = self.original


def as_text(t):
    return t.strftime("%Y-%m-%dT%H:%M:%SZ") if isinstance(t, datetime) else t


def queue_sign(c, service_version):
    """Signs case `c` with the SDK; returns (token, string-to-sign). At the SDK's own version this
    is the public generate_queue_sas; at another, the SDK class generate_queue_sas wraps
    (QueueSharedAccessSignature), whose x_ms_version is the version it signs."""
    key = make_key(QueueUserDelegationKey, c["key"])
    permission = QueueSasPermissions.from_string(c["permission"]) if c["as_object"] else c["permission"]
    hooked = []
    args = dict(permission=permission, expiry=c["expiry"], start=c["start"], ip=c["ip"],
                protocol=c["protocol"], user_delegation_oid=c["delegated_user_oid"],
                sts_hook=hooked.append)
    with QueueCapture() as cap:
        if service_version == SDK_QUEUE_SV:
            token = generate_queue_sas(QUEUE_ACCOUNT, c["queue_name"], user_delegation_key=key, **args)
        else:
            sas = queue_sas.QueueSharedAccessSignature(QUEUE_ACCOUNT, user_delegation_key=key)
            sas.x_ms_version = service_version
            token = sas.generate_queue(c["queue_name"], **args)
    assert len(cap.calls) == 1, f"{c['id']}: {len(cap.calls)} sign_string calls"
    signing_key, sts = cap.calls[0]
    assert signing_key == KEY["value"], f"{c['id']}: signed with another key"
    assert hooked == [sts], f"{c['id']}: sts_hook disagrees with the captured string"
    return token, sts


def queue_expected(c, service_version):
    token, sts = queue_sign(c, service_version)
    pairs = query_pairs(token)
    params = dict(pairs)
    assert len(params) == len(pairs), f"{c['id']}: a parameter appears twice"
    names = [n for n, _ in pairs]
    assert names == [n for n in SDK_QUEUE_ORDER if n in params], f"{c['id']}: SDK order {names}"
    assert "sr" not in params, c["id"]
    key = c["key"]
    sp = "".join(x for x in "raup" if x in c["permission"]) if c["as_object"] else c["permission"]
    want = [
        sp, as_text(c["start"]), as_text(c["expiry"]),
        f"/queue/{QUEUE_ACCOUNT}/{c['queue_name']}",
        key["signed_oid"], key["signed_tid"], key["signed_start"], key["signed_expiry"],
        key["signed_service"], key["signed_version"],
        key["signed_delegated_user_tid"] or "", c["delegated_user_oid"] or "",
        c["ip"] or "", c["protocol"], service_version,
    ]
    lines = sts.split("\n")
    assert len(lines) == len(QUEUE_FIELDS), f"{c['id']}: {len(lines)} lines"
    labelled = []
    for (field, param), line, value in zip(QUEUE_FIELDS, lines, want):
        assert line == value, f"{c['id']}: {field} is {line!r}, expected {value!r}"
        labelled.append({"field": field, "param": param, "value": line})
    # Every signed value is in the token under its own name, and nothing else but sig.
    signed = {p: v for (_, p), v in zip(QUEUE_FIELDS, lines) if not p.startswith("(") and v}
    assert {k: v for k, v in params.items() if k != "sig"} == signed, f"{c['id']}: query {params}"
    mac = hmac.new(base64.b64decode(KEY["value"]), sts.encode("utf-8"), hashlib.sha256).digest()
    signature = base64.b64encode(mac).decode()
    assert params["sig"] == signature, f"{c['id']}: sig is not HMAC-SHA256 of the captured string"
    return {
        "service_version": service_version,
        "string_to_sign": sts,
        "string_to_sign_lines": labelled,
        "signature": signature,
        "token": token,
        "query": [list(p) for p in pairs],
        "query_in_crate_order": [[n, params[n]] for n in CRATE_QUEUE_ORDER if n in params],
    }


def queue_build(c):
    expected = queue_expected(c, SDK_QUEUE_SV)
    at_crate = queue_expected(c, CRATE_SV)
    # Only the signedVersion line and the sv parameter (hence sig) differ between the two.
    assert expected["string_to_sign"].split("\n")[:-1] == at_crate["string_to_sign"].split("\n")[:-1]
    return {
        "id": c["id"],
        "issue": 20,
        "description": c["description"],
        "function": "azure.storage.queue.generate_queue_sas",
        "inputs": {
            "account_name": QUEUE_ACCOUNT,
            "queue_name": c["queue_name"],
            "permission": c["permission"],
            "permission_passed_as": "QueueSasPermissions.from_string" if c["as_object"] else "str",
            "start": as_text(c["start"]),
            "expiry": as_text(c["expiry"]),
            "times_passed_as": "datetime" if isinstance(c["start"], datetime) else "str",
            "ip": c["ip"],
            "protocol": c["protocol"],
            "delegated_user_oid": c["delegated_user_oid"],
            "user_delegation_key": c["key"],
            "service_version": SDK_QUEUE_SV,
        },
        "expected": expected,
        "expected_at_crate_sv": at_crate,
    }


def queue_document():
    installed = {name: version(name) for name in QUEUE_PINNED}
    if installed != QUEUE_PINNED:
        sys.exit(f"install the pinned SDKs first (see the script header): have {installed}, "
                 f"want {QUEUE_PINNED}")
    assert queue_sas.X_MS_VERSION == SDK_QUEUE_SV, queue_sas.X_MS_VERSION
    assert len(LONG_QUEUE) == 63, len(LONG_QUEUE)
    # A plain string is signed as given: the SDK neither reorders nor checks its letters.
    verbatim = queue_case("verbatim", "", "puar")
    token, sts = queue_sign(verbatim, SDK_QUEUE_SV)
    assert sts.split("\n")[0] == "puar" and dict(query_pairs(token))["sp"] == "puar", sts
    return {
        "about": (
            "Queue user delegation SAS (https://ACCOUNT.queue.core.windows.net/QUEUE) from the "
            "Azure SDK for Python, azure-storage-queue generate_queue_sas(user_delegation_key=...). "
            "Generated by scripts/sas_vectors.py; do not edit by hand."
        ),
        "generator": "scripts/sas_vectors.py",
        "sdk": {**installed, "azure-core": version("azure-core"), "python": platform.python_version()},
        "string_to_sign_fields": [{"field": f, "param": p} for f, p in QUEUE_FIELDS],
        "conventions": {
            "string_to_sign": "UTF-8, the 15 fields of string_to_sign_fields joined by '\\n', no "
                              "trailing newline; string_to_sign_lines labels each line. The field "
                              "list and its order are the same as azure_storage_sas 1.0's "
                              "(queue_udk_string_to_sign): sp, st, se, /queue/ACCOUNT/QUEUE, skoid, "
                              "sktid, skt, ske, sks, skv, skdutid, sduoid, sip, spr, sv. No sr.",
            "signature": "base64(HMAC-SHA256(base64decode(user_delegation_key.value), "
                         "string_to_sign)), recomputed by the script and equal to the token's sig",
            "capture": "the SDK's sign_string (as azure.storage.queue._shared_access_signature "
                       "imports it), wrapped to record its argument; cross-checked against the "
                       "SDK's sts_hook and the HMAC above",
            "service_version": "the SDK signs sv=" + SDK_QUEUE_SV + " (its X_MS_VERSION); "
                               "azure_storage_sas 1.0.0 signs its SAS_VERSION, " + CRATE_SV + ". "
                               "`expected` is the public generate_queue_sas at " + SDK_QUEUE_SV +
                               "; `expected_at_crate_sv` is the same SDK code "
                               "(QueueSharedAccessSignature.generate_queue, which generate_queue_sas "
                               "calls) with x_ms_version=" + CRATE_SV + ": its token should equal "
                               "the crate's parameter for parameter. The two differ only in the last "
                               "line of the string-to-sign, in sv and in sig",
            "query_order": "DIFFERS from the crate. The SDK writes " + ", ".join(SDK_QUEUE_ORDER) +
                           "; the crate writes " + ", ".join(CRATE_QUEUE_ORDER) + " (absent ones "
                           "skipped by both). So sv comes after spr in the SDK and first in the "
                           "crate, and sduoid comes before skoid in the SDK and after skdutid in "
                           "the crate. `query` is the SDK's order; `query_in_crate_order` is the same "
                           "decoded pairs in the crate's order",
            "query_encoding": "DIFFERS from the crate. `token` is the SDK's exact output: every value "
                              "urllib.parse.quote(v) (safe='/': ':' -> %3A, ',' -> %2C, '+' -> %2B, "
                              "'=' -> %3D, '/' stays raw, also inside sig). The crate percent-encodes "
                              "only skdutid, sduoid and sig (everything but A-Z a-z 0-9 - _ . ~, so "
                              "'/' -> %2F) and writes st, se, skt, ske, sp, sip, spr, skoid, sktid, "
                              "sks, skv raw (st=2025-03-01T08:00:00Z, spr=https,http). Compare "
                              "decoded values (`query`), not the token text",
            "permission": "`permission` is what was given; with permission_passed_as "
                          "'QueueSasPermissions.from_string' the SDK signs the letters in the "
                          "canonical order r a u p (as the crate does). A plain string is signed "
                          "verbatim, neither reordered nor checked (the script asserts sp=puar for "
                          "'puar'), so every str case here is already canonical",
            "delegation": "skdutid is the key's signed_delegated_user_tid attribute "
                          "(UserDelegationKey, set from Get User Delegation Key with "
                          "delegated_user_tid=); sduoid is generate_queue_sas(user_delegation_oid=). "
                          "Both are in azure-storage-queue 12.18.1; null means not given (an empty "
                          "line in the string-to-sign, no parameter)",
            "times": "start/expiry are given as these strings, or (times_passed_as 'datetime') as "
                     "timezone-aware datetimes that the SDK formats %Y-%m-%dT%H:%M:%SZ; the key's "
                     "times are strings, verbatim",
        },
        "cases": [queue_build(c) for c in QUEUE_CASES],
    }


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="compare with the file, write nothing")
    args = parser.parse_args()
    for out, doc in ((OUT, document()), (BOUND_OUT, bound_document()), (QUEUE_OUT, queue_document())):
        text = json.dumps(doc, indent=1, ensure_ascii=False) + "\n"
        if args.check:
            if out.read_text(encoding="utf-8") != text:
                sys.exit(f"{out} differs from what the SDK produces now")
            print(f"{out}: up to date")
            continue
        out.write_text(text, encoding="utf-8")
        print(f"wrote {out}")


if __name__ == "__main__":
    main()
