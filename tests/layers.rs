//! The structure ARCHITECTURE.md describes, checked sentence by sentence:
//!
//! * every module under `src/` belongs to a layer, and imports only its own layer or the layers
//!   below it;
//! * no two modules import each other, directly or around a cycle (so a folder's `mod.rs` cannot
//!   hold code its children call through `super::`);
//! * a `mod.rs` only declares and dispatches: at most [`MOD_RS_LINES`] lines of code;
//! * no source file carries more than [`FILE_LINES`] lines of non-test code;
//! * the domain does no I/O and has no clock of its own, and `render/` does no I/O;
//! * only `cli/` knows clap (`main.rs` included: no exemption).
//!
//! It reads the source with a small tokenizer ([`blank`]) that blanks comments and the inside of
//! string and char literals (raw strings too), so that a brace, a `use` or a `crate::` in a
//! string or a comment is not code. `#[cfg(test)]` items are left out, and so are the files they
//! declare (`#[cfg(test)] mod tests;`). Every import form counts: `use crate::…`, `super::…`,
//! `self::…`, a relative `use child::X` or inline `child::f()` naming a child module, a name a
//! `use` brought in (`use crate::domain; domain::sas::f()`), and `crate::x::y` paths inline in
//! code. "Lines of code" are the lines with code left on them: blank lines, comment lines and
//! test items do not count.
//!
//! Each check is a function from the modules to the violations it finds; the tests at the end
//! run each one on the real tree and on a small in-memory source that breaks it.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

/// The layers, top first. A module may import from its own layer or any layer after it.
const LAYERS: &[(&str, &[&str])] = &[
    ("root", &["main", "logging"]),
    ("cli", &["cli"]),
    ("commands", &["commands"]),
    ("pipeline", &["pipeline"]),
    ("render", &["render"]),
    ("io", &["io"]),
    ("clients", &["clients"]),
    ("domain", &["domain"]),
];

/// A `mod.rs` only declares and dispatches.
const MOD_RS_LINES: usize = 120;
/// No room does several jobs.
const FILE_LINES: usize = 600;

// ---------------------------------------------------------------------------------------------
// Reading the source

/// The source with every comment turned into spaces and the inside of every string and char
/// literal into `~`, newlines kept: what is left is code, at the same lines.
fn blank(source: &str) -> String {
    let c: Vec<char> = source.chars().collect();
    let mut out = String::with_capacity(source.len());
    let keep_newline = |ch: char, with: char| if ch == '\n' { '\n' } else { with };
    let is_ident = |ch: char| ch.is_alphanumeric() || ch == '_';
    let mut i = 0;
    while i < c.len() {
        let ch = c[i];
        let next = c.get(i + 1).copied();
        let after_ident = i > 0 && is_ident(c[i - 1]);
        if ch == '/' && next == Some('/') {
            while i < c.len() && c[i] != '\n' {
                out.push(' ');
                i += 1;
            }
        } else if ch == '/' && next == Some('*') {
            // Block comments nest.
            let mut depth = 0;
            while i < c.len() {
                if c[i] == '/' && c.get(i + 1) == Some(&'*') {
                    depth += 1;
                    out.push_str("  ");
                    i += 2;
                } else if c[i] == '*' && c.get(i + 1) == Some(&'/') {
                    depth -= 1;
                    out.push_str("  ");
                    i += 2;
                    if depth == 0 {
                        break;
                    }
                } else {
                    out.push(keep_newline(c[i], ' '));
                    i += 1;
                }
            }
        } else if ch == '"' {
            out.push('"');
            i += 1;
            while i < c.len() && c[i] != '"' {
                if c[i] == '\\' && i + 1 < c.len() {
                    out.push('~');
                    i += 1;
                }
                out.push(keep_newline(c[i], '~'));
                i += 1;
            }
            if i < c.len() {
                out.push('"');
                i += 1;
            }
        } else if !after_ident && raw_string_at(&c, i).is_some() {
            // r"…", r#"…"#, br"…", cr#"…"#: no escapes; ends at a quote and as many hashes.
            let (open_end, hashes) = raw_string_at(&c, i).unwrap();
            out.extend(&c[i..open_end]);
            i = open_end;
            let closes =
                |at: usize| c[at] == '"' && (1..=hashes).all(|h| c.get(at + h) == Some(&'#'));
            while i < c.len() && !closes(i) {
                out.push(keep_newline(c[i], '~'));
                i += 1;
            }
            let end = (i + 1 + hashes).min(c.len());
            out.extend(&c[i.min(c.len())..end]);
            i = end;
        } else if ch == '\'' && next == Some('\\') {
            // An escaped char literal: '\n', '\'', '\u{7f}'.
            out.push('\'');
            i += 1;
            out.push('~');
            i += 1;
            while i < c.len() && c[i] != '\'' {
                out.push('~');
                i += 1;
            }
            if i < c.len() {
                out.push('\'');
                i += 1;
            }
        } else if ch == '\'' && c.get(i + 2) == Some(&'\'') {
            // A char literal: 'x', '{', '"'.
            out.push_str("'~'");
            i += 3;
        } else {
            // Code, and the quote of a lifetime or a label.
            out.push(ch);
            i += 1;
        }
    }
    out
}

