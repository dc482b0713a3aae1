//! IEC 61131-3 edge detection: [`RTrig`] (rising edge) and [`FTrig`] (falling edge).

/// Rising-edge trigger (R_TRIG): `q` is on for the one call where `clk` goes from off to on.
///
/// A `clk` already on at the first call counts as a rising edge, as in the standard.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RTrig {
    m: bool,
    q: bool,
}

impl RTrig {
    /// Runs the trigger with input `CLK`; returns `Q`.
    pub fn call(&mut self, clk: bool) -> bool {
        self.q = clk && !self.m;
        self.m = clk;
        self.q
    }

    /// Output `Q` of the last call.
    pub fn q(&self) -> bool {
        self.q
    }
}

/// Falling-edge trigger (F_TRIG): `q` is on for the one call where `clk` goes from on to off.
///
/// A `clk` off at the first call is not an edge (there was no "on" before it).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct FTrig {
    m: bool,
    q: bool,
}

impl FTrig {
    /// Runs the trigger with input `CLK`; returns `Q`.
    pub fn call(&mut self, clk: bool) -> bool {
        self.q = !clk && self.m;
        self.m = clk;
        self.q
    }

    /// Output `Q` of the last call.
    pub fn q(&self) -> bool {
        self.q
    }
}

/// The records of the triggers (layouts in docs/abi.md, "Program state").
mod records {
    use super::{FTrig, RTrig};
    use crate::state::records::Reader;
    use crate::state::{Record, TypeName};

    /// `RTrig/1` and `FTrig/1`: M (1), Q (1).
    macro_rules! trigger {
        ($($block:ident => $name:literal),*) => {$(
            impl Record for $block {
                type Encoded = [u8; 2];
                fn type_name(out: &mut TypeName) {
                    out.push_str($name);
                }
                fn encode(&self) -> [u8; 2] {
                    [u8::from(self.m), u8::from(self.q)]
                }
                fn decode(bytes: &[u8; 2]) -> Self {
                    let mut r = Reader::new(bytes);
                    $block { m: r.flag(), q: r.flag() }
                }
            }
        )*};
    }

    trigger!(RTrig => "RTrig/1", FTrig => "FTrig/1");
}

#[cfg(test)]
mod tests {
    use super::*;

    const CLK: [bool; 8] = [false, true, true, false, false, true, false, true];

    #[cfg_attr(not(target_arch = "wasm32"), test)]
    #[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
    fn r_trig_pulses_on_each_rising_edge() {
        let mut r = RTrig::default();
        let q: [bool; 8] = CLK.map(|clk| r.call(clk));
        assert_eq!(q, [false, true, false, false, false, true, false, true]);
        let mut first_on = RTrig::default();
        assert!(first_on.call(true));
    }

    #[cfg_attr(not(target_arch = "wasm32"), test)]
    #[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
    fn f_trig_pulses_on_each_falling_edge() {
        let mut f = FTrig::default();
        let q: [bool; 8] = CLK.map(|clk| f.call(clk));
        assert_eq!(q, [false, false, false, true, false, false, true, false]);
        assert!(!f.q());
    }
}
