//! Hostile Modbus TCP traffic: random bytes, random requests, truncated headers, wrong
//! lengths, bad function codes and quantities, more connections than allowed and silent ones. Each bad frame ends
//! its own connection at most; the controller scans on and serves every other client.

mod modbus;
mod online;

use std::io::{Read, Write};
use std::net::TcpStream;
use std::time::{Duration, Instant};

use modbus::{connect, holding, request, start, within};

/// Sends `bytes` on a new connection and reads what comes back for up to 300 ms: whether the
/// server closed the connection by then.
fn closed_after(addr: &str, bytes: &[u8]) -> bool {
    closed_within(addr, bytes, Duration::from_millis(300))
}

/// As [`closed_after`], waiting up to `wait`.
fn closed_within(addr: &str, bytes: &[u8], wait: Duration) -> bool {
    let mut stream = connect(addr);
    stream.set_read_timeout(Some(wait)).unwrap();
    let _ = stream.write_all(bytes);
    let mut buf = [0u8; 512];
    let deadline = Instant::now() + wait;
    while Instant::now() < deadline {
        match stream.read(&mut buf) {
            Ok(0) => return true,
            Ok(_) => continue,
            Err(e) if e.kind() == std::io::ErrorKind::WouldBlock || e.kind() == std::io::ErrorKind::TimedOut => return false,
            Err(_) => return true,
        }
    }
    false
}

/// An MBAP header with this length field, for unit 1.
fn header(len: u16) -> Vec<u8> {
    let mut h = vec![0, 9, 0, 0];
    h.extend_from_slice(&len.to_be_bytes());
    h.push(1);
    h
}

fn frame(len: u16, pdu: &[u8]) -> Vec<u8> {
    let mut f = header(len);
    f.extend_from_slice(pdu);
    f
}

/// A small deterministic generator (xorshift), so that a failure repeats.
struct Random(u64);

impl Random {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
}

