//! CIS monitoring: where a multi-region trail delivers to CloudWatch Logs, a metric filter
//! on its log group and an alarm on the filter's metric for each CIS event. A filter is
//! recognised by the event names its pattern must mention (e.g. `StopLogging` for trail
//! changes); an alarm by its namespace and metric name.

use super::Control;
use super::s3::ACCOUNT;
use crate::domain::{AccountBaseline, Alarm, CheckResult, CheckStatus, MetricFilter, Severity};
use crate::domain::{Check, SourceKind};

pub static CIS_MONITORING: Check = Check {
    source: SourceKind::Baseline,
    id: "cloudwatch.cis-monitoring",
    title: "CIS monitoring events have metric filters and alarms",
    problem: "CIS monitoring events lack metric filters or alarms",
    severity: Severity::Medium,
    controls: &["CIS 4.1–4.15", "CloudWatch.1–14"],
};

/// One CIS monitoring event: its name and the words a pattern needs (every group must
/// have one word in the pattern).
pub struct Event {
    pub name: &'static str,
    pub needs: &'static [&'static [&'static str]],
}

pub const EVENTS: &[Event] = &[
    Event {
        name: "unauthorised API calls",
        needs: &[&["UnauthorizedOperation", "AccessDenied"]],
    },
    Event {
        name: "console sign-in without MFA",
        needs: &[&["ConsoleLogin"], &["MFAUsed"]],
    },
    Event {
        name: "root account usage",
        needs: &[&["Root"]],
    },
    Event {
        name: "IAM policy changes",
        needs: &[&[
            "PutUserPolicy",
            "AttachRolePolicy",
            "CreatePolicy",
            "DeleteGroupPolicy",
        ]],
    },
    Event {
        name: "CloudTrail changes",
        needs: &[&["StopLogging", "UpdateTrail", "DeleteTrail"]],
    },
    Event {
        name: "console sign-in failures",
        needs: &[&["ConsoleLogin"], &["Failed authentication"]],
    },
    Event {
        name: "KMS key disabling or deletion",
        needs: &[&["DisableKey", "ScheduleKeyDeletion"]],
    },
    Event {
        name: "S3 bucket policy changes",
        needs: &[&["PutBucketPolicy", "DeleteBucketPolicy"]],
    },
    Event {
        name: "AWS Config changes",
        needs: &[&["StopConfigurationRecorder", "DeleteConfigurationRecorder"]],
    },
    Event {
        name: "security group changes",
        needs: &[&["AuthorizeSecurityGroupIngress", "CreateSecurityGroup"]],
    },
    Event {
        name: "network ACL changes",
        needs: &[&["CreateNetworkAcl", "DeleteNetworkAclEntry"]],
    },
    Event {
        name: "network gateway changes",
        needs: &[&["CreateCustomerGateway", "AttachInternetGateway"]],
    },
    Event {
        name: "route table changes",
        needs: &[&["CreateRoute", "ReplaceRoute"]],
    },
    Event {
        name: "VPC changes",
        needs: &[&["CreateVpc", "DeleteVpc", "ModifyVpcAttribute"]],
    },
    Event {
        name: "AWS Organizations changes",
        needs: &[&["organizations.amazonaws.com"]],
    },
];

fn matches(event: &Event, filter: &MetricFilter) -> bool {
    event
        .needs
        .iter()
        .all(|any| any.iter().any(|word| filter.pattern.contains(word)))
}

/// Whether an alarm watches one of the filter's metrics in its region.
fn alarmed(filter: &MetricFilter, alarms: &[&Alarm]) -> bool {
    alarms.iter().any(|a| {
        *a.region == filter.region
            && a.metric.as_ref().is_some_and(|m| {
                filter
                    .metrics
                    .iter()
                    .any(|(ns, name)| *m.namespace == *ns && *m.metric_name == *name)
            })
    })
}

/// The metrics an alarm was looked for on, as `Namespace/MetricName` (or "its metric" for
/// a filter that publishes none).
fn watched_metrics(filter: &MetricFilter) -> String {
    if filter.metrics.is_empty() {
        return "its metric (the filter publishes none)".to_string();
    }
    let names: Vec<String> = filter
        .metrics
        .iter()
        .map(|(namespace, name)| format!("{namespace}/{name}"))
        .collect();
    names.join(" or ")
}

/// `alarms` are the account's own: a metric alarm of another account watches another
/// account's metrics.
pub fn evaluate(baseline: &AccountBaseline, alarms: &[&Alarm], out: &mut Vec<CheckResult>) {
    let account = &baseline.account_id;
    let control = &CIS_MONITORING;
    let (trails, filters) = match (&baseline.trails, &baseline.metric_filters) {
        (Err(why), _) | (_, Err(why)) => {
            out.push(control.unreadable(account, None, ACCOUNT, why));
            return;
        }
        (Ok(trails), Ok(filters)) => (trails, filters),
    };
    let groups: Vec<&str> = trails
        .iter()
        .filter(|t| t.multi_region)
        .filter_map(|t| t.log_group.as_deref())
        .collect();
    if groups.is_empty() {
        out.push(control.result(
            CheckStatus::Fail,
            account,
            None,
            ACCOUNT,
            "no multi-region trail delivers to CloudWatch Logs: no event can be monitored",
        ));
        return;
    }
    let mut covered = Vec::new();
    let mut unalarmed = Vec::new();
    let mut missing = Vec::new();
    for event in EVENTS {
        let found: Vec<&MetricFilter> = filters
            .iter()
            .filter(|f| groups.contains(&f.log_group.as_str()) && matches(event, f))
            .collect();
        if found.iter().any(|f| alarmed(f, alarms)) {
            covered.push(event.name);
        } else if let Some(f) = found.first() {
            unalarmed.push(format!(
                "{} (filter {}, no alarm on {} in {})",
                event.name,
                f.name,
                watched_metrics(f),
                f.region
            ));
        } else {
            missing.push(event.name);
        }
    }
    let mut evidence = format!(
        "{} of {} events covered on {}",
        covered.len(),
        EVENTS.len(),
        groups.join(", ")
    );
    if !covered.is_empty() {
        evidence.push_str(&format!("; covered: {}", covered.join(", ")));
    }
    if !unalarmed.is_empty() {
        evidence.push_str(&format!("; filter only: {}", unalarmed.join(", ")));
    }
    if !missing.is_empty() {
        evidence.push_str(&format!("; missing: {}", missing.join(", ")));
    }
    let status = if covered.len() == EVENTS.len() {
        CheckStatus::Pass
    } else {
        CheckStatus::Fail
    };
    out.push(control.result(status, account, None, ACCOUNT, evidence));
}

#[cfg(test)]
mod tests {
    use super::super::fixtures::account;
    use super::*;
    use crate::domain::{AlarmKind, AlarmState, MetricSpec, NamedArn, SharedText, Trail};

