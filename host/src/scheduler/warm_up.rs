//! Warming the caches before a scan. Between two scans the caches lose the lines the programs
//! touch (on a VM within milliseconds, whatever the scan thread does: `docs/benchmarks.md`),
//! so a scan after a sleep waits on memory for nearly every line. Asking for those lines
//! shortly before the deadline, many at once, moves that wait out of the scan: the scan starts
//! on time and runs on warm caches.
//!
//! The warm-up starts [`WarmUp::lead`] before the deadline and stops at the deadline whatever
//! it has done, so it never makes a scan late; the lead follows how long the last warm-up took,
//! within a quarter of the cycle.

use std::time::Duration;

/// How far before the deadline the first warm-up starts.
const FIRST_LEAD: Duration = Duration::from_micros(100);
/// The room kept on top of the last warm-up's time (its clock reads, the sleep's wake-up).
const MARGIN: Duration = Duration::from_micros(20);
/// No warm-up for a cycle with less than this in its quarter (back-to-back scans need none).
const LEAST_LEAD: Duration = Duration::from_micros(20);

/// The warm-up of a schedule: whether it is on and how far before the deadline it starts.
#[derive(Debug, Clone, Copy)]
pub(super) struct WarmUp {
    on: bool,
    lead: Duration,
}

impl Default for WarmUp {
    fn default() -> Self {
        WarmUp { on: false, lead: FIRST_LEAD }
    }
}

impl WarmUp {
    pub(super) fn new(on: bool) -> WarmUp {
        WarmUp { on, ..WarmUp::default() }
    }

    /// How long before the deadline of a cycle of `cycle` the next warm-up starts; `None` when
    /// it is off or the cycle leaves no room for one.
    pub(super) fn lead(&self, cycle: Duration) -> Option<Duration> {
        let most = cycle / 4;
        (self.on && most >= LEAST_LEAD).then(|| self.lead.clamp(LEAST_LEAD, most))
    }

    /// The thread woke for the warm-up only at the deadline or after it: the next one starts
    /// twice as early (within [`lead`](Self::lead)'s bounds).
    pub(super) fn missed(&mut self) {
        self.lead = self.lead.saturating_mul(2);
    }

    /// The last warm-up started `late` after it was due and took `took`, `finished` or cut
    /// short at the deadline. After one that finished, the next starts its time, a quarter and
    /// [`MARGIN`] more, and the wake-up's lateness, before the deadline; after one cut short,
    /// twice as early as this one (within [`lead`](Self::lead)'s bounds either way).
    pub(super) fn took(&mut self, took: Duration, late: Duration, finished: bool) {
        self.lead = match finished {
            true => took.saturating_add(took / 4).saturating_add(late).saturating_add(MARGIN),
            false => self.lead.saturating_mul(2),
        };
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const US: Duration = Duration::from_micros(1);

    #[test]
    fn the_lead_follows_the_last_warm_up_within_a_quarter_of_the_cycle() {
        let mut warm = WarmUp::new(true);
        let cycle = Duration::from_millis(5);
        assert_eq!(warm.lead(cycle), Some(FIRST_LEAD));
        warm.took(300 * US, 10 * US, true);
        assert_eq!(warm.lead(cycle), Some(405 * US), "its time, a quarter, the lateness and the margin");
        warm.took(10 * US, Duration::ZERO, true);
        assert_eq!(warm.lead(cycle), Some(32 * US + US / 2));
        warm.took(Duration::ZERO, Duration::ZERO, true);
        assert_eq!(warm.lead(cycle), Some(LEAST_LEAD));
        warm.took(15 * US, 5 * US, false);
        assert_eq!(warm.lead(cycle), Some(40 * US), "cut short: twice as early");
        warm.missed();
        assert_eq!(warm.lead(cycle), Some(80 * US), "woke too late: twice as early");
        for _ in 0..20 {
            warm.took(cycle, Duration::ZERO, false);
        }
        assert_eq!(warm.lead(cycle), Some(cycle / 4), "at most a quarter of the cycle");
    }

    #[test]
    fn no_warm_up_when_off_or_without_room() {
        assert_eq!(WarmUp::new(false).lead(Duration::from_millis(5)), None);
        assert_eq!(WarmUp::new(true).lead(Duration::from_micros(79)), None, "back to back: no room");
        assert_eq!(WarmUp::new(true).lead(Duration::from_micros(80)), Some(LEAST_LEAD));
        assert_eq!(WarmUp::new(true).lead(Duration::MAX), Some(FIRST_LEAD));
    }
}
