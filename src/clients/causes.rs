//! An error's chain of causes (its `source()`s): the errors in it, its whole text and its last
//! cause's text. What a failure *is* is read from the types in the chain, never from its words.

use std::error::Error;

/// Every error in `e`'s chain, `e` first. An `io::Error` that wraps another error is followed
/// by the wrapped one: its `source()` skips it, and TLS errors travel inside `io::Error`s, at
/// times inside two (hyper-rustls wraps tokio-rustls's).
pub fn sources<'a>(
    e: &'a (dyn Error + 'static),
) -> impl Iterator<Item = &'a (dyn Error + 'static)> {
    let mut next = Some(e);
    std::iter::from_fn(move || {
        let current = next?;
        next = current
            .downcast_ref::<std::io::Error>()
            .and_then(std::io::Error::get_ref)
            .map(|inner| inner as &(dyn Error + 'static))
            .or_else(|| current.source());
        Some(current)
    })
}

/// The first error of type `T` in `e`'s chain ([`sources`]).
pub fn find<'a, T: Error + 'static>(e: &'a (dyn Error + 'static)) -> Option<&'a T> {
    sources(e).find_map(|s| s.downcast_ref::<T>())
}

/// `e`'s text and that of each of its sources, joined with `": "`.
pub fn chain_text(e: &(dyn Error + 'static)) -> String {
    let mut text = e.to_string();
    let mut source = e.source();
    while let Some(s) = source {
        text.push_str(": ");
        text.push_str(&s.to_string());
        source = s.source();
    }
    text
}

/// The text of the last error in `e`'s chain of sources (`e`'s own when it has none): the root
/// cause, without the context the layers above wrapped around it.
pub fn last_cause(e: &(dyn Error + 'static)) -> String {
    std::iter::successors(Some(e), |&s| s.source())
        .last()
        .map_or_else(String::new, ToString::to_string)
}

/// Whether the request or the connection timed out (reqwest's timeout, or the system's).
pub fn is_timeout(e: &(dyn Error + 'static)) -> bool {
    sources(e).any(|s| {
        s.downcast_ref::<reqwest::Error>()
            .is_some_and(reqwest::Error::is_timeout)
            || s.downcast_ref::<std::io::Error>()
                .is_some_and(|io| io.kind() == std::io::ErrorKind::TimedOut)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug)]
    struct Outer(std::io::Error);

    impl std::fmt::Display for Outer {
        fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
            f.write_str("outer")
        }
    }

    impl Error for Outer {
        fn source(&self) -> Option<&(dyn Error + 'static)> {
            Some(&self.0)
        }
    }

    #[derive(Debug, PartialEq)]
    struct Inner;

    impl std::fmt::Display for Inner {
        fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
            f.write_str("inner")
        }
    }

    impl Error for Inner {}

    #[test]
    fn the_error_inside_an_io_error_is_found() {
        let e = Outer(std::io::Error::new(std::io::ErrorKind::InvalidData, Inner));
        assert_eq!(find::<Inner>(&e), Some(&Inner));
        assert_eq!(sources(&e).count(), 3, "outer, the io::Error, inner");
        assert!(find::<std::fmt::Error>(&e).is_none());
        assert_eq!(chain_text(&e), "outer: inner");
        assert_eq!(last_cause(&e), "inner");
        assert_eq!(last_cause(&Inner), "inner");
        // An io::Error around an io::Error around the error (hyper-rustls around tokio-rustls).
        let twice = Outer(std::io::Error::other(std::io::Error::new(
            std::io::ErrorKind::InvalidData,
            Inner,
        )));
        assert_eq!(find::<Inner>(&twice), Some(&Inner));
        assert_eq!(sources(&twice).count(), 4);
    }
}
