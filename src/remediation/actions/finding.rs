//! GuardDuty findings: archive, unarchive, feedback, and a suppression rule that archives
//! this type of finding on this resource from now on.

use super::{other_kind, refused, shell_quote as q};
use crate::domain::{Call, DetectorId, Finding, FindingId, Region};
use crate::remediation::action::{Action, ActionError, ActionSpec, Applies};
use crate::remediation::aws::AwsClients;
use crate::remediation::catalog::ActionId;
use crate::remediation::{Offer, Target};
use async_trait::async_trait;
use aws_sdk_guardduty::types::{Condition, Feedback, FilterAction, FindingCriteria};
use chrono::{DateTime, Utc};

/// Archives the finding (`true`) or unarchives it.
pub struct SetArchived(pub bool);
/// Feedback on the finding: useful (`true`) or not.
pub struct SendFeedback(pub bool);
pub struct Suppress;

/// The read before feedback or a suppression rule: the finding must still exist.
const GET_FINDINGS: Call = Call::new("guardduty", "GetFindings");

static ARCHIVE: ActionSpec = ActionSpec {
    name: "archive-finding",
    title: "Archive finding",
    applies: Applies::Finding,
    call: Call::new("guardduty", "ArchiveFindings"),
    recheck: None,
    api: "guardduty:ArchiveFindings",
    undo: Some(ActionId::UnarchiveFinding),
};

static UNARCHIVE: ActionSpec = ActionSpec {
    name: "unarchive-finding",
    title: "Unarchive finding",
    applies: Applies::Finding,
    call: Call::new("guardduty", "UnarchiveFindings"),
    recheck: None,
    api: "guardduty:UnarchiveFindings",
    undo: Some(ActionId::ArchiveFinding),
};

static USEFUL: ActionSpec = ActionSpec {
    name: "finding-feedback-useful",
    title: "Send feedback: useful",
    applies: Applies::Finding,
    call: Call::new("guardduty", "UpdateFindingsFeedback"),
    recheck: Some(GET_FINDINGS),
    api: "guardduty:UpdateFindingsFeedback (USEFUL)",
    undo: None,
};

static NOT_USEFUL: ActionSpec = ActionSpec {
    name: "finding-feedback-not-useful",
    title: "Send feedback: not useful",
    applies: Applies::Finding,
    call: Call::new("guardduty", "UpdateFindingsFeedback"),
    recheck: Some(GET_FINDINGS),
    api: "guardduty:UpdateFindingsFeedback (NOT_USEFUL)",
    undo: None,
};

static SUPPRESS: ActionSpec = ActionSpec {
    name: "suppress-finding-type",
    title: "Suppress: archive this type on this resource from now on",
    applies: Applies::Finding,
    call: Call::new("guardduty", "CreateFilter"),
    recheck: Some(GET_FINDINGS),
    api: "guardduty:CreateFilter (Action=ARCHIVE)",
    undo: None,
};

/// The GuardDuty criterion field that names a resource of this kind, for suppression rules.
pub fn resource_criterion(resource_kind: &str) -> Option<&'static str> {
    match resource_kind {
        "Instance" => Some("resource.instanceDetails.instanceId"),
        "AccessKey" => Some("resource.accessKeyDetails.accessKeyId"),
        "S3Bucket" => Some("resource.s3BucketDetails.name"),
        "EKSCluster" => Some("resource.eksClusterDetails.name"),
        _ => None,
    }
}

/// The suppression rule's finding criteria (GuardDuty's JSON shape).
pub fn suppression_criteria(finding_type: &str, resource_kind: &str, resource_id: &str) -> String {
    let mut criterion = serde_json::Map::new();
    criterion.insert("type".into(), serde_json::json!({ "Eq": [finding_type] }));
    if let Some(field) = resource_criterion(resource_kind).filter(|_| !resource_id.is_empty()) {
        criterion.insert(field.into(), serde_json::json!({ "Eq": [resource_id] }));
    }
    serde_json::json!({ "Criterion": criterion }).to_string()
}

/// A filter name GuardDuty accepts (3–64 of letters, digits, `-`, `_`, `.`).
pub fn suppression_name(finding_type: &str, resource_id: &str) -> String {
    crate::domain::aws_name(
        &format!("watchpost-{finding_type}-{resource_id}"),
        "-_.",
        64,
    )
}

/// `--region R --detector-id D`, the part every GuardDuty command shares.
fn cli_base(target: &Target) -> String {
    match target {
        Target::Finding {
            region,
            detector_id,
            ..
        } => format!("--region {region} --detector-id {}", q(detector_id)),
        _ => String::new(),
    }
}

