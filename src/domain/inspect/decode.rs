//! [`inspect`]: decodes a token into an [`Inspection`] and runs the lints.

use time::OffsetDateTime;

use super::lint::{
    has_no_repeats, is_canonical, lint_directory_depth, lint_ip, lint_permissions, lint_protocol,
    lint_signature, lint_times, lint_versions, seconds_between, Times, Warnings,
};
use super::model::{
    Delegation, InspectError, Inspection, Letter, Resource, ResponseHeaders, SasKind,
};
use super::params::{
    parse_letters, parse_time, parse_version, resource_meaning, split_input, split_names, Params,
};
use super::tables::{
    ACCOUNT_PERMISSIONS, ACCOUNT_RESOURCE_TYPES, ACCOUNT_SERVICES, BLOB_PERMISSIONS, COMMON_PARAMS,
    QUEUE_PERMISSIONS, REQUEST_PARAMS, RESOURCE_PARAMS, UD_KEY_PARAMS, UD_ONLY_PARAMS,
};
use crate::domain::permissions::{CANONICAL, QUEUE};

/// What the scan of all parameters found besides the SAS fields.
#[derive(Default)]
struct Extras {
    snapshot: Option<String>,
    version_id: Option<String>,
    request_parameters: Vec<String>,
    unknown_parameters: Vec<String>,
}

/// Decodes a SAS token (bare query string, with or without `?`, or a full URL) and lints it.
///
/// `now` is used only for `expires_in_seconds` and the `expired` / `not_yet_valid` warnings.
pub fn inspect(input: &str, now: OffsetDateTime) -> Result<Inspection, InspectError> {
    let (location, query) = split_input(input)?;
    let params = Params::parse(&query)?;

    let (sv, sig) = match (params.get("sv"), params.get("sig")) {
        (None, None) => {
            return Err(InspectError::NotASas {
                missing: "`sv` or `sig`",
            })
        }
        (None, Some(_)) => return Err(InspectError::NotASas { missing: "`sv`" }),
        (Some(_), None) => return Err(InspectError::NotASas { missing: "`sig`" }),
        (Some(sv), Some(sig)) => (sv, sig),
    };
    if sig.value.is_empty() {
        return Err(InspectError::InvalidValue {
            param: "sig",
            problem: "is empty".to_owned(),
            fix: "copy the whole token again; the signature is the `sig=` value".to_owned(),
        });
    }
    parse_version(&sv.value)?;
    let kind = detect_kind(&params)?;

    let stored_policy = params.value("si");
    let policy_may_supply = kind == SasKind::Service && stored_policy.is_some();
    // A user delegation key from the queue endpoint (`sks=q`) signs queue tokens, which name
    // no resource (`sr`): the URL's path is the queue.
    let queue = kind == SasKind::UserDelegation && params.value("sks").as_deref() == Some("q");
    let service = match kind {
        SasKind::Account => None,
        _ if queue => Some("queue"),
        _ => Some("blob"),
    };
    let resource = if queue {
        None
    } else {
        decode_resource(kind, &params)?
    };

    // Permissions.
    let permissions = params.value("sp");
    if permissions.is_none() && !policy_may_supply {
        return Err(InspectError::MissingParameter {
            kind,
            param: "sp",
            fix: "without a stored access policy (si) a SAS must carry its permissions in sp; mint it again",
        });
    }
    let table = match kind {
        SasKind::Account => ACCOUNT_PERMISSIONS,
        _ if queue => QUEUE_PERMISSIONS,
        _ => BLOB_PERMISSIONS,
    };
    let permission_details = match &permissions {
        Some(sp) => parse_letters("sp", sp, table)?,
        None => Vec::new(),
    };
    let permissions_canonical = permissions.as_deref().map(|sp| match kind {
        SasKind::Account => has_no_repeats(sp),
        _ if queue => is_canonical(sp, QUEUE),
        _ => is_canonical(sp, CANONICAL),
    });

    // Times.
    let start = params.value("st");
    let expiry = params.value("se");
    let start_t = start.as_deref().map(|v| parse_time("st", v)).transpose()?;
    let expiry_t = expiry.as_deref().map(|v| parse_time("se", v)).transpose()?;
    if expiry_t.is_none() && !policy_may_supply {
        return Err(InspectError::MissingParameter {
            kind,
            param: "se",
            fix: "without a stored access policy (si) a SAS must carry its expiry in se; mint it again",
        });
    }
    let lifetime_seconds = match (start_t, expiry_t) {
        (Some(s), Some(e)) => seconds_between(s, e),
        _ => None,
    };

    let protocol = params.value("spr");
    let http_allowed = match &protocol {
        None => true,
        Some(p) => allows_http(p)?,
    };

    let (delegation, key_times) = if kind == SasKind::UserDelegation {
        let (d, skt, ske) = decode_delegation(&params)?;
        (Some(d), Some((skt, ske)))
    } else {
        (None, None)
    };

    let (services, resource_types) = if kind == SasKind::Account {
        let (ss, srt) = decode_account_scope(&params)?;
        (Some(ss), Some(srt))
    } else {
        (None, None)
    };

    let mut warnings = Warnings(Vec::new());
    let extras = scan_parameters(kind, &params, &mut warnings);

    let (container, queue_name) = if queue {
        (None, location.container)
    } else {
        (location.container, None)
    };
    let mut inspection = Inspection {
        kind,
        signed_version: sv.value.clone(),
        service,
        account: location.account,
        container,
        queue: queue_name,
        blob: location.blob,
        snapshot: extras.snapshot,
        version_id: extras.version_id,
        resource,
        permissions,
        permission_details,
        permissions_canonical,
        start,
        expiry,
        lifetime_seconds,
        expires_in_seconds: expiry_t.and_then(|e| seconds_between(now, e)),
        protocol,
        http_allowed,
        ip: params.value("sip"),
        encryption_scope: params.value("ses"),
        stored_policy,
        response_headers: ResponseHeaders {
            cache_control: params.value("rscc"),
            content_disposition: params.value("rscd"),
            content_encoding: params.value("rsce"),
            content_language: params.value("rscl"),
            content_type: params.value("rsct"),
        },
        request_bound: delegation.as_ref().is_some_and(|d| {
            !d.required_headers.is_empty() || !d.required_query_parameters.is_empty()
        }),
        delegation,
        services,
        resource_types,
        signature: "present",
        signature_length: sig.value.chars().count(),
        request_parameters: extras.request_parameters,
        unknown_parameters: extras.unknown_parameters,
        warnings: Vec::new(),
    };

    let times = Times {
        start: start_t,
        expiry: expiry_t,
        key: key_times,
    };
    // Risk first, then problems with the token itself.
    let mut all = Warnings(Vec::new());
    lint_permissions(&inspection, &mut all);
    lint_protocol(&inspection, &mut all);
    lint_times(&inspection, &times, now, &mut all);
    lint_ip(&inspection, &mut all);
    lint_signature(&sig.raw, &mut all);
    all.0.append(&mut warnings.0);
    lint_versions(&inspection, &params, &mut all);
    lint_directory_depth(&inspection, &mut all);
    inspection.warnings = all.0;
    Ok(inspection)
}

