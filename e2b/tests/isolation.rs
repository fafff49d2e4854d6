//! What a sandbox cannot reach, and what a restart of e2b-local leaves behind, against a real
//! e2b-local: planted symlinks, host secrets, other sandboxes, the network, frozen processes.

mod common;

use std::io::{BufRead, BufReader};
use std::net::TcpListener;
use std::os::unix::fs::MetadataExt;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use common::{as_root, run, stdout, Local};
use e2b::{Client, CommandOptions, Sandbox, SandboxOptions, DEFAULT_SANDBOX_TIMEOUT};

/// The folder that holds the sandbox's own files on the host (its `/`, or the upper layer of
/// its root over an image).
fn fs_dir(data_dir: &Path, sandbox: &Sandbox) -> PathBuf {
    data_dir.join("sandboxes").join(sandbox.id()).join("fs")
}

/// The folder that is the sandbox's `/` on the host: its overlay root `root/` while that is
/// mounted, else `fs/`.
fn root_dir(data_dir: &Path, sandbox: &Sandbox) -> PathBuf {
    let dir = data_dir.join("sandboxes").join(sandbox.id());
    match (std::fs::metadata(dir.join("root")), std::fs::metadata(&dir)) {
        (Ok(root), Ok(parent)) if root.dev() != parent.dev() => dir.join("root"),
        _ => dir.join("fs"),
    }
}

fn is_root() -> bool {
    // SAFETY: no arguments, cannot fail.
    unsafe { libc::geteuid() == 0 }
}

#[test]
fn a_planted_link_makes_a_restarting_jail_create_nothing_outside_the_sandbox() {
    if !is_root() {
        return eprintln!("skipped: the sandbox user root needs e2b-local to run as root");
    }
    let local = Local::start();
    let sandbox = local.sandbox();
    let outside = tempfile::tempdir().unwrap();
    // The link's target exists inside the sandbox too, as `/etc` would.
    let target = outside.path().display();
    let plant = format!("mkdir -p {target} && mv /home /home.old && ln -s {target} /home && kill -9 -1");
    // The command kills itself with the rest of the jail: whatever it reports, the link is planted.
    let _ = sandbox.commands().run(&plant, &as_root(), None);

    // The next command starts a new jail over the planted link.
    let after = run(&sandbox, "pwd; readlink /home", &CommandOptions::default());
    assert_eq!(stdout(&after), format!("{target}/user\n{target}\n"), "made inside: {after:?}");
    assert_eq!(std::fs::read_dir(outside.path()).unwrap().count(), 0, "nothing is created through the link");
    assert!(!outside.path().join("user").exists());
}

/// A file only the host's root may read, removed on drop.
struct HostSecret(PathBuf);

impl HostSecret {
    fn new(dir: &str) -> HostSecret {
        use std::os::unix::fs::PermissionsExt;
        let path = Path::new(dir).join(format!("e2b-local-test-secret-{}", std::process::id()));
        std::fs::write(&path, "host secret").unwrap();
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o600)).unwrap();
        HostSecret(path)
    }
}

impl Drop for HostSecret {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.0);
    }
}