    fn trail() -> Trail {
        Trail {
            name: "main".into(),
            arn: "arn".into(),
            home_region: "us-east-1".into(),
            multi_region: true,
            log_file_validation: true,
            logging: Ok(true),
            log_group: Some("trail-logs".into()),
        }
    }

    fn filter(name: &str, pattern: &str) -> MetricFilter {
        MetricFilter {
            name: name.into(),
            log_group: "trail-logs".into(),
            region: "us-east-1".into(),
            pattern: pattern.into(),
            metrics: vec![("CISBenchmark".into(), name.into())],
        }
    }

    fn alarm_on(metric: &str) -> Alarm {
        Alarm {
            id: NamedArn::new(&format!("arn:{metric}"), metric),
            account_id: SharedText::new("111122223333".into()),
            region: SharedText::new("us-east-1".into()),
            kind: AlarmKind::Metric,
            description: None,
            state: AlarmState::Ok,
            state_reason: Box::default(),
            state_updated: chrono::DateTime::UNIX_EPOCH,
            metric: Some(MetricSpec {
                namespace: SharedText::new("CISBenchmark".into()),
                metric_name: SharedText::new(metric.into()),
                statistic: SharedText::new("Sum".into()),
                comparison: SharedText::new("GreaterThanOrEqualToThreshold".into()),
                threshold: 1.0,
                period_secs: 300,
                evaluation_periods: 1,
                dimensions: vec![],
            }),
            rule: None,
            actions_enabled: true,
            alarm_actions: vec![],
            history: vec![],
        }
    }

