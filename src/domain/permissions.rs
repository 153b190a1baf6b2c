//! Permission letters, presets for the services that consume tokens, and their validation. Pure.

use crate::domain::error::{Failure, Result};
use crate::domain::resource::Level;
use crate::domain::shown;

/// The canonical order the service requires (it rejects tokens whose `sp` is out of order).
pub const CANONICAL: &str = "racwdxyltfmeopi";
/// The letters sasmint signs: all but `f` (find by tags), which the SDK's signer lacks.
pub const SIGNABLE: &str = "racwdxyltmeopi";

/// The letters of a queue token, in the order the service requires: `r` peek, `a` add, `u`
/// update, `p` process (get and delete).
pub const QUEUE: &str = "raup";

/// A validated permission set, always rendered in canonical order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Permissions {
    letters: String,
    /// The letters are a queue token's (`raup`), not a blob token's.
    queue: bool,
}

impl Permissions {
    pub fn as_str(&self) -> &str {
        &self.letters
    }

    /// Parses letters in any order, with duplicates, and checks each against the resource.
    pub fn parse(letters: &str, level: Level) -> Result<Self> {
        let letters = letters.trim();
        if letters.is_empty() {
            let example = if level == Level::Queue { "a" } else { "rl" };
            let valid = if level == Level::Queue {
                QUEUE
            } else {
                SIGNABLE
            };
            return Err(Failure::usage("--permissions is empty").hint(format!(
                "give letters from '{valid}', e.g. --permissions {example}"
            )));
        }
        if level == Level::Queue {
            return Self::parse_queue(letters);
        }
        for c in letters.chars() {
            if !CANONICAL.contains(c) {
                return Err(Failure::usage(format!(
                    "unknown permission letter '{}'",
                    shown::escape(&c.to_string())
                ))
                .hint(format!("valid letters, in canonical order: {SIGNABLE}")));
            }
            if let Some(why) = refused_for(c, level) {
                return Err(
                    Failure::usage(format!("permission '{c}' ({}) {why}", meaning(c)))
                        .hint(hint_for(c, level)),
                );
            }
        }
        Ok(Self {
            letters: CANONICAL.chars().filter(|c| letters.contains(*c)).collect(),
            queue: false,
        })
    }

    /// A queue token's letters: `raup` only.
    fn parse_queue(letters: &str) -> Result<Self> {
        if let Some(c) = letters.chars().find(|c| !QUEUE.contains(*c)) {
            let what = if CANONICAL.contains(c) {
                format!(
                    "permission '{c}' ({}) does not apply to a queue",
                    meaning(c)
                )
            } else {
                format!(
                    "unknown permission letter '{}'",
                    shown::escape(&c.to_string())
                )
            };
            return Err(Failure::usage(what).hint(
                "a queue token carries r (peek), a (add), u (update) and p (process: get and delete)",
            ));
        }
        Ok(Self {
            letters: QUEUE.chars().filter(|c| letters.contains(*c)).collect(),
            queue: true,
        })
    }
}

/// A kind of right `--verify` proves with one request: the letters that allow the same kind of
/// request share one (`c` and `w` both allow Put Blob).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Right {
    Read,
    Add,
    Write,
    Delete,
    List,
    Tags,
    /// A queue's `r`: Peek Messages.
    Peek,
    /// A queue's `u`: Update Message.
    UpdateMessage,
    /// A queue's `p`: Get Messages and Delete Message.
    Process,
}

impl Right {
    /// Every right with a probe, in the canonical order of their letters.
    pub const ALL: [Right; 6] = [
        Right::Read,
        Right::Add,
        Right::Write,
        Right::Delete,
        Right::List,
        Right::Tags,
    ];

    /// Every queue right with a probe, in the canonical order of their letters. A queue's `a`
    /// (Put Message) has none: no request can prove it without adding a message.
    pub const QUEUE: [Right; 3] = [Right::Peek, Right::UpdateMessage, Right::Process];

