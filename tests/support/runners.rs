//! The CI runners' own line parsers, ported (the logic, not the code) so tests can ask "would
//! a runner act on this output?":
//!
//! - GitHub Actions (actions/runner, `src/Runner.Common/ActionCommand.cs`): `TryParseV2`, a line
//!   that starts with `::` after `TrimStart()` (every Unicode white space), then the command
//!   name up to a space or the next `::`, and the data after that `::` (`%0D`, `%0A`, `%25`
//!   unescaped); the legacy `TryParse`, `##[NAME …]DATA` anywhere in a line. Both only act on a
//!   registered command name.
//! - Azure Pipelines (microsoft/azure-pipelines-agent, `Command.cs`): `##vso[AREA.EVENT …]DATA`
//!   anywhere in a line; the properties split at `;`, the data unescaped (`%3B`, `%0D`, `%0A`,
//!   `%5D`, then `%AZP25`).
//!
//! The runners read a step's output with `ReadLine`, so `\n`, `\r` and `\r\n` all end a line.
//! .NET's `StartsWith`/`IndexOf(string)` compare with the current culture, which may skip
//! default-ignorable characters (a soft hyphen, a zero-width space): the ports drop those
//! characters before matching, which finds every command the runner could and then some.

#![allow(dead_code)]

/// A command a runner would act on.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Command {
    /// `github`, `github-legacy` or `azure`.
    pub parser: &'static str,
    /// The command name (`add-mask`, `task.setvariable`).
    pub name: String,
    /// Properties as the parser split them, values unescaped.
    pub properties: Vec<(String, String)>,
    /// The data, unescaped.
    pub data: String,
    /// The line it was found in.
    pub line: String,
}

/// Commands the GitHub runner registers (every extension of `ActionCommandManager`), plus the
/// ones it only warns about: a superset errs on the safe side.
const GITHUB_COMMANDS: &[&str] = &[
    "add-mask",
    "add-matcher",
    "add-path",
    "debug",
    "echo",
    "endgroup",
    "error",
    "group",
    "internal-set-repo-path",
    "notice",
    "remove-matcher",
    "save-state",
    "set-env",
    "set-output",
    "stop-commands",
    "warning",
];

fn ignorable(c: char) -> bool {
    matches!(c,
        '\u{ad}'
        | '\u{34f}'
        | '\u{61c}'
        | '\u{115f}'..='\u{1160}'
        | '\u{17b4}'..='\u{17b5}'
        | '\u{180b}'..='\u{180f}'
        | '\u{200b}'..='\u{200f}'
        | '\u{202a}'..='\u{202e}'
        | '\u{2060}'..='\u{206f}'
        | '\u{3164}'
        | '\u{fe00}'..='\u{fe0f}'
        | '\u{feff}'
        | '\u{ffa0}'
        | '\u{fff0}'..='\u{fff8}'
        | '\u{1bca0}'..='\u{1bca3}'
        | '\u{1d173}'..='\u{1d17a}'
        | '\u{e0000}'..='\u{e0fff}')
}

fn unescape(text: &str, mappings: &[(&str, &str)]) -> String {
    mappings
        .iter()
        .fold(text.to_owned(), |text, (escaped, token)| {
            text.replace(escaped, token)
        })
}

/// `TryParseV2`: `::NAME PROPS::DATA` at the start of the trimmed line.
pub fn github_v2(line: &str) -> Option<Command> {
    let message = line.trim_start();
    let rest = message.strip_prefix("::")?;
    let end = rest.find("::")?;
    let info = &rest[..end];
    let (name, props) = info.split_once(' ').unwrap_or((info, ""));
    if !GITHUB_COMMANDS.contains(&name) {
        return None;
    }
    let properties = props
        .trim()
        .split(',')
        .filter(|p| !p.is_empty())
        .filter_map(|p| p.split_once('='))
        .map(|(k, v)| {
            (
                k.to_owned(),
                unescape(
                    v,
                    &[
                        ("%0D", "\r"),
                        ("%0A", "\n"),
                        ("%3A", ":"),
                        ("%2C", ","),
                        ("%25", "%"),
                    ],
                ),
            )
        })
        .collect();
    Some(Command {
        parser: "github",
        name: name.to_owned(),
        properties,
        data: unescape(
            &rest[end + 2..],
            &[("%0D", "\r"), ("%0A", "\n"), ("%25", "%")],
        ),
        line: line.to_owned(),
    })
}

