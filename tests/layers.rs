//! The structure ARCHITECTURE.md describes, checked: every module under `src/` belongs to a
//! layer, imports only its own layer or the layers below it, no two modules import each other
//! (directly or around a cycle), and nothing outside `cli/` (and `main.rs`) knows clap.
//!
//! It reads the source as text: `use` trees (braces expanded) and inline `crate::`/`super::`/
//! `self::` paths, outside comments and `#[cfg(test)]` modules. Test-only files are left out.

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

/// Files compiled only for tests: not part of the structure.
const TEST_ONLY: &[&str] = &["tests.rs", "proptests.rs", "proptest_config.rs"];

/// A module's path below the crate (`commands::geocatalog::list`) and its source.
struct Module {
    path: Vec<String>,
    /// Whether the file is a `mod.rs` (or `main.rs`): `super` is then one level further up.
    is_dir: bool,
    code: String,
}

fn collect(dir: &Path, modules: &mut Vec<Module>) {
    let mut entries: Vec<_> = std::fs::read_dir(dir).unwrap().flatten().collect();
    entries.sort_by_key(|e| e.path());
    for entry in entries {
        let path = entry.path();
        if path.is_dir() {
            collect(&path, modules);
            continue;
        }
        let name = path.file_name().unwrap().to_str().unwrap();
        if !name.ends_with(".rs") || TEST_ONLY.contains(&name) {
            continue;
        }
        let rel = path.strip_prefix("src").unwrap();
        let mut segments: Vec<String> = rel
            .iter()
            .map(|s| s.to_str().unwrap().trim_end_matches(".rs").to_owned())
            .collect();
        let is_dir = name == "mod.rs";
        if is_dir {
            segments.pop();
        }
        let code = strip(&std::fs::read_to_string(&path).unwrap());
        modules.push(Module {
            path: segments,
            is_dir: is_dir || name == "main.rs",
            code,
        });
    }
}

/// The code without comment lines and without `#[cfg(test)] mod … { … }` blocks.
fn strip(source: &str) -> String {
    let lines: Vec<&str> = source
        .lines()
        .filter(|l| !l.trim_start().starts_with("//"))
        .collect();
    let mut out = String::new();
    let mut i = 0;
    while i < lines.len() {
        let line = lines[i].trim();
        let next = lines.get(i + 1).map(|l| l.trim()).unwrap_or_default();
        if line == "#[cfg(test)]"
            && (next.starts_with("mod ") || next.starts_with("pub mod "))
            && next.ends_with('{')
        {
            let mut depth = 0i32;
            i += 1;
            while i < lines.len() {
                depth += lines[i].matches('{').count() as i32;
                depth -= lines[i].matches('}').count() as i32;
                i += 1;
                if depth <= 0 {
                    break;
                }
            }
            continue;
        }
        out.push_str(lines[i]);
        out.push('\n');
        i += 1;
    }
    out
}

/// Expands a `use` tree (`crate::a::{b, c::{d, e}}`) into paths.
fn expand(tree: &str) -> Vec<String> {
    let tree: String = tree.chars().filter(|c| !c.is_whitespace()).collect();
    let Some(open) = tree.find('{') else {
        return vec![tree];
    };
    let prefix = &tree[..open];
    let inner = &tree[open + 1..tree.rfind('}').unwrap()];
    let mut parts = Vec::new();
    let (mut depth, mut start) = (0, 0);
    for (i, c) in inner.char_indices() {
        match c {
            '{' => depth += 1,
            '}' => depth -= 1,
            ',' if depth == 0 => {
                parts.push(&inner[start..i]);
                start = i + 1;
            }
            _ => {}
        }
    }
    parts.push(&inner[start..]);
    parts
        .into_iter()
        .filter(|p| !p.is_empty())
        .flat_map(|p| expand(&format!("{prefix}{p}")))
        .collect()
}

/// Every path the module names that starts with `crate`, `super` or `self`.
fn paths(code: &str) -> Vec<String> {
    let mut found = Vec::new();
    // `use` statements, possibly over several lines.
    let mut rest = code;
    while let Some(at) = rest.find("use ") {
        let before = &rest[..at];
        let starts_item = before.is_empty()
            || before.ends_with('\n')
            || before.ends_with(' ')
            || before.ends_with(')');
        let after = &rest[at + 4..];
        if starts_item {
            if let Some(end) = after.find(';') {
                let tree = &after[..end];
                if ["crate", "super", "self"]
                    .iter()
                    .any(|p| tree.trim_start().starts_with(p))
                {
                    found.extend(expand(tree));
                }
            }
        }
        rest = after;
    }
    // Inline paths: `crate::x::y`, `super::x`.
    for root in ["crate::", "super::", "self::"] {
        let mut rest = code;
        while let Some(at) = rest.find(root) {
            let boundary = rest[..at]
                .chars()
                .last()
                .is_none_or(|c| !(c.is_alphanumeric() || c == '_' || c == ':'));
            let tail: String = rest[at..]
                .chars()
                .take_while(|c| c.is_alphanumeric() || *c == '_' || *c == ':')
                .collect();
            let tail = tail.trim_end_matches(':');
            if boundary && tail.contains("::") {
                found.push(tail.to_owned());
            }
            rest = &rest[at + root.len()..];
        }
    }
    found
}

