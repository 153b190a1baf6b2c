//! The commands: parse and check everything first (exit 2, no network), then act.

use crate::cli::{Cli, Command, InspectArgs, InspectOutput, KeyArgs, MintArgs};
use crate::credentials::{self, Auth};
use crate::error::{Failure, Kind, Result};
use crate::keyfile::Key;
use crate::lifetime::{self, Until, Window};
use crate::output::{self, Minted};
use crate::permissions::{Permissions, Preset};
use crate::redact;
use crate::resource::{self, Target};
use crate::sas::{self, Spec};
use crate::storage;
use azure_core::credentials::TokenCredential;
use clap::CommandFactory;
use std::future::Future;
use std::io::{IsTerminal, Read, Write};
use std::sync::Arc;
use std::time::Duration;
use time::OffsetDateTime;

/// The default lifetime of a minted token.
const DEFAULT_LIFETIME: time::Duration = time::Duration::hours(8);

pub fn run(cli: Cli) -> Result<()> {
    let quiet = cli.quiet;
    match cli.command {
        Command::Mint(mut args) => {
            args.lifetime = args.lifetime.with_env_default(&credentials::process_env);
            mint(args, quiet)
        }
        Command::Key(args) => key(args, quiet),
        Command::Inspect(args) => inspect(&args),
        Command::Geocatalog(args) => crate::deliver::geocatalog(args, quiet),
        Command::Ard(args) => crate::deliver::ard(args, quiet),
        Command::KustoUri(args) => crate::deliver::kusto_uri(args, quiet),
        Command::Completions { shell } => {
            let mut buf = Vec::new();
            clap_complete::generate(shell, &mut Cli::command(), "sasmint", &mut buf);
            stdout(&String::from_utf8_lossy(&buf))
        }
        Command::Man { command } => {
            // Built, so that the help subcommands the pages refer to exist too.
            let mut page = Cli::command();
            page.build();
            let mut name = String::from("sasmint");
            let mut typed = String::from("sasmint");
            for word in &command {
                let sub = page.find_subcommand(word).cloned().ok_or_else(|| {
                    Failure::usage(format!("'{typed} {word}' is not a command"))
                        .hint(format!("see '{typed} --help' for the commands"))
                })?;
                name = format!("{name}-{word}");
                typed = format!("{typed} {word}");
                // A one-shot process: leaking a short string is the simple way to give clap
                // the 'static name it wants.
                page = sub
                    .name(&*Box::leak(name.clone().into_boxed_str()))
                    .version(env!("CARGO_PKG_VERSION"));
            }
            let mut buf = Vec::new();
            clap_mangen::Man::new(page)
                .render(&mut buf)
                .map_err(|e| Failure::new(Kind::Internal, e.to_string()))?;
            stdout(&String::from_utf8_lossy(&buf))
        }
    }
}

/// Prints a failure: one line, and a hint line; secrets scrubbed.
pub fn report(failure: &Failure) {
    let mut err = std::io::stderr().lock();
    let _ = writeln!(err, "sasmint: error: {}", redact::scrub(&failure.message));
    if let Some(hint) = &failure.hint {
        let _ = writeln!(err, "  hint: {}", redact::scrub(hint));
    }
}

/// A note on stderr (unless -q): something the user should know but that is not an error.
pub(crate) fn note(quiet: bool, text: &str) {
    if !quiet {
        // Not eprintln!: a closed stderr must not turn a note into a crash.
        let _ = writeln!(std::io::stderr(), "sasmint: note: {}", redact::scrub(text));
    }
}

/// Writes the result to stdout. A closed pipe (`| head -c1`) is not an error.
pub(crate) fn stdout(text: &str) -> Result<()> {
    let mut out = std::io::stdout().lock();
    match out.write_all(text.as_bytes()).and_then(|()| out.flush()) {
        Ok(()) => Ok(()),
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(()),
        Err(e) => Err(Failure::new(
            Kind::Internal,
            format!("cannot write to stdout: {e}"),
        )),
    }
}

/// Runs the network part of a command on a small runtime, bounded by `--timeout`.
pub(crate) fn network<T>(
    timeout: u64,
    what: &str,
    work: impl Future<Output = Result<T>>,
) -> Result<T> {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| Failure::new(Kind::Internal, format!("cannot start the runtime: {e}")))?;
    runtime.block_on(async {
        tokio::time::timeout(Duration::from_secs(timeout), work)
            .await
            .unwrap_or_else(|_| Err(timed_out(what, timeout)))
    })
}

