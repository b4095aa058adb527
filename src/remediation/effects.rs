//! What each action does to the data, stated once: used to show an action's effect over a
//! credential report that predates it, and by the demo account to carry actions out.

use super::catalog::QUARANTINE_POLICY;
use super::{ActionId, Offer, Target};
use crate::domain::{
    AccessKeyStatus, AccountBaseline, Alarm, Finding, IamUser, IdentityInventory,
    PublicAccessBlock, RegionalBaseline,
};

/// The user named `name`, to change: the users are copied first if they are shared.
fn user_mut<'a>(inventory: &'a mut IdentityInventory, name: &str) -> Option<&'a mut IamUser> {
    let position = inventory.users.iter().position(|u| u.name == name)?;
    std::sync::Arc::make_mut(&mut inventory.users).get_mut(position)
}

/// What `offer` does to IAM users, as the data would show it.
pub fn apply_to_identity(inventory: &mut IdentityInventory, offer: &Offer) {
    match &offer.target {
        Target::AccessKey { user, key, .. } => {
            let Some(user) = user_mut(inventory, user) else {
                return;
            };
            match offer.action {
                ActionId::DeleteKey => user.access_keys.retain(|k| &k.id != key),
                ActionId::DeactivateKey | ActionId::ReactivateKey => {
                    for k in user.access_keys.iter_mut().filter(|k| &k.id == key) {
                        k.status = if offer.action == ActionId::DeactivateKey {
                            AccessKeyStatus::Inactive
                        } else {
                            AccessKeyStatus::Active
                        };
                    }
                }
                _ => {}
            }
        }
        Target::User { name, .. } => {
            let Some(user) = user_mut(inventory, name) else {
                return;
            };
            let label = format!("{QUARANTINE_POLICY} (inline)");
            match offer.action {
                ActionId::DeleteLoginProfile => user.password = None,
                ActionId::QuarantineUser => {
                    if !user.policies.contains(&label) {
                        user.policies.push(label);
                    }
                    // Denied everything: no longer admin, whatever else applies.
                    user.admin_via.clear();
                }
                ActionId::ReleaseUser => user.policies.retain(|p| p != &label),
                _ => {}
            }
        }
        _ => {}
    }
}

/// What `offer` does to an alarm.
pub fn apply_to_alarm(alarm: &mut Alarm, offer: &Offer) {
    if let Target::Alarm { region, name, .. } = &offer.target {
        if &alarm.region == region && &alarm.name == name {
            match offer.action {
                ActionId::DisableAlarmActions => alarm.actions_enabled = false,
                ActionId::EnableAlarmActions => alarm.actions_enabled = true,
                _ => {}
            }
        }
    }
}

/// Whether `offer` archives `finding`: archiving it, or a suppression rule it matches.
/// An unarchive after an archive is handled by the caller applying offers in order.
pub fn archives(finding: &Finding, offer: &Offer) -> Option<bool> {
    let Target::Finding {
        region,
        id,
        finding_type,
        resource_id,
        ..
    } = &offer.target
    else {
        return None;
    };
    if *finding.region != **region {
        return None;
    }
    match offer.action {
        ActionId::ArchiveFinding if *finding.id == **id => Some(true),
        ActionId::UnarchiveFinding if *finding.id == **id => Some(false),
        ActionId::SuppressFinding
            if *finding.finding_type == **finding_type
                && *finding.text.resource_id() == **resource_id =>
        {
            Some(true)
        }
        _ => None,
    }
}

/// What `offer` does to a region's baseline: a revoked rule leaves its group, a restored
/// one comes back, EBS encryption by default turns on or off.
pub fn apply_to_regional(baseline: &mut RegionalBaseline, offer: &Offer) {
    if offer.target.account_id() != baseline.account_id
        || offer.target.region() != Some(baseline.region.as_str())
    {
        return;
    }
    match (&offer.target, offer.action) {
        (
            Target::IngressRule { group_id, rule, .. },
            ActionId::RevokeIngress | ActionId::RestoreIngress,
        ) => {
            let Ok(groups) = baseline.security_groups.as_mut() else {
                return;
            };
            let Some(group) = groups.iter_mut().find(|g| &g.id == group_id) else {
                return;
            };
            group.open_ingress.retain(|r| r != rule);
            if offer.action == ActionId::RestoreIngress {
                group.open_ingress.push(rule.clone());
            }
        }
        (Target::EbsDefaults { .. }, ActionId::EnableEbsDefaultEncryption) => {
            baseline.ebs_encryption_by_default = Ok(true);
        }
        (Target::EbsDefaults { .. }, ActionId::DisableEbsDefaultEncryption) => {
            baseline.ebs_encryption_by_default = Ok(false);
        }
        _ => {}
    }
}

/// What `offer` does to the account's baseline: Block Public Access on, a trail logging.
pub fn apply_to_account(baseline: &mut AccountBaseline, offer: &Offer) {
    if offer.target.account_id() != baseline.account_id {
        return;
    }
    match (&offer.target, offer.action) {
        (Target::PublicAccessBlock { .. }, ActionId::BlockPublicAccess) => {
            baseline.public_access_block = Ok(Some(PublicAccessBlock::ALL_ON));
        }
        (Target::Trail { arn, .. }, ActionId::StartTrailLogging) => {
            if let Ok(trails) = baseline.trails.as_mut() {
                for trail in trails.iter_mut().filter(|t| &t.arn == arn) {
                    trail.logging = Ok(true);
                }
            }
        }
        _ => {}
    }
}
