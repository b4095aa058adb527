//! Reading every source exactly once, a bounded number at a time, then merging the results
//! through the console's own data path.

use crate::domain::{Severity, SourceId};
use crate::posture::Thresholds;
use crate::sources::{Source, SourceData, SourceError, SourceErrorKind};
use crate::store::Data;
use chrono::{DateTime, Utc};
use futures::StreamExt;
use std::time::Duration;

/// One source finished (successfully or not): for a progress line.
#[derive(Clone, Copy, Debug)]
pub struct Progress<'a> {
    pub done: usize,
    pub total: usize,
    pub finished: &'a SourceId,
}

/// What every source returned, merged: the console's data with its derived check results,
/// and the sources that failed.
#[derive(Debug, Default)]
pub struct Collected {
    pub data: Data,
    pub errors: Vec<SourceError>,
}

/// Polls every source once, at most `concurrent` at a time, each bounded by `timeout`
/// (a source that does not answer in time is a [`SourceErrorKind::Timeout`] error). Results
/// come back in the order of `sources`, whatever order they finished in, so the report does
/// not depend on timing.
pub async fn collect(
    sources: &mut [Box<dyn Source>],
    concurrent: usize,
    timeout: Duration,
    on_progress: &mut dyn FnMut(Progress<'_>),
) -> Vec<(SourceId, Result<SourceData, SourceError>)> {
    let total = sources.len();
    let polls = sources
        .iter_mut()
        .enumerate()
        .map(|(index, source)| async move {
            let id = source.id().clone();
            let result = match tokio::time::timeout(timeout, source.poll()).await {
                Ok(result) => result,
                Err(_) => Err(SourceError {
                    source_id: id.clone(),
                    operation: "poll".to_string(),
                    kind: SourceErrorKind::Timeout,
                    message: format!("no answer within {}s", timeout.as_secs()),
                }),
            };
            (index, id, result)
        });
    let mut finished = futures::stream::iter(polls).buffer_unordered(concurrent.max(1));
    let mut slots: Vec<Option<(SourceId, Result<SourceData, SourceError>)>> =
        (0..total).map(|_| None).collect();
    let mut done = 0;
    while let Some((index, id, result)) = finished.next().await {
        done += 1;
        on_progress(Progress {
            done,
            total,
            finished: &id,
        });
        if let Some(slot) = slots.get_mut(index) {
            *slot = Some((id, result));
        }
    }
    slots.into_iter().flatten().collect()
}

/// Feeds the results to [`Data::apply`] in order, then [`Data::derive`] once at `now`: the
/// same path, checks and severities as the console.
pub fn assemble(
    results: Vec<(SourceId, Result<SourceData, SourceError>)>,
    thresholds: &Thresholds,
    alarm_severity: Severity,
    now: DateTime<Utc>,
) -> Collected {
    let mut collected = Collected::default();
    for (id, result) in results {
        match result {
            Ok(data) => {
                collected.data.apply(&id, data);
            }
            Err(error) => collected.errors.push(error),
        }
    }
    collected.data.derive_all(thresholds, alarm_severity, now);
    collected
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::SourceKind;
    use async_trait::async_trait;

    struct Fake {
        id: SourceId,
        delay: Duration,
        fail: bool,
    }

    #[async_trait]
    impl Source for Fake {
        fn id(&self) -> &SourceId {
            &self.id
        }

        async fn poll(&mut self) -> Result<SourceData, SourceError> {
            tokio::time::sleep(self.delay).await;
            if self.fail {
                return Err(SourceError {
                    source_id: self.id.clone(),
                    operation: "DescribeAlarms".into(),
                    kind: SourceErrorKind::AccessDenied { permission: None },
                    message: "no".into(),
                });
            }
            Ok(SourceData::alarms(Vec::new()))
        }
    }

    fn fake(region: &str, delay_ms: u64, fail: bool) -> Box<dyn Source> {
        Box::new(Fake {
            id: SourceId {
                kind: SourceKind::Alarms,
                account_id: "1".into(),
                region: Some(region.into()),
            },
            delay: Duration::from_millis(delay_ms),
            fail,
        })
    }

    #[tokio::test(start_paused = true)]
    async fn results_keep_source_order_and_slow_sources_time_out() {
        let mut sources = vec![
            fake("a", 300, false),
            fake("b", 10, true),
            fake("c", 5_000, false),
        ];
        let mut seen = Vec::new();
        let results = collect(&mut sources, 2, Duration::from_secs(1), &mut |p| {
            seen.push((p.done, p.total, p.finished.region.clone()));
        })
        .await;
        let regions: Vec<_> = results
            .iter()
            .map(|(id, _)| id.region.clone().unwrap_or_default())
            .collect();
        assert_eq!(regions, ["a", "b", "c"]);
        assert!(results[0].1.is_ok());
        assert!(results[1].1.is_err());
        let timeout = results[2].1.as_ref().err().map(|e| e.kind.clone());
        assert_eq!(timeout, Some(SourceErrorKind::Timeout));
        assert_eq!(seen.len(), 3);
        assert_eq!(seen[0], (1, 3, Some("b".to_string())), "fastest first");
        assert!(seen.iter().all(|(_, total, _)| *total == 3));
    }
}