/// The module a path names: the longest prefix that is a module, from `module`'s point of view.
fn resolve(path: &str, module: &Module, known: &BTreeSet<Vec<String>>) -> Option<Vec<String>> {
    let mut segments = path.split("::").filter(|s| !s.is_empty());
    let mut base: Vec<String> = match segments.next()? {
        "crate" => Vec::new(),
        "self" => module.path.clone(),
        "super" => {
            let mut b = module.path.clone();
            if !module.is_dir || b.len() > 1 {
                b.pop();
            }
            b
        }
        _ => return None,
    };
    let mut best = known.contains(&base).then(|| base.clone());
    for segment in segments {
        if segment == "super" {
            base.pop();
            best = known.contains(&base).then(|| base.clone());
            continue;
        }
        base.push(segment.to_owned());
        if known.contains(&base) {
            best = Some(base.clone());
        }
    }
    best
}

fn layer_of(path: &[String]) -> usize {
    let top = path.first().map_or("main", String::as_str);
    LAYERS
        .iter()
        .position(|(_, tops)| tops.contains(&top))
        .unwrap_or_else(|| {
            panic!("src/{top} is in no layer: add it to ARCHITECTURE.md and to LAYERS here")
        })
}

fn modules() -> Vec<Module> {
    let mut modules = Vec::new();
    collect(Path::new("src"), &mut modules);
    assert!(modules.len() > 20, "read only {} modules", modules.len());
    modules
}

fn graph(modules: &[Module]) -> BTreeMap<Vec<String>, BTreeSet<Vec<String>>> {
    let known: BTreeSet<Vec<String>> = modules.iter().map(|m| m.path.clone()).collect();
    modules
        .iter()
        .map(|m| {
            let targets = paths(&m.code)
                .iter()
                .filter_map(|p| resolve(p, m, &known))
                .filter(|t| *t != m.path)
                .collect();
            (m.path.clone(), targets)
        })
        .collect()
}

fn name(path: &[String]) -> String {
    path.join("::")
}

#[test]
fn layers_import_only_downward() {
    let modules = modules();
    let graph = graph(&modules);
    let mut wrong = Vec::new();
    for (from, targets) in &graph {
        for to in targets {
            if layer_of(to) < layer_of(from) {
                wrong.push(format!(
                    "{} ({}) imports {} ({})",
                    name(from),
                    LAYERS[layer_of(from)].0,
                    name(to),
                    LAYERS[layer_of(to)].0
                ));
            }
        }
    }
    assert!(wrong.is_empty(), "upward imports:\n{}", wrong.join("\n"));
}

#[test]
fn no_import_cycles() {
    let graph = graph(&modules());
    // Depth-first search for a back edge, reporting the cycle it closes.
    fn visit(
        node: &Vec<String>,
        graph: &BTreeMap<Vec<String>, BTreeSet<Vec<String>>>,
        stack: &mut Vec<Vec<String>>,
        done: &mut BTreeSet<Vec<String>>,
    ) -> Option<String> {
        if done.contains(node) {
            return None;
        }
        if let Some(at) = stack.iter().position(|n| n == node) {
            let cycle: Vec<String> = stack[at..].iter().map(|n| name(n)).collect();
            return Some(format!("{} -> {}", cycle.join(" -> "), name(node)));
        }
        stack.push(node.clone());
        for next in graph.get(node).into_iter().flatten() {
            if let Some(cycle) = visit(next, graph, stack, done) {
                return Some(cycle);
            }
        }
        stack.pop();
        done.insert(node.clone());
        None
    }
    let mut done = BTreeSet::new();
    for node in graph.keys() {
        if let Some(cycle) = visit(node, &graph, &mut Vec::new(), &mut done) {
            panic!("import cycle: {cycle}");
        }
    }
}

#[test]
fn only_cli_knows_clap() {
    let offenders: Vec<String> = modules()
        .iter()
        .filter(|m| !matches!(m.path.first().map(String::as_str), Some("cli" | "main")))
        .filter(|m| {
            m.code.contains("clap::")
                || m.code.contains("use clap")
                || m.code.contains("clap_complete")
                || m.code.contains("clap_mangen")
        })
        .map(|m| name(&m.path))
        .collect();
    assert!(
        offenders.is_empty(),
        "clap outside cli/: {}",
        offenders.join(", ")
    );
}

#[test]
fn the_checker_sees_what_it_checks() {
    // The parsing itself: braces, `super` from a file and from a mod.rs, inline paths.
    assert_eq!(
        expand("crate::a::{b, c::{d, e}}"),
        ["crate::a::b", "crate::a::c::d", "crate::a::c::e"]
    );
    let known: BTreeSet<Vec<String>> = [vec!["a"], vec!["a", "b"], vec!["c"]]
        .into_iter()
        .map(|v| v.into_iter().map(str::to_owned).collect())
        .collect();
    let file = Module {
        path: vec!["a".into(), "b".into()],
        is_dir: false,
        code: String::new(),
    };
    assert_eq!(resolve("super::X", &file, &known), Some(vec!["a".into()]));
    assert_eq!(
        resolve("crate::c::Y", &file, &known),
        Some(vec!["c".into()])
    );
    assert_eq!(
        paths("fn f() { crate::c::g(); }\nuse super::{x, y};\n"),
        ["super::x", "super::y", "crate::c::g"]
    );
    // The real tree: the pipeline uses the clients, and the check sees it.
    let graph = graph(&modules());
    let pipeline = graph.get(&vec!["pipeline".to_owned()]).unwrap();
    assert!(pipeline.contains(&vec!["clients".to_owned(), "storage".to_owned()]));
}
