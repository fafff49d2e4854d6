//! `Idempotency-Key` on `POST /v2/sandboxes`. The new Python SDK replays a create after a
//! 429/502/503/504 with the same key; for 24 hours (E2B keeps keys for a limited time; this
//! server keeps them a day), the same key with the same body gets the first answer again
//! instead of a second sandbox, and the same key with another body is a 409.
//!
//! The keys live in memory, and each finished create is appended as one JSON line to
//! `<data-dir>/idempotency.log`, so a restart forgets none and a create costs one small append
//! whatever the number of keys. Keys expire after [`RETENTION`]; the log is rewritten with the
//! live keys only when it holds twice as many lines as there are live keys (and at start), so
//! its size follows the creates of the last day and stays bounded by them.

use std::collections::{HashMap, VecDeque};
use std::fs::{File, OpenOptions};
use std::io::{self, Write};
use std::os::unix::fs::OpenOptionsExt;
use std::path::{Path, PathBuf};
use std::sync::{Mutex, MutexGuard};

use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::persist;
use crate::rfc3339::{self, Micros, MICROS_PER_SEC};

/// How long a key is remembered.
pub const RETENTION: Micros = 24 * 3600 * MICROS_PER_SEC;
/// The log is not compacted below this many lines.
const MIN_COMPACTION: usize = 1024;
const LOG_NAME: &str = "idempotency.log";
/// Where earlier versions kept the keys (one JSON object rewritten on every create).
const LEGACY_NAME: &str = "idempotency.json";

/// Whether a key is one the SDK could send: 1–255 characters of `[a-z0-9-]`.
pub fn is_valid_key(key: &str) -> bool {
    (1..=255).contains(&key.len()) && key.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
}

#[derive(Clone, Debug)]
struct Entry {
    request_hash: String,
    created_at: Micros,
    /// The answer sent; `None` while the first request is still being served.
    response: Option<Value>,
}

/// One line of the log: a finished create.
#[derive(Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
struct Line {
    key: String,
    request_hash: String,
    #[serde(with = "rfc3339::as_string")]
    created_at: Micros,
    response: Value,
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

/// The keys of the last [`RETENTION`], in memory and in the log.
pub struct Idempotency {
    state: Mutex<State>,
}

struct State {
    path: PathBuf,
    entries: HashMap<String, Entry>,
    /// Keys by the time they were made, oldest first, to expire them in order.
    by_age: VecDeque<(Micros, String)>,
    /// The log, open for appending, and how many lines it holds.
    log: File,
    lines: usize,
}

impl Idempotency {
    /// Loads the keys kept in `data_dir`.
    pub fn open(data_dir: &Path) -> io::Result<Idempotency> {
        Self::open_at(data_dir, rfc3339::now())
    }

    fn open_at(data_dir: &Path, now: Micros) -> io::Result<Idempotency> {
        match std::fs::remove_file(data_dir.join(LEGACY_NAME)) {
            Err(e) if e.kind() != io::ErrorKind::NotFound => return Err(e),
            _ => {}
        }
        let path = data_dir.join(LOG_NAME);
        let text = match std::fs::read_to_string(&path) {
            Ok(text) => text,
            Err(e) if e.kind() == io::ErrorKind::NotFound => String::new(),
            Err(e) => return Err(e),
        };
        let mut lines: Vec<Line> = text
            .lines()
            // A line cut short by a crash is skipped.
            .filter_map(|line| serde_json::from_str::<Line>(line).ok())
            .filter(|line| line.created_at + RETENTION > now)
            .collect();
        lines.sort_by_key(|line| line.created_at);
        let mut state =
            State { log: append_to(&path)?, path, entries: HashMap::new(), by_age: VecDeque::new(), lines: 0 };
        for line in lines {
            state.by_age.push_back((line.created_at, line.key.clone()));
            let entry =
                Entry { request_hash: line.request_hash, created_at: line.created_at, response: Some(line.response) };
            state.entries.insert(line.key, entry);
        }
        state.compact()?;
        Ok(Idempotency { state: Mutex::new(state) })
    }

