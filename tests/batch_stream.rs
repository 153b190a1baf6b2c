//! Issue 20, the batch that streams: `mint --from-file FILE|-` reads, signs and writes as it
//! goes, in input order, in memory that does not grow with the number of URLs; from a pipe the
//! first token comes out before the input ends. Real binary; offline (`--delegation-key`)
//! except the last test, which counts key requests against Azurite.

mod support;

use std::io::{BufRead as _, BufReader, Write as _};
use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::time::Duration;

use support::hostile::{self, Input, Udk};

/// A valid key file (mode 0600) in `dir`.
fn key_file(dir: &Path) -> PathBuf {
    Udk::good().write_key_file(dir)
}

/// `sasmint mint --from-file - --output url --output-file FILE`, signing offline with `key`.
fn urls_to_file(file: &Path, key: &Path) -> std::process::Command {
    let mut cmd = hostile::command(None, None);
    cmd.args([
        "mint",
        "--from-file",
        "-",
        "--output",
        "url",
        "--output-file",
    ])
    .arg(file)
    .arg("--delegation-key")
    .arg(key);
    cmd
}

fn url(i: usize) -> String {
    format!("https://acct{}.blob.core.windows.net/c{i:07}", i % 3)
}

/// A list of `n` lines; every 7th is no URL, every 11th a comment, every 13th blank.
fn mixed_list(n: usize) -> String {
    let mut list = String::new();
    for i in 1..=n {
        if i % 7 == 0 {
            list.push_str("not a url\n");
        } else if i % 11 == 0 {
            list.push_str("# a comment\n");
        } else if i % 13 == 0 {
            list.push('\n');
        } else {
            list.push_str(&url(i));
            list.push('\n');
        }
    }
    list
}

#[test]
fn order_is_kept_across_chunks_with_failures_mixed_in() {
    let dir = tempfile::tempdir().unwrap();
    let key = key_file(dir.path());
    let list = dir.path().join("urls.txt");
    // More lines than one chunk (2,048) holds, so results cross chunk boundaries.
    let n = 5000;
    std::fs::write(&list, mixed_list(n)).unwrap();
    let expected: Vec<(usize, bool)> = (1..=n)
        .filter(|i| i % 7 == 0 || (i % 11 != 0 && i % 13 != 0))
        .map(|i| (i, i % 7 != 0))
        .collect();

    for output in ["url", "json"] {
        let out = support::sasmint_offline()
            .args([
                "mint",
                "--from-file",
                list.to_str().unwrap(),
                "--output",
                output,
            ])
            .arg("--delegation-key")
            .arg(&key)
            .output()
            .unwrap();
        assert_eq!(
            out.status.code(),
            Some(2),
            "the first failure is a usage error"
        );
        let stdout = String::from_utf8(out.stdout).unwrap();
        let lines: Vec<&str> = stdout.split_terminator('\n').collect();
        assert_eq!(lines.len(), expected.len(), "one line per input ({output})");
        for (line, &(at, good)) in lines.iter().zip(&expected) {
            match (output, good) {
                ("url", true) => assert!(
                    line.starts_with(&format!("{}?", url(at))) && line.contains("sig="),
                    "line {at}: {line}"
                ),
                ("url", false) => assert!(line.is_empty(), "line {at}: {line}"),
                _ => {
                    let row: serde_json::Value = serde_json::from_str(line).unwrap();
                    assert_eq!(row["input"], at, "{line}");
                    if good {
                        assert_eq!(row["container"], format!("c{at:07}"));
                    } else {
                        assert_eq!(row["exit_code"], 2, "{line}");
                    }
                }
            }
        }
        let stderr = String::from_utf8_lossy(&out.stderr);
        let failed = expected.iter().filter(|(_, good)| !good).count();
        assert!(
            stderr.contains(&format!("{failed} of {} inputs failed", expected.len())),
            "{stderr}"
        );
        // Reported in input order, each with its line number.
        let reported: Vec<usize> = stderr
            .lines()
            .filter_map(|l| l.strip_prefix("sasmint: error: line "))
            .map(|l| l.split(':').next().unwrap().parse().unwrap())
            .collect();
        let bad: Vec<usize> = expected.iter().filter(|e| !e.1).map(|e| e.0).collect();
        assert_eq!(reported, bad);
    }
}

