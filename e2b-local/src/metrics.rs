//! Sandbox metrics: what each running sandbox's processes use (CPU, memory) and what its own
//! files take (disk), sampled every [`INTERVAL`] as E2B samples its VMs, with a bounded history
//! per sandbox that `GET /sandboxes/{id}/metrics?start=&end=` selects from.
//!
//! Where the figures come from:
//! - CPU: the jail's cgroup v2 `cpu.stat` (`usage_usec`, every process the jail ever ran);
//!   without a v2 cgroup, the `utime + stime` (plus the reaped children's) of the jail's
//!   processes in `/proc`. `cpuUsedPct` is the time used over one interval, as a share of the
//!   sandbox's `cpuCount` CPUs, as E2B reports a VM's load.
//! - Memory: the cgroup's `memory.current` less its page cache (`memory.stat file`) where the
//!   memory controller is on; otherwise the proportional set size of the jail's processes
//!   (`/proc/<pid>/smaps_rollup`): anonymous and shared memory is used, file pages are cache.
//!   `memTotal` is the sandbox's memory size (`memoryMB`), or its cgroup's limit if lower.
//! - Disk: the bytes allocated to the sandbox's own files (its writable layer over the base
//!   image, or its whole copy without one); `diskTotal` is its disk size (`diskSizeMB`), or less
//!   when the host's filesystem has less room left.
//!
//! A sandbox without processes yet (no envd call since it started) uses no CPU or memory. A
//! paused sandbox is not sampled, as on E2B; its history stays until it is killed.

use std::collections::{HashMap, HashSet, VecDeque};
use std::fs;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::{Duration, Instant};

use axum::extract::State;
use axum::http::{StatusCode, Uri};
use axum::response::Response;
use serde_json::{json, Value};

use crate::control::{not_found, SandboxId};
use crate::error::{json_response, ApiError, ApiResult};
use crate::isolation::Probe;
use crate::query::Params;
use crate::rfc3339::{self, MICROS_PER_SEC};
use crate::sandboxes::{self, State as SandboxState, Store};
use crate::AppState;

/// How often every running sandbox is sampled: E2B's interval ("collected every 5 seconds").
pub const INTERVAL: Duration = Duration::from_secs(5);
/// The most samples kept per sandbox: a day of them, the longest a sandbox runs at a stretch.
pub const MAX_SAMPLES: usize = 24 * 3600 / 5;
/// The most sandboxes one batch request may name (the API's `maxItems`).
pub const MAX_BATCH: usize = 100;

/// One sample of a sandbox, as `SandboxMetric` carries it.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Sample {
    /// When it was taken, in whole Unix seconds (samples fall on multiples of [`INTERVAL`]).
    pub at_secs: i64,
    pub cpu_count: u32,
    /// Percent of the sandbox's CPUs used over the interval before `at_secs`, 0 to 100.
    pub cpu_used_pct: f64,
    pub mem_used: u64,
    pub mem_total: u64,
    pub mem_cache: u64,
    pub disk_used: u64,
    pub disk_total: u64,
}

impl Sample {
    /// `SandboxMetric`: all nine keys, which the SDKs require.
    pub fn to_json(self) -> Value {
        json!({
            "timestamp": rfc3339::format(self.at_secs * MICROS_PER_SEC),
            "timestampUnix": self.at_secs,
            "cpuCount": self.cpu_count,
            "cpuUsedPct": self.cpu_used_pct,
            "memUsed": self.mem_used,
            "memTotal": self.mem_total,
            "memCache": self.mem_cache,
            "diskUsed": self.disk_used,
            "diskTotal": self.disk_total,
        })
    }
}

/// The samples of every sandbox, and what the next sample's CPU share is measured from.
#[derive(Default)]
pub struct Recorder {
    inner: Mutex<Inner>,
}

#[derive(Default)]
struct Inner {
    histories: HashMap<String, VecDeque<Sample>>,
    /// Per sandbox: when its CPU time was last read, and the reading.
    last_cpu: HashMap<String, (Instant, u64)>,
}

impl Recorder {
    fn lock(&self) -> MutexGuard<'_, Inner> {
        self.inner.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// The samples of sandbox `id` taken from `start` to `end` (Unix seconds, both included;
    /// `None`: unbounded), oldest first.
    pub fn select(&self, id: &str, start: Option<i64>, end: Option<i64>) -> Vec<Sample> {
        let inner = self.lock();
        let Some(history) = inner.histories.get(id) else { return Vec::new() };
        history
            .iter()
            .filter(|s| start.is_none_or(|start| s.at_secs >= start) && end.is_none_or(|end| s.at_secs <= end))
            .copied()
            .collect()
    }

