//! Many tokens in one run (`mint URL URL…`, `mint --from-file`): every input is checked first,
//! one delegation key is fetched per storage account (accounts in parallel, bounded), and one
//! result per input comes out in input order.

use super::request::MintRequest;
use crate::clients::storage;
use crate::domain::error::{Failure, Kind, Result};
use crate::domain::keyfile::Key;
use crate::domain::lifetime;
use crate::io::input::{self, read_source};
use crate::io::outfile::{self, emit};
use crate::io::runtime::{self, network, within};
use crate::io::terminal::{self, note};
use crate::pipeline::{self, Clamped, MintPlan, TokenOptions};
use crate::render::mint::{self, MintOutput, Minted};
use std::collections::BTreeMap;
use std::io::Write;
use std::sync::Arc;
use time::OffsetDateTime;

/// How many accounts' keys are fetched at once.
const PARALLEL_ACCOUNTS: usize = 4;

/// One input: where it came from (line number or argument position) and the URL.
struct Input {
    at: usize,
    url: String,
}

fn inputs(args: &MintRequest) -> Result<(Vec<Input>, &'static str)> {
    let Some(path) = &args.from_file else {
        let inputs = args
            .urls
            .iter()
            .enumerate()
            .map(|(i, url)| Input {
                at: i + 1,
                url: url.clone(),
            })
            .collect();
        return Ok((inputs, "argument"));
    };
    if path.as_os_str() == "-"
        && args.token.delegation_key.as_deref() == Some(std::path::Path::new("-"))
    {
        return Err(
            Failure::usage("--from-file - and --delegation-key - cannot both read stdin")
                .hint("save the key to a file with `sasmint key --output-file key.json`"),
        );
    }
    let (text, source) = read_source(path, "the URL list", input::URL_LIST_LIMIT)?;
    // Editors on Windows start UTF-8 files with a byte-order mark.
    let inputs: Vec<Input> = text
        .trim_start_matches('\u{feff}')
        .lines()
        .enumerate()
        .map(|(i, line)| (i + 1, line.trim()))
        .filter(|(_, line)| !line.is_empty() && !line.starts_with('#'))
        .map(|(at, url)| Input {
            at,
            url: url.to_owned(),
        })
        .collect();
    if inputs.is_empty() {
        return Err(Failure::usage(format!("{source} holds no URLs"))
            .hint("put one container or blob URL per line; lines starting with # are comments"));
    }
    Ok((inputs, "line"))
}

/// `failure`, its message prefixed with which input it is about ("line 4: …").
fn labelled(label: &str, at: usize, failure: &Failure) -> Failure {
    Failure {
        message: format!("{label} {at}: {}", failure.message),
        ..failure.clone()
    }
}

fn report(label: &str, at: usize, failure: &Failure) {
    terminal::report(&labelled(label, at, failure));
}

/// A minted token is shared (`Arc`), not cloned, with the `--verify` tasks.
enum Outcome {
    Minted(Arc<Minted>),
    Failed(Failure),
}

pub fn run(args: &MintRequest, now: OffsetDateTime, quiet: bool) -> Result<()> {
    if matches!(
        args.output,
        MintOutput::Env | MintOutput::GithubActions | MintOutput::AzurePipelines
    ) {
        return Err(Failure::usage(format!(
            "--output {} takes a single URL",
            args.output.name()
        ))
        .hint("use --output json (JSON lines) for several URLs"));
    }
    // The options every URL shares: one error, not one per URL.
    pipeline::check_shared(&args.token, now)?;
    let (inputs, label) = inputs(args)?;

    // Check every input before anything is sent.
    let mut plans: Vec<std::result::Result<MintPlan, Failure>> = Vec::with_capacity(inputs.len());
    for input in &inputs {
        let plan = pipeline::plan(&input.url, &args.token, now);
        if let Err(f) = &plan {
            if args.fail_fast {
                return Err(labelled(label, input.at, f));
            }
            report(label, input.at, f);
        }
        plans.push(plan);
    }

    outfile::check(args.output_file.as_deref(), args.force)?;
    let keys = keys(args, &plans, now, quiet)?;
    if args.fail_fast {
        // The first input (in input order) whose account got no key.
        let failed_key = inputs.iter().zip(&plans).find_map(|(input, plan)| {
            let plan = plan.as_ref().ok()?;
            match keys.get(plan.target.service()) {
                Some(Err(f)) => Some((input.at, f)),
                _ => None,
            }
        });
        if let Some((at, f)) = failed_key {
            return Err(labelled(label, at, f));
        }
    }

    let saved_key = args.token.delegation_key.is_some();
    let reported: Vec<bool> = plans.iter().map(Result::is_err).collect();
    let mut outcomes = sign_all(plans, &keys, saved_key);
    if args.token.verify {
        verify_all(&mut outcomes, &args.token, quiet)?;
    }
    for ((input, outcome), already) in inputs.iter().zip(&outcomes).zip(reported) {
        if let Outcome::Failed(f) = outcome {
            if args.fail_fast {
                return Err(labelled(label, input.at, f));
            }
            if !already {
                report(label, input.at, f);
            }
        }
    }

    let text = render(&inputs, &outcomes, args.output);
    emit(&text, args.output_file.as_deref(), args.force)?;

    let failed: Vec<&Failure> = outcomes
        .iter()
        .filter_map(|o| match o {
            Outcome::Failed(f) => Some(f),
            Outcome::Minted(_) => None,
        })
        .collect();
    match failed.first() {
        None => Ok(()),
        Some(first) => Err(Failure::new(
            first.kind,
            format!("{} of {} inputs failed", failed.len(), outcomes.len()),
        )),
    }
}

