//! The process image and the clock: `wasm_read_input`, `wasm_read_output`,
//! `wasm_write_output`, `wasm_current_time`.

use wasmer::RuntimeError;

use super::{guest_range, pay, with_memory, Env, GENERIC, OK};
use crate::environment::range;

pub(super) fn wasm_read_input(mut env: Env<'_>, address: i32, buffer: i32, buffer_len: i32) -> Result<i32, RuntimeError> {
    let code = read_image(env.as_mut(), Image::Inputs, address, buffer, buffer_len);
    pay(env, code)
}

pub(super) fn wasm_read_output(mut env: Env<'_>, address: i32, buffer: i32, buffer_len: i32) -> Result<i32, RuntimeError> {
    let code = read_image(env.as_mut(), Image::Outputs, address, buffer, buffer_len);
    pay(env, code)
}

enum Image {
    Inputs,
    /// The published outputs with this poll's staged writes on top.
    Outputs,
}

/// The image bytes `address..address + len`, if they lie inside an image of `image` bytes.
fn image_range(address: i32, len: usize, image: usize) -> Result<usize, i32> {
    range(address as u32 as usize, len, image).map(|r| r.start).map_err(|e| e.code())
}

/// Copies `buffer_len` bytes of an image, from byte `address`, into the guest's `buffer`.
/// Both ranges are checked before any work is done: the host's work is in proportion to
/// what the image holds, whatever length the guest asks for.
fn read_image(env: Env<'_>, image: Image, address: i32, buffer: i32, buffer_len: i32) -> i32 {
    with_memory(env, |tx, env, view| {
        let Some((start, len)) = guest_range(view, buffer, buffer_len) else { return GENERIC };
        let size = match image {
            Image::Inputs => env.input_len(),
            Image::Outputs => env.output_len(),
        };
        let address = match image_range(address, len, size) {
            Ok(address) => address,
            Err(code) => return code,
        };
        tx.scratch.resize(len, 0);
        tx.copied = len;
        let read = match image {
            Image::Inputs => env.read_input(address, &mut tx.scratch),
            Image::Outputs => env.read_output(address, &mut tx.scratch),
        };
        if let Err(e) = read {
            return e.code();
        }
        if let Image::Outputs = image {
            // This poll's own writes on top of the published image; the bytes the program's
            // own image covers as they stand in its memory.
            tx.outputs.overlay(address, &mut tx.scratch);
            if let Some(placed) = tx.image {
                let covered = placed.outputs_covered(address, len);
                if covered > 0 && view.read(placed.outputs + address as u64, &mut tx.scratch[..covered]).is_err() {
                    return GENERIC;
                }
            }
        }
        if view.write(start, &tx.scratch).is_err() {
            return GENERIC;
        }
        OK
    })
}

pub(super) fn wasm_write_output(mut env: Env<'_>, address: i32, data: i32, data_len: i32) -> Result<i32, RuntimeError> {
    let code = with_memory(env.as_mut(), |tx, _, view| {
        let Some((start, len)) = guest_range(view, data, data_len) else { return GENERIC };
        let address = match image_range(address, len, tx.outputs.bytes.len()) {
            Ok(address) => address,
            Err(code) => return code,
        };
        tx.copied = len;
        // The bytes the program's own image covers are written there: its memory is the
        // truth of those outputs, published by what changed when the poll completes.
        let mut covered = 0;
        if let Some(placed) = tx.image {
            covered = placed.outputs_covered(address, len);
            tx.scratch.resize(covered, 0);
            if view.read(start, &mut tx.scratch).and_then(|()| view.write(placed.outputs + address as u64, &tx.scratch)).is_err() {
                return GENERIC;
            }
        }
        if view.read(start + covered as u64, tx.outputs.write(address + covered, len - covered)).is_err() {
            return GENERIC;
        }
        OK
    });
    pay(env, code)
}

pub(super) fn wasm_current_time(env: Env<'_>, secs: i32, nanos: i32) -> i32 {
    with_memory(env, |tx, _, view| {
        let now = match &tx.now {
            Ok(now) => *now,
            Err(e) => return e.code(),
        };
        let (Some((secs, _)), Some((nanos, _))) = (guest_range(view, secs, 8), guest_range(view, nanos, 4)) else {
            return GENERIC;
        };
        let written = view.write(secs, &now.as_secs().to_le_bytes()).and(view.write(nanos, &now.subsec_nanos().to_le_bytes()));
        if written.is_err() {
            return GENERIC;
        }
        OK
    })
}

