use super::{Control, Judged};
use crate::domain::{Check, SourceKind};
use crate::domain::{CheckResult, KeyRotation, RegionalBaseline, Severity};

pub static KMS_ROTATION: Check = Check {
    source: SourceKind::Baseline,
    id: "kms.key-rotation",
    title: "Customer managed KMS keys rotate automatically",
    problem: "A customer managed KMS key does not rotate",
    severity: Severity::Medium,
    controls: &["CIS 3.6", "KMS.4"],
};

/// One result per key rotation applies to; AWS managed, asymmetric, HMAC, disabled and
/// imported keys are not judged (AWS rotates its own; the others cannot rotate).
pub fn evaluate(baseline: &RegionalBaseline, out: &mut Vec<CheckResult>) {
    KMS_ROTATION.each(baseline, &baseline.kms_keys, out, |key| {
        match &key.rotation {
            Err(why) => Judged::unreadable(&key.id, why),
            Ok(KeyRotation::NotApplicable(_)) => None,
            Ok(KeyRotation::On) => Judged::pass(&key.id, "automatic rotation is on"),
            Ok(KeyRotation::Off) => Judged::fail(&key.id, "automatic rotation is off"),
        }
    });
}

#[cfg(test)]
mod tests {
    use super::super::fixtures::{denied, regional, verdicts};
    use super::*;
    use crate::domain::{CheckStatus, KmsKey};

    #[test]
    fn only_keys_that_can_rotate_are_judged() {
        let key = |id: &str, rotation| KmsKey {
            id: id.into(),
            arn: format!("arn:aws:kms:eu-west-1:1:key/{id}"),
            rotation,
        };
        let mut b = regional();
        b.kms_keys = Ok(vec![
            key("k-on", Ok(KeyRotation::On)),
            key("k-off", Ok(KeyRotation::Off)),
            key(
                "k-aws",
                Ok(KeyRotation::NotApplicable("AWS managed".into())),
            ),
            key("k-denied", Err(denied("kms:GetKeyRotationStatus"))),
        ]);
        let mut out = Vec::new();
        evaluate(&b, &mut out);
        let got = verdicts(&out);
        assert_eq!(got.len(), 3);
        assert_eq!(
            got[0],
            (
                CheckStatus::Pass,
                "k-on".into(),
                "automatic rotation is on".into()
            )
        );
        assert_eq!(got[1].0, CheckStatus::Fail);
        assert_eq!(got[2].1, "k-denied");
        assert!(
            got[2]
                .2
                .starts_with("could not be evaluated (needs kms:GetKeyRotationStatus)")
        );
    }
}