/// Signs every planned input with its account's key, on all cores; results in input order.
fn sign_all(
    plans: Vec<std::result::Result<MintPlan, Failure>>,
    keys: &BTreeMap<String, std::result::Result<Arc<Key>, Failure>>,
    saved_key: bool,
) -> Vec<Outcome> {
    let sign = |plan: std::result::Result<MintPlan, Failure>| -> Outcome {
        let plan = match plan {
            Ok(plan) => plan,
            Err(f) => return Outcome::Failed(f),
        };
        let signed = match keys.get(plan.target.service()) {
            Some(Ok(key)) => pipeline::sign(plan, key, saved_key, true),
            Some(Err(f)) => Err(f.clone()),
            None => Err(Failure::new(
                Kind::Internal,
                "no key was fetched for this account",
            )),
        };
        match signed {
            Ok(m) => Outcome::Minted(Arc::new(m)),
            Err(f) => Outcome::Failed(f),
        }
    };
    let threads = std::thread::available_parallelism().map_or(1, std::num::NonZeroUsize::get);
    if threads < 2 || plans.len() < 512 {
        return plans.into_iter().map(sign).collect();
    }
    let chunk = plans.len().div_ceil(threads);
    let mut chunks: Vec<Vec<_>> = Vec::with_capacity(threads);
    let mut rest = plans.into_iter();
    loop {
        let part: Vec<_> = rest.by_ref().take(chunk).collect();
        if part.is_empty() {
            break;
        }
        chunks.push(part);
    }
    std::thread::scope(|scope| {
        let handles: Vec<_> = chunks
            .into_iter()
            .map(|part| scope.spawn(move || part.into_iter().map(sign).collect::<Vec<_>>()))
            .collect();
        handles
            .into_iter()
            .flat_map(|h| h.join().expect("signing does not panic"))
            .collect()
    })
}

/// `--verify`: every minted token is used once per right it grants (up to
/// [`PARALLEL_ACCOUNTS`] tokens at a time, all within the command's one deadline); a token the
/// service refuses, or one whose probe the deadline cut short, becomes a failed input.
fn verify_all(outcomes: &mut [Outcome], token: &TokenOptions, quiet: bool) -> Result<()> {
    let minted: Vec<(usize, Arc<Minted>)> = outcomes
        .iter()
        .enumerate()
        .filter_map(|(i, o)| match o {
            Outcome::Minted(m) => Some((i, Arc::clone(m))),
            Outcome::Failed(_) => None,
        })
        .collect();
    if minted.is_empty() {
        return Ok(());
    }
    let (timeout, auth) = (token.azure.timeout, token.azure.auth);
    let deadline = runtime::deadline(timeout);
    let results = network(timeout, "verifying the tokens", async move {
        let limit = Arc::new(tokio::sync::Semaphore::new(PARALLEL_ACCOUNTS));
        let mut tasks = tokio::task::JoinSet::new();
        for (i, m) in minted {
            let limit = limit.clone();
            tasks.spawn(async move {
                let probe = async {
                    let _permit = limit.acquire_owned().await;
                    pipeline::probe(&m, timeout, auth).await
                };
                (i, within(deadline, "verifying the token", probe).await)
            });
        }
        let mut results = Vec::new();
        while let Some(done) = tasks.join_next().await {
            results.push(done.map_err(|e| Failure::new(Kind::Internal, e.to_string()))?);
        }
        Ok(results)
    })?;
    let mut verified = 0;
    for (i, result) in results {
        match result {
            Ok(_) => verified += 1,
            Err(f) => outcomes[i] = Outcome::Failed(f),
        }
    }
    if verified > 0 {
        note(
            quiet,
            &format!(
                "verified {verified} token(s): the service authorised each one's rights (one request per kind of right, no data changed)"
            ),
        );
    }
    Ok(())
}

