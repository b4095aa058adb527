use super::Severity;
use super::SharedText;
use super::shared_text::pack;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use std::borrow::Cow;

/// Separates a label from its value, and one fact from the next, in [`FindingDetails`].
const LABEL_END: char = '\u{1f}';
const FACT_END: char = '\u{1e}';

/// The labels GuardDuty findings carry most often, stored as one character each.
const KNOWN_LABELS: &[&str] = &[
    "API",
    "Action",
    "Bucket",
    "Caller type",
    "Cluster",
    "Direction",
    "Domain",
    "Image ID",
    "Instance type",
    "Kubernetes user",
    "Local port",
    "Namespace",
    "Pod",
    "Port",
    "Private IP",
    "Probed port",
    "Protocol",
    "Remote IP",
    "Remote country",
    "Remote org",
    "Remote port",
    "Service",
    "Tag: Name",
    "Trail",
    "User agent",
    "User name",
    "User type",
];

/// Known labels are coded from here, in Unicode's private use area.
const CODE_BASE: u32 = 0xE000;

fn label_code(position: usize) -> Option<char> {
    u32::try_from(position)
        .ok()
        .and_then(|p| char::from_u32(CODE_BASE + p))
}

fn is_code(c: char) -> bool {
    (CODE_BASE..CODE_BASE + 0x1000).contains(&u32::from(c))
}

/// A stored label as written: a code stands for its known label.
fn decode_label(stored: &str) -> &str {
    let mut chars = stored.chars();
    match (chars.next(), chars.next()) {
        (Some(c), None) if is_code(c) => (u32::from(c) - CODE_BASE)
            .try_into()
            .ok()
            .and_then(|p: usize| KNOWN_LABELS.get(p))
            .copied()
            .unwrap_or(stored),
        _ => stored,
    }
}

/// A finding's labelled facts, packed in one string: at 100,000 findings of five facts each,
/// a vector of string pairs costs some 40 MB, this a third of it. The separators are
/// control characters, removed from what is pushed, so no value can forge a fact.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct FindingDetails(String);

impl FindingDetails {
    pub fn push(&mut self, label: &str, value: &str) {
        let clean = |c: &char| *c != LABEL_END && *c != FACT_END;
        match KNOWN_LABELS.iter().position(|known| *known == label) {
            // A known label is one character: its position past CODE_BASE.
            Some(code) => self.0.extend(label_code(code)),
            // Private-use characters are dropped from other labels, so none reads as a code.
            None => self
                .0
                .extend(label.chars().filter(clean).filter(|c| !is_code(*c))),
        }
        self.0.push(LABEL_END);
        self.0.extend(value.chars().filter(clean));
        self.0.push(FACT_END);
    }

    pub fn facts(&self) -> Facts<'_> {
        Facts(&self.0)
    }

    /// Drops spare room once complete.
    pub fn shrink_to_fit(&mut self) {
        self.0.shrink_to_fit();
    }
}

/// A finding's labelled facts as stored (see [`FindingDetails`]), to read.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Facts<'a>(&'a str);

impl<'a> Facts<'a> {
    /// Each (label, value), in the order pushed.
    pub fn iter(self) -> impl Iterator<Item = (&'a str, &'a str)> {
        self.0.split_terminator(FACT_END).map(|fact| {
            let (label, value) = fact.split_once(LABEL_END).unwrap_or((fact, ""));
            (decode_label(label), value)
        })
    }

    /// The value of the first fact with this label.
    pub fn get(self, label: &str) -> Option<&'a str> {
        self.iter().find(|(l, _)| *l == label).map(|(_, v)| v)
    }
}

/// As a list of `[label, value]` pairs, the shape the facts have.
impl Serialize for Facts<'_> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_seq(self.iter())
    }
}

impl<L: AsRef<str>, V: AsRef<str>> FromIterator<(L, V)> for FindingDetails {
    fn from_iter<I: IntoIterator<Item = (L, V)>>(facts: I) -> Self {
        let mut details = FindingDetails::default();
        for (label, value) in facts {
            details.push(label.as_ref(), value.as_ref());
        }
        details.shrink_to_fit();
        details
    }
}

