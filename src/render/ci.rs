//! Output for CI systems, in their documented formats, so a minted token never appears in a
//! build log:
//!
//! - GitHub Actions: `::add-mask::VALUE` lines on stdout (the runner masks VALUE in every later
//!   log line and does not print the command), and the values as step outputs or environment
//!   variables appended to the file named by `GITHUB_OUTPUT` / `GITHUB_ENV`, each in the
//!   `NAME<<DELIMITER` form with a random delimiter (safe for any value). Workflow command data
//!   escapes `%`, `\r` and `\n` as `%25`, `%0D`, `%0A` (the runner unescapes them).
//! - Azure Pipelines: `##vso[task.setvariable variable=NAME;issecret=true]VALUE` lines on
//!   stdout; the agent masks secret variables. Values escape `%` as `%AZP25`, `\r` as `%0D`,
//!   `\n` as `%0A`, `;` as `%3B` and `]` as `%5D`, as the logging-commands page documents and
//!   the agent unescapes, so a value from outside stays data.
//!
//! Every secret is masked in each form a later step could print on its own: the token, the
//! URL, the query string of a URL (the token again), and the signature (`sig`) as written and
//! percent-decoded ([`secret_forms`]). Azure Pipelines masks the forms that are not variables
//! with `##vso[task.setsecret]`.

use crate::domain::minted::Minted;
use crate::domain::sas;

/// One value handed to CI: its output name (GitHub step output), its variable name
/// (environment / Azure Pipelines), the value, and whether it is a secret.
pub struct Value<'a> {
    pub output: &'static str,
    pub variable: &'static str,
    pub value: &'a str,
    pub secret: bool,
}

/// What `mint` hands to CI.
pub fn mint_values(minted: &Minted) -> Vec<Value<'_>> {
    let mut all = vec![
        Value {
            output: "sas_token",
            variable: "SAS_TOKEN",
            value: minted.token.expose(),
            secret: true,
        },
        Value {
            output: "sas_url",
            variable: "SAS_URL",
            value: minted.url.expose(),
            secret: true,
        },
        Value {
            output: "expiry",
            variable: "SAS_EXPIRY",
            value: &minted.expiry,
            secret: false,
        },
        Value {
            output: "permissions",
            variable: "SAS_PERMISSIONS",
            value: &minted.permissions,
            secret: false,
        },
        Value {
            output: "account",
            variable: "AZURE_STORAGE_ACCOUNT",
            value: &minted.account,
            secret: false,
        },
        match &minted.extras.queue {
            Some(queue) => Value {
                output: "queue",
                variable: "AZURE_STORAGE_QUEUE",
                value: queue,
                secret: false,
            },
            None => Value {
                output: "container",
                variable: "AZURE_STORAGE_CONTAINER",
                value: &minted.container,
                secret: false,
            },
        },
    ];
    if let Some(blob) = &minted.blob {
        all.push(Value {
            output: "blob",
            variable: "AZURE_STORAGE_BLOB",
            value: blob,
            secret: false,
        });
    }
    if let Some(id) = &minted.correlation_id {
        all.push(Value {
            output: "correlation_id",
            variable: "SAS_CORRELATION_ID",
            value: id,
            secret: false,
        });
    }
    all
}

/// Every form of the secret `value` a later step could print alone, `value` first: the query
/// string of a URL, and the `sig` parameter as written and percent-decoded.
pub fn secret_forms(value: &str) -> Vec<String> {
    let mut forms = vec![value.to_owned()];
    let query = value.split_once('?').map_or(value, |(_, query)| query);
    let query = query.split_once('#').map_or(query, |(query, _)| query);
    forms.push(query.to_owned());
    if let (Some(sig), Some(decoded)) = (sas::query_param(query, "sig"), sas::signature(query)) {
        forms.push(sig.to_owned());
        forms.push(decoded);
    }
    forms.retain(|form| !form.is_empty());
    forms
}

