//! Network rules of a sandbox (`network.allowOut`/`denyOut`/`dnsServers`, `allow_internet_access`),
//! enforced from outside the sandbox.
//!
//! Each jail has a network namespace of its own, in one of three states:
//! - **open** (no rule): `tap0` of a slirp4netns, as before ([`crate::isolation`]);
//! - **closed** (rules that allow nothing): its loopback only;
//! - **filtered** (any other rules): a veth pair whose two ends are both inside (`eth0`, with the
//!   sandbox's address `10.0.2.100/24` and the default route, and `void0`, which leads nowhere), and
//!   an nftables table `ip e2b` that e2b-local loads from outside (it joins the namespace; the
//!   sandbox's root has no `CAP_NET_ADMIN` there). The table redirects every outbound TCP
//!   connection to a socket e2b-local opened inside the namespace (a socket stays in the
//!   namespace it was made in), UDP to port 53 of each allowed nameserver to a forwarding socket
//!   of its own, and rejects whatever else would leave through `eth0`. e2b-local's proxy reads
//!   each connection's original destination (`SO_ORIGINAL_DST`), applies the [`Policy`] (by
//!   address; by TLS server name or HTTP `Host` when only a domain can allow it) and splices it to
//!   the destination from e2b-local's own namespace. Without the table, packets go to `void0`
//!   and are lost: the sandbox fails closed.
//!
//! A live update ([`JailNet::apply`]) swaps the policy the proxy reads (one pointer: new
//! connections see the old or the new policy, whole), reloads the table in one nftables
//! transaction when the nameservers change, and moves the namespace between the three states.
//! Connections already spliced are left to end.

pub mod policy;
mod proxy;
mod sniff;

use std::io;
use std::net::Ipv4Addr;
use std::os::fd::{AsRawFd, OwnedFd, RawFd};
use std::sync::{Arc, OnceLock, RwLock};

use tokio::io::AsyncWriteExt;
use tokio::sync::Mutex;
use tokio::task::AbortHandle;

use crate::isolation::{self, Network};
pub use policy::{Mode, Policy};

/// The sandbox's interface on the filtered path, its peer, and the addresses (those slirp4netns
/// gives `tap0`, so that the sandbox sees the same network in both states).
const IFACE: &str = "eth0";
const VOID: &str = "void0";
const ADDRESS: &str = "10.0.2.100/24";
const GATEWAY: &str = "10.0.2.2";
/// The nameserver of the sandbox's `/etc/resolv.conf` (slirp4netns's forwarder when open). When
/// filtered it leads to the first allowed nameserver when a domain is allowed, else to the
/// host's nameserver when the rules allow its address ([`Policy::resolver`]).
const RESOLVER: Ipv4Addr = Ipv4Addr::new(10, 0, 2, 3);
/// The nftables table e2b-local owns in a filtered namespace.
const TABLE: &str = "e2b";

/// `nft`, found once.
fn nft_path() -> Option<&'static std::path::Path> {
    static FOUND: OnceLock<Option<std::path::PathBuf>> = OnceLock::new();
    FOUND.get_or_init(|| find_program("nft")).as_deref()
}

/// `ip` (iproute2), found once.
fn ip_path() -> Option<&'static std::path::Path> {
    static FOUND: OnceLock<Option<std::path::PathBuf>> = OnceLock::new();
    FOUND.get_or_init(|| find_program("ip")).as_deref()
}

fn find_program(name: &str) -> Option<std::path::PathBuf> {
    ["/usr/sbin", "/usr/bin", "/sbin", "/bin"]
        .iter()
        .map(|dir| std::path::Path::new(dir).join(name))
        .find(|p| p.is_file())
}

/// Why filtered networks cannot be made here, if they cannot: sandboxes with rules then have
/// their loopback only (closed, never open).
pub fn filtering_unavailable() -> Option<String> {
    if !isolation::server_is_root() {
        return Some("e2b-local does not run as root".into());
    }
    if nft_path().is_none() {
        return Some("nft is not installed (Debian/Ubuntu package `nftables`)".into());
    }
    if ip_path().is_none() {
        return Some("ip is not installed (Debian/Ubuntu package `iproute2`)".into());
    }
    None
}

