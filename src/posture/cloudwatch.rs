use super::CheckInfo;
use crate::domain::{Alarm, CheckResult, CheckStatus, Severity, SourceKind};

const ALARM_ACTIONS: CheckInfo = CheckInfo {
    id: "cloudwatch.alarm-actions",
    title: "Alarm actions are enabled",
    problem: "Alarm actions are disabled",
    source: SourceKind::Alarms,
};

/// Every CloudWatch check.
pub const CHECKS: &[CheckInfo] = &[ALARM_ACTIONS];

pub fn evaluate(alarms: &[Alarm], out: &mut Vec<CheckResult>) {
    for alarm in alarms {
        let (status, evidence) = if alarm.actions_enabled {
            (
                CheckStatus::Pass,
                format!(
                    "ActionsEnabled = true, {} alarm action(s)",
                    alarm.alarm_actions.len()
                ),
            )
        } else {
            (
                CheckStatus::Fail,
                "ActionsEnabled = false: the alarm notifies no one".to_string(),
            )
        };
        out.push(CheckResult {
            check_id: ALARM_ACTIONS.id,
            title: ALARM_ACTIONS.title,
            severity: Severity::Medium,
            source: ALARM_ACTIONS.source,
            controls: &["CloudWatch.17"],
            status,
            account_id: alarm.account_id.as_str().into(),
            region: Some(alarm.region.as_str().into()),
            subject: None,
            resource: alarm.name.as_str().into(),
            evidence: evidence.into(),
        });
    }
}
