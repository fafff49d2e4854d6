//! Sandbox metrics against e2b-local: real figures of the sandbox's processes,
//! sampled every 5 seconds, selected by time range.

mod common;

use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use common::Local;
use e2b::{CommandOptions, ErrorKind, SandboxMetrics};

/// How long e2b-local takes to sample (every 5 s) plus room for a slow machine.
const SAMPLE_WAIT: Duration = Duration::from_secs(30);

fn unix(sample: &SandboxMetrics) -> u64 {
    sample.timestamp.duration_since(UNIX_EPOCH).unwrap().as_secs()
}

#[test]
fn metrics_show_a_sandbox_that_burns_cpu_and_holds_memory() {
    let local = Local::start();
    let sandbox = local.sandbox();
    let options = CommandOptions::default();
    // One CPU of the sandbox's two kept busy, and 200 MiB written to (so resident).
    let _burn = sandbox.commands().start("timeout 60 sh -c 'while :; do :; done'", &options).unwrap();
    let _hold = sandbox
        .commands()
        .start("python3 -c \"import time; b = b'x' * (200 << 20); time.sleep(60)\"", &options)
        .unwrap();

    let started = Instant::now();
    let samples = loop {
        let samples = sandbox.get_metrics(None, None).unwrap();
        // The busy loop gets a whole CPU (50%) on an idle host, less on a loaded one; a
        // sandbox without work shows 0 (see the next test).
        let busy = |s: &SandboxMetrics| s.cpu_used_pct >= 2.0 && s.mem_used >= 200 << 20;
        if samples.len() >= 2 && samples.last().is_some_and(busy) {
            break samples;
        }
        assert!(started.elapsed() < SAMPLE_WAIT, "no busy sample yet: {samples:#?}");
        std::thread::sleep(Duration::from_millis(500));
    };
    let last = samples.last().unwrap();
    assert_eq!(last.cpu_count, 2);
    assert!(last.cpu_used_pct <= 100.0, "{last:?}");
    assert_eq!(last.mem_total, 512 << 20);
    assert!(last.mem_used < last.mem_total, "{last:?}");
    assert!(last.disk_used > 0 && last.disk_used < last.disk_total, "{last:?}");
    assert!(last.disk_total <= 2048 << 20);
    for pair in samples.windows(2) {
        assert!(unix(&pair[0]) < unix(&pair[1]), "oldest first");
    }
    assert!(samples.iter().all(|s| unix(s) % 5 == 0), "every 5 seconds, on the clock");

    // The range selects real past samples, both ends included.
    let (first, second) = (&samples[0], &samples[1]);
    let from_second = sandbox.get_metrics(Some(second.timestamp), None).unwrap();
    assert_eq!(from_second.first(), Some(second));
    let only_first = sandbox.get_metrics(Some(first.timestamp), Some(first.timestamp)).unwrap();
    assert_eq!(only_first, std::slice::from_ref(first));
    let future = SystemTime::now() + Duration::from_secs(3600);
    assert!(sandbox.get_metrics(Some(future), None).unwrap().is_empty());
    // The client form, by id.
    let by_id = local.client.get_metrics(sandbox.id(), None, Some(second.timestamp)).unwrap();
    assert_eq!(&by_id[..2], &samples[..2]);
    sandbox.kill().unwrap();
}

#[test]
fn metrics_of_a_quiet_paused_or_unknown_sandbox() {
    let local = Local::start();
    let sandbox = local.sandbox();
    // Nothing before the first sample; a sandbox with no processes uses no CPU or memory.
    let started = Instant::now();
    let first = loop {
        if let Some(sample) = sandbox.get_metrics(None, None).unwrap().pop() {
            break sample;
        }
        assert!(started.elapsed() < SAMPLE_WAIT, "no sample");
        std::thread::sleep(Duration::from_millis(500));
    };
    assert_eq!((first.cpu_used_pct, first.mem_used), (0.0, 0), "{first:?}");

    // A paused sandbox keeps its history and gains no samples.
    sandbox.pause().unwrap();
    let kept = local.client.get_metrics(sandbox.id(), None, None).unwrap();
    assert!(!kept.is_empty());
    std::thread::sleep(Duration::from_secs(6));
    assert_eq!(local.client.get_metrics(sandbox.id(), None, None).unwrap(), kept);

    let err = local.client.get_metrics("nosuchsandbox", None, None).unwrap_err();
    assert_eq!(err.kind(), ErrorKind::SandboxNotFound, "{err}");
    let err = sandbox.get_metrics(Some(UNIX_EPOCH - Duration::from_secs(1)), None).unwrap_err();
    assert_eq!(err.kind(), ErrorKind::InvalidArgument, "{err}");
    let err = local.client.get_metrics("Bad_Id", None, None).unwrap_err();
    assert_eq!(err.kind(), ErrorKind::InvalidArgument, "{err}");
    sandbox.kill().unwrap();
    let err = sandbox.get_metrics(None, None).unwrap_err();
    assert_eq!(err.kind(), ErrorKind::SandboxNotFound, "{err}");
}
