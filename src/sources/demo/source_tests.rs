//! The demo sources behave like real ones: one identity source, per-region alarms, and
//! findings polls that send everything once and then only changes.

use super::*;
use crate::clock::{Clock, FixedClock};
use crate::domain::{DetectorStatus, SourceId, SourceKind};
use crate::sources::SourceData;
use chrono::TimeDelta;
use std::collections::HashSet;
use std::sync::Mutex;

fn anchor() -> DateTime<Utc> {
    DateTime::from_timestamp(1_795_000_000, 0).unwrap_or_default()
}

/// A clock the test moves by hand.
struct StepClock(Mutex<DateTime<Utc>>);

impl StepClock {
    fn advance(&self, secs: i64) {
        if let Ok(mut now) = self.0.lock() {
            *now += TimeDelta::seconds(secs);
        }
    }
}

impl Clock for StepClock {
    fn now(&self) -> DateTime<Utc> {
        self.0.lock().map(|t| *t).unwrap_or_default()
    }
}

type TestResult = Result<(), String>;

/// The pieces of a findings poll, or why the poll did not produce one.
fn findings_batch(
    polled: Result<SourceData, crate::sources::SourceError>,
) -> Result<(DetectorStatus, Vec<Finding>, bool), String> {
    match polled {
        Ok(SourceData::Findings {
            detector,
            upserts,
            complete,
            ..
        }) => Ok((detector, upserts, complete)),
        Ok(other) => Err(format!("expected findings, got {other:?}")),
        Err(e) => Err(e.to_string()),
    }
}
#[tokio::test]
async fn findings_source_sends_everything_then_only_changes() -> TestResult {
    let clock = Arc::new(StepClock(Mutex::new(anchor())));
    let session = demo_session(DemoOptions::default(), clock.clone());
    let mut findings = session
        .sources
        .into_iter()
        .find(|s| s.id().kind == SourceKind::Findings)
        .ok_or("no findings source")?;
    assert_eq!(findings.id().region.as_deref(), Some("us-east-1"));
    let (detector, upserts, complete) = findings_batch(findings.poll().await)?;
    assert!(complete && detector.enabled);
    assert_eq!(upserts.len(), 30);
    clock.advance(600);
    let (_, changes, complete) = findings_batch(findings.poll().await)?;
    assert!(!complete);
    assert!(!changes.is_empty() && changes.len() < upserts.len());
    let known: HashSet<&str> = upserts.iter().map(|f| &*f.id).collect();
    assert!(
        changes.iter().any(|f| !known.contains(&*f.id)),
        "no new finding"
    );
    assert!(
        changes.iter().any(|f| known.contains(&*f.id)),
        "no updated finding"
    );
    assert!(changes.iter().all(|f| f.updated_at > anchor()));
    let (_, none, complete) = findings_batch(findings.poll().await)?;
    assert!(!complete);
    assert!(none.is_empty(), "an unchanged clock yields no changes");
    Ok(())
}

#[tokio::test]
async fn session_has_one_identity_and_a_source_per_service_and_region() -> TestResult {
    let clock: SharedClock = Arc::new(FixedClock(anchor()));
    let session = demo_session(
        DemoOptions {
            seed: 3,
            scale: DemoScale::uniform(1),
        },
        clock,
    );
    assert!(session.demo);
    assert_eq!(session.regions, DEMO_REGIONS.map(str::to_string).to_vec());
    assert_eq!(
        session.caller.arn,
        "arn:aws:sts::111122223333:assumed-role/SecurityOncall/oncall-demo"
    );
    let ids: Vec<SourceId> = session.sources.iter().map(|s| s.id().clone()).collect();
    assert_eq!(ids.len(), 11);
    assert!(ids.iter().all(|id| id.account_id == DEMO_ACCOUNT_ID));
    assert_eq!(
        ids.iter()
            .filter(|id| id.kind == SourceKind::Identity && id.region.is_none())
            .count(),
        1
    );
    let mut sources = session.sources;
    for source in sources.iter_mut() {
        let region = source.id().region.clone();
        match source.poll().await.map_err(|e| e.to_string())? {
            SourceData::Alarms { alarms, .. } => {
                assert!(!alarms.is_empty());
                assert!(
                    alarms
                        .iter()
                        .all(|a| Some(a.region.as_str()) == region.as_deref())
                );
            }
            SourceData::Findings {
                detector,
                upserts,
                complete,
                ..
            } => {
                assert!(complete);
                let syd = region.as_deref() == Some("ap-southeast-2");
                assert_eq!(detector.enabled, !syd);
                assert_eq!(upserts.is_empty(), syd);
            }
            SourceData::Identity(inv) => assert_eq!(inv.users.len(), 40),
            SourceData::RegionalBaseline(b) => {
                assert_eq!(Some(&*b.region), region.as_ref());
                assert!(b.security_groups.is_ok_and(|g| g.len() >= 3));
            }
            SourceData::AccountBaseline(b) => {
                assert!(region.is_none());
                assert!(b.trails.is_ok_and(|t| t.len() == 1));
            }
        }
    }
    Ok(())
}

#[tokio::test]
async fn large_scale_sources_run_on_the_blocking_pool() {
    let clock: SharedClock = Arc::new(FixedClock(anchor()));
    let mut session = demo_session(
        DemoOptions {
            seed: 1,
            scale: DemoScale::uniform(20),
        },
        clock,
    );
    for source in session.sources.iter_mut().take(3) {
        let polled = source.poll().await;
        assert!(polled.is_ok(), "{polled:?}");
    }
}