/// If a raw string starts at `i`: the index after its opening quote, and its number of hashes.
fn raw_string_at(c: &[char], i: usize) -> Option<(usize, usize)> {
    let r = match c[i] {
        'r' => i,
        'b' | 'c' if c.get(i + 1) == Some(&'r') => i + 1,
        _ => return None,
    };
    let hashes = c[r + 1..].iter().take_while(|&&h| h == '#').count();
    (c.get(r + 1 + hashes) == Some(&'"')).then_some((r + 2 + hashes, hashes))
}

/// Blanked code without its `#[cfg(test)]` items (each replaced by blank lines), and the names
/// of the child modules declared `#[cfg(test)] mod name;` (files compiled only for tests).
fn strip_tests(code: &str) -> (String, Vec<String>) {
    const MARK: &str = "#[cfg(test)]";
    let mut bytes = code.as_bytes().to_vec();
    let mut test_children = Vec::new();
    let mut from = 0;
    while let Some(found) = code[from..].find(MARK) {
        let start = from + found;
        let mut i = start + MARK.len();
        // Further attributes on the same item.
        loop {
            while i < bytes.len() && bytes[i].is_ascii_whitespace() {
                i += 1;
            }
            if code[i..].starts_with("#[") {
                i = matching(code.as_bytes(), i + 1) + 1;
            } else {
                break;
            }
        }
        // The item: up to a `;` outside brackets, or the `}` that closes its body.
        let item_start = i;
        let mut depth = 0i32;
        while i < bytes.len() {
            match bytes[i] {
                b'(' | b'[' | b'{' => depth += 1,
                b')' | b']' => depth -= 1,
                b'}' => {
                    depth -= 1;
                    if depth == 0 {
                        i += 1;
                        break;
                    }
                }
                b';' if depth == 0 => {
                    i += 1;
                    break;
                }
                _ => {}
            }
            i += 1;
        }
        let item: Vec<&str> = code[item_start..i]
            .split(|c: char| c.is_whitespace() || c == ';')
            .filter(|w| !w.is_empty())
            .collect();
        if let ["mod", name] | ["pub", "mod", name] | ["pub(crate)", "mod", name] = item[..] {
            test_children.push(name.to_owned());
        }
        for b in &mut bytes[start..i] {
            if *b != b'\n' {
                *b = b' ';
            }
        }
        from = i;
    }
    (String::from_utf8(bytes).unwrap(), test_children)
}

/// The index of the bracket that closes the one at `open`.
fn matching(code: &[u8], open: usize) -> usize {
    let mut depth = 0;
    for (i, b) in code.iter().enumerate().skip(open) {
        match b {
            b'(' | b'[' | b'{' => depth += 1,
            b')' | b']' | b'}' => {
                depth -= 1;
                if depth == 0 {
                    return i;
                }
            }
            _ => {}
        }
    }
    code.len() - 1
}

/// Blanked code as tokens: identifiers (and numbers), `::`, and every other character alone.
fn tokens(code: &str) -> Vec<String> {
    let c: Vec<char> = code.chars().collect();
    let mut out = Vec::new();
    let mut i = 0;
    while i < c.len() {
        if c[i].is_whitespace() {
            i += 1;
        } else if c[i].is_alphanumeric() || c[i] == '_' {
            let start = i;
            while i < c.len() && (c[i].is_alphanumeric() || c[i] == '_') {
                i += 1;
            }
            out.push(c[start..i].iter().collect());
        } else if c[i] == ':' && c.get(i + 1) == Some(&':') {
            out.push("::".to_owned());
            i += 2;
        } else {
            out.push(c[i].to_string());
            i += 1;
        }
    }
    out
}

fn is_ident(token: &str) -> bool {
    token
        .chars()
        .next()
        .is_some_and(|c| c.is_alphabetic() || c == '_')
}

/// One path a `use` tree names, as written, and the name it binds (none for a glob or `_`).
#[derive(Debug, PartialEq)]
struct UsePath {
    segments: Vec<String>,
    binds: Option<String>,
}

