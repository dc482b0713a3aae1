//! Behaviour recipes: a program's expected outputs, logs and variables, pass by pass.
//!
//! The format of rustmatic's wasm behaviour tests, with optional variables:
//!
//! ```json
//! {"passes": [{"elapsed": "100ms", "inputs": [4], "expected_outputs": [1],
//!              "expected_log_messages": ["Polling"],
//!              "variables": {"setpoint": 50.0}, "expected_variables": {"count": 1}}]}
//! ```
//!
//! For each pass the clock reads `elapsed`, the input image is `inputs`, the output image starts
//! as zeros of `expected_outputs`' length, and one poll runs. Then the outputs must equal
//! `expected_outputs`; each expected message must be contained in a distinct message logged
//! during the pass, with no logged message left over; and each expected variable must hold its
//! value. Variables persist from pass to pass. In JSON, `50.0` is a double, `50` an int.

use std::collections::BTreeMap;
use std::fmt;
use std::time::Duration;

use serde::Deserialize;

use crate::environment::{InMemoryEnvironment, Value};
use crate::program::Program;

/// A recipe: passes run in order against one program, or several polled in order.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Recipe {
    /// For recipes of several programs: their names, in scan order (a program named `act`
    /// may be given as `act.wasm` or `example_act.wasm`). Optional for one program.
    #[serde(default)]
    pub programs: Vec<String>,
    /// The passes.
    pub passes: Vec<Pass>,
}

/// One poll and what it must do.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Pass {
    /// The clock during the pass, e.g. `"100ms"` or `"1s 500ms"`.
    #[serde(deserialize_with = "human_duration")]
    pub elapsed: Duration,
    /// The input image.
    #[serde(default)]
    pub inputs: Vec<u8>,
    /// The output image after the poll.
    pub expected_outputs: Vec<u8>,
    /// Messages the poll must log (each a substring of a distinct logged message).
    #[serde(default)]
    pub expected_log_messages: Vec<String>,
    /// Variables to set before the poll.
    #[serde(default)]
    pub variables: BTreeMap<String, JsonValue>,
    /// Variables that must hold these values after the poll.
    #[serde(default)]
    pub expected_variables: BTreeMap<String, JsonValue>,
}

/// A variable's value as written in JSON: `true`, `3` (int) or `3.0` (double).
#[derive(Debug, Clone, Copy, PartialEq, Deserialize)]
#[serde(try_from = "serde_json::Value")]
pub struct JsonValue(pub Value);

impl TryFrom<serde_json::Value> for JsonValue {
    type Error = String;

    fn try_from(v: serde_json::Value) -> Result<Self, String> {
        let value = match &v {
            serde_json::Value::Bool(b) => Value::Bool(*b),
            serde_json::Value::Number(n) if n.is_f64() => Value::Double(n.as_f64().unwrap_or_default()),
            serde_json::Value::Number(n) => {
                Value::Int(n.as_i64().and_then(|i| i32::try_from(i).ok()).ok_or_else(|| format!("{n} does not fit an i32"))?)
            }
            other => return Err(format!("a variable is a bool, an int or a double, not {other}")),
        };
        Ok(JsonValue(value))
    }
}

fn human_duration<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Duration, D::Error> {
    let text = String::deserialize(d)?;
    humantime::parse_duration(&text).map_err(|e| serde::de::Error::custom(format!("elapsed `{text}`: {e}")))
}

impl Recipe {
    /// Parses a recipe from JSON.
    pub fn from_json(json: &str) -> Result<Recipe, String> {
        serde_json::from_str(json).map_err(|e| e.to_string())
    }

    /// Runs every pass against `programs`, polled in order once per pass, stopping at the first
    /// pass that fails.
    pub fn run(&self, programs: &mut [Program]) -> Result<(), Failure> {
        self.play(programs, &mut |_| {})
    }

    /// [`run`](Self::run) with an online change before every pass: each program is replaced by
    /// `new_version(name)`, which takes its state over as
    /// [`Controller::replace`](crate::Controller::replace) does. A program whose declared state
    /// is all it keeps between scans passes its recipe unchanged.
    pub fn run_with_swaps(&self, programs: &mut [Program], new_version: impl Fn(&str) -> Program) -> Result<(), Failure> {
        self.play(programs, &mut |programs| {
            for program in programs.iter_mut() {
                let mut new = new_version(program.name());
                new.take_over(program);
                *program = new;
            }
        })
    }

