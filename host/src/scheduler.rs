//! The fixed scan cycle: absolute deadlines that never drift, and the statistics a PLC task
//! monitor shows.

use std::time::{Duration, Instant};

/// Cycle statistics: scans, their times, the scheduling jitter and the overruns.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct CycleStats {
    /// Completed scans.
    pub cycles: u64,
    /// Scans that ran past the start of the next cycle.
    pub overruns: u64,
    /// Time of the last scan.
    pub last: Duration,
    /// Shortest scan.
    pub min: Duration,
    /// Longest scan.
    pub max: Duration,
    /// All scans together, for the average.
    pub total: Duration,
    /// The largest delay of a scan's start after its deadline.
    pub jitter: Duration,
}

impl CycleStats {
    /// The average scan time.
    pub fn avg(&self) -> Duration {
        u32::try_from(self.cycles).ok().filter(|&n| n > 0).map_or(Duration::ZERO, |n| self.total / n)
    }

    fn record(&mut self, scan: Duration, lateness: Duration, overrun: bool) {
        self.min = if self.cycles == 0 { scan } else { self.min.min(scan) };
        self.cycles += 1;
        self.last = scan;
        self.max = self.max.max(scan);
        self.total += scan;
        self.jitter = self.jitter.max(lateness);
        self.overruns += u64::from(overrun);
    }
}

/// The deadline of the next scan: the first multiple of `cycle` after `start` that is later
/// than `previous` and not already past at `now`. A late scan skips the deadlines it missed
/// instead of scanning in a burst to catch up; the schedule stays on the same grid, so it never
/// drifts. Returns the deadline and whether deadlines were skipped (an overrun).
pub fn next_deadline(start: Instant, cycle: Duration, previous: Instant, now: Instant) -> (Instant, bool) {
    let next = previous + cycle;
    if next >= now || cycle.is_zero() {
        return (next, false);
    }
    let behind = now.duration_since(start).as_nanos() / cycle.as_nanos();
    let skip_to = start + cycle * u32::try_from(behind + 1).unwrap_or(u32::MAX);
    (skip_to, true)
}

/// Runs scans on a fixed cycle: `wait` until the deadline, scan, `done`.
#[derive(Debug)]
pub struct Scheduler {
    cycle: Duration,
    start: Instant,
    deadline: Instant,
    woke: Instant,
    stats: CycleStats,
}

impl Scheduler {
    /// A schedule whose first deadline is now.
    pub fn new(cycle: Duration) -> Self {
        let now = Instant::now();
        Scheduler { cycle, start: now, deadline: now, woke: now, stats: CycleStats::default() }
    }

    /// Sleeps until the current deadline; returns the time since the schedule started.
    pub fn wait(&mut self) -> Duration {
        let now = Instant::now();
        if self.deadline > now {
            std::thread::sleep(self.deadline - now);
        }
        self.woke = Instant::now();
        self.woke - self.start
    }

    /// Records the scan that began at the last `wait` and sets the next deadline.
    pub fn done(&mut self) {
        let now = Instant::now();
        let (next, overrun) = next_deadline(self.start, self.cycle, self.deadline, now);
        let lateness = self.woke.saturating_duration_since(self.deadline);
        self.stats.record(now - self.woke, lateness, overrun);
        self.deadline = next;
    }

    /// The statistics so far.
    pub fn stats(&self) -> &CycleStats {
        &self.stats
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const MS: Duration = Duration::from_millis(1);

    #[test]
    fn deadlines_stay_on_the_grid() {
        let t0 = Instant::now();
        // On time: the next deadline is one cycle on, even if the scan ended late in its cycle.
        assert_eq!(next_deadline(t0, MS, t0, t0 + MS / 2), (t0 + MS, false));
        assert_eq!(next_deadline(t0, MS, t0 + 5 * MS, t0 + 5 * MS + MS / 10), (t0 + 6 * MS, false));
    }

    #[test]
    fn an_overrun_skips_the_missed_deadlines_without_a_burst() {
        let t0 = Instant::now();
        // A scan from 2 ms that ends at 5.3 ms: 3, 4 and 5 ms are missed; next is 6 ms.
        assert_eq!(next_deadline(t0, MS, t0 + 2 * MS, t0 + 5 * MS + MS * 3 / 10), (t0 + 6 * MS, true));
    }

    #[test]
    fn stats_track_min_max_average_jitter_and_overruns() {
        let mut stats = CycleStats::default();
        stats.record(2 * MS, Duration::ZERO, false);
        stats.record(4 * MS, MS / 2, true);
        stats.record(3 * MS, MS / 4, false);
        assert_eq!((stats.cycles, stats.overruns), (3, 1));
        assert_eq!((stats.min, stats.max, stats.last, stats.avg()), (2 * MS, 4 * MS, 3 * MS, 3 * MS));
        assert_eq!(stats.jitter, MS / 2);
    }
}
