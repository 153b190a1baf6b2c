//! Parsing a storage URL into the account, container and blob (or queue) a SAS is signed for.
//! Pure.

use crate::domain::encoding::{percent_decode, Escapes};
use crate::domain::error::{Failure, Result};
use crate::domain::shown;
use percent_encoding::{utf8_percent_encode, AsciiSet, NON_ALPHANUMERIC};
use url::{Host, Url};

/// Blob endpoint suffixes of the public and sovereign clouds: `ACCOUNT.blob.<suffix>`.
const BLOB_SUFFIXES: &[&str] = &[
    "core.windows.net",
    "core.chinacloudapi.cn",
    "core.usgovcloudapi.net",
];

/// Characters kept as-is in a blob path: RFC 3986 unreserved, plus `/` between segments.
const PATH_KEEP: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'_')
    .remove(b'.')
    .remove(b'~')
    .remove(b'/');

/// The storage service a token is for: Blob Storage (and Data Lake, through its blob
/// endpoint) or Queue Storage.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Storage {
    Blob,
    Queue,
}

impl Storage {
    /// `blob` or `queue`, for messages and JSON.
    pub fn name(self) -> &'static str {
        match self {
            Storage::Blob => "blob",
            Storage::Queue => "queue",
        }
    }

    /// `Blob` or `Queue`, for "Azure … Storage" in messages.
    pub fn title(self) -> &'static str {
        match self {
            Storage::Blob => "Blob",
            Storage::Queue => "Queue",
        }
    }

    /// The `signedService` of a delegation key from this service's endpoint (`sks`).
    pub fn key_service(self) -> &'static str {
        match self {
            Storage::Blob => "b",
            Storage::Queue => "q",
        }
    }
}

/// A parsed Blob Storage or Queue Storage location.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Target {
    /// The account's blob (or queue) service URL, with a trailing `/`.
    service: String,
    pub account: String,
    /// The service the URL names: a queue URL's one path segment is the queue, kept in
    /// `container` (and `blob` is `None`).
    pub storage: Storage,
    /// The container, or the queue of a queue URL.
    pub container: Option<String>,
    /// The decoded blob name, if the URL names a blob.
    pub blob: Option<String>,
    pub https: bool,
    pub loopback: bool,
    /// The host is no known Blob Storage endpoint: the account name was given for it
    /// (`--account`, for a custom domain).
    pub custom_domain: bool,
    /// The path below the container names a directory of a hierarchical-namespace account (a
    /// `dfs` URL, or `--directory`): the token is a directory SAS (`sr=d`).
    pub directory: bool,
    /// The origin the user typed, with a trailing `/`, when it is not `service`: the account's
    /// `dfs` endpoint. Output URLs use it; requests for the key go to the blob endpoint.
    typed: Option<String>,
    /// The host is a known Blob Storage or Data Lake endpoint (not an IP, localhost or a
    /// custom domain): it cannot be a queue.
    blob_host: bool,
}

impl Target {
    /// The account's blob (or queue) service URL (`https://acct.blob.core.windows.net/`).
    pub fn service_url(&self) -> Url {
        Url::parse(&self.service).expect("origin and account were validated")
    }

    /// The same, as text: one per storage account.
    pub fn service(&self) -> &str {
        &self.service
    }

    /// The URL of the container, blob or directory, percent-encoded, without a query, on the
    /// endpoint the user typed (`blob` or `dfs`).
    pub fn resource_url(&self) -> String {
        let origin = self.typed.as_deref().unwrap_or(&self.service);
        let mut url = String::with_capacity(origin.len() + 64);
        url.push_str(origin);
        url.pop(); // trailing '/'
        if let Some(container) = &self.container {
            url.push('/');
            url.push_str(container);
            if let Some(blob) = &self.blob {
                url.push('/');
                url.push_str(&encode_path(blob));
            }
        }
        url
    }

    /// `container`, `blob`, `directory` or `queue`, for messages and JSON.
    pub fn level(&self) -> Level {
        match (&self.container, &self.blob) {
            (None, _) => Level::Account,
            (Some(_), _) if self.storage == Storage::Queue => Level::Queue,
            (Some(_), None) => Level::Container,
            (Some(_), Some(_)) if self.directory => Level::Directory,
            (Some(_), Some(_)) => Level::Blob,
        }
    }

    /// Whether the user typed the account's `dfs` endpoint.
    pub fn on_dfs(&self) -> bool {
        self.typed.is_some()
    }

    /// `--directory`: the path below the container of a blob URL names a directory of a
    /// hierarchical-namespace account, and the token is a directory SAS.
    pub fn into_directory(mut self) -> Result<Self> {
        if self.blob.is_none() {
            return Err(Failure::usage(format!(
                "--directory needs a directory path after the container, and {} names none",
                shown::value(&self.resource_url())
            ))
            .hint("add the directory: https://ACCOUNT.blob.core.windows.net/CONTAINER/DIR/SUB"));
        }
        self.directory = true;
        Ok(self)
    }

    /// `--queue`: the URL names a queue of an emulator or custom-domain endpoint, whose host
    /// does not say which service it is (`ACCOUNT.queue.core.windows.net` says so itself).
    pub fn into_queue(mut self) -> Result<Self> {
        if self.storage == Storage::Queue {
            return Ok(self);
        }
        let url = shown::value(&self.resource_url());
        if self.blob_host {
            // The same account and cloud: the blob endpoint (`service`) with `queue` for `blob`.
            let endpoint = self.service.replacen(".blob.", ".queue.", 1);
            let queue = self.container.as_deref().unwrap_or("QUEUE");
            return Err(Failure::usage(format!(
                "--queue names a queue, and {url} is a Blob Storage endpoint"
            ))
            .hint(format!(
                "use the account's queue endpoint: {}{}",
                shown::value(&endpoint),
                shown::value(queue)
            )));
        }
        if self.blob.is_some() {
            return Err(queue_path_error(&url));
        }
        if let Some(queue) = &self.container {
            validate_queue(queue)?;
        }
        self.storage = Storage::Queue;
        Ok(self)
    }

