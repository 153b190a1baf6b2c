//! Permission letters, presets for the services that consume tokens, and their validation. Pure.

use crate::domain::error::{Failure, Result};
use crate::domain::resource::Level;
use crate::domain::shown;

/// The canonical order the service requires (it rejects tokens whose `sp` is out of order).
pub const CANONICAL: &str = "racwdxyltfmeopi";
/// The letters sasmint signs: all but `f` (find by tags), which the SDK's signer lacks.
pub const SIGNABLE: &str = "racwdxyltmeopi";

/// A validated permission set, always rendered in canonical order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Permissions(String);

impl Permissions {
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// Parses letters in any order, with duplicates, and checks each against the resource.
    pub fn parse(letters: &str, level: Level) -> Result<Self> {
        let letters = letters.trim();
        if letters.is_empty() {
            return Err(Failure::usage("--permissions is empty").hint(format!(
                "give letters from '{SIGNABLE}', e.g. --permissions rl"
            )));
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
        Ok(Self(
            CANONICAL.chars().filter(|c| letters.contains(*c)).collect(),
        ))
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

    /// The letters that grant this right (any one of them).
    pub fn letters(self) -> &'static str {
        match self {
            Right::Read => "r",
            Right::Add => "a",
            Right::Write => "cw",
            Right::Delete => "d",
            Right::List => "l",
            Right::Tags => "t",
        }
    }

    /// The narrowest built-in data role that lets the signer exercise this right (a user
    /// delegation SAS never allows more than its signer may do).
    pub fn role(self) -> &'static str {
        match self {
            Right::Read | Right::List => "Storage Blob Data Reader",
            Right::Add | Right::Write | Right::Delete => "Storage Blob Data Contributor",
            Right::Tags => "Storage Blob Data Owner",
        }
    }
}

impl Permissions {
    /// The rights `--verify` proves for these letters, in canonical order.
    pub fn rights(&self) -> Vec<Right> {
        Right::ALL
            .into_iter()
            .filter(|r| r.letters().chars().any(|c| self.0.contains(c)))
            .collect()
    }

    /// The letters no probe covers (`x y m e o p i`: versions, the hierarchical namespace,
    /// immutability), in canonical order.
    pub fn unprobed(&self) -> String {
        self.0
            .chars()
            .filter(|c| !Right::ALL.iter().any(|r| r.letters().contains(*c)))
            .collect()
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
        }
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
