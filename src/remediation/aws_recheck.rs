//! The last read before an action without an undo: what the user confirmed was shown from
//! data that may be minutes (or, for the credential report, hours) old, so just before the
//! call the executor reads the live state the action depends on and refuses, saying what
//! changed, if it no longer holds. Each read is the catalog's `recheck` permission.

use super::aws::{AwsExecutor, describe};
use super::catalog::ActionId;
use super::{Offer, Target};
use crate::aws::errors::{Call, classify};
use crate::domain::SourceId;
use aws_smithy_runtime_api::client::orchestrator::HttpResponse;
use aws_smithy_runtime_api::client::result::SdkError;
use aws_smithy_types::error::metadata::ProvideErrorMetadata;

/// `service:Action` of the catalog's `recheck`, as a [`Call`].
fn call_of(permission: &'static str) -> Call {
    let (service, operation) = permission.split_once(':').unwrap_or(("iam", permission));
    Call::new(service, operation)
}

/// A failed read in the words of the dialog, naming the missing permission on a denial.
fn failed<E>(id: &SourceId, call: Call, err: &SdkError<E, HttpResponse>) -> String
where
    E: ProvideErrorMetadata + std::error::Error + Send + Sync + 'static,
{
    describe(&classify(id, call, err))
}

/// A read of something the action needs to exist: `Ok` if it answered, what changed if AWS
/// says it is gone (`missing`), or why it could not be read.
fn still_there<T, E>(
    read: Result<T, SdkError<E, HttpResponse>>,
    id: &SourceId,
    call: Call,
    missing: impl Fn(&E) -> bool,
    gone: impl Fn() -> String,
) -> Result<(), String>
where
    E: ProvideErrorMetadata + std::error::Error + Send + Sync + 'static,
{
    match read {
        Ok(_) => Ok(()),
        Err(e) if e.as_service_error().is_some_and(&missing) => changed(gone()),
        Err(e) => Err(failed(id, call, &e)),
    }
}

fn changed(what: String) -> Result<(), String> {
    Err(format!("nothing was done: {what}"))
}

impl AwsExecutor {
    /// Reads the live state `offer` depends on when it has no undo; `Err` says what changed
    /// (or why it could not be read) and nothing is sent.
    pub(super) async fn recheck(&self, offer: &Offer, id: &SourceId) -> Result<(), String> {
        let Some(permission) = offer.spec().recheck else {
            return Ok(());
        };
        let call = call_of(permission);
        match (&offer.target, offer.action) {
            (Target::AccessKey { user, .. }, ActionId::DeleteKey) => {
                let live = self
                    .live_key(&offer.target, id)
                    .await
                    .map_err(|e| describe(&e))?;
                if live.active {
                    return changed(format!(
                        "access key {} of {user} is Active now; deactivate it first",
                        live.id
                    ));
                }
                Ok(())
            }
            (Target::User { name, .. }, ActionId::DeleteLoginProfile) => {
                let read = self.iam.get_login_profile().user_name(name).send().await;
                still_there(
                    read,
                    id,
                    call,
                    |e| e.is_no_such_entity_exception(),
                    || format!("{name} has no console password any more"),
                )
            }
            (Target::Role { name, .. }, ActionId::RevokeRoleSessions) => {
                let read = self.iam.get_role().role_name(name).send().await;
                still_there(
                    read,
                    id,
                    call,
                    |e| e.is_no_such_entity_exception(),
                    || format!("the role {name} no longer exists"),
                )
            }
            (
                Target::Finding {
                    region,
                    detector_id,
                    id: finding,
                    ..
                },
                _,
            ) => {
                let client = self.guardduty.get(region).ok_or_else(|| {
                    format!("no GuardDuty client for {region}: it is not a watched region")
                })?;
                let found = client
                    .get_findings()
                    .detector_id(detector_id)
                    .finding_ids(finding)
                    .send()
                    .await
                    .map_err(|e| failed(id, call, &e))?;
                if found
                    .findings()
                    .iter()
                    .any(|f| f.id() == Some(finding.as_str()))
                {
                    Ok(())
                } else {
                    changed(format!("finding {finding} no longer exists"))
                }
            }
            (Target::PublicAccessBlock { account_id, .. }, _) => {
                let Some(s3control) = &self.baseline.s3control else {
                    return Err("no S3 Control client".to_string());
                };
                match s3control
                    .get_public_access_block()
                    .account_id(account_id)
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
                            changed(format!(
                                "all four Block Public Access settings of {account_id} are on already"
                            ))
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
                    Err(e) => Err(failed(id, call, &e)),
                }
            }
            (
                Target::Trail {
                    region, name, arn, ..
                },
                _,
            ) => {
                let Some(cloudtrail) = self.baseline.cloudtrail.get(region) else {
                    return Err(format!(
                        "no CloudTrail client for {region}: it is not a watched region"
                    ));
                };
                let status = cloudtrail
                    .get_trail_status()
                    .name(arn)
                    .send()
                    .await
                    .map_err(|e| failed(id, call, &e))?;
                if status.is_logging() == Some(true) {
                    changed(format!("trail {name} is logging already"))
                } else {
                    Ok(())
                }
            }
            (target, action) => Err(format!(
                "{action:?} has no live check for {}; refusing to act on stale data",
                target.describe()
            )),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::remediation::{CATALOG, Risk};

    #[test]
    fn every_action_without_an_undo_names_its_read() {
        for spec in CATALOG {
            assert_eq!(
                spec.recheck.is_some(),
                spec.risk() == Risk::NoUndo,
                "{}",
                spec.name
            );
            if let Some(permission) = spec.recheck {
                let call = call_of(permission);
                assert_eq!(call.permission(), permission);
                assert!(
                    ["Get", "List", "Describe"]
                        .iter()
                        .any(|p| call.operation.starts_with(p)),
                    "{permission} is a read"
                );
            }
        }
    }
}