    /// The number of path segments of a directory (`sdd`), or `None` for another resource.
    pub fn directory_depth(&self) -> Option<usize> {
        match (self.level(), &self.blob) {
            (Level::Directory, Some(path)) => Some(path.split('/').count()),
            _ => None,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Level {
    Account,
    Container,
    Blob,
    /// A directory of a hierarchical-namespace (Data Lake Gen2) account.
    Directory,
    /// A queue of Queue Storage.
    Queue,
}

impl Level {
    pub fn name(self) -> &'static str {
        match self {
            Level::Account => "account",
            Level::Container => "container",
            Level::Blob => "blob",
            Level::Directory => "directory",
            Level::Queue => "queue",
        }
    }
}

/// Percent-encodes a blob name for a URL path: unreserved characters and `/` are kept.
pub fn encode_path(name: &str) -> String {
    utf8_percent_encode(name, PATH_KEEP).to_string()
}

/// Parses a container or blob URL (or, with `allow_account_root`, an account URL).
///
/// `account` names the storage account for a custom domain, where the host does not say it.
/// `allow_http` permits plain `http` for loopback hosts only (the emulator).
pub fn parse(
    input: &str,
    account: Option<&str>,
    allow_http: bool,
    allow_account_root: bool,
) -> Result<Target> {
    let input = input.trim();
    raw_path_check(input)?;
    let url = Url::parse(input).map_err(|e| {
        Failure::usage(format!("'{}' is not a URL ({e})", shown(input)))
            .hint("pass a container URL such as https://ACCOUNT.blob.core.windows.net/CONTAINER")
    })?;
    let origin = match url.port() {
        Some(port) => format!("{}://{}:{port}", url.scheme(), url.host_str().unwrap_or("")),
        None => format!("{}://{}", url.scheme(), url.host_str().unwrap_or("")),
    };
    // The URL for messages: no query (it may hold a SAS), with the port.
    let bare = shown::value(&format!("{origin}{}", url.path()));
    if url.port() == Some(0) {
        return Err(Failure::usage(format!("the URL {bare} names port 0"))
            .hint("drop the port, or give the one the service listens on (the emulator: 10000)"));
    }
    if url.query().is_some() {
        return Err(
            Failure::usage(format!("the URL {bare} already carries a query string")).hint(
                "pass the URL without '?…'; to look at an existing SAS use `sasmint inspect`",
            ),
        );
    }
    if url.fragment().is_some() {
        return Err(Failure::usage(format!("the URL {bare} has a '#' fragment"))
            .hint("percent-encode '#' in blob names as %23"));
    }
    if !url.username().is_empty() || url.password().is_some() {
        return Err(
            Failure::usage("the URL carries user credentials (user:password@)")
                .hint("remove them; sasmint authenticates with Entra ID"),
        );
    }
    let host = url.host().ok_or_else(|| {
        Failure::usage(format!("the URL {bare} has no host"))
            .hint("pass a container URL such as https://ACCOUNT.blob.core.windows.net/CONTAINER")
    })?;
    let loopback = match &host {
        Host::Domain(d) => *d == "localhost",
        Host::Ipv4(ip) => ip.is_loopback(),
        Host::Ipv6(ip) => ip.is_loopback(),
    };
    let https = match url.scheme() {
        "https" => true,
        "http" if loopback && allow_http => false,
        "http" if loopback => return Err(Failure::usage(format!("{bare} uses plain http")).hint(
            "use https (the emulator serves it too); `sasmint mint --allow-http` signs a token that also allows http, on loopback only",
        )),
        "http" => {
            return Err(Failure::usage(format!("{bare} uses plain http"))
                .hint("use https: Azure Storage tokens are only minted for https endpoints"))
        }
        other => {
            return Err(
                Failure::usage(format!("unsupported URL scheme '{other}' in {bare}"))
                    .hint("pass an https:// container URL"),
            )
        }
    };
    let mut segments: Vec<&str> = url.path().split('/').skip(1).collect();
    // A trailing '/' is ignored.
    if segments.last() == Some(&"") {
        segments.pop();
    }

    // A named host (other than localhost) carries the account in its name; an IP address or
    // localhost (the emulator) carries it in the first path segment.
    let named_host = match host {
        Host::Domain(domain) if domain != "localhost" => Some(domain),
        _ => None,
    };
    let path_style = named_host.is_none();
    let account_name = if let Some(domain) = named_host {
        account_from_host(domain, account, &bare)?
    } else {
        if segments.is_empty() {
            return Err(Failure::usage(format!(
                "{bare} names no storage account: on an IP or localhost endpoint the first path segment is the account"
            ))
            .hint("for the emulator: https://127.0.0.1:10000/devstoreaccount1/CONTAINER"));
        }
        let in_path = segments.remove(0).to_owned();
        if let Some(given) = account.filter(|given| *given != in_path) {
            return Err(Failure::usage(format!(
                "--account {} does not match the account '{}' in {bare}",
                shown::value(given),
                shown::value(&in_path)
            ))
            .hint("drop --account (or SASMINT_ACCOUNT): on an IP or localhost endpoint the first path segment names the account"));
        }
        in_path
    };
    let host_str = url.host_str().unwrap_or_default();
    let dfs = !path_style && dfs_endpoint(host_str).is_some();
    let queue = !path_style && is_endpoint(host_str, "queue");
    let blob_host = !path_style && (dfs || is_endpoint(host_str, "blob"));
    let custom_domain = !path_style && !blob_host && !queue;
    validate_account(&account_name)?;
    if queue && segments.len() > 1 {
        return Err(queue_path_error(&bare));
    }

    let container = match segments.first() {
        None => None,
        Some(raw) => Some(decode(raw, &bare)?),
    };
    let blob = if segments.len() > 1 {
        let raw = segments[1..].join("/");
        Some(decode(&raw, &bare)?)
    } else {
        None
    };

    match &container {
        None if !allow_account_root => {
            return Err(
                Failure::usage(format!("{bare} names no container")).hint(format!(
                    "add the container: {}/CONTAINER",
                    origin_with_account(&origin, path_style, &account_name)
                )),
            )
        }
        None => {}
        Some(q) if queue => validate_queue(q)?,
        Some(c) => validate_container(c)?,
    }
    if let Some(b) = &blob {
        validate_blob(b)?;
    }

    let (service, typed) = if path_style {
        (format!("{origin}/{account_name}/"), None)
    } else if dfs {
        // The same account's blob endpoint serves the key; the output keeps the dfs host.
        let blob_origin = origin.replacen(".dfs.", ".blob.", 1);
        (format!("{blob_origin}/"), Some(format!("{origin}/")))
    } else {
        (format!("{origin}/"), None)
    };
    Ok(Target {
        service,
        account: account_name,
        storage: if queue { Storage::Queue } else { Storage::Blob },
        blob_host,
        directory: dfs && blob.is_some(),
        container,
        blob,
        https,
        loopback,
        custom_domain,
        typed,
    })
}

fn origin_with_account(origin: &str, path_style: bool, account: &str) -> String {
    if path_style {
        format!("{origin}/{account}")
    } else {
        origin.to_owned()
    }
}

/// Refuses what a URL parser would silently rewrite as typed: control characters (it drops
/// tabs and line breaks: `c\rd` would name `cd`), `.` and `..` segments (also as `%2e`), which
/// it resolves away — `CONTAINER/../other` would name the container `other` — and `\\`,
/// which it turns into `/`.
fn raw_path_check(input: &str) -> Result<()> {
    if input.chars().any(char::is_control) {
        return Err(Failure::usage(format!(
            "the URL {} contains a control character",
            shown::value(input.split(['?', '#']).next().unwrap_or_default())
        ))
        .hint("remove it; percent-encode characters that belong in a blob name"));
    }
    let Some((_, after_scheme)) = input.split_once("://") else {
        return Ok(()); // not a URL: Url::parse says so
    };
    let before_query = after_scheme.split(['?', '#']).next().unwrap_or_default();
    let Some((_, path)) = before_query.split_once(['/', '\\']) else {
        return Ok(());
    };
    if before_query.contains('\\') {
        return Err(Failure::usage(format!(
            "the URL {} contains '\\', which URL parsers read as '/'",
            shown(input)
        ))
        .hint("use '/' between path segments; a blob name with '\\' cannot be signed reliably"));
    }
    let dot = |s: &str| {
        let s = s.to_ascii_lowercase().replace("%2e", ".");
        s == "." || s == ".."
    };
    if path.split('/').any(dot) {
        return Err(Failure::usage(format!(
            "the URL {} has a '.' or '..' path segment",
            shown(input)
        ))
        .hint(
            "write the path without them: 'CONTAINER/../other' would name the container 'other'",
        ));
    }
    Ok(())
}

/// A URL for messages: never the query (it may hold a SAS), escaped and cut.
fn shown(input: &str) -> String {
    let cut = input.split(['?', '#']).next().unwrap_or_default();
    shown::value(cut)
}

/// A queue URL with more than the queue in its path.
fn queue_path_error(url: &str) -> Failure {
    Failure::usage(format!("{url} names more than a queue"))
        .hint("a queue token is for a whole queue: give https://ACCOUNT.queue.core.windows.net/QUEUE (no /messages or other path after it)")
}

/// Whether `domain` is a `service` (`blob` or `queue`) endpoint of a public or sovereign
/// cloud, or a DNS-zone endpoint (`ACCOUNT.zNN.blob.storage.azure.net`).
fn is_endpoint(domain: &str, service: &str) -> bool {
    let rest = domain.split_once('.').map_or("", |(_, rest)| rest);
    let zone_tail = format!("{service}.storage.azure.net");
    BLOB_SUFFIXES
        .iter()
        .any(|s| rest.strip_prefix(service).and_then(|r| r.strip_prefix('.')) == Some(s))
        || rest
            .split_once('.')
            .is_some_and(|(zone, tail)| zone.starts_with('z') && tail == zone_tail)
}

/// The account of a Data Lake endpoint of a public or sovereign cloud (`ACCOUNT.dfs.<suffix>`).
fn dfs_endpoint(domain: &str) -> Option<&str> {
    let (first, rest) = domain.split_once('.')?;
    BLOB_SUFFIXES
        .iter()
        .any(|s| rest.strip_prefix("dfs.") == Some(s))
        .then_some(first)
}

fn account_from_host(domain: &str, account: Option<&str>, bare: &str) -> Result<String> {
    let mut labels = domain.splitn(2, '.');
    let first = labels.next().unwrap_or_default();
    let rest = labels.next().unwrap_or_default();
    if is_endpoint(domain, "blob") || is_endpoint(domain, "queue") || dfs_endpoint(domain).is_some()
    {
        if let Some(given) = account {
            if given != first {
                return Err(Failure::usage(format!(
                    "--account {} does not match the account '{}' in {bare}",
                    shown::value(given),
                    shown::value(first)
                ))
                .hint("drop --account: the host already names the account"));
            }
        }
        return Ok(first.to_owned());
    }
    for service in ["file", "table", "web"] {
        if BLOB_SUFFIXES
            .iter()
            .any(|s| rest == format!("{service}.{s}"))
        {
            let hint = format!("sasmint mints Blob Storage and Queue Storage tokens: use https://{first}.blob.core.windows.net/CONTAINER");
            return Err(Failure::usage(format!(
                "{bare} is a {service} endpoint, not a Blob Storage or Queue Storage endpoint"
            ))
            .hint(hint));
        }
    }
    match account {
        Some(given) => Ok(given.to_owned()),
        None => Err(Failure::usage(format!(
            "{bare} is not a recognised Blob Storage endpoint"
        ))
        .hint(
            "use https://ACCOUNT.blob.core.windows.net/CONTAINER, or pass --account NAME for a custom domain",
        )),
    }
}

fn decode(raw: &str, bare: &str) -> Result<String> {
    percent_decode(raw, Escapes::Lenient, false).ok_or_else(|| {
        Failure::usage(format!("{bare} has percent-encoding that is not UTF-8"))
            .hint("percent-encode blob names from their UTF-8 bytes")
    })
}

/// Account names: 3 to 24 lowercase letters and digits.
pub fn validate_account(name: &str) -> Result<()> {
    let ok = (3..=24).contains(&name.len())
        && name
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit());
    if ok {
        Ok(())
    } else {
        Err(Failure::usage(format!(
            "'{}' is not a valid storage account name",
            shown::value(name)
        ))
        .hint("account names are 3-24 lowercase letters and digits"))
    }
}

/// Container names: 3-63 of `a-z 0-9 -`, starting with a letter or digit, no `--`, no
/// trailing `-`; or the special `$root`, `$web` and `$logs` containers.
pub fn validate_container(name: &str) -> Result<()> {
    if matches!(name, "$root" | "$web" | "$logs") {
        return Ok(());
    }
    if is_lower_dns_name(name) {
        Ok(())
    } else {
        Err(Failure::usage(format!(
            "'{}' is not a valid container name",
            shown::value(name)
        ))
        .hint(
            "container names are 3-63 lowercase letters, digits and single hyphens, starting and ending with a letter or digit",
        ))
    }
}

/// 3-63 of `a-z 0-9 -`, starting and ending with a letter or digit, no `--`: the rule for
/// container and queue names.
fn is_lower_dns_name(name: &str) -> bool {
    let bytes = name.as_bytes();
    (3..=63).contains(&bytes.len())
        && bytes
            .iter()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || *b == b'-')
        && bytes[0] != b'-'
        && bytes[bytes.len() - 1] != b'-'
        && !name.contains("--")
}