#[test]
fn host_secrets_the_data_folder_and_other_sandboxes_are_out_of_reach() {
    if !is_root() {
        return eprintln!("skipped: the sandbox user root needs e2b-local to run as root");
    }
    let local = Local::start();
    let (sandbox, other) = (local.sandbox(), local.sandbox());
    other.files().write("/home/user/other.txt", "other sandbox").unwrap();
    let secrets = [HostSecret::new("/usr/local/share"), HostSecret::new("/var/tmp")];
    let data_dir = local.data_dir.path().display().to_string();
    let other_file = fs_dir(local.data_dir.path(), &other).join("home/user/other.txt");
    assert!(other_file.is_file());

    // Over an image the sandbox has an `/etc/shadow` of its own, which its root may read: never
    // the host's.
    let host_shadow = std::fs::read("/etc/shadow").unwrap_or_default();
    let shadow = run(&sandbox, "cat /etc/shadow", &as_root());
    assert!(shadow.exit_code != 0 || shadow.stdout != host_shadow, "{shadow:?}");
    let shadow = run(&sandbox, "cat /etc/shadow", &CommandOptions::default());
    assert!(shadow.exit_code != 0 && shadow.stdout.is_empty(), "{shadow:?}");
    for options in [as_root(), CommandOptions::default()] {
        for path in [secrets[0].0.display().to_string(), secrets[1].0.display().to_string()]
            .into_iter()
            .chain([format!("{data_dir}/api-key"), other_file.display().to_string()])
        {
            let read = run(&sandbox, &format!("head -c 100 {path}"), &options);
            assert_ne!(read.exit_code, 0, "{path} as {:?}: {read:?}", options.user);
            assert!(read.stdout.is_empty(), "{path}: {read:?}");
        }
        let listed = run(&sandbox, &format!("ls {data_dir}"), &options);
        assert_ne!(listed.exit_code, 0, "{listed:?}");
    }
    // No process of the jail shows where the server keeps its data.
    let cmdlines = run(&sandbox, "cat /proc/[0-9]*/cmdline | tr '\\0' ' '", &as_root());
    assert!(!stdout(&cmdlines).contains(&data_dir), "{}", stdout(&cmdlines));
    assert!(!stdout(&cmdlines).contains("sandboxes/"), "{}", stdout(&cmdlines));

    // Root still works inside: its home, chown, running as user.
    let root = run(
        &sandbox,
        "echo hi > /root/r.txt && cat /root/r.txt && touch /tmp/o && chown user:user /tmp/o && stat -c %U /tmp/o \
         && setpriv --reuid=user --regid=user --clear-groups id -un && id -un",
        &as_root(),
    );
    assert_eq!((stdout(&root).as_str(), root.exit_code), ("hi\nuser\nuser\nroot\n", 0), "{root:?}");

    // What the files API writes is the user's inside.
    sandbox.files().write("/home/user/api/new.txt", "from the API\n").unwrap();
    let user = run(
        &sandbox,
        "echo more >> /home/user/api/new.txt && touch /home/user/api/other && stat -c '%U %G' /home/user/api/new.txt \
         && cat /home/user/api/new.txt && id -un",
        &CommandOptions::default(),
    );
    assert_eq!(stdout(&user), "user user\nfrom the API\nmore\nuser\n", "{user:?}");
    let info = sandbox.files().get_info("/home/user/api/new.txt").unwrap();
    assert_eq!((info.owner.as_str(), info.group.as_str()), ("user", "user"));
    let made = sandbox.files().get_info("/home/user/api/other").unwrap();
    assert_eq!(made.owner, "user");
}

/// The host pid of the init of the jail of the sandbox whose `/` is `dir` (its pid 1).
fn jail_init(dir: &Path) -> Option<i32> {
    let dir = std::fs::metadata(dir).ok()?;
    std::fs::read_dir("/proc").ok()?.flatten().find_map(|entry| {
        let pid = entry.file_name().to_str()?.parse::<i32>().ok()?;
        let root = std::fs::metadata(entry.path().join("root")).ok()?;
        let status = std::fs::read_to_string(entry.path().join("status")).ok()?;
        let ns_pid = status.lines().find_map(|line| line.strip_prefix("NSpid:"))?;
        let is_init = ns_pid.split_whitespace().last() == Some("1");
        ((root.dev(), root.ino()) == (dir.dev(), dir.ino()) && is_init).then_some(pid)
    })
}

/// The slirp4netns processes that serve the network namespace of host process `pid`.
fn slirps_of(pid: i32) -> Vec<i32> {
    let netns = format!("/proc/{pid}/ns/net");
    processes_with("slirp4netns")
        .into_iter()
        .filter(|p| {
            let cmdline = std::fs::read(format!("/proc/{p}/cmdline")).unwrap_or_default();
            String::from_utf8_lossy(&cmdline).split('\0').any(|arg| arg == netns)
        })
        .collect()
}