/// The AWS resource a GuardDuty finding is about (its ID and facts are in [`FindingText`]).
#[derive(Clone, Debug, PartialEq)]
pub struct FindingResource {
    /// GuardDuty's `ResourceType`: `Instance`, `AccessKey`, `S3Bucket`, `EKSCluster`, …
    pub kind: SharedText,
}

/// A finding's title, description, resource ID and labelled facts (user name, IP, port,
/// tags…) in one allocation: four strings would cost 100,000 findings some 10 MB more in
/// pointers and allocator headers.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FindingText {
    text: Box<str>,
    title_end: u32,
    description_end: u32,
    resource_end: u32,
}

impl FindingText {
    pub fn new(
        title: &str,
        description: &str,
        resource_id: &str,
        details: &FindingDetails,
    ) -> Self {
        let (text, [title_end, description_end, resource_end, _]) =
            pack([title, description, resource_id, &details.0]);
        FindingText {
            text,
            title_end,
            description_end,
            resource_end,
        }
    }

    pub fn title(&self) -> &str {
        self.text.get(..self.title_end as usize).unwrap_or_default()
    }

    pub fn description(&self) -> &str {
        self.text
            .get(self.title_end as usize..self.description_end as usize)
            .unwrap_or_default()
    }

    /// The most useful identifier of the resource: instance ID, access key ID, bucket name, …
    pub fn resource_id(&self) -> &str {
        self.text
            .get(self.description_end as usize..self.resource_end as usize)
            .unwrap_or_default()
    }

    /// Further labelled facts for the detail view.
    pub fn details(&self) -> Facts<'_> {
        Facts(
            self.text
                .get(self.resource_end as usize..)
                .unwrap_or_default(),
        )
    }
}

/// A GuardDuty finding. The strings most findings repeat (account, region, detector, type)
/// are shared (see [`Interner`]): at 100,000 findings, copies of them cost tens of MB.
#[derive(Clone, Debug, PartialEq)]
pub struct Finding {
    // Text that never changes is boxed (no spare capacity, 8 bytes less than a String):
    // at 100,000 findings each field saves about a megabyte.
    pub id: Box<str>,
    pub account_id: SharedText,
    pub region: SharedText,
    pub detector_id: SharedText,
    /// e.g. `Recon:EC2/PortProbeUnprotectedPort`.
    pub finding_type: SharedText,
    /// Title, description and resource ID.
    pub text: FindingText,
    /// GuardDuty's numeric severity (1.0–10.0).
    pub severity_score: f64,
    pub resource: FindingResource,
    /// How many times GuardDuty has seen this activity (`Service.Count`).
    pub count: u64,
    pub first_seen: DateTime<Utc>,
    pub last_seen: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub archived: bool,
    /// What some findings have and many do not (see [`FindingExtra`]).
    pub extra: Option<Box<FindingExtra>>,
}

/// What a finding may have beside its fields, boxed apart: a finding without (every
/// GuardDuty finding with its usual ARN) holds one empty pointer, 8 bytes. Not the JSON
/// GuardDuty sent: the detail view reads it when it opens (`sources::finding_json`).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct FindingExtra {
    /// The ARN when it is not the one [`Finding::arn`] builds from the other fields;
    /// GuardDuty's ARNs always are, and 100,000 copies of them would cost some 15 MB.
    unusual_arn: Option<Box<str>>,
}

impl Finding {
    pub fn severity(&self) -> Severity {
        Severity::from_guardduty_score(self.severity_score)
    }

