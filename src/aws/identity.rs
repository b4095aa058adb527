//! IAM: the account's identity inventory from a handful of calls — the credential report
//! (generated on demand, at most every 4 hours by AWS), the account summary, the virtual MFA
//! devices (root hardware vs virtual) and the password policy. Never a call per user.

use super::credential_report;
use super::errors::{Call, classify};
use super::to_chrono;
use crate::domain::{IdentityInventory, PasswordPolicy, RootAccount, SourceId, SourceKind};
use crate::sources::{Source, SourceData, SourceError, SourceErrorKind};
use async_trait::async_trait;
use aws_sdk_iam::Client;
use aws_sdk_iam::types::{AssignmentStatusType, ReportStateType, SummaryKeyType};
use std::time::Duration;

const GENERATE: Call = Call::new("iam", "GenerateCredentialReport");
const GET_REPORT: Call = Call::new("iam", "GetCredentialReport");
const SUMMARY: Call = Call::new("iam", "GetAccountSummary");
const MFA_DEVICES: Call = Call::new("iam", "ListVirtualMFADevices");
const PASSWORD_POLICY: Call = Call::new("iam", "GetAccountPasswordPolicy");

/// How often to ask whether the report is ready, and how many times before giving up on
/// this poll (the next poll starts over; AWS keeps generating meanwhile).
const REPORT_WAIT: Duration = Duration::from_secs(2);
const REPORT_ATTEMPTS: u32 = 10;

pub struct IamSource {
    id: SourceId,
    client: Client,
}

impl IamSource {
    pub fn new(client: Client, account_id: &str) -> Self {
        IamSource {
            id: SourceId {
                kind: SourceKind::Identity,
                account_id: account_id.to_string(),
                region: None,
            },
            client,
        }
    }

    fn malformed(&self, call: Call, message: String) -> SourceError {
        SourceError {
            source_id: self.id.clone(),
            operation: call.operation.to_string(),
            kind: SourceErrorKind::Malformed,
            message,
        }
    }

    /// Asks AWS for a report until it is COMPLETE, then downloads it.
    async fn credential_report(
        &self,
    ) -> Result<(Vec<u8>, Option<chrono::DateTime<chrono::Utc>>), SourceError> {
        for attempt in 0..REPORT_ATTEMPTS {
            let generated = self
                .client
                .generate_credential_report()
                .send()
                .await
                .map_err(|e| classify(&self.id, GENERATE, &e))?;
            if generated.state() == Some(&ReportStateType::Complete) {
                match self.client.get_credential_report().send().await {
                    Ok(report) => {
                        let content = report
                            .content()
                            .map(|blob| blob.as_ref().to_vec())
                            .unwrap_or_default();
                        return Ok((content, report.generated_time().and_then(to_chrono)));
                    }
                    // Generated but expired or not yet visible: ask again.
                    Err(err)
                        if err.as_service_error().is_some_and(|e| {
                            e.is_credential_report_not_ready_exception()
                                || e.is_credential_report_expired_exception()
                                || e.is_credential_report_not_present_exception()
                        }) => {}
                    Err(err) => return Err(classify(&self.id, GET_REPORT, &err)),
                }
            }
            if attempt + 1 < REPORT_ATTEMPTS {
                tokio::time::sleep(REPORT_WAIT).await;
            }
        }
        Err(SourceError {
            source_id: self.id.clone(),
            operation: GET_REPORT.operation.to_string(),
            kind: SourceErrorKind::Timeout,
            message: "the credential report is still being generated; trying again next poll"
                .to_string(),
        })
    }

    /// `AccountMFAEnabled` and `AccountAccessKeysPresent`, which are current while the
    /// report may be hours old.
    async fn root_summary(&self) -> Result<(Option<bool>, Option<bool>), SourceError> {
        let summary = self
            .client
            .get_account_summary()
            .send()
            .await
            .map_err(|e| classify(&self.id, SUMMARY, &e))?;
        let map = summary.summary_map();
        let flag = |key: SummaryKeyType| map.and_then(|m| m.get(&key)).map(|v| *v > 0);
        Ok((
            flag(SummaryKeyType::AccountMfaEnabled),
            flag(SummaryKeyType::AccountAccessKeysPresent),
        ))
    }

    /// Whether the root user's MFA is a virtual device (false means hardware).
    async fn root_has_virtual_mfa(&self, root_arn: &str) -> Result<bool, SourceError> {
        let mut pages = self
            .client
            .list_virtual_mfa_devices()
            .assignment_status(AssignmentStatusType::Assigned)
            .into_paginator()
            .send();
        while let Some(page) = pages.next().await {
            let page = page.map_err(|e| classify(&self.id, MFA_DEVICES, &e))?;
            let root_device = page.virtual_mfa_devices().iter().any(|device| {
                device.user().is_some_and(|u| u.arn() == root_arn)
                    || device
                        .serial_number()
                        .ends_with(":mfa/root-account-mfa-device")
            });
            if root_device {
                return Ok(true);
            }
        }
        Ok(false)
    }

    async fn password_policy(&self) -> Result<Option<PasswordPolicy>, SourceError> {
        match self.client.get_account_password_policy().send().await {
            Ok(output) => Ok(output.password_policy().map(|p| PasswordPolicy {
                minimum_length: non_negative(p.minimum_password_length()).unwrap_or(6),
                require_symbols: p.require_symbols(),
                require_numbers: p.require_numbers(),
                require_uppercase: p.require_uppercase_characters(),
                require_lowercase: p.require_lowercase_characters(),
                reuse_prevention: non_negative(p.password_reuse_prevention()).filter(|n| *n > 0),
                max_age_days: non_negative(p.max_password_age()).filter(|n| *n > 0),
            })),
            // No policy set: itself a failing check, not an error.
            Err(err)
                if err
                    .as_service_error()
                    .is_some_and(|e| e.is_no_such_entity_exception()) =>
            {
                Ok(None)
            }
            Err(err) => Err(classify(&self.id, PASSWORD_POLICY, &err)),
        }
    }
}

fn non_negative(value: Option<i32>) -> Option<u32> {
    value.and_then(|v| u32::try_from(v).ok())
}

#[async_trait]
impl Source for IamSource {
    fn id(&self) -> &SourceId {
        &self.id
    }

    async fn poll(&mut self) -> Result<SourceData, SourceError> {
        let (content, generated) = self.credential_report().await?;
        let report = credential_report::parse(&content)
            .map_err(|message| self.malformed(GET_REPORT, message))?;
        let report_generated = generated.ok_or_else(|| {
            self.malformed(
                GET_REPORT,
                "the credential report has no GeneratedTime".to_string(),
            )
        })?;
        let account_id = self.id.account_id.clone();
        let mut root = report.root.unwrap_or_else(|| RootAccount {
            arn: format!("arn:aws:iam::{account_id}:root"),
            mfa_active: false,
            mfa_hardware: None,
            password_last_used: None,
            access_keys: Vec::new(),
        });
        let (summary_mfa, summary_keys) = self.root_summary().await?;
        if let Some(mfa) = summary_mfa {
            root.mfa_active = mfa;
        }
        if summary_keys == Some(false) {
            // Deleted since the report was generated.
            root.access_keys.clear();
        }
        root.mfa_hardware = if root.mfa_active {
            Some(!self.root_has_virtual_mfa(&root.arn).await?)
        } else {
            None
        };
        let password_policy = self.password_policy().await?;
        Ok(SourceData::Identity(Box::new(IdentityInventory {
            account_id,
            report_generated,
            root,
            users: report.users,
            password_policy,
        })))
    }
}