    /// The newest sample of sandbox `id`.
    pub fn latest(&self, id: &str) -> Option<Sample> {
        self.lock().histories.get(id).and_then(|history| history.back().copied())
    }

    /// Adds a sample to a sandbox's history, dropping the oldest beyond [`MAX_SAMPLES`].
    fn push(&self, id: &str, sample: Sample) {
        let mut inner = self.lock();
        let history = inner.histories.entry(id.to_string()).or_default();
        if history.len() == MAX_SAMPLES {
            history.pop_front();
        }
        history.push_back(sample);
    }

    /// The CPU share since the last reading of sandbox `id` (or over one interval when there
    /// is none), remembering `cpu_usec` read at `now`.
    fn cpu_share(&self, id: &str, now: Instant, cpu_usec: Option<u64>, cpu_count: u32) -> f64 {
        let mut inner = self.lock();
        let Some(usec) = cpu_usec else {
            inner.last_cpu.remove(id);
            return 0.0;
        };
        let (used, elapsed) = match inner.last_cpu.insert(id.to_string(), (now, usec)) {
            // A counter that went back belongs to a new jail: all of it is new.
            Some((then, before)) => (usec.checked_sub(before).unwrap_or(usec), now.duration_since(then)),
            None => (usec, INTERVAL),
        };
        cpu_percent(used, elapsed, cpu_count)
    }

    /// Forgets the sandboxes not in `ids` (killed).
    fn retain(&self, ids: &HashSet<&str>) {
        let mut inner = self.lock();
        inner.histories.retain(|id, _| ids.contains(id.as_str()));
        inner.last_cpu.retain(|id, _| ids.contains(id.as_str()));
    }
}

/// `used_usec` of CPU time over `elapsed` as a percentage of `cpu_count` CPUs, to two
/// decimals, at most 100.
pub fn cpu_percent(used_usec: u64, elapsed: Duration, cpu_count: u32) -> f64 {
    let capacity = elapsed.as_secs_f64() * 1e6 * f64::from(cpu_count.max(1));
    if capacity <= 0.0 {
        return 0.0;
    }
    let pct = (used_usec as f64 / capacity * 100.0).clamp(0.0, 100.0);
    (pct * 100.0).round() / 100.0
}

/// Samples every sandbox as long as the server runs, at each multiple of [`INTERVAL`] of the
/// wall clock (E2B's samples fall on them too).
pub async fn run(store: Arc<Store>, recorder: Arc<Recorder>) {
    loop {
        let now = rfc3339::now();
        let step = INTERVAL.as_micros() as i64;
        let next = (now.div_euclid(step) + 1) * step;
        tokio::time::sleep(Duration::from_micros((next - now) as u64)).await;
        let (store, recorder) = (store.clone(), recorder.clone());
        let _ = tokio::task::spawn_blocking(move || sample_all(&store, &recorder, next / MICROS_PER_SEC)).await;
    }
}

/// Takes one sample, stamped `at_secs`, of every running sandbox. Blocking.
pub fn sample_all(store: &Store, recorder: &Recorder, at_secs: i64) {
    let metered = store.metered();
    recorder.retain(&metered.iter().map(|m| m.sandbox.sandbox_id.as_str()).collect());
    for m in &metered {
        let id = m.sandbox.sandbox_id.as_str();
        let usage = m.probe.as_ref().map(read_usage).unwrap_or_default();
        let cpu_used_pct = recorder.cpu_share(id, Instant::now(), usage.cpu_usec, m.sandbox.cpu_count);
        // A paused sandbox's CPU reading is kept (above) so that the first sample after it
        // resumes covers one interval; it gets no sample of its own.
        if m.sandbox.state != SandboxState::Running {
            continue;
        }
        let nominal_mem = u64::from(m.sandbox.memory_mb) << 20;
        let disk_used = disk_usage(&m.files);
        let nominal_disk = u64::from(m.sandbox.disk_size_mb) << 20;
        let disk_total = match available_bytes(&m.files) {
            Some(free) => nominal_disk.min(disk_used.saturating_add(free)),
            None => nominal_disk,
        };
        recorder.push(
            id,
            Sample {
                at_secs,
                cpu_count: m.sandbox.cpu_count,
                cpu_used_pct,
                mem_used: usage.mem_used,
                mem_total: usage.mem_limit.map_or(nominal_mem, |limit| limit.min(nominal_mem)),
                mem_cache: usage.mem_cache,
                disk_used,
                disk_total,
            },
        );
    }
}

