//! `Idempotency-Key` on `POST /v2/sandboxes`. The new Python SDK replays a create after a
//! 429/502/503/504 with the same key; for 24 hours, the same key with the same body gets the
//! first answer again instead of a second sandbox, and the same key with another body is a 409.
//! Finished entries are kept in `<data-dir>/idempotency.json` so a restart forgets none.

use std::collections::HashMap;
use std::io;
use std::path::PathBuf;
use std::sync::{Mutex, MutexGuard};

use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::persist;
use crate::rfc3339::{self, Micros, MICROS_PER_SEC};

const RETENTION: Micros = 24 * 3600 * MICROS_PER_SEC;

/// Whether a key is one the SDK could send: 1–255 characters of `[a-z0-9-]`.
pub fn is_valid_key(key: &str) -> bool {
    (1..=255).contains(&key.len()) && key.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
}

#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
struct Entry {
    request_hash: String,
    #[serde(with = "rfc3339::as_string")]
    created_at: Micros,
    /// The answer sent; `None` while the first request is still being served.
    response: Option<Value>,
}

/// What to do with a keyed request.
#[derive(Debug, PartialEq)]
pub enum Begin {
    /// First time: serve it, then call `finish` or `abandon`.
    Fresh,
    /// Seen with the same body: answer this again.
    Replay(Value),
    /// Seen with another body.
    Mismatch,
    /// The first request with this key is still being served.
    InProgress,
}

pub struct Idempotency {
    path: PathBuf,
    entries: Mutex<HashMap<String, Entry>>,
}

impl Idempotency {
    pub fn open(path: PathBuf) -> io::Result<Idempotency> {
        let entries = match std::fs::read(&path) {
            Ok(bytes) => serde_json::from_slice(&bytes).map_err(|e| io::Error::new(io::ErrorKind::InvalidData, e))?,
            Err(e) if e.kind() == io::ErrorKind::NotFound => HashMap::new(),
            Err(e) => return Err(e),
        };
        Ok(Idempotency { path, entries: Mutex::new(entries) })
    }

    pub fn begin(&self, key: &str, request_hash: &str) -> Begin {
        let now = rfc3339::now();
        let mut entries = self.lock();
        entries.retain(|_, e| e.created_at + RETENTION > now);
        match entries.get(key) {
            Some(e) if e.request_hash != request_hash => Begin::Mismatch,
            Some(Entry { response: Some(r), .. }) => Begin::Replay(r.clone()),
            Some(_) => Begin::InProgress,
            None => {
                let entry = Entry { request_hash: request_hash.to_string(), created_at: now, response: None };
                entries.insert(key.to_string(), entry);
                Begin::Fresh
            }
        }
    }

    /// Records the answer to a `Fresh` request and saves it.
    pub fn finish(&self, key: &str, response: Value) -> io::Result<()> {
        let mut entries = self.lock();
        if let Some(entry) = entries.get_mut(key) {
            entry.response = Some(response);
        }
        let finished: HashMap<&String, &Entry> = entries.iter().filter(|(_, e)| e.response.is_some()).collect();
        persist::write_atomic(&self.path, &serde_json::to_vec(&finished).map_err(io::Error::other)?)
    }

    /// Forgets a `Fresh` request that failed, so that a retry runs it again.
    pub fn abandon(&self, key: &str) {
        self.lock().remove(key);
    }

    fn lock(&self) -> MutexGuard<'_, HashMap<String, Entry>> {
        self.entries.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn validates_keys() {
        assert!(is_valid_key("key-1"));
        assert!(is_valid_key(&"a".repeat(255)));
        for bad in ["", "Key", "a_b", "a b", "é", &"a".repeat(256)] {
            assert!(!is_valid_key(bad), "{bad}");
        }
    }

    #[test]
    fn replays_mismatches_and_survives_a_restart() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("idempotency.json");
        let store = Idempotency::open(path.clone()).unwrap();
        assert_eq!(store.begin("k", "h1"), Begin::Fresh);
        assert_eq!(store.begin("k", "h1"), Begin::InProgress);
        assert_eq!(store.begin("k", "h2"), Begin::Mismatch);
        store.finish("k", json!({"sandboxID": "x"})).unwrap();
        assert_eq!(store.begin("k", "h1"), Begin::Replay(json!({"sandboxID": "x"})));

        assert_eq!(store.begin("gone", "h"), Begin::Fresh);
        store.abandon("gone");
        assert_eq!(store.begin("gone", "h"), Begin::Fresh);

        let reopened = Idempotency::open(path).unwrap();
        assert_eq!(reopened.begin("k", "h1"), Begin::Replay(json!({"sandboxID": "x"})));
        assert_eq!(reopened.begin("gone", "h"), Begin::Fresh, "unfinished entries are not saved");
    }
}
