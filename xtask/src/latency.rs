//! `cargo xtask latency`: the machine's wake-up latency (`cyclictest`, from Debian's
//! `rt-tests`) and the controller's (`plc-host run`), one after the other, with the same
//! interval, priority, CPU and duration, so that the gap is measured in one run.

use std::process::Command;

use crate::{cargo, root, run};

/// The settings, from `--cycles N --interval 1ms --priority 80 --cpu 1 --spin 30us`.
struct Settings {
    cycles: u64,
    interval_us: u64,
    priority: u32,
    cpu: u32,
    spin_us: u64,
}

fn settings(args: &[&str]) -> Result<Settings, String> {
    let mut s = Settings { cycles: 10_000, interval_us: 1000, priority: 80, cpu: 1, spin_us: 30 };
    for pair in args.chunks(2) {
        let [flag, value] = pair else { return Err(format!("`{}` needs a value", pair[0])) };
        let number = |v: &str| v.trim_end_matches("us").parse::<u64>().map_err(|e| format!("{flag} {v}: {e}"));
        match *flag {
            "--cycles" => s.cycles = number(value)?,
            "--interval" if value.ends_with("ms") => s.interval_us = number(value.trim_end_matches("ms"))? * 1000,
            "--interval" => s.interval_us = number(value)?,
            "--priority" => s.priority = number(value)? as u32,
            "--cpu" => s.cpu = number(value)? as u32,
            "--spin" => s.spin_us = number(value)?,
            other => return Err(format!("unknown flag {other}: --cycles N --interval 1ms --priority 80 --cpu 1 --spin 30us")),
        }
    }
    Ok(s)
}

/// p50, p99, p99.9 and max, in µs.
#[derive(Debug, Clone, Copy)]
struct Row {
    p50: u64,
    p99: u64,
    p999: u64,
    max: u64,
}

/// The quantiles of cyclictest's histogram (`-h`: one line `bucket count` per µs).
fn from_histogram(text: &str) -> Result<Row, String> {
    let mut buckets = Vec::new();
    let mut max = None;
    for line in text.lines() {
        if let Some(v) = line.strip_prefix("# Max Latencies:") {
            max = v.split_whitespace().next().and_then(|v| v.parse().ok());
        } else if let [us, count] = line.split_whitespace().collect::<Vec<_>>()[..] {
            if let (Ok(us), Ok(count)) = (us.parse::<u64>(), count.parse::<u64>()) {
                buckets.push((us, count));
            }
        }
    }
    let total: u64 = buckets.iter().map(|b| b.1).sum();
    let max = max.ok_or("cyclictest printed no maximum")?;
    let quantile = |q: u64| {
        let rank = (total * q).div_ceil(1000).max(1);
        let mut seen = 0;
        buckets.iter().find(|(_, count)| {
            seen += count;
            seen >= rank
        }).map_or(max, |b| b.0)
    };
    Ok(Row { p50: quantile(500), p99: quantile(990), p999: quantile(999), max })
}

fn cyclictest(s: &Settings) -> Result<Row, String> {
    let args = [
        "-m".to_owned(), "-q".into(), "-t1".into(),
        format!("-p{}", s.priority), format!("-a{}", s.cpu), format!("-i{}", s.interval_us), format!("-l{}", s.cycles),
        "-h100000".into(),
    ];
    println!("\n$ cyclictest {}", args.join(" "));
    let out = Command::new("cyclictest").args(&args).output().map_err(|e| format!("cyclictest: {e} (apt-get install rt-tests)"))?;
    if !out.status.success() {
        return Err(format!("cyclictest failed: {}", String::from_utf8_lossy(&out.stderr)));
    }
    from_histogram(&String::from_utf8_lossy(&out.stdout))
}

fn plc_host(s: &Settings, spin_us: u64, wasm: &str) -> Result<Row, String> {
    let host = root().join("target/release/plc-host");
    let args = [
        "run".to_owned(), wasm.into(), "--cycle".into(), format!("{}us", s.interval_us), "--cycles".into(), s.cycles.to_string(),
        "--priority".into(), s.priority.to_string(), "--lock-memory".into(), "--cpu".into(), s.cpu.to_string(),
        "--spin".into(), format!("{spin_us}us"), "--inputs".into(), "19".into(), "--outputs".into(), "1".into(), "--json".into(),
    ];
    println!("\n$ target/release/plc-host {}", args.join(" "));
    let out = Command::new(&host).args(&args).env("RUST_LOG", "warn").output().map_err(|e| format!("{}: {e}", host.display()))?;
    eprint!("{}", String::from_utf8_lossy(&out.stderr));
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).map_err(|e| format!("plc-host --json: {e}"))?;
    let l = &json["stats"]["lateness_us"];
    let at = |q: &str| l[q].as_u64().ok_or_else(|| format!("no stats.lateness_us.{q} in {json}"));
    Ok(Row { p50: at("p50")?, p99: at("p99")?, p999: at("p999")?, max: at("max")? })
}

/// Builds the host and blinky, runs both measurements, prints the table.
pub fn latency(args: &[&str]) -> Result<(), String> {
    let s = settings(args)?;
    let cargo = cargo();
    run(&cargo, &["build", "--quiet", "--release", "--package", "plc-host-cli"])?;
    run(&cargo, &["build", "--quiet", "--profile", "wasm", "--target", "wasm32-unknown-unknown", "--package", "example-blinky"])?;
    let wasm = root().join("target/wasm32-unknown-unknown/wasm/example_blinky.wasm");
    let wasm = wasm.to_str().ok_or("a UTF-8 path")?;
    let machine = cyclictest(&s)?;
    let mut rows = vec![("cyclictest".to_owned(), machine)];
    if s.spin_us > 0 {
        rows.push(("plc-host, spin 0".into(), plc_host(&s, 0, wasm)?));
    }
    rows.push((format!("plc-host, spin {} us", s.spin_us), plc_host(&s, s.spin_us, wasm)?));
    println!(
        "\nwake-up latency, {} wake-ups every {} us, SCHED_FIFO {}, CPU {}, memory locked\n",
        s.cycles, s.interval_us, s.priority, s.cpu
    );
    println!("| | p50 (us) | p99 (us) | p99.9 (us) | max (us) | p99 / cyclictest's |");
    println!("|---|---:|---:|---:|---:|---:|");
    for (name, r) in &rows {
        let ratio = r.p99 as f64 / machine.p99.max(1) as f64;
        println!("| {name} | {} | {} | {} | {} | {ratio:.2} |", r.p50, r.p99, r.p999, r.max);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    #[test]
    fn quantiles_of_a_cyclictest_histogram() {
        let text = "# Histogram\n000010 000500\n000020 000490\n000030 000009\n000040 000001\n# Max Latencies: 00041\n";
        let row = super::from_histogram(text).unwrap();
        assert_eq!((row.p50, row.p99, row.p999, row.max), (10, 20, 30, 41));
    }
}
