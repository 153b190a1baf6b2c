//! The clap types: `sasmint` and its commands. Each command's own arguments live in its file
//! (`mint.rs`, `geocatalog.rs`, …).

use super::ard::{self, ArdArgs};
use super::common::AzureArgs;
use super::geocatalog::{self, GeocatalogArgs};
use super::inspect::InspectArgs;
use super::kusto::{self, KustoArgs};
use super::lazy::Lazy;
use super::mint::{self, KeyArgs, MintArgs};
use super::revoke_keys::{self, RevokeKeysArgs};
use clap::{Parser, Subcommand};

const AFTER_HELP: &str = "\
Exit codes: 0 ok, 1 internal error, 2 bad input, 3 no credential, 4 access denied,
5 service error, 6 network error or timeout, 7 TLS certificate not trusted,
8 attention needed (geocatalog status: a token expiring or expired).";

/// Mint least-privilege Azure Blob Storage SAS tokens (user delegation) in one command.
///
/// sasmint gets an Entra ID token, fetches a user delegation key for the storage account,
/// signs the narrowest SAS the job needs, and prints it. Nothing but the result goes to
/// stdout; messages go to stderr. Secrets are never logged.
#[derive(Debug, Parser)]
#[command(name = "sasmint", version, propagate_version = true, after_help = AFTER_HELP, max_term_width = 100)]
pub struct Cli {
    /// More detail on stderr: -v for progress, -vv for every HTTP request (secrets redacted).
    #[arg(short, long, action = clap::ArgAction::Count, global = true, conflicts_with = "quiet")]
    pub verbose: u8,

    /// Only errors on stderr.
    #[arg(short, long, global = true)]
    pub quiet: bool,

    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Mint a SAS token for a container or blob.
    #[command(after_long_help = mint::MINT_EXAMPLES)]
    Mint(Lazy<Box<MintArgs>>),
    /// Fetch a user delegation key and print it as JSON (a secret: store it like a password).
    ///
    /// The JSON has the fields signedOid, signedTid, signedStart, signedExpiry, signedService,
    /// signedVersion and value, and is what `mint --delegation-key` reads.
    #[command(
        after_long_help = "Example:\n  sasmint key https://myacct.blob.core.windows.net --expires-in 1d > key.json"
    )]
    Key(Lazy<KeyArgs>),
    /// Decode a SAS token or URL: what it grants, to what, until when, and its risks.
    ///
    /// The signature is never printed. Pass `-` to read the token from stdin, which keeps it
    /// out of the shell history and the process list.
    #[command(
        after_long_help = "Examples:\n  sasmint inspect 'https://myacct.blob.core.windows.net/c?sv=...&sig=...'\n  pbpaste | sasmint inspect - --output json"
    )]
    Inspect(Lazy<InspectArgs>),
    /// Register a container with a GeoCatalog (Planetary Computer Pro) as an ingestion source.
    #[command(after_long_help = geocatalog::GEOCATALOG_EXAMPLES)]
    Geocatalog(Lazy<GeocatalogArgs>),
    /// Register a write-only SAS with Maxar ARD as order-delivery credentials.
    #[command(after_long_help = ard::ARD_EXAMPLES)]
    Ard(Lazy<ArdArgs>),
    /// Print a blob or container URI for Azure Data Explorer (Kusto) ingestion.
    ///
    /// With --managed-identity the URI carries `;managed_identity=…` and no SAS at all;
    /// otherwise it carries a read SAS minted like `mint --for kusto`.
    #[command(name = "kusto-uri", after_long_help = kusto::KUSTO_EXAMPLES)]
    KustoUri(Lazy<KustoArgs>),
    /// Incident response: revoke every user delegation key of a storage account.
    ///
    /// Asks Azure Resource Manager (revokeUserDelegationKeys) to revoke them, which breaks every
    /// user delegation SAS signed for the account: sasmint's and anyone else's. Needs
    /// Storage Account Contributor (or a role with the revoke action) on the account.
    #[command(name = "revoke-keys", after_long_help = revoke_keys::REVOKE_EXAMPLES)]
    RevokeKeys(Lazy<RevokeKeysArgs>),
    /// Print a shell completion script.
    #[command(
        after_long_help = "Example:\n  sasmint completions bash > ~/.local/share/bash-completion/completions/sasmint"
    )]
    Completions {
        #[arg(value_enum)]
        shell: clap_complete::Shell,
    },
    /// Print the man page (roff): sasmint(1), or a command's own page, sasmint-COMMAND(1).
    #[command(
        after_long_help = "Examples:\n  sasmint man > ~/.local/share/man/man1/sasmint.1\n  sasmint man geocatalog register > ~/.local/share/man/man1/sasmint-geocatalog-register.1"
    )]
    Man {
        /// The command (and subcommand) whose page to print: mint, geocatalog register, …
        #[arg(value_name = "COMMAND")]
        command: Vec<String>,
    },
}

impl Command {
    /// The Azure options of a command that talks to Azure.
    pub(super) fn azure_mut(&mut self) -> Option<&mut AzureArgs> {
        match self {
            Command::Mint(a) => Some(&mut a.azure),
            Command::Key(a) => Some(&mut a.azure),
            Command::Geocatalog(a) => Some(&mut a.azure),
            Command::Ard(a) => Some(&mut a.azure),
            Command::KustoUri(a) => Some(&mut a.azure),
            Command::RevokeKeys(a) => Some(&mut a.azure),
            Command::Inspect(_) | Command::Completions { .. } | Command::Man { .. } => None,
        }
    }
}
