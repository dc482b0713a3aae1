//! Time from the controller's monotonic clock, which stands still during a scan.
//!
//! ```
//! use plc_sdk::prelude::*;
//!
//! let started = Instant::now();
//! // ... one or more scans later:
//! if started.elapsed() >= Duration::from_secs(5) {
//!     info!("five seconds have passed");
//! }
//! ```

use core::ops::{Add, Sub};
pub use core::time::Duration;

use crate::error::Error;
use crate::ffi;

/// A reading of the controller's monotonic clock, in nanoseconds (enough for 584 years).
///
/// Arithmetic on it saturates and never panics, so it links no panic code into a program.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct Instant(u64);

impl Instant {
    /// The current reading. If the controller cannot tell the time (no host does this), the
    /// reading is zero; use [`Instant::try_now`] to see the error.
    pub fn now() -> Instant {
        Instant::try_now().unwrap_or_default()
    }

    /// The current reading, or why there is none.
    pub fn try_now() -> Result<Instant, Error> {
        let (secs, nanos) = ffi::current_time()?;
        Ok(Instant(secs.saturating_mul(1_000_000_000).saturating_add(u64::from(nanos))))
    }

    /// The raw reading of the controller's clock: the time since it started counting.
    pub fn since_start() -> Duration {
        Instant::now().as_duration()
    }

    /// The time since this reading; zero if the clock reads earlier.
    pub fn elapsed(&self) -> Duration {
        Instant::now() - *self
    }

    /// The reading `nanos` nanoseconds after the controller's clock started.
    pub(crate) const fn from_nanos(nanos: u64) -> Instant {
        Instant(nanos)
    }

    /// The nanoseconds since the controller's clock started, at this reading.
    pub(crate) const fn nanos(&self) -> u64 {
        self.0
    }

    /// The time since the controller's clock started, at this reading.
    pub const fn as_duration(&self) -> Duration {
        Duration::from_nanos(self.0)
    }
}

impl Sub for Instant {
    type Output = Duration;

    /// The time from `rhs` to `self`, saturating at zero.
    fn sub(self, rhs: Instant) -> Duration {
        Duration::from_nanos(self.0.saturating_sub(rhs.0))
    }
}

impl Add<Duration> for Instant {
    type Output = Instant;

    /// The reading `rhs` later, saturating at the largest reading.
    fn add(self, rhs: Duration) -> Instant {
        Instant(self.0.saturating_add(u64::try_from(rhs.as_nanos()).unwrap_or(u64::MAX)))
    }
}
