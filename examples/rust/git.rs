//! git in a sandbox: a repository made, changed, committed on a branch and
//! pushed to a bare one, then cloned back shallow; the status and branches
//! as typed values, and a typed error for a pull with nothing to pull from.
//! Everything stays inside the sandbox (no network needed).
//!
//! `scripts/with-e2b-local.sh cargo run --example git`, or with E2B_API_KEY
//! against E2B. To clone a private repository, give credentials:
//! `CloneOptions::default().credentials("user", "token")`; they reach git
//! through a private file, never a command line.

use std::time::Duration;

use e2b::{
    AddOptions, Client, CloneOptions, CommitOptions, ConfigScope, ErrorKind, InitOptions, PullOptions, PushOptions,
    RemoteAddOptions, SandboxOptions,
};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let client = Client::from_env();
    let sandbox = client.create_sandbox(&SandboxOptions::default().timeout(Duration::from_secs(120)))?;
    let git = sandbox.git();
    let repo = "/home/user/project";

    git.init("/home/user/origin.git", &InitOptions::default().bare(true).initial_branch("main"))?;
    git.init(repo, &InitOptions::default().initial_branch("main"))?;
    git.configure_user("Ada", "ada@example.com", ConfigScope::Global, None)?;
    git.remote_add(repo, "origin", "/home/user/origin.git", &RemoteAddOptions::default())?;

    sandbox.files().write("/home/user/project/README.md", "# project\n")?;
    sandbox.files().write("/home/user/project/notes.txt", "todo\n")?;
    let status = git.status(repo)?;
    println!("on {}: {} untracked", status.current_branch.as_deref().unwrap_or("?"), status.untracked_count());

    git.add(repo, &AddOptions::default().file("README.md"))?;
    for file in git.status(repo)?.file_status {
        println!("  {:<10} {:<9} staged: {}", file.name, file.status.as_str(), file.staged);
    }
    git.commit(repo, "Add the README", &CommitOptions::default())?;
    git.push(repo, &PushOptions::default().remote("origin").branch("main"))?;

    git.create_branch(repo, "notes")?;
    git.add(repo, &AddOptions::default())?;
    git.commit(repo, "Add notes", &CommitOptions::default())?;
    let branches = git.branches(repo)?;
    println!("branches {:?}, on {}", branches.branches, branches.current_branch.as_deref().unwrap_or("?"));
    match git.pull(repo, &PullOptions::default()) {
        Err(err) if err.kind() == ErrorKind::GitUpstream => println!("pull on a new branch: {}", err.kind()),
        other => println!("pull: {other:?}"),
    }
    git.push(repo, &PushOptions::default().remote("origin").branch("notes"))?;
    let pushed = git.status(repo)?;
    println!("now tracking {}, {} ahead", pushed.upstream.as_deref().unwrap_or("-"), pushed.ahead);

    git.clone(
        "file:///home/user/origin.git",
        &CloneOptions::default().path("/home/user/copy").branch("notes").depth(1),
    )?;
    println!("cloned: {}", sandbox.files().read_to_string("/home/user/copy/notes.txt")?.trim());

    sandbox.kill()?;
    Ok(())
}