    /// The letters that grant this right (any one of them).
    pub fn letters(self) -> &'static str {
        match self {
            Right::Read => "r",
            Right::Add => "a",
            Right::Write => "cw",
            Right::Delete => "d",
            Right::List => "l",
            Right::Tags => "t",
            Right::Peek => "r",
            Right::UpdateMessage => "u",
            Right::Process => "p",
        }
    }

    /// The narrowest built-in data role that lets the signer exercise this right (a user
    /// delegation SAS never allows more than its signer may do).
    pub fn role(self) -> &'static str {
        match self {
            Right::Read | Right::List => "Storage Blob Data Reader",
            Right::Add | Right::Write | Right::Delete => "Storage Blob Data Contributor",
            Right::Tags => "Storage Blob Data Owner",
            Right::Peek => "Storage Queue Data Reader",
            Right::UpdateMessage => "Storage Queue Data Contributor",
            Right::Process => "Storage Queue Data Message Processor",
        }
    }
}

impl Permissions {
    /// The rights `--verify` proves for these letters, in canonical order.
    pub fn rights(&self) -> Vec<Right> {
        self.probed()
            .iter()
            .copied()
            .filter(|r| r.letters().chars().any(|c| self.letters.contains(c)))
            .collect()
    }

    /// The letters no probe covers (`x y m e o p i`: versions, the hierarchical namespace,
    /// immutability; a queue's `a`), in canonical order.
    pub fn unprobed(&self) -> String {
        self.letters
            .chars()
            .filter(|c| !self.probed().iter().any(|r| r.letters().contains(*c)))
            .collect()
    }

    /// The rights with a probe for this kind of token.
    fn probed(&self) -> &'static [Right] {
        if self.queue {
            &Right::QUEUE
        } else {
            &Right::ALL
        }
    }
}

fn refused_for(letter: char, level: Level) -> Option<&'static str> {
    match (letter, level) {
        ('f', _) => Some("cannot be signed: the azure_storage_sas 1.0 signer does not support it"),
        ('l', Level::Blob) => Some("does not apply to a single blob"),
        ('x' | 'y' | 't' | 'i', Level::Directory) => {
            Some("does not apply to a directory (a directory SAS carries r a c w d l m e o p)")
        }
        _ => None,
    }
}

fn hint_for(letter: char, level: Level) -> String {
    match (letter, level) {
        ('l', Level::Blob) => "to list, mint a token for the container URL instead".to_owned(),
        (_, Level::Directory) => {
            "drop it, or mint a token for the container or the blob instead".to_owned()
        }
        _ => format!("letters sasmint can sign, in canonical order: {SIGNABLE}"),
    }
}

/// What one letter allows.
pub fn meaning(letter: char) -> &'static str {
    match letter {
        'r' => "read",
        'a' => "add",
        'c' => "create",
        'w' => "write",
        'd' => "delete",
        'x' => "delete version",
        'y' => "permanent delete",
        'l' => "list",
        't' => "tags",
        'f' => "find by tags",
        'm' => "move",
        'e' => "execute",
        'o' => "set owner",
        'p' => "set permissions",
        'i' => "set immutability policy",
        _ => "unknown",
    }
}

crate::domain::choices::choices! {
    /// Who will use the token, and so what it may do (see the README's table).
    pub enum Preset {
        Ingest = "ingest": "Read and list (rl): a service that ingests from the container",
        Upload = "upload": "Write only (w): a service that delivers into the container; it cannot read back",
        Geocatalog = "geocatalog": "Microsoft Planetary Computer Pro ingestion source: read+list, container only",
        Kusto = "kusto": "Azure Data Explorer ingestion: read+list on a container, read on a blob",
        Cado = "cado": "Cado forensic upload: write only, container only",
        MaxarArd = "maxar-ard": "Maxar ARD order delivery: write only, container only",
        SnowflakeLoad = "snowflake-load": "Snowflake external stage for loading: read+list",
        SnowflakeUnload = "snowflake-unload": "Snowflake external stage for unloading: read, add, create, write, list",
        GcsTransfer = "gcs-transfer": "Google Storage Transfer Service source: read+list, container only",
        Producer = "producer": "Queue producer: add messages only (a), queue URL only",
        Consumer = "consumer": "Queue consumer: get and delete messages (p), no peeking or updating, queue URL only",
    }
}

