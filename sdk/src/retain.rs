//! Retained variables: kept by the controller across a restart, a replaced program and a
//! power cut (at most one save interval lost), where other variables start from nothing.
//!
//! ```
//! use plc_sdk::prelude::*;
//!
//! plc_sdk::retain!(PARTS: i32 = "parts");
//!
//! #[plc_program]
//! fn count() {
//!     let _ = PARTS.set(PARTS.get().unwrap_or(0) + 1);
//! }
//! # let mut sim = plc_sdk::sim::Simulator::new();
//! # sim.scan(poll);
//! # assert_eq!(PARTS.get(), Ok(1));
//! ```
//!
//! [`retain!`](macro@crate::retain) declares the static [`Variable`](crate::variables::Variable) and,
//! on wasm32, an entry in the module's [`RETAINED_SECTION`](crate::abi::RETAINED_SECTION)
//! custom section: the controller reads it when it loads the program, so declaring costs no
//! intrinsic and no code. The variable itself is read and written as any other.

use crate::variables::VariableType;

/// Declares a retained [`Variable`](crate::variables::Variable) static: `retain!(COUNT: i32 =
/// "count");` (or `retain!(pub COUNT: f64 = "setpoint");`). Use it at module level.
#[macro_export]
macro_rules! retain {
    ($vis:vis $id:ident : $ty:ty = $name:literal) => {
        $vis static $id: $crate::variables::Variable<$ty> = $crate::variables::Variable::new($name);
        const _: () = {
            #[cfg_attr(target_arch = "wasm32", link_section = "plc.retained")]
            #[allow(dead_code)]
            static ENTRY: [u8; $name.len() + 2] = $crate::retain::entry::<$ty, { $name.len() + 2 }>($name);
        };
    };
}

/// One entry of the retained section: the type's tag, the name, a NUL. `N` must be the name's
/// length plus 2 (the macro passes it); a shorter `N` fails to compile.
#[doc(hidden)]
pub const fn entry<T: VariableType, const N: usize>(name: &str) -> [u8; N] {
    let mut out = [0u8; N];
    out[0] = T::RETAINED_TAG.as_bytes()[0];
    let bytes = name.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        out[i + 1] = bytes[i];
        i += 1;
    }
    out
}

#[cfg(test)]
mod tests {
    #[test]
    fn an_entry_is_the_tag_the_name_and_a_nul() {
        assert_eq!(&super::entry::<i32, 7>("count"), b"icount\0");
        assert_eq!(&super::entry::<f64, 4>("sp"), b"dsp\0");
        assert_eq!(&super::entry::<bool, 3>("x"), b"bx\0");
    }
}
