//! Template builds against a real e2b-local: a template with a Python package installed from a
//! local source tree and a start command, sandboxes from it, logs, status, tags, errors; and the
//! files hash checked against the official Python SDK's own function.

mod common;

use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};

use common::Local;
use e2b::{BuildLogEntry, BuildOptions, BuildStatus, CommandOptions, CopyOptions, ErrorKind, SandboxOptions, Template};

fn write_package(dir: &Path) {
    let pkg = dir.join("greet");
    std::fs::create_dir_all(pkg.join("greet")).unwrap();
    std::fs::write(
        pkg.join("pyproject.toml"),
        "[build-system]\nrequires = [\"setuptools\"]\nbuild-backend = \"setuptools.build_meta\"\n\n[project]\nname = \"greet\"\nversion = \"0.1.0\"\n",
    )
    .unwrap();
    std::fs::write(pkg.join("greet/__init__.py"), "def hello(name):\n    return f'hello {name}'\n").unwrap();
    std::fs::write(
        dir.join("app.py"),
        "import greet, pathlib, time\npathlib.Path('/tmp/started').write_text(greet.hello('rust'))\ntime.sleep(3600)\n",
    )
    .unwrap();
}

fn run(sandbox: &e2b::Sandbox, cmd: &str) -> String {
    let result = sandbox.commands().run(cmd, &CommandOptions::default(), None).unwrap();
    String::from_utf8(result.stdout).unwrap()
}

#[test]
fn a_template_with_a_local_package_and_a_start_command() {
    let local = Local::start();
    let context = tempfile::tempdir().unwrap();
    write_package(context.path());
    let template = Template::new()
        .file_context_path(context.path())
        .from_template("code-interpreter-v1")
        .copy("greet", "/opt/greet/")
        .copy_with("app.py", "/home/user/app/", &CopyOptions::default().mode(0o755))
        .run_cmd_as("pip install --no-index --no-build-isolation /opt/greet", "root")
        .set_envs([("GREETING", "hi")])
        .set_workdir("/home/user/app")
        .set_start_cmd("python3 app.py", "test -e /tmp/started");
    let mut logs: Vec<BuildLogEntry> = Vec::new();
    let started = Instant::now();
    let info = template
        .build(&local.client, &BuildOptions::new("greeter"), Some(&mut |e: &BuildLogEntry| logs.push(e.clone())))
        .unwrap();
    eprintln!("build took {:?}", started.elapsed());
    assert!(logs.iter().any(|e| e.message.contains("Successfully installed greet")), "{logs:?}");
    assert!(logs.iter().any(|e| e.step.as_deref() == Some("3")));
    assert_eq!(info.tags, ["default"]);
    assert!(Template::exists(&local.client, "greeter").unwrap());
    assert!(!Template::exists(&local.client, "nothing-here").unwrap());

    let sandbox = local.client.create_sandbox(&SandboxOptions::new("greeter")).unwrap();
    assert_eq!(sandbox.files().read("/tmp/started").unwrap(), b"hello rust");
    assert_eq!(run(&sandbox, "pwd; echo $GREETING; stat -c %a app.py"), "/home/user/app\nhi\n755\n");
    sandbox.kill().unwrap();

    // Survives a restart of the server.
    let local = local.restart();
    let sandbox = local.client.create_sandbox(&SandboxOptions::new("greeter")).unwrap();
    assert_eq!(run(&sandbox, "python3 -c 'import greet; print(greet.hello(2))'"), "hello 2\n");
    sandbox.kill().unwrap();
    assert!(Template::delete(&local.client, "greeter").unwrap());
    assert!(!Template::exists(&local.client, "greeter").unwrap());
}

