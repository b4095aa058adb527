//! Who holds which policies, from `GetAccountAuthorizationDetails` (paged, 1,000 entities a
//! page): every user's groups and policies, every role's policies, and which of them grant
//! full administrative access (see [`crate::posture::policy`]). One paged call per account
//! instead of several calls per user.

use super::errors::{Call, classify};
use crate::domain::{IamRole, Interner, ListInterner, SharedList, SourceId};
use crate::posture::policy::{self, Assessment};
use crate::sources::SourceError;
use aws_sdk_iam::Client;
use aws_sdk_iam::types::{AttachedPolicy, EntityType, ManagedPolicyDetail, PolicyDetail};
use std::collections::HashMap;

const DETAILS: Call = Call::new("iam", "GetAccountAuthorizationDetails");
const PAGE_SIZE: i32 = 1000;

/// The AWS managed admin policy, recognised by ARN in case its document is not returned.
const ADMINISTRATOR_ACCESS: &str = "arn:aws:iam::aws:policy/AdministratorAccess";
const AWS_MANAGED_PREFIX: &str = "arn:aws:iam::aws:policy/";

/// One user's share of the authorization details.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct UserGrants {
    pub groups: SharedList,
    pub policies: SharedList,
    pub admin_via: SharedList,
}

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Authorization {
    pub users: HashMap<String, UserGrants>,
    pub roles: Vec<IamRole>,
    pub admin_managed_policies: Vec<String>,
    /// Policy documents that could not be read; they count as not granting admin, and the
    /// admin checks say so.
    pub unreadable: Vec<String>,
}

/// Fetches and evaluates the account's authorization details.
pub async fn fetch(client: &Client, id: &SourceId) -> Result<Authorization, SourceError> {
    let mut pages = client
        .get_account_authorization_details()
        .filter(EntityType::User)
        .filter(EntityType::Group)
        .filter(EntityType::Role)
        .filter(EntityType::LocalManagedPolicy)
        .filter(EntityType::AwsManagedPolicy)
        .max_items(PAGE_SIZE)
        .into_paginator()
        .send();
    let mut details = Details::default();
    while let Some(page) = pages.next().await {
        let page = page.map_err(|e| classify(id, DETAILS, &e))?;
        for managed in page.policies() {
            details.add_managed(managed);
        }
        for group in page.group_detail_list() {
            let name = group.group_name().unwrap_or_default().to_string();
            let mut grants = inline(group.group_policy_list());
            grants.extend(attached(group.attached_managed_policies()));
            details.groups.insert(name, grants);
        }
        for user in page.user_detail_list() {
            let mut grants = inline(user.user_policy_list());
            grants.extend(attached(user.attached_managed_policies()));
            details.users.push(PrincipalGrants {
                name: user.user_name().unwrap_or_default().to_string(),
                arn: user.arn().unwrap_or_default().to_string(),
                path: String::new(),
                groups: user.group_list().to_vec(),
                grants,
            });
        }
        for role in page.role_detail_list() {
            let mut grants = inline(role.role_policy_list());
            grants.extend(attached(role.attached_managed_policies()));
            details.roles.push(PrincipalGrants {
                name: role.role_name().unwrap_or_default().to_string(),
                arn: role.arn().unwrap_or_default().to_string(),
                path: role.path().unwrap_or("/").to_string(),
                groups: Vec::new(),
                grants,
            });
        }
    }
    Ok(details.evaluate())
}

/// How a policy reaches a principal, before the managed documents are known (they may come
/// on a later page).
enum Grant {
    Inline { name: String, document: String },
    Attached { name: String, arn: String },
}

struct PrincipalGrants {
    name: String,
    arn: String,
    path: String,
    groups: Vec<String>,
    grants: Vec<Grant>,
}

#[derive(Default)]
struct Details {
    /// Managed policy ARN → (name, default version's document).
    managed: HashMap<String, (String, Option<String>)>,
    groups: HashMap<String, Vec<Grant>>,
    users: Vec<PrincipalGrants>,
    roles: Vec<PrincipalGrants>,
}

fn inline(list: &[PolicyDetail]) -> Vec<Grant> {
    list.iter()
        .map(|p| Grant::Inline {
            name: p.policy_name().unwrap_or_default().to_string(),
            document: p.policy_document().unwrap_or_default().to_string(),
        })
        .collect()
}

fn attached(list: &[AttachedPolicy]) -> Vec<Grant> {
    list.iter()
        .map(|p| Grant::Attached {
            name: p.policy_name().unwrap_or_default().to_string(),
            arn: p.policy_arn().unwrap_or_default().to_string(),
        })
        .collect()
}

