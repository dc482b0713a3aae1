//! Forcing through the online service of a real `plc-host run --listen`: inputs (bits and
//! typed bytes) seen by the program, outputs and variables winning over what it writes,
//! one-shot writes, and the release of each.

mod online;

use online::*;
use serde_json::{json, Value};

fn body(value: Value) -> Vec<u8> {
    value.to_string().into_bytes()
}

#[test]
fn forced_inputs_outputs_and_variables_win_until_released() {
    let counter = file("forces/counter.wasm", &wasm(COUNTER));
    let c = Controller::start(&[counter.to_str().unwrap(), "--cycle", "2ms"], true);
    c.until("the variables exist", |s| s["scans"].as_u64().unwrap() > 1);
    let variables = c.expect(200, "GET", "/api/v1/variables", None);
    let types: Vec<(&str, &str)> = variables.as_array().unwrap().iter().map(|v| (v["name"].as_str().unwrap(), v["type"].as_str().unwrap())).collect();
    assert_eq!(types, [("count", "int"), ("level", "double"), ("mirror", "int")]);

    // A one-shot write: the program counts on from it. Answered from a snapshot after the
    // scan that applied it: that scan may have counted once more, and on a loaded machine the
    // snapshot the answer finds may be a few scans (of 2 ms) later still.
    let written = c.expect(200, "PUT", "/api/v1/variables/count", Some(&body(json!({"value": 100000}))))["value"].as_i64().unwrap();
    assert!((100000..=100050).contains(&written), "{written}: not counting on from the written value");
    let state = c.until("counting from 100000", |s| variable(s, "count")["value"].as_i64().unwrap() > 100000);
    assert!(variable(&state, "count")["value"].as_i64().unwrap() < 110000);
    // An integer for a double is a double.
    c.expect(200, "PUT", "/api/v1/variables/level", Some(&body(json!({"value": 3}))));

    // A forced variable wins over the program's write, and is shown as forced.
    let forced = c.expect(200, "PUT", "/api/v1/forces/variables/count", Some(&body(json!({"value": 7}))));
    assert_eq!(forced, json!({"place": "`count`", "variable": "count", "type": "int", "value": 7}));
    for _ in 0..3 {
        let state = c.state();
        assert_eq!(variable(&state, "count"), &json!({"name": "count", "type": "int", "value": 7, "forced": true}));
    }
    c.expect(409, "PUT", "/api/v1/variables/count", Some(&body(json!({"value": 1}))));
    c.expect(422, "PUT", "/api/v1/forces/variables/count", Some(&body(json!({"value": 1.5}))));

    // A forced input bit: the program sees it (mirror, and its copy to output byte 0).
    c.expect(200, "PUT", "/api/v1/forces/inputs/0.1", Some(&body(json!({"value": true}))));
    let state = c.until("the program sees %IX0.1", |s| variable(s, "mirror")["value"] == 2);
    assert_eq!(state["images"]["inputs"]["bytes"][0], 2);
    assert_eq!(state["images"]["inputs"]["forced"][0], 2, "the forced bit is shown");
    assert_eq!(state["images"]["outputs"]["bytes"][0], 2);
    // A forced output bit wins over the program's copy; a typed output too.
    c.expect(200, "PUT", "/api/v1/forces/outputs/0.7", Some(&body(json!({"value": 1}))));
    c.expect(200, "PUT", "/api/v1/forces/outputs/2", Some(&body(json!({"value": -2, "type": "i16"}))));
    let state = c.until("the outputs are forced", |s| s["images"]["outputs"]["bytes"][0] == 0x82);
    assert_eq!(state["images"]["outputs"]["bytes"].as_array().unwrap()[2..4], [json!(0xfe), json!(0xff)]);
    assert_eq!(state["images"]["outputs"]["forced"].as_array().unwrap()[..4], [json!(0x80), json!(0), json!(0xff), json!(0xff)]);
    // A typed input replaces the bit force on its byte.
    c.expect(200, "PUT", "/api/v1/forces/inputs/0", Some(&body(json!({"value": 200}))));
    c.until("the program sees %IB0 = 200", |s| variable(s, "mirror")["value"] == 200);

    let places: Vec<Value> = c.expect(200, "GET", "/api/v1/forces", None).as_array().unwrap().iter().map(|f| f["place"].clone()).collect();
    assert_eq!(places, [json!("`count`"), json!("%QX0.7"), json!("%QB2"), json!("%IB0")]);

    // Release, one by one and then all: the program takes over again.
    c.expect(404, "DELETE", "/api/v1/forces/inputs/0.1", None);
    c.expect(200, "DELETE", "/api/v1/forces/inputs/0", None);
    c.until("the input is back to 0", |s| variable(s, "mirror")["value"] == 0 && s["images"]["inputs"]["bytes"][0] == 0);
    c.expect(200, "DELETE", "/api/v1/forces/variables/count", None);
    c.until("count counts again", |s| variable(s, "count")["value"].as_i64().unwrap() > 7 && variable(s, "count")["forced"] == false);
    c.expect(200, "DELETE", "/api/v1/forces", None);
    let state = c.until("the outputs are the program's", |s| s["images"]["outputs"]["bytes"][0] == 0);
    assert_eq!(state["forces"], json!([]));
    assert_eq!(state["images"]["outputs"]["forced"].as_array().unwrap().iter().filter(|m| **m != 0).count(), 0);
}

