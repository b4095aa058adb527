//! A token bucket per account and region: `LookupEvents` is limited to 2 requests per
//! second per account and region, and the activity view keeps under that however many
//! queries are open at once.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// Tokens refill at `rate` a second up to `capacity`; a request takes one.
#[derive(Clone, Debug)]
pub struct TokenBucket {
    rate: f64,
    capacity: f64,
    tokens: f64,
    last: Instant,
}

impl TokenBucket {
    /// A full bucket at `now`.
    pub fn new(rate: f64, capacity: f64, now: Instant) -> TokenBucket {
        TokenBucket {
            rate,
            capacity,
            tokens: capacity,
            last: now,
        }
    }

    /// Takes a token at `now`, or says how long until one is there.
    pub fn take(&mut self, now: Instant) -> Result<(), Duration> {
        let elapsed = now.saturating_duration_since(self.last).as_secs_f64();
        self.tokens = (self.tokens + elapsed * self.rate).min(self.capacity);
        self.last = self.last.max(now);
        if self.tokens >= 1.0 {
            self.tokens -= 1.0;
            return Ok(());
        }
        let missing = (1.0 - self.tokens) / self.rate;
        Err(Duration::try_from_secs_f64(missing).unwrap_or(Duration::from_secs(1)))
    }
}

/// `LookupEvents`' limit per account and region.
pub const LOOKUPS_PER_SECOND: f64 = 2.0;

/// The bucket refills a tenth slower than the limit and holds one token: requests leave at
/// least 0.55 s apart, so a delay in transit never lands three in one second at the service.
const MARGIN: f64 = 0.9;

/// One bucket per (account, region), made on first use.
#[derive(Debug, Default)]
pub struct Buckets {
    buckets: Mutex<HashMap<(String, String), TokenBucket>>,
}

impl Buckets {
    /// Waits until `account` may call in `region`, without holding the lock while waiting.
    pub async fn acquire(&self, account: &str, region: &str) {
        loop {
            let wait = {
                let Ok(mut buckets) = self.buckets.lock() else {
                    // A poisoned lock means a panic elsewhere, which ends the process.
                    return;
                };
                let now = Instant::now();
                buckets
                    .entry((account.to_string(), region.to_string()))
                    .or_insert_with(|| TokenBucket::new(LOOKUPS_PER_SECOND * MARGIN, 1.0, now))
                    .take(now)
            };
            match wait {
                Ok(()) => return,
                Err(wait) => tokio::time::sleep(wait).await,
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_full_bucket_gives_its_capacity_then_one_per_interval() {
        let t0 = Instant::now();
        let mut bucket = TokenBucket::new(2.0, 1.0, t0);
        assert_eq!(bucket.take(t0), Ok(()));
        assert_eq!(bucket.take(t0), Err(Duration::from_millis(500)));
        let quarter = t0 + Duration::from_millis(250);
        assert_eq!(bucket.take(quarter), Err(Duration::from_millis(250)));
        assert_eq!(bucket.take(t0 + Duration::from_millis(500)), Ok(()));
        // A long pause refills no more than the capacity.
        let later = t0 + Duration::from_secs(60);
        assert_eq!(bucket.take(later), Ok(()));
        assert!(bucket.take(later).is_err());
    }

    #[test]
    fn no_second_holds_more_than_the_rate() {
        let t0 = Instant::now();
        let mut bucket = TokenBucket::new(LOOKUPS_PER_SECOND * MARGIN, 1.0, t0);
        // Ask every millisecond for ten seconds: count what each one-second window admits.
        let admitted: Vec<u64> = (0..10_000u64)
            .filter(|ms| bucket.take(t0 + Duration::from_millis(*ms)).is_ok())
            .collect();
        for start in 0..9_000u64 {
            let in_window = admitted
                .iter()
                .filter(|t| (start..start + 1000).contains(*t))
                .count();
            assert!(in_window <= 2, "{in_window} in the second from {start} ms");
        }
        assert!(admitted.len() >= 17, "{}", admitted.len());
    }

    #[tokio::test]
    async fn buckets_are_per_account_and_region() {
        let buckets = Buckets::default();
        let started = Instant::now();
        buckets.acquire("1", "us-east-1").await;
        buckets.acquire("1", "eu-west-1").await;
        buckets.acquire("2", "us-east-1").await;
        assert!(started.elapsed() < Duration::from_millis(100));
        buckets.acquire("1", "us-east-1").await;
        assert!(started.elapsed() >= Duration::from_millis(500));
    }
}