/// What to mask, in order, each once: the secret values, then their other forms.
fn masks(values: &[Value<'_>]) -> Vec<String> {
    let secrets: Vec<&str> = values
        .iter()
        .filter(|v| v.secret)
        .map(|v| v.value)
        .collect();
    let mut all: Vec<String> = secrets.iter().map(|s| (*s).to_owned()).collect();
    for secret in &secrets {
        for form in secret_forms(secret) {
            if !all.contains(&form) {
                all.push(form);
            }
        }
    }
    all
}

/// GitHub workflow command data: `%`, `\r`, `\n` escaped.
fn github_escape(value: &str) -> String {
    value
        .replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

/// The `::add-mask::` lines for stdout: every secret value (the token and the URL), then each
/// of their other forms ([`secret_forms`]).
pub fn github_masks(values: &[Value<'_>]) -> String {
    masks(values)
        .iter()
        .map(|mask| format!("::add-mask::{}\n", github_escape(mask)))
        .collect()
}

/// What to append to `GITHUB_OUTPUT` (step outputs, `sas_token` …) or, with `env`, to
/// `GITHUB_ENV` (`SAS_TOKEN` …): `NAME<<DELIMITER`, the value, the delimiter. `delimiter` must
/// not occur in any value (the caller makes a random one; [`delimiter_fits`] checks).
pub fn github_file(values: &[Value<'_>], env: bool, delimiter: &str) -> String {
    values
        .iter()
        .map(|v| {
            let name = if env { v.variable } else { v.output };
            format!("{name}<<{delimiter}\n{}\n{delimiter}\n", v.value)
        })
        .collect()
}

/// Whether `delimiter` occurs in none of the values.
pub fn delimiter_fits(values: &[Value<'_>], delimiter: &str) -> bool {
    values.iter().all(|v| !v.value.contains(delimiter))
}

/// Azure Pipelines logging-command value: `%`, `\r`, `\n`, `;` and `]` escaped (`%` first:
/// the agent unescapes the others before `%AZP25`).
fn pipelines_escape(value: &str) -> String {
    value
        .replace('%', "%AZP25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
        .replace(';', "%3B")
        .replace(']', "%5D")
}

/// The `##vso[task.setvariable …]` lines for stdout (the token and the URL are secret), then a
/// `##vso[task.setsecret]` line for each other form of a secret ([`secret_forms`]).
pub fn azure_pipelines(values: &[Value<'_>]) -> String {
    let variables = values.iter().map(|v| {
        let secret = if v.secret { ";issecret=true" } else { "" };
        format!(
            "##vso[task.setvariable variable={}{secret}]{}\n",
            v.variable,
            pipelines_escape(v.value)
        )
    });
    let secrets: Vec<&str> = values
        .iter()
        .filter(|v| v.secret)
        .map(|v| v.value)
        .collect();
    let others = masks(values)
        .into_iter()
        .filter(|mask| !secrets.contains(&mask.as_str()))
        .map(|mask| format!("##vso[task.setsecret]{}\n", pipelines_escape(&mask)));
    variables.chain(others).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn minted() -> Minted {
        Minted {
            token: "sv=2026-04-06&sp=rl&sig=a%2Bb%3D".into(),
            url: "https://acct.blob.core.windows.net/c?sv=2026-04-06&sp=rl&sig=a%2Bb%3D".into(),
            account: "acct".into(),
            container: "c".into(),
            blob: None,
            resource: "container",
            signed_resource: Some("c"),
            permissions: "rl".into(),
            start: "2026-11-30T08:45:00Z".into(),
            expiry: "2026-11-30T17:00:00Z".into(),
            interval_seconds: 30_600,
            protocol: "https".into(),
            ip: None,
            encryption_scope: None,
            correlation_id: Some("5a1b2c3d-0000-4000-8000-000000000001".into()),
            signed_version: "2026-04-06".into(),
            signed_oid: "o".into(),
            signed_tid: "t".into(),
            key_start: "2026-11-30T08:45:00Z".into(),
            key_expiry: "2026-11-30T17:00:00Z".into(),
            extras: Default::default(),
        }
    }

    #[test]
    fn a_queue_token_names_its_queue_not_a_container() {
        let mut queue = minted();
        queue.container = String::new();
        queue.extras.queue = Some("orders".into());
        let values = mint_values(&queue);
        let named: Vec<(&str, &str)> = values.iter().map(|v| (v.output, v.variable)).collect();
        assert!(
            named.contains(&("queue", "AZURE_STORAGE_QUEUE")),
            "{named:?}"
        );
        assert!(!named.iter().any(|(o, _)| *o == "container"), "{named:?}");
        let file = github_file(&values, true, "EOF_X");
        assert!(
            file.contains("AZURE_STORAGE_QUEUE<<EOF_X\norders\nEOF_X\n"),
            "{file}"
        );
    }

    #[test]
    fn github_masks_escape_percent_and_line_breaks() {
        assert_eq!(
            github_masks(&mint_values(&minted())),
            "::add-mask::sv=2026-04-06&sp=rl&sig=a%252Bb%253D\n\
             ::add-mask::https://acct.blob.core.windows.net/c?sv=2026-04-06&sp=rl&sig=a%252Bb%253D\n\
             ::add-mask::a%252Bb%253D\n\
             ::add-mask::a+b=\n"
        );
        assert_eq!(github_escape("a\r\nb%"), "a%0D%0Ab%25");
    }

    #[test]
    fn github_file_uses_the_delimiter_form() {
        let m = minted();
        let values = mint_values(&m);
        let text = github_file(&values, false, "ghadelimiter_X");
        assert!(text.starts_with(
            "sas_token<<ghadelimiter_X\nsv=2026-04-06&sp=rl&sig=a%2Bb%3D\nghadelimiter_X\n"
        ));
        assert!(text.contains("expiry<<ghadelimiter_X\n2026-11-30T17:00:00Z\nghadelimiter_X\n"));
        assert!(text.contains("correlation_id<<"));
        let env = github_file(&values, true, "D");
        assert!(env.starts_with("SAS_TOKEN<<D\n"));
        assert!(delimiter_fits(&values, "ghadelimiter_X"));
        assert!(!delimiter_fits(&values, "sig="));
    }

    #[test]
    fn azure_pipelines_marks_the_token_and_url_secret() {
        let text = azure_pipelines(&mint_values(&minted()));
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(
            lines[0],
            "##vso[task.setvariable variable=SAS_TOKEN;issecret=true]sv=2026-04-06&sp=rl&sig=a%AZP252Bb%AZP253D"
        );
        assert!(
            lines[1].starts_with("##vso[task.setvariable variable=SAS_URL;issecret=true]https://")
        );
        assert_eq!(
            lines[2],
            "##vso[task.setvariable variable=SAS_EXPIRY]2026-11-30T17:00:00Z"
        );
        assert_eq!(pipelines_escape("a\r\nb%"), "a%0D%0Ab%AZP25");
        assert_eq!(pipelines_escape("x;y]z%3B"), "x%3By%5Dz%AZP253B");
        assert_eq!(
            &lines[7..],
            [
                "##vso[task.setsecret]a%AZP252Bb%AZP253D",
                "##vso[task.setsecret]a+b="
            ]
        );
    }
}