impl Preset {
    /// The letters for a container; for a single blob, `l` is dropped.
    fn letters(self) -> &'static str {
        match self {
            Preset::Ingest
            | Preset::Geocatalog
            | Preset::Kusto
            | Preset::SnowflakeLoad
            | Preset::GcsTransfer => "rl",
            Preset::Upload | Preset::Cado | Preset::MaxarArd => "w",
            Preset::SnowflakeUnload => "racwl",
            Preset::Producer => "a",
            Preset::Consumer => "p",
        }
    }

    /// Whether this preset is for a queue token.
    fn for_queue(self) -> bool {
        matches!(self, Preset::Producer | Preset::Consumer)
    }

    fn container_only(self) -> bool {
        matches!(
            self,
            Preset::Geocatalog | Preset::Cado | Preset::MaxarArd | Preset::GcsTransfer
        )
    }

    /// Consumers that read a whole container (GeoCatalog, Storage Transfer), which a directory
    /// token cannot serve; a delivery (`cado`, `maxar-ard`) can go into one directory.
    fn whole_container(self) -> bool {
        matches!(self, Preset::Geocatalog | Preset::GcsTransfer)
    }

    pub fn permissions(self, level: Level) -> Result<Permissions> {
        if self.for_queue() != (level == Level::Queue) {
            return Err(if self.for_queue() {
                Failure::usage(format!(
                    "a {} token needs a queue URL, and this is a {} URL",
                    self.name(),
                    level.name()
                ))
                .hint("give https://ACCOUNT.queue.core.windows.net/QUEUE (or --queue for an emulator or custom-domain URL)")
            } else {
                Failure::usage(format!(
                    "the {} preset is for Blob Storage, and this is a queue URL",
                    self.name()
                ))
                .hint("for a queue give --for producer (a) or --for consumer (p), or --permissions from 'raup'")
            });
        }
        if level == Level::Directory && self.whole_container() {
            return Err(Failure::usage(format!(
                "a {} token needs a container URL, not a directory",
                self.name()
            ))
            .hint("drop the directory path from the URL"));
        }
        if level == Level::Blob && self.container_only() {
            return Err(Failure::usage(format!(
                "a {} token needs a container URL, not a blob URL",
                self.name()
            ))
            .hint("drop the blob path from the URL"));
        }
        let letters: String = match level {
            Level::Blob => self.letters().chars().filter(|c| *c != 'l').collect(),
            _ => self.letters().to_owned(),
        };
        Permissions::parse(&letters, level)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn normalises_order_and_duplicates() {
        assert_eq!(
            Permissions::parse("lr", Level::Container).unwrap().as_str(),
            "rl"
        );
        assert_eq!(
            Permissions::parse("wrrlw", Level::Container)
                .unwrap()
                .as_str(),
            "rwl"
        );
        assert_eq!(
            Permissions::parse("ipoemtlyxdwcar", Level::Container)
                .unwrap()
                .as_str(),
            "racwdxyltmeopi"
        );
    }

    #[test]
    fn rejects_unknown_and_wrong_resource_letters() {
        assert!(Permissions::parse("rz", Level::Container)
            .unwrap_err()
            .message
            .contains("'z'"));
        assert!(Permissions::parse("R", Level::Container).is_err());
        assert!(Permissions::parse("", Level::Container).is_err());
        assert!(Permissions::parse("rl", Level::Blob)
            .unwrap_err()
            .message
            .contains("single blob"));
        let f = Permissions::parse("f", Level::Container).unwrap_err();
        // The hint offers only letters that can be signed.
        let hint = f.hint.unwrap();
        assert!(hint.ends_with(SIGNABLE), "{hint}");
        assert!(!SIGNABLE.contains('f'));
        assert_eq!(
            CANONICAL.chars().filter(|c| *c != 'f').collect::<String>(),
            SIGNABLE
        );
    }

    #[test]
    fn rights_to_verify() {
        let rights = |letters: &str| Permissions::parse(letters, Level::Container).unwrap();
        assert_eq!(rights("rl").rights(), [Right::Read, Right::List]);
        assert_eq!(rights("w").rights(), [Right::Write]);
        // `c` and `w` allow the same request: one probe.
        assert_eq!(
            rights("racwl").rights(),
            [Right::Read, Right::Add, Right::Write, Right::List]
        );
        assert_eq!(rights("racwdxyltmeopi").rights(), Right::ALL);
        assert_eq!(rights("racwdxyltmeopi").unprobed(), "xymeopi");
        assert_eq!(rights("rl").unprobed(), "");
        assert!(rights("xy").rights().is_empty());
        // Every probed letter is a letter sasmint signs, and the rights do not overlap.
        let all: String = Right::ALL.iter().map(|r| r.letters()).collect();
        assert!(all.chars().all(|c| SIGNABLE.contains(c)));
        assert_eq!(all.len(), 7);
        assert_eq!(Right::Read.role(), "Storage Blob Data Reader");
        assert_eq!(Right::Write.role(), "Storage Blob Data Contributor");
        assert_eq!(Right::Delete.role(), "Storage Blob Data Contributor");
    }

    #[test]
    fn queue_letters_presets_and_rights() {
        let q = Level::Queue;
        assert_eq!(Permissions::parse("puar", q).unwrap().as_str(), "raup");
        for blob_letter in ["c", "w", "d", "l", "rl"] {
            let e = Permissions::parse(blob_letter, q).unwrap_err();
            assert!(
                e.message.contains("does not apply to a queue"),
                "{}",
                e.message
            );
        }
        assert!(Permissions::parse("z", q)
            .unwrap_err()
            .message
            .contains("unknown"));
        assert!(Permissions::parse("u", Level::Container).is_err());
        assert_eq!(Preset::Producer.permissions(q).unwrap().as_str(), "a");
        assert_eq!(Preset::Consumer.permissions(q).unwrap().as_str(), "p");
        for level in [Level::Container, Level::Blob, Level::Directory] {
            assert!(Preset::Producer.permissions(level).is_err());
            assert!(Preset::Consumer.permissions(level).is_err());
        }
        for preset in [
            Preset::Ingest,
            Preset::Upload,
            Preset::Geocatalog,
            Preset::Kusto,
        ] {
            let e = preset.permissions(q).unwrap_err();
            assert!(e.message.contains("queue URL"), "{}", e.message);
        }
        let all = Permissions::parse("raup", q).unwrap();
        assert_eq!(
            all.rights(),
            [Right::Peek, Right::UpdateMessage, Right::Process]
        );
        // No request proves `a` without adding a message.
        assert_eq!(all.unprobed(), "a");
        assert_eq!(
            Right::Process.role(),
            "Storage Queue Data Message Processor"
        );
        // A blob token's `p` (set permissions) is not a queue's process.
        let blob_p = Permissions::parse("p", Level::Container).unwrap();
        assert!(blob_p.rights().is_empty());
        assert_eq!(blob_p.unprobed(), "p");
    }

    #[test]
    fn presets() {
        let c = Level::Container;
        assert_eq!(Preset::Ingest.permissions(c).unwrap().as_str(), "rl");
        assert_eq!(Preset::Upload.permissions(c).unwrap().as_str(), "w");
        assert_eq!(Preset::Geocatalog.permissions(c).unwrap().as_str(), "rl");
        assert_eq!(Preset::Kusto.permissions(c).unwrap().as_str(), "rl");
        assert_eq!(
            Preset::Kusto.permissions(Level::Blob).unwrap().as_str(),
            "r"
        );
        assert_eq!(Preset::Cado.permissions(c).unwrap().as_str(), "w");
        assert_eq!(Preset::MaxarArd.permissions(c).unwrap().as_str(), "w");
        assert_eq!(
            Preset::SnowflakeUnload.permissions(c).unwrap().as_str(),
            "racwl"
        );
        assert!(Preset::Geocatalog.permissions(Level::Blob).is_err());
        assert_eq!(Preset::MaxarArd.name(), "maxar-ard");
    }
}