    /// The labelled facts about the resource and the activity.
    pub fn details(&self) -> Facts<'_> {
        self.text.details()
    }

    /// `arn:PARTITION:guardduty:REGION:ACCOUNT:detector/DETECTOR/finding/ID`.
    pub fn arn(&self) -> Cow<'_, str> {
        match self.extra.as_ref().and_then(|e| e.unusual_arn.as_deref()) {
            Some(arn) => Cow::Borrowed(arn),
            None => Cow::Owned(self.usual_arn()),
        }
    }

    /// Changes the extra fields; none left, none held.
    fn change_extra(&mut self, change: impl FnOnce(&mut FindingExtra)) {
        let mut extra = self.extra.take().unwrap_or_default();
        change(&mut extra);
        if *extra != FindingExtra::default() {
            self.extra = Some(extra);
        }
    }

    fn usual_arn(&self) -> String {
        format!(
            "arn:{}:guardduty:{}:{}:detector/{}/finding/{}",
            partition(&self.region),
            self.region,
            self.account_id,
            self.detector_id,
            self.id
        )
    }

    /// Keeps `arn` only if the other fields do not already give it.
    pub fn set_arn(&mut self, arn: &str) {
        let unusual = (arn != self.usual_arn()).then(|| arn.into());
        self.change_extra(|extra| extra.unusual_arn = unusual);
    }
}

/// The finding's fields, its ARN among them (built when it is the usual one); not the raw
/// JSON, which is GuardDuty's own text.
impl Serialize for Finding {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeStruct;
        let mut out = serializer.serialize_struct("Finding", 16)?;
        out.serialize_field("id", &self.id)?;
        out.serialize_field("arn", &self.arn())?;
        out.serialize_field("account_id", &self.account_id)?;
        out.serialize_field("region", &self.region)?;
        out.serialize_field("detector_id", &self.detector_id)?;
        out.serialize_field("finding_type", &self.finding_type)?;
        out.serialize_field("title", self.text.title())?;
        out.serialize_field("description", self.text.description())?;
        out.serialize_field("severity_score", &self.severity_score)?;
        out.serialize_field(
            "resource",
            &ResourceView {
                kind: &self.resource.kind,
                id: self.text.resource_id(),
                details: self.details(),
            },
        )?;
        out.serialize_field("count", &self.count)?;
        out.serialize_field("first_seen", &self.first_seen)?;
        out.serialize_field("last_seen", &self.last_seen)?;
        out.serialize_field("updated_at", &self.updated_at)?;
        out.serialize_field("archived", &self.archived)?;
        out.end()
    }
}

/// A finding's resource as it is written out: kind, ID and facts together.
#[derive(Serialize)]
struct ResourceView<'a> {
    kind: &'a str,
    id: &'a str,
    details: Facts<'a>,
}

/// The AWS partition a region belongs to.
fn partition(region: &str) -> &'static str {
    if region.starts_with("cn-") {
        "aws-cn"
    } else if region.starts_with("us-gov-") {
        "aws-us-gov"
    } else if region.starts_with("us-iso-") {
        "aws-iso"
    } else if region.starts_with("us-isob-") {
        "aws-iso-b"
    } else {
        "aws"
    }
}

/// Whether GuardDuty is on in a region; a region without a detector is a failing check.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct DetectorStatus {
    pub account_id: String,
    pub region: String,
    /// The account's own detector; `None` when it has none, or when it is a member whose
    /// detector the delegated administrator manages (its ID is the member's, not listed).
    pub detector_id: Option<String>,
    pub enabled: bool,
    /// The GuardDuty delegated administrator that manages this member account's detector
    /// and lists its findings; `enabled` is then the administrator's detector's.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub administrator: Option<String>,
}

