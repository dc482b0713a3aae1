//! Reading a program file without trusting it: regular files only, opened without blocking,
//! never more than the size limit, and in a watched folder never through a link that leads out.

use std::fs::{File, Metadata, OpenOptions};
use std::io::Read;
use std::os::unix::fs::{FileTypeExt, OpenOptionsExt};
use std::path::{Path, PathBuf};

/// Reads the program file at `path` (a link is followed): a regular file of at most `max`
/// bytes. A FIFO, a device, a socket or a folder is refused before it is opened (opening some
/// devices acts on them), and the file opened is checked again, so that a swap between the
/// look and the open cannot make it read something else. Errors are one line.
pub fn read_program(path: &Path, max: u64) -> Result<Vec<u8>, String> {
    regular(&std::fs::metadata(path).map_err(cannot_read)?)?;
    read_opened(open(path, 0)?, max)
}

/// Reads `path`, an entry of the folder `dir`, as [`read_program`] does; a link is followed
/// only to a file inside `dir`.
pub(crate) fn read_in_folder(dir: &Path, path: &Path, max: u64) -> Result<Vec<u8>, String> {
    regular(&std::fs::metadata(path).map_err(cannot_read)?)?;
    let target = inside(dir, path)?;
    // The target has no link left in it: if one appears there now, the open fails.
    read_opened(open(&target, libc::O_NOFOLLOW)?, max)
}

/// Where `path` leads, if that is inside `dir`.
fn inside(dir: &Path, path: &Path) -> Result<PathBuf, String> {
    let dir = dir.canonicalize().map_err(|e| format!("cannot resolve the watched folder: {e}"))?;
    let target = path.canonicalize().map_err(cannot_read)?;
    if target.starts_with(&dir) {
        Ok(target)
    } else {
        Err(format!("a link to {}, outside the watched folder", target.display()))
    }
}

fn open(path: &Path, flags: i32) -> Result<File, String> {
    // O_NONBLOCK: a FIFO swapped in after the look opens at once instead of waiting for a writer.
    OpenOptions::new().read(true).custom_flags(libc::O_NONBLOCK | flags).open(path).map_err(cannot_read)
}

fn read_opened(file: File, max: u64) -> Result<Vec<u8>, String> {
    let meta = file.metadata().map_err(cannot_read)?;
    regular(&meta)?;
    if meta.len() > max {
        return Err(too_large(Some(meta.len()), max));
    }
    let mut bytes = Vec::with_capacity(usize::try_from(meta.len()).unwrap_or(0));
    // One byte more than allowed tells a file that grew since the look.
    file.take(max.saturating_add(1)).read_to_end(&mut bytes).map_err(cannot_read)?;
    if bytes.len() as u64 > max {
        return Err(too_large(None, max));
    }
    Ok(bytes)
}

/// `Ok` for a regular file; otherwise what it is.
fn regular(meta: &Metadata) -> Result<(), String> {
    let kind = meta.file_type();
    let what = match () {
        _ if kind.is_file() => return Ok(()),
        _ if kind.is_dir() => "a folder",
        _ if kind.is_fifo() => "a FIFO",
        _ if kind.is_char_device() => "a character device",
        _ if kind.is_block_device() => "a block device",
        _ if kind.is_socket() => "a socket",
        _ => "of an unknown kind",
    };
    Err(format!("not a regular file ({what})"))
}

/// The reason for a file of `size` bytes (`None`: it grew while read) over `max`.
fn too_large(size: Option<u64>, max: u64) -> String {
    match size {
        Some(size) => format!("the file is {size} bytes, over this host's limit of {max} bytes for a module"),
        None => format!("the file grew past this host's limit of {max} bytes for a module"),
    }
}

fn cannot_read(e: std::io::Error) -> String {
    format!("cannot read: {e}")
}