/// Queue names: 3-63 of `a-z 0-9 -`, starting and ending with a letter or digit, no `--`
/// (the container rules, without the special `$` names).
pub fn validate_queue(name: &str) -> Result<()> {
    if is_lower_dns_name(name) {
        return Ok(());
    }
    Err(Failure::usage(format!(
        "'{}' is not a valid queue name",
        shown::value(name)
    ))
    .hint("queue names are 3-63 lowercase letters, digits and single hyphens, starting and ending with a letter or digit"))
}

fn validate_blob(name: &str) -> Result<()> {
    const ENCODE: &str = "use '/' between path segments and percent-encode special characters";
    // The limit is in characters, not bytes: 400 × 'の' (1200 bytes) is a valid name.
    let (problem, hint) = if name.chars().count() > 1024 {
        ("is longer than 1024 characters", ENCODE)
    } else if name.contains('\\') {
        ("contains '\\'; services disagree on how to sign it", ENCODE)
    } else if name.chars().any(char::is_control) {
        ("contains a control character", ENCODE)
    } else if name.split('/').any(str::is_empty) {
        ("has an empty path segment ('//')", ENCODE)
    } else if name.split('/').any(|s| matches!(s, "." | "..")) {
        (
            "has a '.' or '..' path segment, which HTTP clients resolve away",
            "a token for it would be used on another blob; mint for the resolved name instead",
        )
    } else {
        return Ok(());
    };
    Err(Failure::usage(format!("the blob name {problem}")).hint(hint))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::error::Kind;

    fn ok(url: &str) -> Target {
        parse(url, None, false, false).unwrap()
    }

    fn err(url: &str) -> String {
        let e = parse(url, None, false, false).unwrap_err();
        assert_eq!(e.kind, Kind::Usage);
        e.message
    }

    #[test]
    fn public_cloud_container() {
        let t = ok("https://myacct.blob.core.windows.net/images");
        assert_eq!(t.account, "myacct");
        assert_eq!(t.container.as_deref(), Some("images"));
        assert_eq!(t.blob, None);
        assert_eq!(t.level(), Level::Container);
        assert_eq!(
            t.service_url().as_str(),
            "https://myacct.blob.core.windows.net/"
        );
        assert_eq!(
            t.resource_url(),
            "https://myacct.blob.core.windows.net/images"
        );
    }

    #[test]
    fn trailing_slash_is_ignored() {
        assert_eq!(
            ok("https://myacct.blob.core.windows.net/images/"),
            ok("https://myacct.blob.core.windows.net/images")
        );
    }

    #[test]
    fn sovereign_clouds_and_dns_zones() {
        for host in [
            "acct.blob.core.chinacloudapi.cn",
            "acct.blob.core.usgovcloudapi.net",
            "acct.z12.blob.storage.azure.net",
        ] {
            let t = ok(&format!("https://{host}/data"));
            assert_eq!(t.account, "acct", "{host}");
            assert_eq!(t.service_url().as_str(), format!("https://{host}/"));
        }
    }

    #[test]
    fn emulator_path_style() {
        let t = ok("https://127.0.0.1:10000/devstoreaccount1/test");
        assert_eq!(t.account, "devstoreaccount1");
        assert!(t.loopback);
        assert_eq!(
            t.service_url().as_str(),
            "https://127.0.0.1:10000/devstoreaccount1/"
        );
        assert_eq!(
            t.resource_url(),
            "https://127.0.0.1:10000/devstoreaccount1/test"
        );
        let t = ok("https://localhost:10000/devstoreaccount1/test/a/b.txt");
        assert_eq!(t.blob.as_deref(), Some("a/b.txt"));
    }

    #[test]
    fn blob_names_are_decoded_and_re_encoded() {
        let t = ok("https://acct.blob.core.windows.net/ctr/R%C3%A9cap%202025/a+b%2520c%23%3F.txt");
        assert_eq!(t.blob.as_deref(), Some("Récap 2025/a+b%20c#?.txt"));
        assert_eq!(
            t.resource_url(),
            "https://acct.blob.core.windows.net/ctr/R%C3%A9cap%202025/a%2Bb%2520c%23%3F.txt"
        );
        assert_eq!(t.level(), Level::Blob);
    }

    #[test]
    fn custom_domain_needs_account() {
        assert!(err("https://data.example.com/ctr").contains("not a recognised"));
        let t = parse("https://data.example.com/ctr", Some("acct"), false, false).unwrap();
        assert_eq!(t.account, "acct");
        assert_eq!(t.service_url().as_str(), "https://data.example.com/");
    }

    #[test]
    fn queue_urls() {
        for host in [
            "acct.queue.core.windows.net",
            "acct.queue.core.chinacloudapi.cn",
            "acct.queue.core.usgovcloudapi.net",
            "acct.z7.queue.storage.azure.net",
        ] {
            let t = ok(&format!("https://{host}/orders"));
            assert_eq!(t.storage, Storage::Queue, "{host}");
            assert_eq!(t.level(), Level::Queue, "{host}");
            assert_eq!(t.container.as_deref(), Some("orders"));
            assert_eq!(t.service_url().as_str(), format!("https://{host}/"));
            assert_eq!(t.resource_url(), format!("https://{host}/orders"));
        }
        // The account URL (for `key`), and the trailing '/'.
        let t = parse("https://acct.queue.core.windows.net/", None, false, true).unwrap();
        assert_eq!((t.storage, t.level()), (Storage::Queue, Level::Account));
        assert!(err("https://acct.queue.core.windows.net/orders/messages")
            .contains("more than a queue"));
        assert!(err("https://acct.queue.core.windows.net/$root").contains("queue name"));
        assert!(err("https://acct.queue.core.windows.net/Orders").contains("queue name"));
        // The emulator and custom domains say nothing of the service: `--queue` does.
        let t = ok("https://127.0.0.1:10001/devstoreaccount1/orders");
        assert_eq!(t.storage, Storage::Blob);
        let t = t.into_queue().unwrap();
        assert_eq!((t.storage, t.level()), (Storage::Queue, Level::Queue));
        assert_eq!(
            t.service_url().as_str(),
            "https://127.0.0.1:10001/devstoreaccount1/"
        );
        let custom = parse(
            "https://queues.example.com/orders",
            Some("acct"),
            false,
            false,
        )
        .unwrap();
        assert_eq!(custom.into_queue().unwrap().level(), Level::Queue);
        let nested = ok("https://127.0.0.1:10001/devstoreaccount1/orders/messages");
        assert!(nested
            .into_queue()
            .unwrap_err()
            .message
            .contains("more than a queue"));
        let special = ok("https://127.0.0.1:10001/devstoreaccount1/$logs");
        assert!(special
            .into_queue()
            .unwrap_err()
            .message
            .contains("queue name"));
        for blob in [
            "https://acct.blob.core.windows.net/orders",
            "https://acct.dfs.core.windows.net/orders",
        ] {
            let e = ok(blob).into_queue().unwrap_err();
            assert!(e.message.contains("Blob Storage endpoint"), "{}", e.message);
            assert_eq!(
                e.hint.as_deref(),
                Some(
                    "use the account's queue endpoint: https://acct.queue.core.windows.net/orders"
                )
            );
        }
        // A sovereign cloud's blob host gets that cloud's queue host.
        let e = ok("https://acct.blob.core.chinacloudapi.cn/orders")
            .into_queue()
            .unwrap_err();
        assert_eq!(
            e.hint.as_deref(),
            Some(
                "use the account's queue endpoint: https://acct.queue.core.chinacloudapi.cn/orders"
            )
        );
    }

    #[test]
    fn refuses_bad_urls() {
        assert!(err("not a url").contains("not a URL"));
        assert!(err("http://acct.blob.core.windows.net/c").contains("plain http"));
        assert!(err("http://127.0.0.1:10000/devstoreaccount1/c").contains("plain http"));
        assert!(err("ftp://acct.blob.core.windows.net/c").contains("scheme"));
        assert!(err("https://acct.blob.core.windows.net/ctr?sv=x&sig=SECRET").contains("query"));
        assert!(!err("https://acct.blob.core.windows.net/ctr?sv=x&sig=SECRET").contains("SECRET"));
        assert!(err("https://acct.blob.core.windows.net/ctr#x").contains("fragment"));
        assert!(err("https://acct.blob.core.windows.net/").contains("no container"));
        assert!(err("https://acct.blob.core.windows.net").contains("no container"));
        assert!(err("https://acct.blob.core.windows.net/Images").contains("container name"));
        assert!(err("https://acct.blob.core.windows.net/a--b").contains("container name"));
        assert!(err("https://acct.blob.core.windows.net/ab").contains("container name"));
        assert!(err("https://ACCT_1.blob.core.windows.net/abc").contains("account name"));
        assert!(err("https://acct.file.core.windows.net/share").contains("file endpoint"));
        assert!(err("https://acct.table.core.windows.net/t").contains("table endpoint"));
        assert!(err("https://127.0.0.1:10000/").contains("no storage account"));
        assert!(err("https://acct.blob.core.windows.net/ctr/a//b").contains("empty path"));
        assert!(err("https://acct.blob.core.windows.net/ctr/%FF").contains("UTF-8"));
        assert!(err("https://u:p@acct.blob.core.windows.net/ctr").contains("credentials"));
    }

    #[test]
    fn dfs_urls_name_directories_and_keep_their_endpoint() {
        let t = ok("https://lake1.dfs.core.windows.net/deliveries/orders/in/");
        assert_eq!(t.level(), Level::Directory);
        assert_eq!(t.account, "lake1");
        assert_eq!(t.blob.as_deref(), Some("orders/in"));
        assert_eq!(t.directory_depth(), Some(2));
        assert_eq!(t.service(), "https://lake1.blob.core.windows.net/");
        assert_eq!(
            t.resource_url(),
            "https://lake1.dfs.core.windows.net/deliveries/orders/in"
        );
        assert!(t.on_dfs() && !t.custom_domain);
        assert_eq!(parse(&t.resource_url(), None, false, false).unwrap(), t);

        let fs = ok("https://lake1.dfs.core.usgovcloudapi.net/deliveries");
        assert_eq!(fs.level(), Level::Container);
        assert_eq!(fs.service(), "https://lake1.blob.core.usgovcloudapi.net/");

        let d = ok("https://acct.blob.core.windows.net/ctr/a/b/c")
            .into_directory()
            .unwrap();
        assert_eq!(d.level(), Level::Directory);
        assert_eq!(d.directory_depth(), Some(3));
        assert_eq!(
            d.resource_url(),
            "https://acct.blob.core.windows.net/ctr/a/b/c"
        );
        assert!(ok("https://acct.blob.core.windows.net/ctr")
            .into_directory()
            .is_err());
        assert_eq!(
            ok("https://acct.blob.core.windows.net/ctr/x").directory_depth(),
            None
        );
    }

    #[test]
    fn messages_keep_the_port() {
        let e = err("https://127.0.0.1:10000/devstoreaccount1");
        assert!(
            e.contains("https://127.0.0.1:10000/devstoreaccount1 names no container"),
            "{e}"
        );
    }

    #[test]
    fn port_zero_is_refused() {
        for url in [
            "https://127.0.0.1:0/devstoreaccount1/ctr",
            "https://acct.blob.core.windows.net:0/ctr",
            "http://localhost:00/devstoreaccount1/ctr",
        ] {
            let e = parse(url, None, true, true).unwrap_err();
            assert!(e.message.contains("port 0"), "{url}: {}", e.message);
        }
        ok("https://acct.blob.core.windows.net:443/ctr");
    }

    #[test]
    fn blob_names_are_limited_in_characters_not_bytes() {
        let name = "の".repeat(1024);
        let t = ok(&format!("https://acct.blob.core.windows.net/ctr/{name}"));
        assert_eq!(t.blob.as_deref(), Some(name.as_str()));
        let e = err(&format!("https://acct.blob.core.windows.net/ctr/{name}x"));
        assert!(e.contains("longer than 1024 characters"), "{e}");
    }

    #[test]
    fn account_must_match_the_path_of_an_ip_endpoint() {
        let url = "https://127.0.0.1:10000/devstoreaccount1/ctr";
        let e = parse(url, Some("other"), false, false).unwrap_err();
        assert!(e
            .message
            .contains("does not match the account 'devstoreaccount1'"));
        let t = parse(url, Some("devstoreaccount1"), false, false).unwrap();
        assert_eq!(t.account, "devstoreaccount1");
    }

    #[test]
    fn http_on_loopback_with_allow_http() {
        let t = parse(
            "http://127.0.0.1:10000/devstoreaccount1/c1c",
            None,
            true,
            false,
        )
        .unwrap();
        assert!(!t.https);
        assert!(parse("http://acct.blob.core.windows.net/c1c", None, true, false).is_err());
    }

    #[test]
    fn account_root_when_allowed() {
        let t = parse("https://acct.blob.core.windows.net/", None, false, true).unwrap();
        assert_eq!(t.level(), Level::Account);
        assert_eq!(t.resource_url(), "https://acct.blob.core.windows.net");
    }

    #[test]
    fn special_containers() {
        assert_eq!(
            ok("https://acct.blob.core.windows.net/$web")
                .container
                .as_deref(),
            Some("$web")
        );
    }
}

