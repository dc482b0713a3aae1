//! Upload latency through the online service (results: docs/benchmarks.md): from the
//! `PUT /api/v1/programs/tank` sent to its answer, which comes once a snapshot shows the new
//! code polled (so: request, compile with Singlepass, queue, swap between two scans, first
//! poll, answer). A real `plc-host run --listen` scanning `example-tank-level` (2.5 KB), two
//! versions uploaded in turn, per cycle time.
//!
//! ```console
//! cargo bench -p plc-host-cli --bench upload
//! ```

#[path = "../tests/online/mod.rs"]
mod online;
#[path = "../../tests/support/mod.rs"]
mod support;

use std::time::{Duration, Instant};

use online::Controller;

const ROUNDS: usize = 60;

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

fn main() {
    let tank = support::rust_guest("example-tank-level");
    // The same program with one more (custom) section: other bytes, another sha256.
    let mut other = tank.clone();
    other.extend_from_slice(&[0, 2, 1, b'x']);
    let versions = [tank, other];
    for cycle in ["1ms", "2ms", "10ms"] {
        let c = Controller::start(&["--cycle", cycle, "--compiler", "singlepass"], true);
        let mut times = Vec::with_capacity(ROUNDS);
        for round in 0..ROUNDS {
            let started = Instant::now();
            let answer = c.expect(200, "PUT", "/api/v1/programs/tank", Some(&versions[round % 2]));
            times.push(started.elapsed());
            assert_eq!(answer["polled"], true, "{answer}");
            // Apart by 3 to 15 ms, so that uploads fall anywhere in the cycle.
            std::thread::sleep(Duration::from_millis(3 + (round as u64 * 7919) % 13));
        }
        times.sort();
        println!(
            "upload/singlepass/{cycle}: median {:.2} ms, p90 {:.2} ms, min {:.2} ms, max {:.2} ms ({ROUNDS} uploads)",
            ms(times[ROUNDS / 2]),
            ms(times[ROUNDS * 9 / 10]),
            ms(times[0]),
            ms(times[ROUNDS - 1])
        );
    }
}