#[test]
fn background_builds_status_tags_and_errors() {
    let local = Local::start();
    let template = Template::new().from_base_image().run_cmds(["echo one", "echo two"], None);
    let info = template.build_in_background(&local.client, &BuildOptions::new("tagged:v1").tags(["stable"])).unwrap();
    assert_eq!(info.tags, ["v1", "stable"]);
    let deadline = Instant::now() + Duration::from_secs(120);
    let status = loop {
        let status = Template::get_build_status(&local.client, &info, Some(0)).unwrap();
        if !matches!(status.status, BuildStatus::Waiting | BuildStatus::Building) {
            break status;
        }
        assert!(Instant::now() < deadline);
        std::thread::sleep(e2b::BUILD_POLL_INTERVAL);
    };
    assert_eq!(status.status, BuildStatus::Ready, "{:?}", status.reason);
    let lines: Vec<&str> =
        status.log_entries.iter().map(|e| e.message.as_str()).filter(|m| !m.starts_with('[')).collect();
    assert!(lines.contains(&"one") && lines.contains(&"two"), "{lines:?}");

    let tagged = Template::assign_tags(&local.client, "tagged:v1", &["prod"]).unwrap();
    assert_eq!(tagged.tags, ["prod"]);
    assert_eq!(tagged.build_id, info.build_id);
    let mut tags: Vec<String> =
        Template::get_tags(&local.client, "tagged").unwrap().into_iter().map(|t| t.tag).collect();
    tags.sort();
    assert_eq!(tags, ["prod", "stable", "v1"]);
    Template::remove_tags(&local.client, "tagged", &["v1"]).unwrap();
    assert_eq!(Template::get_tags(&local.client, "tagged").unwrap().len(), 2);

    let failing = Template::new().from_template("base").run_cmd("echo before").run_cmd("exit 7");
    let err = failing.build(&local.client, &BuildOptions::new("fails"), None).unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Build);
    assert!(err.message().contains("exit code 7"), "{err}");

    let err =
        Template::new().from_image("python:3.12").build(&local.client, &BuildOptions::new("nopull"), None).unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Build);
    assert!(err.message().contains("python:3.12"), "{err}");

    let empty = tempfile::tempdir().unwrap();
    let err = Template::new()
        .file_context_path(empty.path())
        .copy("missing", "/x")
        .build(&local.client, &BuildOptions::new("x"), None)
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::InvalidArgument);
}

/// The files hash equals the official SDK's `calculate_files_hash` (when its virtualenv is there).
#[test]
fn files_hash_matches_the_official_sdk() {
    let python = Path::new(env!("CARGO_MANIFEST_DIR")).join("../target/venv/bin/python");
    if !python.exists() {
        eprintln!("skipped: no {}", python.display());
        return;
    }
    let context = tempfile::tempdir().unwrap();
    write_package(context.path());
    std::fs::create_dir_all(context.path().join("data/sub")).unwrap();
    std::fs::write(context.path().join("data/sub/x.bin"), [0u8, 1, 2, 255]).unwrap();
    std::fs::write(context.path().join("data/.hidden"), "h").unwrap();
    std::os::unix::fs::symlink("sub/x.bin", context.path().join("data/link")).unwrap();
    for (src, dest, resolve) in [
        ("greet", "/opt/greet/", false),
        ("app.py", "app/", false),
        ("data", "/data", false),
        ("data", "/data", true),
        ("data/*", "/d/", false),
        ("*.py", "/x/", false),
        (".", "/all", false),
    ] {
        let ours = e2b::files_hash(src, dest, context.path(), resolve).unwrap();
        let script = format!(
            "from e2b.template.utils import calculate_files_hash as h; print(h({src:?}, {dest:?}, {ctx:?}, [], {res}, None))",
            ctx = context.path().to_str().unwrap(),
            res = if resolve { "True" } else { "False" }
        );
        let out = Command::new(&python).args(["-c", &script]).output().unwrap();
        assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
        assert_eq!(ours, String::from_utf8(out.stdout).unwrap().trim(), "{src} -> {dest} (resolve {resolve})");
    }
}
