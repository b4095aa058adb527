//! The report of the demo account (default seed, fixed clock) in every format, compared with
//! the golden files in `tests/golden/`, and the JSON and OCSF output validated against the
//! JSON Schemas in `docs/`. After an intended change, regenerate the goldens with
//! `UPDATE_GOLDEN=1 cargo test --test it report_golden` and review the diff.

use crate::support;
use crate::support::{fixed_now, session};
use serde_json::Value;
use std::path::PathBuf;
use watchpost::config::Settings;
use watchpost::domain::Severity;
use watchpost::domain::{SourceId, SourceKind};
use watchpost::report::{self, Filters, Format, Report, Section, StatusFilter};
use watchpost::sources::{Session, Source, SourceData, SourceError, SourceErrorKind};

fn report(filters: &Filters, fail_on: Option<Severity>) -> Report {
    report_of(session(), filters, fail_on)
}

fn report_of(mut session: Session, filters: &Filters, fail_on: Option<Severity>) -> Report {
    let settings = Settings::default();
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_time()
        .build()
        .unwrap();
    let results = runtime.block_on(report::collect(
        &mut session.sources,
        4,
        report::SOURCE_TIMEOUT,
        &mut |_| {},
    ));
    let collected = report::assemble(
        results,
        &settings.thresholds,
        settings.alarm_severity,
        fixed_now(),
    );
    let context = report::Context {
        caller: &session.caller,
        regions: &session.regions,
        demo: session.demo,
        alarm_severity: settings.alarm_severity,
        thresholds: &settings.thresholds,
        now: fixed_now(),
    };
    let mut report = report::build(&collected, &context, filters, fail_on);
    // The goldens hold no real commit: each build has its own.
    report.generator.commit = Some("0123456789ab");
    report.generator.build_date = Some("2026-11-28");
    report
}

fn rendered(report: &Report, format: Format) -> String {
    String::from_utf8(report::render(report, format).unwrap()).unwrap()
}

/// Compares `actual` with `tests/golden/<name>`, or rewrites it under `UPDATE_GOLDEN=1`.
fn assert_golden(name: &str, actual: &str) {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/golden")
        .join(name);
    if std::env::var_os("UPDATE_GOLDEN").is_some() {
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(&path, actual).unwrap();
        return;
    }
    let expected = std::fs::read_to_string(&path).unwrap_or_else(|e| {
        panic!(
            "{}: {e}; run UPDATE_GOLDEN=1 cargo test --test it report_golden",
            path.display()
        )
    });
    if expected != actual {
        let line = expected
            .lines()
            .zip(actual.lines())
            .position(|(e, a)| e != a)
            .unwrap_or_else(|| expected.lines().count().min(actual.lines().count()));
        panic!(
            "{} differs from the golden file at line {}:\n  golden: {:?}\n  actual: {:?}\n\
             (UPDATE_GOLDEN=1 cargo test --test it report_golden rewrites it; review the diff)",
            path.display(),
            line + 1,
            expected.lines().nth(line).unwrap_or("<end>"),
            actual.lines().nth(line).unwrap_or("<end>"),
        );
    }
}

fn validate(schema_file: &str, instance: &Value) {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("docs")
        .join(schema_file);
    let schema: Value = serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
    let validator = jsonschema::options()
        .should_validate_formats(true)
        .build(&schema)
        .unwrap_or_else(|e| panic!("{schema_file} is not a valid schema: {e}"));
    let errors: Vec<String> = validator
        .iter_errors(instance)
        .take(10)
        .map(|e| format!("{} at {}", e, e.instance_path()))
        .collect();
    assert!(errors.is_empty(), "{schema_file}:\n{}", errors.join("\n"));
}

#[test]
fn json_matches_its_golden_file_and_schema() {
    let text = rendered(&report(&Filters::default(), None), Format::Json);
    assert_golden("demo.json", &text);
    validate("report.schema.json", &serde_json::from_str(&text).unwrap());
}

