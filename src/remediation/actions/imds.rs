//! An EC2 instance's metadata service: require IMDSv2 (session tokens), and allow IMDSv1
//! again.

use super::{other_kind, refused, shell_quote as q};
use crate::domain::{Call, RegionalBaseline};
use crate::remediation::action::{Action, ActionError, ActionSpec, Applies};
use crate::remediation::aws::AwsClients;
use crate::remediation::catalog::ActionId;
use crate::remediation::{Offer, Target};
use async_trait::async_trait;
use aws_sdk_ec2::types::HttpTokensState;
use chrono::{DateTime, Utc};

/// Requires IMDSv2 (`true`: `HttpTokens=required`) or allows IMDSv1 again (`optional`).
pub struct RequireV2(pub bool);

static REQUIRE: ActionSpec = ActionSpec {
    name: "require-imdsv2",
    title: "Require IMDSv2 on the instance (IMDSv1 stops answering)",
    applies: Applies::Instance,
    call: Call::new("ec2", "ModifyInstanceMetadataOptions"),
    recheck: None,
    api: "ec2:ModifyInstanceMetadataOptions (HttpTokens=required)",
    undo: Some(ActionId::AllowImdsV1),
};

static ALLOW_V1: ActionSpec = ActionSpec {
    name: "allow-imdsv1",
    title: "Allow IMDSv1 on the instance again",
    applies: Applies::Instance,
    call: Call::new("ec2", "ModifyInstanceMetadataOptions"),
    recheck: None,
    api: "ec2:ModifyInstanceMetadataOptions (HttpTokens=optional)",
    undo: Some(ActionId::RequireImdsV2),
};

impl RequireV2 {
    fn tokens(&self) -> HttpTokensState {
        if self.0 {
            HttpTokensState::Required
        } else {
            HttpTokensState::Optional
        }
    }
}

#[async_trait]
impl Action for RequireV2 {
    fn spec(&self) -> &'static ActionSpec {
        if self.0 { &REQUIRE } else { &ALLOW_V1 }
    }

    fn unavailable(&self, target: &Target) -> Option<&'static str> {
        match target {
            Target::Instance {
                imds_v2_required, ..
            } if *imds_v2_required == self.0 => Some(if self.0 {
                "the instance already requires IMDSv2"
            } else {
                "the instance already allows IMDSv1"
            }),
            _ => None,
        }
    }

    fn cli(&self, target: &Target, _at: DateTime<Utc>) -> String {
        let Target::Instance {
            region,
            instance_id,
            ..
        } = target
        else {
            return String::new();
        };
        format!(
            "aws ec2 modify-instance-metadata-options --region {region} --instance-id {} --http-tokens {}",
            q(instance_id),
            self.tokens().as_str()
        )
    }

    fn after(&self, target: &Target) -> Target {
        let mut after = target.clone();
        if let Target::Instance {
            imds_v2_required, ..
        } = &mut after
        {
            *imds_v2_required = self.0;
        }
        after
    }

    async fn call(&self, aws: &AwsClients, offer: &Offer) -> Result<String, ActionError> {
        let Target::Instance {
            region,
            instance_id,
            ..
        } = &offer.target
        else {
            return Err(other_kind(&offer.target));
        };
        let out = aws
            .ec2(region)?
            .modify_instance_metadata_options()
            .instance_id(instance_id)
            .http_tokens(self.tokens())
            .send()
            .await
            .map_err(|e| refused(&offer.target, self.spec().call, &e))?;
        let now = out
            .instance_metadata_options()
            .and_then(|m| m.http_tokens())
            .map(|t| t.as_str().to_string());
        if now.as_deref().is_some_and(|t| t != self.tokens().as_str()) {
            return Err(ActionError::NotDone(format!(
                "EC2 left HttpTokens = {} on {instance_id}",
                now.unwrap_or_default()
            )));
        }
        Ok(if self.0 {
            format!("{instance_id} requires IMDSv2 (HttpTokens = required)")
        } else {
            format!("{instance_id} allows IMDSv1 again (HttpTokens = optional)")
        })
    }

    fn on_regional(&self, target: &Target, baseline: &mut RegionalBaseline) {
        let Target::Instance { instance_id, .. } = target else {
            return;
        };
        if !target.is_in(baseline) {
            return;
        }
        if let Ok(instances) = baseline.instances.as_mut() {
            for instance in instances.iter_mut().filter(|i| i.id == *instance_id) {
                instance.imds_v2_required = self.0;
            }
        }
    }
}