/// The network of one running jail.
pub struct JailNet {
    id: String,
    /// The jail's init on the host (for slirp4netns, which joins through its user namespace).
    init_pid: i32,
    /// The jail's network namespace.
    netns: OwnedFd,
    state: Mutex<State>,
}

enum State {
    Closed,
    Open(Network),
    Filtered(Filter),
}

/// A filtered namespace's moving parts on e2b-local's side.
struct Filter {
    policy: Arc<RwLock<Arc<Policy>>>,
    /// The proxy's port on the namespace's loopback.
    proxy_port: u16,
    /// Each forwarder of nameserver queries: the address the sandbox sends to, the nameserver
    /// it forwards to, and its port on the namespace's loopback.
    dns: Vec<(Ipv4Addr, Ipv4Addr, u16)>,
    tasks: Vec<AbortHandle>,
}

impl Drop for Filter {
    fn drop(&mut self) {
        // The listening sockets close with their tasks.
        for task in &self.tasks {
            task.abort();
        }
    }
}

impl JailNet {
    /// The network of the jail whose init is host process `init_pid`, whose network namespace
    /// is `netns`: closed until [`JailNet::apply`].
    pub fn new(id: &str, init_pid: i32, netns: OwnedFd) -> JailNet {
        JailNet { id: id.to_string(), init_pid, netns, state: Mutex::new(State::Closed) }
    }

    /// Moves the namespace to `mode`. What cannot be made is logged, and leaves the sandbox
    /// closed (never more open than asked).
    pub async fn apply(&self, mode: &Mode) {
        let mut state = self.state.lock().await;
        let result = self.apply_locked(&mut state, mode).await;
        if let Err(e) = result {
            eprintln!("e2b-local: sandbox {}: network: {e}; the sandbox has its loopback only", self.id);
            if let Err(e) = self.close(&mut state).await {
                eprintln!("e2b-local: sandbox {}: network: closing failed: {e}", self.id);
            }
        }
    }

    async fn apply_locked(&self, state: &mut State, mode: &Mode) -> io::Result<()> {
        match mode {
            Mode::Open => {
                if matches!(state, State::Open(_)) {
                    return Ok(());
                }
                self.close(state).await?;
                match isolation::slirp_path() {
                    Some(slirp) => {
                        let network = isolation::start_network(slirp, self.init_pid)
                            .await
                            .map_err(|e| io::Error::other(format!("no internet access: slirp4netns: {e}")))?;
                        *state = State::Open(network);
                    }
                    None => eprintln!("e2b-local: sandbox {}: no internet access: slirp4netns is missing", self.id),
                }
                Ok(())
            }
            Mode::Filtered(policy) if policy.blocks_everything() => self.close(state).await,
            Mode::Filtered(policy) => {
                if let Some(why) = filtering_unavailable() {
                    return Err(io::Error::other(format!("network rules cannot be enforced: {why}")));
                }
                let policy = Arc::new(policy.clone());
                if let State::Filtered(filter) = state {
                    self.update_filter(filter, policy).await?;
                    return Ok(());
                }
                self.close(state).await?;
                *state = State::Filtered(self.make_filter(policy).await?);
                Ok(())
            }
        }
    }

    /// Leaves the namespace with its loopback only.
    async fn close(&self, state: &mut State) -> io::Result<()> {
        match std::mem::replace(state, State::Closed) {
            State::Closed => Ok(()),
            State::Open(network) => {
                network.stop().await;
                Ok(())
            }
            State::Filtered(filter) => {
                // Interfaces first: with the table gone and `eth0` still there, packets would
                // only reach `void0`, but there is no need for even that moment.
                let result = self.ip(&format!("link del {IFACE}\n")).await;
                let table = self.nft(&format!("delete table ip {TABLE}\n")).await;
                drop(filter);
                result.and(table)
            }
        }
    }

