//! The activity view's CloudTrail reads: `LookupEvents` in one account and region, one
//! lookup attribute per call, 50 events a page. Each call first takes a token of its
//! account and region's bucket (2 a second is the API's limit); a `ThrottlingException` is
//! retried after a growing pause, through the bucket again. The SDK's own retries are off
//! on these clients, so no request leaves without a token.

use super::errors::{Call, kind_of};
use super::token_bucket::Buckets;
use crate::domain::{ActivityEvent, ActivityPage, PageRequest};
use crate::sources::SourceErrorKind;
use crate::sources::activity::{ActivityError, ActivityLookup};
use async_trait::async_trait;
use aws_sdk_cloudtrail::types::{LookupAttribute, LookupAttributeKey};
use rand::{Rng, SeedableRng};
use std::collections::HashMap;
use std::time::Duration;

const LOOKUP_EVENTS: Call = Call::new("cloudtrail", "LookupEvents");

/// The most events `LookupEvents` returns in one page.
pub const PAGE_SIZE: i32 = 50;

/// How throttled calls are retried: the first pause, and how many tries in all.
#[derive(Clone, Copy, Debug)]
struct Retry {
    base: Duration,
    max: Duration,
    attempts: u32,
}

impl Default for Retry {
    fn default() -> Self {
        Retry {
            base: Duration::from_secs(1),
            max: Duration::from_secs(16),
            attempts: 8,
        }
    }
}

/// CloudTrail clients of every account of the session, by region.
#[derive(Default)]
pub struct AwsActivity {
    clients: HashMap<String, HashMap<String, aws_sdk_cloudtrail::Client>>,
    buckets: Buckets,
    retry: Retry,
}

impl AwsActivity {
    /// Adds `account`'s clients (one per region it may be asked about).
    pub fn with_account(
        mut self,
        account: &str,
        clients: HashMap<String, aws_sdk_cloudtrail::Client>,
    ) -> AwsActivity {
        self.clients.insert(account.to_string(), clients);
        self
    }

    async fn call(
        &self,
        client: &aws_sdk_cloudtrail::Client,
        request: &PageRequest,
    ) -> Result<ActivityPage, (SourceErrorKind, String)> {
        let query = &request.query;
        let attribute = LookupAttribute::builder()
            .attribute_key(LookupAttributeKey::from(query.key.name()))
            .attribute_value(query.value.clone())
            .build()
            .map_err(|e| (SourceErrorKind::Service, e.to_string()))?;
        let answer = client
            .lookup_events()
            .lookup_attributes(attribute)
            .start_time(aws_smithy_types::DateTime::from_secs(
                request.start.timestamp(),
            ))
            .end_time(aws_smithy_types::DateTime::from_secs(
                request.end.timestamp(),
            ))
            .max_results(PAGE_SIZE)
            .set_next_token(request.token.clone())
            .send()
            .await
            .map_err(|err| kind_of(LOOKUP_EVENTS, &err))?;
        Ok(ActivityPage {
            events: answer.events().iter().map(event).collect(),
            next_token: answer.next_token().map(str::to_string),
        })
    }
}

#[async_trait]
impl ActivityLookup for AwsActivity {
    async fn page(&self, request: &PageRequest) -> Result<ActivityPage, ActivityError> {
        let (query, region) = (&request.query, request.region.as_str());
        let error = |kind, message: String| ActivityError {
            kind,
            region: region.to_string(),
            message,
        };
        let Some(client) = self
            .clients
            .get(&query.account_id)
            .and_then(|regions| regions.get(region))
        else {
            let why = format!("account {} is not reachable here", query.account_id);
            return Err(error(SourceErrorKind::Credentials, why));
        };
        // Jitter needs variety, not secrecy: the clock's nanoseconds seed it.
        let seed = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| u64::from(d.subsec_nanos()));
        let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(seed);
        let mut pause = self.retry.base;
        let mut attempt = 1;
        loop {
            self.buckets.acquire(&query.account_id, region).await;
            match self.call(client, request).await {
                Ok(page) => return Ok(page),
                Err((SourceErrorKind::Throttled, _)) if attempt < self.retry.attempts => {
                    tracing::debug!(region, attempt, "LookupEvents throttled; backing off");
                    // Between half and all of the pause, so retries do not march in step.
                    let jitter = rng.random_range(0.5..=1.0);
                    tokio::time::sleep(pause.mul_f64(jitter)).await;
                    pause = (pause * 2).min(self.retry.max);
                    attempt += 1;
                }
                Err((kind, message)) => return Err(error(kind, message)),
            }
        }
    }
}

/// An SDK event as a domain event: the columns from the record CloudTrail sent, which
/// holds what the summary fields do not (source IP, user agent, region, error code).
fn event(e: &aws_sdk_cloudtrail::types::Event) -> ActivityEvent {
    let raw = e.cloud_trail_event().unwrap_or_default().to_string();
    let record: serde_json::Value = serde_json::from_str(&raw).unwrap_or_default();
    let text = |pointer: &str| {
        record
            .pointer(pointer)
            .and_then(serde_json::Value::as_str)
            .map(str::to_string)
    };
    let principal = e
        .username()
        .map(str::to_string)
        .or_else(|| text("/userIdentity/userName"))
        .or_else(|| text("/userIdentity/arn"))
        .unwrap_or_default();
    let read_only = e
        .read_only()
        .map(|r| r.eq_ignore_ascii_case("true"))
        .or_else(|| record.get("readOnly").and_then(serde_json::Value::as_bool));
    ActivityEvent {
        id: e.event_id().unwrap_or_default().to_string(),
        time: e
            .event_time()
            .and_then(super::to_chrono)
            .unwrap_or(chrono::DateTime::UNIX_EPOCH),
        name: e.event_name().unwrap_or_default().to_string(),
        source: e.event_source().unwrap_or_default().to_string(),
        principal,
        access_key: e
            .access_key_id()
            .map(str::to_string)
            .or_else(|| text("/userIdentity/accessKeyId")),
        source_ip: text("/sourceIPAddress").unwrap_or_default(),
        user_agent: text("/userAgent").unwrap_or_default(),
        region: text("/awsRegion").unwrap_or_default(),
        error_code: text("/errorCode"),
        read_only,
        raw,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_event_takes_its_columns_from_the_record() {
        let record = r#"{"eventTime":"2026-01-02T03:04:05Z","sourceIPAddress":"198.51.100.7",
            "userAgent":"aws-cli/2","awsRegion":"eu-west-1","errorCode":"AccessDenied",
            "userIdentity":{"arn":"arn:aws:iam::1:user/bob","accessKeyId":"AKIAB"},
            "readOnly":false}"#;
        let sdk = aws_sdk_cloudtrail::types::Event::builder()
            .event_id("e1")
            .event_name("CreateUser")
            .event_source("iam.amazonaws.com")
            .event_time(aws_smithy_types::DateTime::from_secs(1_767_323_045))
            .cloud_trail_event(record)
            .build();
        let e = event(&sdk);
        assert_eq!(e.principal, "arn:aws:iam::1:user/bob");
        assert_eq!(e.access_key.as_deref(), Some("AKIAB"));
        assert_eq!(
            (
                e.source_ip.as_str(),
                e.user_agent.as_str(),
                e.region.as_str()
            ),
            ("198.51.100.7", "aws-cli/2", "eu-west-1")
        );
        assert_eq!(e.error_code.as_deref(), Some("AccessDenied"));
        assert_eq!(e.read_only, Some(false));
        assert_eq!(e.raw, record);
    }
}
