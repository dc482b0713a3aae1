//! Cases run in worker processes of this binary: a case that aborts the process (a failed
//! allocation), hangs in a poll or eats memory is recorded, and a fresh worker carries on
//! with the next case. A worker also starts afresh after every failure, so that one case's
//! damage is not blamed on the next.
//!
//! The worker ([`crate::worker`]) prints one line per case event on stdout (`@fuzz start
//! <index>`, then `@fuzz pass|fail <index> <µs of its slowest poll> <how or why>`); the supervisor reads them with
//! a timeout per case.

use std::fmt;
use std::io::{BufRead, BufReader};
use std::path::PathBuf;
use std::process::{Command, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use crate::generate::{self, Module};

/// The longest one case may take before its worker is killed and the case fails as hung.
const CASE_TIMEOUT: Duration = Duration::from_secs(10);

/// What to run: cases `first..end` of a seed, or module files.
#[derive(Clone)]
pub enum Cases {
    /// Cases `first..end` of `seed`, from [`generate::module`].
    Generated { seed: u64, first: u64, end: u64 },
    /// One case per module file.
    Files(Vec<PathBuf>),
}

impl Cases {
    /// How many cases it holds.
    pub fn end(&self) -> u64 {
        match self {
            Cases::Generated { end, .. } => *end,
            Cases::Files(files) => files.len() as u64,
        }
    }

    /// The module of case `index` and where it came from.
    pub fn module(&self, index: u64) -> (Module, CaseRef) {
        match self {
            Cases::Generated { seed, .. } => (generate::module(*seed, index), CaseRef::Generated { seed: *seed, case: index }),
            Cases::Files(files) => {
                let path = &files[index as usize];
                let bytes = std::fs::read(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
                (Module { bytes, generator: "file" }, CaseRef::File(path.clone()))
            }
        }
    }

    /// The environment that hands these cases, from `first` on, to a worker.
    fn job(&self, first: u64) -> Vec<(&'static str, String)> {
        match self {
            Cases::Generated { seed, end, .. } => vec![("PLC_FUZZ_JOB", format!("{seed} {first} {end}"))],
            Cases::Files(files) => {
                let list = files.iter().map(|f| f.display().to_string()).collect::<Vec<_>>().join("\n");
                vec![("PLC_FUZZ_JOB", format!("files {first}")), ("PLC_FUZZ_FILES", list)]
            }
        }
    }
}

/// Where a case came from.
#[derive(Clone)]
pub enum CaseRef {
    /// Case `case` of `seed`.
    Generated { seed: u64, case: u64 },
    /// A module file.
    File(PathBuf),
}

impl fmt::Display for CaseRef {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            CaseRef::Generated { seed, case } => write!(f, "seed {seed} case {case}"),
            CaseRef::File(path) => write!(f, "{}", path.display()),
        }
    }
}

/// A case that broke a property.
pub struct Failure {
    /// Which case.
    pub case: CaseRef,
    /// The property it broke, in a line.
    pub reason: String,
    /// Its module, to write out.
    pub module: Module,
}

impl Failure {
    /// `<seed>-<case>`, or the file's own stem.
    pub fn file_stem(&self) -> String {
        match &self.case {
            CaseRef::Generated { seed, case } => format!("{seed}-{case}"),
            CaseRef::File(path) => path.file_stem().unwrap_or_default().to_string_lossy().into_owned(),
        }
    }

    /// The command that runs this case alone.
    pub fn reproduce(&self) -> String {
        match &self.case {
            CaseRef::Generated { seed, case } => format!("PLC_FUZZ_SEED={seed} PLC_FUZZ_CASE={case} cargo test --release -p plc-host --test fuzz"),
            CaseRef::File(_) => "cargo test --release -p plc-host --test fuzz".into(),
        }
    }
}

/// What a run did.
#[derive(Default)]
pub struct Report {
    /// Cases run (refused, polled and failed).
    pub ran: u64,
    /// Modules `check` refused.
    pub refused: u64,
    /// Modules polled whose polls faulted at least once.
    pub faulted: u64,
    /// Why modules were refused (the reason's start), and how often.
    pub refusals: std::collections::BTreeMap<String, u64>,
    /// The cases that broke a property.
    pub failures: Vec<Failure>,
    /// The slowest poll of a passing case (in µs) and the case's index.
    pub slowest: Option<(u64, u64)>,
}

impl Report {
    /// What the run `name` did, in a line, then its slowest case and the commonest refusals.
    pub fn summary(&self, name: &str, took: Duration) -> String {
        let polled = self.ran - self.refused - self.failures.len() as u64;
        let mut text = format!(
            "fuzz: {name}: {} modules in {:.1} s: {} refused at load, {polled} polled ({} faulted), {} failed",
            self.ran,
            took.as_secs_f64(),
            self.refused,
            self.faulted,
            self.failures.len()
        );
        if let Some((micros, case)) = self.slowest {
            text.push_str(&format!("\n  the slowest poll of a passing case ({case}) took {:.1} ms", micros as f64 / 1000.0));
        }
        let mut refusals: Vec<_> = self.refusals.iter().collect();
        refusals.sort_by(|a, b| b.1.cmp(a.1));
        for (why, count) in refusals.iter().take(3) {
            text.push_str(&format!("\n  refused {count}x: {why}"));
        }
        text
    }
}