/// `what` took longer than `--timeout`.
pub(crate) fn timed_out(what: &str, timeout: u64) -> Failure {
    Failure::new(Kind::Network, format!("{what} timed out after {timeout} s"))
        .hint("check the network path to the endpoint, or raise --timeout")
}

pub(crate) fn read_source(path: &std::path::Path, what: &str) -> Result<(String, String)> {
    if path.as_os_str() == "-" {
        let mut text = String::new();
        std::io::stdin()
            .read_to_string(&mut text)
            .map_err(|e| Failure::usage(format!("cannot read {what} from stdin: {e}")))?;
        Ok((text, "stdin".to_owned()))
    } else {
        let text = std::fs::read_to_string(path).map_err(|e| {
            let hint = if what == "the delegation key" {
                "give the path of a file saved by `sasmint key`, or - for stdin"
            } else {
                "check the path, or pass - to read from stdin"
            };
            Failure::usage(format!("cannot read {what} {}: {e}", path.display())).hint(hint)
        })?;
        Ok((text, path.display().to_string()))
    }
}

/// Everything `mint` needs, checked before any request.
pub(crate) struct MintPlan {
    pub(crate) target: Target,
    pub(crate) spec: Spec,
    pub(crate) auth: Auth,
    pub(crate) timeout: u64,
}

pub(crate) fn plan(url: &str, args: &MintArgs, now: OffsetDateTime) -> Result<MintPlan> {
    let target = resource::parse(url, args.azure.account.as_deref(), args.allow_http, false)?;
    let level = target.level();
    let permissions = match (&args.permissions, args.preset) {
        (Some(letters), _) => Permissions::parse(letters, level)?,
        (None, preset) => preset.unwrap_or(Preset::Ingest).permissions(level)?,
    };
    let start = args
        .lifetime
        .start
        .as_deref()
        .map(|s| lifetime::parse_time(s, "--start"))
        .transpose()?;
    let until = match (&args.lifetime.expiry, &args.lifetime.expires_in) {
        (Some(t), _) => Until::At(lifetime::parse_time(t, "--expiry")?),
        (None, Some(d)) => Until::In(lifetime::parse_duration(d)?),
        (None, None) => Until::In(DEFAULT_LIFETIME),
    };
    let window = lifetime::window(now, start, until)?;
    let ip = args.ip.as_deref().map(sas::parse_ip).transpose()?;
    if let Some(scope) = &args.encryption_scope {
        sas::check_encryption_scope(scope)?;
    }
    if !target.https && args.delegation_key.is_none() {
        return Err(Failure::usage(
            "fetching a delegation key needs https: the service accepts bearer tokens over https only",
        )
        .hint("use the https URL (the token still allows http with --allow-http), or sign offline with --delegation-key"));
    }
    Ok(MintPlan {
        target,
        spec: Spec {
            permissions,
            window,
            https_only: !args.allow_http,
            ip,
            encryption_scope: args.encryption_scope.clone(),
        },
        auth: args.azure.auth,
        timeout: args.azure.timeout,
    })
}

fn mint(args: MintArgs, quiet: bool) -> Result<()> {
    redact::register_env();
    let now = lifetime::truncate(OffsetDateTime::now_utc());
    if args.from_file.is_none() && args.urls.len() == 1 {
        let plan = plan(&args.urls[0], &args, now)?;
        let minted = mint_planned(plan, &args, now, None, quiet)?;
        return emit(
            &output::render(&minted, args.output),
            args.output_file.as_deref(),
        );
    }
    crate::batch::mint_many(&args, now, quiet)
}

/// Writes a result: to stdout, or with `--output-file` to a new 0600 file, atomically (a
/// temporary file in the same directory, then a rename), so it is never seen half-written.
/// A FIFO or device (`/dev/stdout`) is written to directly: renaming over it would replace it.
pub(crate) fn emit(text: &str, file: Option<&std::path::Path>) -> Result<()> {
    let Some(path) = file else {
        return stdout(text);
    };
    let special = std::fs::metadata(path).is_ok_and(|m| !m.is_file() && !m.is_dir());
    let written = if special {
        std::fs::OpenOptions::new()
            .write(true)
            .open(path)
            .and_then(|mut f| f.write_all(text.as_bytes()))
    } else {
        write_private(path, text.as_bytes())
    };
    written.map_err(|e| {
        Failure::new(
            Kind::Internal,
            format!("cannot write {}: {e}", path.display()),
        )
        .hint("check that the directory exists and is writable")
    })
}

