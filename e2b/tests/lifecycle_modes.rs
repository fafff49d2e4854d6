//! Lifecycle modes against a real e2b-local: `lifecycle` at create (pause or kill at the
//! timeout, full or filesystem, auto-resume), pause with a mode and `strict`, connect with
//! `on_resume`, a guest that does not answer, and the fields of sandbox info.

mod common;

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use common::{run, stdout, Local};
use e2b::{ErrorKind, Lifecycle, OnResume, OnTimeout, PauseMode, PauseOptions, SandboxOptions, SandboxState};

fn wait_until(limit: Duration, mut done: impl FnMut() -> bool) {
    let start = Instant::now();
    while !done() {
        assert!(start.elapsed() < limit, "not done within {limit:?}");
        std::thread::sleep(Duration::from_millis(50));
    }
}

/// Whether the process `sleep 600` the test started is still there.
fn sleeper_runs(sandbox: &e2b::Sandbox) -> bool {
    let result = run(sandbox, "pgrep -fx 'sleep 600' || true", &Default::default());
    !stdout(&result).trim().is_empty()
}

#[test]
fn lifecycle_options_are_checked_before_any_request() {
    let local = Local::start();
    let bad = [
        Lifecycle::new(OnTimeout::Kill).auto_resume(true),
        Lifecycle::default().auto_resume(true),
        Lifecycle::new(OnTimeout::Pause { mode: Some(PauseMode::Filesystem) }).auto_resume(true),
    ];
    for lifecycle in bad {
        let err = local.client.create_sandbox(&SandboxOptions::default().lifecycle(lifecycle)).unwrap_err();
        assert_eq!((err.kind(), err.status()), (ErrorKind::InvalidArgument, None), "{err}");
    }
    assert!(local.client.list_all(&Default::default()).unwrap().is_empty(), "nothing was created");
}

#[test]
fn info_reports_the_lifecycle_and_the_settings_given_at_create() {
    let local = Local::start();
    let lifecycle = Lifecycle::new(OnTimeout::Pause { mode: Some(PauseMode::Full) }).auto_resume(true);
    let options = SandboxOptions::default().timeout(Duration::from_secs(120)).lifecycle(lifecycle);
    let sandbox = local.client.create_sandbox(&options.allow_internet_access(false)).unwrap();
    let info = sandbox.get_info().unwrap();
    let reported = info.lifecycle.expect("lifecycle");
    assert_eq!((reported.on_timeout.as_str(), reported.auto_resume), ("pause", true));
    assert_eq!(info.allow_internet_access, Some(false));
    assert_eq!((info.pause_mode, info.envd_unresponsive_at_pause), (None, false));

    // The older shorthands still say the same.
    let shorthand = SandboxOptions::default().timeout(Duration::from_secs(120)).auto_pause(true).auto_resume(false);
    let info = local.client.create_sandbox(&shorthand).unwrap().get_info().unwrap();
    let reported = info.lifecycle.expect("lifecycle");
    assert_eq!((reported.on_timeout.as_str(), reported.auto_resume), ("pause", false));
    let killed = local.sandbox().get_info().unwrap().lifecycle.expect("lifecycle");
    assert_eq!((killed.on_timeout.as_str(), killed.auto_resume), ("kill", false));
}

#[test]
fn a_filesystem_pause_at_the_timeout_keeps_files_and_reboots() {
    let local = Local::start();
    let lifecycle = Lifecycle::new(OnTimeout::Pause { mode: Some(PauseMode::Filesystem) });
    let options = SandboxOptions::default().timeout(Duration::from_secs(60)).lifecycle(lifecycle);
    let sandbox = local.client.create_sandbox(&options).unwrap();
    sandbox.files().write("kept.txt", "files stay").unwrap();
    sandbox.commands().start("sleep 600", &Default::default()).unwrap().disconnect();
    assert!(sleeper_runs(&sandbox));
    // The timeout comes once the sandbox is set up, however long that took.
    sandbox.set_timeout(Duration::from_secs(1)).unwrap();
    wait_until(Duration::from_secs(15), || sandbox.get_info().unwrap().state == SandboxState::Paused);
    assert_eq!(sandbox.get_info().unwrap().pause_mode, Some(PauseMode::Filesystem));

    let resumed = local.client.connect(sandbox.id(), Duration::from_secs(60)).unwrap();
    assert_eq!(resumed.files().read_to_string("kept.txt").unwrap(), "files stay");
    assert!(!sleeper_runs(&resumed), "a files-only pause ends the processes");
    assert_eq!(resumed.get_info().unwrap().pause_mode, None);
}

