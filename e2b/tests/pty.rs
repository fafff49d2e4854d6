//! Terminals and streamed input against a real e2b-local: an interactive
//! shell in a pseudo-terminal (size, resize, environment, user, connect,
//! kill), `StreamInput` with keepalives and its fallback to `SendInput`
//! behind a server without it, `retain_output`, and per-call time limits.

mod common;

use std::ops::ControlFlow;
use std::time::{Duration, Instant};

use common::fault::{Fault, FaultProxy};
use common::Local;
use e2b::{
    Client, CommandEvent, CommandHandle, CommandOptions, ConnectOptions, ErrorKind, PtyOptions, PtySize, Sandbox,
    SandboxOptions, Stream, StreamInputOptions,
};

const WAIT: Duration = Duration::from_secs(20);

/// Reads the terminal's output until it holds `needle`; everything read.
fn read_until(handle: &CommandHandle, needle: &str) -> String {
    let end = Instant::now() + WAIT;
    let mut seen = Vec::new();
    while Instant::now() < end {
        match handle.next_event(Duration::from_millis(200)).unwrap() {
            Some(CommandEvent::Output(stream, bytes)) => {
                assert_eq!(stream, Stream::Pty, "a terminal's output is one stream");
                seen.extend_from_slice(&bytes);
                if String::from_utf8_lossy(&seen).contains(needle) {
                    return String::from_utf8_lossy(&seen).into_owned();
                }
            }
            Some(CommandEvent::Exit(result)) => panic!("the shell ended ({result:?}) before {needle:?} in {seen:?}"),
            Some(_) | None => {}
        }
    }
    panic!("no {needle:?} within {WAIT:?} in {:?}", String::from_utf8_lossy(&seen));
}

fn size(rows: u16, cols: u16) -> PtySize {
    PtySize::new(rows, cols)
}

#[test]
fn a_shell_runs_in_a_terminal_of_the_size_asked_and_resizes() {
    let local = Local::start();
    let sandbox = local.sandbox();
    let pty = sandbox.pty();
    let shell = pty.create(size(24, 80), &PtyOptions::default()).unwrap();
    assert!(shell.is_pty());

    // `$((...))` so that the echo of the typed line does not match by itself.
    shell.send_stdin(b"echo ready-$((6 * 7))\n").unwrap();
    read_until(&shell, "ready-42");
    shell.send_stdin(b"tty; stty size; echo $TERM\n").unwrap();
    let seen = read_until(&shell, "xterm-256color\r\n");
    assert!(seen.contains("/dev/pts/"), "{seen}");
    assert!(seen.contains("24 80\r\n"), "a terminal's newlines are CRLF: {seen}");

    pty.resize(shell.pid(), size(30, 100)).unwrap();
    shell.send_stdin(b"stty size\n").unwrap();
    read_until(&shell, "30 100\r\n");

    // Ctrl-C interrupts the foreground program, as in a terminal.
    shell.send_stdin(b"sleep 30\n").unwrap();
    std::thread::sleep(Duration::from_millis(300));
    shell.send_stdin(b"\x03echo after-$((1 + 1))\n").unwrap();
    read_until(&shell, "after-2");

    shell.send_stdin(b"exit 3\n").unwrap();
    let result = shell.wait(None).unwrap();
    assert_eq!(result.exit_code, 3);
    assert!(result.stdout.is_empty() && result.stderr.is_empty(), "terminal output is not kept: {result:?}");
}

#[test]
fn environment_directory_user_and_the_callback_form() {
    let local = Local::start();
    let sandbox = local.sandbox();
    let options = PtyOptions::default().cwd("/tmp").env("GREETING", "hi").env("LANG", "C").user("root");
    let shell = sandbox.pty().create(size(24, 80), &options).unwrap();
    shell.send_stdin(b"echo \"<$GREETING $(pwd) $(whoami) $LANG $LC_ALL>\"; exit\n").unwrap();
    let mut screen = Vec::new();
    let mut collect = |stream: Stream, bytes: &[u8]| {
        assert_eq!(stream, Stream::Pty);
        screen.extend_from_slice(bytes);
        ControlFlow::Continue(())
    };
    let result = shell.wait(Some(&mut collect)).unwrap();
    assert_eq!(result.exit_code, 0);
    let screen = String::from_utf8_lossy(&screen);
    assert!(screen.contains("<hi /tmp root C C.UTF-8>"), "the caller's envs win over the defaults: {screen}");

    // The callback stops the shell.
    let shell = sandbox.pty().create(size(24, 80), &PtyOptions::default()).unwrap();
    shell.send_stdin(b"echo stop-$((2 * 2))\n").unwrap();
    let mut seen = Vec::new();
    let mut stop = |_: Stream, bytes: &[u8]| {
        seen.extend_from_slice(bytes);
        if String::from_utf8_lossy(&seen).contains("stop-4") {
            ControlFlow::Break(())
        } else {
            ControlFlow::Continue(())
        }
    };
    assert_eq!(shell.wait(Some(&mut stop)).unwrap_err().kind(), ErrorKind::CallbackAborted);
    let end = Instant::now() + WAIT;
    while sandbox.commands().list().unwrap().iter().any(|p| p.pid == shell.pid()) {
        assert!(Instant::now() < end, "the aborted shell was not killed");
        std::thread::sleep(Duration::from_millis(50));
    }
}