#[cfg(test)]
mod proptests {
    use super::*;
    use crate::domain::error::Kind;
    use percent_encoding::utf8_percent_encode;
    use proptest::prelude::*;

    /// Every byte but ASCII letters and digits: an encoder independent of [`PATH_KEEP`], so the
    /// first parse also checks decoding.
    fn encode_all(s: &str) -> String {
        s.split('/')
            .map(|seg| utf8_percent_encode(seg, NON_ALPHANUMERIC).to_string())
            .collect::<Vec<_>>()
            .join("/")
    }

    fn account() -> impl Strategy<Value = String> {
        "[a-z0-9]{3,24}"
    }

    /// Valid container names: 3-63 of `a-z 0-9 -`, no leading, trailing or double `-`; or a
    /// special container.
    fn container() -> impl Strategy<Value = String> {
        prop_oneof![
            8 => "[a-z0-9](-?[a-z0-9]){2,40}".prop_filter("at most 63", |c| c.len() <= 63),
            1 => prop::sample::select(vec!["$root", "$web", "$logs"]).prop_map(str::to_owned),
        ]
    }

    /// One blob path segment: the characters that break URLs (space, `+ % # ? ' & =`), unicode,
    /// or any char at all except `/`, `\` and control characters. Never `.` or `..` (URL
    /// parsers remove such segments; see `dot_segments_are_normalised_away`).
    fn segment() -> impl Strategy<Value = String> {
        let interesting =
            "[a-zA-Z0-9 +%#?'&=;,:@!$()*~._\\-\u{e9}\u{fc}\u{65e5}\u{672c}\u{1f600}\u{a0}]{1,12}";
        let anything = prop::collection::vec(
            any::<char>().prop_filter("no '/', '\\' or control", |c| {
                !matches!(c, '/' | '\\') && !c.is_control()
            }),
            1..8,
        )
        .prop_map(|cs| cs.into_iter().collect::<String>());
        prop_oneof![3 => interesting, 1 => anything]
            .prop_filter("not a dot segment", |s| s != "." && s != "..")
    }

