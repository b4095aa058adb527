//! One worker per source: polls on an interval with jitter, keeps at most one request in
//! flight (a refresh asked for while one is pending is coalesced into it), backs off
//! exponentially with jitter on throttling and transient faults, and bounds every poll by a
//! timeout. Workers only send messages; they never touch UI state.

use crate::app::{Msg, SourceEvent};
use crate::clock::SharedClock;
use crate::domain::SourceKind;
use crate::sources::{Source, SourceError, SourceErrorKind};
use rand::rngs::SmallRng;
use rand::{Rng, SeedableRng};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;
use tokio::sync::{Notify, Semaphore, mpsc};
use tokio::task::JoinHandle;

#[derive(Clone, Copy, Debug, PartialEq)]
pub struct PollSettings {
    pub interval: Duration,
    /// Each poll is abandoned after this long.
    pub timeout: Duration,
    /// The first retry waits this long; each further failure doubles it.
    pub backoff_base: Duration,
    pub backoff_max: Duration,
    /// Interval jitter as a fraction of the interval (0.1 = ±10 %), so many workers do not
    /// hit the API in lockstep.
    pub jitter: f64,
}

impl PollSettings {
    pub fn every(interval: Duration) -> Self {
        PollSettings {
            interval,
            timeout: Duration::from_secs(30),
            backoff_base: Duration::from_secs(2),
            backoff_max: Duration::from_secs(300),
            jitter: 0.1,
        }
    }
}

/// How often each source polls. One account: every source at the console's interval. Many
/// accounts: findings (one source per region through the GuardDuty administrator) and
/// alarms at the console's interval unless `[org.refresh]` says otherwise, the baseline
/// and IAM on their slower schedules, so hundreds of accounts spread their calls out.
#[derive(Clone, Debug, PartialEq)]
pub struct Schedule {
    default: PollSettings,
    by_kind: Vec<(crate::domain::SourceKind, Duration)>,
}

impl Schedule {
    pub fn every_source(poll: PollSettings) -> Schedule {
        Schedule {
            default: poll,
            by_kind: Vec::new(),
        }
    }

    pub fn organisation(poll: PollSettings, refresh: &crate::config::OrgRefresh) -> Schedule {
        use crate::domain::SourceKind;
        let mut by_kind = vec![
            (SourceKind::Baseline, Duration::from_secs(refresh.baseline)),
            (SourceKind::Identity, Duration::from_secs(refresh.identity)),
        ];
        if let Some(alarms) = refresh.alarms {
            by_kind.push((SourceKind::Alarms, Duration::from_secs(alarms)));
        }
        Schedule {
            default: poll,
            by_kind,
        }
    }

    /// The poll settings of a source of `kind`.
    pub fn of(&self, kind: crate::domain::SourceKind) -> PollSettings {
        match self.by_kind.iter().find(|(k, _)| *k == kind) {
            Some((_, interval)) => PollSettings {
                interval: *interval,
                ..self.default
            },
            None => self.default,
        }
    }
}

/// Lets the console ask a worker for an immediate poll, and stops it when dropped.
pub struct WorkerHandle {
    refresh: Arc<Notify>,
    /// Set by `refresh`: the poll it asks for lists everything ([`Source::relist`]).
    relist: Arc<AtomicBool>,
    task: JoinHandle<()>,
}

impl WorkerHandle {
    /// Requests a full poll now (see [`Source::relist`]). Several requests before the
    /// worker gets to it make one poll.
    pub fn refresh(&self) {
        self.relist.store(true, Ordering::SeqCst);
        self.refresh.notify_one();
    }
}

impl Drop for WorkerHandle {
    fn drop(&mut self) {
        self.task.abort();
    }
}

/// Bounds how many sources poll at once, across regions and accounts, so a wide fan-out
/// does not open dozens of connections or trip account-wide API rate limits; and paces the
/// polls of each service, so hundreds of accounts' sources falling due together start a
/// few milliseconds apart instead of in one burst.
#[derive(Clone, Debug)]
pub struct PollLimit {
    concurrent: Arc<Semaphore>,
    pacers: Arc<[(SourceKind, tokio::sync::Mutex<tokio::time::Instant>); 4]>,
}

