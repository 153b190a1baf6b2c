//! The domain's closed sets of choices (declared with `domain::choices::choices!`) offered as clap
//! values: their names, in order, with their one-line help.

use clap::builder::PossibleValue;
use clap::ValueEnum;

macro_rules! value_enum {
    ($($ty:ty),+ $(,)?) => {$(
        impl ValueEnum for $ty {
            fn value_variants<'a>() -> &'a [Self] {
                <$ty>::ALL
            }

            fn to_possible_value(&self) -> Option<PossibleValue> {
                Some(PossibleValue::new(self.name()).help(self.help()))
            }
        }
    )+};
}

value_enum!(
    crate::clients::credentials::Auth,
    crate::clients::geocatalog::ApiVersion,
    crate::domain::permissions::Preset,
    crate::render::ard::ArdOutput,
    crate::render::geocatalog::GeoOutput,
    crate::render::inspect::InspectOutput,
    crate::render::kusto::KustoOutput,
    crate::render::mint::MintOutput,
    crate::render::revoke_keys::RevokeOutput,
);