fn detect_kind(params: &Params) -> Result<SasKind, InspectError> {
    let is_ud = UD_KEY_PARAMS.iter().any(|k| params.has(k));
    let is_account = params.has("ss") || params.has("srt");
    match (is_ud, is_account) {
        (true, true) => Err(InspectError::MixedKinds),
        (true, false) => Ok(SasKind::UserDelegation),
        (false, true) => Ok(SasKind::Account),
        (false, false) if params.has("sr") => Ok(SasKind::Service),
        (false, false) => Err(InspectError::UnknownKind),
    }
}

fn decode_resource(kind: SasKind, params: &Params) -> Result<Option<Resource>, InspectError> {
    if kind == SasKind::Account {
        return Ok(None);
    }
    let code = params.value("sr").ok_or(InspectError::MissingParameter {
        kind,
        param: "sr",
        fix: "a user delegation SAS names its resource with sr=c, b, bs, bv or d; mint it again",
    })?;
    let meaning = resource_meaning(&code).ok_or_else(|| InspectError::InvalidValue {
        param: "sr",
        problem: "is not a known resource type".to_owned(),
        fix: "it must be c (container), b (blob), bs (snapshot), bv (version) or d (directory)"
            .to_owned(),
    })?;
    let directory_depth = match params.value("sdd") {
        Some(v) => Some(v.parse::<u32>().map_err(|_| InspectError::InvalidValue {
            param: "sdd",
            problem: "is not a non-negative whole number".to_owned(),
            fix: "it is the number of '/'-separated segments of the directory path, e.g. 3 for raw/2025/03".to_owned(),
        })?),
        None if code == "d" => {
            return Err(InspectError::MissingParameter {
                kind,
                param: "sdd",
                fix: "a directory SAS (sr=d) needs sdd, the number of segments of the directory path",
            })
        }
        None => None,
    };
    Ok(Some(Resource {
        code,
        meaning,
        directory_depth,
    }))
}

