use super::{Interner, NamedArn, SharedText};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub enum AlarmState {
    Ok,
    Alarm,
    InsufficientData,
}

impl AlarmState {
    /// Parses CloudWatch's wire spelling.
    pub fn parse(text: &str) -> Option<AlarmState> {
        match text {
            "OK" => Some(AlarmState::Ok),
            "ALARM" => Some(AlarmState::Alarm),
            "INSUFFICIENT_DATA" => Some(AlarmState::InsufficientData),
            _ => None,
        }
    }

    /// The CloudWatch wire spelling, which is also what engineers read in the console.
    pub fn label(self) -> &'static str {
        match self {
            AlarmState::Ok => "OK",
            AlarmState::Alarm => "ALARM",
            AlarmState::InsufficientData => "INSUFFICIENT_DATA",
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum AlarmKind {
    Metric,
    Composite,
}

/// What a metric alarm watches and how it compares.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct MetricSpec {
    // Shared: an account's alarms name a few namespaces, statistics and operators many
    // times over.
    pub namespace: SharedText,
    pub metric_name: SharedText,
    pub statistic: SharedText,
    /// CloudWatch's operator name, e.g. `GreaterThanOrEqualToThreshold`.
    pub comparison: SharedText,
    pub threshold: f64,
    pub period_secs: u32,
    pub evaluation_periods: u32,
    pub dimensions: Vec<(String, String)>,
}

impl MetricSpec {
    /// `>= 80` style shorthand for the table.
    pub fn condition(&self) -> String {
        let op = match self.comparison.as_str() {
            "GreaterThanOrEqualToThreshold" => ">=",
            "GreaterThanThreshold" => ">",
            "LessThanThreshold" => "<",
            "LessThanOrEqualToThreshold" => "<=",
            "LessThanLowerOrGreaterThanUpperThreshold" => "outside",
            "LessThanLowerThreshold" => "< lower",
            "GreaterThanUpperThreshold" => "> upper",
            other => other,
        };
        format!("{op} {}", trim_float(self.threshold))
    }
}

fn trim_float(value: f64) -> String {
    if value.fract() == 0.0 && value.abs() < 1e15 {
        format!("{value:.0}")
    } else {
        format!("{value}")
    }
}

/// One change of an alarm's state, from `DescribeAlarmHistory` or seen between two polls.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AlarmTransition {
    pub at: DateTime<Utc>,
    /// `None` when the history entry does not say (e.g. the alarm's creation).
    pub from: Option<AlarmState>,
    pub to: AlarmState,
    /// CloudWatch's history summary; a fixed text for transitions the console saw itself
    /// (up to ten per alarm, for a whole session: no copy of it each).
    pub summary: std::borrow::Cow<'static, str>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Alarm {
    /// The ARN, which ends in the name (see [`Alarm::arn`], [`Alarm::name`]).
    pub id: NamedArn,
    /// Shared by the alarms of a region.
    pub account_id: SharedText,
    pub region: SharedText,
    pub kind: AlarmKind,
    /// Shared within a listing: alarms made from one template repeat their description.
    pub description: Option<SharedText>,
    pub state: AlarmState,
    /// Boxed (8 bytes less than a String, no spare room): an organisation holds tens of
    /// thousands of alarms.
    pub state_reason: Box<str>,
    pub state_updated: DateTime<Utc>,
    /// Present for metric alarms.
    pub metric: Option<MetricSpec>,
    /// Present for composite alarms: the alarm rule expression.
    pub rule: Option<Box<str>>,
    pub actions_enabled: bool,
    /// Shared: many alarms notify the same few topics.
    pub alarm_actions: Vec<SharedText>,
    /// Recent state changes known to the source, newest first (may be empty).
    pub history: Vec<AlarmTransition>,
}

impl Alarm {
    pub fn arn(&self) -> &str {
        self.id.arn()
    }

    pub fn name(&self) -> &str {
        self.id.name()
    }
}

/// What the alarms of one listing share, their account and region, and the names they
/// repeat (topics, namespaces, metrics, statistics), each held once.
pub struct AlarmListing {
    pub account_id: SharedText,
    pub region: SharedText,
    names: Interner,
}

impl AlarmListing {
    pub fn new(account_id: &str, region: &str) -> Self {
        let mut names = Interner::default();
        AlarmListing {
            account_id: names.get(account_id),
            region: names.get(region),
            names,
        }
    }

    /// The one shared copy of `text`.
    pub fn name(&mut self, text: &str) -> SharedText {
        self.names.get(text)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn condition_uses_operator_shorthand_and_trims_whole_numbers() {
        let spec = MetricSpec {
            namespace: SharedText::new("AWS/EC2".into()),
            metric_name: SharedText::new("CPUUtilization".into()),
            statistic: SharedText::new("Average".into()),
            comparison: SharedText::new("GreaterThanOrEqualToThreshold".into()),
            threshold: 80.0,
            period_secs: 300,
            evaluation_periods: 2,
            dimensions: vec![],
        };
        assert_eq!(spec.condition(), ">= 80");
        let spec = MetricSpec {
            threshold: 0.5,
            comparison: SharedText::new("LessThanThreshold".into()),
            ..spec
        };
        assert_eq!(spec.condition(), "< 0.5");
    }
}