/// A plain finding for tests elsewhere in the crate.
#[cfg(test)]
pub(crate) fn sample(id: &str, region: &str) -> Finding {
    use std::sync::Arc;
    Finding {
        id: id.into(),
        account_id: Arc::new("111122223333".into()),
        region: Arc::new(region.into()),
        detector_id: Arc::new("d1".into()),
        finding_type: Arc::new("Recon:EC2/PortProbeUnprotectedPort".into()),
        text: FindingText::new("", "", "i-1", &FindingDetails::default()),
        severity_score: 5.0,
        resource: FindingResource {
            kind: Arc::new("Instance".into()),
        },
        count: 1,
        first_seen: DateTime::UNIX_EPOCH,
        last_seen: DateTime::UNIX_EPOCH,
        updated_at: DateTime::UNIX_EPOCH,
        archived: false,
        extra: None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn finding(region: &str) -> Finding {
        sample("f1", region)
    }

    /// An organisation of 500 accounts holds some 120,000 findings.
    #[test]
    fn a_finding_stays_within_152_bytes() {
        let size = std::mem::size_of::<Finding>();
        assert!(size <= 152, "{size} bytes");
    }

    #[test]
    fn the_arn_is_built_unless_it_differs() {
        let mut f = finding("us-east-1");
        let usual = "arn:aws:guardduty:us-east-1:111122223333:detector/d1/finding/f1";
        f.set_arn(usual);
        assert_eq!((f.arn().as_ref(), &f.extra), (usual, &None));
        let mut gov = finding("us-gov-west-1");
        gov.set_arn("arn:aws-us-gov:guardduty:us-gov-west-1:111122223333:detector/d1/finding/f1");
        assert_eq!(gov.extra, None);
        let odd = "arn:aws:guardduty:us-east-1:111122223333:detector/d1/finding/other";
        f.set_arn(odd);
        assert_eq!(f.arn(), odd, "kept as given");
    }

    #[test]
    fn the_packed_text_gives_back_each_part() {
        let none = FindingDetails::default();
        let text = FindingText::new("Port probe", "Ports of i-1 were probed.", "i-1", &none);
        assert_eq!(
            (text.title(), text.description(), text.resource_id()),
            ("Port probe", "Ports of i-1 were probed.", "i-1")
        );
        let empty = FindingText::new("", "", "", &none);
        assert_eq!(
            (empty.title(), empty.description(), empty.resource_id()),
            ("", "", "")
        );
        let wide = FindingText::new("é", "ü", "ø", &none);
        assert_eq!(
            (wide.title(), wide.description(), wide.resource_id()),
            ("é", "ü", "ø")
        );
        let huge = "é".repeat(1 << 20);
        let cut = FindingText::new(&huge, "d", "r", &none);
        assert_eq!(cut.title().len(), 1 << 20, "cut at a character boundary");
        assert_eq!((cut.description(), cut.resource_id()), ("d", "r"));
        let facts: FindingDetails = [("User name", "alice"), ("Port", "22")]
            .into_iter()
            .collect();
        let with_facts = FindingText::new("t", "d", "r", &facts);
        assert_eq!(
            (
                with_facts.resource_id(),
                with_facts.details().iter().collect::<Vec<_>>()
            ),
            ("r", vec![("User name", "alice"), ("Port", "22")])
        );
        assert_eq!(text.details(), Facts::default(), "none given, none read");
    }

    #[test]
    fn details_keep_their_order_and_cannot_be_forged() {
        let details: FindingDetails = [
            ("User name", "alice"),
            ("Note", "x\u{1e}Forged\u{1f}yes"),
            ("Empty", ""),
        ]
        .into_iter()
        .collect();
        let facts: Vec<(&str, &str)> = details.facts().iter().collect();
        assert_eq!(
            facts,
            [
                ("User name", "alice"),
                ("Note", "xForgedyes"),
                ("Empty", "")
            ]
        );
        assert_eq!(details.facts().get("User name"), Some("alice"));
        assert_eq!(details.facts().get("Forged"), None);
        assert!(FindingDetails::default().facts().iter().next().is_none());
    }

    #[test]
    fn every_known_label_reads_back_and_a_code_cannot_be_smuggled_in() {
        let details: FindingDetails = KNOWN_LABELS.iter().map(|l| (*l, "v")).collect();
        let labels: Vec<&str> = details.facts().iter().map(|(l, _)| l).collect();
        assert_eq!(labels, KNOWN_LABELS);
        let smuggled: FindingDetails = [("\u{E000}", "x"), ("Tag: \u{E001}env", "y")]
            .into_iter()
            .collect();
        let labels: Vec<&str> = smuggled.facts().iter().map(|(l, _)| l).collect();
        assert_eq!(labels, ["", "Tag: env"]);
    }
}