#[test]
fn bad_frames_leave_the_controller_and_its_scan_untouched() {
    let config = "cycle = \"5ms\"\noutputs = 16\n[modbus.server]\nlisten = \"127.0.0.1:0\"\nmax_connections = 8\nidle_timeout = \"1s\"\n";
    let (mut controller, addr) = start("bad-frames", config, &[]);
    let scans = |c: &online::Controller| c.state()["scans"].as_u64().unwrap();
    let before = scans(&controller);
    // A client that stays connected through it all.
    let mut steady = connect(&addr);
    assert_eq!(request(&mut steady, 1, &[3, 0, 0, 0, 1]), [3, 2, 0, 0xff]);

    // Random bytes on 40 connections: nothing stops the server.
    let mut random = Random(0x9e37_79b9_7f4a_7c15);
    for _ in 0..40 {
        let len = (random.next() % 300) as usize + 1;
        let bytes: Vec<u8> = (0..len).map(|_| random.next() as u8).collect();
        closed_within(&addr, &bytes, Duration::from_millis(50));
        assert_eq!(request(&mut steady, 1, &[3, 0, 0, 0, 1]), [3, 2, 0, 0xff], "the steady client is served meanwhile");
    }
    // Random PDUs in well-formed frames: each gets an answer or a close, never a hang.
    for _ in 0..40 {
        let len = (random.next() % 20) as usize + 1;
        let pdu: Vec<u8> = (0..len).map(|_| random.next() as u8).collect();
        closed_within(&addr, &frame(len as u16 + 1, &pdu), Duration::from_millis(50));
        assert_eq!(request(&mut steady, 1, &[3, 0, 0, 0, 1]), [3, 2, 0, 0xff], "the steady client is served meanwhile");
    }
    // Random PDUs of the served function codes, the decoder's paths: the same.
    for _ in 0..60 {
        let len = (random.next() % 12) as usize + 1;
        let mut pdu: Vec<u8> = (0..len).map(|_| random.next() as u8).collect();
        pdu[0] = [1, 2, 3, 4, 5, 6, 15, 16][(random.next() % 8) as usize];
        closed_within(&addr, &frame(len as u16 + 1, &pdu), Duration::from_millis(20));
    }
    assert_eq!(request(&mut steady, 1, &[3, 0, 0, 0, 1]), [3, 2, 0, 0xff]);
    // Truncated headers and wrong lengths end their connection.
    assert!(closed_after(&addr, &header(0)), "length 0");
    assert!(closed_after(&addr, &frame(3, &[3, 0])), "a read of 1 byte too short");
    assert!(closed_after(&addr, &frame(8, &[3, 0, 0, 0, 1, 0, 0])), "bytes past the request");
    assert!(closed_after(&addr, &[0, 1, 0, 7, 0, 6, 1, 3, 0, 0, 0, 1]), "protocol id 7");
    assert!(closed_after(&addr, &frame(2, &[0x83])), "function code 0x83");
    assert!(closed_after(&addr, &frame(8, &[0x10, 0, 0, 0, 2, 3, 0])), "FC 16 with a wrong byte count");
    assert!(closed_after(&addr, &frame(7, &[0x10, 0, 0, 0x80, 0, 0])), "FC 16 with 32768 registers");
    assert!(closed_after(&addr, &frame(7, &[0x0f, 0, 0, 0, 8, 4])), "FC 15 with too few bytes");
    assert!(closed_after(&addr, &frame(8, &[0x0f, 0, 0, 0, 100, 1, 0xff])), "FC 15: 100 coils in 1 byte");
    assert!(closed_after(&addr, &frame(300, &[3, 0, 0, 0, 1])), "a length past the protocol's 254");
    assert_eq!(request(&mut steady, 1, &[3, 0, 0, 0, 1]), [3, 2, 0, 0xff]);
    // A header that promises 65535 bytes, then silence: closed by the idle timeout.
    let mut hanging = connect(&addr);
    hanging.write_all(&header(0xffff)).unwrap();
    hanging.write_all(&[3, 0, 0]).unwrap();
    // Bad quantities and addresses are exceptions, on a connection that lives on.
    let mut c = connect(&addr);
    assert_eq!(request(&mut c, 2, &[1, 0, 0, 0, 0]), [0x81, 3], "0 coils");
    assert_eq!(request(&mut c, 3, &[1, 0, 0, 0x07, 0xd1]), [0x81, 3], "2001 coils");
    assert_eq!(request(&mut c, 4, &[3, 0, 0, 0, 126]), [0x83, 3], "126 registers");
    assert_eq!(request(&mut c, 5, &[3, 0xff, 0xff, 0, 2]), [0x83, 2], "past register 65535");
    assert_eq!(request(&mut c, 6, &[2, 0xff, 0xf0, 0, 100]), [0x82, 2], "past the inputs");
    assert_eq!(request(&mut c, 7, &[0x2b, 0x0e, 1, 0]), [0xab, 1], "device identification");
    assert_eq!(request(&mut c, 8, &[0x41, 1, 2, 3]), [0xc1, 1], "a user function code");
    assert_eq!(request(&mut c, 9, &[3, 0, 0, 0, 1]), [3, 2, 0, 0xff]);

    // More connections than allowed: the extra ones are closed at once; silent ones time out.
    drop(c);
    let held: Vec<TcpStream> = (0..30).map(|_| connect(&addr)).collect();
    std::thread::sleep(Duration::from_millis(200));
    let refused = held
        .iter()
        .filter(|s| {
            let mut s = *s;
            s.set_read_timeout(Some(Duration::from_millis(50))).unwrap();
            match s.read(&mut [0u8; 8]) {
                Err(e) => !matches!(e.kind(), std::io::ErrorKind::WouldBlock | std::io::ErrorKind::TimedOut),
                Ok(n) => n == 0,
            }
        })
        .count();
    // 8 slots, the steady client's and perhaps the hanging one's taken: 6 to 7 accepted.
    assert!((23..=24).contains(&refused), "{refused} of 30 connections closed");
    // The steady client keeps its slot and its answers.
    assert_eq!(request(&mut steady, 10, &[3, 0, 0, 0, 1]), [3, 2, 0, 0xff]);
    drop(held);
    // The hanging frame's connection was closed after its idle second.
    hanging.set_read_timeout(Some(Duration::from_secs(3))).unwrap();
    assert!(matches!(hanging.read(&mut [0u8; 8]), Ok(0) | Err(_)), "the silent connection was closed");
    // After it all: new clients are served, the scan went on, nothing panicked.
    assert!(within(Duration::from_secs(5), || std::panic::catch_unwind(|| holding(&addr, 0, 8)).is_ok()), "a new client is served");
    assert_eq!(holding(&addr, 0, 8), [0xff, 0, 0, 0, 0, 0, 0, 0], "%QW0 = NOT %IX0 = 0x00ff");
    let after = scans(&controller);
    assert!(after > before + 50, "the scan went on: {before} -> {after}");
    let log = controller.stderr.lock().unwrap().join("\n");
    assert!(!log.contains("panicked"), "{log}");
    assert!(controller.stop().success() || cfg!(not(unix)));
}
