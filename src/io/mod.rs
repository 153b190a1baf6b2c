//! The process's own edges: stdout and stderr (the only places sasmint prints, through the
//! redacting writer), the `--output-file` writer, local inputs (files, stdin) and the runtime
//! that bounds the network part of a command by `--timeout`. No service, no clap.

pub mod append;
pub mod input;
pub mod log_writer;
pub mod outfile;
pub mod runtime;
pub mod secrets_env;
pub mod terminal;