/// Eight concurrent polls: enough for a few services over several regions, well under the
/// per-account API rate limits.
pub const DEFAULT_CONCURRENT_POLLS: usize = 8;

/// Polls of one service start at least this far apart: at most 50 a second, which keeps
/// up with 1,500 alarm sources (500 accounts × 3 regions) polled every minute.
pub const SERVICE_SPACING: Duration = Duration::from_millis(20);

pub fn poll_limit(concurrent: usize) -> PollLimit {
    let now = tokio::time::Instant::now();
    let pacer = |kind| (kind, tokio::sync::Mutex::new(now));
    PollLimit {
        concurrent: Arc::new(Semaphore::new(concurrent.max(1))),
        pacers: Arc::new(SourceKind::ALL.map(pacer)),
    }
}

impl PollLimit {
    /// Waits for this service's next start slot, then for room under the global limit.
    async fn acquire(&self, kind: SourceKind) -> Option<tokio::sync::SemaphorePermit<'_>> {
        if let Some((_, next)) = self.pacers.iter().find(|(k, _)| *k == kind) {
            let slot = {
                let mut next = next.lock().await;
                let slot = (*next).max(tokio::time::Instant::now());
                *next = slot + SERVICE_SPACING;
                slot
            };
            tokio::time::sleep_until(slot).await;
        }
        // The semaphore is never closed; if it were, polling unbounded beats stopping.
        self.concurrent.acquire().await.ok()
    }
}

pub fn spawn(
    source: Box<dyn Source>,
    settings: PollSettings,
    clock: SharedClock,
    tx: mpsc::UnboundedSender<Msg>,
    limit: PollLimit,
) -> WorkerHandle {
    let refresh = Arc::new(Notify::new());
    let relist = Arc::new(AtomicBool::new(false));
    let wake = Wake {
        refresh: refresh.clone(),
        relist: relist.clone(),
    };
    let task = tokio::spawn(run(source, settings, clock, tx, wake, limit));
    WorkerHandle {
        refresh,
        relist,
        task,
    }
}

/// What a worker is woken by: a refresh, which may ask for a full listing.
struct Wake {
    refresh: Arc<Notify>,
    relist: Arc<AtomicBool>,
}

async fn run(
    mut source: Box<dyn Source>,
    settings: PollSettings,
    clock: SharedClock,
    tx: mpsc::UnboundedSender<Msg>,
    wake: Wake,
    limit: PollLimit,
) {
    let id = source.id().clone();
    // A small generator (32 bytes): an organisation runs thousands of workers, and jitter
    // needs no cryptographic quality.
    let mut rng = SmallRng::seed_from_u64(seed_for(&id.to_string()));
    let mut failures: u32 = 0;
    loop {
        let permit = limit.acquire(id.kind).await;
        if tx
            .send(Msg::Source(SourceEvent::Polling { id: id.clone() }))
            .is_err()
        {
            return;
        }
        if wake.relist.swap(false, Ordering::SeqCst) {
            source.relist();
        }
        let outcome = match tokio::time::timeout(settings.timeout, source.poll()).await {
            Ok(result) => result,
            Err(_) => Err(SourceError {
                source_id: id.clone(),
                operation: "poll".to_string(),
                kind: SourceErrorKind::Timeout,
                message: format!("no answer within {}s", settings.timeout.as_secs()),
            }),
        };
        drop(permit);
        let wait = match outcome {
            Ok(data) => {
                failures = 0;
                let event = SourceEvent::Data {
                    id: id.clone(),
                    data,
                    at: clock.now(),
                };
                if tx.send(Msg::Source(event)).is_err() {
                    return;
                }
                jittered(settings.interval, settings.jitter, &mut rng)
            }
            Err(error) => {
                tracing::warn!(source = %id, %error, "poll failed");
                let retryable = error.is_retryable();
                let event = SourceEvent::Failed {
                    id: id.clone(),
                    error,
                    at: clock.now(),
                };
                if tx.send(Msg::Source(event)).is_err() {
                    return;
                }
                if retryable {
                    failures = failures.saturating_add(1);
                    backoff(&settings, failures, &mut rng)
                } else {
                    // A denial will not fix itself quickly: retry at the normal pace.
                    jittered(settings.interval, settings.jitter, &mut rng)
                }
            }
        };
        tokio::select! {
            () = tokio::time::sleep(wait) => {}
            () = wake.refresh.notified() => {}
        }
    }
}

