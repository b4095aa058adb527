//! How the console keeps glibc's allocator from holding on to memory it no longer uses.
//! Elsewhere (other C libraries, other systems) both are no-ops.

use std::time::{Duration, Instant};

/// Large buffers (a region's findings, the tables' rows) come and go with every full
/// poll. glibc raises its mmap threshold each time such a buffer is freed, after which the
/// next ones land on the heap and their pages are kept when freed; a fixed 1 MiB threshold
/// hands them back at once. Measured with `scripts/perf` at 100,000 findings: about 19 MB
/// less peak RSS. Call before any other thread exists.
pub fn tune() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    {
        const MMAP_THRESHOLD: libc::c_int = 1 << 20;
        // SAFETY: mallopt only sets a tuning parameter of the allocator; it is called
        // before any other thread exists, and a refusal (0) leaves the default in place.
        let _ = unsafe { libc::mallopt(libc::M_MMAP_THRESHOLD, MMAP_THRESHOLD) };
    }
}

/// Hands freed heap pages back to the system after the data has changed, at most once per
/// [`Trimmer::EVERY`]. Every poll replaces lists of small strings (alarm reasons, finding
/// texts, posture evidence); glibc keeps the pages they freed inside its heaps until told,
/// so resident memory creeps up with each poll of an organisation although the data does
/// not grow. Measured on the demo organisation of 500 accounts: see `scripts/perf`.
#[derive(Debug)]
pub struct Trimmer {
    last: Instant,
}

impl Default for Trimmer {
    fn default() -> Self {
        Trimmer {
            last: Instant::now(),
        }
    }
}

impl Trimmer {
    /// Trimming walks every free chunk of every heap: a few ms at a few hundred MB, so it
    /// runs seldom, between frames.
    pub const EVERY: Duration = Duration::from_secs(5);

    /// After new data was applied.
    pub fn after_change(&mut self) {
        if self.last.elapsed() < Self::EVERY {
            return;
        }
        let started = Instant::now();
        #[cfg(all(target_os = "linux", target_env = "gnu"))]
        {
            // SAFETY: malloc_trim only returns free memory of the allocator's own heaps to
            // the system; it touches no live allocation.
            let _ = unsafe { libc::malloc_trim(0) };
        }
        self.last = Instant::now();
        tracing::debug!(took = ?self.last - started, "freed heap pages returned");
    }
}
