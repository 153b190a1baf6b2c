//! Service endpoints given on the command line.

use crate::domain::error::{Failure, Result};
use crate::domain::shown;
use azure_core::http::Url;

/// Parses a service endpoint: https (bearer tokens are only sent over https), no query.
pub fn parse_endpoint(text: &str, flag: &str) -> Result<Url> {
    let mut url = Url::parse(text.trim()).map_err(|e| {
        Failure::usage(format!(
            "{flag} '{}' is not a URL ({e})",
            shown::value(text.trim())
        ))
        .hint("pass the service's https:// endpoint")
    })?;
    if url.scheme() != "https" {
        return Err(Failure::usage(format!("{flag} must use https"))
            .hint("tokens and credentials are only sent over https"));
    }
    if url.query().is_some() || url.fragment().is_some() || !url.username().is_empty() {
        return Err(
            Failure::usage(format!("{flag} must not carry a query, fragment or user")).hint(
                "pass only the endpoint, e.g. https://NAME.ID.REGION.geocatalog.spatio.azure.com",
            ),
        );
    }
    // A base for joining: exactly one trailing '/'.
    let path = url.path().trim_end_matches('/').to_owned();
    url.set_path(&format!("{path}/"));
    Ok(url)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn endpoints() {
        let u = parse_endpoint(
            "https://cat.abc.uksouth.geocatalog.spatio.azure.com",
            "--geocatalog",
        )
        .unwrap();
        assert_eq!(
            u.as_str(),
            "https://cat.abc.uksouth.geocatalog.spatio.azure.com/"
        );
        let u = parse_endpoint("https://ard.maxar.com/api/v1/", "--ard-endpoint").unwrap();
        assert_eq!(u.as_str(), "https://ard.maxar.com/api/v1/");
        assert!(parse_endpoint("http://cat.example.com", "--geocatalog").is_err());
        assert!(parse_endpoint("https://cat.example.com/?x=1", "--geocatalog").is_err());
        assert!(parse_endpoint("nope", "--geocatalog").is_err());
    }
}
