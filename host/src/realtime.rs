//! The scan thread's real-time settings, and its sleep until a deadline.
//!
//! ```no_run
//! use std::time::Duration;
//! use plc_host::realtime::Realtime;
//!
//! // On the scan thread, after every other thread is started (new threads inherit the policy):
//! let settings = Realtime { priority: Some(80), lock_memory: true, cpu: Some(1), spin: Duration::from_micros(30), warm_up: true };
//! for outcome in settings.apply() {
//!     println!("{outcome}"); // "priority 80: applied (SCHED_FIFO)", or a warning naming it
//! }
//! ```
//!
//! A setting that cannot be applied (no permission, no such CPU) is reported, and logged as a
//! warning naming it; it never stops the controller. On other systems than Linux every
//! setting is reported as not applied.

#[cfg(target_os = "linux")]
mod sys;

use std::fmt;
use std::time::{Duration, Instant};

/// How the scan thread runs. All off by default.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Realtime {
    /// The `SCHED_FIFO` priority of the scan thread (1 to 99 on Linux).
    pub priority: Option<i32>,
    /// Lock the process's memory (`mlockall`), so that no page fault delays a scan.
    pub lock_memory: bool,
    /// The CPU the scan thread is pinned to.
    pub cpu: Option<usize>,
    /// Sleep until this long before each deadline, then spin to it.
    pub spin: Duration,
    /// Warm the caches before each scan
    /// ([`Scheduler::with_warm_up`](crate::scheduler::Scheduler::with_warm_up)).
    pub warm_up: bool,
}

/// What became of one setting.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Outcome {
    /// The setting's name, as in the configuration: `priority`, `lock_memory` or `cpu`.
    pub setting: &'static str,
    /// The value asked for.
    pub value: String,
    /// `Ok` with what the system now reports, or why it could not be applied.
    pub result: Result<String, String>,
}

impl fmt::Display for Outcome {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.result {
            Ok(state) => write!(f, "{} {}: applied ({state})", self.setting, self.value),
            Err(why) => write!(f, "{} {}: not applied: {why}", self.setting, self.value),
        }
    }
}

impl Realtime {
    /// Applies the settings to the calling thread (and `lock_memory` to the process), each
    /// checked by reading it back; returns one outcome per setting asked for and logs a warning
    /// for each one not applied. Threads the calling thread starts afterwards inherit its
    /// policy and CPU: apply it on the scan thread once the others are running.
    pub fn apply(&self) -> Vec<Outcome> {
        let mut outcomes = Vec::new();
        if let Some(priority) = self.priority {
            outcomes.push(Outcome { setting: "priority", value: priority.to_string(), result: priority_(priority) });
        }
        if self.lock_memory {
            outcomes.push(Outcome { setting: "lock_memory", value: "true".into(), result: lock_memory() });
        }
        if let Some(cpu) = self.cpu {
            outcomes.push(Outcome { setting: "cpu", value: cpu.to_string(), result: pin(cpu) });
        }
        for outcome in &outcomes {
            match &outcome.result {
                Ok(_) => log::info!("realtime: {outcome}"),
                Err(_) => log::warn!("realtime: {outcome}"),
            }
        }
        outcomes
    }
}

/// What to add to a refusal for lack of permission.
#[cfg(target_os = "linux")]
fn why(e: std::io::Error, needs: &str) -> String {
    if e.kind() == std::io::ErrorKind::PermissionDenied { format!("{e}: it needs {needs}") } else { e.to_string() }
}

#[cfg(target_os = "linux")]
fn priority_(priority: i32) -> Result<String, String> {
    let (min, max) = sys::fifo_priorities();
    if !(min..=max).contains(&priority) {
        return Err(format!("SCHED_FIFO priorities are {min} to {max}"));
    }
    sys::set_fifo(priority).map_err(|e| why(e, "root, CAP_SYS_NICE or an rtprio limit (ulimit -r)"))?;
    match sys::scheduling() {
        Ok((libc::SCHED_FIFO, p)) if p == priority => Ok("SCHED_FIFO".into()),
        Ok((policy, p)) => Err(format!("the thread reports policy {policy} at priority {p}")),
        Err(e) => Err(format!("cannot read it back: {e}")),
    }
}