fn has_slirp() -> bool {
    Command::new("slirp4netns").arg("--version").stdout(Stdio::null()).status().is_ok_and(|s| s.success())
}

#[test]
fn every_sandbox_has_its_own_network_and_internet_goes_through_slirp() {
    let local = Local::start();
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    // The host's loopback server answers each connection with a line.
    std::thread::spawn(move || {
        for stream in listener.incoming().flatten() {
            use std::io::Write;
            let _ = (&stream).write_all(b"host says hi\n");
        }
    });
    let connect = |host: &str, port: u16| {
        format!(
            "if out=$(timeout 5 bash -c 'exec 3<>/dev/tcp/{host}/{port} && head -n1 <&3' 2>/dev/null); \
             then echo \"connected: $out\"; else echo refused; fi"
        )
    };
    // Its own loopback works (a server inside answers), the host's is not reachable as 127.0.0.1.
    let script = |host_alias: &str| {
        format!(
            "python3 -c 'import socket; s=socket.socket(); s.bind((\"127.0.0.1\", 8123)); s.listen(); \
             c, _ = s.accept(); c.send(b\"inside says hi\\n\")' & sleep 0.3; \
             {}; {}; {}; tail -n +3 /proc/net/dev | cut -d: -f1 | tr -d ' ' | sort | tr '\\n' ' '; echo; \
             grep nameserver /etc/resolv.conf",
            connect("127.0.0.1", 8123),
            connect("127.0.0.1", port),
            connect(host_alias, port),
        )
    };
    let options = |allow| {
        let mut options = SandboxOptions::default().timeout(Duration::from_secs(120));
        options.allow_internet_access = allow;
        options
    };

    let offline = local.client.create_sandbox(&options(Some(false))).unwrap();
    let result = run(&offline, &script("10.0.2.2"), &CommandOptions::default());
    assert_eq!(
        stdout(&result),
        "connected: inside says hi\nrefused\nrefused\nlo \nnameserver 10.0.2.3\n",
        "{result:?}"
    );

    if !has_slirp() {
        // Loopback only, never the host's network.
        let online = local.client.create_sandbox(&options(Some(true))).unwrap();
        let result = run(&online, &script("10.0.2.2"), &CommandOptions::default());
        assert!(stdout(&result).starts_with("connected: inside says hi\nrefused\nrefused\nlo \n"), "{result:?}");
        return eprintln!("skipped the rest: slirp4netns is not installed");
    }
    for allow in [None, Some(true)] {
        let online = local.client.create_sandbox(&options(allow)).unwrap();
        let result = run(&online, &script("10.0.2.2"), &CommandOptions::default());
        assert_eq!(
            stdout(&result),
            "connected: inside says hi\nrefused\nconnected: host says hi\nlo tap0 \nnameserver 10.0.2.3\n",
            "{allow:?}: {result:?}"
        );

        // One slirp4netns serves the jail, and goes with it.
        let init = jail_init(&root_dir(local.data_dir.path(), &online)).expect("the jail's init");
        assert_eq!(slirps_of(init).len(), 1, "{:?}", processes_with("slirp4netns"));
        if allow.is_none() {
            online.kill().unwrap();
        } else {
            // A paused sandbox keeps its network.
            online.pause().unwrap();
            assert_eq!(slirps_of(init).len(), 1);
            let online = local.client.resume(online.id(), DEFAULT_SANDBOX_TIMEOUT).unwrap();
            let again = run(&online, &connect("10.0.2.2", port), &CommandOptions::default());
            assert_eq!(stdout(&again), "connected: host says hi\n", "{again:?}");
            online.kill().unwrap();
        }
        assert!(wait_until(Duration::from_secs(5), || slirps_of(init).is_empty()), "{:?}", slirps_of(init));
    }
}

