//! IEC 61131-3 counters: [`Ctu`] (up), [`Ctd`] (down) and [`Ctud`] (up-down).
//!
//! They count rising edges of their count inputs, so a count input held on counts once.
//! The count stops at `i32::MAX` and `i32::MIN` instead of wrapping.

use crate::triggers::RTrig;

/// Up counter (CTU): counts rising edges of `cu`; `q` is on once `cv >= pv`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Ctu {
    cu: RTrig,
    cv: i32,
    q: bool,
}

impl Ctu {
    /// Runs the counter with count input `CU`, reset `R` and preset `PV`; returns `Q`.
    pub fn call(&mut self, cu: bool, reset: bool, pv: i32) -> bool {
        let edge = self.cu.call(cu);
        if reset {
            self.cv = 0;
        } else if edge && self.cv < i32::MAX {
            self.cv += 1;
        }
        self.q = self.cv >= pv;
        self.q
    }

    /// Output `Q`: the count reached the preset.
    pub fn q(&self) -> bool {
        self.q
    }

    /// The current count `CV`.
    pub fn cv(&self) -> i32 {
        self.cv
    }
}

/// Down counter (CTD): `load` sets `cv` to `pv`; rising edges of `cd` count down; `q` is on
/// once `cv <= 0`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Ctd {
    cd: RTrig,
    cv: i32,
    q: bool,
}

impl Ctd {
    /// Runs the counter with count input `CD`, load `LD` and preset `PV`; returns `Q`.
    pub fn call(&mut self, cd: bool, load: bool, pv: i32) -> bool {
        let edge = self.cd.call(cd);
        if load {
            self.cv = pv;
        } else if edge && self.cv > i32::MIN {
            self.cv -= 1;
        }
        self.q = self.cv <= 0;
        self.q
    }

    /// Output `Q`: the count reached zero.
    pub fn q(&self) -> bool {
        self.q
    }

    /// The current count `CV`.
    pub fn cv(&self) -> i32 {
        self.cv
    }
}

/// Up-down counter (CTUD): counts rising edges of `cu` up and of `cd` down (both at once cancel).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Ctud {
    cu: RTrig,
    cd: RTrig,
    cv: i32,
    qu: bool,
    qd: bool,
}

impl Ctud {
    /// Runs the counter with inputs `CU`, `CD`, reset `R`, load `LD` and preset `PV`;
    /// returns `QU`. Reset wins over load.
    pub fn call(&mut self, cu: bool, cd: bool, reset: bool, load: bool, pv: i32) -> bool {
        let (up, down) = (self.cu.call(cu), self.cd.call(cd));
        if reset {
            self.cv = 0;
        } else if load {
            self.cv = pv;
        } else if up && !down && self.cv < i32::MAX {
            self.cv += 1;
        } else if down && !up && self.cv > i32::MIN {
            self.cv -= 1;
        }
        self.qu = self.cv >= pv;
        self.qd = self.cv <= 0;
        self.qu
    }

    /// Output `QU`: the count reached the preset.
    pub fn qu(&self) -> bool {
        self.qu
    }

    /// Output `QD`: the count is zero or below.
    pub fn qd(&self) -> bool {
        self.qd
    }

    /// The current count `CV`.
    pub fn cv(&self) -> i32 {
        self.cv
    }
}

/// The records of the counters (layouts in docs/abi.md, "Program state").
mod records {
    use super::{Ctd, Ctu, Ctud};
    use crate::state::records::{Reader, Writer};
    use crate::state::{Record, TypeName};
    use crate::triggers::RTrig;

    fn edge(r: &mut Reader<'_>) -> RTrig {
        RTrig::decode(&[u8::from(r.flag()), u8::from(r.flag())])
    }

    /// `Ctu/1` and `Ctd/1`: the count input's edge as `RTrig/1` (2), CV (4), Q (1).
    macro_rules! counter {
        ($($block:ident($edge:ident) => $name:literal),*) => {$(
            impl Record for $block {
                type Encoded = [u8; 7];
                fn type_name(out: &mut TypeName) {
                    out.push_str($name);
                }
                fn encode(&self) -> [u8; 7] {
                    let mut out = [0; 7];
                    Writer::new(&mut out).bytes(&self.$edge.encode()).i32(self.cv).flag(self.q);
                    out
                }
                fn decode(bytes: &[u8; 7]) -> Self {
                    let mut r = Reader::new(bytes);
                    $block { $edge: edge(&mut r), cv: r.i32(), q: r.flag() }
                }
            }
        )*};
    }