    #[test]
    fn reports_covered_filter_only_and_missing_events() {
        let mut b = account();
        let mut out = Vec::new();
        evaluate(&b, &[], &mut out);
        assert!(out[0].evidence().contains("no multi-region trail delivers"));
        b.trails = Ok(vec![trail()]);
        b.metric_filters = Ok(vec![
            filter("RootUsage", r#"{ $.userIdentity.type = "Root" }"#),
            filter(
                "NoMfa",
                r#"{ ($.eventName = "ConsoleLogin") && ($.additionalEventData.MFAUsed != "Yes") }"#,
            ),
        ]);
        out.clear();
        evaluate(&b, &[&alarm_on("RootUsage")], &mut out);
        let e = &out[0].evidence();
        assert_eq!(out[0].status, CheckStatus::Fail);
        assert!(e.starts_with("1 of 15 events covered on trail-logs"), "{e}");
        assert!(e.contains("covered: root account usage"), "{e}");
        assert!(
            e.contains(
                "filter only: console sign-in without MFA (filter NoMfa, no alarm on \
                 CISBenchmark/NoMfa in us-east-1)"
            ),
            "{e}"
        );
        assert!(e.contains("missing: unauthorised API calls"), "{e}");
    }

    /// One metric filter `f<i>` for each monitored event.
    fn a_filter_per_event() -> Vec<MetricFilter> {
        EVENTS
            .iter()
            .enumerate()
            .map(|(i, e)| {
                let words: Vec<&str> = e.needs.iter().map(|any| any[0]).collect();
                filter(&format!("f{i}"), &words.join(" "))
            })
            .collect()
    }

    #[test]
    fn every_event_with_an_alarm_passes() {
        let mut b = account();
        b.trails = Ok(vec![trail()]);
        let filters = a_filter_per_event();
        let alarms: Vec<Alarm> = (0..EVENTS.len())
            .map(|i| alarm_on(&format!("f{i}")))
            .collect();
        b.metric_filters = Ok(filters);
        let mut out = Vec::new();
        let alarms: Vec<&Alarm> = alarms.iter().collect();
        evaluate(&b, &alarms, &mut out);
        assert_eq!(out[0].status, CheckStatus::Pass, "{}", out[0].evidence());
    }

    /// Another account's alarms on the same metrics cover nothing here: the baseline's
    /// evaluation hands each account its own alarms.
    #[test]
    fn another_accounts_alarms_do_not_cover_this_account() {
        let mut b = account();
        b.trails = Ok(vec![trail()]);
        let filters = a_filter_per_event();
        b.metric_filters = Ok(filters);
        let elsewhere: Vec<Alarm> = (0..EVENTS.len())
            .map(|i| {
                let mut alarm = alarm_on(&format!("f{i}"));
                alarm.account_id = SharedText::new("999999999999".into());
                alarm
            })
            .collect();
        let mut out = Vec::new();
        crate::posture::baseline::evaluate(
            &[],
            std::slice::from_ref(&b),
            &elsewhere,
            &Default::default(),
            &mut out,
        );
        let monitoring = out
            .iter()
            .find(|c| c.check_id() == CIS_MONITORING.id)
            .expect("a monitoring result");
        assert_eq!(
            monitoring.status,
            CheckStatus::Fail,
            "{}",
            monitoring.evidence()
        );
    }
}