/// What a jail's processes use right now.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct Usage {
    /// CPU time used so far, in microseconds (`None`: not readable).
    pub cpu_usec: Option<u64>,
    pub mem_used: u64,
    pub mem_cache: u64,
    /// The cgroup's memory limit, if it has one.
    pub mem_limit: Option<u64>,
}

/// Reads a jail's usage from its cgroup, or from `/proc` for what the cgroup does not count.
pub fn read_usage(probe: &Probe) -> Usage {
    let v2 = probe.cgroup.as_deref().filter(|_| probe.cgroup_v2);
    let pids = match &probe.cgroup {
        Some(dir) => cgroup_pids(dir),
        None => namespace_pids(&probe.pid_namespace),
    };
    let cpu_usec = v2
        .and_then(|dir| fs::read_to_string(dir.join("cpu.stat")).ok())
        .and_then(|text| stat_value(&text, "usage_usec"))
        .or_else(|| Some(processes_cpu_usec(&pids)));
    let (mem_used, mem_cache, mem_limit) = match v2.and_then(cgroup_memory) {
        Some(memory) => memory,
        None => {
            let (used, cache) = processes_memory(&pids);
            (used, cache, None)
        }
    };
    Usage { cpu_usec, mem_used, mem_cache, mem_limit }
}

/// The value of `key` in a `key value` per line file (`cpu.stat`, `memory.stat`).
pub fn stat_value(text: &str, key: &str) -> Option<u64> {
    text.lines().find_map(|line| {
        let (k, v) = line.split_once(' ')?;
        (k == key).then(|| v.trim().parse().ok()).flatten()
    })
}

/// A v2 cgroup's memory (used without cache, cache, limit), where its memory controller is on.
fn cgroup_memory(dir: &Path) -> Option<(u64, u64, Option<u64>)> {
    let current: u64 = fs::read_to_string(dir.join("memory.current")).ok()?.trim().parse().ok()?;
    let cache = fs::read_to_string(dir.join("memory.stat")).ok().and_then(|s| stat_value(&s, "file")).unwrap_or(0);
    let limit = fs::read_to_string(dir.join("memory.max")).ok().and_then(|s| s.trim().parse().ok());
    Some((current.saturating_sub(cache), cache, limit))
}

/// The processes of a cgroup.
fn cgroup_pids(dir: &Path) -> Vec<i32> {
    fs::read_to_string(dir.join("cgroup.procs"))
        .unwrap_or_default()
        .lines()
        .filter_map(|line| line.trim().parse().ok())
        .collect()
}

/// The processes whose PID namespace is `namespace`.
fn namespace_pids(namespace: &std::ffi::OsStr) -> Vec<i32> {
    fs::read_dir("/proc")
        .into_iter()
        .flatten()
        .flatten()
        .filter_map(|entry| {
            let pid = entry.file_name().to_str()?.parse::<i32>().ok()?;
            let link = fs::read_link(entry.path().join("ns/pid")).ok()?;
            (link.as_os_str() == namespace).then_some(pid)
        })
        .collect()
}

/// The CPU time of `pids` and of the children they reaped, in microseconds.
pub fn processes_cpu_usec(pids: &[i32]) -> u64 {
    // SAFETY: `sysconf` only reads a constant.
    let ticks = unsafe { libc::sysconf(libc::_SC_CLK_TCK) }.max(1) as u64;
    let total: u64 = pids
        .iter()
        .filter_map(|pid| fs::read_to_string(format!("/proc/{pid}/stat")).ok())
        .filter_map(|stat| stat_cpu_ticks(&stat))
        .sum();
    total * 1_000_000 / ticks
}

/// `utime + stime + cutime + cstime` of a `/proc/<pid>/stat` line, in clock ticks.
pub fn stat_cpu_ticks(stat: &str) -> Option<u64> {
    // The command name (field 2) may hold spaces and parentheses: count from the last ')'.
    let rest = &stat[stat.rfind(')')? + 1..];
    let fields: Vec<&str> = rest.split_whitespace().collect();
    // `rest` starts at field 3 (state); utime..cstime are fields 14..17.
    let field = |n: usize| fields.get(n - 3).and_then(|v| v.parse::<i64>().ok()).map(|v| v.max(0) as u64);
    Some(field(14)? + field(15)? + field(16)? + field(17)?)
}