/// `TryParse` (legacy): `##[NAME PROPS]DATA` anywhere in the line.
pub fn github_legacy(line: &str) -> Option<Command> {
    let at = line.find("##[")?;
    let rest = &line[at + 3..];
    let rb = rest.find(']')?;
    let info = &rest[..rb];
    let (name, props) = info.split_once(' ').unwrap_or((info, ""));
    if !GITHUB_COMMANDS.contains(&name) {
        return None;
    }
    let legacy = [
        ("%3B", ";"),
        ("%0D", "\r"),
        ("%0A", "\n"),
        ("%5D", "]"),
        ("%25", "%"),
    ];
    let properties = props
        .split(';')
        .filter(|p| !p.is_empty())
        .filter_map(|p| p.split_once('='))
        .map(|(k, v)| (k.to_owned(), unescape(v, &legacy)))
        .collect();
    Some(Command {
        parser: "github-legacy",
        name: name.to_owned(),
        properties,
        data: unescape(&rest[rb + 1..], &legacy),
        line: line.to_owned(),
    })
}

/// The agent's `Command.TryParse`: `##vso[AREA.EVENT PROPS]DATA` anywhere in the line.
pub fn azure(line: &str) -> Option<Command> {
    let at = line.find("##vso[")?;
    let rest = &line[at + 6..];
    let rb = rest.find(']')?;
    let info = &rest[..rb];
    let (name, props) = info.split_once(' ').unwrap_or((info, ""));
    if name.split('.').filter(|p| !p.is_empty()).count() != 2 {
        return None;
    }
    let unescape_value = |v: &str| {
        unescape(
            v,
            &[
                ("%3B", ";"),
                ("%0D", "\r"),
                ("%0A", "\n"),
                ("%5D", "]"),
                ("%AZP25", "%"),
            ],
        )
    };
    let properties = props
        .split(';')
        .filter(|p| !p.is_empty())
        .filter_map(|p| p.split_once('='))
        .map(|(k, v)| (k.to_owned(), unescape_value(v)))
        .collect();
    Some(Command {
        parser: "azure",
        name: name.to_owned(),
        properties,
        data: unescape_value(&rest[rb + 1..]),
        line: line.to_owned(),
    })
}

/// Every command any of the runners would act on in `output` (a step's stdout or stderr), one
/// per parser and line.
pub fn commands(output: &str) -> Vec<Command> {
    let mut found = Vec::new();
    for raw in output.split(['\n', '\r']) {
        let line: String = raw.chars().filter(|&c| !ignorable(c)).collect();
        found.extend(github_v2(&line));
        found.extend(github_legacy(&line));
        found.extend(azure(&line));
    }
    found
}

#[test]
fn the_ports_find_what_the_runners_find() {
    let c = &commands("  ::stop-commands::tok")[0];
    assert_eq!(
        (c.parser, c.name.as_str(), c.data.as_str()),
        ("github", "stop-commands", "tok")
    );
    let c = &commands("::add-mask::a%25b%0Ac")[0];
    assert_eq!(c.data, "a%b\nc");
    assert!(commands("x ::stop-commands::tok").is_empty());
    assert!(commands("::not-a-command::x").is_empty());
    let c = &commands("desc ##[stop-commands]x")[0];
    assert_eq!(
        (c.parser, c.name.as_str(), c.data.as_str()),
        ("github-legacy", "stop-commands", "x")
    );
    let c = &commands("e ##vso[task.setvariable variable=SAS_TOKEN;issecret=true]a%AZP253Bb%3B")[0];
    assert_eq!(c.parser, "azure");
    assert_eq!(c.name, "task.setvariable");
    assert_eq!(
        c.properties,
        [
            ("variable".to_owned(), "SAS_TOKEN".to_owned()),
            ("issecret".to_owned(), "true".to_owned())
        ]
    );
    assert_eq!(c.data, "a%3Bb;");
    assert_eq!(commands("a\r::stop-commands::b").len(), 1);
    assert_eq!(commands("#\u{ad}#[stop-commands]x").len(), 1);
    assert!(commands("\\x3a:stop-commands::x \\x23#[stop-commands]x \\u0023#vso[a.b]").is_empty());
}
