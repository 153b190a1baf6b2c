//! Which requests go through a proxy, decided by sasmint rather than left to `reqwest`'s reading
//! of the environment:
//!
//! - a request to a loopback (`127.0.0.0/8`, `::1`, `localhost`) or link-local
//!   (`169.254.0.0/16`, where IMDS answers, `fe80::/10`) address never goes through a proxy:
//!   the managed-identity endpoints hand out tokens there, and Microsoft's guidance is that IMDS
//!   bypasses proxies;
//! - `NO_PROXY`/`no_proxy` is honoured as curl does: `*` for everything (IP literals included),
//!   IP addresses, CIDR blocks (`10.0.0.0/8`), and domain names with or without a leading dot
//!   (`example.com` and `.example.com` both match `example.com` and its subdomains);
//! - `http_proxy`/`HTTP_PROXY` for `http://`, `https_proxy`/`HTTPS_PROXY` for `https://`,
//!   `all_proxy`/`ALL_PROXY` for either when its own is not set (the lowercase name first). An
//!   empty variable is unset.

use crate::domain::error::{Failure, Result};
use crate::domain::{redact, shown};
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};
use url::{Host, Url};

/// The proxy settings of the environment.
#[derive(Debug, Clone, Default)]
pub struct Proxies {
    http: Option<Url>,
    https: Option<Url>,
    no_proxy: Vec<NoProxy>,
}

#[derive(Debug, Clone, PartialEq)]
enum NoProxy {
    All,
    Ip(IpAddr),
    Cidr(IpAddr, u8),
    Domain(String),
}

impl Proxies {
    /// From the process environment ([`Proxies::from`]).
    pub fn from_env() -> Result<Self> {
        Self::from(&|name| std::env::var(name).ok())
    }

    /// From `env`. A proxy that is no URL is a usage error (exit 2); one without a scheme is
    /// `http://` (as curl reads it). A password in a proxy URL is registered as a secret.
    pub fn from(env: &dyn Fn(&str) -> Option<String>) -> Result<Self> {
        let var = |name: &str| {
            [name.to_ascii_lowercase(), name.to_owned()]
                .into_iter()
                .find_map(|n| env(&n).filter(|v| !v.trim().is_empty()).map(|v| (n, v)))
        };
        let all = var("ALL_PROXY")
            .map(|(n, v)| proxy_url(&n, &v))
            .transpose()?;
        let http = var("HTTP_PROXY")
            .map(|(n, v)| proxy_url(&n, &v))
            .transpose()?;
        let https = var("HTTPS_PROXY")
            .map(|(n, v)| proxy_url(&n, &v))
            .transpose()?;
        let no_proxy = var("NO_PROXY").map_or_else(Vec::new, |(_, v)| parse_no_proxy(&v));
        Ok(Self {
            http: http.or_else(|| all.clone()),
            https: https.or(all),
            no_proxy,
        })
    }

    /// Whether any proxy is set.
    pub fn any(&self) -> bool {
        self.http.is_some() || self.https.is_some()
    }

    /// The proxy for a request to `url`, or `None` to connect directly.
    pub fn for_url(&self, url: &Url) -> Option<Url> {
        let proxy = match url.scheme() {
            "http" => self.http.as_ref()?,
            "https" => self.https.as_ref()?,
            _ => return None,
        };
        let host = url.host()?;
        if is_local(&host) || self.no_proxy.iter().any(|n| n.matches(&host)) {
            return None;
        }
        Some(proxy.clone())
    }
}

fn proxy_url(name: &str, value: &str) -> Result<Url> {
    let value = value.trim();
    let text = if value.contains("://") {
        value.to_owned()
    } else {
        format!("http://{value}")
    };
    let url = Url::parse(&text).ok().filter(|u| u.host().is_some());
    let Some(url) = url else {
        return Err(Failure::usage(format!(
            "{name} '{}' is not a proxy URL",
            shown::value(&redact::scrub(value))
        ))
        .hint("set it to http://HOST:PORT, or unset it"));
    };
    if let Some(password) = url.password() {
        redact::register_credential(password);
    }
    Ok(url)
}

/// `NO_PROXY`: entries separated by commas or spaces.
fn parse_no_proxy(value: &str) -> Vec<NoProxy> {
    value
        .split([',', ' ', '\t'])
        .map(str::trim)
        .filter(|e| !e.is_empty())
        .map(|entry| {
            if entry == "*" {
                return NoProxy::All;
            }
            if let Some((ip, bits)) = entry.split_once('/') {
                if let (Some(ip), Ok(bits)) = (ip_literal(ip), bits.parse::<u8>()) {
                    return NoProxy::Cidr(ip, bits);
                }
            }
            if let Some(ip) = ip_literal(entry) {
                return NoProxy::Ip(ip);
            }
            let domain = entry.trim_start_matches("*.").trim_start_matches('.');
            NoProxy::Domain(domain.trim_end_matches('.').to_ascii_lowercase())
        })
        .collect()
}

fn ip_literal(text: &str) -> Option<IpAddr> {
    let text = text
        .strip_prefix('[')
        .and_then(|t| t.strip_suffix(']'))
        .unwrap_or(text);
    text.parse().ok()
}

impl NoProxy {
    fn matches(&self, host: &Host<&str>) -> bool {
        let ip = match host {
            Host::Ipv4(ip) => Some(IpAddr::V4(*ip)),
            Host::Ipv6(ip) => Some(IpAddr::V6(*ip)),
            Host::Domain(_) => None,
        };
        match (self, host, ip) {
            (NoProxy::All, _, _) => true,
            (NoProxy::Ip(entry), _, Some(ip)) => *entry == ip,
            (NoProxy::Cidr(net, bits), _, Some(ip)) => in_cidr(ip, *net, *bits),
            (NoProxy::Domain(domain), Host::Domain(name), _) => {
                let name = name.trim_end_matches('.').to_ascii_lowercase();
                !domain.is_empty()
                    && (name == *domain
                        || name
                            .strip_suffix(domain.as_str())
                            .is_some_and(|rest| rest.ends_with('.')))
            }
            _ => false,
        }
    }
}