#[test]
fn a_binary_built_outside_git_names_only_its_version() {
    let mut report = report(&Filters::default(), None);
    report.generator.commit = None;
    report.generator.build_date = None;
    let markdown = rendered(&report, Format::Markdown);
    assert!(
        markdown.contains(&format!("by watchpost {}\n", env!("CARGO_PKG_VERSION"))),
        "{markdown}"
    );
    let json: Value = serde_json::from_str(&rendered(&report, Format::Json)).unwrap();
    assert_eq!(json["generator"]["commit"], Value::Null);
    assert_eq!(json["generator"]["build_date"], Value::Null);
    validate("report.schema.json", &json);
}

#[test]
fn csv_matches_its_golden_file() {
    let text = rendered(&report(&Filters::default(), None), Format::Csv);
    assert_golden("demo.csv", &text);
}

#[test]
fn markdown_matches_its_golden_file() {
    let text = rendered(&report(&Filters::default(), None), Format::Markdown);
    assert_golden("demo.md", &text);
}

#[test]
fn ocsf_matches_its_golden_file_and_schema() {
    // The whole report is validated; the golden file holds the failing Critical and High
    // results (every class and kind of event, at a reviewable size).
    let text = rendered(&report(&Filters::default(), None), Format::Ocsf);
    validate("ocsf.schema.json", &serde_json::from_str(&text).unwrap());
    let filters = Filters {
        severities: vec![Severity::Critical, Severity::High],
        status: StatusFilter::Fail,
        ..Filters::default()
    };
    let text = rendered(&report(&filters, None), Format::Ocsf);
    assert_golden("demo-high-failing.ocsf.json", &text);
}

/// A source that is always denied.
struct Denied(SourceId);

#[async_trait::async_trait]
impl Source for Denied {
    fn id(&self) -> &SourceId {
        &self.0
    }

    async fn poll(&mut self) -> Result<SourceData, SourceError> {
        Err(SourceError {
            source_id: self.0.clone(),
            operation: "DescribeAlarms".into(),
            kind: SourceErrorKind::AccessDenied {
                permission: Some("cloudwatch:DescribeAlarms".into()),
            },
            message: "User: arn:aws:sts::111122223333:assumed-role/audit/x is not authorized"
                .into(),
        })
    }
}

#[test]
fn a_failed_source_appears_in_every_format_and_makes_the_report_incomplete() {
    let mut session = session();
    let slot = session
        .sources
        .iter()
        .position(|s| {
            s.id().kind == SourceKind::Alarms && s.id().region.as_deref() == Some("eu-west-1")
        })
        .unwrap();
    let id = session.sources[slot].id().clone();
    session.sources[slot] = Box::new(Denied(id));
    let report = report_of(session, &Filters::default(), None);
    assert!(!report.complete);
    assert_eq!(report.errors.len(), 1);
    assert_eq!(report.errors[0].kind, "access_denied");
    assert_eq!(
        report.errors[0].permission.as_deref(),
        Some("cloudwatch:DescribeAlarms")
    );
    assert!(report.alarms.iter().all(|a| a.region != "eu-west-1"));
    assert_eq!(report::exit_status(&report), report::EXIT_INCOMPLETE);
    for format in [Format::Json, Format::Csv, Format::Markdown, Format::Ocsf] {
        let text = rendered(&report, format);
        assert!(
            text.contains("access denied (needs cloudwatch:DescribeAlarms)"),
            "{format:?} does not name the failure"
        );
    }
    validate(
        "report.schema.json",
        &serde_json::to_value(&report).unwrap(),
    );
    let ocsf: Value = serde_json::from_str(&rendered(&report, Format::Ocsf)).unwrap();
    validate("ocsf.schema.json", &ocsf);
    assert_eq!(ocsf[0]["compliance"]["status"], "Warning");
    // The failure does not matter to a report of identity alone.
    let mut session = support::session();
    let id = session.sources[slot].id().clone();
    session.sources[slot] = Box::new(Denied(id));
    let identity_only = Filters {
        sections: vec![Section::Identity],
        ..Filters::default()
    };
    let report = report_of(session, &identity_only, None);
    assert!(report.complete && report.errors.is_empty());
}

/// A source whose error message carries every kind of hostile text.
struct Garbled(SourceId);

