//! An organisation laid over the demo account, for the console's multi-account screens
//! without the demo organisation: the demo account is the caller's own; a second account,
//! under a read-only rule, holds a copy of some of the demo's us-east-1 alarms, findings
//! and baseline; a third cannot be entered (its role is missing), a fourth is suspended,
//! and a fifth has not been tried yet.

use super::{fixed_now, loaded_app, session};
use std::sync::Arc;
use watchpost::app::{App, Msg, SourceEvent, update};
use watchpost::domain::{
    Discovery, NamedArn, OrgAccount, Organization, Reach, SourceId, SourceKind,
};
use watchpost::sources::demo::DEMO_ACCOUNT_ID;
use watchpost::sources::{SourceData, SourceError, SourceErrorKind};

/// The demo account: the caller's own, the management account.
pub const SECURITY: &str = DEMO_ACCOUNT_ID;
/// Production, under a read-only rule with a banner; data copied from the demo's.
pub const PAYMENTS: &str = "444455556666";
/// Its member role cannot be assumed.
pub const STAGING: &str = "555566667777";
/// Suspended: listed, never read.
pub const SANDBOX: &str = "666677778888";
/// Not tried yet.
pub const DEV: &str = "777788889999";

/// The read-only rule of `PAYMENTS`.
pub const PAYMENTS_RULE: &str = "[[accounts]] match = \"prod-*\"";

/// Why `STAGING` cannot be entered.
pub const STAGING_DENIED: &str = "AssumeRole into arn:aws:iam::555566667777:role/watchpost-audit: AccessDenied: not authorized to perform sts:AssumeRole";

fn account(id: &str, name: &str, ou: &[(&str, &str)], reach: Reach) -> OrgAccount {
    OrgAccount {
        id: id.into(),
        name: name.into(),
        ou_path: ou
            .iter()
            .map(|(name, _)| *name)
            .collect::<Vec<_>>()
            .join("/"),
        ou_ids: std::iter::once("r-ab12")
            .chain(ou.iter().map(|(_, id)| *id))
            .map(str::to_string)
            .collect(),
        reach,
        read_only: None,
        banner: None,
    }
}

/// The organisation as the session opens it: the caller's own account reachable, the
/// suspended one skipped, the members pending.
pub fn organization() -> Organization {
    let workloads = ("Workloads", "ou-ab12-workloads");
    let mut payments = account(
        PAYMENTS,
        "prod-payments",
        &[workloads, ("Prod", "ou-ab12-prod")],
        Reach::Pending,
    );
    payments.read_only = Some(PAYMENTS_RULE.into());
    payments.banner = Some("PRODUCTION".into());
    Organization {
        id: Some("o-abc12345".into()),
        management_account: Some(SECURITY.into()),
        discovery: Discovery::Organizations,
        accounts: vec![
            account(
                SECURITY,
                "security-tooling",
                &[("Security", "ou-ab12-security")],
                Reach::Reachable,
            ),
            payments,
            account(
                STAGING,
                "staging-api",
                &[workloads, ("Staging", "ou-ab12-staging")],
                Reach::Pending,
            ),
            account(
                SANDBOX,
                "old-sandbox",
                &[("Sandbox", "ou-ab12-sandbox")],
                Reach::Skipped("SUSPENDED".into()),
            ),
            account(
                DEV,
                "dev-tools",
                &[workloads, ("Dev", "ou-ab12-dev")],
                Reach::Pending,
            ),
        ],
        member_role: Some("watchpost-audit".into()),
        guardduty_admin: Some(SECURITY.into()),
    }
}

/// The demo account fully loaded, in the organisation; `PAYMENTS`' sources answered and
/// `STAGING`'s failed to assume its role.
pub fn org_app() -> App {
    let mut app = loaded_app();
    app.set_org(Some(organization()));
    for (id, data) in payments_data() {
        update(
            &mut app,
            Msg::Source(SourceEvent::Data {
                id,
                data,
                at: fixed_now(),
            }),
        );
    }
    let id = SourceId {
        kind: SourceKind::Identity,
        account_id: STAGING.into(),
        region: None,
    };
    let error = SourceError {
        source_id: id.clone(),
        operation: "AssumeRole".into(),
        kind: SourceErrorKind::Credentials,
        message: STAGING_DENIED.into(),
    };
    update(
        &mut app,
        Msg::Source(SourceEvent::Polling { id: id.clone() }),
    );
    update(
        &mut app,
        Msg::Source(SourceEvent::Failed {
            id,
            error,
            at: fixed_now(),
        }),
    );
    app
}

/// Some of the demo's us-east-1 data and its account baseline, as `PAYMENTS`' sources
/// would send them.
pub fn payments_data() -> Vec<(SourceId, SourceData)> {
    let mut session = session();
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_time()
        .build()
        .unwrap();
    let mut out = Vec::new();
    for source in &mut session.sources {
        let id = source.id().clone();
        if id.region.as_deref().is_some_and(|r| r != "us-east-1") {
            continue;
        }
        let data = runtime.block_on(source.poll()).unwrap();
        let moved = match data {
            SourceData::Alarms { alarms, .. } => SourceData::alarms(
                alarms
                    .into_iter()
                    .take(6)
                    .map(|mut a| {
                        a.account_id = std::sync::Arc::new(PAYMENTS.into());
                        a.id = NamedArn::new(&a.arn().replace(DEMO_ACCOUNT_ID, PAYMENTS), a.name());
                        a
                    })
                    .collect(),
            ),
            SourceData::Findings {
                mut detector,
                upserts,
                ..
            } => {
                // The account's own detector: another ID than the demo's.
                detector.account_id = PAYMENTS.into();
                detector.detector_id = detector.detector_id.map(|d| format!("p{d}"));
                let account = Arc::new(PAYMENTS.to_string());
                let upserts = upserts
                    .into_iter()
                    .take(8)
                    .map(|mut f| {
                        f.account_id = account.clone();
                        f.detector_id = Arc::new(format!("p{}", f.detector_id));
                        f.id = format!("p{}", f.id).into();
                        f
                    })
                    .collect();
                SourceData::Findings {
                    detector,
                    upserts,
                    complete: true,
                    members: Vec::new(),
                }
            }
            SourceData::RegionalBaseline(mut baseline) => {
                baseline.account_id = PAYMENTS.to_string().into();
                SourceData::RegionalBaseline(baseline)
            }
            SourceData::AccountBaseline(mut baseline) => {
                baseline.account_id = PAYMENTS.to_string().into();
                SourceData::AccountBaseline(baseline)
            }
            SourceData::Identity(mut inventory) => {
                inventory.account_id = PAYMENTS.to_string().into();
                SourceData::Identity(inventory)
            }
        };
        let id = SourceId {
            account_id: PAYMENTS.into(),
            ..id
        };
        out.push((id, moved));
    }
    out
}