#[cfg(test)]
mod proptests {
    use super::*;
    use proptest::prelude::*;

    fn level() -> impl Strategy<Value = Level> {
        prop::sample::select(vec![
            Level::Account,
            Level::Container,
            Level::Blob,
            Level::Directory,
        ])
    }

    /// Mostly permission letters (with repeats and any order), sometimes something else.
    fn letters() -> impl Strategy<Value = String> {
        prop_oneof![
            4 => "[racwdxyltfmeopi]{0,20}",
            2 => "[racwdxyltmeopi]{1,20}",
            1 => "[ \t]?[racwdxyltmeopi]{1,8}[ \t\n]?",
            1 => "[racwdxyltfmeopiRLzu ,;0-9\u{e9}]{0,12}",
            1 => any::<String>(),
        ]
    }

    fn is_canonical(s: &str) -> bool {
        let positions: Vec<usize> = s.chars().map(|c| CANONICAL.find(c).unwrap()).collect();
        positions.windows(2).all(|w| w[0] < w[1])
    }

    proptest! {
        #![proptest_config(crate::domain::proptest_config::with_cases(512))]

        #[test]
        fn parse_never_panics(s in any::<String>(), level in level()) {
            let _ = Permissions::parse(&s, level);
        }

        #[test]
        fn output_is_canonical_unique_a_subset_and_idempotent(s in letters(), level in level()) {
            if let Ok(p) = Permissions::parse(&s, level) {
                let out = p.as_str();
                prop_assert!(!out.is_empty());
                prop_assert!(
                    out.chars().all(|c| CANONICAL.contains(c)),
                    "{:?} -> {:?}", s, out
                );
                prop_assert!(is_canonical(out), "{:?} -> {:?} is not canonical", s, out);
                prop_assert!(out.chars().all(|c| s.contains(c)), "{:?} -> {:?} adds letters", s, out);
                prop_assert!(
                    s.trim().chars().all(|c| out.contains(c)),
                    "{:?} -> {:?} drops letters", s, out
                );
                prop_assert!(!out.contains('f'), "'f' cannot be signed");
                if level == Level::Blob {
                    prop_assert!(!out.contains('l'), "a blob token never lists");
                }
                prop_assert_eq!(Permissions::parse(out, level).ok(), Some(p.clone()));
            }
        }

        /// Exactly the documented inputs are accepted: non-empty after trimming, letters from
        /// the canonical set, no `f`, no `l` on a blob.
        #[test]
        fn accepts_exactly_the_valid_letters(s in letters(), level in level()) {
            let t = s.trim();
            let refused = match level {
                Level::Blob => "l",
                Level::Directory => "xyti",
                _ => "",
            };
            let valid = !t.is_empty()
                && t.chars().all(|c| CANONICAL.contains(c) && c != 'f' && !refused.contains(c));
            let result = Permissions::parse(&s, level);
            prop_assert_eq!(result.is_ok(), valid, "{:?} at {:?}", s, level);
            if let Err(e) = result {
                prop_assert_eq!(e.kind, crate::domain::error::Kind::Usage);
            }
        }
    }

    /// Every preset gives canonical letters for the resources it allows.
    #[test]
    fn presets_are_canonical() {
        for level in [
            Level::Account,
            Level::Container,
            Level::Blob,
            Level::Directory,
        ] {
            for preset in [
                Preset::Ingest,
                Preset::Upload,
                Preset::Geocatalog,
                Preset::Kusto,
                Preset::Cado,
                Preset::MaxarArd,
                Preset::SnowflakeLoad,
                Preset::SnowflakeUnload,
                Preset::GcsTransfer,
            ] {
                if let Ok(p) = preset.permissions(level) {
                    assert!(is_canonical(p.as_str()), "{preset:?} at {level:?}");
                    assert!(level != Level::Blob || !p.as_str().contains('l'));
                }
            }
        }
    }
}