    /// Sets up the filtered path in a namespace that has its loopback only.
    async fn make_filter(&self, policy: Arc<Policy>) -> io::Result<Filter> {
        let setup = format!(
            "link add {IFACE} type veth peer name {VOID}\naddr add {ADDRESS} dev {IFACE}\nlink set {IFACE} up\n\
             link set {VOID} up\nroute replace default via {GATEWAY} dev {IFACE}\n"
        );
        // The table first: `eth0` never carries a packet without it.
        let mut filter =
            Filter { policy: Arc::new(RwLock::new(policy.clone())), proxy_port: 0, dns: Vec::new(), tasks: Vec::new() };
        let listener = self.in_netns(|| {
            let listener = std::net::TcpListener::bind((Ipv4Addr::LOCALHOST, 0))?;
            listener.set_nonblocking(true)?;
            Ok(listener)
        })?;
        filter.proxy_port = listener.local_addr()?.port();
        let listener = tokio::net::TcpListener::from_std(listener)?;
        filter.tasks.push(tokio::spawn(proxy::serve(listener, filter.policy.clone(), self.id.clone())).abort_handle());
        self.open_dns(&mut filter, &policy)?;
        self.nft(&ruleset(&filter)).await?;
        if let Err(e) = self.ip(&setup).await {
            let _ = self.ip(&format!("link del {IFACE}\n")).await;
            let _ = self.nft(&format!("delete table ip {TABLE}\n")).await;
            return Err(e);
        }
        Ok(filter)
    }

    /// Swaps the policy of a filtered namespace; reloads its table when the nameservers change.
    async fn update_filter(&self, filter: &mut Filter, policy: Arc<Policy>) -> io::Result<()> {
        let servers: Vec<(Ipv4Addr, Ipv4Addr)> = filter.dns.iter().map(|&(to, via, _)| (to, via)).collect();
        if servers == forwards(&policy) {
            *filter.policy.write().unwrap_or_else(|p| p.into_inner()) = policy;
            return Ok(());
        }
        // New forwarders; the old ones end once the table no longer leads to them (or when
        // anything fails: the caller then closes the namespace). The proxy is the first task.
        let old_forwarders: Vec<AbortHandle> = filter.tasks.drain(1..).collect();
        filter.dns.clear();
        let result = match self.open_dns(filter, &policy) {
            Ok(()) => {
                *filter.policy.write().unwrap_or_else(|p| p.into_inner()) = policy;
                self.nft(&ruleset(filter)).await
            }
            Err(e) => Err(e),
        };
        for task in old_forwarders {
            task.abort();
        }
        result
    }

    /// Opens one forwarder per allowed nameserver (and the sandbox's resolver), inside the namespace.
    fn open_dns(&self, filter: &mut Filter, policy: &Policy) -> io::Result<()> {
        for (to, server) in forwards(policy) {
            let socket = self.in_netns(|| {
                let socket = std::net::UdpSocket::bind((Ipv4Addr::LOCALHOST, 0))?;
                socket.set_nonblocking(true)?;
                Ok(socket)
            })?;
            let port = socket.local_addr()?.port();
            let socket = tokio::net::UdpSocket::from_std(socket)?;
            filter.tasks.push(tokio::spawn(proxy::forward_dns(socket, server, self.id.clone())).abort_handle());
            filter.dns.push((to, server, port));
        }
        Ok(())
    }

    /// Ends the network with the jail.
    pub async fn shutdown(&self) {
        let mut state = self.state.lock().await;
        // The namespace is going away: only e2b-local's side needs ending (slirp4netns, or the
        // proxy's sockets, which would keep the namespace alive).
        if let State::Open(network) = std::mem::replace(&mut *state, State::Closed) {
            network.stop().await;
        }
    }

    /// Ends slirp4netns and the proxy at once, if no change is under way (blocking callers).
    pub fn kill(&self) {
        if let Ok(mut state) = self.state.try_lock() {
            *state = State::Closed;
        }
    }

