//! `--format ocsf`: a JSON array of OCSF 1.1 events, as Prowler emits them. Check results
//! are Compliance Findings (class 2003) with the check's controls in `compliance`; GuardDuty
//! findings and alarms in ALARM are Detection Findings (class 2004); a source that failed is
//! a Compliance Finding whose compliance status is Warning ("did not yield a result due to
//! missing information"), so the gap travels with the data. Alarms not in ALARM are not
//! findings and are left out. Every event has `cloud.provider = "AWS"` and the account.

use super::{CheckEntry, RenderError, Report, remediation};
use crate::domain::{CheckStatus, Severity};
mod types;

use types::{
    Account, Cloud, Compliance, Event, FindingInfo, Metadata, Product, Remediation, Resource,
};

pub const OCSF_VERSION: &str = "1.1.0";
const COMPLIANCE_FINDING: u16 = 2003;
const DETECTION_FINDING: u16 = 2004;
/// Findings category.
const CATEGORY: u8 = 2;
/// Activity: Create (the report observed the finding).
const CREATE: u8 = 1;
/// Finding status: New.
const NEW: u8 = 1;
/// `account.type_id` of an AWS account.
const AWS_ACCOUNT: u8 = 10;

fn severity(s: Severity) -> (u8, &'static str) {
    match s {
        Severity::Info => (1, "Informational"),
        Severity::Low => (2, "Low"),
        Severity::Medium => (3, "Medium"),
        Severity::High => (4, "High"),
        Severity::Critical => (5, "Critical"),
    }
}

/// The standard a control ID belongs to.
fn standard(control: &str) -> &'static str {
    if control.starts_with("CIS ") {
        "CIS AWS Foundations Benchmark"
    } else {
        "AWS Foundational Security Best Practices"
    }
}

fn cloud(account: &str, name: Option<&str>, region: Option<&str>) -> Cloud {
    Cloud {
        provider: "AWS",
        account: Account {
            uid: account.to_string(),
            name: name.map(str::to_string),
            kind: "AWS Account",
            type_id: AWS_ACCOUNT,
        },
        region: region.map(str::to_string),
    }
}

