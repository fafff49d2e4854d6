//! The E2B quickstart in Rust: create a sandbox, write and read a file,
//! pause it, resume it by id, find it in the list, kill it, and show that a
//! killed sandbox cannot be resumed.
//!
//! Uses E2B_API_KEY (and E2B_API_URL / E2B_SANDBOX_URL for e2b-local):
//! `scripts/with-e2b-local.sh cargo run --example quickstart`.

use std::time::Duration;

use e2b::{Client, ErrorKind, ListQuery, SandboxOptions, SandboxState};

fn main() -> e2b::Result<()> {
    let client = Client::from_env();

    let options = SandboxOptions::default().timeout(Duration::from_secs(300)).metadata("example", "quickstart");
    let sandbox = client.create_sandbox(&options)?;
    println!("created sandbox {}", sandbox.id());

    sandbox.files().write("/home/user/hello.txt", "Hello from Rust!\n")?;
    print!("read back: {}", sandbox.files().read_to_string("/home/user/hello.txt")?);

    sandbox.pause()?;
    println!("paused sandbox {}", sandbox.id());

    let sandbox = client.resume(sandbox.id(), Duration::from_secs(60))?;
    print!("after resume: {}", sandbox.files().read_to_string("/home/user/hello.txt")?);

    let query = ListQuery::default().state(SandboxState::Running).metadata("example", "quickstart");
    let listed = client.list_all(&query)?;
    assert!(listed.iter().any(|info| info.sandbox_id == sandbox.id()), "the sandbox is listed");
    println!("listed: {} of {} running quickstart sandbox(es)", sandbox.id(), listed.len());

    sandbox.kill()?;
    println!("killed sandbox {}", sandbox.id());

    match client.resume(sandbox.id(), Duration::from_secs(60)) {
        Err(err) if err.kind() == ErrorKind::SandboxNotFound => {
            println!("resume after kill: {} ({err})", err.kind());
            Ok(())
        }
        other => panic!("resuming a killed sandbox should fail, got {other:?}"),
    }
}
