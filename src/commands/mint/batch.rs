//! Many tokens in one run (`mint URL URL…`, `mint --from-file FILE|-`), streamed: the inputs
//! are read, checked, signed and written a chunk at a time (the lines at hand, at most
//! [`CHUNK`]), in input order, so memory does not grow with the number of inputs and a pipe
//! sees the first token before its input ends. One delegation key is fetched per storage
//! account, when the account is first seen (accounts new to a chunk in parallel, bounded), and
//! kept for the run: the keys grow with the number of accounts, not of inputs.

use super::request::MintRequest;
use crate::clients::storage;
use crate::domain::error::{Failure, Kind, Result};
use crate::domain::keyfile::Key;
use crate::domain::lifetime::{self, Window};
use crate::domain::redact;
use crate::io::input::{Line, Lines, LINE_LIMIT};
use crate::io::outfile::{self, Stream};
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
/// The most inputs handled together (checked and signed on all cores, then written).
const CHUNK: usize = 2048;
/// Below this many inputs a chunk is handled on one thread.
const PARALLEL_FROM: usize = 512;

/// One input: where it came from (line number or argument position) and its URL, or why the
/// line could not be read.
struct Input {
    at: usize,
    url: std::result::Result<String, Failure>,
}

/// Where the inputs come from.
enum Source<'a> {
    Arguments { urls: &'a [String], next: usize },
    List(Lines),
}

impl Source<'_> {
    fn label(&self) -> &'static str {
        match self {
            Source::Arguments { .. } => "argument",
            Source::List(_) => "line",
        }
    }

    /// The next inputs: at least one unless the inputs are over, and no more than are at hand
    /// (a pipe is waited on for the first only). Blank lines and `#` comments are skipped.
    fn chunk(&mut self) -> Result<Vec<Input>> {
        let mut chunk = Vec::new();
        match self {
            Source::Arguments { urls, next } => {
                let end = (*next + CHUNK).min(urls.len());
                for (i, url) in urls[*next..end].iter().enumerate() {
                    chunk.push(Input {
                        at: *next + i + 1,
                        url: Ok(url.clone()),
                    });
                }
                *next = end;
            }
            Source::List(lines) => {
                while chunk.len() < CHUNK && (chunk.is_empty() || lines.line_at_hand()) {
                    let Some((at, line)) = lines.next_line()? else {
                        break;
                    };
                    let url = match line {
                        Line::Text(text) => {
                            let url = text.trim();
                            if url.is_empty() || url.starts_with('#') {
                                continue;
                            }
                            Ok(url.to_owned())
                        }
                        Line::TooLong => Err(Failure::usage(format!(
                            "the line is longer than {} KiB",
                            LINE_LIMIT / 1024
                        ))
                        .hint("put one container or blob URL per line")),
                        Line::NotUtf8 => Err(Failure::usage("the line is not UTF-8 text")
                            .hint("check that it is the right file")),
                    };
                    chunk.push(Input { at, url });
                }
            }
        }
        Ok(chunk)
    }
}

fn source(args: &MintRequest) -> Result<Source<'_>> {
    let Some(path) = &args.from_file else {
        return Ok(Source::Arguments {
            urls: &args.urls,
            next: 0,
        });
    };
    if path.as_os_str() == "-"
        && args.token.delegation_key.as_deref() == Some(std::path::Path::new("-"))
    {
        return Err(
            Failure::usage("--from-file - and --delegation-key - cannot both read stdin")
                .hint("save the key to a file with `sasmint key --output-file key.json`"),
        );
    }
    Ok(Source::List(Lines::open(path)?))
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

/// Where the results go: stdout a chunk at a time (flushed), or, with `--output-file`, a
/// private temporary file a chunk at a time, put in place whole at the end (`outfile::Stream`):
/// a run that stops early (`--fail-fast`, an unreadable list, a signal) leaves no file.
struct Sink {
    file: Option<Stream>,
}

impl Sink {
    fn write(&mut self, text: &str) -> Result<()> {
        match &mut self.file {
            Some(file) => file.write(text),
            None => terminal::stdout(text),
        }
    }

