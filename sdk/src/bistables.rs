//! IEC 61131-3 bistables: [`Sr`] (set dominant) and [`Rs`] (reset dominant).

/// Set-dominant bistable (SR): `Q1 := SET1 OR (NOT RESET AND Q1)`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Sr {
    q1: bool,
}

impl Sr {
    /// Runs the bistable with `SET1` and `RESET`; returns `Q1`.
    pub fn call(&mut self, set1: bool, reset: bool) -> bool {
        self.q1 = set1 || (!reset && self.q1);
        self.q1
    }

    /// Output `Q1`.
    pub fn q1(&self) -> bool {
        self.q1
    }
}

/// Reset-dominant bistable (RS): `Q1 := NOT RESET1 AND (SET OR Q1)`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Rs {
    q1: bool,
}

impl Rs {
    /// Runs the bistable with `SET` and `RESET1`; returns `Q1`.
    pub fn call(&mut self, set: bool, reset1: bool) -> bool {
        self.q1 = !reset1 && (set || self.q1);
        self.q1
    }

    /// Output `Q1`.
    pub fn q1(&self) -> bool {
        self.q1
    }
}

/// The records of the bistables (layouts in docs/abi.md, "Program state").
mod records {
    use super::{Rs, Sr};
    use crate::state::{Record, TypeName};

    /// `Sr/1` and `Rs/1`: Q1 (1).
    macro_rules! bistable {
        ($($block:ident => $name:literal),*) => {$(
            impl Record for $block {
                type Encoded = [u8; 1];
                fn type_name(out: &mut TypeName) {
                    out.push_str($name);
                }
                fn encode(&self) -> [u8; 1] {
                    [u8::from(self.q1)]
                }
                fn decode(bytes: &[u8; 1]) -> Self {
                    $block { q1: bytes[0] != 0 }
                }
            }
        )*};
    }

    bistable!(Sr => "Sr/1", Rs => "Rs/1");
}

#[cfg(test)]
mod tests {
    use super::*;

    // (SET, RESET) per step; both on at step 3.
    const STEPS: [(bool, bool); 6] = [(false, false), (true, false), (false, false), (true, true), (false, false), (false, true)];

    #[cfg_attr(not(target_arch = "wasm32"), test)]
    #[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
    fn sr_is_set_dominant() {
        let mut sr = Sr::default();
        assert_eq!(STEPS.map(|(s, r)| sr.call(s, r)), [false, true, true, true, true, false]);
    }

    #[cfg_attr(not(target_arch = "wasm32"), test)]
    #[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
    fn rs_is_reset_dominant() {
        let mut rs = Rs::default();
        assert_eq!(STEPS.map(|(s, r)| rs.call(s, r)), [false, true, true, false, false, false]);
    }
}
