//! Start-up, opt-in: with `SASMINT_RELR=1` in the environment of the build, on glibc ≥ 2.36
//! (where the linker also has the option), link the binary with packed relative relocations
//! (DT_RELR). The dynamic loader then has a fraction of the relocation records to read and apply
//! before `main`, which is most of what an offline `mint` costs (bench/RESULTS.md). Such a binary
//! does not start on a glibc older than 2.36, so the default build (and every release archive)
//! links as usual and starts on any glibc the Rust target supports. Cross builds, musl and other
//! targets always link as usual.

use std::process::Command;

fn main() {
    println!("cargo:rerun-if-changed=build.rs");
    println!("cargo:rerun-if-env-changed=SASMINT_RELR");
    if std::env::var("SASMINT_RELR").as_deref() != Ok("1") {
        return;
    }
    let target = std::env::var("TARGET").unwrap_or_default();
    let host = std::env::var("HOST").unwrap_or_default();
    let arch_ok = target.starts_with("x86_64-") || target.starts_with("aarch64-");
    if target != host || !arch_ok || !target.ends_with("-linux-gnu") {
        println!("cargo:warning=SASMINT_RELR=1 ignored: only for a native x86_64/aarch64 linux-gnu build");
        return;
    }
    match glibc_version() {
        Some(v) if v >= (2, 36) => {
            println!("cargo:rustc-link-arg-bins=-Wl,-z,pack-relative-relocs");
        }
        _ => println!(
            "cargo:warning=SASMINT_RELR=1 ignored: the build machine's glibc is older than 2.36"
        ),
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