    fn finish(self) -> Result<()> {
        match self.file {
            Some(file) => file.finish(),
            None => Ok(()),
        }
    }
}

/// What the run has done so far.
#[derive(Default)]
struct Tally {
    inputs: usize,
    failed: usize,
    first_failure: Option<Kind>,
    verified: usize,
    /// The request-bound note is printed (once, with the first token).
    binding_noted: bool,
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
    let (window, _) = pipeline::check_shared(&args.token, now)?;
    let mut source = source(args)?;
    let label = source.label();
    if args.fail_fast && args.from_file.is_none() {
        // Arguments are all at hand: with --fail-fast a bad one stops the run before anything
        // is sent. (A list is checked as it is read: see docs/mint.md.)
        for (i, url) in args.urls.iter().enumerate() {
            if let Err(f) = pipeline::plan(url, &args.token, now) {
                return Err(labelled(label, i + 1, &f));
            }
        }
    }
    outfile::check(args.output_file.as_deref(), args.force)?;

    let mut keys = Keys::new(args, window, now, quiet);
    let mut sink = Sink {
        file: args
            .output_file
            .as_deref()
            .map(|path| Stream::create(path, args.force))
            .transpose()?,
    };
    let mut tally = Tally::default();
    loop {
        let chunk = source.chunk()?;
        if chunk.is_empty() {
            break;
        }
        // With --fail-fast, a failure ends the run: the results before it are written (to
        // stdout; an --output-file is not written at all).
        handle(
            args, now, quiet, label, chunk, &mut keys, &mut sink, &mut tally,
        )?;
    }
    if tally.inputs == 0 {
        if let Source::List(lines) = &source {
            return Err(
                Failure::usage(format!("{} holds no URLs", lines.source())).hint(
                    "put one container or blob URL per line; lines starting with # are comments",
                ),
            );
        }
    }
    sink.finish()?;
    if tally.verified > 0 {
        note(
            quiet,
            &format!(
                "verified {} token(s): the service authorised each one's rights (one request per kind of right, no data changed)",
                tally.verified
            ),
        );
    }
    match tally.first_failure {
        None => Ok(()),
        Some(kind) => Err(Failure::new(
            kind,
            format!("{} of {} inputs failed", tally.failed, tally.inputs),
        )),
    }
}

/// Checks, signs (and with `--verify` proves) one chunk of inputs and writes its results. With
/// `--fail-fast`, the first failure (in input order) ends the run: what comes before it is
/// written, and nothing after it is sent.
#[allow(clippy::too_many_arguments)]
fn handle(
    args: &MintRequest,
    now: OffsetDateTime,
    quiet: bool,
    label: &str,
    chunk: Vec<Input>,
    keys: &mut Keys,
    sink: &mut Sink,
    tally: &mut Tally,
) -> Result<()> {
    let ats: Vec<usize> = chunk.iter().map(|i| i.at).collect();
    let mut plans = par_map(chunk, |input| {
        input
            .url
            .and_then(|url| pipeline::plan(&url, &args.token, now))
    });
    if args.fail_fast {
        if let Some(first) = plans.iter().position(Result::is_err) {
            // Nothing is fetched for the inputs after it.
            plans.truncate(first + 1);
        }
    }
    // Each chunk's network work (its new accounts' keys, its probes) has a `--timeout` of its
    // own: a long input (a pipe that takes hours) must not leave its later chunks no time.
    runtime::restart_deadline(args.token.azure.timeout);
    keys.fetch(&plans)?;
    // Every input shares the binding: its plans carry the same one.
    let binding = if tally.binding_noted {
        None
    } else {
        plans
            .iter()
            .flatten()
            .next()
            .map(|p| p.spec.extras.binding.clone())
    };
    let mut outcomes = sign_all(plans, keys);
    let refused = if args.token.verify {
        let (verified, refused) = verify_all(&mut outcomes, &args.token)?;
        tally.verified += verified;
        refused
    } else {
        Vec::new()
    };
    if let Some(binding) = binding {
        if outcomes.iter().any(|o| matches!(o, Outcome::Minted(_))) {
            // Once for the batch, as a single token's is (`pipeline::sign`, quiet here).
            if let Some(text) = pipeline::binding_note(&binding) {
                note(quiet, &text);
            }
            tally.binding_noted = true;
        }
    }
    for (i, outcome) in outcomes.iter().enumerate() {
        let Outcome::Failed(f) = outcome else {
            continue;
        };
        if args.fail_fast {
            if args.output_file.is_none() {
                sink.write(&render(&ats[..i], &outcomes[..i], args.output))?;
            }
            return Err(labelled(label, ats[i], f));
        }
        report(label, ats[i], f);
        tally.failed += 1;
        tally.first_failure.get_or_insert(f.kind);
    }
    tally.inputs += outcomes.len();
    sink.write(&render(&ats, &outcomes, args.output))?;
    // Written and reported: nothing sent later carries these tokens, so the redaction registry
    // lets them go (it would otherwise grow by a signature per URL, the one thing a stream
    // kept), the ones `--verify` refused too.
    let minted = outcomes.iter().filter_map(|o| match o {
        Outcome::Minted(m) => Some(m),
        Outcome::Failed(_) => None,
    });
    for m in minted.chain(&refused) {
        redact::forget_token(m.token.expose());
    }
    Ok(())
}

