//! A credential report shaped like the ones AWS writes (root row first, `N/A`,
//! `no_information`, `not_supported`, paths in ARNs, certificates), parsed into the domain.

use watchpost::aws::credential_report;

#[test]
fn a_real_shaped_report_parses_to_the_golden_inventory() {
    let content = include_bytes!(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/fixtures/credential_report.csv"
    ));
    let report = credential_report::parse(content).unwrap();
    insta::assert_debug_snapshot!("credential_report_golden", report);
}
