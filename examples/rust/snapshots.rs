//! Snapshots and fork in Rust: set a sandbox up once, keep it as a named
//! snapshot, start fresh sandboxes from it, fork a running one into copies,
//! list the snapshots page by page, and delete them.
//!
//! ```text
//! snapshots
//! ```
//!
//! Uses E2B_API_KEY, and E2B_API_URL / E2B_SANDBOX_URL for e2b-local, from
//! the environment: `scripts/with-e2b-local.sh cargo run -p e2b --example snapshots`.
//! (On E2B a snapshot keeps memory too, so processes go on running in the
//! copies; e2b-local keeps the files, and its copies boot afresh.)

use std::time::Duration;

use e2b::{Client, CommandOptions, ForkOptions, SandboxOptions, SnapshotOptions, SnapshotQuery};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let client = Client::from_env();

    // 1. A sandbox set up once: here, a file; in real life, packages and data.
    let setup = client.create_sandbox(&SandboxOptions::default().timeout(Duration::from_secs(120)))?;
    setup.files().write("/home/user/config.toml", "mode = \"ready\"\n")?;
    let name = format!("example-env-{}", std::process::id());
    let snapshot = setup.create_snapshot(&SnapshotOptions::default().name(&name))?;
    println!("snapshot {} (names {:?}) of sandbox {}", snapshot.snapshot_id, snapshot.names, setup.id());

    // 2. New sandboxes start from it as from a template, by id or by name.
    for reference in [snapshot.snapshot_id.as_str(), name.as_str()] {
        let sandbox =
            client.create_sandbox(&SandboxOptions::from_snapshot(reference).timeout(Duration::from_secs(60)))?;
        let config = sandbox.files().read_to_string("/home/user/config.toml")?;
        println!("sandbox {} from {reference} has {}", sandbox.id(), config.trim());
        sandbox.kill()?;
    }

    // 3. Fork the running sandbox into two copies; each may fail on its own.
    setup.files().write("/home/user/progress.txt", "step 1 done\n")?;
    for (i, fork) in
        setup.fork(&ForkOptions::default().count(2).timeout(Duration::from_secs(60)))?.into_iter().enumerate()
    {
        match fork {
            Ok(fork) => {
                let result = fork.commands().run("cat /home/user/progress.txt", &CommandOptions::default(), None)?;
                println!("fork {i}: sandbox {} reads {}", fork.id(), String::from_utf8_lossy(&result.stdout).trim());
                fork.kill()?;
            }
            Err(err) => println!("fork {i} failed: {err}"),
        }
    }

    // 4. The snapshots of this sandbox, a page at a time.
    setup.create_snapshot(&SnapshotOptions::default())?;
    let mut paginator = setup.list_snapshots(&SnapshotQuery::default().limit(1));
    let mut all = Vec::new();
    while paginator.has_next() {
        let page = paginator.next_items()?;
        println!("a page of {} (next token: {:?})", page.len(), paginator.next_token());
        all.extend(page);
    }

    // 5. Snapshots outlive their sandbox until deleted.
    setup.kill()?;
    for snapshot in all {
        println!("deleted {}: {}", snapshot.snapshot_id, client.delete_snapshot(&snapshot.snapshot_id)?);
    }
    Ok(())
}
