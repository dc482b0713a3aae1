//! The system calls behind [`realtime`](super), each in a safe function.
//!
//! The one module of the library besides `lend.rs` and `tunables.rs` allowed `unsafe`: std has
//! no wrapper for a thread's scheduling policy, its CPU affinity, `mlockall` or an absolute
//! `clock_nanosleep`. Every call passes values it owns and checks the result.
#![allow(unsafe_code)]

use std::io;
use std::time::Duration;

/// The result of a libc call that returns 0 or -1 and sets errno.
fn check(result: libc::c_int) -> io::Result<()> {
    if result == 0 { Ok(()) } else { Err(io::Error::last_os_error()) }
}

/// Gives the calling thread `SCHED_FIFO` at `priority`.
pub fn set_fifo(priority: i32) -> io::Result<()> {
    let param = libc::sched_param { sched_priority: priority };
    // SAFETY: pthread_self() is the calling thread, alive; `param` is a valid sched_param that
    // outlives the call, which only reads it.
    let result = unsafe { libc::pthread_setschedparam(libc::pthread_self(), libc::SCHED_FIFO, &param) };
    if result == 0 { Ok(()) } else { Err(io::Error::from_raw_os_error(result)) }
}

/// The calling thread's scheduling policy and priority.
pub fn scheduling() -> io::Result<(i32, i32)> {
    let mut policy = 0;
    let mut param = libc::sched_param { sched_priority: 0 };
    // SAFETY: both pointers are to locals that outlive the call, which writes them.
    let result = unsafe { libc::pthread_getschedparam(libc::pthread_self(), &mut policy, &mut param) };
    if result == 0 { Ok((policy, param.sched_priority)) } else { Err(io::Error::from_raw_os_error(result)) }
}

/// The priorities `SCHED_FIFO` accepts.
pub fn fifo_priorities() -> (i32, i32) {
    // SAFETY: plain queries without pointers.
    unsafe { (libc::sched_get_priority_min(libc::SCHED_FIFO), libc::sched_get_priority_max(libc::SCHED_FIFO)) }
}

/// Locks every page of the process, present and future, into memory.
pub fn lock_memory() -> io::Result<()> {
    // SAFETY: no pointers; the flags are valid.
    check(unsafe { libc::mlockall(libc::MCL_CURRENT | libc::MCL_FUTURE) })
}

/// Whether the process's memory is locked (`VmLck` in /proc/self/status is above 0).
pub fn memory_locked() -> bool {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    status.lines().find_map(|l| l.strip_prefix("VmLck:")).and_then(|v| v.trim().trim_end_matches("kB").trim().parse::<u64>().ok()).is_some_and(|kb| kb > 0)
}

/// Pins the calling thread to `cpu`.
pub fn pin(cpu: usize) -> io::Result<()> {
    if cpu >= libc::CPU_SETSIZE as usize {
        return Err(io::Error::new(io::ErrorKind::InvalidInput, format!("CPUs are numbered below {}", libc::CPU_SETSIZE)));
    }
    // SAFETY: a zeroed cpu_set_t is the empty set; CPU_SET writes inside it (cpu is in range).
    let mut set: libc::cpu_set_t = unsafe { std::mem::zeroed() };
    // SAFETY: as above.
    unsafe { libc::CPU_SET(cpu, &mut set) };
    // SAFETY: pid 0 is the calling thread; `set` outlives the call, which reads its size.
    check(unsafe { libc::sched_setaffinity(0, std::mem::size_of::<libc::cpu_set_t>(), &set) })
}

/// The CPUs the calling thread may run on.
pub fn affinity() -> io::Result<Vec<usize>> {
    // SAFETY: a zeroed cpu_set_t is the empty set.
    let mut set: libc::cpu_set_t = unsafe { std::mem::zeroed() };
    // SAFETY: pid 0 is the calling thread; `set` outlives the call, which writes at most its size.
    check(unsafe { libc::sched_getaffinity(0, std::mem::size_of::<libc::cpu_set_t>(), &mut set) })?;
    // SAFETY: CPU_ISSET reads inside `set`, for numbers below CPU_SETSIZE.
    Ok((0..libc::CPU_SETSIZE as usize).filter(|&cpu| unsafe { libc::CPU_ISSET(cpu, &set) }).collect())
}

/// CLOCK_MONOTONIC now.
fn monotonic() -> libc::timespec {
    let mut now = libc::timespec { tv_sec: 0, tv_nsec: 0 };
    // SAFETY: `now` outlives the call, which writes it; CLOCK_MONOTONIC always exists on Linux.
    unsafe { libc::clock_gettime(libc::CLOCK_MONOTONIC, &mut now) };
    now
}

/// Sleeps until CLOCK_MONOTONIC reads its value now plus `after`: an absolute deadline
/// (`TIMER_ABSTIME`), so that time spent before the call, or a signal, does not move it.
#[allow(clippy::unnecessary_cast)] // time_t and c_long are i32 on some targets
pub fn sleep_for_abs(after: Duration) {
    let now = monotonic();
    let nanos = now.tv_nsec as i64 + i64::from(after.subsec_nanos());
    let secs = (now.tv_sec as i64).saturating_add(i64::try_from(after.as_secs()).unwrap_or(i64::MAX)).saturating_add(nanos / 1_000_000_000);
    let deadline = libc::timespec { tv_sec: secs as libc::time_t, tv_nsec: (nanos % 1_000_000_000) as libc::c_long };
    loop {
        // SAFETY: `deadline` outlives the call, which only reads it; the remainder pointer may be
        // null with TIMER_ABSTIME.
        let result = unsafe { libc::clock_nanosleep(libc::CLOCK_MONOTONIC, libc::TIMER_ABSTIME, &deadline, std::ptr::null_mut()) };
        if result != libc::EINTR {
            return;
        }
    }
}