/// Reads the `use` tree at `t[*i..]` (after `use`) below `prefix`, stopping after it.
fn use_tree(t: &[String], i: &mut usize, prefix: Vec<String>, out: &mut Vec<UsePath>) {
    let mut path = prefix;
    if t.get(*i).map(String::as_str) == Some("::") {
        *i += 1;
    }
    loop {
        match t.get(*i).map(String::as_str) {
            Some("{") => {
                *i += 1;
                while t.get(*i).map(String::as_str) != Some("}") {
                    use_tree(t, i, path.clone(), out);
                    match t.get(*i).map(String::as_str) {
                        Some(",") => *i += 1,
                        Some("}") => {}
                        other => panic!("cannot read a use tree at {other:?}"),
                    }
                }
                *i += 1;
                return;
            }
            Some("*") => {
                *i += 1;
                out.push(UsePath {
                    segments: path,
                    binds: None,
                });
                return;
            }
            Some(segment) if is_ident(segment) => {
                path.push(segment.to_owned());
                *i += 1;
                if t.get(*i).map(String::as_str) == Some("::") {
                    *i += 1;
                    continue;
                }
                let mut binds = path.last().cloned();
                if t.get(*i).map(String::as_str) == Some("as") {
                    binds = t.get(*i + 1).filter(|a| *a != "_").cloned();
                    *i += 2;
                }
                if path.last().map(String::as_str) == Some("self") {
                    path.pop();
                    if binds.as_deref() == Some("self") {
                        binds = path.last().cloned();
                    }
                }
                out.push(UsePath {
                    segments: path,
                    binds,
                });
                return;
            }
            other => panic!("cannot read a use tree at {other:?}"),
        }
    }
}

/// The paths of every `use` declaration, and every path written inline (two segments or more),
/// as written. Macro names called with `!` come separately.
fn written_paths(code: &str) -> (Vec<UsePath>, Vec<Vec<String>>, Vec<String>) {
    let t = tokens(code);
    let (mut uses, mut inline, mut macros) = (Vec::new(), Vec::new(), Vec::new());
    let mut i = 0;
    while i < t.len() {
        let next = t.get(i + 1).map(String::as_str);
        if t[i] == "use" && next.is_some_and(|n| is_ident(n) || n == "::" || n == "{") {
            i += 1;
            use_tree(&t, &mut i, Vec::new(), &mut uses);
            continue;
        }
        if next == Some("!") && is_ident(&t[i]) {
            macros.push(t[i].clone());
        }
        let starts = is_ident(&t[i]) && (i == 0 || t[i - 1] != "::");
        if starts && next == Some("::") && t.get(i + 2).is_some_and(|s| is_ident(s)) {
            let mut path = vec![t[i].clone()];
            while t.get(i + 1).map(String::as_str) == Some("::")
                && t.get(i + 2).is_some_and(|s| is_ident(s))
            {
                path.push(t[i + 2].clone());
                i += 2;
            }
            inline.push(path);
        }
        i += 1;
    }
    (uses, inline, macros)
}

// ---------------------------------------------------------------------------------------------
// Modules and what they name

/// A module: its path below the crate (`commands::geocatalog::list`; the root is empty), its
/// file, and its code without comments, literals' insides and test items.
struct Module {
    path: Vec<String>,
    file: String,
    code: String,
    test_children: Vec<String>,
}

impl Module {
    /// `file` is relative to `src/`: `main.rs`, `cli/mod.rs`, `domain/sas.rs`.
    fn new(file: &str, source: &str) -> Module {
        let mut path: Vec<String> = file
            .trim_end_matches(".rs")
            .split('/')
            .map(str::to_owned)
            .collect();
        if matches!(
            path.last().map(String::as_str),
            Some("mod" | "main" | "lib")
        ) {
            path.pop();
        }
        let (code, test_children) = strip_tests(&blank(source));
        Module {
            path,
            file: file.to_owned(),
            code,
            test_children,
        }
    }

    fn is_mod_rs(&self) -> bool {
        self.file == "mod.rs" || self.file.ends_with("/mod.rs")
    }

    /// Lines with code on them.
    fn code_lines(&self) -> usize {
        self.code.lines().filter(|l| !l.trim().is_empty()).count()
    }
}

/// The modules of a source tree given as `(file, source)`, without the files compiled only for
/// tests.
fn modules_of(files: &[(String, String)]) -> Vec<Module> {
    let all: Vec<Module> = files.iter().map(|(f, s)| Module::new(f, s)).collect();
    let test_only: Vec<Vec<String>> = all
        .iter()
        .flat_map(|m| {
            m.test_children.iter().map(|c| {
                let mut p = m.path.clone();
                p.push(c.clone());
                p
            })
        })
        .collect();
    all.into_iter()
        .filter(|m| !test_only.iter().any(|t| m.path.starts_with(t)))
        .collect()
}

fn read_tree(dir: &Path, files: &mut Vec<(String, String)>) {
    let mut entries: Vec<_> = std::fs::read_dir(dir).unwrap().flatten().collect();
    entries.sort_by_key(|e| e.path());
    for entry in entries {
        let path = entry.path();
        if path.is_dir() {
            read_tree(&path, files);
        } else if path.extension().is_some_and(|e| e == "rs") {
            let rel = path.strip_prefix("src").unwrap().to_str().unwrap();
            let source = std::fs::read_to_string(&path).unwrap();
            files.push((rel.replace('\\', "/"), source));
        }
    }
}

