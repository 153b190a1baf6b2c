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

Run it (it needs the network once, for PyPI; the SDK versions are pinned and recorded in the JSON):

    python3 -m venv /tmp/sas-vectors
    /tmp/sas-vectors/bin/pip install azure-storage-blob==12.31.1 azure-storage-file-datalake==12.26.1
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
from importlib.metadata import version
from pathlib import Path
from urllib.parse import unquote

import azure.storage.blob._shared_access_signature as blob_sas
from azure.storage.blob import UserDelegationKey, generate_blob_sas, generate_container_sas
from azure.storage.filedatalake import UserDelegationKey as DataLakeUserDelegationKey
from azure.storage.filedatalake import generate_directory_sas

PINNED = {"azure-storage-blob": "12.31.1", "azure-storage-file-datalake": "12.26.1"}
OUT = Path(__file__).resolve().parent.parent / "tests" / "data" / "ud-sas-python-extra.json"
BOUND_OUT = OUT.with_name("ud-sas-python-bound.json")

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


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="compare with the file, write nothing")
    args = parser.parse_args()
    for out, doc in ((OUT, document()), (BOUND_OUT, bound_document())):
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
