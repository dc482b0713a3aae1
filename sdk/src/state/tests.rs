//! The records of the SDK's types, and a swap in the simulator: what crosses, what does not.

use super::*;
use crate::prelude::*;
use crate::sim::Simulator;
use std::string::String;
use std::vec::Vec;

fn type_of<T: Record>() -> String {
    let mut t = TypeName::new();
    T::type_name(&mut t);
    String::from_utf8(t.as_bytes().unwrap().to_vec()).unwrap()
}

fn round_trip<T: Record + PartialEq + core::fmt::Debug>(value: T) {
    assert_eq!(T::decode(&value.encode()), value);
}

#[cfg_attr(not(target_arch = "wasm32"), test)]
#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
fn type_strings_are_canonical() {
    assert_eq!(type_of::<u32>(), "u32");
    assert_eq!(type_of::<usize>(), "u64");
    assert_eq!(type_of::<[i16; 4]>(), "[i16; 4]");
    assert_eq!(type_of::<[[bool; 2]; 10]>(), "[[bool; 2]; 10]");
    assert_eq!(type_of::<[Ton; 3]>(), "[Ton/1; 3]");
    assert_eq!(type_of::<Option<Instant>>(), "Option<Instant>");
    let sizes = [core::mem::size_of::<<Ton as Record>::Encoded>(), core::mem::size_of::<<Tp as Record>::Encoded>(), core::mem::size_of::<<Ctud as Record>::Encoded>()];
    assert_eq!(sizes, [18, 19, 10]);
}

#[cfg_attr(not(target_arch = "wasm32"), test)]
#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
fn every_block_and_value_round_trips() {
    let mut sim = Simulator::new();
    let (mut ton, mut tof, mut tp, mut ctud, mut ctu, mut ctd) = (Ton::default(), Tof::default(), Tp::default(), Ctud::default(), Ctu::default(), Ctd::default());
    let mut r = RTrig::default();
    ton.call(true, Duration::from_millis(100));
    tof.call(true, Duration::from_millis(100));
    tp.call(true, Duration::from_millis(100));
    sim.advance(Duration::from_millis(30));
    ton.call(true, Duration::from_millis(100));
    tof.call(false, Duration::from_millis(100));
    tp.call(true, Duration::from_millis(100));
    r.call(true);
    ctu.call(true, false, 5);
    ctd.call(false, true, 5);
    ctud.call(true, false, false, false, 1);
    let mut sr = Sr::default();
    sr.call(true, false);
    round_trip(ton);
    round_trip(tof);
    round_trip(tp);
    round_trip(r);
    round_trip(FTrig::default());
    round_trip(ctu);
    round_trip(ctd);
    round_trip(ctud);
    round_trip(sr);
    round_trip(Rs::default());
    round_trip(-7i64);
    round_trip(1.5f32);
    round_trip(true);
    round_trip([3u16, 4, 5]);
    round_trip(usize::MAX);
    round_trip(isize::MIN);
    round_trip(Some(Instant::now()));
    round_trip(None::<Duration>);
    round_trip(Some(Duration::new(3, 7)));
    assert!(bool::decode(&[2]), "any byte but 0 is true");
}

#[derive(Default, Debug, PartialEq, crate::State)]
struct Alarm {
    delay: Ton,
    acknowledged: bool,
}

#[derive(Default, Debug, PartialEq, crate::State)]
struct Plant {
    pump: Sr,
    alarm: Alarm,
    levels: [u16; 3],
    #[state(skip)]
    scans: u32,
}

thread_local! {
    static PLANT: core::cell::RefCell<Plant> = core::cell::RefCell::new(Plant::default());
}

#[cfg_attr(not(target_arch = "wasm32"), test)]
#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
fn a_struct_crosses_field_by_field_with_dotted_names() {
    let mut sim = Simulator::new();
    let mut before = Plant { levels: [1, 2, 3], scans: 9, ..Plant::default() };
    before.pump.call(true, false);
    before.alarm.delay.call(true, Duration::from_secs(1));
    let saved = before.alarm.delay.clone();
    PLANT.with(|p| *p.borrow_mut() = before);
    let save = || PLANT.with(|p| p.borrow().save(&mut Saver::new()));
    let load = || PLANT.with(|p| {
        let mut fresh = Plant::default();
        fresh.load(&mut Loader::new());
        *p.borrow_mut() = fresh;
    });
    let swap = sim.swap(save, load);
    let names: Vec<_> = swap.records.iter().map(|r| (r.name.as_str(), r.type_name.as_str())).collect();
    assert_eq!(names, [("pump", "Sr/1"), ("alarm.delay", "Ton/1"), ("alarm.acknowledged", "bool"), ("levels", "[u16; 3]")]);
    assert!(swap.new.is_empty() && swap.dropped.is_empty() && swap.retyped.is_empty(), "{swap:?}");
    PLANT.with(|p| {
        let p = p.borrow();
        assert!(p.pump.q1());
        assert_eq!(p.alarm.delay, saved);
        assert_eq!(p.levels, [1, 2, 3]);
        assert_eq!(p.scans, 0, "a skipped field starts from Default");
    });
}

#[cfg_attr(not(target_arch = "wasm32"), test)]
#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
fn state_intrinsics_answer_generic_outside_a_swap() {
    let _sim = Simulator::new();
    assert_eq!(ffi::state_write(b"x", b"u8", &[1]), Err(Error::Generic));
    assert_eq!(ffi::state_read(b"x", b"u8", &mut [0]), Err(Error::Generic));
}
