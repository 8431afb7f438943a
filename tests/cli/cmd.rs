//! CLI cases as data: `tests/cmd/*.toml` (args, fixtures, expected output and exit code),
//! including every kind of broken pack with its exact diagnostics.

#[test]
fn cli_cases() {
    trycmd::TestCases::new()
        .register_bin("privaudit", trycmd::cargo::cargo_bin!("privaudit"))
        .env("LANG", "C")
        .env("NO_COLOR", "1")
        .case("tests/cmd/*.toml");
}