#[test]
fn pause_modes_keep_or_end_the_processes() {
    let local = Local::start();
    let sandbox = local.sandbox();
    sandbox.commands().start("sleep 600", &Default::default()).unwrap().disconnect();

    assert!(sandbox.pause_with(&PauseOptions::default().mode(PauseMode::Full).strict(true)).unwrap());
    assert_eq!(sandbox.get_info().unwrap().pause_mode, Some(PauseMode::Full));
    assert!(!sandbox.pause_with(&PauseOptions::default()).unwrap(), "already paused: Ok(false)");
    let resumed = sandbox.connect_with(Duration::from_secs(60), OnResume::Restore).unwrap();
    assert!(sleeper_runs(&resumed), "a full pause keeps the processes");

    assert!(sandbox.pause_with(&PauseOptions::default().mode(PauseMode::Filesystem)).unwrap());
    assert_eq!(sandbox.get_info().unwrap().pause_mode, Some(PauseMode::Filesystem));
    local.client.connect(sandbox.id(), Duration::from_secs(60)).unwrap();
    assert!(!sleeper_runs(&sandbox), "a files-only pause ends them");

    let err = local.client.pause_with("nosuchsandbox", &PauseOptions::default().strict(true)).unwrap_err();
    assert_eq!((err.kind(), err.status()), (ErrorKind::SandboxNotFound, Some(404)), "{err}");
}

#[test]
fn connect_with_reboot_boots_a_paused_sandbox_from_its_files() {
    let local = Local::start();
    let sandbox = local.sandbox();
    sandbox.files().write("kept.txt", "files stay").unwrap();
    sandbox.commands().start("sleep 600", &Default::default()).unwrap().disconnect();
    sandbox.pause().unwrap();
    let (resumed, was_paused) =
        local.client.connect_reporting_with(sandbox.id(), Duration::from_secs(60), OnResume::Reboot).unwrap();
    assert!(was_paused);
    assert_eq!(resumed.files().read_to_string("kept.txt").unwrap(), "files stay");
    assert!(!sleeper_runs(&resumed), "rebooted: the memory image is not used");
    // On a running sandbox, reboot changes nothing.
    resumed.commands().start("sleep 600", &Default::default()).unwrap().disconnect();
    resumed.connect_with(Duration::from_secs(60), OnResume::Reboot).unwrap();
    assert!(sleeper_runs(&resumed));
}

#[test]
fn traffic_resumes_only_a_full_pause_with_auto_resume() {
    let local = Local::start();
    let lifecycle = Lifecycle::new(OnTimeout::Pause { mode: None }).auto_resume(true);
    let sandbox = local
        .client
        .create_sandbox(&SandboxOptions::default().timeout(Duration::from_secs(120)).lifecycle(lifecycle))
        .unwrap();
    sandbox.files().write("kept.txt", "files stay").unwrap();
    sandbox.pause().unwrap();
    assert_eq!(sandbox.files().read_to_string("kept.txt").unwrap(), "files stay", "traffic resumed it");
    assert_eq!(sandbox.get_info().unwrap().state, SandboxState::Running);

    // A files-only pause is never resumed by traffic: the proxy's 502.
    sandbox.pause_with(&PauseOptions::default().mode(PauseMode::Filesystem)).unwrap();
    let err = sandbox.files().read("kept.txt").unwrap_err();
    assert_eq!((err.kind(), err.status()), (ErrorKind::SandboxGone, Some(502)), "{err}");
    assert_eq!(sandbox.get_info().unwrap().state, SandboxState::Paused);

    // Nor is a sandbox without auto-resume.
    let plain = local.sandbox();
    plain.pause().unwrap();
    assert_eq!(plain.files().read("x").unwrap_err().kind(), ErrorKind::SandboxGone);
}

