//! Carrying actions out on AWS: one SDK call per action, after a read of the live state for
//! actions without an undo (`recheck.rs`) and of an access key's ID and status before its
//! preview ([`Execute::resolve`]). Built only when the session can write.

pub use super::aws_baseline::BaselineClients;
use super::catalog::{self, ActionId, QUARANTINE_DOCUMENT, QUARANTINE_POLICY, REVOKE_POLICY};
use super::{Execute, Offer, Target};
use crate::aws::errors::{Call, classify};
use crate::domain::{SourceId, SourceKind};
use crate::sources::{SourceError, SourceErrorKind};
use async_trait::async_trait;
use aws_sdk_guardduty::types::{Condition, Feedback, FilterAction, FindingCriteria};
use aws_sdk_iam::types::StatusType;
use std::collections::HashMap;

pub struct AwsExecutor {
    pub(super) iam: aws_sdk_iam::Client,
    pub(super) guardduty: HashMap<String, aws_sdk_guardduty::Client>,
    pub(super) cloudwatch: HashMap<String, aws_sdk_cloudwatch::Client>,
    pub(super) baseline: BaselineClients,
}

impl AwsExecutor {
    pub fn new(
        iam: aws_sdk_iam::Client,
        guardduty: HashMap<String, aws_sdk_guardduty::Client>,
        cloudwatch: HashMap<String, aws_sdk_cloudwatch::Client>,
    ) -> Self {
        AwsExecutor {
            iam,
            guardduty,
            cloudwatch,
            baseline: BaselineClients::default(),
        }
    }

    /// Adds the clients of the baseline actions (EC2, CloudTrail, S3 Control).
    pub fn with_baseline(mut self, baseline: BaselineClients) -> Self {
        self.baseline = baseline;
        self
    }