/// The temporary file being written, if any: removed when the process is interrupted.
static PENDING: std::sync::Mutex<Option<std::path::PathBuf>> = std::sync::Mutex::new(None);

fn pending() -> std::sync::MutexGuard<'static, Option<std::path::PathBuf>> {
    PENDING
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
}

/// From now on, SIGINT, SIGTERM and SIGHUP remove the pending temporary file before the
/// process dies of them. Installed only when a file is written, so start-up stays lean.
fn clean_up_on_interrupt() {
    static ONCE: std::sync::Once = std::sync::Once::new();
    ONCE.call_once(|| {
        use signal_hook::consts::{SIGHUP, SIGINT, SIGTERM};
        let Ok(mut signals) = signal_hook::iterator::Signals::new([SIGINT, SIGTERM, SIGHUP]) else {
            return;
        };
        std::thread::spawn(move || {
            if let Some(signal) = signals.forever().next() {
                // Holding the lock: the writer cannot create or rename meanwhile.
                let guard = pending();
                if let Some(tmp) = guard.as_ref() {
                    let _ = std::fs::remove_file(tmp);
                }
                let _ = signal_hook::low_level::emulate_default_handler(signal);
                std::process::exit(128 + signal);
            }
        });
    });
}

fn write_private(path: &std::path::Path, bytes: &[u8]) -> std::io::Result<()> {
    use std::io::Write as _;
    let dir = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d.to_path_buf(),
        _ => std::path::PathBuf::from("."),
    };
    if path.file_name().is_none() {
        return Err(std::io::Error::other("the path names no file"));
    }
    // Short, whatever the target's name: a long name plus a suffix could exceed NAME_MAX.
    let tmp = dir.join(format!(".sasmint-{}.tmp", std::process::id()));
    clean_up_on_interrupt();
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    let mut file = {
        let mut guard = pending();
        let file = options.open(&tmp)?;
        *guard = Some(tmp.clone());
        file
    };
    let result = file
        .write_all(bytes)
        .and_then(|()| file.sync_all())
        .and_then(|()| {
            let mut guard = pending();
            std::fs::rename(&tmp, path)?;
            *guard = None;
            Ok(())
        });
    if result.is_err() {
        let mut guard = pending();
        let _ = std::fs::remove_file(&tmp);
        *guard = None;
    }
    result
}

/// The credential for `auth`, with the pipeline options every client shares.
pub(crate) fn credential(
    auth: Auth,
    timeout: u64,
) -> Result<(Arc<dyn TokenCredential>, azure_core::http::ClientOptions)> {
    let options = storage::client_options(Duration::from_secs(timeout));
    let credential = credentials::build(auth, &credentials::process_env, &options)?;
    Ok((credential, options))
}

/// Gets the key (offline from `--delegation-key`, or from the service with `credential`, built
/// from `--auth` when not given), fits the window inside it and signs.
pub(crate) fn mint_planned(
    plan: MintPlan,
    args: &MintArgs,
    now: OffsetDateTime,
    credential: Option<Arc<dyn TokenCredential>>,
    quiet: bool,
) -> Result<Minted> {
    let key = match &args.delegation_key {
        Some(path) => read_key(path, now)?,
        None => {
            let request = lifetime::key_request(now, plan.spec.window);
            note_clamp(quiet, request);
            let (credential, options) = match credential {
                Some(c) => (
                    c,
                    storage::client_options(Duration::from_secs(plan.timeout)),
                ),
                None => self::credential(plan.auth, plan.timeout)?,
            };
            let target = plan.target.clone();
            let auth = plan.auth;
            network(plan.timeout, "getting the delegation key", async move {
                storage::fetch_key(&target, credential, request, options, auth).await
            })?
        }
    };
    sign_plan(plan, &key, args.delegation_key.is_some(), quiet)
}

/// Reads a key saved by `sasmint key` and checks it has not expired.
pub(crate) fn read_key(path: &std::path::Path, now: OffsetDateTime) -> Result<Key> {
    let (text, source) = read_source(path, "the delegation key")?;
    let key = Key::from_json(&text, &source)?;
    redact::register(&key.file.value);
    if key.expiry <= now {
        return Err(Failure::usage(format!(
            "the delegation key in {source} expired at {}",
            key.file.signed_expiry
        ))
        .hint("fetch a fresh one with `sasmint key`"));
    }
    Ok(key)
}

