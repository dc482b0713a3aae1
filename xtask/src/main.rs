//! `cargo xtask header`: regenerate `c-sdk/include/intrinsics.h` from the Rust ABI.

use std::process::ExitCode;

use xtask::{generate_header, header_path};

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match args.iter().map(String::as_str).collect::<Vec<_>>().as_slice() {
        ["header"] => match generate_header().and_then(|h| std::fs::write(header_path(), h).map_err(|e| e.to_string())) {
            Ok(()) => {
                println!("wrote {}", header_path().display());
                ExitCode::SUCCESS
            }
            Err(e) => {
                eprintln!("error: {e}");
                ExitCode::FAILURE
            }
        },
        _ => {
            eprintln!("usage: cargo xtask header    # regenerate c-sdk/include/intrinsics.h");
            ExitCode::from(2)
        }
    }
}
