//! A sandbox's metrics: start some work in a sandbox, then print its CPU,
//! memory and disk samples as they come (E2B takes one every 5 seconds), and
//! the samples of the last 15 seconds at the end.
//!
//! ```text
//! scripts/with-e2b-local.sh cargo run --example metrics
//! ```
//!
//! Uses E2B_API_KEY, and E2B_API_URL / E2B_SANDBOX_URL for e2b-local, from the environment.

use std::time::{Duration, SystemTime};

use e2b::{Client, CommandOptions, SandboxMetrics, SandboxOptions};

fn print(sample: &SandboxMetrics) {
    let at = sample.timestamp.duration_since(SystemTime::UNIX_EPOCH).map_or(0, |d| d.as_secs());
    println!(
        "{at}: CPU {:5.1}% of {} | memory {:4} of {} MiB ({} MiB cache) | disk {} of {} MiB",
        sample.cpu_used_pct,
        sample.cpu_count,
        sample.mem_used >> 20,
        sample.mem_total >> 20,
        sample.mem_cache >> 20,
        sample.disk_used >> 20,
        sample.disk_total >> 20,
    );
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let client = Client::from_env();
    let sandbox = client.create_sandbox(&SandboxOptions::default().timeout(Duration::from_secs(120)))?;
    println!("sandbox {}", sandbox.id());
    let options = CommandOptions::default();
    let burn = sandbox.commands().start("timeout 20 sh -c 'while :; do :; done'", &options)?;
    let hold =
        sandbox.commands().start("python3 -c \"import time; b = b'x' * (100 << 20); time.sleep(20)\"", &options)?;
    sandbox.commands().run("head -c 50M /dev/urandom > /home/user/data", &options, None)?;

    let mut seen = 0;
    for _ in 0..25 {
        let samples = sandbox.get_metrics(None, None)?;
        for sample in samples.iter().skip(seen) {
            print(sample);
        }
        seen = seen.max(samples.len());
        std::thread::sleep(Duration::from_secs(1));
    }
    burn.kill()?;
    hold.kill()?;

    let recent = sandbox.get_metrics(Some(SystemTime::now() - Duration::from_secs(15)), None)?;
    println!("the last 15 seconds: {} samples", recent.len());
    sandbox.kill()?;
    Ok(())
}
