//! Reading a module's retained declarations from its custom sections.

use plc_abi as abi;

use super::{Declared, Kind};
use crate::validate::Problem;

/// The retained variables a module declares in its [`abi::RETAINED_SECTION`] custom sections
/// (all of them, in order; a name declared twice with the same type counts once), or the
/// problem with them. `wasm` is a binary module or WAT text.
pub fn declared(wasm: &[u8]) -> Result<Vec<Declared>, Problem> {
    use wasmer::wasmparser::{Parser, Payload};
    let binary;
    let wasm = if wasm.starts_with(b"\0asm") {
        wasm
    } else {
        binary = wasmer::wat2wasm(wasm).map_err(|e| Problem(format!("not a WebAssembly module: {e}")))?;
        &binary[..]
    };
    let mut found: Vec<Declared> = Vec::new();
    for payload in Parser::new(0).parse_all(wasm) {
        let Ok(Payload::CustomSection(section)) = payload else { continue };
        if section.name() != abi::RETAINED_SECTION {
            continue;
        }
        let data = section.data();
        if !data.is_empty() && !data.ends_with(&[0]) {
            return Err(problem("its last entry does not end with a NUL"));
        }
        // Empty entries (a linker's padding) are skipped.
        for entry in data.split(|&b| b == 0).filter(|e| !e.is_empty()) {
            let declared = parse(entry)?;
            match found.iter().find(|d| d.name == declared.name) {
                Some(d) if d.kind != declared.kind => {
                    return Err(problem(&format!("`{}` is declared both {} and {}", d.name, d.kind, declared.kind)));
                }
                Some(_) => {}
                None => found.push(declared),
            }
        }
    }
    Ok(found)
}

fn problem(what: &str) -> Problem {
    Problem(format!("custom section `{}` (retained variables): {what}", abi::RETAINED_SECTION))
}

/// One entry without its NUL: a tag, then the name.
fn parse(entry: &[u8]) -> Result<Declared, Problem> {
    let (tag, name) = entry.split_at(1);
    let kind = match std::str::from_utf8(tag).unwrap_or_default() {
        abi::RETAINED_BOOL => Kind::Bool,
        abi::RETAINED_INT => Kind::Int,
        abi::RETAINED_DOUBLE => Kind::Double,
        _ => return Err(problem(&format!("entry `{}` starts with an unknown type tag", entry.escape_ascii()))),
    };
    let name = std::str::from_utf8(name).map_err(|_| problem(&format!("the name in `{}` is not UTF-8", entry.escape_ascii())))?;
    if name.is_empty() || name.len() > abi::MAX_VARIABLE_NAME_LEN as usize {
        return Err(problem(&format!("the name `{name}` is empty or longer than {} bytes", abi::MAX_VARIABLE_NAME_LEN)));
    }
    Ok(Declared { name: name.to_owned(), kind })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn module(sections: &str) -> Vec<u8> {
        format!(r#"(module {sections} (memory (export "memory") 1) (func (export "poll")))"#).into_bytes()
    }

    #[test]
    fn entries_of_every_section_in_order() {
        let wasm = module(r#"(@custom "plc.retained" "icount\00dsetpoint\00\00") (@custom "other" "x") (@custom "plc.retained" "bflag\00icount\00")"#);
        let names: Vec<_> = declared(&wasm).unwrap().into_iter().map(|d| (d.name, d.kind)).collect();
        assert_eq!(names, [("count".into(), Kind::Int), ("setpoint".into(), Kind::Double), ("flag".into(), Kind::Bool)]);
        assert_eq!(declared(&module("")).unwrap(), []);
    }

    #[test]
    fn a_bad_entry_is_a_problem_that_names_it() {
        for (section, says) in [
            (r#""icount""#, "does not end with a NUL"),
            (r#""xcount\00""#, "unknown type tag"),
            (r#""i\ff\00""#, "not UTF-8"),
            (r#""i\00""#, "is empty"),
            (r#""icount\00dcount\00""#, "declared both i32 and f64"),
        ] {
            let wasm = module(&format!(r#"(@custom "plc.retained" {section})"#));
            let Problem(text) = declared(&wasm).unwrap_err();
            assert!(text.contains(says), "{section}: {text}");
        }
        let long = format!(r#"(@custom "plc.retained" "i{}\00")"#, "n".repeat(256));
        assert!(declared(&module(&long)).is_err());
    }
}
