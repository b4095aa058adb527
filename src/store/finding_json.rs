//! The JSON of the finding whose detail is open, as GuardDuty sent it: one finding's, read
//! when its detail opens (see `sources::finding_json`), dropped when another opens.

use super::Data;
use crate::domain::Finding;
use crate::sources::SourceError;
use crate::sources::finding_json::FindingJsonRequest;

/// Where the open finding's JSON stands.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum FindingJson {
    /// Asked for; not back yet.
    Reading,
    /// As GuardDuty sent it (compact).
    Read(Box<str>),
    /// There is none: the demo has no wire form, or GuardDuty no longer has the finding.
    Absent,
    /// The read failed: why.
    Failed(String),
}

/// The finding the JSON is of, and where it stands.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct OpenFindingJson {
    pub finding_id: Box<str>,
    pub json: FindingJson,
}

impl Data {
    /// How to read `finding`'s JSON: through the detector it was listed by, with that
    /// detector's account's clients (a member's finding through GuardDuty's delegated
    /// administrator).
    pub fn finding_json_request(&self, finding: &Finding) -> FindingJsonRequest {
        let detector_account = self
            .detectors
            .iter()
            .find(|d| {
                d.detector_id.as_deref() == Some(finding.detector_id.as_str())
                    && d.region == *finding.region
            })
            .map_or(finding.account_id.as_str(), |d| d.account_id.as_str());
        FindingJsonRequest::of(finding, detector_account)
    }

    /// `request` is asked for (its finding's detail opened); the JSON of the finding opened
    /// before is dropped.
    pub fn read_finding_json(&mut self, request: &FindingJsonRequest) {
        self.finding_json = Some(OpenFindingJson {
            finding_id: request.finding_id.as_str().into(),
            json: FindingJson::Reading,
        });
        self.changed();
    }

    /// The answer to [`Data::read_finding_json`]; kept only if that finding's JSON is
    /// still the one awaited.
    pub fn finding_json_read(
        &mut self,
        request: &FindingJsonRequest,
        result: Result<Option<String>, SourceError>,
    ) {
        let Some(open) = self
            .finding_json
            .as_mut()
            .filter(|open| *open.finding_id == *request.finding_id)
        else {
            return;
        };
        open.json = match result {
            Ok(Some(json)) => FindingJson::Read(json.into_boxed_str()),
            Ok(None) => FindingJson::Absent,
            Err(err) => FindingJson::Failed(err.to_string()),
        };
        self.changed();
    }

    /// The JSON of `finding`, if it is the one whose detail is open.
    pub fn json_of(&self, finding: &Finding) -> Option<&FindingJson> {
        self.finding_json
            .as_ref()
            .filter(|open| open.finding_id == finding.id)
            .map(|open| &open.json)
    }
}
