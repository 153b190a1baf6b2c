//! Hex digits and percent-decoding: the one decoder that `inspect`, `redact` and `resource`
//! share.
//!
//! Percent-decoding comes in two strictnesses ([`Escapes`]): `inspect` reads a token exactly
//! as the service would and refuses a `%` that starts no escape; URL paths and signatures
//! keep such a `%` as it is.

/// The value of one hex digit (either case).
pub fn hex_digit(b: u8) -> Option<u8> {
    match b {
        b'0'..=b'9' => Some(b - b'0'),
        b'a'..=b'f' => Some(b - b'a' + 10),
        b'A'..=b'F' => Some(b - b'A' + 10),
        _ => None,
    }
}

/// The value of the `n` hex digits at `bytes[at..]`; `None` if there are fewer than `n`
/// bytes there or one is not a hex digit.
pub fn hex_at(bytes: &[u8], at: usize, n: usize) -> Option<u32> {
    let digits = bytes.get(at..at.checked_add(n)?)?;
    digits
        .iter()
        .try_fold(0, |v: u32, &b| Some(v * 16 + u32::from(hex_digit(b)?)))
}

/// What a `%` that does not start a valid escape (two hex digits) means.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Escapes {
    /// The text is refused (`None`).
    Strict,
    /// The `%` stands for itself.
    Lenient,
}

/// Percent-decodes `s`; the result must be UTF-8 (else `None`). With `plus_as_space`, a `+` is
/// a space, as the service reads a query string.
pub fn percent_decode(s: &str, escapes: Escapes, plus_as_space: bool) -> Option<String> {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while let Some(&b) = bytes.get(i) {
        match b {
            b'%' => match hex_at(bytes, i + 1, 2) {
                Some(v) => {
                    out.push(v as u8);
                    i += 3;
                }
                None if escapes == Escapes::Strict => return None,
                None => {
                    out.push(b'%');
                    i += 1;
                }
            },
            b'+' if plus_as_space => {
                out.push(b' ');
                i += 1;
            }
            _ => {
                out.push(b);
                i += 1;
            }
        }
    }
    String::from_utf8(out).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hex_digits_in_either_case() {
        assert_eq!(hex_digit(b'0'), Some(0));
        assert_eq!(hex_digit(b'f'), Some(15));
        assert_eq!(hex_digit(b'F'), Some(15));
        assert_eq!(hex_digit(b'g'), None);
        assert_eq!(hex_at(b"x7E", 1, 2), Some(0x7E));
        assert_eq!(hex_at(b"x7", 1, 2), None);
        assert_eq!(hex_at(b"10FFFF", 0, 6), Some(0x10_FFFF));
        assert_eq!(hex_at(b"", usize::MAX, 2), None);
    }

    #[test]
    fn strict_refuses_a_bare_percent_and_lenient_keeps_it() {
        assert_eq!(
            percent_decode("a%2Bb", Escapes::Strict, false).as_deref(),
            Some("a+b")
        );
        assert_eq!(
            percent_decode("a+b", Escapes::Strict, true).as_deref(),
            Some("a b")
        );
        assert_eq!(
            percent_decode("a+b", Escapes::Strict, false).as_deref(),
            Some("a+b")
        );
        assert_eq!(percent_decode("100%", Escapes::Strict, false), None);
        assert_eq!(percent_decode("%zz", Escapes::Strict, false), None);
        assert_eq!(
            percent_decode("100%", Escapes::Lenient, false).as_deref(),
            Some("100%")
        );
        assert_eq!(
            percent_decode("%%41%4", Escapes::Lenient, false).as_deref(),
            Some("%A%4")
        );
        // Not UTF-8 after decoding: refused in either mode.
        assert_eq!(percent_decode("%FF", Escapes::Lenient, false), None);
        assert_eq!(
            percent_decode("%C3%A9", Escapes::Strict, false).as_deref(),
            Some("\u{e9}")
        );
    }

    /// The lenient mode decodes exactly as the `percent_encoding` crate did where it was used.
    #[test]
    fn lenient_matches_the_percent_encoding_crate() {
        for s in [
            "",
            "%",
            "%4",
            "%41",
            "%%41",
            "a%2fb%2F",
            "%E2%82%AC",
            "%E2%82",
            "x%g1",
            "+%2B+",
            "caf%C3%A9%",
            "%ZZ%20",
        ] {
            let crate_result = percent_encoding::percent_decode_str(s)
                .decode_utf8()
                .ok()
                .map(|c| c.into_owned());
            assert_eq!(
                percent_decode(s, Escapes::Lenient, false),
                crate_result,
                "{s}"
            );
        }
    }
}