/// The real tree under `src/`.
fn modules() -> Vec<Module> {
    let mut files = Vec::new();
    read_tree(Path::new("src"), &mut files);
    let modules = modules_of(&files);
    assert!(modules.len() > 20, "read only {} modules", modules.len());
    modules
}

fn known(modules: &[Module]) -> BTreeSet<Vec<String>> {
    modules.iter().map(|m| m.path.clone()).collect()
}

/// A path as written in `from`, made absolute: `crate` first for the crate's own paths (`self`,
/// `super`, a child module and a name a `use` bound all resolved), else the external path
/// (`std::io::stderr`, `clap::Parser`), with names bound by `use` substituted.
fn absolute(
    segments: &[String],
    from: &[String],
    bound: &BTreeMap<String, Vec<String>>,
    known: &BTreeSet<Vec<String>>,
) -> Vec<String> {
    let in_crate = |p: &[String]| -> Vec<String> {
        std::iter::once("crate".to_owned())
            .chain(p.iter().cloned())
            .collect()
    };
    let first = segments[0].as_str();
    let mut out = match first {
        "crate" => in_crate(&[]),
        "self" => in_crate(from),
        "super" => in_crate(&from[..from.len().saturating_sub(1)]),
        _ if bound.contains_key(first) => bound[first].clone(),
        _ if known.contains(&[from, &segments[..1]].concat()) => {
            in_crate(&[from, &segments[..1]].concat())
        }
        _ => vec![first.to_owned()],
    };
    for segment in &segments[1..] {
        if segment == "super" && out.first().map(String::as_str) == Some("crate") && out.len() > 1 {
            out.pop();
        } else {
            out.push(segment.clone());
        }
    }
    out
}

/// Every path `m` names (its `use` declarations and its inline paths), made absolute.
fn named_paths(m: &Module, known: &BTreeSet<Vec<String>>) -> Vec<Vec<String>> {
    let (uses, inline, _) = written_paths(&m.code);
    // Twice, so a `use` may start from a name another `use` bound.
    let mut bound = BTreeMap::new();
    for _ in 0..2 {
        let mut next = BTreeMap::new();
        for u in &uses {
            if let Some(name) = &u.binds {
                next.insert(name.clone(), absolute(&u.segments, &m.path, &bound, known));
            }
        }
        bound = next;
    }
    let mut out: Vec<Vec<String>> = uses
        .iter()
        .filter(|u| !u.segments.is_empty())
        .map(|u| absolute(&u.segments, &m.path, &BTreeMap::new(), known))
        .collect();
    out.extend(inline.iter().map(|p| absolute(p, &m.path, &bound, known)));
    out
}

/// The module an absolute path names: its longest prefix that is a module.
fn target(path: &[String], known: &BTreeSet<Vec<String>>) -> Option<Vec<String>> {
    if path.first().map(String::as_str) != Some("crate") {
        return None;
    }
    (1..=path.len())
        .rev()
        .map(|k| path[1..k].to_vec())
        .find(|p| known.contains(p))
}

/// Which modules each module imports.
fn graph(modules: &[Module]) -> BTreeMap<Vec<String>, BTreeSet<Vec<String>>> {
    let known = known(modules);
    modules
        .iter()
        .map(|m| {
            let targets = named_paths(m, &known)
                .iter()
                .filter_map(|p| target(p, &known))
                .filter(|t| *t != m.path)
                .collect();
            (m.path.clone(), targets)
        })
        .collect()
}

fn name(path: &[String]) -> String {
    if path.is_empty() {
        "main".to_owned()
    } else {
        path.join("::")
    }
}

fn layer_of(path: &[String]) -> Result<usize, String> {
    let top = path.first().map_or("main", String::as_str);
    LAYERS
        .iter()
        .position(|(_, tops)| tops.contains(&top))
        .ok_or_else(|| format!("src/{top} is in no layer: add it to ARCHITECTURE.md and to LAYERS"))
}

// ---------------------------------------------------------------------------------------------
// The checks: each returns what it finds wrong

/// Modules in no layer, and imports from a layer above.
fn upward_imports(modules: &[Module]) -> Vec<String> {
    let mut wrong = Vec::new();
    for (from, targets) in &graph(modules) {
        let from_layer = match layer_of(from) {
            Ok(l) => l,
            Err(e) => {
                wrong.push(e);
                continue;
            }
        };
        for to in targets {
            match layer_of(to) {
                Ok(to_layer) if to_layer < from_layer => wrong.push(format!(
                    "{} ({}) imports {} ({})",
                    name(from),
                    LAYERS[from_layer].0,
                    name(to),
                    LAYERS[to_layer].0
                )),
                Ok(_) => {}
                Err(e) => wrong.push(e),
            }
        }
    }
    wrong.sort();
    wrong.dedup();
    wrong
}

