//! [`Tripwire`]: a loopback listener that proves nothing connected to it.
//!
//! Bad-input tests point every address sasmint could reach at tripwires: the managed-identity
//! token endpoint (`IDENTITY_ENDPOINT`), the storage account (a path-style
//! `https://127.0.0.1:PORT/devstoreaccount1/CONTAINER` URL, which sasmint accepts like any
//! emulator URL) and the GeoCatalog or ARD endpoint. The listener never accepts, so a client
//! that got as far as connecting hangs (until its `--timeout`) instead of being served, and
//! [`Tripwire::assert_untouched`] finds the connection waiting in the backlog even if the client
//! has given up and closed it since.

use std::net::TcpListener;

use super::azurite::ACCOUNT;

/// A listener on `127.0.0.1:0` that fails the test if anything connects to it.
pub struct Tripwire(TcpListener);

impl Default for Tripwire {
    fn default() -> Self {
        Self::new()
    }
}

impl Tripwire {
    pub fn new() -> Self {
        let l = TcpListener::bind("127.0.0.1:0").expect("tripwire: bind 127.0.0.1:0");
        l.set_nonblocking(true).expect("tripwire: non-blocking");
        Tripwire(l)
    }

    pub fn port(&self) -> u16 {
        self.0.local_addr().expect("tripwire: local addr").port()
    }

    /// `https://127.0.0.1:PORT`: a service endpoint (GeoCatalog, ARD) on the tripwire.
    pub fn endpoint(&self) -> String {
        format!("https://127.0.0.1:{}", self.port())
    }

    /// `http://127.0.0.1:PORT/msi`: a managed-identity token endpoint on the tripwire.
    pub fn identity_endpoint(&self) -> String {
        format!("http://127.0.0.1:{}/msi", self.port())
    }

    /// `https://127.0.0.1:PORT/devstoreaccount1/NAME`: a container URL on the tripwire.
    pub fn container_url(&self, name: &str) -> String {
        format!("https://127.0.0.1:{}/{ACCOUNT}/{name}", self.port())
    }

    /// Panics (naming `what`) if anything has connected since the tripwire was made.
    #[track_caller]
    pub fn assert_untouched(&self, what: &str) {
        match self.0.accept() {
            Err(e) if e.kind() == std::io::ErrorKind::WouldBlock => {}
            Ok((_, peer)) => panic!("{what}: something connected to the tripwire from {peer}"),
            Err(e) => panic!("{what}: the tripwire failed: {e}"),
        }
    }
}