    counter!(Ctu(cu) => "Ctu/1", Ctd(cd) => "Ctd/1");

    /// `Ctud/1`: the CU and CD edges as `RTrig/1` (2 + 2), CV (4), QU (1), QD (1).
    impl Record for Ctud {
        type Encoded = [u8; 10];
        fn type_name(out: &mut TypeName) {
            out.push_str("Ctud/1");
        }
        fn encode(&self) -> [u8; 10] {
            let mut out = [0; 10];
            Writer::new(&mut out).bytes(&self.cu.encode()).bytes(&self.cd.encode()).i32(self.cv).flag(self.qu).flag(self.qd);
            out
        }
        fn decode(bytes: &[u8; 10]) -> Self {
            let mut r = Reader::new(bytes);
            Ctud { cu: edge(&mut r), cd: edge(&mut r), cv: r.i32(), qu: r.flag(), qd: r.flag() }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[cfg_attr(not(target_arch = "wasm32"), test)]
    #[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
    fn ctu_counts_rising_edges_up_to_the_preset() {
        let mut c = Ctu::default();
        // (CU, R, expected Q, expected CV), PV = 2
        for (step, &(cu, r, q, cv)) in [
            (true, false, false, 1),
            (true, false, false, 1), // held: no new edge
            (false, false, false, 1),
            (true, false, true, 2),
            (false, false, true, 2),
            (true, false, true, 3), // counts past PV
            (true, true, false, 0), // reset wins
            (false, false, false, 0),
        ]
        .iter()
        .enumerate()
        {
            assert_eq!((c.call(cu, r, 2), c.cv()), (q, cv), "step {step}");
        }
    }

    #[cfg_attr(not(target_arch = "wasm32"), test)]
    #[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
    fn ctd_counts_down_from_the_loaded_preset() {
        let mut c = Ctd::default();
        // (CD, LD, expected Q, expected CV), PV = 2
        for (step, &(cd, ld, q, cv)) in [
            (false, true, false, 2),
            (true, false, false, 1),
            (true, false, false, 1),
            (false, false, false, 1),
            (true, false, true, 0),
            (false, false, true, 0),
            (true, false, true, -1),
            (false, true, false, 2),
        ]
        .iter()
        .enumerate()
        {
            assert_eq!((c.call(cd, ld, 2), c.cv()), (q, cv), "step {step}");
        }
    }

    #[cfg_attr(not(target_arch = "wasm32"), test)]
    #[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
    fn ctud_counts_both_ways() {
        let mut c = Ctud::default();
        // (CU, CD, R, LD, expected QU, expected QD, expected CV), PV = 2
        for (step, &(cu, cd, r, ld, qu, qd, cv)) in [
            (false, false, false, false, false, true, 0),
            (true, false, false, false, false, false, 1),
            (false, false, false, false, false, false, 1),
            (true, false, false, false, true, false, 2),
            (false, true, false, false, false, false, 1),
            (false, false, false, false, false, false, 1),
            (true, true, false, false, false, false, 1), // both edges at once cancel
            (false, false, false, true, true, false, 2),
            (false, false, true, true, false, true, 0), // reset wins over load
        ]
        .iter()
        .enumerate()
        {
            assert_eq!((c.call(cu, cd, r, ld, 2), c.qd(), c.cv()), (qu, qd, cv), "step {step}");
            assert_eq!(c.qu(), qu);
        }
    }

    #[cfg_attr(not(target_arch = "wasm32"), test)]
    #[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
    fn counts_saturate_instead_of_wrapping() {
        let mut up = Ctu { cv: i32::MAX, ..Ctu::default() };
        up.call(true, false, 0);
        assert_eq!(up.cv(), i32::MAX);
        let mut down = Ctd { cv: i32::MIN, ..Ctd::default() };
        down.call(true, false, 0);
        assert_eq!(down.cv(), i32::MIN);
    }
}