/// Runs `cases` (until `deadline`, if any) in workers, one after the other.
pub fn run(cases: &Cases, deadline: Option<Instant>) -> Report {
    let mut report = Report::default();
    let first = match cases {
        Cases::Generated { first, .. } => *first,
        Cases::Files(_) => 0,
    };
    let (mut next, mut progress) = (first, Instant::now());
    while next < cases.end() && deadline.is_none_or(|d| Instant::now() < d) {
        let stderr_path = std::env::temp_dir().join(format!("plc-fuzz-{}-worker.stderr", std::process::id()));
        let stderr = std::fs::File::create(&stderr_path).expect("a file for the worker's stderr");
        let mut command = Command::new(std::env::current_exe().expect("this binary"));
        command.arg("--worker").envs(cases.job(next)).stdout(Stdio::piped()).stderr(stderr);
        if let Some(deadline) = deadline {
            command.env("PLC_FUZZ_DEADLINE_MS", deadline.saturating_duration_since(Instant::now()).as_millis().to_string());
        }
        let mut child = command.spawn().expect("a worker starts");
        let (events, received) = mpsc::channel();
        let stdout = child.stdout.take().expect("the worker's stdout");
        std::thread::spawn(move || BufReader::new(stdout).lines().map_while(Result::ok).try_for_each(|line| events.send(line)));

        let mut current: Option<(u64, Instant)> = None;
        let died = loop {
            let wait = current.map_or(CASE_TIMEOUT, |(_, started)| CASE_TIMEOUT.saturating_sub(started.elapsed()));
            let line = match received.recv_timeout(wait) {
                Ok(line) => line,
                Err(mpsc::RecvTimeoutError::Timeout) if current.is_some() => {
                    let _ = child.kill();
                    let _ = child.wait();
                    break Some(format!("no result after {} s: killed (a poll that does not end?)", CASE_TIMEOUT.as_secs()));
                }
                Err(mpsc::RecvTimeoutError::Timeout) => continue,
                Err(mpsc::RecvTimeoutError::Disconnected) => {
                    let status = child.wait().expect("the worker ends");
                    let stderr = std::fs::read_to_string(&stderr_path).unwrap_or_default();
                    // Its last words without the backtrace's frames.
                    let said: Vec<_> = stderr.lines().filter(|l| !l.starts_with([' ', '\t']) && !l.starts_with("stack backtrace") && !l.starts_with("note:")).collect();
                    break current.map(|_| format!("the worker died ({status}): {}", said[said.len().saturating_sub(2)..].join(" | ")));
                }
            };
            let mut words = line.splitn(5, ' ');
            if words.next() != Some("@fuzz") {
                continue;
            }
            let (event, index) = (words.next().unwrap_or_default(), words.next().and_then(|i| i.parse().ok()).unwrap_or(u64::MAX));
            let micros: u64 = words.next().and_then(|m| m.parse().ok()).unwrap_or_default();
            let rest = words.next().unwrap_or_default();
            match event {
                "start" => current = Some((index, Instant::now())),
                "pass" | "fail" => {
                    current = None;
                    next = index + 1;
                    report.ran += 1;
                    if event == "pass" && report.slowest.is_none_or(|(slowest, _)| micros > slowest) {
                        report.slowest = Some((micros, index));
                    }
                    match (event, rest) {
                        ("pass", why) if why.starts_with("refused") => {
                            report.refused += 1;
                            let why: String = why["refused ".len().min(why.len())..].chars().take(70).collect();
                            *report.refusals.entry(why).or_default() += 1;
                        }
                        ("pass", "faulted") => report.faulted += 1,
                        ("pass", _) => {}
                        _ => report.failures.push(announced(failure(cases, index, rest.to_owned()))),
                    }
                }
                _ => {}
            }
        };
        let _ = std::fs::remove_file(&stderr_path);
        if let (Some(reason), Some((index, _))) = (died, current) {
            report.ran += 1;
            report.failures.push(announced(failure(cases, index, reason)));
            next = index + 1;
        }
        if deadline.is_some() && progress.elapsed() > Duration::from_secs(60) {
            progress = Instant::now();
            println!("fuzz: {} modules so far, {} failed", report.ran, report.failures.len());
        }
    }
    report
}

/// Says a failure at once (a long run may not reach its summary), then gives it back.
fn announced(failure: Failure) -> Failure {
    println!("fuzz: FAILED {}: {} (reproduce: {})", failure.case, failure.reason, failure.reproduce());
    failure
}

/// The failure of case `index`, with its module.
fn failure(cases: &Cases, index: u64, reason: String) -> Failure {
    let (module, case) = cases.module(index);
    Failure { case, reason, module }
}