#[cfg(target_os = "linux")]
fn lock_memory() -> Result<String, String> {
    sys::lock_memory().map_err(|e| why(e, "root, CAP_IPC_LOCK or a memlock limit (ulimit -l) as large as the process"))?;
    if sys::memory_locked() { Ok("mlockall, current and future pages".into()) } else { Err("the process reports no locked memory".into()) }
}

#[cfg(target_os = "linux")]
fn pin(cpu: usize) -> Result<String, String> {
    sys::pin(cpu).map_err(|e| why(e, "permission to set the thread's affinity"))?;
    match sys::affinity() {
        Ok(cpus) if cpus == [cpu] => Ok(format!("the thread runs on CPU {cpu} only")),
        Ok(cpus) => Err(format!("the thread reports CPUs {cpus:?}")),
        Err(e) => Err(format!("cannot read it back: {e}")),
    }
}

#[cfg(not(target_os = "linux"))]
fn priority_(_: i32) -> Result<String, String> {
    Err("only on Linux".into())
}

#[cfg(not(target_os = "linux"))]
fn lock_memory() -> Result<String, String> {
    Err("only on Linux".into())
}

#[cfg(not(target_os = "linux"))]
fn pin(_: usize) -> Result<String, String> {
    Err("only on Linux".into())
}

/// Sleeps until `deadline`: on Linux on the absolute deadline (`clock_nanosleep` with
/// `TIMER_ABSTIME` on `CLOCK_MONOTONIC`) until `spin` before it, then spins. Returns at once
/// when the deadline has passed; never returns before it. Returns the time it woke: its last
/// reading of the clock, which a scan can start from without reading it again.
pub fn sleep_until(deadline: Instant, spin: Duration) -> Instant {
    let mut now = Instant::now();
    if let Some(wake) = deadline.checked_sub(spin).filter(|&wake| wake > now) {
        #[cfg(target_os = "linux")]
        sys::sleep_for_abs(wake.saturating_duration_since(Instant::now()));
        #[cfg(not(target_os = "linux"))]
        std::thread::sleep(wake.saturating_duration_since(Instant::now()));
        now = Instant::now();
    }
    while now < deadline {
        if spin.is_zero() {
            // A sleep cut short: sleep the rest rather than spin.
            std::thread::sleep(deadline.saturating_duration_since(now));
        } else {
            std::hint::spin_loop();
        }
        now = Instant::now();
    }
    now
}

#[cfg(all(test, target_os = "linux"))]
mod tests {
    use super::*;

    /// On a thread of its own (a test's thread must not keep SCHED_FIFO): each setting is
    /// applied and read back, or a warning names it.
    #[test]
    fn settings_are_applied_and_reported_or_named_in_a_warning() {
        let outcomes = std::thread::spawn(|| {
            let outcomes = Realtime { priority: Some(10), cpu: Some(0), ..Realtime::default() }.apply();
            (outcomes, sys::scheduling().unwrap(), sys::affinity().unwrap())
        });
        let (outcomes, (policy, priority), cpus) = outcomes.join().unwrap();
        assert_eq!(outcomes.iter().map(|o| o.setting).collect::<Vec<_>>(), ["priority", "cpu"]);
        match &outcomes[0].result {
            Ok(_) => assert_eq!((policy, priority), (libc::SCHED_FIFO, 10)),
            Err(why) => assert!(outcomes[0].to_string().starts_with("priority 10: not applied"), "{why}"),
        }
        assert_eq!(outcomes[1].result.is_ok(), cpus == [0], "{}", outcomes[1]);
        let bad = Realtime { priority: Some(100), cpu: Some(100_000), ..Realtime::default() }.apply();
        assert!(bad.iter().all(|o| o.result.is_err()), "{bad:?}");
        assert!(bad[0].to_string().contains("priorities are 1 to 99"), "{}", bad[0]);
    }

    #[test]
    fn the_sleep_never_ends_before_its_deadline() {
        for spin in [Duration::ZERO, Duration::from_micros(30), Duration::from_millis(5)] {
            let deadline = Instant::now() + Duration::from_millis(2);
            sleep_until(deadline, spin);
            assert!(Instant::now() >= deadline, "{spin:?}");
        }
        sleep_until(Instant::now() - Duration::from_millis(1), Duration::MAX);
    }
}
