//! The command line: version, help, and a clear error for a port in use.

use std::net::TcpListener;
use std::process::Command;

fn e2b_local() -> Command {
    Command::new(env!("CARGO_BIN_EXE_e2b-local"))
}

#[test]
fn version_prints_the_package_version() {
    let out = e2b_local().arg("--version").output().unwrap();
    assert!(out.status.success());
    assert_eq!(String::from_utf8(out.stdout).unwrap(), format!("e2b-local {}\n", env!("CARGO_PKG_VERSION")));
}

#[test]
fn help_says_where_data_lives() {
    let out = e2b_local().arg("--help").output().unwrap();
    assert!(out.status.success());
    let help = String::from_utf8(out.stdout).unwrap();
    assert!(help.contains("--data-dir DIR") && help.contains("~/.local/share/e2b-local"), "{help}");
    assert!(help.contains("--version"), "{help}");
}

#[test]
fn a_port_in_use_is_named() {
    let taken = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = taken.local_addr().unwrap().port();
    let data = tempfile::tempdir().unwrap();
    let out = e2b_local().args(["--port", &port.to_string(), "--data-dir"]).arg(data.path()).output().unwrap();
    assert_eq!(out.status.code(), Some(1));
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert!(stderr.contains(&format!("127.0.0.1:{port} is in use")), "{stderr}");
    assert!(stderr.contains("--port 0"), "{stderr}");
}