    fn blob() -> impl Strategy<Value = String> {
        prop::collection::vec(segment(), 1..5).prop_map(|segs| segs.join("/"))
    }

    /// An endpoint (with `{account}` to fill in) and the `--account` it needs.
    fn endpoint() -> impl Strategy<Value = (String, Option<String>)> {
        prop::sample::select(vec![
            ("https://{account}.blob.core.windows.net", false),
            ("https://{account}.blob.core.chinacloudapi.cn", false),
            ("https://{account}.blob.core.usgovcloudapi.net", false),
            ("https://{account}.z17.blob.storage.azure.net", false),
            ("https://127.0.0.1:10000/{account}", false),
            ("https://localhost:10000/{account}", false),
            ("https://[::1]:443/{account}", false),
            ("https://data.example.com", true),
        ])
        .prop_map(|(e, custom)| (e.to_owned(), custom.then(String::new)))
    }

    /// Strings that look like URLs: schemes, hosts, ports, percent-escapes, dot segments,
    /// queries, fragments; about half of them valid.
    fn url_ish() -> impl Strategy<Value = String> {
        let scheme = prop_oneof![
            6 => Just("https://"),
            1 => prop::sample::select(vec!["http://", "ftp://", "", "https:", "//", " https://"]),
        ];
        let host = prop_oneof![
            6 => prop::sample::select(vec![
                "acct.blob.core.windows.net",
                "ACCT.BLOB.CORE.WINDOWS.NET",
                "acct.z1.blob.storage.azure.net",
                "acct.blob.core.windows.net:443",
                "127.0.0.1:10000/devstoreaccount1",
                "localhost/devstoreaccount1",
                "[::1]:8443/devstoreaccount1",
                "data.example.com",
            ])
            .prop_map(str::to_owned),
            1 => prop::sample::select(vec![
                "acct.dfs.core.windows.net",
                "u:p@acct.blob.core.windows.net",
                "127.0.0.1",
                "",
            ])
            .prop_map(str::to_owned),
            1 => "[a-zA-Z0-9.:\\[\\]@%-]{0,30}",
        ];
        let container = prop_oneof![
            6 => "[a-z0-9]{3,8}",
            1 => prop::sample::select(vec!["$web", "a--b", "Ab1", "ab", "%61bc", ""])
                .prop_map(str::to_owned),
        ];
        let segment = prop_oneof![
            4 => "(%20|%2[bB]|%25|%23|%3F|%2F|%C3%A9|%F0%9F%98%80|[ a-zA-Z0-9.'+&=$\u{e9}\u{1f600}])+",
            1 => "(%[0-9A-Fa-f]{0,2}|[ a-zA-Z0-9./?#\\\t])*",
            1 => prop::sample::select(vec![".", "..", "%2e", "%2E%2e", "%C3", "%00", ""])
                .prop_map(str::to_owned),
        ];
        let tail = prop_oneof![
            6 => Just(""),
            1 => prop::sample::select(vec!["/", "?sv=x&sig=SECRET", "#frag", "//", " "]),
        ];
        (
            scheme,
            host,
            container,
            prop::collection::vec(segment, 0..4),
            tail,
        )
            .prop_map(|(s, h, c, blob, t)| {
                let mut url = format!("{s}{h}/{c}");
                for seg in blob {
                    url.push('/');
                    url.push_str(&seg);
                }
                url.push_str(t);
                url
            })
    }

