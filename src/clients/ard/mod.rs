//! Maxar ARD credentials registry: the client ([`client`]) and the API's typed models
//! ([`models`]).

mod client;
mod models;

pub use client::{
    authenticate, check_credentials_id, output_config, usable, Ard, Login, DEFAULT_ENDPOINT,
};
pub use models::RegisteredCredentials;
