//! An AWS Organization in the emulator, built as an organisation's administrators build one:
//! the emulator's default account ([`ACCOUNT`]) creates the organisation and its member
//! accounts, puts them in OUs, makes the member role in each through the
//! `OrganizationAccountAccessRole` that `CreateAccount` leaves there, delegates GuardDuty to
//! one member, turns GuardDuty on in every member and region, makes the other members the
//! administrator's members, and seeds findings in each member's own detector.
//! Everything goes through the SDK: Organizations as the management account, the rest as the
//! accounts themselves.

use super::emulator::{ACCOUNT, Emulator, trust_policy};
use serde_json::{Value, json};
use std::collections::BTreeMap;

/// The role `CreateAccount` makes in each new account, trusted by the management account.
pub const ACCESS_ROLE: &str = "OrganizationAccountAccessRole";
pub const GUARDDUTY_PRINCIPAL: &str = "guardduty.amazonaws.com";

/// The member accounts' names in the order they are made, and the OU each goes to (a path
/// under the root). Accounts beyond these are `member-N` in `Sandbox`.
const LAYOUT: &[(&str, &str)] = &[
    ("prod", "Workloads/Prod"),
    ("staging", "Workloads/NonProd"),
    ("dev", "Workloads/NonProd"),
    ("sandbox", "Sandbox"),
    ("security", "Security"),
    ("log-archive", "Security"),
];

/// What to seed. Indices name member accounts in the order they are made (`0` is `prod`).
pub struct OrgSeed {
    /// Member accounts, besides the management account (which `ListAccounts` lists too).
    pub accounts: usize,
    /// Members left without the member role.
    pub without_role: Vec<usize>,
    /// Members closed (`SUSPENDED`): no role, no GuardDuty, no findings.
    pub suspended: Vec<usize>,
    /// The role made in each member, trusting the management account.
    pub member_role: String,
    /// An inline policy document for the member role (for tests under IAM enforcement).
    pub member_role_policy: Option<Value>,
    /// AWS managed policies (e.g. `SecurityAudit`) attached to the member role, loaded into
    /// each member account first.
    pub member_role_managed: Vec<String>,
    /// The member that is GuardDuty's delegated administrator, with every other active
    /// member as its member in every region.
    pub guardduty_admin: Option<usize>,
    pub regions: Vec<String>,
    /// Findings seeded in each active member's own detector, per region.
    pub findings_per_member_region: usize,
}

impl Default for OrgSeed {
    fn default() -> Self {
        OrgSeed {
            accounts: 5,
            without_role: Vec::new(),
            suspended: Vec::new(),
            member_role: "WatchpostAudit".to_string(),
            member_role_policy: None,
            member_role_managed: Vec::new(),
            guardduty_admin: None,
            regions: vec!["us-east-1".to_string()],
            findings_per_member_region: 0,
        }
    }
}

/// A member account as seeded.
pub struct OrgAccount {
    pub id: String,
    pub name: String,
    pub email: String,
    /// Its OU's path under the root, e.g. `Workloads/Prod`.
    pub ou_path: String,
    pub ou_id: String,
    pub suspended: bool,
    /// Whether the member role exists in it.
    pub has_role: bool,
    /// Region → its GuardDuty detector (active members only).
    pub detectors: BTreeMap<String, String>,
    /// Region → the IDs of the findings seeded in its own detector.
    pub findings: BTreeMap<String, Vec<String>>,
}

/// The organisation as seeded.
pub struct Org {
    pub id: String,
    pub root_id: String,
    /// The management account: the emulator's default account.
    pub management: String,
    pub member_role: String,
    /// The member accounts, in the order they were made.
    pub accounts: Vec<OrgAccount>,
    /// GuardDuty's delegated administrator, if one was asked for.
    pub guardduty_admin: Option<String>,
    /// OU path → OU ID, parents included (`Workloads`, `Workloads/Prod`, …).
    pub ous: BTreeMap<String, String>,
}

impl Org {
    /// The member role's ARN in `account`.
    pub fn role_arn(&self, account: &str) -> String {
        format!("arn:aws:iam::{account}:role/{}", self.member_role)
    }

    /// The member account named `name` (`prod`, `security`, …).
    pub fn account(&self, name: &str) -> &OrgAccount {
        self.accounts
            .iter()
            .find(|a| a.name == name)
            .unwrap_or_else(|| panic!("no member account named {name}"))
    }

