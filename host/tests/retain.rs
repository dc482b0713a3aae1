//! Retained variables in the library: a program's declarations, the store, the warm start
//! (and each reason for a cold one) and the saver.

mod support;

use std::time::Duration;

use plc_host::retain::{self, Declared, Kind, Saver, Store, StoreError, Wanted};
use plc_host::{Controller, Environment, InMemoryEnvironment, Limits, Program, Value};
use support::{retained_counter, TempDir};

fn counter(name: &str, step: i32, double: bool) -> Program {
    Program::new(name, retained_counter(step, double).as_bytes(), Limits::default()).unwrap()
}

fn wanted(kind: Option<Kind>) -> Vec<Wanted> {
    vec![Wanted { name: "count".into(), declared: kind.map(|k| (k, "counter".into())) }]
}

#[test]
fn a_program_declares_its_retained_variables() {
    let program = counter("counter", 1, false);
    assert_eq!(program.retained(), [Declared { name: "count".into(), kind: Kind::Int }]);
    let bad = br#"(module (@custom "plc.retained" "qcount\00") (memory (export "memory") 1) (func (export "poll")))"#;
    let error = Program::new("bad", bad, Limits::default()).unwrap_err().to_string();
    assert!(error.contains("custom section `plc.retained` (retained variables): entry `qcount` starts with an unknown type tag"), "{error}");
}

#[test]
fn the_store_keeps_values_across_opens_and_refuses_what_it_cannot_read() {
    let dir = TempDir::new("retain-store");
    let path = dir.join("plc.redb");
    let store = Store::open(&path).unwrap();
    let values = vec![("count".to_owned(), Value::Int(7)), ("sp".to_owned(), Value::Double(2.5)), ("on".to_owned(), Value::Bool(true))];
    store.save(&values).unwrap();
    assert_eq!(Store::open(&path).err(), Some(StoreError::InUse), "one process at a time");
    drop(store);
    let store = Store::open(&path).unwrap();
    assert_eq!(store.load().unwrap().into_iter().collect::<Vec<_>>(), {
        let mut sorted = values.clone();
        sorted.sort_by(|a, b| a.0.cmp(&b.0));
        sorted
    });
    store.clear().unwrap();
    assert!(store.load().unwrap().is_empty());
    drop(store);

    std::fs::write(&path, vec![0x5a; 10_000]).unwrap();
    assert!(matches!(Store::open(&path), Err(StoreError::Unreadable(_))), "garbage");
    std::fs::write(&path, b"").unwrap();
    // An empty file is a new store (redb writes its header).
    assert!(Store::open(&path).is_ok());

    // A redb database of someone else's.
    let other = dir.join("other.redb");
    let db = redb::Database::create(&other).unwrap();
    let write = db.begin_write().unwrap();
    write.open_table(redb::TableDefinition::<u64, u64>::new("theirs")).unwrap().insert(1, 2).unwrap();
    write.commit().unwrap();
    drop(db);
    match Store::open(&other) {
        Err(StoreError::Unreadable(why)) => assert!(why.contains("not a store of retained variables"), "{why}"),
        other => panic!("{other:?}"),
    }
}

#[test]
fn a_warm_start_restores_and_every_unreadable_store_is_kept_aside() {
    let dir = TempDir::new("retain-warm");
    let path = dir.join("plc.redb");
    Store::open(&path).unwrap().save(&[("count".into(), Value::Int(41)), ("gone".into(), Value::Bool(true))]).unwrap();

    let mut env = InMemoryEnvironment::new(0, 0);
    let start = retain::warm_start(&path, false, &wanted(Some(Kind::Int)), &mut env);
    assert_eq!((start.restored.as_slice(), start.cold.as_deref()), (&["count".to_owned()][..], None));
    assert_eq!(env.get_variable("count"), Ok(Value::Int(41)));
    assert_eq!(env.get_variable("gone").ok(), None, "only wanted variables are restored");
    drop(start);

    // The type changed: the store goes aside whole, the run starts cold on a new one.
    let mut env = InMemoryEnvironment::new(0, 0);
    let start = retain::warm_start(&path, false, &wanted(Some(Kind::Double)), &mut env);
    assert!(start.restored.is_empty() && env.variables.is_empty());
    assert_eq!(start.messages.len(), 1);
    let aside = start.set_aside.clone().unwrap();
    assert!(start.messages[0].contains("retained variable `count` is stored as i32, but program `counter` declares it f64"), "{}", start.messages[0]);
    assert!(start.messages[0].contains(&format!("kept aside as {}", aside.display())), "{}", start.messages[0]);
    assert_eq!(Store::open(&aside).unwrap().load().unwrap().get("count"), Some(&Value::Int(41)), "kept as it was");
    assert!(start.store.as_ref().unwrap().load().unwrap().is_empty());
    drop(start);

    // A value a program already wrote with another type is a type change too.
    Store::open(&path).unwrap().save(&[("count".into(), Value::Int(1))]).unwrap();
    let mut env = InMemoryEnvironment::new(0, 0);
    env.set_variable("count", Value::Bool(false)).unwrap();
    let start = retain::warm_start(&path, false, &wanted(None), &mut env);
    assert!(start.cold.unwrap().contains("is stored as i32, but the controller already holds it as bool"));
    drop(start.store);

    // Corrupt: aside, cold.
    std::fs::write(&path, vec![0xa5; 8192]).unwrap();
    let start = retain::warm_start(&path, false, &wanted(None), &mut InMemoryEnvironment::new(0, 0));
    assert!(start.messages[0].contains("cannot be read") && start.messages[0].contains("starting cold"), "{:?}", start.messages);
    assert_eq!(std::fs::read(start.set_aside.as_ref().unwrap()).unwrap(), vec![0xa5; 8192]);
    start.store.unwrap().save(&[("count".into(), Value::Int(3))]).unwrap();

    // Asked for: nothing restored, and the store is cleared.
    let mut env = InMemoryEnvironment::new(0, 0);
    let start = retain::warm_start(&path, true, &wanted(None), &mut env);
    assert!(start.cold.is_some() && start.set_aside.is_none() && env.variables.is_empty());
    assert!(start.store.unwrap().load().unwrap().is_empty());
}

#[test]
fn the_saver_writes_at_each_interval_and_at_the_end() {
    let dir = TempDir::new("retain-saver");
    let path = dir.join("plc.redb");
    let mut controller = Controller::new(InMemoryEnvironment::new(0, 4));
    controller.add(counter("counter", 1, false)).unwrap();
    controller.env_mut().set_variable("setpoint", Value::Double(0.5)).unwrap();
    controller.env_mut().set_variable("scratch", Value::Int(9)).unwrap();
    let mut saver = Saver::spawn(Store::open(&path).unwrap(), Duration::from_millis(10), vec!["setpoint".into(), "absent".into()]).unwrap();
    for scan in 1..=100u64 {
        controller.scan();
        saver.tick(&controller, Duration::from_millis(scan));
    }
    let report = saver.finish(&controller);
    assert_eq!(report.failed, 0);
    assert!(report.saves >= 1 && report.saves + report.dropped == 11, "{report:?}");
    let stored = Store::open(&path).unwrap().load().unwrap();
    assert_eq!(stored.into_iter().collect::<Vec<_>>(), [("count".into(), Value::Int(100)), ("setpoint".into(), Value::Double(0.5))]);
}
