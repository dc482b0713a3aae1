//! IEC 61131-3 timers: [`Ton`] (on-delay), [`Tof`] (off-delay) and [`Tp`] (pulse).
//!
//! Each reads the controller clock itself when called; call it once per scan. `pt` may change
//! between calls and takes effect at once.

use core::time::Duration;

use crate::time::Instant;

/// On-delay timer (TON): `q` turns on once `input` has been on for `pt`, and off with `input`.
///
/// ```
/// use plc_sdk::prelude::*;
/// # let mut sim = plc_sdk::sim::Simulator::new();
/// let mut delay = Ton::default();
/// assert!(!delay.call(true, Duration::from_millis(500)));
/// # sim.advance(Duration::from_millis(500));
/// // ... 500 ms later:
/// assert!(delay.call(true, Duration::from_millis(500)));
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Ton {
    start: Option<Instant>,
    q: bool,
    et: Duration,
}

impl Ton {
    /// Runs the timer with input `IN` and preset time `PT`; returns `Q`.
    pub fn call(&mut self, input: bool, pt: Duration) -> bool {
        if !input {
            *self = Ton::default();
            return false;
        }
        let now = Instant::now();
        let start = *self.start.get_or_insert(now);
        self.et = (now - start).min(pt);
        self.q = self.et >= pt;
        self.q
    }

    /// Output `Q`: on when the input has been on for the preset time.
    pub fn q(&self) -> bool {
        self.q
    }

    /// Elapsed time `ET`, from zero up to the preset time.
    pub fn et(&self) -> Duration {
        self.et
    }
}

/// Off-delay timer (TOF): `q` turns on with `input` and off once `input` has been off for `pt`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Tof {
    start: Option<Instant>,
    q: bool,
    et: Duration,
}

impl Tof {
    /// Runs the timer with input `IN` and preset time `PT`; returns `Q`.
    pub fn call(&mut self, input: bool, pt: Duration) -> bool {
        if input {
            *self = Tof { start: None, q: true, et: Duration::ZERO };
            return true;
        }
        if self.q {
            let now = Instant::now();
            let start = *self.start.get_or_insert(now);
            self.et = (now - start).min(pt);
            self.q = self.et < pt;
        }
        self.q
    }

    /// Output `Q`: on while the input is on and for the preset time after it turns off.
    pub fn q(&self) -> bool {
        self.q
    }

    /// Elapsed time `ET` since the input turned off, from zero up to the preset time.
    pub fn et(&self) -> Duration {
        self.et
    }
}

/// Pulse timer (TP): a rising `input` starts a pulse of exactly `pt` on `q`; rising edges
/// during the pulse are ignored.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Tp {
    start: Option<Instant>,
    last_input: bool,
    q: bool,
    et: Duration,
}

impl Tp {
    /// Runs the timer with input `IN` and preset time `PT`; returns `Q`.
    pub fn call(&mut self, input: bool, pt: Duration) -> bool {
        let now = Instant::now();
        let rising = input && !self.last_input;
        self.last_input = input;
        match self.start {
            None if rising => {
                self.start = Some(now);
                self.et = Duration::ZERO.min(pt);
                self.q = pt > Duration::ZERO;
            }
            None => {}
            Some(start) => {
                self.et = (now - start).min(pt);
                self.q = self.et < pt;
                // The pulse is over and the input released: ready for the next edge.
                if !self.q && !input {
                    self.start = None;
                    self.et = Duration::ZERO;
                }
            }
        }
        self.q
    }

    /// Output `Q`: on for the preset time after a rising input.
    pub fn q(&self) -> bool {
        self.q
    }

    /// Elapsed time `ET` of the pulse; holds the preset time while the input stays on after
    /// the pulse, and goes back to zero when it turns off.
    pub fn et(&self) -> Duration {
        self.et
    }
}

/// The records of the timers (layouts in docs/abi.md, "Program state").
mod records {
    use super::{Tof, Ton, Tp};
    use crate::state::records::{nanos, Reader, Writer};
    use crate::state::{Record, TypeName};
    use crate::time::Instant;
    use core::time::Duration;

    fn start(r: &mut Reader<'_>) -> Option<Instant> {
        let running = r.flag();
        let at = Instant::from_nanos(r.nanos());
        running.then_some(at)
    }

    fn write_start(w: &mut Writer<'_>, start: Option<Instant>) {
        w.flag(start.is_some()).nanos(start.map_or(0, |s| s.nanos()));
    }