    proptest! {
        #![proptest_config(crate::domain::proptest_config::with_cases(512))]

        #[test]
        fn parse_never_panics_on_any_string(
            s in any::<String>(),
            account in proptest::option::of("[a-z0-9]{3,5}"),
            http in any::<bool>(),
            root in any::<bool>(),
        ) {
            let _ = parse(&s, account.as_deref(), http, root);
        }

        /// Whatever parses, its resource URL parses to the same target: what sasmint prints is
        /// what it signed.
        #[test]
        fn parse_never_panics_on_url_ish_strings_and_what_parses_round_trips(
            s in url_ish(),
            account in proptest::option::of(account()),
            http in any::<bool>(),
            root in any::<bool>(),
        ) {
            if let Ok(t) = parse(&s, account.as_deref(), http, root) {
                prop_assert!(!has_dot_segment(t.blob.as_deref().unwrap_or_default()));
                let again = parse(&t.resource_url(), account.as_deref(), http, root);
                prop_assert_eq!(again.as_ref().ok(), Some(&t), "{} -> {}", s, t.resource_url());
                let _ = t.service_url();
            }
        }

        #[test]
        fn valid_names_round_trip_through_resource_url(
            acct in account(),
            ctr in container(),
            name in proptest::option::of(blob()),
            (endpoint, custom) in endpoint(),
            trailing_slash in any::<bool>(),
        ) {
            let name = name.filter(|n| n.chars().count() <= 1024);
            let given_account = custom.map(|_| acct.clone());
            let mut url = format!("{}/{ctr}", endpoint.replace("{account}", &acct));
            if let Some(b) = &name {
                url.push('/');
                url.push_str(&encode_all(b));
            }
            if trailing_slash {
                url.push('/');
            }
            let t = parse(&url, given_account.as_deref(), false, false)
                .map_err(|e| TestCaseError::fail(format!("{url}: {}", e.message)))?;
            prop_assert_eq!(&t.account, &acct);
            prop_assert_eq!(t.container.as_deref(), Some(ctr.as_str()));
            prop_assert_eq!(t.blob.as_deref(), name.as_deref());

            let printed = t.resource_url();
            for c in [' ', '#', '?'] {
                prop_assert!(!printed.contains(c), "{:?} in {}", c, printed);
            }
            let again = parse(&printed, given_account.as_deref(), false, false)
                .map_err(|e| TestCaseError::fail(format!("{printed}: {}", e.message)))?;
            prop_assert_eq!(&again.account, &acct);
            prop_assert_eq!(again.container.as_deref(), Some(ctr.as_str()));
            prop_assert_eq!(again.blob.as_deref(), name.as_deref());
            prop_assert_eq!(again, t);
        }
    }

