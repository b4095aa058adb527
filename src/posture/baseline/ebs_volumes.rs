use super::{Control, Judged};
use crate::domain::{Check, SourceKind};
use crate::domain::{CheckResult, RegionalBaseline, Severity};

pub static EBS_VOLUME_ENCRYPTION: Check = Check {
    source: SourceKind::Baseline,
    id: "ec2.ebs-volume-encryption",
    title: "EBS volumes in use are encrypted",
    problem: "An EBS volume in use is not encrypted",
    severity: Severity::Medium,
    controls: &["EC2.3"],
};

/// Attached volumes only, as EC2.3 (an unattached volume holds data too, but no instance
/// reads it; EBS encryption by default covers new ones).
pub fn evaluate(baseline: &RegionalBaseline, out: &mut Vec<CheckResult>) {
    EBS_VOLUME_ENCRYPTION.each(baseline, &baseline.volumes, out, |volume| {
        if volume.state != "in-use" {
            return None;
        }
        let on = volume.attached_to.join(", ");
        if volume.encrypted {
            Judged::pass(&volume.id, format!("encrypted, attached to {on}"))
        } else {
            Judged::fail(
                &volume.id,
                format!("not encrypted, attached to {on}: only a snapshot copied with encryption and a new volume fix it"),
            )
        }
    });
}

#[cfg(test)]
mod tests {
    use super::super::fixtures::{regional, verdicts};
    use super::*;
    use crate::domain::{CheckStatus, Volume};

    #[test]
    fn attached_unencrypted_volumes_fail_and_detached_ones_are_skipped() {
        let volume = |id: &str, encrypted: bool, state: &str| Volume {
            id: id.into(),
            encrypted,
            state: state.into(),
            attached_to: if state == "in-use" {
                vec!["i-1".into()]
            } else {
                Vec::new()
            },
        };
        let mut b = regional();
        b.volumes = Ok(vec![
            volume("vol-1", true, "in-use"),
            volume("vol-2", false, "in-use"),
            volume("vol-3", false, "available"),
        ]);
        let mut out = Vec::new();
        evaluate(&b, &mut out);
        let got = verdicts(&out);
        assert_eq!(got.len(), 2);
        assert_eq!(
            got[0],
            (
                CheckStatus::Pass,
                "vol-1".into(),
                "encrypted, attached to i-1".into()
            )
        );
        assert_eq!(got[1].0, CheckStatus::Fail);
        assert!(got[1].2.starts_with("not encrypted, attached to i-1"));
    }
}
