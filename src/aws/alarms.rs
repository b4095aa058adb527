//! CloudWatch: every metric and composite alarm of one region (`DescribeAlarms`, 100 a
//! page). Each poll returns the full set; the console works out the transitions.
//!
//! Recent transitions come from `DescribeAlarmHistory` (state updates of both alarm types):
//! the last day's on the first poll, then only when some alarm's state moved since the
//! previous poll — so a refresh with no change costs ⌈alarms/100⌉ calls and nothing more.
//! History is a convenience: if it cannot be read, the alarms are still returned.

use super::errors::{Call, classify};
use super::to_chrono;
use crate::domain::{
    Alarm, AlarmKind, AlarmListing, AlarmState, AlarmTransition, MetricSpec, NamedArn, SourceId,
    SourceKind, Unreadable,
};
use crate::sources::{Source, SourceData, SourceError, SourceErrorKind};
use async_trait::async_trait;
use aws_sdk_cloudwatch::Client;
use aws_sdk_cloudwatch::types::{
    AlarmHistoryItem, AlarmType, CompositeAlarm, HistoryItemType, MetricAlarm, StateValue,
};
use chrono::{DateTime, Duration, Utc};
use std::collections::HashMap;

const DESCRIBE: Call = Call::new("cloudwatch", "DescribeAlarms");
const HISTORY: Call = Call::new("cloudwatch", "DescribeAlarmHistory");

/// The largest page CloudWatch allows: fewest calls for large accounts.
const PAGE_SIZE: i32 = 100;
/// How far back the first poll reads history, and how many transitions an alarm keeps.
const HISTORY_HOURS: i64 = 24;
const HISTORY_PER_ALARM: usize = 10;
/// A burst of flapping alarms should not turn one refresh into dozens of calls.
const HISTORY_MAX_PAGES: usize = 5;

pub struct AlarmSource {
    id: SourceId,
    client: Client,
    /// Each alarm's state and state time at the previous poll, by name.
    seen: HashMap<String, (AlarmState, DateTime<Utc>)>,
    /// Known transitions by alarm name, newest first.
    history: HashMap<String, Vec<AlarmTransition>>,
    /// When history was last read up to.
    history_until: Option<DateTime<Utc>>,
    /// Why history could not be read, while it is denied.
    history_denied: Option<Unreadable>,
}

impl AlarmSource {
    pub fn new(client: Client, account_id: &str, region: &str) -> Self {
        AlarmSource {
            id: SourceId {
                kind: SourceKind::Alarms,
                account_id: account_id.to_string(),
                region: Some(region.to_string()),
            },
            client,
            seen: HashMap::new(),
            history: HashMap::new(),
            history_until: None,
            history_denied: None,
        }
    }

    /// Reads state updates since `since` into `self.history`.
    async fn read_history(&mut self, since: DateTime<Utc>) -> Result<(), SourceError> {
        let mut pages = self
            .client
            .describe_alarm_history()
            .history_item_type(HistoryItemType::StateUpdate)
            .alarm_types(AlarmType::MetricAlarm)
            .alarm_types(AlarmType::CompositeAlarm)
            .start_date(aws_smithy_types::DateTime::from_secs(since.timestamp()))
            .max_records(PAGE_SIZE)
            .into_paginator()
            .send();
        let mut read = 0;
        while let Some(page) = pages.next().await {
            let page = page.map_err(|e| classify(&self.id, HISTORY, &e))?;
            for item in page.alarm_history_items() {
                let Some((name, transition)) = transition(item) else {
                    continue;
                };
                let list = self.history.entry(name).or_default();
                if !list.contains(&transition) {
                    list.push(transition);
                    list.sort_by_key(|t| std::cmp::Reverse(t.at));
                    list.truncate(HISTORY_PER_ALARM);
                }
            }
            read += 1;
            if read >= HISTORY_MAX_PAGES {
                break;
            }
        }
        Ok(())
    }
}

/// A history item as a transition: the states from its JSON `HistoryData`.
fn transition(item: &AlarmHistoryItem) -> Option<(String, AlarmTransition)> {
    let name = item.alarm_name()?.to_string();
    let at = item.timestamp().and_then(to_chrono)?;
    let data: serde_json::Value = item
        .history_data()
        .and_then(|d| serde_json::from_str(d).ok())
        .unwrap_or_default();
    let state = |key: &str| {
        data.get(key)
            .and_then(|s| s.get("stateValue"))
            .and_then(serde_json::Value::as_str)
            .and_then(AlarmState::parse)
    };
    let to = state("newState")?;
    Some((
        name,
        AlarmTransition {
            at,
            from: state("oldState"),
            to,
            summary: item
                .history_summary()
                .unwrap_or_default()
                .to_string()
                .into(),
        },
    ))
}

#[async_trait]
impl Source for AlarmSource {
    fn id(&self) -> &SourceId {
        &self.id
    }

