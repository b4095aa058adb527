//! The Findings tab's archived view (`:archived`): GuardDuty's archived findings, listed
//! once per detector when the view is opened (or refreshed), never with the polls, and
//! dropped when it is left.

use super::Data;
use crate::domain::Finding;
use crate::sources::SourceError;
use crate::sources::archived::{ArchivedListing, ArchivedRequest};

#[derive(Clone, Debug, Default, PartialEq)]
pub struct ArchivedFindings {
    /// The Findings tab shows these instead of the unarchived findings.
    pub shown: bool,
    pub findings: Vec<Finding>,
    /// Detectors asked and not answered yet.
    pub pending: Vec<ArchivedRequest>,
    /// How many detectors were asked in all.
    pub asked: usize,
    /// Listings that failed, as the user reads them.
    pub errors: Vec<String>,
    /// Detectors that hold more than were listed (the newest are).
    pub cut: usize,
}

impl ArchivedFindings {
    /// Whether some detector has not answered yet.
    pub fn loading(&self) -> bool {
        !self.pending.is_empty()
    }
}

impl Data {
    /// Opens the archived view (or lists it again): one request per enabled detector
    /// known, whose answers [`Data::archived_listed`] takes. A member's detector managed
    /// by GuardDuty's delegated administrator is not asked: the administrator's lists its
    /// findings.
    pub fn open_archived(&mut self) -> Vec<ArchivedRequest> {
        let requests: Vec<ArchivedRequest> = self
            .detectors
            .iter()
            .filter(|d| d.enabled)
            .filter_map(|d| {
                Some(ArchivedRequest {
                    account_id: d.account_id.clone(),
                    region: d.region.clone(),
                    detector_id: d.detector_id.clone()?,
                })
            })
            .collect();
        self.archived = ArchivedFindings {
            shown: true,
            findings: Vec::new(),
            pending: requests.clone(),
            asked: requests.len(),
            errors: Vec::new(),
            cut: 0,
        };
        self.changed();
        requests
    }

    /// Leaves the archived view: the Findings tab shows the unarchived findings again.
    pub fn close_archived(&mut self) {
        self.archived = ArchivedFindings::default();
        self.changed();
    }

    /// One detector's answer; one the view no longer waits for (it was left, or opened
    /// again since) is dropped. Says whether it was taken.
    pub fn archived_listed(
        &mut self,
        request: &ArchivedRequest,
        result: Result<ArchivedListing, SourceError>,
    ) -> bool {
        let Some(at) = self.archived.pending.iter().position(|r| r == request) else {
            return false;
        };
        self.archived.pending.remove(at);
        match result {
            Ok(listing) => {
                self.archived.cut += usize::from(listing.more);
                // An unarchived finding is never shown as archived, whatever was asked.
                let listed = listing.findings.into_iter().filter(|f| f.archived);
                self.archived.findings.extend(listed);
            }
            Err(error) => self.archived.errors.push(error.to_string()),
        }
        self.changed();
        true
    }

    /// An action done while the view is shown: a finding it unarchived leaves the view at
    /// once (the next poll brings it back to the unarchived findings).
    pub(super) fn archived_action_done(&mut self, offer: &crate::remediation::Offer) {
        self.archived
            .findings
            .retain(|f| crate::remediation::effects::archives(f, offer) != Some(false));
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::DetectorStatus;
    use crate::sources::{SourceErrorKind, archived::ArchivedListing};

    fn detector(account: &str, region: &str, id: Option<&str>) -> DetectorStatus {
        DetectorStatus {
            account_id: account.into(),
            region: region.into(),
            detector_id: id.map(str::to_string),
            enabled: true,
            administrator: id.is_none().then(|| "999999999999".to_string()),
        }
    }

    fn archived_finding(id: &str, archived: bool) -> Finding {
        let mut finding = crate::domain::sample_finding(id, "us-east-1");
        finding.archived = archived;
        finding
    }

    #[test]
    fn each_own_detector_is_asked_once_and_stale_answers_are_dropped() {
        let mut data = Data::default();
        data.detectors = vec![
            detector("111122223333", "us-east-1", Some("d1")),
            detector("111122223333", "eu-west-1", Some("d2")),
            // Managed by the administrator, whose detector lists its findings.
            detector("444455556666", "us-east-1", None),
        ];
        let requests = data.open_archived();
        assert_eq!(requests.len(), 2);
        assert!(data.archived.shown && data.archived.loading());

        let listing = ArchivedListing {
            findings: vec![archived_finding("a", true), archived_finding("b", false)],
            more: true,
        };
        assert!(data.archived_listed(&requests[0], Ok(listing.clone())));
        assert_eq!(data.archived.findings.len(), 1, "only archived ones");
        assert_eq!(data.archived.cut, 1);
        assert!(!data.archived_listed(&requests[0], Ok(listing)), "answered");
        let error = SourceError {
            source_id: requests[1].source_id(),
            operation: "ListFindings".into(),
            kind: SourceErrorKind::AccessDenied { permission: None },
            message: "no".into(),
        };
        assert!(data.archived_listed(&requests[1], Err(error)));
        assert!(!data.archived.loading());
        assert_eq!(data.archived.errors.len(), 1);

        data.close_archived();
        assert!(!data.archived.shown && data.archived.findings.is_empty());
        assert!(!data.archived_listed(&requests[0], Ok(ArchivedListing::default())));
    }
}
