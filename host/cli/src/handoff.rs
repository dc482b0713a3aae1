//! Writing off the scan thread: lines go through a bounded channel to a thread of their own
//! that writes them, so the scan never waits on a terminal, a pipe or a lock; when the channel
//! is full the line is dropped and counted.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::mpsc::{self, SyncSender, TrySendError};
use std::time::Duration;

enum Message {
    Line(String),
    /// Answered once every line before it is written.
    Flush(SyncSender<()>),
}

/// The sending end; the writer thread ends when it is dropped.
pub struct Handoff {
    sender: SyncSender<Message>,
    dropped: AtomicU64,
}

impl Handoff {
    /// Starts a thread named `name` that calls `write` with each line, in order; `capacity`
    /// lines may wait. `None` if the thread cannot be started.
    pub fn spawn(name: &str, capacity: usize, mut write: impl FnMut(&str) + Send + 'static) -> Option<Handoff> {
        let (sender, receiver) = mpsc::sync_channel(capacity);
        std::thread::Builder::new()
            .name(name.into())
            .spawn(move || {
                for message in receiver {
                    match message {
                        Message::Line(line) => write(&line),
                        Message::Flush(done) => {
                            let _ = done.try_send(());
                        }
                    }
                }
            })
            .ok()?;
        Some(Handoff { sender, dropped: AtomicU64::new(0) })
    }

    /// Hands a line to the writer without waiting; false (and counted) if it was dropped.
    pub fn send(&self, line: String) -> bool {
        match self.sender.try_send(Message::Line(line)) {
            Ok(()) => true,
            Err(TrySendError::Full(_) | TrySendError::Disconnected(_)) => {
                self.dropped.fetch_add(1, Ordering::Relaxed);
                false
            }
        }
    }

    /// Lines dropped so far.
    pub fn dropped(&self) -> u64 {
        self.dropped.load(Ordering::Relaxed)
    }

    /// Waits (up to `timeout`, off the scan) until every line handed over is written.
    pub fn flush(&self, timeout: Duration) {
        let (done, written) = mpsc::sync_channel(1);
        if self.sender.send(Message::Flush(done)).is_ok() {
            let _ = written.recv_timeout(timeout);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::{Arc, Mutex};

    #[test]
    fn lines_arrive_in_order_and_a_full_channel_drops_and_counts() {
        let seen = Arc::new(Mutex::new(Vec::new()));
        let (gate, wait) = mpsc::channel::<()>();
        let writer = seen.clone();
        let handoff = Handoff::spawn("test-writer", 2, move |line| {
            if line == "slow" {
                let _ = wait.recv();
            }
            writer.lock().unwrap().push(line.to_owned());
        })
        .unwrap();
        assert!(handoff.send("slow".into()));
        // The writer waits on the gate: two more fit, then the channel is full.
        let sent: Vec<bool> = (0..20).map(|i| handoff.send(i.to_string())).collect();
        assert!(sent.iter().filter(|&&s| !s).count() >= 17, "{sent:?}");
        assert_eq!(handoff.dropped(), sent.iter().filter(|&&s| !s).count() as u64);
        gate.send(()).unwrap();
        handoff.flush(Duration::from_secs(10));
        let seen = seen.lock().unwrap();
        assert_eq!(seen[0], "slow");
        let kept: Vec<String> = (0..20).filter(|&i| sent[i]).map(|i| i.to_string()).collect();
        assert_eq!(seen[1..], kept[..]);
    }
}
