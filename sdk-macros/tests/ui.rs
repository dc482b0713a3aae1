//! Misuse of `#[plc_program]` is a compile error at the right place (trybuild UI tests; the
//! expected messages are the `.stderr` files beside each case). Refresh them with
//! `TRYBUILD=overwrite cargo test -p plc-sdk-macros --test ui` and review the diff.

#[test]
fn misuse_is_refused_with_a_spanned_error() {
    let t = trybuild::TestCases::new();
    t.compile_fail("tests/ui/*.rs");
    t.pass("tests/pass/*.rs");
}