#[test]
fn connect_follows_a_running_terminal_and_kill_ends_it() {
    let local = Local::start();
    let sandbox = local.sandbox();
    let pty = sandbox.pty();
    let shell = pty.create(size(24, 80), &PtyOptions::default().timeout(None)).unwrap();
    let pid = shell.pid();
    shell.disconnect();

    let attached = pty.connect(pid, &ConnectOptions::default().timeout(Some(Duration::from_secs(30)))).unwrap();
    assert!(attached.is_pty());
    pty.send_stdin(pid, b"echo again-$((3 * 3))\n").unwrap();
    read_until(&attached, "again-9");
    // An input stream to the terminal.
    let mut input = pty.open_input(pid, &StreamInputOptions::default()).unwrap();
    assert!(input.is_streaming(), "e2b-local has StreamInput");
    input.write(b"echo str").unwrap();
    input.write(b"eamed-$((5 * 5))\n").unwrap();
    read_until(&attached, "streamed-25");
    input.close().unwrap();
    pty.stream_input(pid, [&b"echo iter"[..], b"ated-$((4 * 4))\n"], Some(Duration::from_secs(10))).unwrap();
    read_until(&attached, "iterated-16");

    assert!(pty.kill(pid).unwrap());
    let result = attached.wait(None).unwrap();
    assert_eq!(result.exit_code, -1, "{result:?}");
    assert!(!pty.kill(pid).unwrap(), "already gone");
}

#[test]
fn bad_input_and_unknown_processes_are_typed_errors() {
    let local = Local::start();
    let sandbox = local.sandbox();
    let pty = sandbox.pty();
    let kind = |err: e2b::Error| err.kind();
    assert_eq!(kind(pty.create(size(0, 80), &PtyOptions::default()).unwrap_err()), ErrorKind::InvalidArgument);
    assert_eq!(kind(pty.send_stdin(999_999, b"x").unwrap_err()), ErrorKind::NotFound);
    assert_eq!(kind(pty.resize(999_999, size(10, 10)).unwrap_err()), ErrorKind::NotFound);
    assert_eq!(kind(pty.resize(999_999, size(10, 0)).unwrap_err()), ErrorKind::InvalidArgument);
    assert_eq!(kind(pty.open_input(999_999, &StreamInputOptions::default()).unwrap_err()), ErrorKind::NotFound);
    assert_eq!(kind(sandbox.commands().stream_input(999_999, [b"x"], None).unwrap_err()), ErrorKind::NotFound);
    let missing = pty.create(size(24, 80), &PtyOptions::default().cwd("/no/such/dir")).unwrap_err();
    assert_eq!(missing.kind(), ErrorKind::InvalidArgument, "{missing}");

    // A terminal has no stdin to close, and a command without a terminal cannot be resized.
    let shell = pty.create(size(24, 80), &PtyOptions::default()).unwrap();
    assert!(sandbox.commands().close_stdin(shell.pid()).is_err());
    let sleeper = sandbox.commands().start("sleep 30", &CommandOptions::default()).unwrap();
    assert!(pty.resize(sleeper.pid(), size(10, 10)).is_err());
    // Keystrokes to a process without a terminal go nowhere: envd says so.
    assert!(pty.send_stdin(sleeper.pid(), b"x").is_err());
    sleeper.kill().unwrap();
    shell.kill().unwrap();
}

#[test]
fn stdin_streams_with_keepalives_and_stays_open_after_the_stream() {
    let local = Local::start();
    let sandbox = local.sandbox();
    let commands = sandbox.commands();
    let cat = commands.start("cat", &CommandOptions::default().stdin(true)).unwrap();

    commands.stream_input(cat.pid(), ["one ", "two\n"], Some(Duration::from_secs(10))).unwrap();
    let quiet = StreamInputOptions::default().keepalive_interval(Duration::from_millis(100));
    let mut input = cat.open_input(&quiet).unwrap();
    assert!(input.is_streaming());
    input.write(b"three ").unwrap();
    // Several keepalives go out meanwhile; the server skips them.
    std::thread::sleep(Duration::from_millis(450));
    std::io::Write::write_all(&mut input, b"four\n").unwrap();
    input.close().unwrap();
    cat.send_stdin(b"five\n").unwrap();
    cat.close_stdin().unwrap();
    let result = cat.wait(None).unwrap();
    assert_eq!(String::from_utf8_lossy(&result.stdout), "one two\nthree four\nfive\n");

    // A stream to a process whose stdin is closed (it lives on without) fails, at the latest when closed.
    let cat = commands.start("cat; sleep 30", &CommandOptions::default().stdin(true)).unwrap();
    let mut input = cat.open_input(&StreamInputOptions::default()).unwrap();
    cat.close_stdin().unwrap();
    let err = input.write(b"late\n").and_then(|()| input.close()).unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Api, "{err}");
    assert!(err.message().contains("stdin"), "{err}");
    assert!(cat.kill().unwrap());
}