/// The cgroup folder e2b-local made for sandbox `id` (`…/e2b-local/<server pid>/<id>`).
fn sandbox_cgroup(id: &str) -> Option<PathBuf> {
    fn find(dir: &Path, id: &str, depth: u32) -> Option<PathBuf> {
        let is_freezer = |dir: &Path| dir.join("freezer.state").exists() || dir.join("cgroup.freeze").exists();
        if dir.file_name().is_some_and(|name| name == id) && is_freezer(dir) {
            return Some(dir.to_owned());
        }
        if depth == 0 {
            return None;
        }
        let entries = std::fs::read_dir(dir).ok()?;
        entries
            .flatten()
            .filter(|e| e.file_type().is_ok_and(|t| t.is_dir()))
            .find_map(|e| find(&e.path(), id, depth - 1))
    }
    find(Path::new("/sys/fs/cgroup"), id, 5)
}

/// Freezes (or thaws) the sandbox's processes behind e2b-local's back: its guest stops answering.
fn set_guest_frozen(cgroup: &Path, frozen: bool) {
    if cgroup.join("freezer.state").exists() {
        std::fs::write(cgroup.join("freezer.state"), if frozen { "FROZEN" } else { "THAWED" }).unwrap();
    } else {
        std::fs::write(cgroup.join("cgroup.freeze"), if frozen { "1" } else { "0" }).unwrap();
    }
}

#[test]
fn a_guest_that_does_not_answer_refuses_strict_pauses_and_resumes_only_by_reboot() {
    let local = Local::start();
    let sandbox = local.sandbox();
    sandbox.files().write("kept.txt", "files stay").unwrap();
    run(&sandbox, "true", &Default::default());
    let Some(cgroup) = sandbox_cgroup(sandbox.id()) else {
        eprintln!("skipped: no cgroup freezer for the sandbox on this machine");
        return;
    };
    set_guest_frozen(&cgroup, true);

    // Strict, and files-only, pauses are refused with 503 and leave it running.
    for options in [PauseOptions::default().strict(true), PauseOptions::default().mode(PauseMode::Filesystem)] {
        let started = Instant::now();
        let err = sandbox.pause_with(&options).unwrap_err();
        assert_eq!((err.kind(), err.status()), (ErrorKind::Api, Some(503)), "{err}");
        assert!(started.elapsed() < Duration::from_secs(10), "answered once, not retried: {:?}", started.elapsed());
        assert_eq!(sandbox.get_info().unwrap().state, SandboxState::Running);
    }

    // Otherwise the pause goes ahead, flagged.
    assert!(sandbox.pause().unwrap());
    let info = sandbox.get_info().unwrap();
    assert!(info.envd_unresponsive_at_pause);
    let listed = local.client.list_all(&Default::default()).unwrap();
    assert!(listed.iter().any(|s| s.sandbox_id == sandbox.id() && s.envd_unresponsive_at_pause));

    // Its memory image is not resumed, by connect or by traffic.
    let err = local.client.connect(sandbox.id(), Duration::from_secs(60)).unwrap_err();
    assert_eq!((err.kind(), err.status()), (ErrorKind::Conflict, Some(409)), "{err}");
    assert_eq!(sandbox.files().read("kept.txt").unwrap_err().kind(), ErrorKind::SandboxGone);

    // A reboot brings it back from its files.
    let resumed = local.client.connect_with(sandbox.id(), Duration::from_secs(60), OnResume::Reboot).unwrap();
    assert_eq!(resumed.files().read_to_string("kept.txt").unwrap(), "files stay");
    assert!(!resumed.get_info().unwrap().envd_unresponsive_at_pause);
    assert!(resumed.pause_with(&PauseOptions::default().strict(true)).unwrap(), "it answers again");
}