/// Every set of modules that import each other (directly or around a loop), with the imports
/// inside the set.
fn import_cycles(modules: &[Module]) -> Vec<String> {
    let graph = graph(modules);
    let reach = |start: &Vec<String>| {
        let mut seen = BTreeSet::new();
        let mut todo = vec![start.clone()];
        while let Some(n) = todo.pop() {
            for next in graph.get(&n).into_iter().flatten() {
                if seen.insert(next.clone()) {
                    todo.push(next.clone());
                }
            }
        }
        seen
    };
    let reachable: BTreeMap<_, _> = graph.keys().map(|n| (n.clone(), reach(n))).collect();
    let mut done = BTreeSet::new();
    let mut cycles = Vec::new();
    for node in graph.keys() {
        if done.contains(node) || !reachable[node].contains(node) {
            continue;
        }
        let members: BTreeSet<Vec<String>> = reachable[node]
            .iter()
            .filter(|o| reachable.get(*o).is_some_and(|r| r.contains(node)))
            .cloned()
            .collect();
        let edges: Vec<String> = members
            .iter()
            .flat_map(|a| {
                graph[a]
                    .iter()
                    .filter(|b| members.contains(*b))
                    .map(move |b| format!("{} -> {}", name(a), name(b)))
            })
            .collect();
        cycles.push(format!("cycle: {}", edges.join(", ")));
        done.extend(members);
    }
    cycles
}

/// Modules that import their own ancestor (`super::helper()` from a child of a `mod.rs`): the
/// code children share sits in a sibling file, not in the `mod.rs` that dispatches to them.
fn children_importing_their_parent(modules: &[Module]) -> Vec<String> {
    let mut wrong = Vec::new();
    for (from, targets) in &graph(modules) {
        for to in targets {
            if !to.is_empty() && from.len() > to.len() && from.starts_with(to) {
                wrong.push(format!("{} imports its parent {}", name(from), name(to)));
            }
        }
    }
    wrong
}

/// `mod.rs` files with more than [`MOD_RS_LINES`] lines of code.
fn long_mod_rs(modules: &[Module]) -> Vec<String> {
    modules
        .iter()
        .filter(|m| m.is_mod_rs() && m.code_lines() > MOD_RS_LINES)
        .map(|m| format!("src/{}: {} lines of code", m.file, m.code_lines()))
        .collect()
}

/// Files with more than [`FILE_LINES`] lines of non-test code.
fn long_files(modules: &[Module]) -> Vec<String> {
    modules
        .iter()
        .filter(|m| m.code_lines() > FILE_LINES)
        .map(|m| format!("src/{}: {} lines of code", m.file, m.code_lines()))
        .collect()
}

/// Whether an absolute path is I/O: the environment, files, the standard streams, processes,
/// sockets. Plain values from those modules are not I/O (`std::net::IpAddr` parses an `--ip`,
/// `std::process::ExitCode` is what `Kind` maps to).
fn is_io(path: &[String]) -> bool {
    let p: Vec<&str> = path.iter().map(String::as_str).collect();
    const NET_VALUES: &[&str] = &[
        "IpAddr",
        "Ipv4Addr",
        "Ipv6Addr",
        "SocketAddr",
        "SocketAddrV4",
        "SocketAddrV6",
        "AddrParseError",
    ];
    match p[..] {
        ["std" | "tokio", "env" | "fs", ..] => true,
        ["std" | "tokio", "process", "ExitCode", ..] => false,
        ["std" | "tokio", "process", ..] => true,
        ["std" | "tokio", "net", value, ..] if NET_VALUES.contains(&value) => false,
        ["std" | "tokio", "net", ..] => true,
        ["std" | "tokio", "io", stream, ..] => {
            let s = stream.to_ascii_lowercase();
            ["stdout", "stderr", "stdin"]
                .iter()
                .any(|n| s.starts_with(n))
        }
        _ => false,
    }
}

/// Whether an absolute path reads a clock.
fn is_clock(path: &[String]) -> bool {
    let p: Vec<&str> = path.iter().map(String::as_str).collect();
    matches!(
        p[..],
        [.., "SystemTime" | "Instant" | "Utc" | "Local", "now"]
    ) || matches!(p.last(), Some(&("now_utc" | "now_local")))
}

const PRINTING: &[&str] = &["print", "println", "eprint", "eprintln", "dbg"];

/// I/O in `domain/` and `render/` (which ARCHITECTURE.md says do none), and a clock in
/// `domain/` (which has none of its own).
fn io_in_pure_layers(modules: &[Module]) -> Vec<String> {
    let known = known(modules);
    let mut wrong = BTreeSet::new();
    for m in modules {
        let top = m.path.first().map(String::as_str);
        if !matches!(top, Some("domain" | "render")) {
            continue;
        }
        for p in named_paths(m, &known) {
            if is_io(&p) || (top == Some("domain") && is_clock(&p)) {
                wrong.insert(format!("src/{}: {}", m.file, p.join("::")));
            }
        }
        for mac in written_paths(&m.code).2 {
            if PRINTING.contains(&mac.as_str()) {
                wrong.insert(format!("src/{}: {mac}!", m.file));
            }
        }
    }
    wrong.into_iter().collect()
}