/// One key per account: read once from `--delegation-key` (and shared by every account, not
/// copied), or fetched per account in parallel.
fn keys(
    args: &MintRequest,
    plans: &[std::result::Result<MintPlan, Failure>],
    now: OffsetDateTime,
    quiet: bool,
) -> Result<BTreeMap<String, std::result::Result<Arc<Key>, Failure>>> {
    let mut accounts: BTreeMap<String, &MintPlan> = BTreeMap::new();
    for plan in plans.iter().flatten() {
        accounts
            .entry(plan.target.service().to_owned())
            .or_insert(plan);
    }
    if accounts.is_empty() {
        return Ok(BTreeMap::new());
    }
    if let Some(path) = &args.token.delegation_key {
        let key = Arc::new(pipeline::read_key(path, now)?);
        // Every input shares the lifetime flags, so one note covers them all.
        let window = accounts.values().next().expect("not empty").spec.window;
        if key.expiry < window.expiry {
            note(
                quiet,
                &format!(
                    "the tokens expire {} with their delegation key, not later",
                    lifetime::format(key.expiry)
                ),
            );
        }
        return Ok(accounts
            .into_keys()
            .map(|a| (a, Ok(Arc::clone(&key))))
            .collect());
    }
    let first = accounts.values().next().expect("not empty");
    let request = lifetime::key_request(now, first.spec.window);
    pipeline::note_clamp(quiet, request, Clamped::Token);
    let (auth, timeout) = (first.auth, first.timeout);
    let tenant = first.key_tenant.clone();
    let (credential, options) = pipeline::credential(auth, timeout)?;
    let targets: Vec<(String, crate::domain::resource::Target)> = accounts
        .into_iter()
        .map(|(a, p)| (a, p.target.clone()))
        .collect();
    // Every account within the command's one deadline: one that does not answer fails alone,
    // naming itself, when the deadline comes; the others keep their keys.
    let deadline = runtime::deadline(timeout);
    network(timeout, "getting the delegation keys", async move {
        let limit = Arc::new(tokio::sync::Semaphore::new(PARALLEL_ACCOUNTS));
        let mut tasks = tokio::task::JoinSet::new();
        for (account, target) in targets {
            let (credential, options, limit, tenant) = (
                credential.clone(),
                options.clone(),
                limit.clone(),
                tenant.clone(),
            );
            tasks.spawn(async move {
                let what = format!("getting the delegation key from {}", target.service());
                let fetch = async {
                    let _permit = limit.acquire_owned().await;
                    storage::fetch_key(&target, credential, request, tenant, options, auth).await
                };
                (account, within(deadline, &what, fetch).await.map(Arc::new))
            });
        }
        let mut keys = BTreeMap::new();
        while let Some(done) = tasks.join_next().await {
            let (account, key) = done.map_err(|e| Failure::new(Kind::Internal, e.to_string()))?;
            keys.insert(account, key);
        }
        Ok(keys)
    })
}

fn render(inputs: &[Input], outcomes: &[Outcome], format: MintOutput) -> String {
    let mut out = Vec::with_capacity(outcomes.len() * 400);
    for (input, outcome) in inputs.iter().zip(outcomes) {
        match (outcome, format) {
            (Outcome::Minted(m), MintOutput::Json) => {
                let mut value = serde_json::to_value(&**m).expect("plain data serializes");
                value["input"] = serde_json::json!(input.at);
                serde_json::to_writer(&mut out, &value).expect("writing to memory");
                out.push(b'\n');
            }
            (Outcome::Failed(f), MintOutput::Json) => {
                let value = serde_json::json!({
                    "input": input.at,
                    "error": crate::domain::redact::scrub(&f.message),
                    "exit_code": f.kind.exit_code(),
                });
                serde_json::to_writer(&mut out, &value).expect("writing to memory");
                out.push(b'\n');
            }
            (Outcome::Minted(m), other) => {
                let _ = out.write_all(mint::render(m, other).as_bytes());
            }
            // An empty line keeps the Nth output line for the Nth input.
            (Outcome::Failed(_), _) => out.push(b'\n'),
        }
    }
    let out = String::from_utf8(out).expect("JSON and tokens are UTF-8");
    if format == MintOutput::Json {
        // Whatever an error message quotes cannot command a CI runner (domain::neutral).
        return crate::domain::neutral::json(out);
    }
    out
}