#[test]
fn a_stopped_server_leaves_no_network_behind() {
    if !has_slirp() {
        return eprintln!("skipped: slirp4netns is not installed");
    }
    let data_dir = tempfile::tempdir().unwrap();
    let server = e2b_local::Server::start(e2b_local::Options::new(data_dir.path())).unwrap();
    let client = Client::new(common::config_for(&server));
    let sandbox = client.create_sandbox(&SandboxOptions::default().timeout(Duration::from_secs(120))).unwrap();
    assert_eq!(stdout(&run(&sandbox, "echo up", &CommandOptions::default())), "up\n");
    let init = jail_init(&root_dir(data_dir.path(), &sandbox)).expect("the jail's init");
    assert_eq!(slirps_of(init).len(), 1);
    server.stop();
    assert!(wait_until(Duration::from_secs(5), || slirps_of(init).is_empty()), "{:?}", slirps_of(init));
}

#[test]
fn a_data_folder_only_the_server_may_walk_to_still_runs_commands() {
    use std::os::unix::fs::PermissionsExt;
    // `mktemp -d` and home folders are 0700: the sandbox's ids may not walk through them.
    let private = tempfile::tempdir().unwrap();
    std::fs::set_permissions(private.path(), std::fs::Permissions::from_mode(0o700)).unwrap();
    let server = e2b_local::Server::start(e2b_local::Options::new(private.path().join("data"))).unwrap();
    let client = Client::new(common::config_for(&server));
    let sandbox = client.create_sandbox(&SandboxOptions::default().timeout(Duration::from_secs(120))).unwrap();
    sandbox.files().write("/home/user/hello.txt", "hi").unwrap();
    let result = run(&sandbox, "cat hello.txt; ls -ld / | cut -c1-10", &CommandOptions::default());
    assert_eq!(stdout(&result), "hidrwxr-xr-x\n", "{result:?}");
    server.stop();
}

/// Not a test on its own: the server that `frozen_processes_end_with_a_killed_server` runs
/// as a child process (so that it can be killed with SIGKILL). Prints its URL and key.
#[test]
#[ignore]
fn child_server() {
    let Some(data_dir) = std::env::var_os("E2B_LOCAL_TEST_CHILD_DATA") else { return };
    let server = e2b_local::Server::start(e2b_local::Options::new(data_dir)).unwrap();
    println!("\nlistening {} {}", server.url(), server.api_key());
    loop {
        std::thread::sleep(Duration::from_secs(3600));
    }
}

/// Host pids of processes whose command line contains `marker`.
fn processes_with(marker: &str) -> Vec<i32> {
    let mut found = Vec::new();
    for entry in std::fs::read_dir("/proc").unwrap().flatten() {
        let Some(pid) = entry.file_name().to_str().and_then(|s| s.parse::<i32>().ok()) else { continue };
        let cmdline = std::fs::read(entry.path().join("cmdline")).unwrap_or_default();
        if String::from_utf8_lossy(&cmdline).contains(marker) {
            found.push(pid);
        }
    }
    found
}

/// The PID namespaces of the processes whose `/` is `dir` (one per jail on it).
fn jails_on(dir: &Path) -> std::collections::BTreeSet<PathBuf> {
    let dir = std::fs::metadata(dir).unwrap();
    let mut namespaces = std::collections::BTreeSet::new();
    for entry in std::fs::read_dir("/proc").unwrap().flatten() {
        if !entry.file_name().to_str().is_some_and(|s| s.bytes().all(|b| b.is_ascii_digit())) {
            continue;
        }
        let Ok(root) = std::fs::metadata(entry.path().join("root")) else { continue };
        if (root.dev(), root.ino()) == (dir.dev(), dir.ino()) {
            if let Ok(ns) = std::fs::read_link(entry.path().join("ns/pid")) {
                namespaces.insert(ns);
            }
        }
    }
    namespaces
}