/// The finding's region, detector and ID; a target of another kind is an error.
fn finding_ref(target: &Target) -> Result<(&Region, &DetectorId, &FindingId), ActionError> {
    match target {
        Target::Finding {
            region,
            detector_id,
            id,
            ..
        } => Ok((region, detector_id, id)),
        _ => Err(other_kind(target)),
    }
}

fn finding_id(target: &Target) -> &str {
    match target {
        Target::Finding { id, .. } => id,
        _ => "",
    }
}

/// Archive or unarchive: one finding by its ID, through its detector.
async fn set_archived(
    aws: &AwsClients,
    offer: &Offer,
    archive: bool,
) -> Result<String, ActionError> {
    let (region, detector_id, id) = finding_ref(&offer.target)?;
    let client = aws.guardduty(region)?;
    if archive {
        client
            .archive_findings()
            .detector_id(detector_id.as_str())
            .finding_ids(id.as_str())
            .send()
            .await
            .map_err(|e| refused(&offer.target, ARCHIVE.call, &e))?;
        Ok(format!("finding {id} is archived"))
    } else {
        client
            .unarchive_findings()
            .detector_id(detector_id.as_str())
            .finding_ids(id.as_str())
            .send()
            .await
            .map_err(|e| refused(&offer.target, UNARCHIVE.call, &e))?;
        Ok(format!("finding {id} is unarchived"))
    }
}

/// Whether `finding` is the target's finding (same region and ID).
fn is_target(target: &Target, finding: &Finding) -> bool {
    matches!(target, Target::Finding { region, id, .. }
        if *finding.region == **region && *finding.id == **id)
}

/// The finding must still exist: feedback and suppression cannot be taken back.
async fn finding_exists(aws: &AwsClients, offer: &Offer) -> Result<(), ActionError> {
    let (region, detector_id, id) = finding_ref(&offer.target)?;
    let found = aws
        .guardduty(region)?
        .get_findings()
        .detector_id(detector_id.as_str())
        .finding_ids(id.as_str())
        .send()
        .await
        .map_err(|e| refused(&offer.target, GET_FINDINGS, &e))?;
    if found.findings().iter().any(|f| f.id() == Some(id.as_str())) {
        Ok(())
    } else {
        Err(ActionError::Changed(format!(
            "finding {id} no longer exists"
        )))
    }
}

#[async_trait]
impl Action for SetArchived {
    fn spec(&self) -> &'static ActionSpec {
        if self.0 { &ARCHIVE } else { &UNARCHIVE }
    }

    fn cli(&self, target: &Target, _at: DateTime<Utc>) -> String {
        let verb = if self.0 {
            "archive-findings"
        } else {
            "unarchive-findings"
        };
        format!(
            "aws guardduty {verb} {} --finding-ids {}",
            cli_base(target),
            q(finding_id(target))
        )
    }

    fn unavailable(&self, target: &Target) -> Option<&'static str> {
        match target {
            Target::Finding { archived, .. } if *archived == self.0 => Some(if self.0 {
                "the finding is already archived"
            } else {
                "the finding is not archived"
            }),
            _ => None,
        }
    }

    /// Unarchiving brings a problem back to the queue.
    fn weakens(&self) -> bool {
        !self.0
    }

    fn after(&self, target: &Target) -> Target {
        let mut after = target.clone();
        if let Target::Finding { archived, .. } = &mut after {
            *archived = self.0;
        }
        after
    }

    async fn call(&self, aws: &AwsClients, offer: &Offer) -> Result<String, ActionError> {
        set_archived(aws, offer, self.0).await
    }

    fn archives(&self, target: &Target, finding: &Finding) -> Option<bool> {
        is_target(target, finding).then_some(self.0)
    }

    /// An archived finding leaves the Findings tab at once; an unarchived one comes back
    /// with the next poll.
    fn drops_at_once(&self, target: &Target, finding: &Finding) -> bool {
        self.0 && is_target(target, finding)
    }
}

impl SendFeedback {
    fn feedback(&self) -> Feedback {
        if self.0 {
            Feedback::Useful
        } else {
            Feedback::NotUseful
        }
    }
}

