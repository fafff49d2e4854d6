//! Commands against a real e2b-local: exit codes, output as bytes, stdin,
//! background handles, kills, timeouts, and processes that pause and resume.

mod common;

use std::ops::ControlFlow;
use std::time::{Duration, Instant};

use common::Local;
use e2b::{CommandEvent, CommandOptions, ErrorKind, Stream, DEFAULT_SANDBOX_TIMEOUT};

fn options() -> CommandOptions {
    CommandOptions::default()
}

#[test]
fn exit_codes_and_output_are_data() {
    let local = Local::start();
    let sandbox = local.sandbox();
    let commands = sandbox.commands();

    let ok = commands.run("echo hello; echo oops >&2", &options(), None).unwrap();
    assert_eq!((ok.stdout.as_slice(), ok.stderr.as_slice(), ok.exit_code), (&b"hello\n"[..], &b"oops\n"[..], 0));
    assert_eq!(ok.error, None);
    assert!(ok.clone().check().is_ok());

    let failed = commands.run("echo partial; exit 3", &options(), None).unwrap();
    assert_eq!((failed.exit_code, failed.stdout.as_slice()), (3, &b"partial\n"[..]), "a failure keeps its output");
    assert_eq!(failed.error.as_deref(), Some("exit status 3"));
    let err = failed.check().unwrap_err();
    assert_eq!(err.kind(), ErrorKind::CommandExit);
    assert!(err.message().contains("code 3"), "{err}");

    let binary = commands.run("printf '\\377\\376\\000ok'", &options(), None).unwrap();
    assert_eq!(binary.stdout, b"\xff\xfe\0ok", "output is bytes, never lossily decoded");
}

#[test]
fn environment_directory_and_user_apply() {
    let local = Local::start();
    let sandbox = local.sandbox();
    let commands = sandbox.commands();
    sandbox.files().write("/home/user/seen-by-commands.txt", "from the files API").unwrap();

    let listed = commands.run("ls /home/user; cat /home/user/seen-by-commands.txt", &options(), None).unwrap();
    let text = String::from_utf8(listed.stdout).unwrap();
    assert!(text.contains("seen-by-commands.txt") && text.contains("from the files API"), "{text}");

    commands.run("echo made by a command > /tmp/from-command.txt", &options(), None).unwrap();
    assert_eq!(sandbox.files().read_to_string("/tmp/from-command.txt").unwrap(), "made by a command\n");

    let mut custom = options();
    custom.envs.insert("GREETING".into(), "hi there".into());
    custom.cwd = Some("/tmp".into());
    let result = commands.run("echo \"$GREETING\"; pwd", &custom, None).unwrap();
    assert_eq!(result.stdout, b"hi there\n/tmp\n");

    let home = commands.run("pwd; whoami", &options(), None).unwrap();
    assert_eq!(home.stdout, b"/home/user\nuser\n");
    let root = commands.run("id -u", &options().user("root"), None).unwrap();
    assert_eq!(root.stdout, b"0\n");

    let err = commands.run("true", &options().cwd("/no/such/dir"), None).unwrap_err();
    assert_eq!(err.kind(), ErrorKind::InvalidArgument, "{err}");
    let err = commands.run("true", &options().user("nobody-here"), None).unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Authentication, "{err}");
}

#[test]
fn output_streams_while_the_command_runs() {
    let local = Local::start();
    let sandbox = local.sandbox();
    let started = Instant::now();
    let mut arrivals = Vec::new();
    let mut on_output = |stream: Stream, data: &[u8]| {
        arrivals.push((stream, data.to_vec(), started.elapsed()));
        ControlFlow::Continue(())
    };
    let result = sandbox
        .commands()
        .run("for i in 1 2 3; do echo $i; sleep 0.4; done; echo done >&2", &options(), Some(&mut on_output))
        .unwrap();
    assert_eq!(result.stdout, b"1\n2\n3\n");
    let first = arrivals.iter().find(|(s, _, _)| *s == Stream::Stdout).unwrap();
    assert!(first.2 < Duration::from_millis(800), "the first line came at {:?}, not at the end", first.2);
    assert!(arrivals.iter().any(|(s, d, _)| *s == Stream::Stderr && d == b"done\n"));

    let mut stop = |_: Stream, _: &[u8]| ControlFlow::Break(());
    let err =
        sandbox.commands().run("while true; do echo y; sleep 0.1; done", &options(), Some(&mut stop)).unwrap_err();
    assert_eq!(err.kind(), ErrorKind::CallbackAborted);
}