#[test]
fn from_a_pipe_the_first_token_comes_before_the_input_ends() {
    let dir = tempfile::tempdir().unwrap();
    let key = key_file(dir.path());
    let mut cmd = hostile::command(None, None);
    cmd.args([
        "mint",
        "--from-file",
        "-",
        "--output",
        "url",
        "--delegation-key",
    ])
    .arg(&key)
    .stdin(Stdio::piped())
    .stdout(Stdio::piped())
    .stderr(Stdio::null());
    let mut child = cmd.spawn().unwrap();
    let mut stdin = child.stdin.take().unwrap();
    let stdout = child.stdout.take().unwrap();
    let (lines_tx, lines_rx) = std::sync::mpsc::channel();
    let reader = std::thread::spawn(move || {
        for line in BufReader::new(stdout).lines() {
            if lines_tx.send(line.unwrap()).is_err() {
                break;
            }
        }
    });

    // One URL, the input left open: its token must come out.
    writeln!(stdin, "{}", url(1)).unwrap();
    stdin.flush().unwrap();
    let first = lines_rx.recv_timeout(Duration::from_secs(120));
    let Ok(first) = first else {
        let _ = child.kill();
        let _ = child.wait();
        panic!("no token while the input was open: {first:?}");
    };
    assert!(first.starts_with(&format!("{}?", url(1))), "{first}");
    assert!(first.contains("sig="), "{first}");

    // Then the rest, and the end of the input.
    for i in 2..=5 {
        writeln!(stdin, "{}", url(i)).unwrap();
    }
    drop(stdin);
    let status = child.wait().unwrap();
    reader.join().unwrap();
    let rest: Vec<String> = lines_rx.try_iter().collect();
    assert!(status.success());
    assert_eq!(rest.len(), 4, "{rest:?}");
    for (i, line) in (2..).zip(&rest) {
        assert!(line.starts_with(&format!("{}?", url(i))), "{line}");
    }
}

#[test]
fn two_hundred_thousand_urls_stay_under_64_mib() {
    let dir = tempfile::tempdir().unwrap();
    let key = key_file(dir.path());
    let n = 200_000;
    let mut list = String::with_capacity(n * 48);
    for i in 1..=n {
        list.push_str(&url(i));
        list.push('\n');
    }
    let mut cmd = hostile::command(None, None);
    cmd.args(["mint", "--from-file", "-", "--delegation-key"])
        .arg(&key);
    // A generous deadline: a debug build on a busy machine is slow; the bound is memory.
    let m = hostile::run_measured(
        cmd,
        Input::Bytes(list.into_bytes()),
        Duration::from_secs(600),
    );
    m.bounded("200,000 URLs");
    assert_eq!(m.run.code, Some(0), "{}", m.run.stderr);
    assert!(
        m.peak_kib < hostile::MEMORY_BOUND_KIB,
        "peak RSS {} KiB",
        m.peak_kib
    );
    // The measurement keeps the first 4 MiB of stdout: whole token lines, in order.
    let lines: Vec<&str> = m.run.stdout.lines().collect();
    assert!(lines.len() > 1000, "{} lines", lines.len());
    assert!(lines[..lines.len() - 1]
        .iter()
        .all(|l| l.starts_with("sv=") && l.contains("sig=")));
}

