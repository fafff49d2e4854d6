//! The E2B story in Rust, top to bottom: a custom template built with the
//! template builder, a sandbox from it, code with rich results, a command, a watched directory, a folder uploaded
//! and downloaded back with a progress bar, pause, resume by id with a new
//! timeout, list and connect from a second client, kill, and the error a
//! killed sandbox's id gives.
//!
//! ```text
//! quickstart [TEMPLATE]
//! ```
//!
//! TEMPLATE (else E2B_TEMPLATE) must have the code interpreter, as E2B's
//! code-interpreter-v1 and every e2b-local template do; without either, the
//! quickstart builds its own template "quickstart" from code-interpreter-v1
//! (a welcome file, an environment variable) and starts from it. Uses E2B_API_KEY, and E2B_API_URL / E2B_SANDBOX_URL for
//! e2b-local, from the environment:
//! `scripts/with-e2b-local.sh cargo run --example quickstart`.

use std::io::Write;
use std::ops::ControlFlow;
use std::time::Duration;
use std::{env, fs};

use e2b::{
    Client, CommandOptions, DirProgress, ErrorKind, ExecutionEvent, ListQuery, RunCodeOptions, SandboxOptions,
    WatchOptions, DEFAULT_SANDBOX_TIMEOUT,
};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let template = env::args().nth(1).or_else(|| env::var("E2B_TEMPLATE").ok()).filter(|t| !t.is_empty());
    let client = Client::from_env();

    // 0. Without a template named, build one: the code interpreter's, with a welcome.
    let template = match template {
        Some(template) => template,
        None => {
            let builder = e2b::Template::new()
                .from_template("code-interpreter-v1")
                .run_cmd(
                    "echo 'Welcome to a sandbox made from the template the quickstart built.' > /home/user/welcome.txt",
                )
                .set_envs([("QUICKSTART", "1")]);
            let mut on_log = |entry: &e2b::BuildLogEntry| println!("  build: {}", entry.message);
            builder.build(&client, &e2b::BuildOptions::new("quickstart"), Some(&mut on_log))?;
            println!("built template quickstart");
            "quickstart".to_string()
        }
    };
    let template = template.as_str();

    // 1. A sandbox from the template, alive for five minutes, tagged so we can find it.
    let options =
        SandboxOptions::new(template).timeout(Duration::from_secs(5 * 60)).metadata("example", "rust-quickstart");
    let sandbox = client.create_sandbox(&options)?;
    let id = sandbox.id().to_owned();
    println!("created sandbox {id} from template {template}");

    // What the template put in the sandbox (the quickstart's own template has a welcome).
    if sandbox.files().exists("/home/user/welcome.txt")? {
        print!("the template says: {}", sandbox.files().read_to_string("/home/user/welcome.txt")?);
    }

    // 2. Run code: output as it comes, then the value in every format it has.
    let code = "import math\n\
                print(f'pi is {math.pi:.5f}')\n\
                class Circle:\n    \
                    def __repr__(self): return 'a circle of radius 2'\n    \
                    def _repr_html_(self): return '<svg><circle r=\"2\"/></svg>'\n\
                Circle()\n";
    let mut on_event = |event: ExecutionEvent<'_>| {
        if let ExecutionEvent::Stdout(chunk) = event {
            print!("  python says: {}", chunk.text);
        }
        ControlFlow::Continue(())
    };
    let run = sandbox.run_code(code, &RunCodeOptions::default(), Some(&mut on_event))?;
    for result in &run.results {
        for (format, value) in result.formats() {
            println!("  result as {format}: {value}");
        }
    }

    // 3. Run a command.
    let ran = sandbox.commands().run("echo \"$(whoami) in $(pwd)\"", &CommandOptions::default(), None)?;
    print!("command says: {}", String::from_utf8_lossy(&ran.stdout));

    // 4. Watch a directory while files appear in it.
    sandbox.files().make_dir("/home/user/inbox")?;
    let watch = sandbox.files().watch_dir("/home/user/inbox", WatchOptions::default())?;
    sandbox.commands().run(
        "echo hi > inbox/note.txt && mv inbox/note.txt inbox/kept.txt",
        &CommandOptions::default(),
        None,
    )?;
    for event in watch.next_events(Duration::from_secs(2))? {
        println!("  watched: {} {}", event.event_type, event.name);
    }
    watch.stop()?;

    // 5. Upload a local folder, and download it back, with a progress bar.
    let local = tempfile::Builder::new().prefix("e2b-quickstart-").tempdir()?;
    let project = local.path().join("project");
    fs::create_dir_all(project.join("src"))?;
    fs::write(project.join("README.md"), "# A project\n")?;
    fs::write(project.join("src/main.py"), "print('hello')\n")?;
    fs::write(project.join("src/data.csv"), "x,y\n1,2\n3,4\n")?;
    let count = sandbox.files().upload_dir(&project, "/home/user/project", Some(&mut |p| progress_bar("upload", p)))?;
    println!("\nuploaded {count} files");
    let back = local.path().join("back");
    let count =
        sandbox.files().download_dir("/home/user/project", &back, Some(&mut |p| progress_bar("download", p)))?;
    println!("\ndownloaded {count} files into {}", back.display());

    // 6. Pause: files and memory are kept; only the id is needed to come back.
    sandbox.pause()?;
    drop(sandbox);
    println!("paused sandbox {id}");

    // 7. Resume it by id, now for ten minutes, and find the project again.
    let sandbox = client.resume(&id, Duration::from_secs(10 * 60))?;
    let info = sandbox.get_info()?;
    let kept = sandbox.files().exists("/home/user/project/src/main.py")?;
    println!("resumed: the project is {}, the sandbox ends {}", if kept { "there" } else { "gone" }, info.end_at);

    // 8. A second client (another program, say) lists it and connects to it by id.
    let other = Client::from_env();
    let page = other.list(&ListQuery::default().metadata("example", "rust-quickstart"))?;
    for listed in &page.sandboxes {
        println!("listed: {} (template {})", listed.sandbox_id, listed.template_id);
    }
    // Connecting never shortens a running sandbox's time: the ten minutes stay.
    let connected = other.connect(&id, DEFAULT_SANDBOX_TIMEOUT)?;
    println!("connected from a second client: running {}", if connected.is_running()? { "yes" } else { "no" });

    // 9. Kill it; its id is then unknown.
    sandbox.kill()?;
    println!("killed sandbox {id}");
    match other.resume(&id, DEFAULT_SANDBOX_TIMEOUT) {
        Err(err) if err.kind() == ErrorKind::SandboxNotFound => {
            println!("resume after kill: {} ({err})", err.kind());
            Ok(())
        }
        Err(err) => Err(err.into()),
        Ok(_) => Err("a killed sandbox came back".into()),
    }
}

/// Draws a progress bar naming the file in flight.
fn progress_bar(verb: &str, p: &DirProgress<'_>) -> ControlFlow<()> {
    let percent = (100 * p.done).checked_div(p.total).unwrap_or(100);
    let bar = "#".repeat((percent / 5) as usize);
    print!("\r  {verb} [{bar:<20}] {percent:>3}%  file {} of {}: {:<40}", p.index + 1, p.count, p.path);
    std::io::stdout().flush().ok();
    ControlFlow::Continue(())
}