#[async_trait]
impl Action for SendFeedback {
    fn spec(&self) -> &'static ActionSpec {
        if self.0 { &USEFUL } else { &NOT_USEFUL }
    }

    fn cli(&self, target: &Target, _at: DateTime<Utc>) -> String {
        format!(
            "aws guardduty update-findings-feedback {} --finding-ids {} --feedback {}",
            cli_base(target),
            q(finding_id(target)),
            self.feedback().as_str()
        )
    }

    async fn recheck(&self, aws: &AwsClients, offer: &Offer) -> Result<(), ActionError> {
        finding_exists(aws, offer).await
    }

    async fn call(&self, aws: &AwsClients, offer: &Offer) -> Result<String, ActionError> {
        let (region, detector_id, id) = finding_ref(&offer.target)?;
        let feedback = self.feedback();
        aws.guardduty(region)?
            .update_findings_feedback()
            .detector_id(detector_id.as_str())
            .finding_ids(id.as_str())
            .feedback(feedback.clone())
            .send()
            .await
            .map_err(|e| refused(&offer.target, self.spec().call, &e))?;
        Ok(format!("feedback {} sent for {id}", feedback.as_str()))
    }
}

#[async_trait]
impl Action for Suppress {
    fn spec(&self) -> &'static ActionSpec {
        &SUPPRESS
    }

    fn cli(&self, target: &Target, _at: DateTime<Utc>) -> String {
        let Target::Finding {
            finding_type,
            resource_kind,
            resource_id,
            ..
        } = target
        else {
            return String::new();
        };
        format!(
            "aws guardduty create-filter {} --name {} --action ARCHIVE --finding-criteria {}",
            cli_base(target),
            suppression_name(finding_type, resource_id),
            q(&suppression_criteria(
                finding_type,
                resource_kind,
                resource_id
            ))
        )
    }

    async fn recheck(&self, aws: &AwsClients, offer: &Offer) -> Result<(), ActionError> {
        finding_exists(aws, offer).await
    }

    async fn call(&self, aws: &AwsClients, offer: &Offer) -> Result<String, ActionError> {
        let Target::Finding {
            region,
            detector_id,
            finding_type,
            resource_kind,
            resource_id,
            ..
        } = &offer.target
        else {
            return Err(other_kind(&offer.target));
        };
        let mut criteria = FindingCriteria::builder()
            .criterion("type", Condition::builder().equals(finding_type).build());
        if let Some(field) = resource_criterion(resource_kind).filter(|_| !resource_id.is_empty()) {
            criteria = criteria.criterion(field, Condition::builder().equals(resource_id).build());
        }
        let name = suppression_name(finding_type, resource_id);
        aws.guardduty(region)?
            .create_filter()
            .detector_id(detector_id.as_str())
            .name(&name)
            .action(FilterAction::Archive)
            .finding_criteria(criteria.build())
            .description("Created by watchpost from a finding")
            .send()
            .await
            .map_err(|e| refused(&offer.target, SUPPRESS.call, &e))?;
        Ok(format!("suppression rule {name} archives new matches"))
    }

    /// New and existing findings of the type on the resource are archived.
    fn archives(&self, target: &Target, finding: &Finding) -> Option<bool> {
        let Target::Finding {
            region,
            finding_type,
            resource_id,
            ..
        } = target
        else {
            return None;
        };
        (*finding.region == **region
            && *finding.finding_type == **finding_type
            && *finding.text.resource_id() == **resource_id)
            .then_some(true)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn archive_and_unarchive_apply_to_their_own_state_only() {
        let target = |archived| Target::Finding {
            account_id: "1".into(),
            region: "r".into(),
            detector_id: "d".into(),
            id: "f".into(),
            finding_type: "t".into(),
            resource_kind: String::new(),
            resource_id: String::new(),
            archived,
        };
        let now = Utc::now();
        let unarchive = Offer::new(ActionId::UnarchiveFinding, target(false), now);
        assert_eq!(
            unarchive.available.map_err(|e| e.to_string()),
            Err("the finding is not archived".to_string())
        );
        let archive = Offer::new(ActionId::ArchiveFinding, target(false), now);
        assert_eq!(archive.available, Ok(()));
        let undo = archive.undo(now).unwrap();
        assert_eq!(undo.action, ActionId::UnarchiveFinding);
        assert_eq!(
            undo.available,
            Ok(()),
            "the undo runs on the archived finding"
        );
        assert!(
            Offer::new(ActionId::ArchiveFinding, target(true), now)
                .available
                .is_err()
        );
    }

    #[test]
    fn suppression_rules_name_the_type_and_resource() {
        let criteria =
            suppression_criteria("Recon:EC2/PortProbeUnprotectedPort", "Instance", "i-1");
        assert!(
            criteria.contains("resource.instanceDetails.instanceId"),
            "{criteria}"
        );
        let name = suppression_name("Recon:EC2/PortProbeUnprotectedPort", "i-1");
        assert_eq!(name, "watchpost-Recon-EC2-PortProbeUnprotectedPort-i-1");
    }
}
