use crate::domain::{Alarm, CheckResult, CheckStatus, Severity};

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
            check_id: "cloudwatch.alarm-actions",
            title: "Alarm actions are enabled",
            severity: Severity::Medium,
            controls: &["CloudWatch.17"],
            status,
            account_id: alarm.account_id.as_str().into(),
            region: Some(alarm.region.as_str().into()),
            resource: alarm.name.as_str().into(),
            evidence: evidence.into(),
        });
    }
}
