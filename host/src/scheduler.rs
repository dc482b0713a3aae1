//! The fixed scan cycle: absolute deadlines that never drift, and the statistics a PLC task
//! monitor shows, wake-up lateness as a histogram among them.

mod lateness;
mod warm_up;

use std::time::{Duration, Instant};

pub use lateness::{Histogram, Lateness};
use warm_up::WarmUp;

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
    /// The delays of the scans' starts after their deadlines: percentiles and maximum.
    pub lateness: Lateness,
    /// Warm-ups of the caches before the scans ([`Scheduler::with_warm_up`]).
    pub warm_ups: u64,
    /// The time of all warm-ups together.
    pub warm_up_total: Duration,
}

impl CycleStats {
    /// The average scan time.
    pub fn avg(&self) -> Duration {
        u32::try_from(self.cycles).ok().filter(|&n| n > 0).map_or(Duration::ZERO, |n| self.total / n)
    }

    /// The average warm-up time.
    pub fn warm_up_avg(&self) -> Duration {
        u32::try_from(self.warm_ups).ok().filter(|&n| n > 0).map_or(Duration::ZERO, |n| self.warm_up_total / n)
    }

    fn record(&mut self, scan: Duration, lateness: Duration, overrun: bool) {
        self.min = if self.cycles == 0 { scan } else { self.min.min(scan) };
        self.cycles += 1;
        self.last = scan;
        self.max = self.max.max(scan);
        self.total = self.total.saturating_add(scan);
        self.jitter = self.jitter.max(lateness);
        self.overruns += u64::from(overrun);
    }
}

/// The deadline of the next scan: the first multiple of `cycle` after `start` that is later
/// than `previous` and not already past at `now`. A late scan skips the deadlines it missed
/// instead of scanning in a burst to catch up; the schedule stays on the same grid, so it never
/// drifts. Returns the deadline and whether deadlines were skipped (an overrun).
///
/// Never panics: a deadline past the end of what an [`Instant`] can hold becomes the latest
/// one it can hold.
pub fn next_deadline(start: Instant, cycle: Duration, previous: Instant, now: Instant) -> (Instant, bool) {
    let next = later(previous, cycle);
    if next >= now || cycle.is_zero() {
        return (next, false);
    }
    let (since, cycle_ns) = (now.duration_since(start).as_nanos(), cycle.as_nanos());
    // In u64 while it fits (584 years): a u128 division is a call of its own, on every overrun.
    let behind = match (u64::try_from(since), u64::try_from(cycle_ns)) {
        (Ok(since), Ok(cycle_ns)) => u128::from(since / cycle_ns),
        _ => since / cycle_ns,
    };
    let offset = (behind + 1).checked_mul(cycle_ns).and_then(nanos);
    let skip_to = offset.map_or_else(|| later(now, cycle), |offset| later(start, offset));
    (skip_to, true)
}

/// `t + d`, or the latest instant near it that can be held.
fn later(t: Instant, d: Duration) -> Instant {
    let mut d = d;
    // Halving finds a representable sum within 64 + 30 steps.
    loop {
        if let Some(sum) = t.checked_add(d) {
            return sum;
        }
        d /= 2;
    }
}

/// A count of nanoseconds as a `Duration`, if it fits.
fn nanos(n: u128) -> Option<Duration> {
    if let Ok(n) = u64::try_from(n) {
        return Some(Duration::from_nanos(n));
    }
    let secs = u64::try_from(n / 1_000_000_000).ok()?;
    Some(Duration::new(secs, (n % 1_000_000_000) as u32))
}

/// Runs scans on a fixed cycle: `wait` (or `wait_warming`) until the deadline, scan, `done`.
#[derive(Debug)]
pub struct Scheduler {
    cycle: Duration,
    start: Instant,
    deadline: Instant,
    woke: Instant,
    stats: CycleStats,
    spin: Duration,
    warm_up: WarmUp,
    histogram: Histogram,
}

impl Scheduler {
    /// A schedule whose first deadline is now.
    pub fn new(cycle: Duration) -> Self {
        let now = Instant::now();
        let histogram = Histogram::default();
        Scheduler {
            cycle,
            start: now,
            deadline: now,
            woke: now,
            stats: CycleStats::default(),
            spin: Duration::ZERO,
            warm_up: WarmUp::default(),
            histogram,
        }
    }

    /// Sleeps until `spin` before each deadline, then spins to it (see
    /// [`realtime::sleep_until`](crate::realtime::sleep_until)).
    pub fn with_spin(mut self, spin: Duration) -> Self {
        self.spin = spin;
        self
    }