    /// The members that are not suspended.
    pub fn active(&self) -> impl Iterator<Item = &OrgAccount> {
        self.accounts.iter().filter(|a| !a.suspended)
    }
}

fn text(value: &Value, what: &str) -> String {
    value
        .as_str()
        .unwrap_or_else(|| panic!("no {what} in the answer"))
        .to_string()
}

/// The OU at `path` under the root, made (with its parents) if it is not yet.
async fn ou(
    organizations: &aws_sdk_organizations::Client,
    ous: &mut BTreeMap<String, String>,
    root: &str,
    path: &str,
) -> String {
    let mut parent = root.to_string();
    let mut so_far = String::new();
    for name in path.split('/') {
        if !so_far.is_empty() {
            so_far.push('/');
        }
        so_far.push_str(name);
        parent = match ous.get(&so_far) {
            Some(id) => id.clone(),
            None => {
                let id = organizations
                    .create_organizational_unit()
                    .parent_id(&parent)
                    .name(name)
                    .send()
                    .await
                    .unwrap_or_else(|e| panic!("CreateOrganizationalUnit {so_far}: {e:?}"))
                    .organizational_unit
                    .and_then(|ou| ou.id)
                    .unwrap_or_else(|| panic!("CreateOrganizationalUnit {so_far}: no ID"));
                ous.insert(so_far.clone(), id.clone());
                id
            }
        };
    }
    parent
}

