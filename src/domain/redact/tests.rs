//! Unit tests for `redact`: every test scrubs against a registry of its own.

use super::views::{OVERLAP, PIECE};
use super::*;

#[test]
fn scrubs_all_forms() {
    let secrets = Secrets::new();
    secrets.register("abc+def/ghi=");
    assert_eq!(secrets.scrub("x abc+def/ghi= y"), "x [REDACTED] y");
    assert_eq!(secrets.scrub("x abc%2Bdef%2Fghi%3D y"), "x [REDACTED] y");
    assert_eq!(secrets.scrub("x abc%2Bdef/ghi%3D y"), "x [REDACTED] y");
    assert_eq!(secrets.scrub("nothing here"), "nothing here");
}

#[test]
fn scrubs_token_signatures() {
    let secrets = Secrets::new();
    secrets.register_token("sv=2026-04-06&sig=AbCd%2BeFgH%2FiJkLmN%3D");
    assert_eq!(secrets.scrub("a AbCd+eFgH/iJkLmN= b"), "a [REDACTED] b");
    assert_eq!(
        secrets.scrub("a AbCd%2BeFgH%2FiJkLmN%3D b"),
        "a [REDACTED] b"
    );
    assert_eq!(secrets.scrub("a AbCd%2BeFgH/iJkLmN%3D b"), "a [REDACTED] b");
}

#[test]
fn a_forgotten_token_is_no_longer_scrubbed_and_the_others_still_are() {
    let secrets = Secrets::new();
    let (kept, gone) = (
        "sv=2026-04-06&sig=KeptKeptKept%2BKept%3D",
        "sv=2026-04-06&sig=GoneGoneGone%2BGone%3D",
    );
    secrets.register_token(kept);
    secrets.register_token(gone);
    assert_eq!(secrets.scrub("a GoneGoneGone+Gone= b"), "a [REDACTED] b");
    secrets.forget_token(gone);
    assert_eq!(
        secrets.scrub("a GoneGoneGone+Gone= b"),
        "a GoneGoneGone+Gone= b"
    );
    assert_eq!(secrets.scrub("a KeptKeptKept+Kept= b"), "a [REDACTED] b");
    // Forgetting what was never registered changes nothing.
    secrets.forget_token("sv=2026-04-06&sig=NeverNeverNever%3D");
    assert_eq!(secrets.scrub("a KeptKeptKept+Kept= b"), "a [REDACTED] b");
}

#[test]
fn masks_what_looks_like_a_secret() {
    let secrets = Secrets::new();
    let cases = [
        (
            "bad token sv=2026-04-06&sr=c&sig=Zm9v%2Bbar%3D&x=1 end",
            "bad token sv=2026-04-06&sr=c&sig=[REDACTED]&x=1 end",
        ),
        ("<Sig=abc/def+g=>", "<Sig=[REDACTED]>"),
        ("trailing ...&sig=abcdef", "trailing ...&sig=[REDACTED]"),
        (
            "Authorization: Bearer eyJhbGciOi.eyJzdWIi.c2ln rest",
            "Authorization: Bearer [REDACTED] rest",
        ),
        (
            r#"{"username":"me","password":"hunter2","access_token":"tok"}"#,
            r#"{"username":"me","password":"[REDACTED]","access_token":"[REDACTED]"}"#,
        ),
        // An escaped quote is part of the value; an escaped backslash before the end is not.
        (
            r#"{"password":"ab\"cd\\","user":"me"}"#,
            r#"{"password":"[REDACTED]","user":"me"}"#,
        ),
        (
            "xsig=notasecret and sig= empty",
            "xsig=notasecret and sig= empty",
        ),
        ("sig=[REDACTED] already", "sig=[REDACTED] already"),
        (
            "pass sv=...&sig=... or the `sig=` value",
            "pass sv=...&sig=... or the `sig=` value",
        ),
        ("nothing here", "nothing here"),
        (
            "AADSTS700211: assertion eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ4In0.c2lnbmF0dXJl is bad",
            "AADSTS700211: assertion [REDACTED] is bad",
        ),
        ("eyJustAWord and eyJ.", "eyJustAWord and eyJ."),
        (
            "the service accepts bearer tokens over https only",
            "the service accepts bearer tokens over https only",
        ),
    ];
    for (input, want) in cases {
        assert_eq!(secrets.scrub(input), want, "{input}");
    }
}

