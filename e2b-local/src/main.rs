//! `e2b-local`: serve until SIGINT or SIGTERM, after printing the three `export` lines that
//! point the E2B SDKs at this server.

use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

use e2b_local::{Instance, Options};

const USAGE: &str = "\
Usage: e2b-local [--host HOST] [--port PORT] [--data-dir DIR] [--api-key KEY]

An offline E2B-compatible server. On start it prints, for a shell to eval:
  export E2B_API_URL=...  export E2B_SANDBOX_URL=...  export E2B_API_KEY=...

Commands and the code interpreter run as real processes confined with bubblewrap
(`bwrap`, package `bubblewrap`), each sandbox on its own copy-on-write root over the
base image that scripts/setup.sh builds (found in $E2B_LOCAL_IMAGES, DIR/images or
the checkout's target/e2b-local/images); without it, over the host's system folders,
and the code interpreter needs python3 >= 3.9 in /usr.
Run as root for the base image, the `root` sandbox user and the cgroup freezer.
Processes do not outlive the server: after a restart, sandboxes keep their files only.

Options:
  --host HOST      address to listen on (default 127.0.0.1)
  --port PORT      port to listen on; 0 picks a free one (default 49982)
  --data-dir DIR   templates, sandboxes and the API key
                   (default $XDG_DATA_HOME/e2b-local or ~/.local/share/e2b-local)
  --api-key KEY    the API key clients must send (default: generated once, kept in DIR/api-key)
  -h, --help       show this help
  -V, --version    show the version";

fn main() -> ExitCode {
    let options = match parse_args(std::env::args().skip(1)) {
        Ok(Some(options)) => options,
        Ok(None) => return ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("e2b-local: {message}\n\n{USAGE}");
            return ExitCode::from(2);
        }
    };
    let runtime = match tokio::runtime::Runtime::new() {
        Ok(runtime) => runtime,
        Err(e) => {
            eprintln!("e2b-local: cannot start the runtime: {e}");
            return ExitCode::FAILURE;
        }
    };
    let data_dir = options.data_dir.clone();
    let result = runtime.block_on(async {
        let instance = Instance::bind(options).await?;
        let url = instance.url();
        let mut stdout = std::io::stdout().lock();
        writeln!(stdout, "export E2B_API_URL={url}")?;
        writeln!(stdout, "export E2B_SANDBOX_URL={url}")?;
        writeln!(stdout, "export E2B_API_KEY={}", instance.api_key())?;
        stdout.flush()?;
        drop(stdout);
        eprintln!("e2b-local: serving on {url}, data in {}", data_dir.display());
        instance.serve(shutdown_signal()).await
    });
    runtime.shutdown_timeout(std::time::Duration::from_secs(1));
    match result {
        Ok(()) => {
            eprintln!("e2b-local: stopped");
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("e2b-local: {e}");
            ExitCode::FAILURE
        }
    }
}

/// Completes on the first SIGINT or SIGTERM.
async fn shutdown_signal() {
    use tokio::signal::unix::{signal, SignalKind};
    match signal(SignalKind::terminate()) {
        Ok(mut terminate) => {
            tokio::select! {
                _ = tokio::signal::ctrl_c() => {}
                _ = terminate.recv() => {}
            }
        }
        Err(_) => drop(tokio::signal::ctrl_c().await),
    }
}

/// The options, or `None` when the command only asks for help or the version (then printed).
fn parse_args(mut args: impl Iterator<Item = String>) -> Result<Option<Options>, String> {
    let mut host = "127.0.0.1".to_string();
    let mut port = 49982;
    let mut data_dir = None;
    let mut api_key = None;
    while let Some(arg) = args.next() {
        let (flag, inline) = match arg.split_once('=') {
            Some((flag, value)) if flag.starts_with("--") => (flag.to_string(), Some(value.to_string())),
            _ => (arg, None),
        };
        if flag == "-h" || flag == "--help" {
            println!("{USAGE}");
            return Ok(None);
        }
        if flag == "-V" || flag == "--version" {
            println!("e2b-local {}", env!("CARGO_PKG_VERSION"));
            return Ok(None);
        }
        let mut value = || inline.clone().or_else(|| args.next()).ok_or_else(|| format!("{flag} needs a value"));
        match flag.as_str() {
            "--host" => host = value()?,
            "--port" => port = value()?.parse().map_err(|_| "--port needs a number from 0 to 65535".to_string())?,
            "--data-dir" => data_dir = Some(PathBuf::from(value()?)),
            "--api-key" => api_key = Some(value()?).filter(|k| !k.is_empty()),
            other => return Err(format!("unknown argument '{other}'")),
        }
    }
    let data_dir = match data_dir {
        Some(dir) => dir,
        None => default_data_dir().ok_or("no --data-dir given, and neither XDG_DATA_HOME nor HOME is set")?,
    };
    Ok(Some(Options { host, port, data_dir, api_key }))
}

fn default_data_dir() -> Option<PathBuf> {
    let from = |var: &str| std::env::var_os(var).filter(|v| !v.is_empty()).map(PathBuf::from);
    from("XDG_DATA_HOME")
        .map(|dir| dir.join("e2b-local"))
        .or_else(|| from("HOME").map(|home| home.join(".local/share/e2b-local")))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(args: &[&str]) -> Result<Option<Options>, String> {
        parse_args(args.iter().map(|s| s.to_string()))
    }

    #[test]
    fn parses_flags() {
        let options =
            parse(&["--port", "0", "--data-dir=/tmp/x", "--host", "0.0.0.0", "--api-key", "e2b_1"]).unwrap().unwrap();
        assert_eq!((options.host.as_str(), options.port), ("0.0.0.0", 0));
        assert_eq!(options.data_dir, PathBuf::from("/tmp/x"));
        assert_eq!(options.api_key.as_deref(), Some("e2b_1"));
        assert_eq!(parse(&["--data-dir", "/d"]).unwrap().unwrap().port, 49982);
        assert!(parse(&["--help"]).unwrap().is_none());
        assert!(parse(&["--port"]).is_err());
        assert!(parse(&["--port", "99999"]).is_err());
        assert!(parse(&["--verbose"]).is_err());
    }
}