/// Modules outside `cli/` that name clap.
fn clap_outside_cli(modules: &[Module]) -> Vec<String> {
    let known = known(modules);
    let mut wrong = BTreeSet::new();
    for m in modules {
        if m.path.first().map(String::as_str) == Some("cli") {
            continue;
        }
        let t = tokens(&m.code);
        let extern_crate = t
            .windows(3)
            .any(|w| w[0] == "extern" && w[1] == "crate" && w[2].starts_with("clap"));
        let names_clap = named_paths(m, &known).iter().any(|p| {
            matches!(
                p[0].as_str(),
                "clap" | "clap_complete" | "clap_mangen" | "clap_builder"
            )
        });
        if extern_crate || names_clap {
            wrong.insert(format!("src/{} ({})", m.file, name(&m.path)));
        }
    }
    wrong.into_iter().collect()
}

fn assert_none(what: &str, found: Vec<String>) {
    assert!(found.is_empty(), "{what}:\n{}", found.join("\n"));
}

// ---------------------------------------------------------------------------------------------
// The real tree

#[test]
fn layers_import_only_downward() {
    assert_none("upward imports", upward_imports(&modules()));
}

#[test]
fn no_import_cycles() {
    assert_none("import cycles", import_cycles(&modules()));
}

#[test]
fn mod_rs_only_declares_and_dispatches() {
    assert_none(
        &format!("mod.rs over {MOD_RS_LINES} lines of code"),
        long_mod_rs(&modules()),
    );
}

#[test]
fn children_share_code_through_a_sibling_not_their_mod_rs() {
    assert_none(
        "children importing their mod.rs",
        children_importing_their_parent(&modules()),
    );
}

#[test]
fn no_file_over_600_lines_of_code() {
    assert_none(
        &format!("files over {FILE_LINES} lines of non-test code"),
        long_files(&modules()),
    );
}

#[test]
fn domain_and_render_do_no_io() {
    assert_none(
        "I/O or a clock in a pure layer",
        io_in_pure_layers(&modules()),
    );
}

#[test]
fn only_cli_knows_clap() {
    assert_none("clap outside cli/", clap_outside_cli(&modules()));
}

#[test]
fn the_checker_sees_the_real_tree() {
    let modules = modules();
    let graph = graph(&modules);
    // The pipeline uses the clients, and the check sees it.
    let pipeline = &graph[&vec!["pipeline".to_owned(), "key".to_owned()]];
    assert!(pipeline.contains(&vec!["clients".to_owned(), "storage".to_owned()]));
    // main.rs is the root, and calls into cli.
    assert!(graph[&Vec::<String>::new()].contains(&vec!["cli".to_owned()]));
    // Test-only files are left out.
    assert!(!modules.iter().any(|m| m.file.ends_with("tests.rs")));
    assert!(modules.iter().all(|m| m.code_lines() > 0 || m.is_mod_rs()));
}

// ---------------------------------------------------------------------------------------------
// The checker itself, on small in-memory sources

fn tree(files: &[(&str, &str)]) -> Vec<Module> {
    let owned: Vec<(String, String)> = files
        .iter()
        .map(|(f, s)| (f.to_string(), s.to_string()))
        .collect();
    modules_of(&owned)
}

fn edges(files: &[(&str, &str)]) -> Vec<String> {
    graph(&tree(files))
        .into_iter()
        .flat_map(|(from, to)| {
            to.into_iter()
                .map(move |t| format!("{} -> {}", name(&from), name(&t)))
        })
        .collect()
}

#[test]
fn tokenizer_blanks_strings_chars_and_comments() {
    let source = concat!(
        "let a = \"{ use crate::x; \\\" }\"; // crate::y {\n",
        "let b = r#\"a \"quoted\" { brace\"#; /* outer /* inner { */ still */ let c = '{';\n",
        "let d = '\\''; let e = b'}'; fn f<'a>(x: &'a str) {}\n",
        "let g = br\"}\"; let h = \"two\n{lines\";\n",
    );
    let out = blank(source);
    assert_eq!(out.lines().count(), source.lines().count(), "lines kept");
    assert!(!out.contains("crate::"), "{out}");
    assert!(!out.contains("use"), "{out}");
    assert!(!out.contains("quoted") && !out.contains("still"), "{out}");
    // The only braces left are the function body's.
    assert_eq!(out.matches('{').count(), 1, "{out}");
    assert_eq!(out.matches('}').count(), 1, "{out}");
    // Lifetimes are code; a raw identifier is not a raw string.
    assert!(out.contains("fn f<'a>(x: &'a str) {}"), "{out}");
    assert_eq!(blank("let r#type = 1;"), "let r#type = 1;");
    // A line inside a string is still a line of code; a comment line is not.
    let m = Module::new("x.rs", "// one\nlet s = \"a\n\nb\";\n/* two\n three */\n");
    assert_eq!(m.code_lines(), 2);
}