/// `f` over `items`, in order, on all cores when there are enough of them.
fn par_map<T: Send, U: Send>(items: Vec<T>, f: impl Fn(T) -> U + Sync) -> Vec<U> {
    let threads = std::thread::available_parallelism().map_or(1, std::num::NonZeroUsize::get);
    if threads < 2 || items.len() < PARALLEL_FROM {
        return items.into_iter().map(f).collect();
    }
    let part = items.len().div_ceil(threads);
    let mut parts: Vec<Vec<T>> = Vec::with_capacity(threads);
    let mut rest = items.into_iter();
    loop {
        let next: Vec<T> = rest.by_ref().take(part).collect();
        if next.is_empty() {
            break;
        }
        parts.push(next);
    }
    let f = &f;
    std::thread::scope(|scope| {
        let handles: Vec<_> = parts
            .into_iter()
            .map(|part| scope.spawn(move || part.into_iter().map(f).collect::<Vec<_>>()))
            .collect();
        handles
            .into_iter()
            .flat_map(|h| h.join().expect("checking and signing do not panic"))
            .collect()
    })
}

/// Signs every planned input with its account's key, on all cores; results in input order.
fn sign_all(plans: Vec<std::result::Result<MintPlan, Failure>>, keys: &Keys) -> Vec<Outcome> {
    let saved_key = keys.saved;
    par_map(plans, |plan| {
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
    })
}