    /// Runs the offer's API call. `Ok` says what changed; `Err` says why not, naming the
    /// missing permission on a denial.
    async fn run(&self, offer: &Offer) -> Result<String, String> {
        let spec = offer.spec();
        let service = spec.permission.split(':').next().unwrap_or("iam");
        let call = Call::new(
            static_service(service),
            spec.permission.split(':').nth(1).unwrap_or(spec.name),
        );
        let id = SourceId {
            kind: match &offer.target {
                Target::Finding { .. } => SourceKind::Findings,
                Target::Alarm { .. } => SourceKind::Alarms,
                Target::IngressRule { .. }
                | Target::EbsDefaults { .. }
                | Target::PublicAccessBlock { .. }
                | Target::Trail { .. } => SourceKind::Baseline,
                _ => SourceKind::Identity,
            },
            account_id: offer.target.account_id().to_string(),
            region: offer.target.region().map(str::to_string),
        };
        let fail = |e: SourceError| describe(&e);
        // No undo: the live state must still be what the user confirmed against.
        self.recheck(offer, &id).await?;
        if let Some(result) = self.baseline.run(offer, call, fail).await {
            return result;
        }
        match &offer.target {
            Target::AccessKey { user, .. } => {
                // A key named by its credential-report slot is looked up; a known ID is used
                // as it is (its preview resolved it against IAM already).
                let key_id = match &offer.target {
                    Target::AccessKey { key, .. } if !offer.target.key_by_slot() => key.clone(),
                    target => self.live_key(target, &id).await.map_err(fail)?.id,
                };
                match offer.action {
                    ActionId::DeleteKey => {
                        self.iam
                            .delete_access_key()
                            .user_name(user)
                            .access_key_id(&key_id)
                            .send()
                            .await
                            .map_err(|e| fail(classify(&id, call, &e)))?;
                        Ok(format!("access key {key_id} of {user} deleted"))
                    }
                    action => {
                        let status = if action == ActionId::ReactivateKey {
                            StatusType::Active
                        } else {
                            StatusType::Inactive
                        };
                        self.iam
                            .update_access_key()
                            .user_name(user)
                            .access_key_id(&key_id)
                            .status(status.clone())
                            .send()
                            .await
                            .map_err(|e| fail(classify(&id, call, &e)))?;
                        Ok(format!(
                            "access key {key_id} of {user} is now {}",
                            status.as_str()
                        ))
                    }
                }
            }
            Target::User { name, .. } => match offer.action {
                ActionId::DeleteLoginProfile => {
                    self.iam
                        .delete_login_profile()
                        .user_name(name)
                        .send()
                        .await
                        .map_err(|e| fail(classify(&id, call, &e)))?;
                    Ok(format!("the console password of {name} is deleted"))
                }
                ActionId::ReleaseUser => {
                    self.iam
                        .delete_user_policy()
                        .user_name(name)
                        .policy_name(QUARANTINE_POLICY)
                        .send()
                        .await
                        .map_err(|e| fail(classify(&id, call, &e)))?;
                    Ok(format!("{name} is released: {QUARANTINE_POLICY} removed"))
                }
                _ => {
                    self.iam
                        .put_user_policy()
                        .user_name(name)
                        .policy_name(QUARANTINE_POLICY)
                        .policy_document(QUARANTINE_DOCUMENT)
                        .send()
                        .await
                        .map_err(|e| fail(classify(&id, call, &e)))?;
                    Ok(format!(
                        "{name} is quarantined: {QUARANTINE_POLICY} denies everything"
                    ))
                }
            },
            Target::Role { name, .. } => {
                self.iam
                    .put_role_policy()
                    .role_name(name)
                    .policy_name(REVOKE_POLICY)
                    .policy_document(catalog::revoke_document(offer.prepared_at))
                    .send()
                    .await
                    .map_err(|e| fail(classify(&id, call, &e)))?;
                Ok(format!(
                    "sessions of {name} issued before {} are denied",
                    offer.prepared_at.format("%Y-%m-%d %H:%M:%S UTC")
                ))
            }
            Target::Finding {
                region,
                detector_id,
                id: finding,
                finding_type,
                resource_kind,
                resource_id,
                ..
            } => {
                let client = self.guardduty.get(region).ok_or_else(|| {
                    format!("no GuardDuty client for {region}: it is not a watched region")
                })?;
                match offer.action {
                    ActionId::UnarchiveFinding => {
                        client
                            .unarchive_findings()
                            .detector_id(detector_id)
                            .finding_ids(finding)
                            .send()
                            .await
                            .map_err(|e| fail(classify(&id, call, &e)))?;
                        Ok(format!("finding {finding} is unarchived"))
                    }
                    ActionId::FeedbackUseful | ActionId::FeedbackNotUseful => {
                        let feedback = if offer.action == ActionId::FeedbackUseful {
                            Feedback::Useful
                        } else {
                            Feedback::NotUseful
                        };
                        client
                            .update_findings_feedback()
                            .detector_id(detector_id)
                            .finding_ids(finding)
                            .feedback(feedback.clone())
                            .send()
                            .await
                            .map_err(|e| fail(classify(&id, call, &e)))?;
                        Ok(format!("feedback {} sent for {finding}", feedback.as_str()))
                    }
                    ActionId::SuppressFinding => {
                        let mut criteria = FindingCriteria::builder()
                            .criterion("type", Condition::builder().equals(finding_type).build());
                        if let Some(field) = catalog::resource_criterion(resource_kind)
                            .filter(|_| !resource_id.is_empty())
                        {
                            criteria = criteria
                                .criterion(field, Condition::builder().equals(resource_id).build());
                        }
                        let name = catalog::suppression_name(finding_type, resource_id);
                        client
                            .create_filter()
                            .detector_id(detector_id)
                            .name(&name)
                            .action(FilterAction::Archive)
                            .finding_criteria(criteria.build())
                            .description("Created by watchpost from a finding")
                            .send()
                            .await
                            .map_err(|e| fail(classify(&id, call, &e)))?;
                        Ok(format!("suppression rule {name} archives new matches"))
                    }
                    _ => {
                        client
                            .archive_findings()
                            .detector_id(detector_id)
                            .finding_ids(finding)
                            .send()
                            .await
                            .map_err(|e| fail(classify(&id, call, &e)))?;
                        Ok(format!("finding {finding} is archived"))
                    }
                }
            }
            Target::IngressRule { .. }
            | Target::EbsDefaults { .. }
            | Target::PublicAccessBlock { .. }
            | Target::Trail { .. } => Err(format!(
                "{} cannot run on {}",
                spec.title,
                offer.target.describe()
            )),
            Target::Alarm { region, name, .. } => {
                let client = self.cloudwatch.get(region).ok_or_else(|| {
                    format!("no CloudWatch client for {region}: it is not a watched region")
                })?;
                if offer.action == ActionId::EnableAlarmActions {
                    client
                        .enable_alarm_actions()
                        .alarm_names(name)
                        .send()
                        .await
                        .map_err(|e| fail(classify(&id, call, &e)))?;
                    Ok(format!("actions of {name} are enabled"))
                } else {
                    client
                        .disable_alarm_actions()
                        .alarm_names(name)
                        .send()
                        .await
                        .map_err(|e| fail(classify(&id, call, &e)))?;
                    Ok(format!("actions of {name} are disabled"))
                }
            }
        }
    }

