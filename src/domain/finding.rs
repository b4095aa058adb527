use super::Severity;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use std::borrow::Cow;
use std::sync::Arc;

/// The AWS resource a GuardDuty finding is about.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct FindingResource {
    /// GuardDuty's `ResourceType`: `Instance`, `AccessKey`, `S3Bucket`, `EKSCluster`, …
    pub kind: Arc<str>,
    /// The most useful identifier: instance ID, access key ID, bucket name, …
    pub id: String,
    /// Further labelled facts for the detail view (user name, IP, port, tags…); the labels
    /// are mostly fixed words, borrowed rather than copied into every finding.
    pub details: Vec<(Cow<'static, str>, String)>,
}

/// A GuardDuty finding. The strings most findings repeat (account, region, detector, type)
/// are shared (see [`Interner`]): at 100,000 findings, copies of them cost tens of MB.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Finding {
    pub id: String,
    pub arn: String,
    pub account_id: Arc<str>,
    pub region: Arc<str>,
    pub detector_id: Arc<str>,
    /// e.g. `Recon:EC2/PortProbeUnprotectedPort`.
    pub finding_type: Arc<str>,
    pub title: String,
    pub description: String,
    /// GuardDuty's numeric severity (1.0–10.0).
    pub severity_score: f64,
    pub resource: FindingResource,
    /// How many times GuardDuty has seen this activity (`Service.Count`).
    pub count: u64,
    pub first_seen: DateTime<Utc>,
    pub last_seen: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub archived: bool,
    /// The finding exactly as GuardDuty sent it (compact JSON), for the detail view; `None`
    /// where there is no wire form (the demo account).
    #[serde(skip)]
    pub raw_json: Option<String>,
}

impl Finding {
    pub fn severity(&self) -> Severity {
        Severity::from_guardduty_score(self.severity_score)
    }
}

/// Whether GuardDuty is on in a region; a region without a detector is a failing check.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct DetectorStatus {
    pub account_id: String,
    pub region: String,
    pub detector_id: Option<String>,
    pub enabled: bool,
}

/// Hands out one shared copy of each repeated string, so every finding of a region points
/// at the same account ID, region, detector and type instead of holding its own.
#[derive(Debug, Default)]
pub struct Interner(std::collections::HashSet<Arc<str>>);

impl Interner {
    pub fn get(&mut self, text: &str) -> Arc<str> {
        if let Some(shared) = self.0.get(text) {
            return shared.clone();
        }
        let shared: Arc<str> = Arc::from(text);
        self.0.insert(shared.clone());
        shared
    }
}
