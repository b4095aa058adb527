use super::CheckInfo;
use crate::domain::{CheckResult, CheckStatus, DetectorStatus, Severity, SourceKind};

const ENABLED: CheckInfo = CheckInfo {
    id: "guardduty.enabled",
    title: "GuardDuty is enabled in the region",
    source: SourceKind::Findings,
};

/// Every GuardDuty check.
pub const CHECKS: &[CheckInfo] = &[ENABLED];

pub fn evaluate(detectors: &[DetectorStatus], out: &mut Vec<CheckResult>) {
    for detector in detectors {
        let (status, evidence) = match (&detector.detector_id, detector.enabled) {
            (Some(id), true) => (CheckStatus::Pass, format!("detector {id} is enabled")),
            (Some(id), false) => (CheckStatus::Fail, format!("detector {id} is suspended")),
            (None, _) => (CheckStatus::Fail, "no detector in this region".to_string()),
        };
        out.push(CheckResult {
            check_id: ENABLED.id,
            title: ENABLED.title,
            severity: Severity::High,
            source: ENABLED.source,
            controls: &["GuardDuty.1"],
            status,
            account_id: detector.account_id.as_str().into(),
            region: Some(detector.region.as_str().into()),
            subject: None,
            resource: detector.region.as_str().into(),
            evidence: evidence.into(),
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn missing_or_suspended_detector_fails() {
        let mk = |id: Option<&str>, enabled| DetectorStatus {
            account_id: "1".into(),
            region: "r".into(),
            detector_id: id.map(String::from),
            enabled,
        };
        let mut out = Vec::new();
        evaluate(
            &[mk(Some("d"), true), mk(Some("d"), false), mk(None, false)],
            &mut out,
        );
        let statuses: Vec<CheckStatus> = out.iter().map(|r| r.status).collect();
        assert_eq!(
            statuses,
            [CheckStatus::Pass, CheckStatus::Fail, CheckStatus::Fail]
        );
    }
}