    pub fn begin(&self, key: &str, request_hash: &str) -> Begin {
        self.begin_at(key, request_hash, rfc3339::now())
    }

    fn begin_at(&self, key: &str, request_hash: &str, now: Micros) -> Begin {
        let mut state = self.lock();
        state.expire(now);
        match state.entries.get(key) {
            Some(e) if e.request_hash != request_hash => Begin::Mismatch,
            Some(Entry { response: Some(r), .. }) => Begin::Replay(r.clone()),
            Some(_) => Begin::InProgress,
            None => {
                let entry = Entry { request_hash: request_hash.to_string(), created_at: now, response: None };
                state.entries.insert(key.to_string(), entry);
                state.by_age.push_back((now, key.to_string()));
                Begin::Fresh
            }
        }
    }

    /// Records the answer to a `Fresh` request and saves it.
    pub fn finish(&self, key: &str, response: Value) -> io::Result<()> {
        let mut state = self.lock();
        let Some(entry) = state.entries.get_mut(key) else { return Ok(()) };
        entry.response = Some(response.clone());
        let line = Line {
            key: key.to_string(),
            request_hash: entry.request_hash.clone(),
            created_at: entry.created_at,
            response,
        };
        state.append(&line)?;
        if state.lines > MIN_COMPACTION.max(2 * state.entries.len()) {
            state.compact()?;
        }
        Ok(())
    }

    /// Forgets a `Fresh` request that failed, so that a retry runs it again.
    pub fn abandon(&self, key: &str) {
        self.lock().entries.remove(key);
    }

    fn lock(&self) -> MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}

impl State {
    /// Forgets the keys made more than [`RETENTION`] before `now`.
    fn expire(&mut self, now: Micros) {
        while let Some((created_at, key)) = self.by_age.front() {
            if created_at + RETENTION > now {
                break;
            }
            // The key may have been abandoned and made again since: only its own entry goes.
            if self.entries.get(key).is_some_and(|e| e.created_at == *created_at) {
                self.entries.remove(key);
            }
            self.by_age.pop_front();
        }
    }

    fn append(&mut self, line: &Line) -> io::Result<()> {
        let mut bytes = serde_json::to_vec(line).map_err(io::Error::other)?;
        bytes.push(b'\n');
        self.log.write_all(&bytes)?;
        self.lines += 1;
        Ok(())
    }

    /// Rewrites the log with the finished live keys only.
    fn compact(&mut self) -> io::Result<()> {
        let mut bytes = Vec::new();
        let mut lines = 0;
        for (created_at, key) in &self.by_age {
            let Some(Entry { request_hash, response: Some(response), .. }) =
                self.entries.get(key).filter(|e| e.created_at == *created_at)
            else {
                continue;
            };
            let line = Line {
                key: key.clone(),
                request_hash: request_hash.clone(),
                created_at: *created_at,
                response: response.clone(),
            };
            serde_json::to_writer(&mut bytes, &line).map_err(io::Error::other)?;
            bytes.push(b'\n');
            lines += 1;
        }
        persist::write_atomic(&self.path, &bytes)?;
        self.log = append_to(&self.path)?;
        self.lines = lines;
        Ok(())
    }
}

/// Opens `path` for appending, creating it private to the owner (the answers hold access
/// tokens).
fn append_to(path: &Path) -> io::Result<File> {
    OpenOptions::new().append(true).create(true).mode(0o600).open(path)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;
    use std::os::unix::fs::MetadataExt;

    const T0: Micros = 1_800_000_000 * MICROS_PER_SEC;

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
        std::fs::write(dir.path().join(LEGACY_NAME), "{}").unwrap();
        let store = Idempotency::open(dir.path()).unwrap();
        assert!(!dir.path().join(LEGACY_NAME).exists(), "the old store is removed");
        assert_eq!(store.begin("k", "h1"), Begin::Fresh);
        assert_eq!(store.begin("k", "h1"), Begin::InProgress);
        assert_eq!(store.begin("k", "h2"), Begin::Mismatch);
        store.finish("k", json!({"sandboxID": "x"})).unwrap();
        assert_eq!(store.begin("k", "h1"), Begin::Replay(json!({"sandboxID": "x"})));

        assert_eq!(store.begin("gone", "h"), Begin::Fresh);
        store.abandon("gone");
        assert_eq!(store.begin("gone", "h"), Begin::Fresh);

        // A crash may leave a line cut short: it is skipped.
        std::fs::OpenOptions::new().append(true).open(dir.path().join(LOG_NAME)).unwrap().write_all(b"{\"ke").unwrap();
        drop(store);
        let reopened = Idempotency::open(dir.path()).unwrap();
        assert_eq!(reopened.begin("k", "h1"), Begin::Replay(json!({"sandboxID": "x"})));
        assert_eq!(reopened.begin("gone", "h"), Begin::Fresh, "unfinished entries are not saved");
    }