    /// What the namespace is now: `"open"`, `"closed"` or `"filtered"`.
    #[cfg(test)]
    pub async fn describe(&self) -> &'static str {
        match &*self.state.lock().await {
            State::Closed => "closed",
            State::Open(_) => "open",
            State::Filtered(_) => "filtered",
        }
    }

    /// A connection to `port` on the namespace's loopback, where a server the sandbox runs
    /// listens (on `0.0.0.0` or `127.0.0.1`): how e2b-local reaches the sandbox's ports.
    pub async fn connect(&self, port: u16) -> io::Result<tokio::net::TcpStream> {
        // A thread of its own joins the namespace (and ends), with a descriptor of its own: the
        // caller may give up waiting while it connects.
        let netns = self.netns.try_clone()?;
        let (done, result) = tokio::sync::oneshot::channel();
        std::thread::Builder::new().name("e2b-local-port".into()).spawn(move || {
            // SAFETY: `setns` on an open namespace descriptor; the thread ends after the connect.
            let connected = if unsafe { libc::setns(netns.as_raw_fd(), libc::CLONE_NEWNET) } != 0 {
                Err(io::Error::last_os_error())
            } else {
                let address = std::net::SocketAddr::from((Ipv4Addr::LOCALHOST, port));
                std::net::TcpStream::connect_timeout(&address, std::time::Duration::from_secs(5))
            };
            let _ = done.send(connected);
        })?;
        let stream = result.await.map_err(|_| io::Error::other("the connecting thread ended"))??;
        stream.set_nonblocking(true)?;
        stream.set_nodelay(true)?;
        tokio::net::TcpStream::from_std(stream)
    }

    /// Runs `work` on a thread of its own inside the namespace (sockets made there stay there).
    fn in_netns<T: Send>(&self, work: impl FnOnce() -> io::Result<T> + Send) -> io::Result<T> {
        let fd = self.netns.as_raw_fd();
        std::thread::scope(|scope| {
            scope
                .spawn(move || {
                    // SAFETY: `setns` on an open namespace descriptor; the thread ends after `work`.
                    if unsafe { libc::setns(fd, libc::CLONE_NEWNET) } != 0 {
                        return Err(io::Error::last_os_error());
                    }
                    work()
                })
                .join()
                .unwrap_or_else(|_| Err(io::Error::other("a thread in the sandbox's network panicked")))
        })
    }

    async fn ip(&self, batch: &str) -> io::Result<()> {
        let ip = ip_path().ok_or_else(|| io::Error::other("ip is not installed"))?;
        run_in(self.netns.as_raw_fd(), ip, &["-batch", "-"], batch).await
    }

    async fn nft(&self, script: &str) -> io::Result<()> {
        let nft = nft_path().ok_or_else(|| io::Error::other("nft is not installed"))?;
        run_in(self.netns.as_raw_fd(), nft, &["-f", "-"], script).await
    }
}

/// The nameserver queries a policy lets through: (the address the sandbox sends to, the
/// nameserver e2b-local forwards to).
fn forwards(policy: &Policy) -> Vec<(Ipv4Addr, Ipv4Addr)> {
    let mut forwards: Vec<_> = policy.dns_servers().iter().map(|&server| (server, server)).collect();
    forwards.extend(policy.resolver(host_nameserver()).map(|server| (RESOLVER, server)));
    forwards
}

/// The first IPv4 nameserver of the host's `/etc/resolv.conf` (where slirp4netns's resolver
/// leads too), read once.
pub fn host_nameserver() -> Option<Ipv4Addr> {
    static FOUND: OnceLock<Option<Ipv4Addr>> = OnceLock::new();
    *FOUND.get_or_init(|| {
        let conf = std::fs::read_to_string("/etc/resolv.conf").unwrap_or_default();
        conf.lines().find_map(|line| line.strip_prefix("nameserver")?.trim().parse().ok())
    })
}

/// The table of a filtered namespace, replaced whole in one transaction.
fn ruleset(filter: &Filter) -> String {
    let mut nat = String::new();
    for (to, _, port) in &filter.dns {
        nat += &format!("    ip daddr {to} udp dport 53 redirect to :{port}\n");
    }
    format!(
        "table ip {TABLE} {{}}\ndelete table ip {TABLE}\ntable ip {TABLE} {{\n\
         \x20 chain nat_out {{\n    type nat hook output priority -100; policy accept;\n\
         \x20   fib daddr type local return\n{nat}    ip protocol tcp redirect to :{port}\n  }}\n\
         \x20 chain filter_out {{\n    type filter hook output priority 0; policy accept;\n\
         \x20   fib daddr type local accept\n    ip protocol tcp reject with tcp reset\n    reject\n  }}\n}}\n",
        port = filter.proxy_port
    )
}

