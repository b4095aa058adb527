//! IAM: the account's identity inventory from a handful of calls — the credential report
//! (asked for again only when the one held is older than the configured age, 4 hours by
//! default as AWS regenerates it no more often), the account summary, the virtual MFA
//! devices (virtual vs hardware, root included), the password policy and the authorization
//! details (groups, policies, roles). Never a call per user: a full refresh costs the same
//! for 2,000 users as for 10, pages aside.

use super::authorization::{self, Authorization};
use super::credential_report::{self, CredentialReport};
use super::errors::{Call, classify};
use super::to_chrono;
use crate::domain::{
    IdentityInventory, MfaDevice, PasswordPolicy, RootAccount, SourceId, SourceKind,
};
use crate::sources::{Source, SourceData, SourceError, SourceErrorKind};
use async_trait::async_trait;
use aws_sdk_iam::Client;
use aws_sdk_iam::types::{AssignmentStatusType, ReportStateType, SummaryKeyType};
use chrono::{DateTime, Utc};
use std::collections::HashSet;
use std::time::Duration;

const GENERATE: Call = Call::new("iam", "GenerateCredentialReport");
const GET_REPORT: Call = Call::new("iam", "GetCredentialReport");
const SUMMARY: Call = Call::new("iam", "GetAccountSummary");
const MFA_DEVICES: Call = Call::new("iam", "ListVirtualMFADevices");
const PASSWORD_POLICY: Call = Call::new("iam", "GetAccountPasswordPolicy");

/// How often to ask whether the report is ready (doubling when throttled), and how many
/// times before giving up on this poll (the next poll starts over; AWS keeps generating
/// meanwhile).
const REPORT_WAIT: Duration = Duration::from_secs(2);
const REPORT_ATTEMPTS: u32 = 8;

/// AWS makes a new credential report at most every 4 hours.
pub const DEFAULT_REPORT_MAX_AGE: Duration = Duration::from_secs(4 * 3600);

pub struct IamSource {
    id: SourceId,
    client: Client,
    report_max_age: Duration,
    /// The last report fetched, reused while younger than `report_max_age`.
    report: Option<(CredentialReport, DateTime<Utc>)>,
}

impl IamSource {
    pub fn new(client: Client, account_id: &str, report_max_age: Duration) -> Self {
        IamSource {
            id: SourceId {
                kind: SourceKind::Identity,
                account_id: account_id.to_string(),
                region: None,
            },
            client,
            report_max_age,
            report: None,
        }
    }

    /// The held report if it is young enough, else a new one.
    async fn current_report(&mut self) -> Result<(CredentialReport, DateTime<Utc>), SourceError> {
        if let Some((report, generated)) = &self.report {
            let age = (Utc::now() - *generated).to_std().unwrap_or_default();
            if age < self.report_max_age {
                return Ok((report.clone(), *generated));
            }
        }
        let (content, generated) = self.credential_report().await?;
        let report = credential_report::parse(&content)
            .map_err(|message| self.malformed(GET_REPORT, message))?;
        let generated = generated.ok_or_else(|| {
            self.malformed(
                GET_REPORT,
                "the credential report has no GeneratedTime".to_string(),
            )
        })?;
        self.report = Some((report.clone(), generated));
        Ok((report, generated))
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
        let mut wait = REPORT_WAIT;
        for attempt in 0..REPORT_ATTEMPTS {
            let generated = match self.client.generate_credential_report().send().await {
                Ok(generated) => generated,
                Err(err) => {
                    let error = classify(&self.id, GENERATE, &err);
                    // The report API throttles hard when many tools ask at once: wait longer.
                    if error.kind != SourceErrorKind::Throttled || attempt + 1 == REPORT_ATTEMPTS {
                        return Err(error);
                    }
                    tokio::time::sleep(wait).await;
                    wait = wait.saturating_mul(2);
                    continue;
                }
            };
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

    /// ARNs of the users (root included) with an assigned virtual MFA device.
    async fn virtual_mfa_users(&self) -> Result<HashSet<String>, SourceError> {
        let mut pages = self
            .client
            .list_virtual_mfa_devices()
            .assignment_status(AssignmentStatusType::Assigned)
            .into_paginator()
            .send();
        let mut users = HashSet::new();
        while let Some(page) = pages.next().await {
            let page = page.map_err(|e| classify(&self.id, MFA_DEVICES, &e))?;
            for device in page.virtual_mfa_devices() {
                if let Some(user) = device.user() {
                    users.insert(user.arn().to_string());
                }
                // Root's virtual device has this conventional name.
                if device
                    .serial_number()
                    .ends_with(":mfa/root-account-mfa-device")
                {
                    users.insert(format!("arn:aws:iam::{}:root", self.id.account_id));
                }
            }
        }
        Ok(users)
    }

    /// Authorization details, or why they are missing: a denial leaves the rest of the
    /// inventory usable.
    async fn authorization(&self) -> Result<Result<Authorization, String>, SourceError> {
        match authorization::fetch(&self.client, &self.id).await {
            Ok(details) => Ok(Ok(details)),
            // Denied, or an answer that cannot be read (e.g. a control character in a
            // policy or user name): users, keys and MFA are still worth showing.
            Err(err)
                if matches!(
                    err.kind,
                    SourceErrorKind::AccessDenied { .. } | SourceErrorKind::Malformed
                ) =>
            {
                Ok(Err(err.to_string()))
            }
            Err(err) => Err(err),
        }
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
        let (report, report_generated) = self.current_report().await?;
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
        let virtual_mfa = self.virtual_mfa_users().await?;
        root.mfa_hardware = root.mfa_active.then(|| !virtual_mfa.contains(&root.arn));
        let password_policy = self.password_policy().await?;
        let authorization = self.authorization().await?;

        let mut users = report.users;
        for user in &mut users {
            user.mfa_device = user.mfa_active.then(|| {
                if virtual_mfa.contains(user.arn()) {
                    MfaDevice::Virtual
                } else {
                    MfaDevice::Hardware
                }
            });
        }
        let (roles, admin_managed_policies, authorization_error) = match authorization {
            Ok(details) => {
                for user in &mut users {
                    if let Some(grants) = details.users.get(user.name()) {
                        user.groups = grants.groups.clone();
                        user.policies = grants.policies.clone();
                        user.admin_via = grants.admin_via.clone();
                    }
                }
                let unreadable = (!details.unreadable.is_empty()).then(|| {
                    format!(
                        "unreadable policy documents, counted as not admin: {}",
                        details.unreadable.join("; ")
                    )
                });
                (details.roles, details.admin_managed_policies, unreadable)
            }
            Err(why) => (Vec::new(), Vec::new(), Some(why)),
        };
        Ok(SourceData::Identity(Box::new(IdentityInventory {
            account_id: account_id.into(),
            report_generated,
            root,
            users: users.into(),
            password_policy,
            roles,
            admin_managed_policies,
            authorization_error,
        })))
    }
}