/// `--verify`: every minted token is used once per right it grants (up to
/// [`PARALLEL_ACCOUNTS`] tokens at a time, all within the chunk's deadline); a token the
/// service refuses, or one whose probe the deadline cut short, becomes a failed input. Returns
/// how many were verified, and the refused tokens (to forget once their failures are reported).
fn verify_all(outcomes: &mut [Outcome], token: &TokenOptions) -> Result<(usize, Vec<Arc<Minted>>)> {
    let minted: Vec<(usize, Arc<Minted>)> = outcomes
        .iter()
        .enumerate()
        .filter_map(|(i, o)| match o {
            Outcome::Minted(m) => Some((i, Arc::clone(m))),
            Outcome::Failed(_) => None,
        })
        .collect();
    if minted.is_empty() {
        return Ok((0, Vec::new()));
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
    let (mut verified, mut refused) = (0, Vec::new());
    for (i, result) in results {
        match result {
            Ok(_) => verified += 1,
            Err(f) => {
                if let Outcome::Minted(m) = std::mem::replace(&mut outcomes[i], Outcome::Failed(f))
                {
                    refused.push(m);
                }
            }
        }
    }
    Ok((verified, refused))
}

/// The delegation keys of the run: the one read from `--delegation-key` (read when first
/// needed, shared by every account, not copied), or one per account, fetched when the account
/// is first seen and kept (a key, or why there is none) for the rest of the run.
struct Keys {
    /// The key file, while it is not read yet.
    path: Option<std::path::PathBuf>,
    saved: bool,
    shared: Option<std::result::Result<Arc<Key>, Failure>>,
    fetched: BTreeMap<String, std::result::Result<Arc<Key>, Failure>>,
    credential: Option<(
        Arc<dyn azure_core::credentials::TokenCredential>,
        azure_core::http::ClientOptions,
    )>,
    window: Window,
    now: OffsetDateTime,
    quiet: bool,
}

impl Keys {
    fn new(args: &MintRequest, window: Window, now: OffsetDateTime, quiet: bool) -> Keys {
        Keys {
            path: args.token.delegation_key.clone(),
            saved: args.token.delegation_key.is_some(),
            shared: None,
            fetched: BTreeMap::new(),
            credential: None,
            window,
            now,
            quiet,
        }
    }

    fn get(&self, account: &str) -> Option<&std::result::Result<Arc<Key>, Failure>> {
        if self.saved {
            return self.shared.as_ref();
        }
        self.fetched.get(account)
    }

    /// Has a key ready for the account of every plan: reads the key file the first time, or
    /// fetches the keys of accounts not seen before (in parallel, bounded).
    fn fetch(&mut self, plans: &[std::result::Result<MintPlan, Failure>]) -> Result<()> {
        let mut new: BTreeMap<String, &MintPlan> = BTreeMap::new();
        for plan in plans.iter().flatten() {
            if self.saved || !self.fetched.contains_key(plan.target.service()) {
                new.entry(plan.target.service().to_owned()).or_insert(plan);
            }
        }
        if new.is_empty() {
            return Ok(());
        }
        if self.saved {
            if let Some(path) = self.path.take() {
                let key = pipeline::read_key(&path, self.now)?;
                // Every input shares the lifetime flags, so one note covers them all.
                if key.expiry < self.window.expiry {
                    note(
                        self.quiet,
                        &format!(
                            "the tokens expire {} with their delegation key, not later",
                            lifetime::format(key.expiry)
                        ),
                    );
                }
                self.shared = Some(Ok(Arc::new(key)));
            }
            return Ok(());
        }
        let first = new.values().next().expect("not empty");
        let request = lifetime::key_request(self.now, self.window);
        let (auth, timeout) = (first.auth, first.timeout);
        let tenant = first.key_tenant.clone();
        if self.credential.is_none() {
            pipeline::note_clamp(self.quiet, request, Clamped::Token);
            self.credential = Some(pipeline::credential(auth, timeout)?);
        }
        let (credential, options) = self.credential.clone().expect("made above");
        let targets: Vec<(String, crate::domain::resource::Target)> = new
            .into_iter()
            .map(|(a, p)| (a, p.target.clone()))
            .collect();
        // Every account within the command's one deadline: one that does not answer fails
        // alone, naming itself, when the deadline comes; the others keep their keys.
        let deadline = runtime::deadline(timeout);
        let keys = network(timeout, "getting the delegation keys", async move {
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
                        storage::fetch_key(&target, credential, request, tenant, options, auth)
                            .await
                    };
                    (account, within(deadline, &what, fetch).await.map(Arc::new))
                });
            }
            let mut keys = Vec::new();
            while let Some(done) = tasks.join_next().await {
                keys.push(done.map_err(|e| Failure::new(Kind::Internal, e.to_string()))?);
            }
            Ok(keys)
        })?;
        self.fetched.extend(keys);
        Ok(())
    }
}

/// The results of `outcomes`, the inputs numbered `ats`.
fn render(ats: &[usize], outcomes: &[Outcome], format: MintOutput) -> String {
    let mut out = Vec::with_capacity(outcomes.len() * 400);
    for (&at, outcome) in ats.iter().zip(outcomes) {
        match (outcome, format) {
            (Outcome::Minted(m), MintOutput::Json) => {
                let mut value = serde_json::to_value(&**m).expect("plain data serializes");
                value["input"] = serde_json::json!(at);
                serde_json::to_writer(&mut out, &value).expect("writing to memory");
                out.push(b'\n');
            }
            (Outcome::Failed(f), MintOutput::Json) => {
                let value = serde_json::json!({
                    "input": at,
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