#[test]
fn the_command_line_as_a_client() {
    let counter = file("client/counter.wasm", &wasm(COUNTER));
    let c = Controller::start(&[counter.to_str().unwrap()], true);
    c.until("the variables exist", |s| s["scans"].as_u64().unwrap() > 1);
    let plc_host = |args: &[&str], token: Option<&str>| {
        let mut command = std::process::Command::new(env!("CARGO_BIN_EXE_plc-host"));
        command.args(args).env("RUST_LOG", "warn");
        match token {
            Some(token) => command.env("PLC_TOKEN", token),
            None => command.env_remove("PLC_TOKEN"),
        };
        let out = command.output().unwrap();
        (out.status.code(), String::from_utf8_lossy(&out.stdout).into_owned(), String::from_utf8_lossy(&out.stderr).into_owned())
    };
    let good = file("client/blink.wasm", &wasm(r#"(module (memory (export "memory") 1) (func (export "poll")))"#));
    let (code, out, err) = plc_host(&["upload", &c.url, "blink", good.to_str().unwrap()], Some(TOKEN));
    assert_eq!(code, Some(0), "{err}");
    assert!(out.starts_with("blink: runs ") && out.trim_end().ends_with("(running)"), "{out}");

    let broken = file("client/broken.wasm", &wasm(r#"(module (memory (export "memory") 1))"#));
    let (code, _, err) = plc_host(&["upload", &c.url, "blink", broken.to_str().unwrap()], Some(TOKEN));
    assert_eq!(code, Some(1));
    assert!(err.starts_with("error: 422: `blink` was refused; the running version is untouched\n  ") && err.contains("poll"), "{err}");

    let (code, out, _) = plc_host(&["status", &c.url], Some(TOKEN));
    assert_eq!(code, Some(0));
    let lines: Vec<&str> = out.lines().collect();
    assert!(lines[0].starts_with("counter: running, ") && lines[1].starts_with("blink: running, ") && lines[2].starts_with("scans "), "{out}");

    let (code, out, err) = plc_host(&["force", &c.url, "count", "5"], Some(TOKEN));
    assert_eq!((code, out.trim()), (Some(0), "count: forced to 5"), "{err}");
    let (code, out, _) = plc_host(&["force", &c.url, "%IX0.2", "true"], Some(TOKEN));
    assert_eq!((code, out.trim()), (Some(0), "%IX0.2: forced to true"));
    let (code, _, _) = plc_host(&["force", &c.url, "%QW4", "513"], Some(TOKEN));
    assert_eq!(code, Some(0));
    let state = c.until("the forces hold", |s| variable(s, "mirror")["value"] == 4);
    assert_eq!(variable(&state, "count")["value"], 5);
    assert_eq!(state["images"]["outputs"]["bytes"].as_array().unwrap()[4..6], [json!(1), json!(2)]);
    for place in ["count", "%IX0.2", "%QW4"] {
        let (code, out, err) = plc_host(&["release", &c.url, place], Some(TOKEN));
        assert_eq!((code, out.trim().to_owned()), (Some(0), format!("{place}: released")), "{err}");
    }
    let (code, _, err) = plc_host(&["release", &c.url, "count"], Some(TOKEN));
    assert_eq!((code, err.trim()), (Some(1), "error: 404: `count` is not forced"));
    let (code, _, err) = plc_host(&["force", &c.url, "count", "five"], Some(TOKEN));
    assert_eq!((code, err.trim()), (Some(1), "error: `five` is not true, false or a number"));
    let (code, _, err) = plc_host(&["status", &c.url], None);
    assert_eq!((code, err.trim()), (Some(1), "error: set PLC_TOKEN to the controller's token"));
    let (code, _, err) = plc_host(&["status", &c.url], Some("wrong-token-0123456789"));
    assert_eq!(code, Some(1));
    assert!(err.starts_with("error: 401: "), "{err}");
    let (code, _, err) = plc_host(&["status", "http://127.0.0.1:1"], Some(TOKEN));
    assert_eq!(code, Some(1));
    assert!(err.starts_with("error: http://127.0.0.1:1: "), "{err}");
}
