//! CloudWatch: every metric and composite alarm of one region (`DescribeAlarms`, paged).
//! Each poll returns the full set; the console works out the transitions.

use super::errors::{Call, classify};
use super::to_chrono;
use crate::domain::{Alarm, AlarmKind, AlarmState, MetricSpec, SourceId, SourceKind};
use crate::sources::{Source, SourceData, SourceError};
use async_trait::async_trait;
use aws_sdk_cloudwatch::Client;
use aws_sdk_cloudwatch::types::{AlarmType, CompositeAlarm, MetricAlarm, StateValue};
use chrono::{DateTime, Utc};

const DESCRIBE: Call = Call::new("cloudwatch", "DescribeAlarms");

/// The largest page CloudWatch allows: fewest calls for large accounts.
const PAGE_SIZE: i32 = 100;

pub struct AlarmSource {
    id: SourceId,
    client: Client,
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
        }
    }
}

#[async_trait]
impl Source for AlarmSource {
    fn id(&self) -> &SourceId {
        &self.id
    }

    async fn poll(&mut self) -> Result<SourceData, SourceError> {
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
        while let Some(page) = pages.next().await {
            let page = page.map_err(|e| classify(&self.id, DESCRIBE, &e))?;
            alarms.extend(
                page.metric_alarms()
                    .iter()
                    .map(|a| metric_alarm(a, account, region)),
            );
            alarms.extend(
                page.composite_alarms()
                    .iter()
                    .map(|a| composite_alarm(a, account, region)),
            );
        }
        Ok(SourceData::Alarms(alarms))
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

pub fn metric_alarm(alarm: &MetricAlarm, account_id: &str, region: &str) -> Alarm {
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
        arn: alarm.alarm_arn().unwrap_or_default().to_string(),
        name: alarm.alarm_name().unwrap_or_default().to_string(),
        account_id: account_id.to_string(),
        region: region.to_string(),
        kind: AlarmKind::Metric,
        description: alarm.alarm_description().map(str::to_string),
        state: state(alarm.state_value()),
        state_reason: alarm.state_reason().unwrap_or_default().to_string(),
        state_updated: changed_at(
            alarm.state_transitioned_timestamp(),
            alarm.state_updated_timestamp(),
        ),
        metric: Some(MetricSpec {
            namespace: alarm.namespace().unwrap_or_default().to_string(),
            metric_name,
            statistic,
            comparison: alarm
                .comparison_operator()
                .map(|c| c.as_str().to_string())
                .unwrap_or_default(),
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
        rule: None,
        // AWS's default for a new alarm is enabled.
        actions_enabled: alarm.actions_enabled().unwrap_or(true),
        alarm_actions: alarm.alarm_actions().to_vec(),
    }
}

pub fn composite_alarm(alarm: &CompositeAlarm, account_id: &str, region: &str) -> Alarm {
    Alarm {
        arn: alarm.alarm_arn().unwrap_or_default().to_string(),
        name: alarm.alarm_name().unwrap_or_default().to_string(),
        account_id: account_id.to_string(),
        region: region.to_string(),
        kind: AlarmKind::Composite,
        description: alarm.alarm_description().map(str::to_string),
        state: state(alarm.state_value()),
        state_reason: alarm.state_reason().unwrap_or_default().to_string(),
        state_updated: changed_at(
            alarm.state_transitioned_timestamp(),
            alarm.state_updated_timestamp(),
        ),
        metric: None,
        rule: alarm.alarm_rule().map(str::to_string),
        actions_enabled: alarm.actions_enabled().unwrap_or(true),
        alarm_actions: alarm.alarm_actions().to_vec(),
    }
}