/// The memory of `pids`: (used, cache) in bytes, from their proportional set sizes.
pub fn processes_memory(pids: &[i32]) -> (u64, u64) {
    pids.iter().filter_map(|pid| process_memory(*pid)).fold((0, 0), |(u, c), (used, cache)| (u + used, c + cache))
}

fn process_memory(pid: i32) -> Option<(u64, u64)> {
    if let Some(figures) = fs::read_to_string(format!("/proc/{pid}/smaps_rollup")).ok().and_then(|s| rollup_memory(&s))
    {
        return Some(figures);
    }
    // Kernels without `smaps_rollup` (before 4.14): resident sizes.
    let status = fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    let kb = |key: &str| kb_value(&status, key).unwrap_or(0);
    Some(((kb("RssAnon:") + kb("RssShmem:")) << 10, kb("RssFile:") << 10))
}

/// (used, cache) from a `smaps_rollup`: the proportional set size less its file pages, and
/// those file pages. `None` when it lacks the split (before Linux 5.4).
pub fn rollup_memory(text: &str) -> Option<(u64, u64)> {
    let pss = kb_value(text, "Pss:")?;
    let file = kb_value(text, "Pss_File:")?;
    Some((pss.saturating_sub(file) << 10, file << 10))
}

/// The number of a `Key:   123 kB` line, in kB.
fn kb_value(text: &str, key: &str) -> Option<u64> {
    text.lines().find_map(|line| line.strip_prefix(key)?.split_whitespace().next()?.parse().ok())
}

/// The bytes allocated to the files under `dir` (a file with several links counts once).
pub fn disk_usage(dir: &Path) -> u64 {
    use std::os::unix::fs::MetadataExt;
    let mut seen = HashSet::new();
    let mut total = 0;
    let mut pending: Vec<PathBuf> = vec![dir.to_path_buf()];
    while let Some(path) = pending.pop() {
        let Ok(meta) = fs::symlink_metadata(&path) else { continue };
        if meta.nlink() > 1 && !meta.is_dir() && !seen.insert((meta.dev(), meta.ino())) {
            continue;
        }
        total += meta.blocks() * 512;
        if meta.is_dir() {
            pending.extend(fs::read_dir(&path).into_iter().flatten().flatten().map(|entry| entry.path()));
        }
    }
    total
}

/// The bytes an unprivileged user can still write on the filesystem of `dir`.
fn available_bytes(dir: &Path) -> Option<u64> {
    use std::os::unix::ffi::OsStrExt;
    let path = std::ffi::CString::new(dir.as_os_str().as_bytes()).ok()?;
    // SAFETY: `statvfs` fills the zeroed struct it is given, from a NUL-terminated path.
    let mut stat: libc::statvfs = unsafe { std::mem::zeroed() };
    if unsafe { libc::statvfs(path.as_ptr(), &mut stat) } != 0 {
        return None;
    }
    Some(stat.f_bavail as u64 * stat.f_frsize as u64)
}

// ---- Routes ----

type AppRef = State<Arc<AppState>>;

/// A `start`/`end` parameter: Unix seconds.
fn seconds_param(params: &Params, name: &str) -> ApiResult<Option<i64>> {
    params
        .get(name)
        .map(|raw| match raw.parse::<i64>() {
            Ok(secs) if secs >= 0 => Ok(secs),
            Ok(_) => Err(ApiError::bad_request(format!("{name} must be a non-negative Unix timestamp"))),
            Err(_) => Err(ApiError::bad_request(format!("Invalid format for parameter {name}: '{raw}'"))),
        })
        .transpose()
}

/// `GET /sandboxes/{id}/metrics?start=&end=`: the samples taken in `[start, end]` (Unix
/// seconds; each bound optional), oldest first; `[]` before the first sample.
pub async fn sandbox_metrics(State(state): AppRef, SandboxId(id): SandboxId, uri: Uri) -> ApiResult<Response> {
    let params = Params::parse(uri.query())?;
    let (start, end) = (seconds_param(&params, "start")?, seconds_param(&params, "end")?);
    if let (Some(start), Some(end)) = (start, end) {
        if start > end {
            return Err(ApiError::bad_request("start must be before end"));
        }
    }
    state.store.get(&id).ok_or_else(|| not_found(&id))?;
    let samples: Vec<Value> = state.metrics.select(&id, start, end).into_iter().map(Sample::to_json).collect();
    Ok(json_response(StatusCode::OK, &Value::Array(samples)))
}