    #[test]
    fn keys_expire_after_a_day_in_memory_and_on_disk() {
        let dir = tempfile::tempdir().unwrap();
        let store = Idempotency::open_at(dir.path(), T0).unwrap();
        assert_eq!(store.begin_at("old", "h", T0), Begin::Fresh);
        store.finish("old", json!(1)).unwrap();
        assert_eq!(store.begin_at("new", "h", T0 + RETENTION / 2), Begin::Fresh);
        store.finish("new", json!(2)).unwrap();

        assert_eq!(store.begin_at("old", "h", T0 + RETENTION - 1), Begin::Replay(json!(1)));
        let later = T0 + RETENTION;
        assert_eq!(store.begin_at("old", "other", later), Begin::Fresh, "expired: a new request");
        assert_eq!(store.begin_at("new", "h", later), Begin::Replay(json!(2)));
        store.abandon("old");
        drop(store);

        let reopened = Idempotency::open_at(dir.path(), later).unwrap();
        let log = std::fs::read_to_string(dir.path().join(LOG_NAME)).unwrap();
        assert_eq!(log.lines().count(), 1, "only the live key is kept: {log}");
        assert_eq!(reopened.begin_at("new", "h", later), Begin::Replay(json!(2)));
        assert_eq!(reopened.begin_at("old", "h", later), Begin::Fresh);
    }

    #[test]
    fn a_create_appends_one_line_and_the_log_stays_bounded() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join(LOG_NAME);
        let store = Idempotency::open_at(dir.path(), T0).unwrap();
        let response = json!({"sandboxID": "x".repeat(20), "envdAccessToken": "t".repeat(64)});
        let create = |n: i64| {
            let key = format!("key-{n}");
            assert_eq!(store.begin_at(&key, "h", T0 + n * 60 * MICROS_PER_SEC), Begin::Fresh);
            store.finish(&key, response.clone()).unwrap();
        };
        for n in 0..100 {
            create(n);
        }
        // Not rewritten: the same file, one line longer.
        let (before, inode) = (std::fs::read(&path).unwrap(), std::fs::metadata(&path).unwrap().ino());
        create(100);
        let after = std::fs::read(&path).unwrap();
        assert_eq!(std::fs::metadata(&path).unwrap().ino(), inode);
        assert!(after.starts_with(&before) && after.len() - before.len() < 400, "{}", after.len() - before.len());

        // One create a minute for five days: at most a day's keys are live, and the log holds
        // at most twice that many lines.
        let line = after.len() - before.len() + 4;
        let live = (RETENTION / (60 * MICROS_PER_SEC)) as usize;
        let mut largest = 0;
        for n in 101..5 * 1440 {
            create(n);
            largest = largest.max(std::fs::metadata(&path).unwrap().len() as usize);
        }
        assert!(largest <= (2 * live + 1) * line, "{largest} bytes");
        assert!(store.lock().entries.len() <= live + 1);
    }
}
