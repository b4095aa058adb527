//! IAM roles: revoke the sessions issued before now, as the IAM console does.

use super::{other_kind, refused, shell_quote as q, still_there};
use crate::domain::Call;
use crate::remediation::action::{Action, ActionError, ActionSpec, Applies};
use crate::remediation::aws::AwsClients;
use crate::remediation::{Offer, Target};
use async_trait::async_trait;
use chrono::{DateTime, Utc};

/// The inline policy name the IAM console itself uses to revoke a role's sessions.
pub const REVOKE_POLICY: &str = "AWSRevokeOlderSessions";

pub struct RevokeSessions;

/// The read before the call: the resource must still exist.
const GET_ROLE: Call = Call::new("iam", "GetRole");

static REVOKE_SESSIONS: ActionSpec = ActionSpec {
    name: "revoke-role-sessions",
    title: "Revoke the role's older sessions",
    applies: Applies::Role,
    call: Call::new("iam", "PutRolePolicy"),
    recheck: Some(GET_ROLE),
    api: "iam:PutRolePolicy (deny aws:TokenIssueTime before now)",
    undo: None,
};

/// The role policy that denies every session issued before `before`.
pub fn revoke_document(before: DateTime<Utc>) -> String {
    serde_json::json!({
        "Version": "2012-10-17",
        "Statement": [{
            "Effect": "Deny",
            "Action": ["*"],
            "Resource": ["*"],
            "Condition": {"DateLessThan": {"aws:TokenIssueTime": before.format("%Y-%m-%dT%H:%M:%SZ").to_string()}}
        }]
    })
    .to_string()
}

fn name_of(target: &Target) -> &str {
    match target {
        Target::Role { name, .. } => name,
        _ => "",
    }
}

#[async_trait]
impl Action for RevokeSessions {
    fn spec(&self) -> &'static ActionSpec {
        &REVOKE_SESSIONS
    }

    fn cli(&self, target: &Target, at: DateTime<Utc>) -> String {
        format!(
            "aws iam put-role-policy --role-name {} --policy-name {REVOKE_POLICY} --policy-document {}",
            q(name_of(target)),
            q(&revoke_document(at))
        )
    }

    async fn recheck(&self, aws: &AwsClients, offer: &Offer) -> Result<(), ActionError> {
        let name = name_of(&offer.target);
        let read = aws.iam.get_role().role_name(name).send().await;
        still_there(
            read,
            &offer.target,
            GET_ROLE,
            |e| e.is_no_such_entity_exception(),
            || format!("the role {name} no longer exists"),
        )
    }

    /// Denies sessions issued before the moment the offer was stamped (when it ran).
    async fn call(&self, aws: &AwsClients, offer: &Offer) -> Result<String, ActionError> {
        let Target::Role { name, .. } = &offer.target else {
            return Err(other_kind(&offer.target));
        };
        aws.iam
            .put_role_policy()
            .role_name(name.as_str())
            .policy_name(REVOKE_POLICY)
            .policy_document(revoke_document(offer.prepared_at))
            .send()
            .await
            .map_err(|e| refused(&offer.target, REVOKE_SESSIONS.call, &e))?;
        Ok(format!(
            "sessions of {name} issued before {} are denied",
            offer.prepared_at.format("%Y-%m-%d %H:%M:%S UTC")
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    #[test]
    fn the_revoke_policy_denies_sessions_issued_before_the_moment() {
        let at = Utc
            .with_ymd_and_hms(2026, 11, 28, 12, 0, 0)
            .single()
            .unwrap_or_default();
        assert!(revoke_document(at).contains("2026-11-28T12:00:00Z"));
    }
}
