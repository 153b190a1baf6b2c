//! Shared settings of the property tests (`mod proptests` in the pure modules).

use proptest::test_runner::Config;

/// `cases` per property unless `PROPTEST_CASES` asks for another number (a deeper run), and no
/// regression files written into the source tree.
pub fn with_cases(cases: u32) -> Config {
    let default = Config::default();
    Config {
        cases: if std::env::var_os("PROPTEST_CASES").is_some() {
            default.cases
        } else {
            cases
        },
        failure_persistence: None,
        ..default
    }
}