/// Runs `program args` inside network namespace `netns`, `input` on its stdin.
async fn run_in(netns: RawFd, program: &std::path::Path, args: &[&str], input: &str) -> io::Result<()> {
    let mut command = tokio::process::Command::new(program);
    command
        .args(args)
        .env_clear()
        .env("PATH", isolation::DEFAULT_PATH)
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::piped());
    // SAFETY: `setns` is async-signal-safe; the descriptor stays open until `spawn` returns.
    unsafe {
        command.pre_exec(move || {
            if libc::setns(netns, libc::CLONE_NEWNET) != 0 {
                return Err(io::Error::last_os_error());
            }
            Ok(())
        });
    }
    let mut child = command.spawn()?;
    let mut stdin = child.stdin.take().expect("piped");
    // A few hundred bytes: the pipe takes them whole.
    stdin.write_all(input.as_bytes()).await?;
    drop(stdin);
    let output = child.wait_with_output().await?;
    if !output.status.success() {
        let message = String::from_utf8_lossy(&output.stderr);
        return Err(io::Error::other(format!("{}: {}", program.display(), message.trim())));
    }
    Ok(())
}

impl crate::sandboxes::Sandbox {
    /// How the sandbox reaches the network, from its stored settings.
    pub fn network_mode(&self) -> Mode {
        Mode::of(self.allow_internet_access, self.network.as_ref())
    }
}

#[cfg(test)]
mod tests {
    use std::process::Stdio;
    use std::sync::Arc;
    use std::time::{Duration, Instant};

    use serde_json::json;
    use tokio::process::Command;

    use super::*;
    use crate::isolation::{Jail, Machine, User, DEFAULT_PATH};
    use crate::rootfs::{Base, Rootfs};

    /// The test's network peer (tests/conformance/network_peer.py): a namespace of its own with
    /// HTTP servers on two addresses, removed when this is dropped (its stdin closes).
    struct Peer {
        ip: String,
        ip2: String,
        _holder: std::process::Child,
    }

    fn peer() -> Option<Peer> {
        if filtering_unavailable().is_some() || isolation::availability().is_err() {
            eprintln!("skipped: network rules cannot be enforced here");
            return None;
        }
        let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/../tests/conformance");
        let script = format!(
            "import sys; sys.path.insert(0, {dir:?}); from network_peer import Peer\n\
             p = Peer()\nprint(p.ip, p.ip2, flush=True)\ntry:\n    sys.stdin.read()\nfinally:\n    p.close()\n"
        );
        let mut holder = std::process::Command::new("/usr/bin/python3")
            .args(["-c", &script])
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .spawn()
            .unwrap();
        let mut line = String::new();
        std::io::BufRead::read_line(&mut std::io::BufReader::new(holder.stdout.take().unwrap()), &mut line).unwrap();
        let mut ips = line.split_whitespace().map(str::to_string);
        let (ip, ip2) = (ips.next().expect("the peer started"), ips.next().unwrap());
        Some(Peer { ip, ip2, _holder: holder })
    }

    fn mode(network: serde_json::Value) -> Mode {
        Mode::of(None, Some(&network))
    }

    async fn machine(network: Mode) -> (tempfile::TempDir, Arc<Machine>) {
        static COUNT: std::sync::atomic::AtomicU32 = std::sync::atomic::AtomicU32::new(0);
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(dir.path().join("fs/home/user")).unwrap();
        let id = format!("net{}", COUNT.fetch_add(1, std::sync::atomic::Ordering::Relaxed));
        let rootfs = Arc::new(Rootfs::new(dir.path().to_path_buf(), Base::Host));
        (dir, Arc::new(Machine::new(&id, rootfs, Vec::new(), network)))
    }