#[test]
fn scrubs_other_spellings_of_a_secret() {
    let secrets = Secrets::new();
    secrets.register("Zm9vYmFyYmF6+/quux==");
    for shown in [
        "Zm9vYmFyYmF6%2b%2fquux%3d%3d", // lower-case escapes
        "Zm9vYmFyYmF6+/quux",           // padding stripped
        "Zm9vYmFyYmF6%2B%2Fquux",       // stripped, then encoded
    ] {
        assert_eq!(
            secrets.scrub(&format!("x {shown} y")),
            "x [REDACTED] y",
            "{shown}"
        );
    }
    secrets.register_token("sv=1&sig=AbCdEfGhIjKl%2bMnOp%3d");
    assert_eq!(secrets.scrub("a AbCdEfGhIjKl+MnOp b"), "a [REDACTED] b");
    assert_eq!(
        secrets.scrub("a AbCdEfGhIjKl%2bMnOp%3d b"),
        "a [REDACTED] b"
    );
}

#[test]
fn passwords_count_from_four_characters() {
    let secrets = Secrets::new();
    secrets.register_at_least("Tr0ub4d", 4);
    assert_eq!(
        secrets.scrub("wrong password 'Tr0ub4d'"),
        "wrong password '[REDACTED]'"
    );
}

#[test]
fn ignores_short_values() {
    let secrets = Secrets::new();
    secrets.register("ab");
    assert_eq!(secrets.scrub("ab ab"), "ab ab");
}

/// Every spelling the hostile-server tests echo, for a secret with every awkward
/// character (`~ / + = space %`).
#[test]
fn scrubs_every_spelling_of_a_credential() {
    let secrets = Secrets::new();
    use base64::Engine;
    let secret = "Xy58Q~4dK.Lm_pQ-r/S+t=u v%w";
    secrets.register_credential(secret);
    let std = base64::engine::general_purpose::STANDARD;
    let std_no_pad = base64::engine::general_purpose::STANDARD_NO_PAD;
    let url = base64::engine::general_purpose::URL_SAFE_NO_PAD;
    let url_pad = base64::engine::general_purpose::URL_SAFE;
    let bearer = format!("Bearer {secret}");
    let shown = [
        secret.to_owned(),
        "Xy58Q~4dK.Lm_pQ-r%2FS%2Bt%3Du%20v%25w".to_owned(),
        "Xy58Q%7E4dK.Lm_pQ-r%2fS%2bt%3du%20v%25w".to_owned(),
        "Xy58Q%7E4dK.Lm_pQ-r%2FS%2Bt%3Du+v%25w".to_owned(), // form
        r"Xy58Q\u007E4dK\u002ELm\u005FpQ\u002Dr\/S\u002Bt\u003Du\u0020v\u0025w".to_owned(),
        r"Xy58Q\u007e4dK.Lm_pQ-r\u002fS\u002bt\u003du v\u0025w".to_owned(),
        r"Xy58Q~4dK.Lm_pQ-r\/S+t=u v%w".to_owned(),
        r"Xy58Q\\u007E4dK.Lm_pQ-r\\/S+t=u v%w".to_owned(), // escaped twice
        r"Xy58Q\u{7e}4dK.Lm_pQ-r/S+t=u v%w".to_owned(),    // Rust `{:?}`
        "Xy58Q&#x7E;4dK.Lm_pQ-r&#47;S+t=u v%w".to_owned(), // XML
        "Xy58Q%257E4dK.Lm_pQ-r%252FS%252Bt%253Du+v%2525w".to_owned(), // encoded twice
        "Xy58Q~4dK.Lm_\npQ-r/S+t=u v%w".to_owned(),
        "Xy58Q~4dK.Lm_\r\npQ-r/S+t=u v%w".to_owned(),
        r"Xy58Q~4dK.Lm_\r\npQ-r/S+t=u v%w".to_owned(),
        std.encode(secret),
        std_no_pad.encode(secret),
        url.encode(secret),
        url_pad.encode(secret),
        std.encode(&bearer),
        url.encode(&bearer),
        // Inside a longer encoded text, at each of the three byte offsets.
        std.encode(format!("x{secret}y")),
        std.encode(format!("xy{secret}")),
        std.encode(format!("{{\"client_secret\":\"{secret}\"}}")),
    ];
    for s in shown {
        let out = secrets.scrub(&format!("before {s} after")).into_owned();
        assert!(
            out.starts_with("before ") && out.ends_with(" after"),
            "{s}: {out}"
        );
        assert!(out.contains(MARK), "{s}: {out}");
        for window in secret.as_bytes().windows(6) {
            let w = std::str::from_utf8(window).unwrap();
            assert!(!out.contains(w), "{s}: {w:?} left in {out}");
        }
    }
}