fn in_cidr(ip: IpAddr, net: IpAddr, bits: u8) -> bool {
    match (ip, net) {
        (IpAddr::V4(ip), IpAddr::V4(net)) if bits <= 32 => {
            let mask = u32::MAX.checked_shl(32 - u32::from(bits)).unwrap_or(0);
            u32::from(ip) & mask == u32::from(net) & mask
        }
        (IpAddr::V6(ip), IpAddr::V6(net)) if bits <= 128 => {
            let mask = u128::MAX.checked_shl(128 - u32::from(bits)).unwrap_or(0);
            u128::from(ip) & mask == u128::from(net) & mask
        }
        _ => false,
    }
}

/// Loopback or link-local: `127.0.0.0/8`, `169.254.0.0/16`, `::1`, `fe80::/10` (and the IPv4
/// ones mapped into IPv6), `localhost` and its subdomains.
fn is_local(host: &Host<&str>) -> bool {
    let v4 = |ip: &Ipv4Addr| ip.is_loopback() || ip.is_link_local() || ip.is_unspecified();
    let v6 = |ip: &Ipv6Addr| {
        ip.is_loopback()
            || ip.is_unspecified()
            || (ip.segments()[0] & 0xffc0) == 0xfe80
            || ip.to_ipv4_mapped().is_some_and(|m| v4(&m))
    };
    match host {
        Host::Ipv4(ip) => v4(ip),
        Host::Ipv6(ip) => v6(ip),
        Host::Domain(name) => {
            let name = name.trim_end_matches('.').to_ascii_lowercase();
            name == "localhost" || name.ends_with(".localhost")
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn proxies(pairs: &[(&str, &str)]) -> Proxies {
        let pairs: Vec<(String, String)> = pairs
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect();
        Proxies::from(&move |name| {
            pairs
                .iter()
                .find(|(k, _)| k == name)
                .map(|(_, v)| v.clone())
        })
        .unwrap()
    }

    fn via(p: &Proxies, url: &str) -> Option<String> {
        p.for_url(&Url::parse(url).unwrap()).map(|u| u.to_string())
    }

    #[test]
    fn local_addresses_never_go_through_a_proxy() {
        let p = proxies(&[
            ("HTTP_PROXY", "http://proxy:3128"),
            ("HTTPS_PROXY", "proxy:3129"),
        ]);
        assert!(p.any());
        for local in [
            "http://127.0.0.1:41234/msi/token",
            "http://127.8.9.10/",
            "http://169.254.169.254/metadata/identity/oauth2/token",
            "http://[::1]:8080/",
            "http://[fe80::1]/",
            "http://[::ffff:127.0.0.1]/",
            "http://localhost:1234/",
            "https://LOCALHOST./",
            "https://a.localhost/",
        ] {
            assert_eq!(via(&p, local), None, "{local}");
        }
        assert_eq!(
            via(&p, "http://10.0.0.1/").as_deref(),
            Some("http://proxy:3128/")
        );
        assert_eq!(
            via(&p, "https://acct.blob.core.windows.net/").as_deref(),
            Some("http://proxy:3129/")
        );
    }

    #[test]
    fn no_proxy_as_curl_reads_it() {
        let all = proxies(&[("HTTPS_PROXY", "http://p:1"), ("NO_PROXY", "*")]);
        assert_eq!(via(&all, "https://10.1.2.3/"), None, "* covers IP literals");
        assert_eq!(via(&all, "https://example.com/"), None);
        let list = proxies(&[
            ("https_proxy", "http://p:1"),
            (
                "no_proxy",
                "example.com, .corp.test 10.0.0.0/8,192.168.1.5,[2001:db8::1],fd00::/8",
            ),
        ]);
        for direct in [
            "https://example.com/",
            "https://a.example.com/",
            "https://corp.test/",
            "https://x.corp.test/",
            "https://10.200.3.4/",
            "https://192.168.1.5/",
            "https://[2001:db8::1]/",
            "https://[fd12::5]/",
        ] {
            assert_eq!(via(&list, direct), None, "{direct}");
        }
        for proxied in [
            "https://notexample.com/",
            "https://example.com.evil/",
            "https://11.0.0.1/",
            "https://192.168.1.6/",
        ] {
            assert!(via(&list, proxied).is_some(), "{proxied}");
        }
    }

    #[test]
    fn empty_variables_are_unset_and_all_proxy_is_the_fallback() {
        let p = proxies(&[
            ("HTTP_PROXY", ""),
            ("https_proxy", " "),
            ("ALL_PROXY", "http://all:9"),
        ]);
        assert_eq!(
            via(&p, "http://h.example/").as_deref(),
            Some("http://all:9/")
        );
        assert_eq!(
            via(&p, "https://h.example/").as_deref(),
            Some("http://all:9/")
        );
        assert!(!proxies(&[("HTTP_PROXY", "")]).any());
    }

    #[test]
    fn a_proxy_that_is_no_url_is_a_usage_error() {
        let env = |name: &str| (name == "HTTPS_PROXY").then(|| "http://[bad".to_owned());
        let e = Proxies::from(&env).unwrap_err();
        assert_eq!(e.kind, crate::domain::error::Kind::Usage);
    }
}