    /// Warms the caches before each scan in [`wait_warming`](Self::wait_warming) (off by
    /// default): from shortly before the deadline (how long the last warm-up took and a
    /// quarter more, at most a quarter of the cycle) until the deadline at the latest.
    pub fn with_warm_up(mut self, on: bool) -> Self {
        self.warm_up = WarmUp::new(on);
        self
    }

    /// Until when the scan thread is free for other work before the next scan: the start of
    /// its warm-up, or the deadline.
    pub fn free_until(&self) -> Instant {
        match self.warm_up.lead(self.cycle) {
            Some(lead) => self.deadline.checked_sub(lead).unwrap_or(self.deadline),
            None => self.deadline,
        }
    }

    /// [`wait`](Self::wait), warming up first when [`with_warm_up`](Self::with_warm_up) is on
    /// and the cycle has room: sleeps until [`free_until`](Self::free_until), calls `warm` with
    /// the deadline, which it should not run past (as
    /// [`Controller::warm_up`](crate::Controller::warm_up) does not) and which returns whether
    /// it got through, then spins to the deadline. A scan that ran into the warm-up's time
    /// leaves it what is left; without a warm-up it is [`wait`](Self::wait).
    pub fn wait_warming(&mut self, warm: impl FnOnce(Instant) -> bool) -> Duration {
        if self.warm_up.lead(self.cycle).is_some() {
            let planned = self.free_until();
            // The spin asked for still starts `spin` before the deadline.
            let spin = self.spin.saturating_sub(self.deadline.saturating_duration_since(planned));
            let started = crate::realtime::sleep_until(planned, spin);
            if started < self.deadline {
                let finished = warm(self.deadline);
                let took = Instant::now().saturating_duration_since(started);
                self.warm_up.took(took, started.saturating_duration_since(planned), finished);
                self.stats.warm_ups += 1;
                self.stats.warm_up_total = self.stats.warm_up_total.saturating_add(took);
                // What is left of the lead (a quarter of the warm-up and a margin, tens of
                // µs) is spun, not slept: no second wake-up to be late from, and the thread
                // stays on the core whose caches it has just warmed.
                self.woke = crate::realtime::sleep_until(self.deadline, Duration::MAX);
                return self.woke.saturating_duration_since(self.start);
            }
            self.warm_up.missed();
        }
        self.wait()
    }

    /// Sleeps until the current deadline (an absolute one); returns the time since the
    /// schedule started.
    pub fn wait(&mut self) -> Duration {
        self.woke = crate::realtime::sleep_until(self.deadline, self.spin);
        self.woke.saturating_duration_since(self.start)
    }

    /// When the last [`wait`](Self::wait) woke: the start of the scan.
    pub fn woke(&self) -> Instant {
        self.woke
    }

    /// Records the scan that began at the last `wait` and sets the next deadline.
    pub fn done(&mut self) {
        self.done_at(Instant::now());
    }

    /// [`done`](Self::done) for a scan that ended at `now` (as
    /// [`Controller::scan_from`](crate::Controller::scan_from) returns it): no clock read.
    pub fn done_at(&mut self, now: Instant) {
        let (next, overrun) = next_deadline(self.start, self.cycle, self.deadline, now);
        let lateness = self.woke.saturating_duration_since(self.deadline);
        self.stats.record(now.saturating_duration_since(self.woke), lateness, overrun);
        self.histogram.record(lateness);
        self.stats.lateness = self.histogram.lateness();
        self.deadline = next;
    }

    /// When the next scan is due ([`wait`](Self::wait) sleeps until then).
    pub fn deadline(&self) -> Instant {
        self.deadline
    }

    /// The statistics so far.
    pub fn stats(&self) -> &CycleStats {
        &self.stats
    }

    /// The histogram of wake-up lateness.
    pub fn histogram(&self) -> &Histogram {
        &self.histogram
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
    fn no_cycle_makes_it_panic_and_a_far_behind_schedule_does_not_burst() {
        let t0 = Instant::now();
        for cycle in [Duration::MAX, Duration::from_secs(u64::MAX / 2), Duration::from_secs(1 << 40), Duration::ZERO] {
            let (next, overrun) = next_deadline(t0, cycle, t0, t0 + MS);
            assert!(next >= t0 && !overrun, "{cycle:?}");
        }
        // A 1 ns cycle 5 s behind: more missed deadlines than a u32 counts. The next deadline
        // is still after now (no burst) and on the grid.
        let now = t0 + Duration::from_secs(5) + Duration::from_nanos(3);
        assert_eq!(next_deadline(t0, Duration::from_nanos(1), t0, now), (now + Duration::from_nanos(1), true));
        let mut scheduler = Scheduler::new(Duration::MAX).with_spin(Duration::MAX);
        scheduler.wait();
        scheduler.done();
        assert_eq!(scheduler.stats().cycles, 1);
        assert_eq!(scheduler.stats().lateness.max, scheduler.stats().jitter);
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