    fn play(&self, programs: &mut [Program], before_pass: &mut dyn FnMut(&mut [Program])) -> Result<(), Failure> {
        let names: Vec<&str> = programs.iter().map(Program::name).collect();
        let fits = |(want, got): (&String, &&str)| *got == want || got.ends_with(&format!("_{want}"));
        if !self.programs.is_empty() && (self.programs.len() != names.len() || !self.programs.iter().zip(&names).all(fits)) {
            return Err(Failure {
                pass: 0,
                elapsed: Duration::ZERO,
                problem: format!("the recipe is for the programs {:?}, in this order, not {names:?}", self.programs),
            });
        }
        let mut env = InMemoryEnvironment::default();
        for (index, pass) in self.passes.iter().enumerate() {
            let fail = |problem: String| Failure { pass: index + 1, elapsed: pass.elapsed, problem };
            {
                let mem = &mut env;
                mem.elapsed = pass.elapsed;
                mem.inputs.clone_from(&pass.inputs);
                mem.outputs = vec![0; pass.expected_outputs.len()];
                mem.logs.clear();
                for (name, JsonValue(value)) in &pass.variables {
                    mem.variables.insert(name.clone(), *value);
                }
            }
            before_pass(programs);
            for program in programs.iter_mut() {
                let name = program.name().to_owned();
                program.poll(&mut env).map_err(|fault| fail(format!("{name} faulted: {fault}")))?;
            }
            let mem = &env;
            if mem.outputs != pass.expected_outputs {
                return Err(fail(format!("outputs are {:?}, expected {:?}", mem.outputs, pass.expected_outputs)));
            }
            let logged: Vec<&str> = mem.logs.iter().map(|r| r.message.as_str()).collect();
            check_logs(&logged, &pass.expected_log_messages).map_err(fail)?;
            for (name, JsonValue(expected)) in &pass.expected_variables {
                match mem.variables.get(name) {
                    Some(actual) if actual == expected => {}
                    Some(actual) => return Err(fail(format!("variable {name} is {actual}, expected {expected}"))),
                    None => return Err(fail(format!("variable {name} does not exist, expected {expected}"))),
                }
            }
        }
        Ok(())
    }
}

/// Each expected message must be contained in a distinct logged message, and every logged
/// message must be claimed by one (a bipartite matching, by augmenting paths).
fn check_logs(logged: &[&str], expected: &[String]) -> Result<(), String> {
    fn claim(e: usize, logged: &[&str], expected: &[String], owner: &mut [Option<usize>], seen: &mut [bool]) -> bool {
        for (l, message) in logged.iter().enumerate() {
            if !seen[l] && message.contains(expected[e].as_str()) {
                seen[l] = true;
                if owner[l].is_none_or(|other| claim(other, logged, expected, owner, seen)) {
                    owner[l] = Some(e);
                    return true;
                }
            }
        }
        false
    }
    let mut owner = vec![None; logged.len()];
    for e in 0..expected.len() {
        if !claim(e, logged, expected, &mut owner, &mut vec![false; logged.len()]) {
            return Err(format!("no logged message contains {:?} (logged: {logged:?})", expected[e]));
        }
    }
    let left: Vec<_> = logged.iter().zip(&owner).filter(|(_, o)| o.is_none()).map(|(m, _)| *m).collect();
    if !left.is_empty() {
        return Err(format!("unexpected log messages {left:?}"));
    }
    Ok(())
}

/// The first pass of a recipe that did not behave as expected (pass 0: the recipe does not fit
/// the programs).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Failure {
    /// The pass, counting from 1.
    pub pass: usize,
    /// Its clock.
    pub elapsed: Duration,
    /// What differed.
    pub problem: String,
}

impl fmt::Display for Failure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.pass {
            0 => f.write_str(&self.problem),
            pass => write!(f, "pass {pass} (elapsed {}): {}", humantime::format_duration(self.elapsed), self.problem),
        }
    }
}

impl std::error::Error for Failure {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn log_matching_uses_each_message_once_and_leaves_none_over() {
        let s = |v: &[&str]| v.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        assert!(check_logs(&["Polling", "Polling again"], &s(&["Polling", "again"])).is_ok());
        // Greedy would give "Polling" to the first message and fail on the second.
        assert!(check_logs(&["Polling again", "Polling"], &s(&["Polling", "again"])).is_ok());
        assert!(check_logs(&["Polling"], &s(&["Polling", "Polling"])).is_err());
        assert!(check_logs(&["Polling", "extra"], &s(&["Polling"])).unwrap_err().contains("extra"));
        assert!(check_logs(&[], &[]).is_ok());
    }

    #[test]
    fn json_numbers_keep_their_type() {
        let pass: Pass = serde_json::from_str(
            r#"{"elapsed": "1s 5ms", "expected_outputs": [], "variables": {"a": 1, "b": 1.0, "c": true}}"#,
        )
        .unwrap();
        assert_eq!(pass.elapsed, Duration::from_millis(1005));
        assert_eq!(pass.variables["a"].0, Value::Int(1));
        assert_eq!(pass.variables["b"].0, Value::Double(1.0));
        assert_eq!(pass.variables["c"].0, Value::Bool(true));
        assert!(serde_json::from_str::<Pass>(r#"{"elapsed": "soon", "expected_outputs": []}"#).is_err());
        assert!(serde_json::from_str::<Pass>(r#"{"elapsed": "1s", "expected_outputs": [], "typo": 1}"#).is_err());
    }
}
