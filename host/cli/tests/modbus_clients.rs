//! Modbus TCP against clients no one here wrote: `mbpoll` and pymodbus read and write every
//! kind of the map of a running `plc-host run`, and get exception 02 outside it.

mod modbus;
mod online;

use modbus::{mbpoll, mbpoll_values, run, start, VARIABLES};
use serde_json::{json, Value};

/// Input bytes 0..4 = a5 3c 34 12, 16 bytes in all; 16 output bytes.
const INPUTS: &str = "a53c341200000000000000000000000000000000";

fn config(extra: &str) -> String {
    format!("cycle = \"5ms\"\ninputs = \"{}\"\noutputs = 16\n[modbus.server]\nlisten = \"127.0.0.1:0\"\n{extra}\n{VARIABLES}", &INPUTS[..32])
}

fn values(addr: &str, args: &[&str]) -> Vec<String> {
    let (code, text) = mbpoll(addr, args, &[]);
    assert_eq!(code, 0, "mbpoll {args:?}: {text}");
    mbpoll_values(&text)
}

fn write(addr: &str, args: &[&str], values: &[&str]) {
    let (code, text) = mbpoll(addr, args, values);
    assert_eq!(code, 0, "mbpoll {args:?} {values:?}: {text}");
}

#[test]
fn mbpoll_reads_and_writes_every_kind_and_gets_exception_02_outside_the_map() {
    let (_controller, addr) = start("mbpoll", &config(""), &[]);
    // Discrete inputs: %IX0.0.. = 0xa5, LSB first.
    assert_eq!(values(&addr, &["-t", "1", "-r", "0", "-c", "8"]), ["1", "0", "1", "0", "0", "1", "0", "1"]);
    // Input registers: %IW0 = 0x3ca5, %IW2 = 0x1234.
    assert_eq!(values(&addr, &["-t", "3", "-r", "0", "-c", "2"]), ["15525", "4660"]);
    // Coils: %QX0 = NOT %IX0 = 0x5a, written by the program.
    assert_eq!(values(&addr, &["-t", "0", "-r", "0", "-c", "8"]), ["0", "1", "0", "1", "1", "0", "1", "0"]);
    // A written coil the program leaves alone holds; it shows in holding register 1 too.
    write(&addr, &["-t", "0", "-r", "20"], &["1"]);
    assert_eq!(values(&addr, &["-t", "0", "-r", "16", "-c", "8"]), ["0", "0", "0", "0", "1", "0", "0", "0"]);
    assert_eq!(values(&addr, &["-t", "4", "-r", "1"]), ["16"]);
    // Holding registers: %QW4 is the program's copy of %IW2; register 3 is written and holds.
    write(&addr, &["-t", "4", "-r", "3"], &["4242"]);
    assert_eq!(values(&addr, &["-t", "4", "-r", "2", "-c", "2"]), ["4660", "4242"]);
    // Variables: f32 setpoint and doubled, i32 count, high word first (-B).
    let floats: Vec<f64> = values(&addr, &["-t", "4:float", "-B", "-r", "1026", "-c", "2"]).iter().map(|v| v.parse().unwrap()).collect();
    assert_eq!(floats, [0.5, 1.0]);
    write(&addr, &["-t", "4:float", "-B", "-r", "1026"], &["2.25"]);
    let doubled: f64 = values(&addr, &["-t", "4:float", "-B", "-r", "1028"])[0].parse().unwrap();
    assert_eq!(doubled, 4.5, "the program saw the written setpoint");
    let count: i64 = values(&addr, &["-t", "4:int", "-B", "-r", "1024"])[0].parse().unwrap();
    assert!(count > 0, "count {count}");
    // Outside the map: past the images, between the %QW words and the variables, past them.
    for args in [["-t", "0", "-r", "128"], ["-t", "1", "-r", "128"], ["-t", "3", "-r", "8"], ["-t", "4", "-r", "8"], ["-t", "4", "-r", "1033"]] {
        let (code, text) = mbpoll(&addr, &args, &[]);
        assert_eq!(code, 1, "mbpoll {args:?}: {text}");
        assert!(text.contains("Illegal data address"), "mbpoll {args:?}: {text}");
    }
    let (code, text) = mbpoll(&addr, &["-t", "0", "-r", "200"], &["1"]);
    assert!(code == 1 && text.contains("Illegal data address"), "{text}");
}

