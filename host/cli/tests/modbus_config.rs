//! `[modbus]` settings are checked before anything runs: each problem is one line on stderr
//! and exit code 2, like every other setting.

mod modbus;
mod online;

use std::process::Command;

/// `plc-host run --config FILE PROGRAM ARGS` with `config`: the exit code and stderr.
fn run_with(name: &str, config: &str, args: &[&str]) -> (Option<i32>, String) {
    let program = online::file(&format!("config-{name}/program.wasm"), &online::wasm(modbus::PROGRAM));
    let file = online::file(&format!("config-{name}/plc.toml"), config.as_bytes());
    let out = Command::new(env!("CARGO_BIN_EXE_plc-host"))
        .args(["run", "--cycles", "1", "--config", file.to_str().unwrap(), program.to_str().unwrap()])
        .args(args)
        .output()
        .unwrap();
    (out.status.code(), String::from_utf8_lossy(&out.stderr).into_owned())
}

#[test]
fn every_bad_modbus_setting_is_one_line_and_exit_2() {
    let client = |extra: &str| format!("[[modbus.client]]\nname = \"io\"\naddress = \"127.0.0.1:1502\"\n{extra}\n");
    let cases: Vec<(String, &str)> = vec![
        ("[modbus.server]\nread_only = true\n".into(), "modbus.server: no listen address"),
        ("[modbus.server]\nlisten = \"nowhere\"\n".into(), "modbus.server.listen `nowhere`"),
        ("[modbus.server]\nlisten = \"127.0.0.1:0\"\nmax_connections = 0\n".into(), "modbus.server.max_connections 0 is out of range (1 to 1024)"),
        ("[modbus.server]\nlisten = \"127.0.0.1:0\"\nidle_timeout = \"2 fortnights\"\n".into(), "modbus.server.idle_timeout `2 fortnights`"),
        (
            "[modbus.server]\nlisten = \"127.0.0.1:0\"\n[[modbus.server.variables]]\nregister = 4\nname = \"x\"\ntype = \"i16\"\n".into(),
            "overlaps the %QW words (registers 0 to 7)",
        ),
        (
            "[modbus.server]\nlisten = \"127.0.0.1:0\"\n[[modbus.server.variables]]\nregister = 100\nname = \"x\"\ntype = \"f64\"\n".into(),
            "unknown variant `f64`",
        ),
        (
            "[modbus.server]\nlisten = \"127.0.0.1:0\"\n[[modbus.server.variables]]\nregister = 65535\nname = \"x\"\ntype = \"f32\"\n".into(),
            "its second register is past 65535",
        ),
        (client("interval = \"0ms\""), "interval `0ms` is out of range (1ms to 1h)"),
        (client("reads = [{ kind = \"holding\", start = 0, count = 126, input = 0 }]"), "a read of 126 is out of range (1 to 125)"),
        (client("reads = [{ kind = \"coils\", start = 0, count = 8, input = 16 }]"), "past the input image (16 bytes)"),
        (
            client("reads = [{ kind = \"coils\", start = 0, count = 8, input = 0 }, { kind = \"holding\", start = 0, count = 1, input = 0 }]"),
            "overlaps another read (%IX0.0)",
        ),
        (client("writes = [{ kind = \"holding\", start = 0, count = 9, output = 0 }]"), "past the output image (16 bytes)"),
        (client("reads = [{ kind = \"fifo\", start = 0, count = 1, input = 0 }]"), "unknown variant `fifo`"),
        (client("unit = 300"), "invalid value: integer `300`, expected u8"),
        (format!("{}{}", client(""), client("")), "a second client of that name"),
        ("[[modbus.client]]\nname = \"a.b\"\naddress = \"127.0.0.1:1\"\n".into(), "a name is letters, digits, `_` and `-`"),
    ];
    for (config, expected) in cases {
        let (code, stderr) = run_with("bad", &config, &[]);
        assert_eq!(code, Some(2), "{config}: {stderr}");
        assert!(stderr.contains(expected), "{config}: expected `{expected}` in {stderr}");
        assert_eq!(stderr.trim().lines().count(), 1, "{config}: {stderr}");
    }
    // The flag checks its address too, and a taken port is one line.
    let (code, stderr) = run_with("flag", "", &["--modbus-listen", "127.0.0.1:99999"]);
    assert_eq!(code, Some(2), "{stderr}");
    assert!(stderr.contains("modbus.server.listen `127.0.0.1:99999`"), "{stderr}");
    let taken = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = taken.local_addr().unwrap().to_string();
    let (code, stderr) = run_with("taken", "", &["--modbus-listen", &addr]);
    assert_eq!(code, Some(2), "{stderr}");
    assert!(stderr.starts_with(&format!("error: modbus listen {addr}: ")) && stderr.trim().lines().count() == 1, "{stderr}");
}