/// A client whose envd traffic goes through a fault proxy.
fn through_proxy(local: &Local) -> (FaultProxy, Sandbox) {
    let proxy = FaultProxy::start(local.server.addr());
    let config = common::config_for(&local.server).to_builder().api_url(proxy.url()).sandbox_url(proxy.url()).build();
    let client = Client::new(config);
    let sandbox = client.create_sandbox(&SandboxOptions::default().timeout(Duration::from_secs(120))).unwrap();
    (proxy, sandbox)
}

#[test]
fn input_falls_back_to_send_input_where_stream_input_is_unimplemented() {
    let local = Local::start();
    let (proxy, sandbox) = through_proxy(&local);
    let commands = sandbox.commands();
    for fault in [Fault::Unimplemented, Fault::Status(404)] {
        let cat = commands.start("cat", &CommandOptions::default().stdin(true)).unwrap();
        proxy.inject("POST", "/process.Process/StreamInput", 1, fault);
        let before = proxy.requests().len();
        let mut input = cat.open_input(&StreamInputOptions::default()).unwrap();
        assert!(!input.is_streaming(), "{fault:?}: the server has no StreamInput");
        input.write(b"via ").unwrap();
        input.write(b"unary\n").unwrap();
        input.close().unwrap();
        cat.close_stdin().unwrap();
        assert_eq!(cat.wait(None).unwrap().stdout, b"via unary\n");
        let paths: Vec<String> = proxy.requests()[before..].iter().map(|r| r.path.clone()).collect();
        let count = |p: &str| paths.iter().filter(|x| x.as_str() == p).count();
        assert_eq!(count("/process.Process/StreamInput"), 1, "one probe: {paths:?}");
        assert_eq!(count("/process.Process/SendInput"), 2, "one SendInput per write: {paths:?}");
    }

    // With StreamInput: the probe and one stream, no SendInput.
    let cat = commands.start("cat", &CommandOptions::default().stdin(true)).unwrap();
    let before = proxy.requests().len();
    commands.stream_input(cat.pid(), [b"a", b"b"], None).unwrap();
    let paths: Vec<String> = proxy.requests()[before..].iter().map(|r| r.path.clone()).collect();
    assert_eq!(paths, ["/process.Process/StreamInput", "/process.Process/StreamInput"]);
    let stream = &proxy.requests()[before + 1];
    assert_eq!(stream.header("content-type"), Some("application/connect+json"));
    assert_eq!(stream.header("connect-timeout-ms"), None, "no limit asked");
    assert_eq!(stream.header("authorization"), None);
    assert_eq!(stream.header("transfer-encoding"), Some("chunked"), "the body is sent as it comes");
    let before = proxy.requests().len();
    commands.stream_input(cat.pid(), [b"c"], Some(Duration::from_millis(1500))).unwrap();
    assert_eq!(proxy.requests()[before + 1].header("connect-timeout-ms"), Some("1500"));
    cat.close_stdin().unwrap();
    assert_eq!(cat.wait(None).unwrap().stdout, b"abc");
}

#[test]
fn retain_output_and_connect_timeouts() {
    let local = Local::start();
    let sandbox = local.sandbox();
    let commands = sandbox.commands();
    let mut chunks = Vec::new();
    let mut collect = |_: Stream, bytes: &[u8]| {
        chunks.extend_from_slice(bytes);
        ControlFlow::Continue(())
    };
    let options = CommandOptions::default().retain_output(false);
    let result = commands.run("echo out; echo err >&2; exit 4", &options, Some(&mut collect)).unwrap();
    assert_eq!(result.exit_code, 4);
    assert!(result.stdout.is_empty() && result.stderr.is_empty(), "{result:?}");
    assert_eq!(chunks.len(), 8, "the callback still sees everything: {:?}", String::from_utf8_lossy(&chunks));

    let sleeper = commands.start("sleep 30", &CommandOptions::default()).unwrap();
    let started = Instant::now();
    let follow = ConnectOptions::default().timeout(Some(Duration::from_millis(800))).retain_output(false);
    let attached = commands.connect_with(sleeper.pid(), &follow).unwrap();
    let err = attached.wait(None).unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Timeout, "{err}");
    assert!(started.elapsed() < Duration::from_secs(5), "{:?}", started.elapsed());
    assert!(commands.kill(sleeper.pid()).unwrap(), "the limit ends the following, not the process");
}
