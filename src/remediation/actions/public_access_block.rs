//! The account's S3 Block Public Access: turn all four settings on.

use super::{other_kind, refused, shell_quote as q};
use crate::domain::{AccountBaseline, Call, PublicAccessBlock};
use crate::remediation::action::{Action, ActionError, ActionSpec, Applies};
use crate::remediation::aws::AwsClients;
use crate::remediation::{Offer, Target};
use async_trait::async_trait;
use chrono::{DateTime, Utc};

pub struct BlockAll;

/// The read before the call: the settings must not all be on already.
const GET_PUBLIC_ACCESS_BLOCK: Call = Call::new("s3", "GetAccountPublicAccessBlock");

static BLOCK_ALL: ActionSpec = ActionSpec {
    name: "block-public-access-account",
    title: "Turn on all four S3 Block Public Access settings for the account",
    applies: Applies::PublicAccessBlock,
    call: Call::new("s3", "PutAccountPublicAccessBlock"),
    recheck: Some(GET_PUBLIC_ACCESS_BLOCK),
    api: "s3control:PutPublicAccessBlock (all four true)",
    undo: None,
};

#[async_trait]
impl Action for BlockAll {
    fn spec(&self) -> &'static ActionSpec {
        &BLOCK_ALL
    }

    fn unavailable(&self, target: &Target) -> Option<&'static str> {
        matches!(target, Target::PublicAccessBlock { all_on: true, .. })
            .then_some("all four settings are already on")
    }

    fn cli(&self, target: &Target, _at: DateTime<Utc>) -> String {
        format!(
            "aws s3control put-public-access-block --account-id {} --public-access-block-configuration BlockPublicAcls=true,IgnorePublicAcls=true,BlockPublicPolicy=true,RestrictPublicBuckets=true",
            q(target.account_id())
        )
    }

    async fn recheck(&self, aws: &AwsClients, offer: &Offer) -> Result<(), ActionError> {
        let account_id = offer.target.account_id();
        match aws
            .s3control()?
            .get_public_access_block()
            .account_id(account_id.as_str())
            .send()
            .await
        {
            Ok(out) => {
                let all_on = out.public_access_block_configuration().is_some_and(|c| {
                    c.block_public_acls() == Some(true)
                        && c.ignore_public_acls() == Some(true)
                        && c.block_public_policy() == Some(true)
                        && c.restrict_public_buckets() == Some(true)
                });
                if all_on {
                    Err(ActionError::Changed(format!(
                        "all four Block Public Access settings of {account_id} are on already"
                    )))
                } else {
                    Ok(())
                }
            }
            // No configuration at all: every setting is off, the action applies.
            Err(e)
                if e.as_service_error()
                    .is_some_and(|s| s.is_no_such_public_access_block_configuration()) =>
            {
                Ok(())
            }
            Err(e) => Err(refused(&offer.target, GET_PUBLIC_ACCESS_BLOCK, &e)),
        }
    }

    async fn call(&self, aws: &AwsClients, offer: &Offer) -> Result<String, ActionError> {
        let Target::PublicAccessBlock { account_id, .. } = &offer.target else {
            return Err(other_kind(&offer.target));
        };
        let all_on = aws_sdk_s3control::types::PublicAccessBlockConfiguration::builder()
            .block_public_acls(true)
            .ignore_public_acls(true)
            .block_public_policy(true)
            .restrict_public_buckets(true)
            .build();
        aws.s3control()?
            .put_public_access_block()
            .account_id(account_id.as_str())
            .public_access_block_configuration(all_on)
            .send()
            .await
            .map_err(|e| refused(&offer.target, BLOCK_ALL.call, &e))?;
        Ok(format!("S3 Block Public Access is on for {account_id}"))
    }

    fn on_account(&self, target: &Target, baseline: &mut AccountBaseline) {
        if *target.account_id() == *baseline.account_id {
            baseline.public_access_block = Ok(Some(PublicAccessBlock::ALL_ON));
        }
    }
}
