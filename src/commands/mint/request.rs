//! What `mint` is asked to do.

use crate::pipeline::TokenOptions;
use crate::render::mint::MintOutput;
use std::path::PathBuf;

/// `mint`'s request: the inputs, the token they all get, and where the result goes.
#[derive(Debug)]
pub struct MintRequest {
    pub urls: Vec<String>,
    /// Read the URLs from this file (or `-` for stdin) instead.
    pub from_file: Option<PathBuf>,
    /// With several inputs: stop at the first failure (what came before it is already written).
    pub fail_fast: bool,
    pub token: TokenOptions,
    pub output: MintOutput,
    pub output_file: Option<PathBuf>,
    /// Replace an existing `output_file`.
    pub force: bool,
    /// With `--output github-actions`: GITHUB_ENV instead of GITHUB_OUTPUT.
    pub github_env: bool,
}
