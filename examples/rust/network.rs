//! Network rules in Rust: a sandbox that may reach nothing but an allow
//! list, one request that goes through and one that is blocked, then the
//! rules replaced while the sandbox runs.
//!
//! ```text
//! network [ALLOWED_URL] [BLOCKED_URL] [NAME:ADDRESS]
//! ```
//!
//! The URLs default to two public sites; any two HTTP(S) servers work, such
//! as two on your own network. The allow list holds the allowed URL's host
//! (an IP is allowed as `IP/32`, a name as a domain, with DNS through the
//! default nameserver); everything else is denied. `NAME:ADDRESS` makes
//! curl in the sandbox reach `NAME` at `ADDRESS` without DNS (`--resolve`),
//! for a name no DNS server knows: a domain rule matches the name the
//! request asks for (TLS SNI or HTTP `Host`), so `scripts/test.sh` shows
//! both outcomes with one server of its own, by name and by address.
//!
//! Uses E2B_API_KEY, and E2B_API_URL / E2B_SANDBOX_URL for e2b-local, from
//! the environment: `scripts/with-e2b-local.sh cargo run -p e2b --example network`.

use std::time::Duration;

use e2b::{Client, CommandOptions, NetworkOptions, NetworkUpdate, Sandbox, SandboxOptions, ALL_TRAFFIC};

/// The host of `url` (`scheme://host[:port]/...`).
fn host_of(url: &str) -> &str {
    let rest = url.split_once("://").map_or(url, |(_, rest)| rest);
    let authority = rest.split(['/', '?', '#']).next().unwrap_or(rest);
    authority
        .rsplit_once(':')
        .filter(|(_, port)| port.chars().all(|c| c.is_ascii_digit()))
        .map_or(authority, |(h, _)| h)
}

/// An allow-list entry for `host`: a /32 for an IPv4 address, else the domain.
fn allow_entry(host: &str) -> String {
    if host.parse::<std::net::Ipv4Addr>().is_ok() {
        format!("{host}/32")
    } else {
        host.to_owned()
    }
}

/// Fetches `url` from inside the sandbox and says what happened.
fn fetch(sandbox: &Sandbox, url: &str, resolve: &str) -> e2b::Result<String> {
    let resolve = match resolve.split_once(':') {
        Some((name, address)) => {
            let port = url.split_once("://").map_or("", |(_, rest)| rest);
            let authority = port.split(['/', '?', '#']).next().unwrap_or(port);
            let port =
                authority.rsplit_once(':').map_or(if url.starts_with("https") { "443" } else { "80" }, |(_, p)| p);
            format!("--resolve '{name}:{port}:{address}' ")
        }
        None => String::new(),
    };
    let command = format!("curl -sS -o /dev/null -m 5 -w '%{{http_code}}' {resolve}'{url}'");
    let options = CommandOptions::default().timeout(Some(Duration::from_secs(20)));
    let result = sandbox.commands().run(&command, &options, None)?;
    Ok(if result.exit_code == 0 {
        format!("reached, HTTP {}", String::from_utf8_lossy(&result.stdout))
    } else {
        format!("blocked ({})", String::from_utf8_lossy(&result.stderr).trim())
    })
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut args = std::env::args().skip(1);
    let allowed = args.next().unwrap_or_else(|| "https://e2b.dev".to_owned());
    let blocked = args.next().unwrap_or_else(|| "https://example.com".to_owned());
    let resolve = args.next().unwrap_or_default();
    let client = Client::from_env();

    // Deny all egress, then allow one host: allow entries beat deny entries.
    let network = NetworkOptions::default().deny_out(ALL_TRAFFIC).allow_out(allow_entry(host_of(&allowed)));
    println!("network: {network:?}");
    let sandbox =
        client.create_sandbox(&SandboxOptions::default().timeout(Duration::from_secs(120)).network(network))?;
    println!("sandbox {}", sandbox.id());
    println!("  {allowed}: {}", fetch(&sandbox, &allowed, &resolve)?);
    println!("  {blocked}: {}", fetch(&sandbox, &blocked, &resolve)?);

    // Replace the rules while it runs: now only the other host is allowed.
    let update = NetworkUpdate::default().deny_out(ALL_TRAFFIC).allow_out(allow_entry(host_of(&blocked)));
    match sandbox.update_network(&update) {
        Ok(()) => {
            println!("rules replaced: only {} allowed", host_of(&blocked));
            println!("  {allowed}: {}", fetch(&sandbox, &allowed, &resolve)?);
            println!("  {blocked}: {}", fetch(&sandbox, &blocked, &resolve)?);
        }
        Err(err) => println!("update_network failed: {err}"),
    }
    sandbox.kill()?;
    Ok(())
}
