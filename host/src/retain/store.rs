//! The store of retained values: one redb database file (transactional, crash safe), one
//! table of values by name, and the format's version beside it.

use std::collections::BTreeMap;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::path::{Path, PathBuf};

use redb::{Database, DatabaseError, ReadableDatabase, ReadableTable, StorageError, TableDefinition};

use crate::environment::Value;

const VALUES: TableDefinition<&str, &[u8]> = TableDefinition::new("retained");
const META: TableDefinition<&str, u64> = TableDefinition::new("meta");
/// The version of this layout, kept under `format` in the `meta` table.
const FORMAT: u64 = 1;
/// redb's page cache: the store is small.
const CACHE_BYTES: usize = 1 << 20;

/// Why the store could not be used.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum StoreError {
    /// The file is not a store this host can read: corrupt, not a database, or written by
    /// another version. It is to be kept aside and the run started cold.
    Unreadable(String),
    /// Another process has the store open.
    InUse,
    /// Reading or writing the file failed (permissions, a full disk).
    Io(String),
}

impl std::fmt::Display for StoreError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            StoreError::Unreadable(why) => write!(f, "it cannot be read: {why}"),
            StoreError::InUse => f.write_str("another process has it open"),
            StoreError::Io(why) => f.write_str(why),
        }
    }
}

impl std::error::Error for StoreError {}

fn storage(e: StorageError) -> StoreError {
    match e {
        StorageError::Io(e) if e.kind() == std::io::ErrorKind::InvalidData => StoreError::Unreadable(format!("not a store ({e})")),
        StorageError::Io(e) => StoreError::Io(e.to_string()),
        StorageError::Corrupted(why) => StoreError::Unreadable(format!("corrupt ({why})")),
        other => StoreError::Unreadable(other.to_string()),
    }
}

fn database(e: DatabaseError) -> StoreError {
    match e {
        DatabaseError::DatabaseAlreadyOpen | DatabaseError::LockProtocolMismatch => StoreError::InUse,
        DatabaseError::UpgradeRequired(v) => StoreError::Unreadable(format!("written in another version of its database's file format ({v})")),
        DatabaseError::Storage(e) => storage(e),
        other => StoreError::Unreadable(other.to_string()),
    }
}

/// Any other redb error, while reading or writing an open store.
fn other(e: impl Into<redb::Error>) -> StoreError {
    match e.into() {
        redb::Error::Corrupted(why) => StoreError::Unreadable(format!("corrupt ({why})")),
        redb::Error::Io(e) => StoreError::Io(e.to_string()),
        redb::Error::TableTypeMismatch { table, .. } => StoreError::Unreadable(format!("its table `{table}` is of another version")),
        other => StoreError::Unreadable(other.to_string()),
    }
}

/// Runs `f`, turning a panic inside the database (debug builds of redb assert on some corrupt
/// files) into [`StoreError::Unreadable`].
fn guarded<T>(f: impl FnOnce() -> Result<T, StoreError>) -> Result<T, StoreError> {
    catch_unwind(AssertUnwindSafe(f)).unwrap_or_else(|_| Err(StoreError::Unreadable("corrupt (the database gave up reading it)".into())))
}

fn encode(value: Value) -> Vec<u8> {
    match value {
        Value::Bool(b) => vec![b'b', u8::from(b)],
        Value::Int(i) => [&[b'i'][..], &i.to_le_bytes()].concat(),
        Value::Double(d) => [&[b'd'][..], &d.to_le_bytes()].concat(),
    }
}

fn decode(bytes: &[u8]) -> Option<Value> {
    match bytes {
        [b'b', b @ (0 | 1)] => Some(Value::Bool(*b == 1)),
        [b'i', rest @ ..] => Some(Value::Int(i32::from_le_bytes(rest.try_into().ok()?))),
        [b'd', rest @ ..] => Some(Value::Double(f64::from_le_bytes(rest.try_into().ok()?))),
        _ => None,
    }
}

/// An open store of retained values.
pub struct Store {
    db: Database,
    path: PathBuf,
}

impl std::fmt::Debug for Store {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Store").field("path", &self.path).finish_non_exhaustive()
    }
}

