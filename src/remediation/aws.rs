//! Carrying actions out on AWS: the clients the actions call, and the executor that runs
//! an action's re-check and then its call. An access key's ID and status are read before
//! its preview ([`Execute::resolve`]). Built only when the session can write.

use super::action::{ActionError, source_of};
use super::{Execute, Offer, RESOLVE_CALL, Target};
use crate::aws::errors::classify;
use crate::domain::{AccessKeyId, KeyRef};
use crate::sources::{SourceError, SourceErrorKind};
use async_trait::async_trait;
use aws_sdk_iam::types::StatusType;
use std::collections::HashMap;

/// The clients of the baseline actions: EC2 and CloudTrail per region, one S3 Control and
/// one S3 (made to sign for each bucket's region as needed).
#[derive(Clone, Default)]
pub struct BaselineClients {
    pub ec2: HashMap<String, aws_sdk_ec2::Client>,
    pub cloudtrail: HashMap<String, aws_sdk_cloudtrail::Client>,
    pub s3control: Option<aws_sdk_s3control::Client>,
    pub s3: Option<aws_sdk_s3::Client>,
    pub kms: HashMap<String, aws_sdk_kms::Client>,
}

/// Every client an action may call: IAM (global), the regional ones by region.
pub struct AwsClients {
    pub iam: aws_sdk_iam::Client,
    pub guardduty: HashMap<String, aws_sdk_guardduty::Client>,
    pub cloudwatch: HashMap<String, aws_sdk_cloudwatch::Client>,
    pub baseline: BaselineClients,
}

/// A regional client, or why there is none: the region is not watched.
fn in_region<'a, C>(
    clients: &'a HashMap<String, C>,
    service: &'static str,
    region: &str,
) -> Result<&'a C, ActionError> {
    clients.get(region).ok_or_else(|| ActionError::NoClient {
        service,
        region: region.to_string(),
    })
}

impl AwsClients {
    pub fn guardduty(&self, region: &str) -> Result<&aws_sdk_guardduty::Client, ActionError> {
        in_region(&self.guardduty, "GuardDuty", region)
    }

    pub fn cloudwatch(&self, region: &str) -> Result<&aws_sdk_cloudwatch::Client, ActionError> {
        in_region(&self.cloudwatch, "CloudWatch", region)
    }

    pub fn ec2(&self, region: &str) -> Result<&aws_sdk_ec2::Client, ActionError> {
        in_region(&self.baseline.ec2, "EC2", region)
    }

    pub fn cloudtrail(&self, region: &str) -> Result<&aws_sdk_cloudtrail::Client, ActionError> {
        in_region(&self.baseline.cloudtrail, "CloudTrail", region)
    }

    pub fn s3control(&self) -> Result<&aws_sdk_s3control::Client, ActionError> {
        self.baseline
            .s3control
            .as_ref()
            .ok_or(ActionError::NoS3Control)
    }

    pub fn kms(&self, region: &str) -> Result<&aws_sdk_kms::Client, ActionError> {
        in_region(&self.baseline.kms, "KMS", region)
    }

    /// S3 signing for `region`, where the bucket is.
    pub fn s3(&self, region: &str) -> Result<aws_sdk_s3::Client, ActionError> {
        let base = self.baseline.s3.as_ref().ok_or(ActionError::NoClient {
            service: "S3",
            region: region.to_string(),
        })?;
        Ok(crate::aws::baseline::buckets::s3_in(base, region))
    }

    /// The key's ID: as it is when known (its preview resolved it against IAM already),
    /// or looked up when the credential report named it by slot.
    pub async fn key_id(&self, target: &Target) -> Result<AccessKeyId, ActionError> {
        match target {
            Target::AccessKey {
                key: KeyRef::Id(id),
                ..
            } => Ok(id.clone()),
            _ => Ok(self.live_key(target).await?.id),
        }
    }

    /// The key as IAM lists it now: by its ID, or by its creation time when the credential
    /// report named it by slot.
    pub async fn live_key(&self, target: &Target) -> Result<LiveKey, ActionError> {
        let source = source_of(target);
        let not_found = |message: String| {
            ActionError::from(SourceError {
                source_id: source.clone(),
                operation: RESOLVE_CALL.operation.into(),
                kind: SourceErrorKind::Service,
                message,
            })
        };
        let Target::AccessKey {
            user, key, created, ..
        } = target
        else {
            return Err(not_found(format!(
                "{} is not an access key",
                target.describe()
            )));
        };
        let listed = self
            .iam
            .list_access_keys()
            .user_name(user.as_str())
            .send()
            .await
            .map_err(|e| ActionError::from(classify(&source, RESOLVE_CALL, &e)))?;
        listed
            .access_key_metadata()
            .iter()
            .find(|k| match key {
                KeyRef::Slot(_) => k
                    .create_date()
                    .is_some_and(|d| d.secs() == created.timestamp()),
                KeyRef::Id(id) => k.access_key_id() == Some(id.as_str()),
            })
            .and_then(|k| {
                Some(LiveKey {
                    id: AccessKeyId::from(k.access_key_id()?),
                    active: k.status() == Some(&StatusType::Active),
                })
            })
            .ok_or_else(|| {
                not_found(match key {
                    KeyRef::Slot(_) => format!(
                        "{user} has no access key created at {}; it was rotated or deleted since the credential report",
                        created.format("%Y-%m-%d %H:%M:%S UTC")
                    ),
                    KeyRef::Id(id) => format!(
                        "{user} has no access key {id} any more; it was deleted since the data was read"
                    ),
                })
            })
    }
}

/// An access key as IAM lists it now.
pub struct LiveKey {
    pub id: AccessKeyId,
    pub active: bool,
}

/// Runs actions against AWS with the session's clients.
pub struct AwsExecutor {
    clients: AwsClients,
}

impl AwsExecutor {
    pub fn new(
        iam: aws_sdk_iam::Client,
        guardduty: HashMap<String, aws_sdk_guardduty::Client>,
        cloudwatch: HashMap<String, aws_sdk_cloudwatch::Client>,
    ) -> Self {
        AwsExecutor {
            clients: AwsClients {
                iam,
                guardduty,
                cloudwatch,
                baseline: BaselineClients::default(),
            },
        }
    }

    /// Adds the clients of the baseline actions (EC2, CloudTrail, S3 Control).
    pub fn with_baseline(mut self, baseline: BaselineClients) -> Self {
        self.clients.baseline = baseline;
        self
    }
}

#[async_trait]
impl Execute for AwsExecutor {
    async fn resolve(&self, offer: &Offer) -> Result<Offer, ActionError> {
        let Target::AccessKey {
            account_id,
            user,
            created,
            ..
        } = &offer.target
        else {
            return Ok(offer.clone());
        };
        let live = self.clients.live_key(&offer.target).await?;
        let target = Target::AccessKey {
            account_id: account_id.clone(),
            user: user.clone(),
            key: KeyRef::Id(live.id),
            created: *created,
            active: live.active,
        };
        Ok(offer.on(target, offer.prepared_at))
    }

    /// The action's re-check (no undo: the live state must still be what the user
    /// confirmed against), then its call.
    async fn perform(&self, offer: &Offer) -> Result<String, ActionError> {
        let action = offer.action.action();
        action.recheck(&self.clients, offer).await?;
        action.call(&self.clients, offer).await
    }
}