/// The fields every event shares; the class decides the rest.
fn event(
    r: &Report,
    class: u16,
    sev: (u8, &'static str),
    code: String,
    info: FindingInfo,
) -> Event {
    let (class_name, type_name) = match class {
        COMPLIANCE_FINDING => ("Compliance Finding", "Compliance Finding: Create"),
        _ => ("Detection Finding", "Detection Finding: Create"),
    };
    Event {
        activity_id: CREATE,
        activity_name: "Create",
        category_uid: CATEGORY,
        category_name: "Findings",
        class_uid: class,
        class_name,
        type_uid: u32::from(class) * 100 + u32::from(CREATE),
        type_name,
        severity_id: sev.0,
        severity: sev.1,
        status_id: NEW,
        status: "New",
        time: r.generated_at.timestamp_millis(),
        message: String::new(),
        metadata: Metadata {
            version: OCSF_VERSION,
            product: Product {
                name: r.generator.name,
                vendor_name: r.generator.name,
                version: r.generator.version,
            },
            profiles: ["cloud"],
            event_code: code,
        },
        finding_info: info,
        compliance: None,
        resources: Vec::new(),
        cloud: cloud(&r.caller.account_id, None, None),
        remediation: None,
        is_alert: None,
    }
}

fn check(r: &Report, c: &CheckEntry) -> Event {
    let region = c.region.as_deref().unwrap_or("global");
    let info = FindingInfo {
        uid: format!(
            "watchpost:{}:{}:{region}:{}",
            c.check_id, c.account_id, c.resource
        ),
        title: c.title.to_string(),
        desc: c.evidence.clone(),
        types: vec!["Software and Configuration Checks/Industry and Regulatory Standards".into()],
        first_seen_time: None,
        last_seen_time: None,
        modified_time: None,
    };
    let mut e = event(
        r,
        COMPLIANCE_FINDING,
        severity(c.severity),
        c.check_id.into(),
        info,
    );
    e.message = format!("{}: {}", c.resource, c.evidence);
    let (status, status_id) = match c.status {
        CheckStatus::Pass => ("Pass", 1),
        CheckStatus::Fail => ("Fail", 3),
    };
    let mut standards: Vec<&'static str> = c.controls.iter().map(|c| standard(c)).collect();
    standards.sort_unstable();
    standards.dedup();
    if standards.is_empty() {
        standards.push("watchpost");
    }
    e.compliance = Some(Compliance {
        control: c
            .controls
            .first()
            .copied()
            .unwrap_or(c.check_id)
            .to_string(),
        requirements: c.controls.iter().map(|c| c.to_string()).collect(),
        standards,
        status,
        status_id,
    });
    e.resources = vec![Resource {
        uid: c.resource_uid.clone(),
        kind: c.resource_type.to_string(),
        name: c.resource.clone(),
        region: c.region.clone(),
    }];
    e.cloud = cloud(
        &c.account_id,
        c.account_name.as_deref(),
        c.region.as_deref(),
    );
    e.remediation = remediation(c.check_id).map(|fix| Remediation {
        desc: if fix.cli.is_empty() {
            fix.advice.to_string()
        } else {
            format!("{} CLI: {}", fix.advice, fix.cli.join(" ; "))
        },
    });
    e
}

fn events(r: &Report) -> Vec<Event> {
    let mut out: Vec<Event> = Vec::new();
    for err in &r.errors {
        let info = FindingInfo {
            uid: format!(
                "watchpost:source-error:{}:{}:{}",
                err.source,
                err.account_id,
                err.region.as_deref().unwrap_or("global")
            ),
            title: format!("{} could not be read", err.service),
            desc: err.message.clone(),
            types: vec!["watchpost source error".into()],
            first_seen_time: None,
            last_seen_time: None,
            modified_time: None,
        };
        let mut e = event(
            r,
            COMPLIANCE_FINDING,
            (0, "Unknown"),
            "watchpost.source-error".into(),
            info,
        );
        e.message = err.message.clone();
        e.compliance = Some(Compliance {
            control: format!("{} {}", err.service, err.operation),
            requirements: Vec::new(),
            standards: vec!["watchpost"],
            status: "Warning",
            status_id: 2,
        });
        e.cloud = cloud(&err.account_id, None, err.region.as_deref());
        out.push(e);
    }
    out.extend(r.checks.iter().map(|c| check(r, c)));
    for a in r.alarms.iter().filter(|a| a.status == CheckStatus::Fail) {
        let info = FindingInfo {
            uid: a.arn.clone(),
            title: format!("{} in ALARM", a.name),
            desc: a
                .description
                .clone()
                .or_else(|| a.condition.clone())
                .or_else(|| a.rule.clone())
                .unwrap_or_default(),
            types: vec!["CloudWatch Alarm".into()],
            first_seen_time: Some(a.state_updated.timestamp_millis()),
            last_seen_time: None,
            modified_time: Some(a.state_updated.timestamp_millis()),
        };
        let mut e = event(
            r,
            DETECTION_FINDING,
            severity(a.severity),
            "cloudwatch.alarm".into(),
            info,
        );
        e.message = a.state_reason.clone();
        e.resources = vec![Resource {
            uid: a.arn.clone(),
            kind: "AwsCloudWatchAlarm".into(),
            name: a.name.clone(),
            region: Some(a.region.clone()),
        }];
        e.cloud = cloud(&a.account_id, a.account_name.as_deref(), Some(&a.region));
        e.is_alert = Some(true);
        out.push(e);
    }
    for f in &r.findings {
        let info = FindingInfo {
            uid: f.arn.clone(),
            title: f.title.clone(),
            desc: f.description.clone(),
            types: vec![f.finding_type.clone()],
            first_seen_time: Some(f.first_seen.timestamp_millis()),
            last_seen_time: Some(f.last_seen.timestamp_millis()),
            modified_time: Some(f.updated_at.timestamp_millis()),
        };
        let mut e = event(
            r,
            DETECTION_FINDING,
            severity(f.severity),
            f.finding_type.clone(),
            info,
        );
        e.message = f.title.clone();
        e.resources = vec![Resource {
            uid: f.resource_id.clone(),
            kind: f.resource_type.clone(),
            name: f.resource_id.clone(),
            region: Some(f.region.clone()),
        }];
        e.cloud = cloud(&f.account_id, f.account_name.as_deref(), Some(&f.region));
        e.is_alert = Some(true);
        out.push(e);
    }
    out
}

pub fn render(report: &Report) -> Result<Vec<u8>, RenderError> {
    // Escaped as the JSON report is: no control or invisible character is written raw.
    let mut out = super::json::to_vec_pretty(&events(report))?;
    out.push(b'\n');
    Ok(out)
}