#[test]
fn an_over_long_line_fails_alone() {
    let dir = tempfile::tempdir().unwrap();
    let key = key_file(dir.path());
    let list = format!(
        "{}\n{}{}\n{}\n",
        url(1),
        url(2),
        "x".repeat(64 * 1024),
        url(3)
    );
    let out = support::sasmint_offline()
        .args([
            "mint",
            "--from-file",
            "-",
            "--output",
            "url",
            "--delegation-key",
        ])
        .arg(&key)
        .write_stdin(list)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let stdout = String::from_utf8(out.stdout).unwrap();
    let lines: Vec<&str> = stdout.split_terminator('\n').collect();
    assert_eq!(lines.len(), 3, "{stdout}");
    assert!(lines[0].starts_with(&url(1)));
    assert!(lines[1].is_empty());
    assert!(lines[2].starts_with(&url(3)));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("line 2: the line is longer than 64 KiB"),
        "{stderr}"
    );
    assert!(
        !stderr.contains("xxxxxxxx"),
        "the line is not echoed: {stderr}"
    );
}

#[test]
fn fail_fast_stops_at_the_first_failure_having_written_what_came_before() {
    let dir = tempfile::tempdir().unwrap();
    let key = key_file(dir.path());
    let list = format!("{}\nnope\n{}\n", url(1), url(3));
    let out = support::sasmint_offline()
        .args(["mint", "--from-file", "-", "--fail-fast", "--output", "url"])
        .arg("--delegation-key")
        .arg(&key)
        .write_stdin(list.clone())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let stdout = String::from_utf8(out.stdout).unwrap();
    assert_eq!(stdout.lines().count(), 1, "{stdout}");
    assert!(stdout.starts_with(&url(1)), "{stdout}");
    assert!(String::from_utf8_lossy(&out.stderr).contains("line 2:"));

    // An --output-file is written whole or not at all.
    let file = dir.path().join("tokens.txt");
    let out = support::sasmint_offline()
        .args(["mint", "--from-file", "-", "--fail-fast", "--output-file"])
        .arg(&file)
        .arg("--delegation-key")
        .arg(&key)
        .write_stdin(list)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(!file.exists(), "nothing written on failure");
}

#[tokio::test]
async fn a_network_batch_fetches_one_key_per_account_across_chunks() {
    let az = support::shared_azurite();
    let ts = support::TokenServer::start();
    support::create_container(az, "stream-a").await;
    let container = az.container_url("stream-a");
    // More blobs than one chunk holds, all in the one account.
    let list: String = (0..3000)
        .map(|i| format!("{container}/blob-{i}\n"))
        .collect();
    let r = support::Run::of(
        support::sasmint(az, &ts)
            .args(["-vv", "mint", "--from-file", "-", "--output", "url"])
            .args(["--for", "ingest", "--auth", "managed-identity"])
            .write_stdin(list),
    );
    assert_eq!(r.code, Some(0), "{}", r.stderr.lines().last().unwrap_or(""));
    let key_requests = r
        .stderr
        .lines()
        .filter(|l| l.contains("==> Request") && l.contains("comp=userdelegationkey"))
        .count();
    assert_eq!(key_requests, 1, "one delegation key for the one account");
    let lines: Vec<&str> = r.stdout.lines().collect();
    assert_eq!(lines.len(), 3000);
    for (i, line) in lines.iter().enumerate() {
        assert!(
            line.starts_with(&format!("{container}/blob-{i}?")),
            "{i}: {line}"
        );
    }
}