/// Says when the key request had to stay under the 7-day limit.
pub(crate) fn note_clamp(quiet: bool, request: lifetime::KeyRequest) {
    if request.clamped {
        note(
            quiet,
            &format!(
                "asking for a key that expires {} (the service allows at most 7 days from its own clock); the token expires then too",
                lifetime::format(request.expiry)
            ),
        );
    }
}

/// Fits the token inside its key (`skt ≤ st`, `se ≤ ske`) and signs it.
pub(crate) fn sign_plan(
    mut plan: MintPlan,
    key: &Key,
    saved_key: bool,
    quiet: bool,
) -> Result<Minted> {
    let (window, shortened) = lifetime::fit_to_key(plan.spec.window, key.start, key.expiry)?;
    if shortened && saved_key {
        note(
            quiet,
            &format!(
                "the token expires {} with its delegation key, not later",
                lifetime::format(window.expiry)
            ),
        );
    }
    plan.spec.window = window;
    let token = sas::sign(&plan.target, &plan.spec, &key.sdk)?;
    redact::register_token(&token);
    Ok(describe(&plan.target, &plan.spec, key, token))
}

pub(crate) fn describe(target: &Target, spec: &Spec, key: &Key, token: String) -> Minted {
    let Window { start, expiry } = spec.window;
    Minted {
        url: format!("{}?{token}", target.resource_url()),
        signed_version: sas::query_param(&token, "sv")
            .unwrap_or_default()
            .to_owned(),
        token,
        account: target.account.clone(),
        container: target.container.clone().unwrap_or_default(),
        blob: target.blob.clone(),
        resource: target.level().name(),
        signed_resource: if target.blob.is_some() { "b" } else { "c" },
        permissions: spec.permissions.as_str().to_owned(),
        start: lifetime::format(start),
        expiry: lifetime::format(expiry),
        protocol: if spec.https_only {
            "https"
        } else {
            "https,http"
        }
        .to_owned(),
        ip: spec.ip.as_ref().map(|ip| match ip {
            azure_storage_sas::SasIpRange::Address(a) => a.to_string(),
            azure_storage_sas::SasIpRange::InclusiveRange { start, end } => {
                format!("{start}-{end}")
            }
        }),
        encryption_scope: spec.encryption_scope.clone(),
        signed_oid: key.file.signed_oid.clone(),
        signed_tid: key.file.signed_tid.clone(),
        key_start: key.file.signed_start.clone(),
        key_expiry: key.file.signed_expiry.clone(),
    }
}

fn key(args: KeyArgs, quiet: bool) -> Result<()> {
    redact::register_env();
    let now = lifetime::truncate(OffsetDateTime::now_utc());
    let target = resource::parse(&args.url, args.azure.account.as_deref(), false, true)?;
    let lifetime = lifetime::parse_duration(&args.expires_in)?;
    let window = lifetime::window(now, None, Until::In(lifetime))?;
    let request = lifetime::key_request(now, window);
    if request.clamped {
        note(
            quiet,
            &format!(
                "the key expires {} (the service allows at most 7 days from its own clock)",
                lifetime::format(request.expiry)
            ),
        );
    }
    let auth = args.azure.auth;
    let (credential, options) = credential(auth, args.azure.timeout)?;
    let key = network(
        args.azure.timeout,
        "getting the delegation key",
        async move { storage::fetch_key(&target, credential, request, options, auth).await },
    )?;
    if args.output_file.is_none() && std::io::stdout().is_terminal() {
        note(
            quiet,
            "this key signs tokens for the whole account until it expires: keep it secret (save it with --output-file, which creates the file with mode 0600)",
        );
    }
    emit(&format!("{}\n", key.to_json()), args.output_file.as_deref())
}

fn inspect(args: &InspectArgs) -> Result<()> {
    let input = if args.token == "-" {
        read_source(std::path::Path::new("-"), "the token")?.0
    } else {
        args.token.clone()
    };
    let now = OffsetDateTime::now_utc();
    let inspection = crate::inspect::inspect(input.trim(), now).map_err(|e| {
        Failure::usage(e.to_string())
            .hint("pass a SAS query string (sv=...&sig=...) or a URL that carries one")
    })?;
    match args.output {
        InspectOutput::Text => stdout(&crate::inspect::render_text(&inspection)),
        InspectOutput::Json => {
            let mut json = serde_json::to_string_pretty(&inspection)
                .map_err(|e| Failure::new(Kind::Internal, e.to_string()))?;
            json.push('\n');
            stdout(&json)
        }
    }
}
