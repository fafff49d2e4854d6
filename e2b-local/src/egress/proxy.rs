//! The egress proxy of filtered sandboxes: TCP connections redirected to it by the sandbox's
//! nftables table, and UDP nameserver queries.

use std::io;
use std::net::{IpAddr, Ipv4Addr, SocketAddr, SocketAddrV4};
use std::os::fd::AsRawFd;
use std::sync::{Arc, RwLock};
use std::time::Duration;

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream, UdpSocket};

use super::policy::{Policy, Verdict};
use super::sniff::{sniff, Sniffed};

/// How long a client may take to send the name it asks for, and the most it may send first.
const SNIFF_WAIT: Duration = Duration::from_secs(10);
const SNIFF_MAX: usize = 16 * 1024;
/// How long a connection to the destination may take.
const CONNECT_WAIT: Duration = Duration::from_secs(15);
/// How long a nameserver may take to answer.
const DNS_WAIT: Duration = Duration::from_secs(5);

/// Accepts the sandbox's connections, each judged by the policy in force when it arrives.
pub async fn serve(listener: TcpListener, policy: Arc<RwLock<Arc<Policy>>>, id: String) {
    loop {
        let connection = match listener.accept().await {
            Ok((connection, _)) => connection,
            Err(e) => {
                // Out of descriptors, say: wait rather than spin.
                eprintln!("e2b-local: sandbox {id}: egress proxy: {e}");
                tokio::time::sleep(Duration::from_millis(100)).await;
                continue;
            }
        };
        let policy = policy.read().unwrap_or_else(|p| p.into_inner()).clone();
        tokio::spawn(async move {
            if let Err(connection) = handle(connection, &policy).await {
                refuse(connection);
            }
        });
    }
}

/// Splices one connection to its destination if the policy allows it; gives it back to be
/// refused otherwise.
async fn handle(mut connection: TcpStream, policy: &Policy) -> Result<(), TcpStream> {
    let Ok(mut destination) = original_destination(&connection) else { return Err(connection) };
    let resolver = *destination.ip() == super::RESOLVER && destination.port() == 53;
    if resolver {
        // The sandbox's resolver.
        match policy.resolver(super::host_nameserver()) {
            Some(server) => destination = SocketAddrV4::new(server, 53),
            None => return Err(connection),
        }
    }
    let ip = IpAddr::V4(*destination.ip());
    // Never e2b-local's own host through its loopback (the sandbox's loopback stays inside),
    // but for the host's nameserver as the sandbox's resolver (as with slirp4netns).
    if !resolver && (destination.ip().is_loopback() || destination.ip().is_unspecified()) {
        return Err(connection);
    }
    let mut first = Vec::new();
    match policy.verdict(ip, destination.port()) {
        Verdict::Allow => {}
        Verdict::Deny => return Err(connection),
        Verdict::ByName => {
            let name = tokio::time::timeout(SNIFF_WAIT, read_name(&mut connection, &mut first)).await;
            match name {
                Ok(Some(name)) if policy.allows_name(&name) => {}
                _ => return Err(connection),
            }
        }
    }
    let upstream = match tokio::time::timeout(CONNECT_WAIT, TcpStream::connect(destination)).await {
        Ok(Ok(upstream)) => upstream,
        _ => return Err(connection),
    };
    let _ = upstream.set_nodelay(true);
    let _ = connection.set_nodelay(true);
    let mut upstream = upstream;
    if upstream.write_all(&first).await.is_err() {
        return Err(connection);
    }
    let _ = tokio::io::copy_bidirectional(&mut connection, &mut upstream).await;
    Ok(())
}

/// Reads the client's first bytes into `first` until they name a host.
async fn read_name(connection: &mut TcpStream, first: &mut Vec<u8>) -> Option<String> {
    let mut buffer = [0u8; 4096];
    loop {
        match sniff(first) {
            Sniffed::Name(name) => return Some(name),
            Sniffed::Unknown => return None,
            Sniffed::More if first.len() >= SNIFF_MAX => return None,
            Sniffed::More => {}
        }
        let n = connection.read(&mut buffer).await.ok()?;
        if n == 0 {
            return None;
        }
        first.extend_from_slice(&buffer[..n]);
    }
}

/// Refuses a connection with a reset, as a closed port would.
fn refuse(connection: TcpStream) {
    let linger = libc::linger { l_onoff: 1, l_linger: 0 };
    // SAFETY: `setsockopt` reads one `linger` from a live value. A zero linger never blocks.
    unsafe {
        libc::setsockopt(
            connection.as_raw_fd(),
            libc::SOL_SOCKET,
            libc::SO_LINGER,
            (&linger as *const libc::linger).cast(),
            std::mem::size_of::<libc::linger>() as libc::socklen_t,
        );
    }
    drop(connection);
}

/// The destination the sandbox asked for, before the redirect (`SO_ORIGINAL_DST`).
fn original_destination(connection: &TcpStream) -> io::Result<SocketAddrV4> {
    const SO_ORIGINAL_DST: libc::c_int = 80;
    // SAFETY: `getsockopt` writes at most `len` bytes into a `sockaddr_in`.
    let mut address: libc::sockaddr_in = unsafe { std::mem::zeroed() };
    let mut len = std::mem::size_of::<libc::sockaddr_in>() as libc::socklen_t;
    let result = unsafe {
        libc::getsockopt(
            connection.as_raw_fd(),
            libc::SOL_IP,
            SO_ORIGINAL_DST,
            (&mut address as *mut libc::sockaddr_in).cast(),
            &mut len,
        )
    };
    if result != 0 {
        return Err(io::Error::last_os_error());
    }
    let ip = Ipv4Addr::from(u32::from_be(address.sin_addr.s_addr));
    Ok(SocketAddrV4::new(ip, u16::from_be(address.sin_port)))
}

/// Forwards the queries the sandbox sends to `server` (redirected to `socket`) to `server`
/// from e2b-local's namespace, and the answers back.
pub async fn forward_dns(socket: UdpSocket, server: Ipv4Addr, id: String) {
    let socket = Arc::new(socket);
    let mut buffer = vec![0u8; 65536];
    loop {
        let (n, client) = match socket.recv_from(&mut buffer).await {
            Ok(received) => received,
            Err(e) => {
                eprintln!("e2b-local: sandbox {id}: nameserver forwarder: {e}");
                tokio::time::sleep(Duration::from_millis(100)).await;
                continue;
            }
        };
        let query = buffer[..n].to_vec();
        let socket = socket.clone();
        tokio::spawn(async move {
            let _ = relay(&socket, &query, client, server).await;
        });
    }
}

async fn relay(socket: &UdpSocket, query: &[u8], client: SocketAddr, server: Ipv4Addr) -> io::Result<()> {
    let upstream = UdpSocket::bind((Ipv4Addr::UNSPECIFIED, 0)).await?;
    upstream.connect((server, 53)).await?;
    upstream.send(query).await?;
    let mut answer = vec![0u8; 65536];
    let n = tokio::time::timeout(DNS_WAIT, upstream.recv(&mut answer)).await.map_err(io::Error::other)??;
    socket.send_to(&answer[..n], client).await?;
    Ok(())
}
