//! Building only the command being run. clap's derive builds every command's arguments (help
//! texts, value parsers, defaults) before it parses anything, and frees them all afterwards:
//! for `sasmint mint` that was most of the command line's cost, spent on commands that do not
//! run. When the command line names its command plainly (`sasmint [-v|-q] COMMAND …`), the
//! other commands get only their name and about text; every other invocation (`--help`, `help
//! COMMAND`, a typo, completions, man pages) gets the whole tree, exactly as before.

use clap::{ArgMatches, Args, FromArgMatches, Id};
use std::cell::RefCell;
use std::ffi::OsString;
use std::ops::{Deref, DerefMut};

thread_local! {
    /// While [`only`] builds a command tree: the command whose arguments it needs.
    static ONLY: RefCell<Option<String>> = const { RefCell::new(None) };
}

/// Builds a tree with `build` in which only the command named `command` (if any) gets its
/// arguments.
pub(super) fn only<T>(command: Option<&str>, build: impl FnOnce() -> T) -> T {
    ONLY.with(|only| *only.borrow_mut() = command.map(str::to_owned));
    let built = build();
    ONLY.with(|only| *only.borrow_mut() = None);
    built
}

/// The command `args` (as `std::env::args_os`, program name first) runs, when nothing else
/// could come first: before it only `-v`, `-q` (or both in one, `-vvq`), `--verbose` and
/// `--quiet`. `known` says which names are commands.
pub(super) fn named_command(args: &[OsString], known: impl Fn(&str) -> bool) -> Option<&str> {
    for arg in args.iter().skip(1) {
        let arg = arg.to_str()?;
        let global = arg == "--verbose"
            || arg == "--quiet"
            || arg.strip_prefix('-').is_some_and(|flags| {
                !flags.is_empty() && flags.bytes().all(|b| matches!(b, b'v' | b'q'))
            });
        if !global {
            return known(arg).then_some(arg);
        }
    }
    None
}

/// A command's arguments (`T`), added to its `clap::Command` only when the tree is built whole
/// or for this command.
#[derive(Debug)]
pub struct Lazy<T>(pub T);

impl<T> Deref for Lazy<T> {
    type Target = T;
    fn deref(&self) -> &T {
        &self.0
    }
}

impl<T> DerefMut for Lazy<T> {
    fn deref_mut(&mut self) -> &mut T {
        &mut self.0
    }
}

fn wanted(command: &clap::Command) -> bool {
    ONLY.with(|only| {
        only.borrow()
            .as_deref()
            .is_none_or(|name| name == command.get_name())
    })
}

impl<T: Args> Args for Lazy<T> {
    fn group_id() -> Option<Id> {
        T::group_id()
    }

    fn augment_args(command: clap::Command) -> clap::Command {
        if wanted(&command) {
            T::augment_args(command)
        } else {
            command
        }
    }

    fn augment_args_for_update(command: clap::Command) -> clap::Command {
        if wanted(&command) {
            T::augment_args_for_update(command)
        } else {
            command
        }
    }
}

impl<T: FromArgMatches> FromArgMatches for Lazy<T> {
    fn from_arg_matches(matches: &ArgMatches) -> Result<Self, clap::Error> {
        T::from_arg_matches(matches).map(Lazy)
    }

    fn from_arg_matches_mut(matches: &mut ArgMatches) -> Result<Self, clap::Error> {
        T::from_arg_matches_mut(matches).map(Lazy)
    }

    fn update_from_arg_matches(&mut self, matches: &ArgMatches) -> Result<(), clap::Error> {
        self.0.update_from_arg_matches(matches)
    }

    fn update_from_arg_matches_mut(&mut self, matches: &mut ArgMatches) -> Result<(), clap::Error> {
        self.0.update_from_arg_matches_mut(matches)
    }
}