    async fn end(machine: Arc<Machine>) {
        tokio::task::spawn_blocking(move || machine.end()).await.unwrap();
    }

    async fn sh(jail: &Jail, user: User, script: &str) -> (bool, String) {
        let cwd = jail.open_dir("/home/user").unwrap();
        let mut command = Command::new("/bin/sh");
        command.args(["-c", script]).env_clear().env("PATH", DEFAULT_PATH);
        command.stdin(Stdio::null()).stdout(Stdio::piped()).stderr(Stdio::piped());
        let output = jail.spawn(&mut command, user, &cwd, false).unwrap().child.wait_with_output().await.unwrap();
        let text = String::from_utf8_lossy(&output.stdout).to_string() + &String::from_utf8_lossy(&output.stderr);
        (output.status.success(), text)
    }

    /// Whether `http://{ip}/` answers from inside the jail.
    async fn reaches(jail: &Jail, ip: &str) -> bool {
        let (ok, text) = sh(jail, User::User, &format!("curl -sS --max-time 5 http://{ip}/")).await;
        assert!(!ok || text == format!("peer {ip}"), "{text}");
        ok
    }

    /// The answer of a UDP query to `{ip}:53` from inside the jail, or `failed`.
    async fn udp(jail: &Jail, ip: &str) -> String {
        let script = format!(
            "/usr/bin/python3 -c 'import socket; s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM); \
             s.settimeout(2); s.sendto(b\"q\", (\"{ip}\", 53)); print(s.recv(100).decode())' 2>/dev/null || echo failed"
        );
        sh(jail, User::User, &script).await.1.trim().to_string()
    }

    #[tokio::test(flavor = "multi_thread")]
    async fn a_filtered_sandbox_cannot_lift_its_rules_and_fails_closed() {
        let Some(peer) = peer() else { return };
        let (_dir, machine) = machine(mode(json!({"allowOut": [peer.ip], "denyOut": ["0.0.0.0/0"]}))).await;
        let jail = machine.jail().await.unwrap();
        assert_eq!(jail.net().describe().await, "filtered");
        assert!(reaches(&jail, &peer.ip).await);
        assert!(!reaches(&jail, &peer.ip2).await);
        // The sandbox's root has no CAP_NET_ADMIN in its network namespace.
        for script in ["nft flush ruleset", "ip link del eth0", "ip route replace default dev void0"] {
            let (ok, text) = sh(&jail, User::Root, script).await;
            assert!(!ok && text.contains("Operation not permitted"), "{script}: {text}");
        }
        assert!(!reaches(&jail, &peer.ip2).await);
        // Were the table gone (it is e2b-local's alone), nothing would leave at all.
        jail.net().nft(&format!("delete table ip {TABLE}\n")).await.unwrap();
        assert!(!reaches(&jail, &peer.ip).await);
        assert!(!reaches(&jail, &peer.ip2).await);
        end(machine).await;
    }

    #[tokio::test(flavor = "multi_thread")]
    async fn live_changes_move_a_sandbox_between_its_networks() {
        let Some(peer) = peer() else { return };
        let (_dir, machine) = machine(Mode::Open).await;
        let jail = machine.jail().await.unwrap();
        let open = isolation::slirp_path().is_some();
        if open {
            assert_eq!(jail.net().describe().await, "open");
            assert!(reaches(&jail, &peer.ip2).await);
        }
        machine.set_network(|| Some(mode(json!({"denyOut": [peer.ip2]})))).await;
        assert_eq!(jail.net().describe().await, "filtered");
        assert!(!reaches(&jail, &peer.ip2).await);
        assert!(reaches(&jail, &peer.ip).await);
        // Filtered to filtered: a new policy, the same namespace.
        machine.set_network(|| Some(mode(json!({"allowOut": [peer.ip2], "denyOut": ["0.0.0.0/0"]})))).await;
        assert!(reaches(&jail, &peer.ip2).await);
        assert!(!reaches(&jail, &peer.ip).await);
        // New nameservers: the table is reloaded, with new forwarders.
        let dns =
            |server: &str| mode(json!({"allowOut": ["a.test"], "denyOut": ["0.0.0.0/0"], "dnsServers": [server]}));
        machine.set_network(|| Some(dns(&peer.ip))).await;
        assert_eq!(udp(&jail, &peer.ip).await, "dns q");
        assert_eq!(udp(&jail, "10.0.2.3").await, "dns q");
        machine.set_network(|| Some(dns(&peer.ip2))).await;
        assert_eq!(udp(&jail, &peer.ip).await, "failed");
        assert_eq!(udp(&jail, &peer.ip2).await, "dns q");
        machine.set_network(|| Some(Mode::of(Some(false), None))).await;
        assert_eq!(jail.net().describe().await, "closed");
        assert!(!reaches(&jail, &peer.ip).await);
        if open {
            machine.set_network(|| Some(Mode::Open)).await;
            assert_eq!(jail.net().describe().await, "open");
            assert!(reaches(&jail, &peer.ip).await);
            assert!(reaches(&jail, &peer.ip2).await);
        }
        end(machine).await;
    }