/// `GET /sandboxes/metrics?sandbox_ids=a,b`: the newest sample of each named sandbox that has
/// one (`{"sandboxes": {id: SandboxMetric}}`); ids of no sandbox are left out.
pub async fn batch_metrics(State(state): AppRef, uri: Uri) -> ApiResult<Response> {
    let params = Params::parse(uri.query())?;
    let raw = params
        .get("sandbox_ids")
        .filter(|raw| !raw.is_empty())
        .ok_or_else(|| ApiError::bad_request("query parameter sandbox_ids is required"))?;
    let ids: Vec<&str> = raw.split(',').map(|id| id.split('-').next().unwrap_or_default()).collect();
    if ids.len() > MAX_BATCH {
        return Err(ApiError::bad_request(format!("too many sandbox IDs: at most {MAX_BATCH}")));
    }
    if let Some(bad) = ids.iter().find(|id| !sandboxes::is_valid_id(id)) {
        return Err(ApiError::bad_request(format!("Invalid sandbox ID: '{bad}'")));
    }
    let mut out = serde_json::Map::new();
    for id in ids {
        let running = state.store.get(id).is_some_and(|sbx| sbx.state == SandboxState::Running);
        if let Some(sample) = state.metrics.latest(id).filter(|_| running) {
            out.insert(id.to_string(), sample.to_json());
        }
    }
    Ok(json_response(StatusCode::OK, &json!({ "sandboxes": out })))
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeMap;

    use crate::sandboxes::{NewSandbox, PauseMode};

    fn sample(at_secs: i64) -> Sample {
        Sample {
            at_secs,
            cpu_count: 2,
            cpu_used_pct: 0.0,
            mem_used: 0,
            mem_total: 1,
            mem_cache: 0,
            disk_used: 0,
            disk_total: 1,
        }
    }

    #[test]
    fn metrics_history_selects_by_range_and_stays_bounded() {
        let recorder = Recorder::default();
        for i in 0..(MAX_SAMPLES as i64 + 10) {
            recorder.push("a", sample(1000 + 5 * i));
        }
        let all = recorder.select("a", None, None);
        assert_eq!(all.len(), MAX_SAMPLES);
        assert_eq!(all[0].at_secs, 1000 + 5 * 10, "the oldest went first");
        let some = recorder.select("a", Some(1100), Some(1120));
        assert_eq!(some.iter().map(|s| s.at_secs).collect::<Vec<_>>(), [1100, 1105, 1110, 1115, 1120]);
        assert!(recorder.select("a", Some(i64::MAX), None).is_empty());
        assert!(recorder.select("b", None, None).is_empty());
        assert_eq!(recorder.latest("a").unwrap().at_secs, 1000 + 5 * (MAX_SAMPLES as i64 + 9));
        recorder.retain(&HashSet::new());
        assert!(recorder.latest("a").is_none());
    }

    #[test]
    fn metrics_cpu_share_is_of_all_cpus_over_the_interval() {
        assert_eq!(cpu_percent(5_000_000, Duration::from_secs(5), 2), 50.0);
        assert_eq!(cpu_percent(20_000_000, Duration::from_secs(5), 2), 100.0, "capped");
        assert_eq!(cpu_percent(1234, Duration::from_secs(1), 1), 0.12);
        assert_eq!(cpu_percent(1, Duration::ZERO, 2), 0.0);

        let recorder = Recorder::default();
        let t0 = Instant::now();
        // A first reading counts over one interval.
        assert_eq!(recorder.cpu_share("a", t0, Some(2_500_000), 1), 50.0);
        assert_eq!(recorder.cpu_share("a", t0 + Duration::from_secs(10), Some(7_500_000), 1), 50.0);
        // A new jail's counter starts again from zero.
        assert_eq!(recorder.cpu_share("a", t0 + Duration::from_secs(20), Some(1_000_000), 1), 10.0);
        assert_eq!(recorder.cpu_share("a", t0 + Duration::from_secs(30), None, 1), 0.0);
    }

    #[test]
    fn metrics_parse_kernel_files() {
        assert_eq!(stat_value("usage_usec 123\nuser_usec 100\n", "usage_usec"), Some(123));
        assert_eq!(stat_value("anon 5\nfile 7\n", "file"), Some(7));
        assert_eq!(stat_value("anon 5\n", "file"), None);
        let stat = "42 (a (b) c) S 1 42 42 0 -1 4194560 100 0 0 0 250 50 7 3 20 0 1 0 100 0 0";
        assert_eq!(stat_cpu_ticks(stat), Some(310));
        let rollup = "00400000-7ffd [rollup]\nRss:   1000 kB\nPss:    800 kB\nPss_Anon:  500 kB\n\
                      Pss_File:   200 kB\nPss_Shmem:  100 kB\n";
        assert_eq!(rollup_memory(rollup), Some((600 << 10, 200 << 10)));
        assert_eq!(rollup_memory("Pss: 1 kB\n"), None);
    }

    #[test]
    fn metrics_read_a_process_that_works() {
        // This test process: it burns CPU and holds memory while it reads itself.
        let pid = std::process::id() as i32;
        let before = processes_cpu_usec(&[pid]);
        // Busy until 200 ms of CPU time show (a loaded machine gives less than wall time).
        let start = Instant::now();
        let mut x = 0u64;
        while processes_cpu_usec(&[pid]) < before + 200_000 {
            assert!(start.elapsed() < Duration::from_secs(30), "CPU time is not counted");
            for _ in 0..1_000_000 {
                x = x.wrapping_mul(6364136223846793005).wrapping_add(1);
            }
        }
        std::hint::black_box(x);
        let held = vec![1u8; 64 << 20];
        std::hint::black_box(&held);
        let (used, _cache) = processes_memory(&[pid]);
        assert!(used >= 64 << 20, "memory is counted: {used}");
        let ns = fs::read_link("/proc/self/ns/pid").unwrap();
        assert!(namespace_pids(ns.as_os_str()).contains(&pid));
    }

    #[test]
    fn metrics_disk_usage_counts_files_once() {
        let dir = tempfile::tempdir().unwrap();
        let empty = disk_usage(dir.path());
        fs::write(dir.path().join("a"), vec![1u8; 1 << 20]).unwrap();
        fs::hard_link(dir.path().join("a"), dir.path().join("b")).unwrap();
        fs::create_dir(dir.path().join("sub")).unwrap();
        fs::write(dir.path().join("sub/c"), vec![1u8; 1 << 20]).unwrap();
        let used = disk_usage(dir.path()) - empty;
        assert!((2 << 20..3 << 20).contains(&used), "{used}");
        assert!(available_bytes(dir.path()).unwrap() > 0);
    }

    #[test]
    fn metrics_sample_running_sandboxes_only() {
        let data = tempfile::tempdir().unwrap();
        let store = Store::open(data.path()).unwrap();
        let new = || NewSandbox {
            template: "base".into(),
            timeout_secs: 100,
            secure: true,
            auto_pause_memory: true,
            metadata: BTreeMap::new(),
            ..Default::default()
        };
        let running = store.create(new()).unwrap().sandbox_id;
        let paused = store.create(new()).unwrap().sandbox_id;
        store.pause(&paused, PauseMode::Full).unwrap();
        let files = data.path().join("sandboxes").join(&running).join("fs/home/user/data");
        fs::write(&files, vec![7u8; 3 << 20]).unwrap();

        let recorder = Recorder::default();
        sample_all(&store, &recorder, 1000);
        sample_all(&store, &recorder, 1005);
        let samples = recorder.select(&running, None, None);
        assert_eq!(samples.iter().map(|s| s.at_secs).collect::<Vec<_>>(), [1000, 1005]);
        let s = samples[1];
        assert_eq!((s.cpu_count, s.mem_total, s.cpu_used_pct, s.mem_used), (2, 512 << 20, 0.0, 0), "no processes");
        assert!(s.disk_used >= 3 << 20 && s.disk_used < s.disk_total, "{s:?}");
        assert!(s.disk_total <= 2048 << 20);
        assert!(recorder.select(&paused, None, None).is_empty(), "a paused sandbox is not sampled");

        store.kill(&running).unwrap();
        sample_all(&store, &recorder, 1010);
        assert!(recorder.select(&running, None, None).is_empty(), "a killed sandbox's history goes");
    }
}
