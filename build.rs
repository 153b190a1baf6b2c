//! Start-up: on glibc ≥ 2.36 (where the linker also has the option), link the binary with packed
//! relative relocations (DT_RELR). The dynamic loader then has a fraction of the relocation
//! records to read and apply before `main`, which is most of what an offline `mint` costs
//! (bench/RESULTS.md). Older systems, cross builds and other targets link as usual: a binary
//! linked this way does not start on a glibc older than 2.36.

use std::process::Command;

fn main() {
    println!("cargo:rerun-if-changed=build.rs");
    let target = std::env::var("TARGET").unwrap_or_default();
    let host = std::env::var("HOST").unwrap_or_default();
    let arch_ok = target.starts_with("x86_64-") || target.starts_with("aarch64-");
    if target != host || !arch_ok || !target.ends_with("-linux-gnu") {
        return;
    }
    if glibc_version().is_some_and(|v| v >= (2, 36)) {
        println!("cargo:rustc-link-arg-bins=-Wl,-z,pack-relative-relocs");
    }
}

/// The build machine's glibc, from `getconf GNU_LIBC_VERSION` ("glibc 2.36").
fn glibc_version() -> Option<(u32, u32)> {
    let out = Command::new("getconf")
        .arg("GNU_LIBC_VERSION")
        .output()
        .ok()?;
    let text = String::from_utf8(out.stdout).ok()?;
    let version = text.trim().strip_prefix("glibc ")?;
    let mut parts = version.split('.').map(|p| p.parse::<u32>().ok());
    Some((parts.next()??, parts.next()??))
}