#[test]
fn credentials_count_whatever_their_length() {
    let secrets = Secrets::new();
    secrets.register_credential("q~Z");
    for s in [
        "q~Z",
        "q%7EZ",
        "q%7eZ",
        r"q\u007EZ",
        r"q\u007eZ",
        "cX5a",
        "QmVhcmVyIHF+Wg==",
        "QmVhcmVyIHF-Wg",
    ] {
        let out = secrets.scrub(&format!("got [{s}]")).into_owned();
        assert!(!out.contains(s), "{s}: {out}");
    }
    secrets.register_credential("k9");
    assert_eq!(
        secrets.scrub("token k9 refused"),
        "token [REDACTED] refused"
    );
    assert_eq!(
        secrets.scrub("token azk= refused"),
        "token [REDACTED] refused"
    );
}

#[test]
fn jwt_segments_alone() {
    let secrets = Secrets::new();
    let header = "eyJhbGciOiJSUzI1NiIsInR5cCI6IkpXVCJ9";
    let payload = "eyJhdWQiOiJodHRwczovL3N0b3JhZ2UuYXp1cmUuY29tIn0";
    let signature = "c2lnbmF0dXJlLW9mLXRoZS10b2tlbi0wMTIzNDU2Nzg5";
    secrets.register_credential(&format!("{header}.{payload}.{signature}"));
    assert_eq!(
        secrets.scrub(&format!("p {payload} s {signature}")),
        "p [REDACTED] s [REDACTED]"
    );
    // The header is in every token: it is no secret.
    assert_eq!(secrets.scrub(&format!("h {header}")), format!("h {header}"));
}

#[test]
fn innocent_text_is_untouched() {
    let secrets = Secrets::new();
    secrets.register_credential("Tr0ub4dor&3-horse");
    for text in [
        "sasmint: error: getting the delegation key failed: HTTP 403 AuthorizationPermissionMismatch",
        "caf\u{e9} %zz \\q \\u12 &#xZZ; &nosuch; ==== ++++ \u{1F600}",
        "",
        "%",
        "\\",
        "\\u{110000} \\uD800 \\uD800\\u0041 &#99999999;",
    ] {
        assert_eq!(secrets.scrub(text), text);
    }
}

#[test]
fn a_match_next_to_non_ascii_text_keeps_the_text_valid() {
    let secrets = Secrets::new();
    secrets.register_credential("\u{e9}t\u{e9}-secret-value");
    assert_eq!(
        secrets.scrub("a \u{e9}t\u{e9}-secret-value b"),
        "a [REDACTED] b"
    );
    assert_eq!(
        secrets.scrub("a %C3%A9t%C3%A9-secret-value b"),
        "a [REDACTED] b"
    );
    // Half an escape sequence, or base64 around multi-byte characters: no panic.
    let _ = secrets.scrub("\u{e9}%C3 w6l0w6ktc2VjcmV0LXZhbHVl\u{e9}");
}

#[test]
fn large_texts_are_scrubbed_piece_by_piece() {
    let secrets = Secrets::new();
    let secret = "piece-boundary-secret-0123456789";
    secrets.register_credential(secret);
    // The secret (percent-encoded) across the end of every piece of a 1 MiB text.
    let encoded = "piece-boundary-secret-0123456789".replace('-', "%2D");
    let mut text = String::new();
    while text.len() < 1 << 20 {
        // Pieces end at PIECE, then every PIECE - OVERLAP bytes.
        let step = PIECE - OVERLAP;
        let boundary = (text.len().saturating_sub(OVERLAP) / step + 1) * step + OVERLAP;
        text.push_str(&"x".repeat(boundary - text.len() - 20));
        text.push(' ');
        text.push_str(&encoded);
        text.push(' ');
    }
    let out = secrets.scrub(&text);
    assert!(!out.contains("boundary"));
    assert_eq!(
        out.matches(MARK).count(),
        text.matches(encoded.as_str()).count()
    );
}

/// The free functions of the module use a registry per thread in unit tests: what one test
/// registers is not scrubbed from another's output.
#[test]
fn each_test_thread_has_its_own_registry() {
    register_credential("registered-on-this-thread-only");
    assert_eq!(scrub("x registered-on-this-thread-only"), "x [REDACTED]");
    let elsewhere = std::thread::spawn(|| scrub("x registered-on-this-thread-only").into_owned())
        .join()
        .expect("the other thread scrubs");
    assert_eq!(elsewhere, "x registered-on-this-thread-only");
}