/// A pipe whose next line comes after `--timeout` has run out: that chunk's network work (here
/// its `--verify` probes) has a budget of its own, so it succeeds. With one deadline for the
/// whole command it failed at once ("verifying the tokens timed out"), and the run with it.
/// The wait is what the test is about (a pipe slower than `--timeout`), not a margin.
#[tokio::test]
async fn a_chunk_that_comes_after_the_timeout_has_a_budget_of_its_own() {
    let az = support::shared_azurite();
    let ts = support::TokenServer::start();
    support::create_container(az, "stream-late").await;
    let container = az.container_url("stream-late");
    let mut cmd = hostile::command(Some(az), Some(&ts));
    cmd.args(["mint", "--from-file", "-", "--output", "url", "--verify"])
        .args(["--timeout", "2", "--auth", "managed-identity"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    let mut child = cmd.spawn().unwrap();
    let mut stdin = child.stdin.take().unwrap();
    let stdout = child.stdout.take().unwrap();
    let (lines_tx, lines_rx) = std::sync::mpsc::channel();
    let reader = std::thread::spawn(move || {
        for line in BufReader::new(stdout).lines() {
            if lines_tx.send(line.unwrap()).is_err() {
                break;
            }
        }
    });
    writeln!(stdin, "{container}").unwrap();
    stdin.flush().unwrap();
    let Ok(first) = lines_rx.recv_timeout(Duration::from_secs(120)) else {
        let _ = child.kill();
        let out = child.wait_with_output().unwrap();
        panic!("no first token: {}", String::from_utf8_lossy(&out.stderr));
    };
    assert!(first.starts_with(&format!("{container}?")), "{first}");
    // Past the 2 s of --timeout (and its 250 ms of grace) before the next line comes.
    std::thread::sleep(Duration::from_secs(3));
    writeln!(stdin, "{container}").unwrap();
    drop(stdin);
    let out = child.wait_with_output().unwrap();
    reader.join().unwrap();
    let second: Vec<String> = lines_rx.try_iter().collect();
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(second.len(), 1, "{second:?}");
    assert!(
        second[0].starts_with(&format!("{container}?")),
        "{}",
        second[0]
    );
}

/// The `.tmp` files (`outfile`'s temporary files) in `dir`, with their sizes and modes.
fn temporary_files(dir: &Path) -> Vec<(PathBuf, u64, u32)> {
    use std::os::unix::fs::PermissionsExt as _;
    std::fs::read_dir(dir)
        .unwrap()
        .flatten()
        .filter(|e| e.file_name().to_string_lossy().ends_with(".tmp"))
        .filter_map(|e| {
            let meta = e.metadata().ok()?;
            Some((e.path(), meta.len(), meta.permissions().mode() & 0o777))
        })
        .collect()
}

#[test]
fn an_output_file_of_two_hundred_thousand_urls_is_streamed_whole_private_and_in_order() {
    use std::os::unix::fs::PermissionsExt as _;
    let dir = tempfile::tempdir().unwrap();
    let key = key_file(dir.path());
    let file = dir.path().join("tokens.txt");
    let n = 200_000;
    let mut list = String::with_capacity(n * 48);
    for i in 1..=n {
        list.push_str(&url(i));
        list.push('\n');
    }
    // `--output url`: ~340 bytes a line, 67 MB in all, which a batch that kept the file in
    // memory until the end held (90 MiB peak, measured): the bound below is the point.
    let cmd = urls_to_file(&file, &key);
    // A generous deadline: a debug build on a busy machine is slow; the bound is memory.
    let m = hostile::run_measured(
        cmd,
        Input::Bytes(list.into_bytes()),
        Duration::from_secs(600),
    );
    m.bounded("200,000 URLs to --output-file");
    assert_eq!(m.run.code, Some(0), "{}", m.run.stderr);
    assert!(m.run.stdout.is_empty(), "nothing on stdout");

    let mode = std::fs::metadata(&file).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode, 0o600, "the file is private");
    assert_eq!(
        temporary_files(dir.path()),
        vec![],
        "no temporary file left"
    );
    let mut count = 0;
    for (i, line) in (1..).zip(BufReader::new(std::fs::File::open(&file).unwrap()).lines()) {
        let line = line.unwrap();
        assert!(
            line.starts_with(&format!("{}?sv=", url(i))) && line.contains("&sig="),
            "line {i}: {line}"
        );
        count = i;
    }
    assert_eq!(count, n, "one line per URL");
}

#[test]
fn an_output_file_keeps_the_successes_of_a_partial_failure_and_is_replaced_only_with_force() {
    let dir = tempfile::tempdir().unwrap();
    let key = key_file(dir.path());
    let file = dir.path().join("tokens.txt");
    let list = format!("{}\nnope\n{}\n", url(1), url(3));
    let run = |force: bool| {
        let mut cmd = support::sasmint_offline();
        cmd.args([
            "mint",
            "--from-file",
            "-",
            "--output",
            "url",
            "--output-file",
        ])
        .arg(&file)
        .arg("--delegation-key")
        .arg(&key)
        .write_stdin(list.clone());
        if force {
            cmd.arg("--force");
        }
        cmd.output().unwrap()
    };

    // Without --fail-fast a failed input leaves its line empty; the file is written, and the
    // exit code is the first failure's.
    let out = run(false);
    assert_eq!(out.status.code(), Some(2));
    assert!(out.stdout.is_empty());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("line 2:"), "{stderr}");
    assert!(stderr.contains("1 of 3 inputs failed"), "{stderr}");
    let first = std::fs::read_to_string(&file).unwrap();
    let lines: Vec<&str> = first.split_terminator('\n').collect();
    assert_eq!(lines.len(), 3, "{first}");
    assert!(lines[0].starts_with(&format!("{}?", url(1))), "{first}");
    assert!(lines[1].is_empty(), "{first}");
    assert!(lines[2].starts_with(&format!("{}?", url(3))), "{first}");

    // An existing file is refused before anything is read or signed, and left as it was.
    let out = run(false);
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("already exists"), "{stderr}");
    assert!(stderr.contains("--force"), "{stderr}");
    assert!(!stderr.contains("line 2:"), "nothing was read: {stderr}");
    assert_eq!(std::fs::read_to_string(&file).unwrap(), first);

    // With --force it is replaced by a new file (a new inode), written the same way.
    use std::os::unix::fs::MetadataExt as _;
    let inode = std::fs::metadata(&file).unwrap().ino();
    let out = run(true);
    assert_eq!(out.status.code(), Some(2));
    assert_ne!(std::fs::metadata(&file).unwrap().ino(), inode, "a new file");
    let second = std::fs::read_to_string(&file).unwrap();
    assert_eq!(second.split_terminator('\n').count(), 3, "{second}");
    assert_eq!(
        temporary_files(dir.path()),
        vec![],
        "no temporary file left"
    );
}