    async fn poll(&mut self) -> Result<SourceData, SourceError> {
        let started = Utc::now();
        let account = &self.id.account_id;
        let region = self.id.region.as_deref().unwrap_or_default();
        let mut pages = self
            .client
            .describe_alarms()
            .alarm_types(AlarmType::MetricAlarm)
            .alarm_types(AlarmType::CompositeAlarm)
            .max_records(PAGE_SIZE)
            .into_paginator()
            .send();
        let mut alarms = Vec::new();
        // The account, region, topics and metric names the alarms repeat, held once.
        let mut shared = AlarmListing::new(account, region);
        while let Some(page) = pages.next().await {
            let page = page.map_err(|e| classify(&self.id, DESCRIBE, &e))?;
            for alarm in page.metric_alarms() {
                alarms.push(metric_alarm(alarm, &mut shared));
            }
            for alarm in page.composite_alarms() {
                alarms.push(composite_alarm(alarm, &mut shared));
            }
        }

        let moved = alarms
            .iter()
            .any(|a| self.seen.get(a.name()) != Some(&(a.state, a.state_updated)));
        let since = match self.history_until {
            None => Some(started - Duration::hours(HISTORY_HOURS)),
            // A minute of overlap: history is written as the state changes.
            Some(until) if moved => Some(until - Duration::minutes(1)),
            Some(_) => None,
        };
        if let Some(since) = since {
            match self.read_history(since).await {
                Ok(()) => {
                    self.history_until = Some(started);
                    self.history_denied = None;
                }
                // Denied: the alarms are still complete; the pane says what is missing.
                Err(SourceError {
                    kind: SourceErrorKind::AccessDenied { permission },
                    operation,
                    message,
                    ..
                }) => {
                    self.history_denied = Some(Unreadable {
                        permission: permission.unwrap_or(operation),
                        message,
                    });
                }
                Err(error) => {
                    tracing::warn!(source = %self.id, %error, "alarm history unavailable")
                }
            }
        }
        self.seen = alarms
            .iter()
            .map(|a| (a.name().to_string(), (a.state, a.state_updated)))
            .collect();
        self.history.retain(|name, _| self.seen.contains_key(name));
        for alarm in &mut alarms {
            if let Some(history) = self.history.get(alarm.name()) {
                alarm.history = history.clone();
            }
        }
        Ok(SourceData::Alarms {
            alarms,
            history_denied: self.history_denied.clone(),
        })
    }
}

fn state(value: Option<&StateValue>) -> AlarmState {
    match value {
        Some(StateValue::Alarm) => AlarmState::Alarm,
        Some(StateValue::Ok) => AlarmState::Ok,
        // INSUFFICIENT_DATA, and any state a newer API might add: not known to be fine.
        _ => AlarmState::InsufficientData,
    }
}

/// When the state last changed: the transition time when AWS gives it (a reason update
/// without a state change moves only `StateUpdatedTimestamp`).
fn changed_at(
    transitioned: Option<&aws_smithy_types::DateTime>,
    updated: Option<&aws_smithy_types::DateTime>,
) -> DateTime<Utc> {
    transitioned
        .or(updated)
        .and_then(to_chrono)
        .unwrap_or(DateTime::UNIX_EPOCH)
}

/// The fields metric and composite alarms share: their SDK types have the same accessors.
macro_rules! common {
    ($alarm:expr, $shared:expr) => {
        Alarm {
            id: NamedArn::new(
                $alarm.alarm_arn().unwrap_or_default(),
                $alarm.alarm_name().unwrap_or_default(),
            ),
            account_id: $shared.account_id.clone(),
            region: $shared.region.clone(),
            kind: AlarmKind::Metric,
            description: $alarm.alarm_description().map(|d| $shared.name(d)),
            state: state($alarm.state_value()),
            state_reason: $alarm.state_reason().unwrap_or_default().into(),
            state_updated: changed_at(
                $alarm.state_transitioned_timestamp(),
                $alarm.state_updated_timestamp(),
            ),
            metric: None,
            rule: None,
            // AWS's default for a new alarm is enabled.
            actions_enabled: $alarm.actions_enabled().unwrap_or(true),
            alarm_actions: $alarm
                .alarm_actions()
                .iter()
                .map(|topic| $shared.name(topic))
                .collect(),
            history: Vec::new(),
        }
    };
}

pub fn metric_alarm(alarm: &MetricAlarm, shared: &mut AlarmListing) -> Alarm {
    // Metric-math alarms have no single metric: show the expression's ID instead.
    let metric_name = alarm.metric_name().map(str::to_string).unwrap_or_else(|| {
        alarm
            .threshold_metric_id()
            .or_else(|| {
                alarm
                    .metrics()
                    .iter()
                    .find(|m| m.return_data() == Some(true))
                    .and_then(|m| m.id())
            })
            .map(|id| format!("expression {id}"))
            .unwrap_or_else(|| "metric math".to_string())
    });
    let statistic = alarm
        .statistic()
        .map(|s| s.as_str().to_string())
        .or_else(|| alarm.extended_statistic().map(str::to_string))
        .unwrap_or_default();
    Alarm {
        kind: AlarmKind::Metric,
        metric: Some(MetricSpec {
            namespace: shared.name(alarm.namespace().unwrap_or_default()),
            metric_name: shared.name(&metric_name),
            statistic: shared.name(&statistic),
            comparison: shared.name(
                alarm
                    .comparison_operator()
                    .map(|c| c.as_str())
                    .unwrap_or_default(),
            ),
            threshold: alarm.threshold().unwrap_or_default(),
            period_secs: alarm
                .period()
                .and_then(|p| u32::try_from(p).ok())
                .unwrap_or_default(),
            evaluation_periods: alarm
                .evaluation_periods()
                .and_then(|p| u32::try_from(p).ok())
                .unwrap_or_default(),
            dimensions: alarm
                .dimensions()
                .iter()
                .map(|d| {
                    (
                        d.name().unwrap_or_default().to_string(),
                        d.value().unwrap_or_default().to_string(),
                    )
                })
                .collect(),
        }),
        ..common!(alarm, shared)
    }
}

pub fn composite_alarm(alarm: &CompositeAlarm, shared: &mut AlarmListing) -> Alarm {
    Alarm {
        kind: AlarmKind::Composite,
        rule: alarm.alarm_rule().map(Box::from),
        ..common!(alarm, shared)
    }
}