/// `base × 2^(failures−1)`, capped, with "equal jitter": between half and all of it. The cap
/// is also the poll interval: backing off longer than a normal poll would only delay
/// noticing that the service is back.
pub fn backoff(settings: &PollSettings, failures: u32, rng: &mut impl Rng) -> Duration {
    let exponent = failures.saturating_sub(1).min(20);
    let full = settings
        .backoff_base
        .saturating_mul(1u32 << exponent)
        .min(settings.backoff_max)
        .min(settings.interval.max(settings.backoff_base));
    let half = full / 2;
    let extra = Duration::try_from_secs_f64(half.as_secs_f64() * rng.random::<f64>())
        .unwrap_or(Duration::ZERO);
    half.saturating_add(extra)
}

fn jittered(interval: Duration, jitter: f64, rng: &mut impl Rng) -> Duration {
    let factor = 1.0 + jitter * (rng.random::<f64>() * 2.0 - 1.0);
    Duration::try_from_secs_f64(interval.as_secs_f64() * factor.max(0.0)).unwrap_or(interval)
}

fn seed_for(label: &str) -> u64 {
    use std::hash::{Hash, Hasher};
    let mut hasher = std::collections::hash_map::DefaultHasher::new();
    label.hash(&mut hasher);
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_nanos() as u64)
        .unwrap_or(0)
        .hash(&mut hasher);
    hasher.finish()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::clock::FixedClock;
    use crate::domain::SourceId;
    use crate::sources::SourceData;
    use async_trait::async_trait;
    use chrono::Utc;
    use std::sync::atomic::{AtomicU32, Ordering};

    #[tokio::test(start_paused = true)]
    async fn polls_of_one_service_start_spaced_and_other_services_are_not_held() {
        let limit = poll_limit(8);
        let start = tokio::time::Instant::now();
        for _ in 0..3 {
            drop(limit.acquire(SourceKind::Alarms).await);
        }
        assert!(tokio::time::Instant::now() - start >= SERVICE_SPACING * 2);
        let before = tokio::time::Instant::now();
        drop(limit.acquire(SourceKind::Identity).await);
        assert_eq!(
            tokio::time::Instant::now(),
            before,
            "IAM's first poll waits for nothing"
        );
    }

    #[test]
    fn an_organisation_polls_the_baseline_and_iam_on_their_own_schedules() {
        let poll = PollSettings::every(Duration::from_secs(60));
        let schedule = Schedule::organisation(poll, &crate::config::OrgRefresh::default());
        assert_eq!(
            schedule.of(SourceKind::Findings).interval,
            Duration::from_secs(60)
        );
        assert_eq!(
            schedule.of(SourceKind::Alarms).interval,
            Duration::from_secs(60)
        );
        assert_eq!(
            schedule.of(SourceKind::Baseline).interval,
            Duration::from_secs(900)
        );
        assert_eq!(
            schedule.of(SourceKind::Identity).interval,
            Duration::from_secs(3600)
        );
        let single = Schedule::every_source(poll);
        assert_eq!(
            single.of(SourceKind::Identity).interval,
            Duration::from_secs(60)
        );
    }

    /// A source of our own that counts polls and can be told to fail or to be slow.
    struct CountingSource {
        id: SourceId,
        polls: Arc<AtomicU32>,
        relists: Arc<AtomicU32>,
        fail_with: Option<SourceErrorKind>,
        delay: Duration,
    }

    #[async_trait]
    impl Source for CountingSource {
        fn id(&self) -> &SourceId {
            &self.id
        }

        fn relist(&mut self) {
            self.relists.fetch_add(1, Ordering::SeqCst);
        }

        async fn poll(&mut self) -> Result<SourceData, SourceError> {
            self.polls.fetch_add(1, Ordering::SeqCst);
            tokio::time::sleep(self.delay).await;
            match &self.fail_with {
                Some(kind) => Err(SourceError {
                    source_id: self.id.clone(),
                    operation: "DescribeAlarms".into(),
                    kind: kind.clone(),
                    message: "test".into(),
                }),
                None => Ok(SourceData::alarms(Vec::new())),
            }
        }
    }

    fn counting(
        fail_with: Option<SourceErrorKind>,
        delay: Duration,
    ) -> (Box<dyn Source>, Arc<AtomicU32>) {
        let (source, polls, _) = counting_relists(fail_with, delay);
        (source, polls)
    }

    /// A counting source, with the count of its relists as well.
    fn counting_relists(
        fail_with: Option<SourceErrorKind>,
        delay: Duration,
    ) -> (Box<dyn Source>, Arc<AtomicU32>, Arc<AtomicU32>) {
        let polls = Arc::new(AtomicU32::new(0));
        let relists = Arc::new(AtomicU32::new(0));
        let source = CountingSource {
            id: SourceId {
                kind: SourceKind::Alarms,
                account_id: "1".into(),
                region: Some("r".into()),
            },
            polls: polls.clone(),
            relists: relists.clone(),
            fail_with,
            delay,
        };
        (Box::new(source), polls, relists)
    }

    fn settings() -> PollSettings {
        PollSettings {
            jitter: 0.0,
            ..PollSettings::every(Duration::from_secs(60))
        }
    }

    fn clock() -> SharedClock {
        Arc::new(FixedClock(Utc::now()))
    }

    #[tokio::test(start_paused = true)]
    async fn polls_once_per_interval() {
        let (source, polls) = counting(None, Duration::ZERO);
        let (tx, mut rx) = mpsc::unbounded_channel();
        let _worker = spawn(source, settings(), clock(), tx, poll_limit(4));
        tokio::time::sleep(Duration::from_secs(150)).await;
        assert_eq!(polls.load(Ordering::SeqCst), 3);
        let mut data = 0;
        while let Ok(msg) = rx.try_recv() {
            if matches!(msg, Msg::Source(SourceEvent::Data { .. })) {
                data += 1;
            }
        }
        assert_eq!(data, 3);
    }

    #[tokio::test(start_paused = true)]
    async fn refreshes_during_a_poll_coalesce_into_one() {
        let (source, polls) = counting(None, Duration::from_secs(5));
        let (tx, _rx) = mpsc::unbounded_channel();
        let worker = spawn(source, settings(), clock(), tx, poll_limit(4));
        tokio::time::sleep(Duration::from_secs(1)).await;
        for _ in 0..10 {
            worker.refresh();
        }
        // First poll ends at 5 s; the coalesced refresh runs one more, ending at 10 s.
        tokio::time::sleep(Duration::from_secs(20)).await;
        assert_eq!(polls.load(Ordering::SeqCst), 2);
    }

    #[tokio::test(start_paused = true)]
    async fn a_refresh_lists_in_full_and_scheduled_polls_do_not() {
        let (source, polls, relists) = counting_relists(None, Duration::ZERO);
        let (tx, _rx) = mpsc::unbounded_channel();
        let worker = spawn(source, settings(), clock(), tx, poll_limit(4));
        // Polls at 0 s and 60 s on the schedule: incremental.
        tokio::time::sleep(Duration::from_secs(70)).await;
        assert_eq!(polls.load(Ordering::SeqCst), 2);
        assert_eq!(relists.load(Ordering::SeqCst), 0);
        worker.refresh();
        tokio::time::sleep(Duration::from_secs(1)).await;
        assert_eq!(polls.load(Ordering::SeqCst), 3);
        assert_eq!(relists.load(Ordering::SeqCst), 1, "the refresh relists");
    }

    #[tokio::test(start_paused = true)]
    async fn throttling_backs_off_exponentially() {
        let (source, polls) = counting(Some(SourceErrorKind::Throttled), Duration::ZERO);
        let (tx, _rx) = mpsc::unbounded_channel();
        let _worker = spawn(source, settings(), clock(), tx, poll_limit(4));
        // Waits of at most 2, 4, 8, 16 s: within 31 s at most 5 polls, and at least 3
        // (each wait is at least half of its step).
        tokio::time::sleep(Duration::from_secs(31)).await;
        let n = polls.load(Ordering::SeqCst);
        assert!((3..=5).contains(&n), "{n} polls");
    }

    #[tokio::test(start_paused = true)]
    async fn slow_polls_time_out_and_are_reported() {
        let (source, _polls) = counting(None, Duration::from_secs(600));
        let (tx, mut rx) = mpsc::unbounded_channel();
        let settings = PollSettings {
            timeout: Duration::from_secs(3),
            ..settings()
        };
        let _worker = spawn(source, settings, clock(), tx, poll_limit(4));
        tokio::time::sleep(Duration::from_secs(4)).await;
        let mut timed_out = false;
        while let Ok(msg) = rx.try_recv() {
            if let Msg::Source(SourceEvent::Failed { error, .. }) = msg {
                timed_out |= error.kind == SourceErrorKind::Timeout;
            }
        }
        assert!(timed_out);
    }

    /// Records how many polls run at the same time.
    struct ConcurrencyProbe {
        id: SourceId,
        running: Arc<AtomicU32>,
        most: Arc<AtomicU32>,
        polls: Arc<AtomicU32>,
    }

    #[async_trait]
    impl Source for ConcurrencyProbe {
        fn id(&self) -> &SourceId {
            &self.id
        }

        async fn poll(&mut self) -> Result<SourceData, SourceError> {
            let now = self.running.fetch_add(1, Ordering::SeqCst) + 1;
            self.most.fetch_max(now, Ordering::SeqCst);
            tokio::time::sleep(Duration::from_secs(5)).await;
            self.running.fetch_sub(1, Ordering::SeqCst);
            self.polls.fetch_add(1, Ordering::SeqCst);
            Ok(SourceData::alarms(Vec::new()))
        }
    }

    #[tokio::test(start_paused = true)]
    async fn the_poll_limit_bounds_concurrent_polls_across_workers() {
        let running = Arc::new(AtomicU32::new(0));
        let most = Arc::new(AtomicU32::new(0));
        let polls = Arc::new(AtomicU32::new(0));
        let limit = poll_limit(2);
        let (tx, _rx) = mpsc::unbounded_channel();
        let workers: Vec<WorkerHandle> = (0..6)
            .map(|i| {
                let probe = ConcurrencyProbe {
                    id: SourceId {
                        kind: SourceKind::Alarms,
                        account_id: "1".into(),
                        region: Some(format!("region-{i}")),
                    },
                    running: running.clone(),
                    most: most.clone(),
                    polls: polls.clone(),
                };
                spawn(
                    Box::new(probe),
                    settings(),
                    clock(),
                    tx.clone(),
                    limit.clone(),
                )
            })
            .collect();
        // Six 5 s polls two at a time take 15 s; all six finish, never more than two at once.
        tokio::time::sleep(Duration::from_secs(16)).await;
        assert_eq!(polls.load(Ordering::SeqCst), 6);
        assert_eq!(most.load(Ordering::SeqCst), 2);
        drop(workers);
    }

    #[test]
    fn backoff_is_capped_and_jittered_within_bounds() {
        let s = settings();
        let mut rng = SmallRng::seed_from_u64(1);
        for failures in 1..40 {
            let d = backoff(&s, failures, &mut rng);
            let step = s
                .backoff_base
                .saturating_mul(1 << failures.saturating_sub(1).min(20))
                .min(s.backoff_max)
                .min(s.interval);
            assert!(d >= step / 2 && d <= step, "{failures}: {d:?}");
        }
    }
}