#[test]
fn a_signal_mid_batch_removes_the_streamed_temporary_file() {
    let dir = tempfile::tempdir().unwrap();
    let key = key_file(dir.path());
    let file = dir.path().join("tokens.txt");
    let mut cmd = urls_to_file(&file, &key);
    cmd.stdin(Stdio::piped())
        .stdout(Stdio::null())
        .stderr(Stdio::null());
    let mut child = cmd.spawn().unwrap();
    let mut stdin = child.stdin.take().unwrap();
    // More than a chunk, then the input stays open: the run cannot end, and what it signed so
    // far (far more than its 64 KiB buffer) is in the temporary file.
    for i in 1..=3000 {
        writeln!(stdin, "{}", url(i)).unwrap();
    }
    stdin.flush().unwrap();
    let deadline = std::time::Instant::now() + Duration::from_secs(120);
    let pending = loop {
        match temporary_files(dir.path()).as_slice() {
            [(path, len, mode)] if *len > 64 * 1024 => {
                assert_eq!(*mode, 0o600, "the temporary file is private");
                break path.clone();
            }
            _ => {}
        }
        if std::time::Instant::now() > deadline {
            let _ = child.kill();
            let _ = child.wait();
            panic!(
                "no temporary file filled while the input was open: {:?}",
                temporary_files(dir.path())
            );
        }
        // A poll interval, not a wait for something to happen by then.
        std::thread::sleep(Duration::from_millis(10));
    };
    assert!(!file.exists(), "nothing at the path before the end");

    // SAFETY: a signal to our own child, which has not been reaped (it is blocked on stdin).
    unsafe { libc::kill(child.id() as i32, libc::SIGTERM) };
    let status = child.wait().unwrap();
    drop(stdin);
    assert!(!status.success(), "{status:?}");
    assert!(!pending.exists(), "the temporary file was removed");
    assert_eq!(
        temporary_files(dir.path()),
        vec![],
        "no temporary file left"
    );
    assert!(!file.exists(), "no output file");
}