fn wait_until(limit: Duration, mut done: impl FnMut() -> bool) -> bool {
    let start = Instant::now();
    while !done() {
        if start.elapsed() > limit {
            return false;
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    true
}

/// A child process, killed (and reaped) when the test ends, whichever way.
struct KillOnDrop(std::process::Child);

impl Drop for KillOnDrop {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

#[test]
fn frozen_processes_end_with_a_killed_server() {
    let data_dir = tempfile::tempdir().unwrap();
    let mut child = KillOnDrop(
        Command::new(std::env::current_exe().unwrap())
            .args(["--exact", "child_server", "--ignored", "--nocapture", "--test-threads=1"])
            .env("E2B_LOCAL_TEST_CHILD_DATA", data_dir.path())
            .stdout(Stdio::piped())
            .spawn()
            .unwrap(),
    );
    let mut lines = BufReader::new(child.0.stdout.take().unwrap()).lines();
    let announced = lines.by_ref().map_while(Result::ok).find(|line| line.starts_with("listening ")).unwrap();
    let (url, key) = announced["listening ".len()..].split_once(' ').unwrap();
    let config = e2b::Config::builder().api_key(key).api_url(url).sandbox_url(url).build();
    let client = Client::new(config);
    let sandbox = client.create_sandbox(&SandboxOptions::default().timeout(Duration::from_secs(120))).unwrap();
    let marker = "987.654";
    let _sleeping = sandbox.commands().start(&format!("sleep {marker}"), &CommandOptions::default()).unwrap();
    assert!(wait_until(Duration::from_secs(10), || !processes_with(marker).is_empty()));
    let init = jail_init(&root_dir(data_dir.path(), &sandbox)).expect("the jail's init");
    assert_eq!(slirps_of(init).len(), usize::from(has_slirp()));
    sandbox.pause().unwrap();

    child.0.kill().unwrap();
    child.0.wait().unwrap();
    let fs = root_dir(data_dir.path(), &sandbox);
    // With the v1 freezer the frozen processes stay (a kill waits for the thaw); the v2 freezer
    // lets them die with their jail.
    eprintln!("after kill -9: {:?}", processes_with(marker));

    let server = e2b_local::Server::start(e2b_local::Options::new(data_dir.path())).unwrap();
    let left = processes_with(marker);
    assert!(wait_until(Duration::from_secs(3), || processes_with(marker).is_empty()), "left behind: {left:?}");
    assert!(jails_on(&fs).is_empty(), "no jail of the old server: {:?}", jails_on(&fs));
    assert!(wait_until(Duration::from_secs(3), || slirps_of(init).is_empty()), "its network is gone too");

    let client = Client::new(common::config_for(&server));
    let sandbox = client.resume(sandbox.id(), DEFAULT_SANDBOX_TIMEOUT).unwrap();
    assert_eq!(stdout(&run(&sandbox, "echo back", &CommandOptions::default())), "back\n");
    assert_eq!(jails_on(&root_dir(data_dir.path(), &sandbox)).len(), 1, "one jail");
    server.stop();
}

/// Prints the cost of `commands.run("true")` (release build:
/// `cargo test --release --test isolation -- --ignored --nocapture time_`).
#[test]
#[ignore]
fn time_commands_run_true() {
    let local = Local::start();
    let sandbox = local.sandbox();
    let commands = sandbox.commands();
    commands.run("true", &CommandOptions::default(), None).unwrap();
    let rounds = 50;
    let start = Instant::now();
    for _ in 0..rounds {
        commands.run("true", &CommandOptions::default(), None).unwrap();
    }
    let per_run = start.elapsed().as_secs_f64() * 1000.0 / f64::from(rounds);
    println!("commands.run(\"true\"): {per_run:.2} ms per run");
    let script =
        "s=$(date +%s%N); for i in $(seq 20); do bash -l -c true; done; e=$(date +%s%N); echo $(( (e-s)/20000 ))";
    let inside = commands.run(script, &CommandOptions::default(), None).unwrap();
    println!("bash -l -c true inside: {} us", String::from_utf8_lossy(&inside.stdout).trim());
}
