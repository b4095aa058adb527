use crate::domain::{Alarm, Check, CheckResult, CheckStatus, Severity, SourceKind};

static ALARM_ACTIONS: Check = Check {
    id: "cloudwatch.alarm-actions",
    title: "Alarm actions are enabled",
    problem: "Alarm actions are disabled",
    severity: Severity::Medium,
    source: SourceKind::Alarms,
    controls: &["CloudWatch.17"],
};

/// Every CloudWatch check.
pub static CHECKS: &[&Check] = &[&ALARM_ACTIONS];

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
        out.push(CheckResult::new(
            &ALARM_ACTIONS,
            status,
            alarm.account_id.clone(),
            Some(alarm.region.clone()),
            None,
            alarm.name(),
            &evidence,
        ));
    }
}