/// `spr` must be a comma-separated list of `https` and `http`; returns whether `http` is in it.
fn allows_http(spr: &str) -> Result<bool, InspectError> {
    let mut http = false;
    for token in spr.split(',') {
        match token.trim() {
            "https" => {}
            "http" => http = true,
            _ => {
                return Err(InspectError::InvalidValue {
                    param: "spr",
                    problem: "is not a valid protocol list".to_owned(),
                    fix: "it must be https or https,http".to_owned(),
                })
            }
        }
    }
    Ok(http)
}

fn decode_delegation(
    params: &Params,
) -> Result<(Delegation, OffsetDateTime, OffsetDateTime), InspectError> {
    let required = |param: &'static str| {
        params.value(param).ok_or(InspectError::MissingParameter {
            kind: SasKind::UserDelegation,
            param,
            fix: "a user delegation SAS carries all six key fields (skoid, sktid, skt, ske, sks, skv); copy the whole token again",
        })
    };
    let names = |param: &'static str| match params.get(param) {
        Some(p) => split_names(&p.raw, param),
        None => Ok(Vec::new()),
    };
    let delegation = Delegation {
        signed_oid: required("skoid")?,
        signed_tid: required("sktid")?,
        key_start: required("skt")?,
        key_expiry: required("ske")?,
        key_service: required("sks")?,
        key_version: required("skv")?,
        delegated_user_tid: params.value("skdutid"),
        delegated_user_oid: params.value("sduoid"),
        authorized_user_oid: params.value("saoid"),
        unauthorized_user_oid: params.value("suoid"),
        correlation_id: params.value("scid"),
        required_headers: names("srh")?,
        required_query_parameters: names("srq")?,
    };
    let skt = parse_time("skt", &delegation.key_start)?;
    let ske = parse_time("ske", &delegation.key_expiry)?;
    Ok((delegation, skt, ske))
}

fn decode_account_scope(params: &Params) -> Result<(Vec<Letter>, Vec<Letter>), InspectError> {
    let ss = params.value("ss").ok_or(InspectError::MissingParameter {
        kind: SasKind::Account,
        param: "ss",
        fix: "an account SAS lists its services in ss (b, f, q, t); mint it again",
    })?;
    let srt = params.value("srt").ok_or(InspectError::MissingParameter {
        kind: SasKind::Account,
        param: "srt",
        fix: "an account SAS lists its resource types in srt (s, c, o); mint it again",
    })?;
    Ok((
        parse_letters("ss", &ss, ACCOUNT_SERVICES)?,
        parse_letters("srt", &srt, ACCOUNT_RESOURCE_TYPES)?,
    ))
}

/// Sorts every parameter that is not a field of this kind of SAS: request parameters, known SAS
/// parameters that do not belong here, and unknown ones (reported by name only).
fn scan_parameters(kind: SasKind, params: &Params, warnings: &mut Warnings) -> Extras {
    let mut extras = Extras::default();
    for p in &params.0 {
        let k = p.key.as_str();
        let in_resource = RESOURCE_PARAMS.contains(&k);
        let in_ud = UD_KEY_PARAMS.contains(&k) || UD_ONLY_PARAMS.contains(&k);
        let applies = COMMON_PARAMS.contains(&k)
            || match kind {
                SasKind::UserDelegation => in_resource || in_ud,
                SasKind::Service => in_resource || k == "si",
                SasKind::Account => k == "ss" || k == "srt",
            };
        if applies {
            continue;
        }
        let known_sas = in_resource || in_ud || matches!(k, "si" | "ss" | "srt");
        if REQUEST_PARAMS.contains(&k) {
            match k {
                "snapshot" => extras.snapshot = Some(p.value.clone()),
                "versionid" => extras.version_id = Some(p.value.clone()),
                _ => {}
            }
            extras.request_parameters.push(p.name.clone());
        } else if k == "si" && kind == SasKind::UserDelegation {
            warnings.add(
                "stored_policy_with_user_delegation",
                "si is set, but a user delegation SAS cannot use a stored access policy; the service rejects it, so mint it without si".to_owned(),
            );
        } else if known_sas {
            warnings.add(
                "ignored_parameter",
                format!(
                    "`{}` is not part of a {kind} SAS; it is not signed and the service ignores it, so drop it",
                    p.name
                ),
            );
        } else {
            extras.unknown_parameters.push(p.name.clone());
            warnings.add(
                "unknown_parameter",
                format!(
                    "unknown parameter `{}` (value not shown); the service ignores it or rejects the request, so check for a typo or a parameter pasted from another URL",
                    p.name
                ),
            );
        }
    }
    extras
}
