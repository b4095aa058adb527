//! EBS encryption by default, per region.

use super::{other_kind, refused};
use crate::domain::{Call, RegionalBaseline};
use crate::remediation::action::{Action, ActionError, ActionSpec, Applies};
use crate::remediation::aws::AwsClients;
use crate::remediation::catalog::ActionId;
use crate::remediation::{Offer, Target};
use async_trait::async_trait;
use chrono::{DateTime, Utc};

/// Turns EBS encryption by default on (`true`) or off in the target's region.
pub struct SetDefaultEncryption(pub bool);

static ENABLE: ActionSpec = ActionSpec {
    name: "enable-ebs-encryption-by-default",
    title: "Turn on EBS encryption by default in the region",
    applies: Applies::EbsDefaults,
    call: Call::new("ec2", "EnableEbsEncryptionByDefault"),
    recheck: None,
    api: "ec2:EnableEbsEncryptionByDefault",
    undo: Some(ActionId::DisableEbsDefaultEncryption),
};

static DISABLE: ActionSpec = ActionSpec {
    name: "disable-ebs-encryption-by-default",
    title: "Turn off EBS encryption by default in the region",
    applies: Applies::EbsDefaults,
    call: Call::new("ec2", "DisableEbsEncryptionByDefault"),
    recheck: None,
    api: "ec2:DisableEbsEncryptionByDefault",
    undo: Some(ActionId::EnableEbsDefaultEncryption),
};

#[async_trait]
impl Action for SetDefaultEncryption {
    fn spec(&self) -> &'static ActionSpec {
        if self.0 { &ENABLE } else { &DISABLE }
    }

    fn unavailable(&self, target: &Target) -> Option<&'static str> {
        match target {
            Target::EbsDefaults { enabled, .. } if *enabled == self.0 => Some(if self.0 {
                "EBS encryption by default is already on"
            } else {
                "EBS encryption by default is already off"
            }),
            _ => None,
        }
    }

    fn weakens(&self) -> bool {
        !self.0
    }

    fn cli(&self, target: &Target, _at: DateTime<Utc>) -> String {
        let verb = if self.0 {
            "enable-ebs-encryption-by-default"
        } else {
            "disable-ebs-encryption-by-default"
        };
        match target.region() {
            Some(region) => format!("aws ec2 {verb} --region {region}"),
            None => String::new(),
        }
    }

    fn after(&self, target: &Target) -> Target {
        let mut after = target.clone();
        if let Target::EbsDefaults { enabled, .. } = &mut after {
            *enabled = self.0;
        }
        after
    }

    async fn call(&self, aws: &AwsClients, offer: &Offer) -> Result<String, ActionError> {
        let Target::EbsDefaults { region, .. } = &offer.target else {
            return Err(other_kind(&offer.target));
        };
        let ec2 = aws.ec2(region)?;
        if self.0 {
            ec2.enable_ebs_encryption_by_default()
                .send()
                .await
                .map_err(|e| refused(&offer.target, self.spec().call, &e))?;
            Ok(format!("EBS encryption by default is on in {region}"))
        } else {
            ec2.disable_ebs_encryption_by_default()
                .send()
                .await
                .map_err(|e| refused(&offer.target, self.spec().call, &e))?;
            Ok(format!("EBS encryption by default is off in {region}"))
        }
    }

    fn on_regional(&self, target: &Target, baseline: &mut RegionalBaseline) {
        if matches!(target, Target::EbsDefaults { .. }) && target.is_in(baseline) {
            baseline.ebs_encryption_by_default = Ok(self.0);
        }
    }
}