#[test]
fn test_items_are_left_out_even_with_braces_in_strings() {
    let (code, children) = strip_tests(&blank(concat!(
        "#[cfg(test)]\nmod tests {\n    const S: &str = \"}}}\";\n    fn f() { crate::cli::x(); }\n}\n",
        "use crate::clients::y;\n",
        "#[cfg(test)]\n#[path = \"t.rs\"]\npub mod proptest_config;\n",
        "#[cfg(test)]\nimpl Thing {\n    fn t(&self) -> [u8; 2] { [0; 2] }\n}\n",
        "fn after() {}\n",
    )));
    assert!(!code.contains("crate::cli::"), "{code}");
    assert!(code.contains("use crate::clients::y;"), "{code}");
    assert!(!code.contains("impl"), "{code}");
    assert!(code.contains("fn after() {}"), "{code}");
    assert_eq!(children, ["proptest_config"]);
    // A file a parent declares `#[cfg(test)] mod tests;` is not a module of the structure.
    let modules = tree(&[
        ("a/mod.rs", "#[cfg(test)]\nmod tests;\n"),
        ("a/tests.rs", "use crate::cli::X;\n"),
    ]);
    assert_eq!(modules.len(), 1);
}

#[test]
fn use_trees_expand() {
    let t = tokens("crate::a::{b, c::{d as e, self}, f::*, g as _};");
    let mut out = Vec::new();
    use_tree(&t, &mut 0, Vec::new(), &mut out);
    let got: Vec<(String, Option<String>)> = out
        .into_iter()
        .map(|u| (u.segments.join("::"), u.binds))
        .collect();
    let s = |x: &str| Some(x.to_owned());
    assert_eq!(
        got,
        [
            ("crate::a::b".to_owned(), s("b")),
            ("crate::a::c::d".to_owned(), s("e")),
            ("crate::a::c".to_owned(), s("c")),
            ("crate::a::f".to_owned(), None),
            ("crate::a::g".to_owned(), None),
        ]
    );
}

#[test]
fn every_import_form_is_an_edge() {
    let found = edges(&[
        (
            "main.rs",
            "mod cli; mod domain;\nfn main() { cli::run(); }\n",
        ),
        (
            "cli/mod.rs",
            "mod parse;\nuse parse::Parsed;\npub fn run() {}\n",
        ),
        ("cli/parse.rs", "pub struct Parsed;\n"),
        (
            "domain/mod.rs",
            "pub mod a; pub mod b; pub mod c; pub mod d;\n",
        ),
        ("domain/a.rs", "use super::b::X;\n"),
        (
            "domain/b.rs",
            "fn f() { self::inner(); crate::domain::c::g(); }\n",
        ),
        (
            "domain/c.rs",
            "use crate::domain;\nfn g() { domain::d::h(); }\n",
        ),
        ("domain/d.rs", "fn h() { let s = \"crate::cli::run\"; }\n"),
    ]);
    assert_eq!(
        found,
        [
            "main -> cli",            // relative inline path to a child
            "cli -> cli::parse",      // relative `use child::X`
            "domain::a -> domain::b", // super::
            "domain::b -> domain::c", // inline crate:: path
            "domain::c -> domain",    // `use crate::domain`
            "domain::c -> domain::d", // through the name that `use` bound
        ]
    );
}

#[test]
fn a_relative_import_closing_a_cycle_is_found() {
    // mod.rs imports its child with a relative `use`, the child calls back through `super::`.
    let modules = tree(&[
        ("main.rs", "mod render;\n"),
        (
            "render/mod.rs",
            "mod mint;\nuse mint::Table;\npub fn escape() {}\n",
        ),
        (
            "render/mint.rs",
            "pub struct Table;\nfn f() { super::escape(); }\n",
        ),
    ]);
    assert_eq!(
        import_cycles(&modules),
        ["cycle: render -> render::mint, render::mint -> render"]
    );
    assert_eq!(
        children_importing_their_parent(&modules),
        ["render::mint imports its parent render"]
    );
    // The same through a sibling is no cycle.
    let modules = tree(&[
        ("main.rs", "mod render;\n"),
        (
            "render/mod.rs",
            "mod common; mod mint;\npub use mint::Table;\n",
        ),
        ("render/common.rs", "pub fn escape() {}\n"),
        (
            "render/mint.rs",
            "pub struct Table;\nfn f() { super::common::escape(); }\n",
        ),
    ]);
    assert!(import_cycles(&modules).is_empty());
    assert!(children_importing_their_parent(&modules).is_empty());
}