#[test]
fn the_timeout_kills_the_process() {
    let local = Local::start();
    let sandbox = local.sandbox();
    let started = Instant::now();
    let short = options().timeout(Some(Duration::from_secs(1)));
    let err = sandbox.commands().run("sleep 30", &short, None).unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Timeout, "{err}");
    assert!(started.elapsed() < Duration::from_secs(15), "took {:?}", started.elapsed());
    let still = sandbox.commands().list().unwrap();
    assert!(still.iter().all(|p| !p.args.iter().any(|a| a.contains("sleep 30"))), "{still:?}");
}

#[test]
fn background_commands_take_stdin_and_can_be_followed_killed_or_left() {
    let local = Local::start();
    let sandbox = local.sandbox();
    let commands = sandbox.commands();

    let cat = commands.start("cat", &options().stdin(true)).unwrap();
    assert!(cat.pid() > 0);
    cat.send_stdin(b"line one\n").unwrap();
    match cat.next_event(Duration::from_secs(10)).unwrap() {
        Some(CommandEvent::Output(Stream::Stdout, data)) => assert_eq!(data, b"line one\n"),
        other => panic!("expected the echoed line, got {other:?}"),
    }
    commands.send_stdin(cat.pid(), b"line two\n").unwrap();
    cat.close_stdin().unwrap();
    let result = cat.wait(None).unwrap();
    assert_eq!((result.exit_code, result.stdout.as_slice()), (0, &b"line one\nline two\n"[..]));
    assert!(matches!(cat.next_event(Duration::ZERO).unwrap(), Some(CommandEvent::Exit(_))), "the exit stays");

    let sleeper = commands.start("sleep 600", &options().timeout(None)).unwrap();
    assert!(commands.list().unwrap().iter().any(|p| p.pid == sleeper.pid()));
    assert!(sleeper.kill().unwrap());
    let killed = sleeper.wait(None).unwrap();
    assert_eq!(killed.exit_code, -1);
    assert!(!commands.kill(sleeper.pid()).unwrap(), "killing it again reports it gone");

    let ticker = commands.start("for i in $(seq 1 100); do echo $i; sleep 0.2; done", &options()).unwrap();
    let pid = ticker.pid();
    ticker.disconnect();
    let again = commands.connect(pid).unwrap();
    match again.next_event(Duration::from_secs(10)).unwrap() {
        Some(CommandEvent::Output(Stream::Stdout, _)) => {}
        other => panic!("expected output after reconnecting, got {other:?}"),
    }
    assert!(commands.kill(pid).unwrap());
    assert!(commands.connect(999_999).is_err());
    assert_eq!(commands.send_stdin(999_999, b"x").unwrap_err().kind(), ErrorKind::NotFound);
}

#[test]
fn pause_freezes_processes_and_resume_continues_them() {
    let local = Local::start();
    let sandbox = local.sandbox();
    // Written aside and renamed into place, so a read never sees a half-written file.
    let counter =
        "i=0; while true; do i=$((i+1)); echo $i > /tmp/count.new; mv /tmp/count.new /tmp/count; sleep 0.1; done";
    sandbox.commands().start(counter, &options().timeout(None)).unwrap();
    let read_count = |sandbox: &e2b::Sandbox| -> u64 {
        sandbox.files().read_to_string("/tmp/count").unwrap_or_default().trim().parse().unwrap_or(0)
    };
    let started = Instant::now();
    while read_count(&sandbox) < 5 {
        assert!(started.elapsed() < Duration::from_secs(10), "the counter never started");
        std::thread::sleep(Duration::from_millis(50));
    }

    let before = read_count(&sandbox);
    sandbox.pause().unwrap();
    // Ten ticks' worth of pause: a counter that kept running would be far ahead.
    std::thread::sleep(Duration::from_millis(1000));
    let resumed = local.client.resume(sandbox.id(), DEFAULT_SANDBOX_TIMEOUT).unwrap();
    let at_resume = read_count(&resumed);
    assert!(at_resume <= before + 2, "it did not run while paused: {before} before, {at_resume} after");
    std::thread::sleep(Duration::from_millis(800));
    let later = read_count(&resumed);
    assert!(later > at_resume + 3, "it goes on after resume: {at_resume} then {later}");

    resumed.kill().unwrap();
}