    /// Figures for the README: jail start by network state, and the time of a new HTTP connection
    /// open versus filtered. `cargo test -p e2b-local egress::tests::measure -- --ignored --nocapture`
    #[tokio::test(flavor = "multi_thread")]
    #[ignore]
    async fn measure() {
        let Some(peer) = peer() else { return };
        let rounds = 20;
        let closed = Mode::of(Some(false), None);
        let filtered =
            mode(json!({"allowOut": [peer.ip, "a.test"], "denyOut": ["0.0.0.0/0"], "dnsServers": [peer.ip]}));
        for (name, network) in [("open", Mode::Open), ("closed", closed), ("filtered", filtered.clone())] {
            let mut total = Duration::ZERO;
            for _ in 0..rounds {
                let (_dir, machine) = machine(network.clone()).await;
                let start = Instant::now();
                machine.jail().await.unwrap();
                total += start.elapsed();
                end(machine).await;
            }
            println!("jail start, {name}: {:.1} ms", total.as_secs_f64() * 1000.0 / f64::from(rounds));
        }
        let script = format!(
            "import socket, time\nn = 500\nstart = time.perf_counter()\nfor _ in range(n):\n    \
             s = socket.create_connection(({:?}, 80))\n    s.sendall(b'GET / HTTP/1.1\\r\\nHost: a.test\\r\\nConnection: close\\r\\n\\r\\n')\n    \
             while s.recv(65536): pass\n    s.close()\nprint('%.3f' % ((time.perf_counter() - start) / n * 1000))\n",
            peer.ip
        );
        let host = std::process::Command::new("/usr/bin/python3").args(["-c", &script]).output().unwrap();
        println!(
            "HTTP request on a new connection, from the host: {} ms",
            String::from_utf8_lossy(&host.stdout).trim()
        );
        let fetch = format!("http://{}/bytes/500000000", peer.ip);
        let host = std::process::Command::new("curl")
            .args(["-sS", "-o", "/dev/null", "-w", "%{speed_download}", &fetch])
            .output()
            .unwrap();
        let speed: f64 = String::from_utf8_lossy(&host.stdout).trim().parse().unwrap();
        println!("download of 500 MB, from the host: {:.0} MB/s", speed / 1e6);
        for (name, network) in [("open", Mode::Open), ("filtered", filtered)] {
            let (dir, machine) = machine(network).await;
            std::fs::write(dir.path().join("fs/home/user/bench.py"), &script).unwrap();
            let jail = machine.jail().await.unwrap();
            let (ok, text) = sh(&jail, User::User, "/usr/bin/python3 bench.py").await;
            assert!(ok, "{text}");
            println!("HTTP request on a new connection, {name}: {} ms", text.trim());
            let fetch = format!("curl -sS -o /dev/null -w '%{{speed_download}}' http://{}/bytes/500000000", peer.ip);
            let (ok, text) = sh(&jail, User::User, &fetch).await;
            assert!(ok, "{text}");
            println!("download of 500 MB, {name}: {:.0} MB/s", text.trim().parse::<f64>().unwrap() / 1e6);
            end(machine).await;
        }
    }
}
