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
    pub namespace: String,
    pub metric_name: String,
    pub statistic: String,
    /// CloudWatch's operator name, e.g. `GreaterThanOrEqualToThreshold`.
    pub comparison: String,
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
    pub summary: String,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Alarm {
    pub arn: String,
    pub name: String,
    pub account_id: String,
    pub region: String,
    pub kind: AlarmKind,
    pub description: Option<String>,
    pub state: AlarmState,
    pub state_reason: String,
    pub state_updated: DateTime<Utc>,
    /// Present for metric alarms.
    pub metric: Option<MetricSpec>,
    /// Present for composite alarms: the alarm rule expression.
    pub rule: Option<String>,
    pub actions_enabled: bool,
    pub alarm_actions: Vec<String>,
    /// Recent state changes known to the source, newest first (may be empty).
    pub history: Vec<AlarmTransition>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn condition_uses_operator_shorthand_and_trims_whole_numbers() {
        let spec = MetricSpec {
            namespace: "AWS/EC2".into(),
            metric_name: "CPUUtilization".into(),
            statistic: "Average".into(),
            comparison: "GreaterThanOrEqualToThreshold".into(),
            threshold: 80.0,
            period_secs: 300,
            evaluation_periods: 2,
            dimensions: vec![],
        };
        assert_eq!(spec.condition(), ">= 80");
        let spec = MetricSpec {
            threshold: 0.5,
            comparison: "LessThanThreshold".into(),
            ..spec
        };
        assert_eq!(spec.condition(), "< 0.5");
    }
}