    fn has_dot_segment(blob: &str) -> bool {
        blob.split('/').any(|s| s == "." || s == "..")
    }

    /// Regression (found by `parse_never_panics_on_url_ish_strings_and_what_parses_round_trips`):
    /// `.`/`..` segments hidden behind encoded slashes (`a%2F.%2Fb` decodes to the blob `a/./b`)
    /// would be printed with literal slashes, which every URL parser and HTTP client resolves to
    /// `a/b` — another blob than the one the token was signed for. Such names are refused.
    #[test]
    fn decoded_dot_segments_are_refused() {
        for input in [
            "https://acct.blob.core.windows.net/ctr/a%2F.%2Fb.txt",
            "https://acct.blob.core.windows.net/ctr/a%2F..%2Fb.txt",
            "https://acct.blob.core.windows.net/ctr/x/..%2Fy",
        ] {
            let err = parse(input, None, false, false).unwrap_err();
            assert_eq!(err.kind, Kind::Usage, "{input}");
            assert!(err.message.contains("'..' path segment"), "{}", err.message);
        }
    }

    /// A URL parser resolves `.` and `..` segments (also `%2e`) and reads `\` as `/` before
    /// sasmint would see the path, so `ctr/../other` would silently name the container `other`.
    /// They are refused as typed.
    #[test]
    fn control_characters_as_typed_are_refused_and_shown_escaped() {
        // The URL parser would drop \r and \t: `x\ry` would name the container `xy`.
        for input in [
            "https://acct.blob.core.windows.net/x\ry",
            "https://acct.blob.core.windows.net/ab\tcd",
            "https://acct.blob.core.windows.net/c/a\u{1b}[31mb",
        ] {
            let e = parse(input, None, false, false).unwrap_err();
            assert_eq!(e.kind, crate::domain::error::Kind::Usage);
            assert!(e.message.contains("control character"), "{}", e.message);
            assert!(!e.message.chars().any(char::is_control), "{}", e.message);
        }
    }

