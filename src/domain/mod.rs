//! The pure core: what a token is and may be, with no I/O, no clock of its own and no clap.
//! Everything here is checked by unit and property tests; the layers above call into it.

pub mod error;
pub mod ids;
pub mod inspect;
pub mod keyfile;
pub mod lifetime;
pub mod minted;
pub mod neutral;
pub mod permissions;
#[cfg(test)]
pub mod proptest_config;
#[cfg(test)]
mod proptests;
pub mod redact;
pub mod resource;
pub mod sas;
pub mod shown;

/// Declares a closed set of named choices (a preset, an output format, an `--auth` method):
/// the enum, every variant in order (`ALL`), each one's name as typed on the command line and a
/// one-line description. `cli/` turns these into clap values; nothing here knows clap.
macro_rules! choices {
    (
        $(#[$meta:meta])*
        $vis:vis enum $name:ident {
            $($variant:ident = $value:literal: $help:literal,)+
        }
    ) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq)]
        $vis enum $name {
            $(#[doc = $help] $variant,)+
        }

        impl $name {
            /// Every choice, in the order they are offered.
            pub const ALL: &'static [$name] = &[$($name::$variant),+];

            /// The name as typed on the command line.
            pub fn name(self) -> &'static str {
                match self {
                    $($name::$variant => $value,)+
                }
            }

            /// One line saying what the choice means.
            pub fn help(self) -> &'static str {
                match self {
                    $($name::$variant => $help,)+
                }
            }
        }
    };
}
pub(crate) use choices;
