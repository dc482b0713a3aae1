//! Two controllers on loopback: A serves its outputs over Modbus TCP; B's client reads them
//! into its inputs and writes one of its output bytes back to A's coils, and B's program acts
//! on what it reads. Stopping A marks B's device stale within two poll intervals while B
//! keeps scanning; starting A again recovers.

mod modbus;
mod online;

use std::time::{Duration, Instant};

use modbus::{holding, mbpoll, start, within};
use serde_json::json;

/// B's poll interval: staleness must show within two of them.
const INTERVAL: Duration = Duration::from_millis(250);

fn a_config(listen: &str) -> String {
    format!("cycle = \"5ms\"\ninputs = \"a53c3412000000000000000000000000\"\n[modbus.server]\nlisten = \"{listen}\"\n")
}

fn b_config(a: &str) -> String {
    format!(
        r#"cycle = "5ms"
[modbus.server]
listen = "127.0.0.1:0"
[[modbus.client]]
name = "a"
address = "{a}"
interval = "{}ms"
backoff_max = "500ms"
on_stale = "zero"
reads = [{{ kind = "coils", start = 0, count = 8, input = 0 }}, {{ kind = "holding", start = 3, count = 1, input = 2 }}]
writes = [{{ kind = "coils", start = 64, count = 8, output = 1 }}]
"#,
        INTERVAL.as_millis()
    )
}

/// B's output bytes 0 and 1 (its holding register 0, little-endian).
fn b_outputs(b: &str) -> [u8; 2] {
    holding(b, 0, 1)[0].to_le_bytes()
}

#[test]
fn b_reads_a_acts_on_it_sees_a_stop_and_recovers() {
    let (mut a, a_addr) = start("two-a", &a_config("127.0.0.1:0"), &[]);
    let (b_controller, b) = start("two-b", &b_config(&a_addr), &[]);
    // A's coils 0..8 = NOT 0xa5; B's program inverts them again and shows modbus.a.ok.
    assert!(within(Duration::from_secs(10), || b_outputs(&b) == [0xa5, 1]), "B got {:?}", b_outputs(&b));
    // A register written by an HMI on A reaches B's program (B's %QW4 = its %IW2 = A's 3).
    let (code, text) = mbpoll(&a_addr, &["-t", "4", "-r", "3"], &["4242"]);
    assert_eq!(code, 0, "{text}");
    assert!(within(Duration::from_secs(5), || holding(&b, 2, 1) == [4242]), "B's %QW4: {:?}", holding(&b, 2, 1));
    // B writes its %QX1 (modbus.a.ok) to A's coils 64..72.
    assert!(within(Duration::from_secs(5), || holding(&a_addr, 4, 1) == [1]), "A's coils 64..: {:?}", holding(&a_addr, 4, 1));

    a.stop();
    let stopped = Instant::now();
    assert!(within(Duration::from_secs(5), || b_outputs(&b) == [0xff, 0]), "B after A stopped: {:?}", b_outputs(&b));
    let stale_after = stopped.elapsed();
    eprintln!("B saw A stop after {stale_after:?}");
    assert!(stale_after < 2 * INTERVAL, "stale after {stale_after:?}, more than two intervals of {INTERVAL:?}");
    // The service's snapshot may be a scan older than the Modbus image: wait for it.
    let state = b_controller.until("modbus.a.ok false", |s| online::variable(s, "modbus.a.ok")["value"] == json!(false));
    let scans = state["scans"].as_u64().unwrap();
    assert!(within(Duration::from_secs(5), || b_controller.state()["scans"].as_u64().unwrap() > scans + 20), "B keeps scanning");

    // A again, on the same address: B reconnects and reads it again.
    let (a, again) = start("two-a-again", &a_config(&a_addr), &[]);
    assert_eq!(again, a_addr);
    assert!(within(Duration::from_secs(10), || b_outputs(&b) == [0xa5, 1]), "B after A came back: {:?}", b_outputs(&b));
    b_controller.until("modbus.a.ok true", |s| online::variable(s, "modbus.a.ok")["value"] == json!(true));

    // A hangs (SIGSTOP): connected but silent. B's request times out (timeout = the interval):
    // stale within the interval it waits for its next poll plus that timeout.
    let signal = |name: &str| assert!(std::process::Command::new("kill").args([name, &a.pid().to_string()]).status().unwrap().success());
    signal("-STOP");
    let hung = Instant::now();
    let stale = within(Duration::from_secs(5), || b_outputs(&b) == [0xff, 0]);
    let stale_after = hung.elapsed();
    signal("-CONT");
    assert!(stale, "B while A hangs: {:?}", b_outputs(&b));
    eprintln!("B saw A hang after {stale_after:?}");
    assert!(stale_after < 3 * INTERVAL, "stale after {stale_after:?}: more than an interval and a timeout of {INTERVAL:?}");
    assert!(within(Duration::from_secs(10), || b_outputs(&b) == [0xa5, 1]), "B after A went on: {:?}", b_outputs(&b));
}