const GARBLED: &str = "evil \u{1b}]52;c;eA==\u{7} \u{9b}31m \u{7f} \u{85} \u{202e}txt \u{200b}\u{feff}\
    \u{ad}\u{3164}\u{fe0f}\u{2028}\u{e0041}\u{e0100} http://evil.example/x <https://evil.example> \
    www.evil.example [x](https://e.example) 警報 😀";

#[async_trait::async_trait]
impl Source for Garbled {
    fn id(&self) -> &SourceId {
        &self.0
    }

    async fn poll(&mut self) -> Result<SourceData, SourceError> {
        Err(SourceError {
            source_id: self.0.clone(),
            operation: "DescribeAlarms".into(),
            kind: SourceErrorKind::Service,
            message: GARBLED.into(),
        })
    }
}

#[test]
fn hostile_text_is_escaped_in_every_format() {
    let mut session = session();
    let slot = session
        .sources
        .iter()
        .position(|s| s.id().kind == SourceKind::Alarms)
        .unwrap();
    let id = session.sources[slot].id().clone();
    session.sources[slot] = Box::new(Garbled(id));
    let report = report_of(session, &Filters::default(), None);
    let message = report.errors[0].message.clone();
    assert!(message.ends_with(GARBLED), "{message}");
    let unsafe_chars = |text: &str| -> Vec<char> {
        text.chars()
            .filter(|&c| c != '\n' && watchpost::sanitize::is_unsafe(c))
            .collect()
    };
    // JSON and OCSF: escaped as \uXXXX, read back exactly.
    for format in [Format::Json, Format::Ocsf] {
        let text = rendered(&report, format);
        assert_eq!(unsafe_chars(&text), Vec::<char>::new(), "{format:?}");
        assert!(
            text.contains(r"\u001b]52;c;eA==\u0007 \u009b31m \u007f"),
            "{format:?}"
        );
        assert!(
            text.contains(r"\u2028\udb40\udc41\udb40\udd00"),
            "{format:?}"
        );
        let value: Value = serde_json::from_str(&text).unwrap();
        let found = match format {
            Format::Json => value["errors"][0]["message"].clone(),
            _ => value[0]["message"].clone(),
        };
        assert!(
            found.as_str().unwrap().ends_with(GARBLED),
            "{format:?}: {found}"
        );
    }
    // CSV and Markdown: made visible, and no clickable link in Markdown.
    let csv = rendered(&report, Format::Csv);
    assert_eq!(unsafe_chars(&csv), Vec::<char>::new());
    assert!(csv.contains("evil ␛]52;c;eA==␇ �31m ␡ �"), "{csv}");
    let markdown = rendered(&report, Format::Markdown);
    assert_eq!(unsafe_chars(&markdown), Vec::<char>::new());
    assert!(
        markdown.contains(r"evil ␛\]52;c;eA==␇ �31m ␡ �"),
        "{markdown}"
    );
    for link in ["http://", "https://", "www.evil", "<http", "](https"] {
        assert!(!markdown.contains(link), "{link} in the Markdown report");
    }
    assert!(
        markdown.contains(r"hxxp\[:\]//evil\[.\]example/x"),
        "{markdown}"
    );
}

#[test]
fn a_filtered_report_with_fail_on_matches_its_golden_file_and_schema() {
    let filters = Filters {
        severities: vec![Severity::Critical, Severity::High],
        status: StatusFilter::Fail,
        ..Filters::default()
    };
    let report = report(&filters, Some(Severity::High));
    let text = rendered(&report, Format::Markdown);
    assert_golden("demo-high-failing.md", &text);
    validate(
        "report.schema.json",
        &serde_json::to_value(&report).unwrap(),
    );
    let fail_on = report.fail_on.as_ref().unwrap();
    assert!(fail_on.exceeded);
    assert_eq!(report::exit_status(&report), report::EXIT_FAIL_ON);
}