impl Emulator {
    /// Seeds an organisation as [`OrgSeed`] asks (see the module's documentation).
    pub async fn seed_organization(&self, seed: &OrgSeed) -> Org {
        let organizations = aws_sdk_organizations::Client::new(&self.sdk("us-east-1").await);
        let id = organizations
            .create_organization()
            .feature_set(aws_sdk_organizations::types::OrganizationFeatureSet::All)
            .send()
            .await
            .unwrap_or_else(|e| panic!("CreateOrganization: {e:?}"))
            .organization
            .and_then(|o| o.id)
            .unwrap_or_else(|| panic!("CreateOrganization: no ID"));
        let root_id = organizations
            .list_roots()
            .send()
            .await
            .unwrap_or_else(|e| panic!("ListRoots: {e:?}"))
            .roots()
            .first()
            .and_then(|r| r.id())
            .unwrap_or_else(|| panic!("ListRoots: no root"))
            .to_string();
        let mut ous = BTreeMap::new();
        let mut accounts = Vec::new();
        for index in 0..seed.accounts {
            let (name, path) = match LAYOUT.get(index) {
                Some((name, path)) => (name.to_string(), path.to_string()),
                None => (format!("member-{}", index + 1), "Sandbox".to_string()),
            };
            let email = format!("{name}@example.com");
            let account = organizations
                .create_account()
                .account_name(&name)
                .email(&email)
                .send()
                .await
                .unwrap_or_else(|e| panic!("CreateAccount {name}: {e:?}"))
                .create_account_status
                .and_then(|s| s.account_id)
                .unwrap_or_else(|| panic!("CreateAccount {name}: no account ID"));
            let ou_id = ou(&organizations, &mut ous, &root_id, &path).await;
            organizations
                .move_account()
                .account_id(&account)
                .source_parent_id(&root_id)
                .destination_parent_id(&ou_id)
                .send()
                .await
                .unwrap_or_else(|e| panic!("MoveAccount {name}: {e:?}"));
            let suspended = seed.suspended.contains(&index);
            let has_role = !suspended && !seed.without_role.contains(&index);
            if suspended {
                organizations
                    .close_account()
                    .account_id(&account)
                    .send()
                    .await
                    .unwrap_or_else(|e| panic!("CloseAccount {name}: {e:?}"));
            }
            accounts.push(OrgAccount {
                id: account,
                name,
                email,
                ou_path: path,
                ou_id,
                suspended,
                has_role,
                detectors: BTreeMap::new(),
                findings: BTreeMap::new(),
            });
        }

        for account in accounts.iter().filter(|a| a.has_role) {
            let iam =
                aws_sdk_iam::Client::new(&self.sdk_as("us-east-1", &access(&account.id)).await);
            iam.create_role()
                .role_name(&seed.member_role)
                .assume_role_policy_document(trust_policy(ACCOUNT))
                .send()
                .await
                .unwrap_or_else(|e| panic!("CreateRole in {}: {e:?}", account.name));
            if let Some(policy) = &seed.member_role_policy {
                iam.put_role_policy()
                    .role_name(&seed.member_role)
                    .policy_name("watchpost")
                    .policy_document(policy.to_string())
                    .send()
                    .await
                    .unwrap_or_else(|e| panic!("PutRolePolicy in {}: {e:?}", account.name));
            }
            for name in &seed.member_role_managed {
                let loaded = self.post(
                    "/_watchpost/iam/aws-managed-policies",
                    &json!({ "accountId": account.id, "names": [name] }),
                );
                iam.attach_role_policy()
                    .role_name(&seed.member_role)
                    .policy_arn(text(&loaded["policyArns"][0], "policy ARN"))
                    .send()
                    .await
                    .unwrap_or_else(|e| {
                        panic!("AttachRolePolicy {name} in {}: {e:?}", account.name)
                    });
            }
        }

        for region in &seed.regions {
            for account in accounts.iter_mut().filter(|a| !a.suspended) {
                let guardduty = aws_sdk_guardduty::Client::new(
                    &self.sdk_as(region, &access(&account.id)).await,
                );
                let detector = guardduty
                    .create_detector()
                    .enable(true)
                    .send()
                    .await
                    .unwrap_or_else(|e| panic!("CreateDetector {} {region}: {e:?}", account.name))
                    .detector_id
                    .unwrap_or_default();
                account.detectors.insert(region.clone(), detector);
            }
        }

        let guardduty_admin = seed.guardduty_admin.map(|i| accounts[i].id.clone());
        if let Some(admin) = &guardduty_admin {
            for region in &seed.regions {
                aws_sdk_guardduty::Client::new(&self.sdk(region).await)
                    .enable_organization_admin_account()
                    .admin_account_id(admin)
                    .send()
                    .await
                    .unwrap_or_else(|e| panic!("EnableOrganizationAdminAccount {region}: {e:?}"));
                let members = accounts
                    .iter()
                    .filter(|a| !a.suspended && &a.id != admin)
                    .map(|a| {
                        aws_sdk_guardduty::types::AccountDetail::builder()
                            .account_id(&a.id)
                            .email(&a.email)
                            .build()
                    })
                    .collect::<Vec<_>>();
                let guardduty =
                    aws_sdk_guardduty::Client::new(&self.sdk_as(region, &access(admin)).await);
                let answer = guardduty
                    .create_members()
                    .detector_id(
                        accounts
                            .iter()
                            .find(|a| &a.id == admin)
                            .and_then(|a| a.detectors.get(region))
                            .unwrap_or_else(|| {
                                panic!("the administrator has no detector in {region}")
                            }),
                    )
                    .set_account_details(Some(members))
                    .send()
                    .await
                    .unwrap_or_else(|e| panic!("CreateMembers {region}: {e:?}"));
                assert!(
                    answer.unprocessed_accounts().is_empty(),
                    "CreateMembers {region}: {:?}",
                    answer.unprocessed_accounts()
                );
            }
        }

        if seed.findings_per_member_region > 0 {
            const TYPES: [&str; 3] = [
                "Recon:EC2/PortProbeUnprotectedPort",
                "UnauthorizedAccess:IAMUser/InstanceCredentialExfiltration.OutsideAWS",
                "Policy:S3/BucketBlockPublicAccessDisabled",
            ];
            for region in &seed.regions {
                for account in accounts.iter_mut().filter(|a| !a.suspended) {
                    let findings: Vec<Value> = (0..seed.findings_per_member_region)
                        .map(|i| {
                            let severity = [2.0, 5.0, 8.0][i % 3];
                            json!({
                                "type": TYPES[i % TYPES.len()],
                                "severity": severity,
                                "title": format!("{} {region} finding {i}", account.name),
                            })
                        })
                        .collect();
                    let answer = self.post(
                        "/_watchpost/guardduty/findings",
                        &json!({ "accountId": account.id, "region": region, "findings": findings }),
                    );
                    let ids = answer["findingIds"]
                        .as_array()
                        .unwrap_or_else(|| panic!("seeding findings failed: {answer}"))
                        .iter()
                        .map(|v| text(v, "finding ID"))
                        .collect();
                    account.findings.insert(region.clone(), ids);
                }
            }
        }

        Org {
            id,
            root_id,
            management: ACCOUNT.to_string(),
            member_role: seed.member_role.clone(),
            accounts,
            guardduty_admin,
            ous,
        }
    }
}

/// [`ACCESS_ROLE`]'s ARN in `account`.
pub fn access(account: &str) -> String {
    format!("arn:aws:iam::{account}:role/{ACCESS_ROLE}")
}