#[test]
fn an_upward_import_is_found() {
    let modules = tree(&[
        ("main.rs", "mod cli; mod domain;\n"),
        ("cli/mod.rs", "pub fn run() {}\n"),
        ("domain/mod.rs", "pub mod x;\n"),
        ("domain/x.rs", "fn f() {\n    crate::cli::run();\n}\n"),
    ]);
    assert_eq!(
        upward_imports(&modules),
        ["domain::x (domain) imports cli (cli)"]
    );
    // Every module belongs to a layer.
    let modules = tree(&[("main.rs", "mod extra;\n"), ("extra.rs", "")]);
    assert_eq!(
        upward_imports(&modules),
        ["src/extra is in no layer: add it to ARCHITECTURE.md and to LAYERS"]
    );
}

#[test]
fn a_long_mod_rs_is_found() {
    let body = |n: usize| "pub fn f() {}\n".repeat(n);
    let with_noise = |n: usize| {
        format!(
            "//! docs\n\n{}\n/* a\n comment */\n#[cfg(test)]\nmod tests {{\n{}}}\n",
            body(n),
            body(50)
        )
    };
    let ok = with_noise(MOD_RS_LINES);
    let long = with_noise(MOD_RS_LINES + 1);
    assert!(long_mod_rs(&tree(&[("cli/mod.rs", &ok)])).is_empty());
    assert_eq!(
        long_mod_rs(&tree(&[("cli/mod.rs", &long)])),
        ["src/cli/mod.rs: 121 lines of code"]
    );
    // A plain file of the same size is fine.
    assert!(long_mod_rs(&tree(&[("cli/args.rs", &long)])).is_empty());
}

#[test]
fn a_long_file_is_found() {
    let file = |n: usize| {
        format!(
            "{}\n\n// note\n#[cfg(test)]\nmod tests {{\n{}}}\n",
            "let x = 1;\n".repeat(n),
            "let y = 2;\n".repeat(300)
        )
    };
    assert!(long_files(&tree(&[("domain/x.rs", &file(FILE_LINES))])).is_empty());
    assert_eq!(
        long_files(&tree(&[("domain/x.rs", &file(FILE_LINES + 1))])),
        ["src/domain/x.rs: 601 lines of code"]
    );
}

#[test]
fn io_in_the_domain_is_found() {
    let domain = |source: &str| io_in_pure_layers(&tree(&[("domain/x.rs", source)]));
    assert_eq!(
        domain("use std::io::{self, Write};\nfn f() { io::stderr().write_all(b\"\"); }\n"),
        ["src/domain/x.rs: std::io::stderr"]
    );
    assert_eq!(
        domain("fn f() { std::env::var(\"X\"); }\n"),
        ["src/domain/x.rs: std::env::var"]
    );
    assert_eq!(
        domain("use std::{env, fs};\n"),
        ["src/domain/x.rs: std::env", "src/domain/x.rs: std::fs"]
    );
    assert_eq!(
        domain("fn f() { eprintln!(\"x\"); }\n"),
        ["src/domain/x.rs: eprintln!"]
    );
    assert_eq!(
        domain("use std::process::Command;\n"),
        ["src/domain/x.rs: std::process::Command"]
    );
    assert_eq!(
        domain("fn f() { std::net::TcpStream::connect(\"x\"); }\n"),
        ["src/domain/x.rs: std::net::TcpStream::connect"]
    );
    assert_eq!(
        domain("use time::OffsetDateTime;\nfn f() { OffsetDateTime::now_utc(); }\n"),
        ["src/domain/x.rs: time::OffsetDateTime::now_utc"]
    );
    // Values are not I/O; test code and text are not code.
    assert!(domain(concat!(
        "use std::net::Ipv4Addr;\nuse std::process::ExitCode;\nuse std::io::Write;\n",
        "fn f() -> Option<std::net::IpAddr> { let s = \"println!(std::env::var)\"; None }\n",
        "#[cfg(test)]\nmod tests {\n    fn t() { std::env::var(\"X\"); println!(); }\n}\n",
    ))
    .is_empty());
    // render/ does no I/O either; other layers may.
    assert_eq!(
        io_in_pure_layers(&tree(&[("render/x.rs", "fn f() { print!(\"x\"); }\n")])),
        ["src/render/x.rs: print!"]
    );
    assert!(io_in_pure_layers(&tree(&[("io/x.rs", "fn f() { print!(\"x\"); }\n")])).is_empty());
}

#[test]
fn clap_outside_cli_is_found_in_main_too() {
    let modules = tree(&[
        ("main.rs", "mod cli;\nuse clap::error::ErrorKind;\n"),
        ("cli/mod.rs", "use clap::Parser;\n"),
        ("commands/x.rs", "#[derive(clap::Args)]\nstruct A;\n"),
        (
            "render/x.rs",
            "// clap::Parser\nconst S: &str = \"use clap::Parser;\";\n",
        ),
    ]);
    assert_eq!(
        clap_outside_cli(&modules),
        ["src/commands/x.rs (commands::x)", "src/main.rs (main)"]
    );
}