#[test]
fn the_report_holds_the_consoles_results() {
    let report = report(&Filters::default(), None);
    let app = support::loaded_app();
    // The same checks with the same statuses and severities as the console's Posture tab.
    let mut console: Vec<(String, String, String, Severity)> = app
        .data
        .checks
        .iter()
        .map(|c| {
            let status = format!("{:?}", c.status);
            (
                c.check_id().to_string(),
                c.resource().to_string(),
                status,
                c.severity(),
            )
        })
        .collect();
    let mut reported: Vec<(String, String, String, Severity)> = report
        .checks
        .iter()
        .map(|c| {
            let status = format!("{:?}", c.status);
            (
                c.check_id.to_string(),
                c.resource.clone(),
                status,
                c.severity,
            )
        })
        .collect();
    console.sort();
    reported.sort();
    assert_eq!(reported, console);
    // Every alarm with its state, every unarchived finding, every user.
    assert_eq!(report.alarms.len(), app.data.alarms.len());
    assert_eq!(report.findings.len(), app.data.findings.len());
    let identity = report.identity.as_ref().unwrap();
    assert_eq!(
        identity.users.len(),
        app.data.identities.first().unwrap().users.len()
    );
    assert!(report.complete && report.errors.is_empty());
    // Every check that can fail has remediation guidance.
    for check in &report.checks {
        assert!(
            report::remediation(check.check_id).is_some(),
            "no remediation for {}",
            check.check_id
        );
    }
}

#[test]
fn filters_apply_to_every_section() {
    let only_alarms = report(
        &Filters {
            sections: vec![Section::Alarms],
            status: StatusFilter::Fail,
            ..Filters::default()
        },
        Some(Severity::Critical),
    );
    assert!(only_alarms.checks.is_empty() && only_alarms.findings.is_empty());
    assert!(only_alarms.identity.is_none());
    assert!(!only_alarms.alarms.is_empty());
    assert!(only_alarms.alarms.iter().all(|a| a.state == "ALARM"));
    // Alarms in ALARM are High by default: nothing at Critical.
    assert!(!only_alarms.fail_on.as_ref().unwrap().exceeded);
    assert_eq!(report::exit_status(&only_alarms), report::EXIT_OK);

    let one_check = report(
        &Filters {
            checks: vec!["iam.console-mfa".into()],
            status: StatusFilter::Fail,
            ..Filters::default()
        },
        None,
    );
    assert!(one_check.alarms.is_empty() && one_check.findings.is_empty());
    assert!(
        one_check
            .checks
            .iter()
            .all(|c| c.check_id == "iam.console-mfa")
    );
    let users: Vec<&str> = one_check
        .identity
        .as_ref()
        .unwrap()
        .users
        .iter()
        .map(|u| u.name.as_str())
        .collect();
    let failing: Vec<&str> = one_check
        .checks
        .iter()
        .map(|c| c.resource.as_str())
        .collect();
    assert_eq!(
        users, failing,
        "users listed are those the kept checks are about"
    );

    let passing = report(
        &Filters {
            status: StatusFilter::Pass,
            ..Filters::default()
        },
        Some(Severity::Info),
    );
    assert!(passing.findings.is_empty(), "findings never pass");
    assert!(passing.alarms.iter().all(|a| a.state != "ALARM"));
    assert_eq!(passing.fail_on.as_ref().unwrap().failing, 0);
}

#[test]
fn the_schemas_reject_what_they_should() {
    let mut json: Value = serde_json::to_value(report(&Filters::default(), None)).unwrap();
    json["checks"][0]["severity"] = Value::from("severe");
    json["alarms"][0]
        .as_object_mut()
        .unwrap()
        .remove("state")
        .unwrap();
    let schema: Value = serde_json::from_str(
        &std::fs::read_to_string(
            PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("docs/report.schema.json"),
        )
        .unwrap(),
    )
    .unwrap();
    let validator = jsonschema::validator_for(&schema).unwrap();
    assert_eq!(validator.iter_errors(&json).count(), 2);

    let text = rendered(&report(&Filters::default(), None), Format::Ocsf);
    let mut ocsf: Value = serde_json::from_str(&text).unwrap();
    let first = ocsf[0].as_object_mut().unwrap();
    assert_eq!(first["class_uid"], 2003);
    first.remove("compliance").unwrap();
    let schema: Value = serde_json::from_str(
        &std::fs::read_to_string(
            PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("docs/ocsf.schema.json"),
        )
        .unwrap(),
    )
    .unwrap();
    let validator = jsonschema::validator_for(&schema).unwrap();
    assert!(
        !validator.is_valid(&ocsf),
        "a Compliance Finding needs compliance"
    );
}
