//! The vocabulary of a SAS: what each permission, service and resource-type letter means,
//! which parameters belong to which kind of SAS, and the service version each one needs.

/// Blob (service / user delegation) permission letters and what they allow, in canonical order.
pub(super) const BLOB_PERMISSIONS: &[(char, &str)] = &[
    ('r', "read"),
    ('a', "add/append"),
    ('c', "create"),
    ('w', "write"),
    ('d', "delete"),
    ('x', "delete versions"),
    ('y', "permanently delete"),
    ('l', "list"),
    ('t', "read/write tags"),
    ('f', "find by tags"),
    ('m', "move/rename"),
    ('e', "execute/get ACL"),
    ('o', "set owner"),
    ('p', "set ACL"),
    ('i', "set immutability policy"),
];

/// Queue (user delegation) permission letters and what they allow, in canonical order.
pub(super) const QUEUE_PERMISSIONS: &[(char, &str)] = &[
    ('r', "peek messages"),
    ('a', "add messages"),
    ('u', "update messages"),
    ('p', "process (get and delete) messages"),
];

/// Account SAS permission letters. Their order does not matter to the service.
pub(super) const ACCOUNT_PERMISSIONS: &[(char, &str)] = &[
    ('r', "read"),
    ('w', "write"),
    ('d', "delete"),
    ('x', "delete versions"),
    ('y', "permanently delete"),
    ('l', "list"),
    ('a', "add"),
    ('c', "create"),
    ('u', "update queue messages"),
    ('p', "process queue messages"),
    ('t', "read/write tags"),
    ('f', "filter by tags"),
    ('i', "set immutability policy"),
];

/// Letters that let the holder change data, metadata, tags, ACLs or policies.
pub(super) const BLOB_WRITE_LETTERS: &str = "acwtmopi";
pub(super) const ACCOUNT_WRITE_LETTERS: &str = "acwupti";
/// Letters that let the holder delete data.
pub(super) const DELETE_LETTERS: &str = "dxy";
/// A queue token's letters that change the queue: add and update messages.
pub(super) const QUEUE_WRITE_LETTERS: &str = "au";
/// A queue token's letter that deletes messages (process: get and delete).
pub(super) const QUEUE_DELETE_LETTERS: &str = "p";
/// The lowest `sv` of a user delegation SAS for a queue.
pub(super) const QUEUE_MIN_VERSION: &str = "2026-02-06";

pub(super) const ACCOUNT_SERVICES: &[(char, &str)] =
    &[('b', "blob"), ('f', "file"), ('q', "queue"), ('t', "table")];

pub(super) const ACCOUNT_RESOURCE_TYPES: &[(char, &str)] =
    &[('s', "service"), ('c', "container"), ('o', "object")];

/// The six parameters copied from a user delegation key. Any of them makes the token a user
/// delegation SAS.
pub(super) const UD_KEY_PARAMS: &[&str] = &["skoid", "sktid", "skt", "ske", "sks", "skv"];

/// Parameters that only a user delegation SAS can carry (besides [`UD_KEY_PARAMS`]).
pub(super) const UD_ONLY_PARAMS: &[&str] =
    &["skdutid", "sduoid", "saoid", "suoid", "scid", "srh", "srq"];

/// Parameters common to every kind of SAS.
pub(super) const COMMON_PARAMS: &[&str] = &["sv", "sig", "sp", "st", "se", "sip", "spr", "ses"];

/// Parameters of a service or user delegation SAS that an account SAS does not use.
pub(super) const RESOURCE_PARAMS: &[&str] = &["sr", "sdd", "rscc", "rscd", "rsce", "rscl", "rsct"];

/// Request parameters that may appear in a SAS URL but are not part of the SAS.
pub(super) const REQUEST_PARAMS: &[&str] = &[
    "snapshot",
    "versionid",
    "restype",
    "comp",
    "prefix",
    "delimiter",
    "marker",
    "maxresults",
    "include",
    "timeout",
    "blockid",
    "blocklisttype",
    "where",
    "showonly",
];

/// Lowest `sv` at which a parameter has a line in the string-to-sign (spec §3, §5).
pub(super) const MIN_VERSIONS: &[(&str, &str)] = &[
    ("saoid", "2020-02-10"),
    ("suoid", "2020-02-10"),
    ("scid", "2020-02-10"),
    ("sdd", "2020-02-10"),
    ("ses", "2020-12-06"),
    ("skdutid", "2025-07-05"),
    ("sduoid", "2025-07-05"),
    ("srh", "2026-04-06"),
    ("srq", "2026-04-06"),
];

/// Parameters of an account SAS that a service or user delegation SAS does not use.
pub(super) const ACCOUNT_PARAMS: &[&str] = &["ss", "srt"];

#[cfg(test)]
mod tests {
    use super::*;

    /// The meanings are listed in the one canonical order sasmint knows (`permissions`).
    #[test]
    fn blob_letters_are_in_the_canonical_order() {
        let letters: String = BLOB_PERMISSIONS.iter().map(|(l, _)| *l).collect();
        assert_eq!(letters, crate::domain::permissions::CANONICAL);
        let letters: String = QUEUE_PERMISSIONS.iter().map(|(l, _)| *l).collect();
        assert_eq!(letters, crate::domain::permissions::QUEUE);
    }
}