    /// `Ton/1` and `Tof/1`: running (1), start (8, ns), Q (1), ET (8, ns).
    macro_rules! delay {
        ($($block:ident => $name:literal),*) => {$(
            impl Record for $block {
                type Encoded = [u8; 18];
                fn type_name(out: &mut TypeName) {
                    out.push_str($name);
                }
                fn encode(&self) -> [u8; 18] {
                    let mut out = [0; 18];
                    let mut w = Writer::new(&mut out);
                    write_start(&mut w, self.start);
                    w.flag(self.q).nanos(nanos(self.et));
                    out
                }
                fn decode(bytes: &[u8; 18]) -> Self {
                    let mut r = Reader::new(bytes);
                    $block { start: start(&mut r), q: r.flag(), et: Duration::from_nanos(r.nanos()) }
                }
            }
        )*};
    }

    delay!(Ton => "Ton/1", Tof => "Tof/1");

    /// `Tp/1`: running (1), start (8, ns), last IN (1), Q (1), ET (8, ns).
    impl Record for Tp {
        type Encoded = [u8; 19];
        fn type_name(out: &mut TypeName) {
            out.push_str("Tp/1");
        }
        fn encode(&self) -> [u8; 19] {
            let mut out = [0; 19];
            let mut w = Writer::new(&mut out);
            write_start(&mut w, self.start);
            w.flag(self.last_input).flag(self.q).nanos(nanos(self.et));
            out
        }
        fn decode(bytes: &[u8; 19]) -> Self {
            let mut r = Reader::new(bytes);
            Tp { start: start(&mut r), last_input: r.flag(), q: r.flag(), et: Duration::from_nanos(r.nanos()) }
        }
    }
}

#[cfg(test)]
mod tests {
    //! The timing diagrams of IEC 61131-3 (2013) figure 15, as tables of
    //! (time in ms, IN, expected Q, expected ET in ms), with PT = 100 ms.
    use super::*;
    use crate::sim::Simulator;

    const PT: Duration = Duration::from_millis(100);

    fn run(table: &[(u64, bool, bool, u64)], mut block: impl FnMut(bool) -> (bool, Duration)) {
        let mut sim = Simulator::new();
        for &(t, input, q, et) in table {
            sim.set_time(Duration::from_millis(t));
            let (got_q, got_et) = block(input);
            assert_eq!((got_q, got_et), (q, Duration::from_millis(et)), "at t = {t} ms, IN = {input}");
        }
    }

    #[cfg_attr(not(target_arch = "wasm32"), test)]
    #[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
    fn ton_follows_the_timing_diagram() {
        let mut ton = Ton::default();
        run(
            &[
                (0, false, false, 0),
                (10, true, false, 0),
                (60, true, false, 50),
                (110, true, true, 100),
                (200, true, true, 100),
                (210, false, false, 0),
                (220, true, false, 0),
                (270, false, false, 0), // shorter than PT: Q never comes
                (300, true, false, 0),
                (400, true, true, 100),
            ],
            |input| (ton.call(input, PT), ton.et()),
        );
    }

    #[cfg_attr(not(target_arch = "wasm32"), test)]
    #[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
    fn tof_follows_the_timing_diagram() {
        let mut tof = Tof::default();
        run(
            &[
                (0, false, false, 0),
                (10, true, true, 0),
                (50, false, true, 0),
                (100, false, true, 50),
                (150, false, false, 100),
                (200, false, false, 100),
                (210, true, true, 0),
                (250, false, true, 0),
                (300, true, true, 0), // back on before PT: Q never drops
                (310, false, true, 0),
                (410, false, false, 100),
            ],
            |input| (tof.call(input, PT), tof.et()),
        );
    }

    #[cfg_attr(not(target_arch = "wasm32"), test)]
    #[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
    fn tp_follows_the_timing_diagram() {
        let mut tp = Tp::default();
        run(
            &[
                (0, false, false, 0),
                (10, true, true, 0),
                (30, false, true, 20), // pulse length does not depend on IN
                (50, true, true, 40),  // a new edge during the pulse is ignored
                (110, true, false, 100),
                (150, true, false, 100), // ET holds PT while IN stays on
                (160, false, false, 0),
                (200, true, true, 0),
                (300, false, false, 0),
            ],
            |input| (tp.call(input, PT), tp.et()),
        );
    }
}