    #[test]
    fn dot_segments_and_backslashes_as_typed_are_refused() {
        for (input, says) in [
            (
                "https://acct.blob.core.windows.net/ctr/a/./b/../c.txt",
                "'..' path segment",
            ),
            (
                "https://acct.blob.core.windows.net/ctr/../other",
                "'..' path segment",
            ),
            (
                "https://acct.blob.core.windows.net/ctr/a/%2E%2E/c.txt",
                "'..' path segment",
            ),
            (
                "https://acct.blob.core.windows.net/ctr/.%2e/c.txt",
                "'..' path segment",
            ),
            (
                "https://127.0.0.1:10000/devstoreaccount1/../x/ctr",
                "'..' path segment",
            ),
            (
                "https://acct.blob.core.windows.net/ctr/a\\b.txt",
                "contains '\\'",
            ),
            ("https://acct.blob.core.windows.net\\ctr", "contains '\\'"),
        ] {
            let err = parse(input, None, false, false).unwrap_err();
            assert_eq!(err.kind, Kind::Usage, "{input}");
            assert!(err.message.contains(says), "{input}: {}", err.message);
        }
        // Dots inside a segment are ordinary characters.
        let t = parse(
            "https://acct.blob.core.windows.net/ctr/..a/b..c/.d",
            None,
            false,
            false,
        )
        .unwrap();
        assert_eq!(t.blob.as_deref(), Some("..a/b..c/.d"));
    }
}
