//! Timings of the calls whose cost is e2b-local's own. Ignored by default (they only print);
//! run with `cargo test --release --test timing -- --ignored --nocapture`.

mod common;

use std::time::{Duration, Instant};

use common::Local;
use e2b::SandboxOptions;

/// Median and 90th percentile of `samples`, in milliseconds.
fn summary(samples: &mut [Duration]) -> (f64, f64) {
    samples.sort();
    let ms = |d: Duration| d.as_secs_f64() * 1000.0;
    (ms(samples[samples.len() / 2]), ms(samples[samples.len() * 9 / 10]))
}

#[test]
#[ignore = "a measurement: prints timings, asserts nothing about them"]
fn time_create_kill() {
    const PAIRS: usize = 200;
    let local = Local::start();
    let options = SandboxOptions::default().timeout(Duration::from_secs(120));
    let (mut creates, mut kills) = (Vec::with_capacity(PAIRS), Vec::with_capacity(PAIRS));
    for _ in 0..PAIRS {
        let start = Instant::now();
        let sandbox = local.client.create_sandbox(&options).expect("create");
        creates.push(start.elapsed());
        let start = Instant::now();
        assert!(sandbox.kill().expect("kill"));
        kills.push(start.elapsed());
    }
    assert!(local.client.list_all(&Default::default()).expect("list").is_empty());
    let (create_median, create_p90) = summary(&mut creates);
    let (kill_median, kill_p90) = summary(&mut kills);
    println!("create: median {create_median:.3} ms, p90 {create_p90:.3} ms ({PAIRS} pairs)");
    println!("kill:   median {kill_median:.3} ms, p90 {kill_p90:.3} ms ({PAIRS} pairs)");
}