/// Reads and writes with pymodbus 3.0 (Debian's, `slave=`); prints what it got as JSON.
const PYMODBUS: &str = r#"
import json, sys
from pymodbus.client import ModbusTcpClient
c = ModbusTcpClient(sys.argv[1], port=int(sys.argv[2]), timeout=5)
assert c.connect()
def ex(r): return r.exception_code if r.isError() else None
out = {}
out["discrete"] = c.read_discrete_inputs(8, 8, slave=1).bits
out["input"] = c.read_input_registers(0, 2, slave=1).registers
out["write_coils"] = ex(c.write_coils(24, [True, False, True], slave=1))
out["coils"] = c.read_coils(24, 8, slave=1).bits
out["write_coil_0"] = ex(c.write_coil(0, True, slave=1))
out["coil_0"] = c.read_coils(0, 1, slave=1).bits[0]
out["write_registers"] = ex(c.write_registers(5, [7, 8], slave=1))
out["holding"] = c.read_holding_registers(5, 2, slave=1).registers
out["write_bool"] = ex(c.write_register(1030, 1, slave=1))
out["write_i16"] = ex(c.write_register(1031, 0xfed4, slave=1))
out["write_f32"] = ex(c.write_registers(1026, [0x4010, 0x0000], slave=1))
out["variables"] = c.read_holding_registers(1026, 6, slave=1).registers
out["counts"] = c.read_holding_registers(1024, 9, slave=1).registers
out["little"] = c.read_holding_registers(1040, 2, slave=1).registers
out["exceptions"] = [
    ex(c.read_coils(128, 1, slave=1)),
    ex(c.read_discrete_inputs(120, 9, slave=1)),
    ex(c.read_input_registers(8, 1, slave=1)),
    ex(c.read_holding_registers(1000, 1, slave=1)),
    ex(c.write_register(1045, 1, slave=1)),
    ex(c.write_coil(128, True, slave=1)),
    ex(c.write_register(1027, 1, slave=1)),
    ex(c.read_exception_status(slave=1)),
]
print(json.dumps(out))
"#;

fn pymodbus(addr: &str) -> Value {
    let (host, port) = addr.rsplit_once(':').unwrap();
    let (code, text) = run("/usr/bin/python3", &["-c", PYMODBUS, host, port]);
    assert_eq!(code, 0, "pymodbus: {text}");
    serde_json::from_str(text.lines().last().unwrap_or_default()).unwrap_or_else(|e| panic!("{e}: {text}"))
}

#[test]
fn pymodbus_reads_and_writes_every_kind_and_gets_exceptions() {
    let (controller, addr) = start("pymodbus", &config(""), &[]);
    let got = pymodbus(&addr);
    assert_eq!(got["discrete"], json!([false, false, true, true, true, true, false, false]), "%IX1 = 0x3c");
    assert_eq!(got["input"], json!([15525, 4660]));
    assert_eq!(got["write_coils"], Value::Null);
    assert_eq!(got["coils"], json!([true, false, true, false, false, false, false, false]));
    assert_eq!(got["write_coil_0"], Value::Null);
    assert_eq!(got["coil_0"], json!(false), "the program writes %QX0.0 every scan: it wins");
    assert_eq!(got["holding"], json!([7, 8]));
    // setpoint 2.25, doubled 4.5 (0x4090_0000), enabled 1, small -300.
    assert_eq!(got["variables"], json!([0x4010, 0, 0x4090, 0, 1, 0xfed4]));
    // count as i32 (high word first) and as u16, read in one request: the same count.
    let counts = got["counts"].as_array().unwrap();
    assert!(counts[0] == 0 && counts[1] == counts[8] && counts[8].as_u64().unwrap() > 0, "{counts:?}");
    assert_eq!(got["little"], json!([0, 0x4090]), "doubled, low word first");
    // 02 outside the map; 03 for half a 32-bit variable; 01 for a function not served.
    assert_eq!(got["exceptions"], json!([2, 2, 2, 2, 2, 2, 3, 1]));
    // The writes are normal variable writes: the online service's snapshots show them.
    controller.until("small = -300, enabled", |s| {
        online::variable(s, "small")["value"] == json!(-300) && online::variable(s, "enabled")["value"] == json!(true)
    });
}

#[test]
fn read_only_refuses_every_write_with_exception_01() {
    let (_controller, addr) = start("read-only", &config("read_only = true"), &[]);
    let (host, port) = addr.rsplit_once(':').unwrap();
    let script = r#"
import json, sys
from pymodbus.client import ModbusTcpClient
c = ModbusTcpClient(sys.argv[1], port=int(sys.argv[2]), timeout=5)
assert c.connect()
def ex(r): return r.exception_code if r.isError() else None
print(json.dumps([ex(c.write_coil(20, True, slave=1)), ex(c.write_register(3, 1, slave=1)),
    ex(c.write_registers(1026, [1, 2], slave=1)), ex(c.write_coils(16, [True], slave=1)),
    c.read_coils(16, 8, slave=1).bits, c.read_holding_registers(3, 1, slave=1).registers]))
"#;
    let (code, text) = run("/usr/bin/python3", &["-c", script, host, port]);
    assert_eq!(code, 0, "{text}");
    let got: Value = serde_json::from_str(text.lines().last().unwrap()).unwrap();
    assert_eq!(got, json!([1, 1, 1, 1, [false, false, false, false, false, false, false, false], [0]]));
}
