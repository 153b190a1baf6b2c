//! The checked-in completion scripts must be exactly what the binary prints.
//! Regenerate with `UPDATE_COMPLETIONS=1 cargo test --test completions`.

use assert_cmd::Command;
use std::path::Path;

const SCRIPTS: &[(&str, &str)] = &[
    ("bash", "sasmint.bash"),
    ("zsh", "_sasmint"),
    ("fish", "sasmint.fish"),
    ("powershell", "_sasmint.ps1"),
    ("elvish", "sasmint.elv"),
];

#[test]
fn checked_in_completions_are_current() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("completions");
    let update = std::env::var_os("UPDATE_COMPLETIONS").is_some();
    let mut stale = Vec::new();
    for (shell, file) in SCRIPTS {
        let out = Command::cargo_bin("sasmint")
            .unwrap()
            .args(["completions", shell])
            .output()
            .unwrap();
        assert!(out.status.success(), "completions {shell} failed");
        assert!(
            !out.stdout.is_empty(),
            "completions {shell} printed nothing"
        );
        let path = dir.join(file);
        if update {
            std::fs::write(&path, &out.stdout).unwrap();
        } else if std::fs::read(&path).ok().as_deref() != Some(out.stdout.as_slice()) {
            stale.push(file.to_string());
        }
    }
    assert!(
        stale.is_empty(),
        "completions/{stale:?} differ from `sasmint completions`; run: UPDATE_COMPLETIONS=1 cargo test --test completions"
    );
}
