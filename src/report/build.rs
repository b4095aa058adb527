//! From the collected data to a [`Report`]: filters applied, a stable order, summaries and
//! the `--fail-on` verdict.

use super::model::*;
use super::resource::Resolver;
use super::{Collected, Filters, Section};
use crate::domain::{Alarm, AlarmKind, AlarmState, CallerIdentity, CheckStatus, Finding, Severity};
use crate::posture::Thresholds;
use crate::sources::{SourceError, SourceErrorKind};
use crate::store::Data;
use chrono::{DateTime, Utc};

/// Who ran the report, where, and with which settings.
pub struct Context<'a> {
    pub caller: &'a CallerIdentity,
    pub regions: &'a [String],
    pub demo: bool,
    pub alarm_severity: Severity,
    pub thresholds: &'a Thresholds,
    pub now: DateTime<Utc>,
}

pub fn build(
    collected: &Collected,
    ctx: &Context<'_>,
    filters: &Filters,
    fail_on: Option<Severity>,
) -> Report {
    let data = &collected.data;
    let resolver = Resolver::new(data, &ctx.caller.arn);
    let checks = checks(data, filters, &resolver);
    let alarms = alarms(data, filters, ctx.alarm_severity);
    let findings = findings(data, filters);
    let identity = if filters.includes(Section::Identity) {
        // The caller's account (the only one of a single-account session).
        data.identities
            .get(&ctx.caller.account_id)
            .or_else(|| data.identities.first())
            .map(|inventory| super::identity::build(data, inventory, filters))
    } else {
        None
    };
    let errors: Vec<ErrorEntry> = collected
        .errors
        .iter()
        .filter(|e| filters.depends_on(e.source_id.kind))
        .map(error)
        .collect();
    let summary = summary(filters, &checks, &alarms, &findings);
    let fail_on = fail_on.map(|threshold| {
        let failing = Severity::ALL
            .iter()
            .filter(|s| **s >= threshold)
            .map(|s| summary.failing_by_severity.get(*s))
            .sum();
        FailOn {
            severity: threshold,
            failing,
            exceeded: failing > 0,
        }
    });
    Report {
        schema_version: SCHEMA_VERSION,
        generator: Generator::this(),
        generated_at: ctx.now,
        caller: Caller {
            account_id: ctx.caller.account_id.clone(),
            arn: ctx.caller.arn.clone(),
        },
        demo: ctx.demo,
        regions: ctx.regions.to_vec(),
        settings: ReportSettings {
            alarm_severity: ctx.alarm_severity,
            thresholds: ctx.thresholds.clone(),
        },
        filters: filters.normalized(),
        complete: errors.is_empty(),
        errors,
        summary,
        checks,
        alarms,
        findings,
        identity,
        fail_on,
        organization: None,
    }
}

/// Failing first, then by severity (worst first), check, account, region and resource.
fn checks(data: &Data, filters: &Filters, resolver: &Resolver<'_>) -> Vec<CheckEntry> {
    let mut kept: Vec<CheckEntry> = data
        .checks
        .iter()
        .filter(|c| filters.keeps_check(c))
        .map(|c| {
            let (resource_uid, resource_type) = resolver.check(c);
            CheckEntry {
                check_id: c.check_id(),
                title: c.title(),
                severity: c.severity(),
                controls: c.controls().to_vec(),
                status: c.status,
                service: c.source().label(),
                account_id: c.account_id.to_string(),
                account_name: None,
                region: c.region_name().map(str::to_string),
                resource: c.resource().to_string(),
                resource_uid,
                resource_type,
                evidence: c.evidence().to_string(),
            }
        })
        .collect();
    kept.sort_by(|a, b| {
        (a.status, std::cmp::Reverse(a.severity), a.check_id)
            .cmp(&(b.status, std::cmp::Reverse(b.severity), b.check_id))
            .then_with(|| a.account_id.cmp(&b.account_id))
            .then_with(|| a.region.cmp(&b.region))
            .then_with(|| a.resource.cmp(&b.resource))
    });
    kept
}