impl Details {
    fn add_managed(&mut self, policy: &ManagedPolicyDetail) {
        let default = policy.default_version_id();
        let document = policy
            .policy_version_list()
            .iter()
            .find(|v| v.is_default_version() || (default.is_some() && v.version_id() == default))
            .and_then(|v| v.document())
            .map(str::to_string);
        let arn = policy.arn().unwrap_or_default();
        // The name is the ARN's last segment when the answer leaves PolicyName out.
        let name = policy
            .policy_name()
            .filter(|n| !n.is_empty())
            .unwrap_or_else(|| arn.rsplit('/').next().unwrap_or_default());
        self.managed
            .insert(arn.to_string(), (name.to_string(), document));
    }

    /// A document that cannot be read counts as granting nothing, and is listed.
    fn assess(&self, grant: &Grant, unreadable: &mut Vec<String>) -> Assessment {
        let (name, document) = match grant {
            Grant::Inline { name, document } => (name, Some(document.as_str())),
            Grant::Attached { name, arn } => match self.managed.get(arn) {
                Some((_, Some(document))) => (name, Some(document.as_str())),
                // Not returned (or without a document): only the AWS admin policy is known
                // by name to grant everything.
                _ => {
                    return Assessment {
                        allows_admin: (arn == ADMINISTRATOR_ACCESS)
                            .then_some(policy::AdminGrant::Wildcard { conditional: false }),
                        denies_all: false,
                    };
                }
            },
        };
        policy::assess(document.unwrap_or_default()).unwrap_or_else(|e| {
            let problem = format!("{name}: {e}");
            if !unreadable.contains(&problem) {
                unreadable.push(problem);
            }
            Assessment::default()
        })
    }

    /// Labels and assessments of a principal's own grants and those of its groups.
    fn labelled(
        &self,
        principal: &PrincipalGrants,
        unreadable: &mut Vec<String>,
    ) -> Vec<(String, Assessment)> {
        let mut out = Vec::new();
        for grant in &principal.grants {
            out.push((label(grant, None), self.assess(grant, unreadable)));
        }
        for group in &principal.groups {
            for grant in self
                .groups
                .get(group)
                .map(Vec::as_slice)
                .unwrap_or_default()
            {
                out.push((label(grant, Some(group)), self.assess(grant, unreadable)));
            }
        }
        out
    }

    fn evaluate(self) -> Authorization {
        let mut authorization = Authorization::default();
        let mut unreadable = Vec::new();
        // Every user of a group names the same group and policies, in the same lists: held
        // once.
        let mut names = Interner::default();
        let mut lists = ListInterner::default();
        for user in &self.users {
            let labelled = self.labelled(user, &mut unreadable);
            let mut shared = |texts: &mut dyn Iterator<Item = &String>| -> SharedList {
                lists.get(texts.map(|text| names.get(text)).collect())
            };
            let grants = UserGrants {
                groups: shared(&mut user.groups.iter()),
                policies: shared(&mut labelled.iter().map(|(l, _)| l)),
                admin_via: shared(&mut policy::admin_via(&labelled).iter()),
            };
            authorization.users.insert(user.name.clone(), grants);
        }
        for role in &self.roles {
            let labelled = self.labelled(role, &mut unreadable);
            authorization.roles.push(IamRole {
                name: role.name.clone(),
                arn: role.arn.clone(),
                service_linked: role.path.starts_with("/aws-service-role/"),
                admin_via: policy::admin_via(&labelled)
                    .iter()
                    .map(|text| names.get(text))
                    .collect(),
            });
        }
        let mut admin_policies: Vec<String> = self
            .managed
            .iter()
            .filter(|(arn, _)| !arn.starts_with(AWS_MANAGED_PREFIX))
            .filter_map(|(_, (name, document))| {
                let assessment = policy::assess(document.as_deref()?).ok()?;
                assessment.allows_admin.map(|_| name.clone())
            })
            .collect();
        admin_policies.sort();
        authorization.admin_managed_policies = admin_policies;
        authorization.roles.sort_by(|a, b| a.name.cmp(&b.name));
        authorization.unreadable = unreadable;
        authorization
    }
}

fn label(grant: &Grant, group: Option<&str>) -> String {
    match (grant, group) {
        (Grant::Inline { name, .. }, None) => format!("{name} (inline)"),
        (Grant::Attached { name, .. }, None) => format!("{name} (attached)"),
        (Grant::Inline { name, .. }, Some(group)) => format!("{name} (inline, via group {group})"),
        (Grant::Attached { name, .. }, Some(group)) => format!("{name} (via group {group})"),
    }
}
