use crate::domain::{
    Check, CheckResult, CheckStatus, DetectorStatus, Severity, SharedText, SourceKind,
};

static ENABLED: Check = Check {
    id: "guardduty.enabled",
    title: "GuardDuty is enabled in the region",
    problem: "GuardDuty is not enabled in the region",
    severity: Severity::High,
    source: SourceKind::Findings,
    controls: &["GuardDuty.1"],
};

/// Every GuardDuty check.
pub static CHECKS: &[&Check] = &[&ENABLED];

pub fn evaluate(detectors: &[DetectorStatus], out: &mut Vec<CheckResult>) {
    for detector in detectors {
        let (status, evidence) = match (&detector.detector_id, detector.enabled) {
            _ if detector.administrator.is_some() => managed(detector),
            (Some(id), true) => (CheckStatus::Pass, format!("detector {id} is enabled")),
            (Some(id), false) => (CheckStatus::Fail, format!("detector {id} is suspended")),
            (None, _) => (CheckStatus::Fail, "no detector in this region".to_string()),
        };
        out.push(CheckResult::new(
            &ENABLED,
            status,
            // One detector per account and region: one result each, nothing to share.
            SharedText::new(detector.account_id.clone()),
            Some(SharedText::new(detector.region.clone())),
            None,
            &detector.region,
            &evidence,
        ));
    }
}

/// A member account whose detector the delegated administrator manages: on as the
/// administrator's detector is (a check of the member's own account alone would miss it).
fn managed(detector: &DetectorStatus) -> (CheckStatus, String) {
    let admin = detector.administrator.as_deref().unwrap_or_default();
    if detector.enabled {
        (
            CheckStatus::Pass,
            format!("managed by the delegated administrator {admin}"),
        )
    } else {
        (
            CheckStatus::Fail,
            format!("managed by the delegated administrator {admin}, whose detector is suspended"),
        )
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
            administrator: None,
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

    #[test]
    fn a_member_managed_by_the_administrator_is_enabled_as_its_detector_is() {
        let member = |enabled| DetectorStatus {
            account_id: "444455556666".into(),
            region: "eu-west-1".into(),
            detector_id: None,
            enabled,
            administrator: Some("111122223333".into()),
        };
        let mut out = Vec::new();
        evaluate(&[member(true), member(false)], &mut out);
        let results: Vec<(CheckStatus, &str, &str)> = out
            .iter()
            .map(|r| (r.status, r.account_id.as_str(), r.evidence()))
            .collect();
        assert_eq!(
            results,
            [
                (
                    CheckStatus::Pass,
                    "444455556666",
                    "managed by the delegated administrator 111122223333"
                ),
                (
                    CheckStatus::Fail,
                    "444455556666",
                    "managed by the delegated administrator 111122223333, whose detector is \
                     suspended"
                ),
            ]
        );
    }
}
