//! The pipeline policies sasmint adds to the `azure_core` ones.

use super::error::is_certificate_refused;
use crate::domain::secret::Secret;
use azure_core::error::ErrorKind;
use azure_core::http::policies::{Policy, PolicyResult};
use azure_core::http::{Context, Request};
use std::sync::Arc;

/// Adds a fixed bearer token (services outside Entra ID, such as Maxar ARD).
#[derive(Debug)]
pub struct StaticBearer(pub Secret);

#[async_trait::async_trait]
impl Policy for StaticBearer {
    async fn send(
        &self,
        ctx: &Context,
        request: &mut Request,
        next: &[Arc<dyn Policy>],
    ) -> PolicyResult {
        request.insert_header("authorization", format!("Bearer {}", self.0.expose()));
        next[0].send(ctx, request, &next[1..]).await
    }
}

/// Turns a TLS trust failure into a non-transport error, so the retry policy gives up at once
/// (retrying an untrusted certificate cannot succeed, and took ~80 s with the defaults).
#[derive(Debug)]
pub(super) struct FailFastOnTls;

#[async_trait::async_trait]
impl Policy for FailFastOnTls {
    async fn send(
        &self,
        ctx: &Context,
        request: &mut Request,
        next: &[Arc<dyn Policy>],
    ) -> PolicyResult {
        match next[0].send(ctx, request, &next[1..]).await {
            Err(e) if is_certificate_refused(&e) => {
                Err(azure_core::Error::new(ErrorKind::Other, e))
            }
            other => other,
        }
    }
}