/// By account, region and name.
fn alarms(data: &Data, filters: &Filters, severity: Severity) -> Vec<AlarmEntry> {
    let mut kept: Vec<&Alarm> = data
        .alarms
        .iter()
        .filter(|a| filters.keeps_alarm(a, severity))
        .collect();
    kept.sort_by(|a, b| {
        (&a.account_id, &a.region, &a.name(), &a.arn()).cmp(&(
            &b.account_id,
            &b.region,
            &b.name(),
            &b.arn(),
        ))
    });
    kept.into_iter()
        .map(|a| AlarmEntry {
            arn: a.arn().to_string(),
            name: a.name().to_string(),
            account_id: a.account_id.to_string(),
            account_name: None,
            region: a.region.to_string(),
            kind: match a.kind {
                AlarmKind::Metric => "metric",
                AlarmKind::Composite => "composite",
            },
            state: a.state.label(),
            status: if a.state == AlarmState::Alarm {
                CheckStatus::Fail
            } else {
                CheckStatus::Pass
            },
            severity,
            state_reason: a.state_reason.to_string(),
            state_updated: a.state_updated,
            description: a.description.as_deref().cloned(),
            condition: a.metric.as_ref().map(|m| {
                format!(
                    "{} {} {} {}",
                    m.namespace,
                    m.metric_name,
                    m.statistic,
                    m.condition()
                )
            }),
            rule: a.rule.as_deref().map(str::to_string),
            actions_enabled: a.actions_enabled,
        })
        .collect()
}

/// Worst first, then most recently seen, then by ID.
fn findings(data: &Data, filters: &Filters) -> Vec<FindingEntry> {
    let mut kept: Vec<&Finding> = data
        .findings
        .iter()
        .filter(|f| !f.archived && filters.keeps_finding(f))
        .collect();
    kept.sort_by(|a, b| {
        b.severity_score
            .total_cmp(&a.severity_score)
            .then_with(|| b.last_seen.cmp(&a.last_seen))
            .then_with(|| a.id.cmp(&b.id))
    });
    kept.into_iter()
        .map(|f| FindingEntry {
            id: f.id.to_string(),
            arn: f.arn().into_owned(),
            account_id: f.account_id.to_string(),
            account_name: None,
            region: f.region.to_string(),
            detector_id: f.detector_id.to_string(),
            finding_type: f.finding_type.to_string(),
            title: f.text.title().to_string(),
            description: f.text.description().to_string(),
            severity: f.severity(),
            severity_score: f.severity_score,
            resource_type: f.resource.kind.to_string(),
            resource_id: f.text.resource_id().to_string(),
            count: f.count,
            first_seen: f.first_seen,
            last_seen: f.last_seen,
            updated_at: f.updated_at,
        })
        .collect()
}

fn error(e: &SourceError) -> ErrorEntry {
    let (kind, permission) = match &e.kind {
        SourceErrorKind::AccessDenied { permission } => ("access_denied", permission.clone()),
        SourceErrorKind::Throttled => ("throttled", None),
        SourceErrorKind::Timeout => ("timeout", None),
        SourceErrorKind::Network => ("network", None),
        SourceErrorKind::Service => ("service", None),
        SourceErrorKind::Malformed => ("malformed", None),
        SourceErrorKind::Credentials => ("credentials", None),
    };
    let source = match e.source_id.kind {
        crate::domain::SourceKind::Alarms => Section::Alarms,
        crate::domain::SourceKind::Findings => Section::Findings,
        crate::domain::SourceKind::Identity => Section::Identity,
        crate::domain::SourceKind::Baseline => Section::Posture,
    };
    ErrorEntry {
        source: source.name(),
        service: e.source_id.kind.label(),
        account_id: e.source_id.account_id.clone(),
        region: e.source_id.region.clone(),
        operation: e.operation.clone(),
        kind,
        permission,
        message: e.to_string(),
    }
}

fn summary(
    filters: &Filters,
    checks: &[CheckEntry],
    alarms: &[AlarmEntry],
    findings: &[FindingEntry],
) -> Summary {
    let mut by_source = Vec::new();
    let mut all = SeverityCounts::default();
    let mut add = |source: Section, results: &mut dyn Iterator<Item = (CheckStatus, Severity)>| {
        let mut entry = SourceSummary {
            source,
            total: 0,
            failing: 0,
            failing_by_severity: SeverityCounts::default(),
        };
        for (status, severity) in results {
            entry.total += 1;
            if status == CheckStatus::Fail {
                entry.failing += 1;
                entry.failing_by_severity.add(severity);
                all.add(severity);
            }
        }
        by_source.push(entry);
    };
    if filters.includes(Section::Alarms) {
        add(
            Section::Alarms,
            &mut alarms.iter().map(|a| (a.status, a.severity)),
        );
    }
    if filters.includes(Section::Findings) {
        add(
            Section::Findings,
            &mut findings.iter().map(|f| (CheckStatus::Fail, f.severity)),
        );
    }
    if filters.includes(Section::Posture) {
        add(
            Section::Posture,
            &mut checks.iter().map(|c| (c.status, c.severity)),
        );
    }
    Summary {
        failing_by_severity: all,
        by_source,
    }
}
