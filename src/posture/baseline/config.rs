use super::Control;
use crate::domain::{Check, SourceKind};
use crate::domain::{CheckResult, CheckStatus, RegionalBaseline, Severity};

pub static CONFIG_RECORDER: Check = Check {
    source: SourceKind::Baseline,
    id: "config.recorder",
    title: "AWS Config records in the region",
    problem: "AWS Config does not record in the region",
    severity: Severity::Medium,
    controls: &["CIS 3.3", "Config.1"],
};

pub fn evaluate(baseline: &RegionalBaseline, out: &mut Vec<CheckResult>) {
    let region = Some(&baseline.region);
    let account = &baseline.account_id;
    let recorders = match &baseline.config_recorders {
        Err(why) => {
            out.push(CONFIG_RECORDER.unreadable(account, region, baseline.region.as_str(), why));
            return;
        }
        Ok(recorders) => recorders,
    };
    let (status, evidence) = match recorders.iter().find(|r| r.recording) {
        Some(r) if r.all_supported => (
            CheckStatus::Pass,
            format!(
                "recorder {} is recording every supported resource type",
                r.name
            ),
        ),
        Some(r) => (
            CheckStatus::Pass,
            format!(
                "recorder {} is recording (a chosen set of resource types, not all)",
                r.name
            ),
        ),
        None => match recorders.first() {
            Some(r) => (
                CheckStatus::Fail,
                format!("recorder {} exists but is not recording", r.name),
            ),
            None => (
                CheckStatus::Fail,
                "no configuration recorder in this region".to_string(),
            ),
        },
    };
    out.push(CONFIG_RECORDER.result(status, account, region, baseline.region.as_str(), evidence));
}

#[cfg(test)]
mod tests {
    use super::super::fixtures::{denied, regional};
    use super::*;
    use crate::domain::ConfigRecorder;

    #[test]
    fn only_a_recording_recorder_passes() {
        let recorder = |recording| ConfigRecorder {
            name: "default".into(),
            recording,
            all_supported: true,
        };
        let mut out = Vec::new();
        let mut b = regional();
        evaluate(&b, &mut out);
        b.config_recorders = Ok(vec![recorder(false)]);
        evaluate(&b, &mut out);
        b.config_recorders = Ok(vec![recorder(true)]);
        evaluate(&b, &mut out);
        b.config_recorders = Err(denied("config:DescribeConfigurationRecorders"));
        evaluate(&b, &mut out);
        let statuses: Vec<CheckStatus> = out.iter().map(|r| r.status).collect();
        assert_eq!(
            statuses,
            [
                CheckStatus::Fail,
                CheckStatus::Fail,
                CheckStatus::Pass,
                CheckStatus::Fail
            ]
        );
        assert!(
            out[1].evidence().contains("not recording"),
            "{}",
            out[1].evidence()
        );
        assert!(
            out[3]
                .evidence()
                .contains("config:DescribeConfigurationRecorders")
        );
    }
}
