//! What `mint` prints, in each `--output` format. Pure.

pub use crate::domain::minted::Minted;
use crate::domain::neutral;

crate::domain::choices::choices! {
    /// The output formats of `mint`.
    pub enum MintOutput {
        Token = "token": "The bare query string, without `?`",
        Url = "url": "The container or blob URL with the token",
        Json = "json": "One JSON object (the token, the URL, and what the token grants)",
        Env = "env": "Shell-safe NAME='value' lines, for `eval` or a .env file",
        GithubActions = "github-actions": "GitHub Actions: masks the token, writes step outputs to GITHUB_OUTPUT (or GITHUB_ENV)",
        AzurePipelines = "azure-pipelines": "Azure Pipelines: ##vso[task.setvariable] lines, the token and URL as secrets",
    }
}

/// Quotes a value for POSIX shells: single quotes, with `'` written as `'\''`, and `#` as
/// `'\#'` (the same `#` to a shell; to a CI runner, no `##[` or `##vso[` command can form).
pub fn shell_quote(value: &str) -> String {
    format!("'{}'", value.replace('\'', r"'\''").replace('#', r"'\#'"))
}

/// Renders `minted` in `format` for stdout, ending with a newline. For GitHub Actions that is
/// the masks only: the values go to the runner's file ([`super::ci::github_file`]).
pub fn render(minted: &Minted, format: MintOutput) -> String {
    match format {
        MintOutput::GithubActions => super::ci::github_masks(&super::ci::mint_values(minted)),
        MintOutput::AzurePipelines => super::ci::azure_pipelines(&super::ci::mint_values(minted)),
        // Percent-encoded: no runner command can form; checked all the same.
        MintOutput::Token => neutral::text(format!("{}\n", minted.token.expose())),
        MintOutput::Url => neutral::text(format!("{}\n", minted.url.expose())),
        MintOutput::Json => {
            let mut s = serde_json::to_string_pretty(minted).expect("plain data serializes");
            s.push('\n');
            neutral::json(s)
        }
        MintOutput::Env => {
            let mut lines = vec![
                ("SAS_TOKEN", minted.token.expose().as_str()),
                ("SAS_URL", minted.url.expose().as_str()),
                ("AZURE_STORAGE_ACCOUNT", minted.account.as_str()),
            ];
            match &minted.extras.queue {
                Some(queue) => lines.push(("AZURE_STORAGE_QUEUE", queue.as_str())),
                None => lines.push(("AZURE_STORAGE_CONTAINER", minted.container.as_str())),
            }
            if let Some(blob) = &minted.blob {
                lines.push(("AZURE_STORAGE_BLOB", blob.as_str()));
            }
            lines.push(("SAS_PERMISSIONS", minted.permissions.as_str()));
            lines.push(("SAS_EXPIRY", minted.expiry.as_str()));
            lines
                .into_iter()
                .map(|(k, v)| format!("{k}={}\n", shell_quote(v)))
                .collect()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample() -> Minted {
        Minted {
            token: "sv=2026-04-06&sp=rl&sig=abc%2B".into(),
            url: "https://acct.blob.core.windows.net/c?sv=2026-04-06&sp=rl&sig=abc%2B".into(),
            account: "acct".into(),
            container: "c".into(),
            blob: Some("it's here.txt".into()),
            resource: "blob",
            signed_resource: Some("b"),
            permissions: "r".into(),
            start: "2026-11-22T07:45:00Z".into(),
            expiry: "2026-11-22T16:00:00Z".into(),
            interval_seconds: 30_600,
            protocol: "https".into(),
            ip: None,
            encryption_scope: None,
            correlation_id: None,
            signed_version: "2026-04-06".into(),
            signed_oid: "oid".into(),
            signed_tid: "tid".into(),
            key_start: "2026-11-22T07:45:00Z".into(),
            key_expiry: "2026-11-22T16:00:00Z".into(),
            extras: Default::default(),
        }
    }

    #[test]
    fn token_and_url() {
        let m = sample();
        assert_eq!(
            render(&m, MintOutput::Token),
            "sv=2026-04-06&sp=rl&sig=abc%2B\n"
        );
        assert!(render(&m, MintOutput::Url).starts_with("https://acct.blob.core.windows.net/c?"));
    }

    #[test]
    fn json_has_the_documented_fields() {
        let v: serde_json::Value =
            serde_json::from_str(&render(&sample(), MintOutput::Json)).unwrap();
        for field in [
            "token",
            "url",
            "account",
            "container",
            "blob",
            "resource",
            "permissions",
            "start",
            "expiry",
            "protocol",
            "ip",
            "signed_version",
            "signed_oid",
            "signed_tid",
            "key_expiry",
        ] {
            assert!(v.get(field).is_some(), "{field}");
        }
        assert!(v.get("value").is_none());
    }

    #[test]
    fn env_is_shell_safe() {
        let out = render(&sample(), MintOutput::Env);
        assert!(out.contains("SAS_TOKEN='sv=2026-04-06&sp=rl&sig=abc%2B'\n"));
        assert!(out.contains(r"AZURE_STORAGE_BLOB='it'\''s here.txt'"));
        assert_eq!(shell_quote("a'b"), r"'a'\''b'");
        assert_eq!(shell_quote("##[x"), r"''\#''\#'[x'");
    }
}