    /// The key as IAM lists it now: by its ID, or by its creation time when the credential
    /// report named it by slot.
    pub(super) async fn live_key(
        &self,
        target: &Target,
        id: &SourceId,
    ) -> Result<LiveKey, SourceError> {
        let Target::AccessKey {
            user, key, created, ..
        } = target
        else {
            return Err(SourceError {
                source_id: id.clone(),
                operation: "ListAccessKeys".into(),
                kind: SourceErrorKind::Service,
                message: format!("{} is not an access key", target.describe()),
            });
        };
        let listed = self
            .iam
            .list_access_keys()
            .user_name(user)
            .send()
            .await
            .map_err(|e| classify(id, Call::new("iam", "ListAccessKeys"), &e))?;
        let by_slot = target.key_by_slot();
        listed
            .access_key_metadata()
            .iter()
            .find(|k| {
                if by_slot {
                    k.create_date()
                        .is_some_and(|d| d.secs() == created.timestamp())
                } else {
                    k.access_key_id() == Some(key.as_str())
                }
            })
            .and_then(|k| {
                Some(LiveKey {
                    id: k.access_key_id()?.to_string(),
                    active: k.status() == Some(&StatusType::Active),
                })
            })
            .ok_or_else(|| SourceError {
                source_id: id.clone(),
                operation: "ListAccessKeys".into(),
                kind: SourceErrorKind::Service,
                message: if by_slot {
                    format!(
                        "{user} has no access key created at {}; it was rotated or deleted since the credential report",
                        created.format("%Y-%m-%d %H:%M:%S UTC")
                    )
                } else {
                    format!("{user} has no access key {key} any more; it was deleted since the data was read")
                },
            })
    }
}

/// An access key as IAM lists it now.
pub(super) struct LiveKey {
    pub id: String,
    pub active: bool,
}

#[async_trait]
impl Execute for AwsExecutor {
    async fn resolve(&self, offer: &Offer) -> Result<Offer, String> {
        let Target::AccessKey {
            account_id,
            user,
            created,
            ..
        } = &offer.target
        else {
            return Ok(offer.clone());
        };
        let id = SourceId {
            kind: SourceKind::Identity,
            account_id: account_id.clone(),
            region: None,
        };
        let live = self
            .live_key(&offer.target, &id)
            .await
            .map_err(|e| describe(&e))?;
        let target = Target::AccessKey {
            account_id: account_id.clone(),
            user: user.clone(),
            key: live.id,
            created: *created,
            active: live.active,
        };
        Ok(offer.on(target, offer.prepared_at))
    }

    async fn perform(&self, offer: &Offer) -> Result<String, String> {
        self.run(offer).await
    }
}

fn static_service(service: &str) -> &'static str {
    match service {
        "guardduty" => "guardduty",
        "cloudwatch" => "cloudwatch",
        "ec2" => "ec2",
        "s3" => "s3",
        "cloudtrail" => "cloudtrail",
        _ => "iam",
    }
}

/// An action error in the words of the dialog: the kind first, then AWS's message.
pub(super) fn describe(error: &SourceError) -> String {
    let what = match &error.kind {
        SourceErrorKind::AccessDenied {
            permission: Some(permission),
        } => format!("access denied (needs {permission})"),
        SourceErrorKind::AccessDenied { permission: None } => "access denied".to_string(),
        SourceErrorKind::Throttled => "throttled; try again in a moment".to_string(),
        SourceErrorKind::Timeout => "timed out".to_string(),
        SourceErrorKind::Network => "network error".to_string(),
        SourceErrorKind::Credentials => "credentials unusable".to_string(),
        SourceErrorKind::Malformed => "unreadable answer".to_string(),
        SourceErrorKind::Service => "refused".to_string(),
    };
    format!("{} {what}: {}", error.operation, error.message)
}