impl Store {
    /// Opens the store at `path`, creating it if there is no file, and checks that it is one.
    pub fn open(path: &Path) -> Result<Store, StoreError> {
        guarded(|| {
            let db = Database::builder().set_cache_size(CACHE_BYTES).set_check_integrity_on_open(true).create(path).map_err(database)?;
            let store = Store { db, path: path.to_owned() };
            store.check_format()?;
            Ok(store)
        })
    }

    /// Where it is.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// A new store gets the format's version; an existing one must have this one.
    fn check_format(&self) -> Result<(), StoreError> {
        let read = self.db.begin_read().map_err(other)?;
        let format = match read.open_table(META) {
            Ok(meta) => meta.get("format").map_err(other)?.map(|v| v.value()),
            Err(redb::TableError::TableDoesNotExist(_)) => None,
            Err(e) => return Err(other(e)),
        };
        match format {
            Some(FORMAT) => Ok(()),
            Some(v) => Err(StoreError::Unreadable(format!("store format {v}, where this host reads format {FORMAT}"))),
            None if read.list_tables().map_err(other)?.next().is_some() => {
                Err(StoreError::Unreadable("a database, but not a store of retained variables".into()))
            }
            None => {
                let write = self.db.begin_write().map_err(other)?;
                write.open_table(META).map_err(other)?.insert("format", FORMAT).map_err(other)?;
                write.commit().map_err(other)
            }
        }
    }

    /// Every value in the store, by name.
    pub fn load(&self) -> Result<BTreeMap<String, Value>, StoreError> {
        guarded(|| {
            let read = self.db.begin_read().map_err(other)?;
            let table = match read.open_table(VALUES) {
                Ok(table) => table,
                Err(redb::TableError::TableDoesNotExist(_)) => return Ok(BTreeMap::new()),
                Err(e) => return Err(other(e)),
            };
            let mut values = BTreeMap::new();
            for entry in table.iter().map_err(other)? {
                let (name, bytes) = entry.map_err(other)?;
                let value = decode(bytes.value())
                    .ok_or_else(|| StoreError::Unreadable(format!("the value of `{}` is not a bool, an i32 or an f64", name.value())))?;
                values.insert(name.value().to_owned(), value);
            }
            Ok(values)
        })
    }

    /// Writes `values` in one transaction (durable when it returns); other values stay.
    pub fn save(&self, values: &[(String, Value)]) -> Result<(), StoreError> {
        guarded(|| {
            let write = self.db.begin_write().map_err(other)?;
            {
                let mut table = write.open_table(VALUES).map_err(other)?;
                for (name, value) in values {
                    table.insert(name.as_str(), encode(*value).as_slice()).map_err(other)?;
                }
            }
            write.commit().map_err(other)
        })
    }

    /// Removes every value (a cold start), in one transaction.
    pub fn clear(&self) -> Result<(), StoreError> {
        guarded(|| {
            let write = self.db.begin_write().map_err(other)?;
            write.delete_table(VALUES).map_err(other)?;
            write.commit().map_err(other)
        })
    }
}

/// Moves an unreadable store out of the way: `plc.redb` becomes `plc.redb.unreadable-<unix
/// seconds>` (with `-2`, `-3`, … if taken). Returns the new path.
pub(crate) fn set_aside(path: &Path) -> Result<PathBuf, String> {
    let secs = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.as_secs());
    let name = path.file_name().map_or_else(|| "store".into(), |n| n.to_string_lossy().into_owned());
    let aside = (1..100)
        .map(|n| path.with_file_name(if n == 1 { format!("{name}.unreadable-{secs}") } else { format!("{name}.unreadable-{secs}-{n}") }))
        .find(|p| !p.exists())
        .ok_or("no free name to move it to")?;
    std::fs::rename(path, &aside).map_err(|e| e.to_string())?;
    Ok(aside)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_round_trip_and_bad_bytes_do_not_decode() {
        for value in [Value::Bool(true), Value::Bool(false), Value::Int(-7), Value::Double(2.5)] {
            assert_eq!(decode(&encode(value)), Some(value));
        }
        for bytes in [&b""[..], b"b\x02", b"i\x01\x02", b"d\x00", b"x\x00\x00\x00\x00"] {
            assert_eq!(decode(bytes), None, "{bytes:?}");
        }
    }
}
