//! Cancelling calls from another thread: the [`CancelToken`], and the
//! transport layer that ties each connection in use to the token of the call
//! using it, so that cancelling shuts the connection down under the call.
//!
//! How a call is tied to its token: while a call with a token does I/O (its
//! request and answer head in [`crate::http`], and each read of its body),
//! the thread runs inside a [`Scope`]. The [`Cancellable`] transport, at
//! each read or write, registers its socket with the scope's token; the
//! scope removes the registrations when it ends, so a connection that goes
//! back to the pool belongs to no token. [`CancelToken::cancel`] shuts
//! registered sockets down (both directions: a blocked read or write
//! returns at once and the server sees the connection close) and wakes the
//! call's waits ([`sleep`]). The token holds only weak references to the
//! sockets, so it never touches a closed one.

use std::cell::RefCell;
use std::fmt;
use std::io;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Condvar, Mutex, MutexGuard, Weak};
use std::time::{Duration, Instant};

use ureq::unversioned::transport::{
    Buffers, ConnectionDetails, Connector, DefaultConnector, NextTimeout, ShutdownHandle, Transport,
};

/// Cancels calls from another thread: make a token, pass it to
/// [`Client::with_cancel`](crate::Client::with_cancel) or
/// [`Sandbox::with_cancel`](crate::Sandbox::with_cancel), and call
/// [`cancel`](CancelToken::cancel) from anywhere. Every call made through
/// such a view, and what it started (a command's handle, a file stream, a
/// watch), then fails within milliseconds with
/// [`ErrorKind::Cancelled`](crate::ErrorKind::Cancelled), its connection
/// closed so the server sees the disconnect.
///
/// A token is cheap to clone (clones are the same token) and may serve any
/// number of calls, one after another or at once. Cancelling is final, like
/// Go's `context`: once cancelled, a token stays cancelled and every call
/// through it fails at once; make a fresh token for the next operation. (A
/// token that could be reset would race with the calls still being stopped.)
///
/// It works the same on every platform: the socket is shut down through
/// the standard library. Blocking that cancelling cannot interrupt: resolving a host name and the
/// TCP handshake (bounded by the request timeout; instant on a loopback or a
/// refused port), and reading a caller's own [`Read`](std::io::Read)er while
/// uploading (the upload stops at its next write).
///
/// ```no_run
/// use std::time::Duration;
/// use e2b::{CancelToken, ErrorKind};
///
/// # fn main() -> e2b::Result<()> {
/// # let sandbox = e2b::Client::from_env().create_sandbox(&Default::default())?;
/// let token = CancelToken::new();
/// let stopper = token.clone();
/// std::thread::spawn(move || {
///     std::thread::sleep(Duration::from_secs(1));
///     stopper.cancel();
/// });
/// let err = sandbox.with_cancel(&token).commands().run("sleep 30", &Default::default(), None).unwrap_err();
/// assert_eq!(err.kind(), ErrorKind::Cancelled);
/// # Ok(())
/// # }
/// ```
#[derive(Clone, Default)]
pub struct CancelToken {
    shared: Arc<Shared>,
}

#[derive(Default)]
struct Shared {
    state: Mutex<State>,
    /// Wakes the call's waits when the token is cancelled.
    cancelled: Condvar,
}

#[derive(Default)]
struct State {
    cancelled: bool,
    /// The sockets calls are using now, by the scope that registered them.
    sockets: Vec<(u64, Weak<dyn ShutdownHandle>)>,
}

impl fmt::Debug for CancelToken {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("CancelToken").field("cancelled", &self.is_cancelled()).finish()
    }
}

impl CancelToken {
    /// A new token, not cancelled.
    pub fn new() -> CancelToken {
        CancelToken::default()
    }

    /// Cancels every call made through this token, under way or to come.
    /// Safe to call from any thread, any number of times; returns at once.
    pub fn cancel(&self) {
        let mut state = self.state();
        if state.cancelled {
            return;
        }
        state.cancelled = true;
        // Under the lock, so that a scope that has ended (its connection
        // perhaps back in the pool) never has its sockets shut down.
        for (_, socket) in state.sockets.drain(..) {
            if let Some(socket) = socket.upgrade() {
                socket.shutdown();
            }
        }
        drop(state);
        self.shared.cancelled.notify_all();
    }

    /// Whether [`cancel`](CancelToken::cancel) has been called.
    pub fn is_cancelled(&self) -> bool {
        self.state().cancelled
    }

    fn state(&self) -> MutexGuard<'_, State> {
        // The lock guards no invariant a panic could break.
        self.shared.state.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// Registers `sockets` for `scope`; `false` if the token is cancelled.
    fn register(&self, scope: u64, sockets: &[Weak<dyn ShutdownHandle>]) -> bool {
        let mut state = self.state();
        if state.cancelled {
            return false;
        }
        state.sockets.retain(|(_, socket)| socket.strong_count() > 0);
        state.sockets.extend(sockets.iter().map(|socket| (scope, socket.clone())));
        true
    }

    fn unregister(&self, scope: u64) {
        self.state().sockets.retain(|(id, _)| *id != scope);
    }
}

/// Waits `wait`, or less if `token` is cancelled meanwhile; `false` then.
pub(crate) fn sleep(token: Option<&CancelToken>, wait: Duration) -> bool {
    let Some(token) = token else {
        std::thread::sleep(wait);
        return true;
    };
    let end = Instant::now() + wait;
    let mut state = token.state();
    while !state.cancelled {
        let left = end.saturating_duration_since(Instant::now());
        if left.is_zero() {
            return true;
        }
        state = match token.shared.cancelled.wait_timeout(state, left) {
            Ok((state, _)) => state,
            Err(poisoned) => poisoned.into_inner().0,
        };
    }
    false
}

thread_local! {
    /// The token of the I/O this thread is doing now, and the scope's id.
    static CURRENT: RefCell<Option<(CancelToken, u64)>> = const { RefCell::new(None) };
}

static SCOPES: AtomicU64 = AtomicU64::new(1);

/// The thread doing a call's I/O for `token` (see the module's documentation).
pub(crate) struct Scope {
    id: u64,
    token: CancelToken,
    outer: Option<(CancelToken, u64)>,
}

impl Scope {
    /// Enters a scope for `token`, if there is one.
    pub(crate) fn enter(token: Option<&CancelToken>) -> Option<Scope> {
        let token = token?.clone();
        let id = SCOPES.fetch_add(1, Ordering::Relaxed);
        let outer = CURRENT.with(|current| current.replace(Some((token.clone(), id))));
        Some(Scope { id, token, outer })
    }
}

impl Drop for Scope {
    fn drop(&mut self) {
        self.token.unregister(self.id);
        CURRENT.with(|current| *current.borrow_mut() = self.outer.take());
    }
}

/// The error a transport returns for a cancelled call; the layers above see
/// the token and report [`ErrorKind::Cancelled`](crate::ErrorKind::Cancelled).
fn cancelled() -> ureq::Error {
    ureq::Error::Io(io::Error::other("the call was cancelled"))
}

/// Makes connections through ureq's default connector and wraps them in
/// [`CancellableTransport`]s, learning each one's socket as it is made.
#[derive(Debug, Default)]
pub(crate) struct Cancellable {
    inner: DefaultConnector,
}

impl Connector for Cancellable {
    type Out = Box<dyn Transport>;

    fn connect(&self, details: &ConnectionDetails, _: Option<()>) -> Result<Option<Box<dyn Transport>>, ureq::Error> {
        let sockets = Arc::new(Mutex::new(Vec::new()));
        let register = details.register_shutdown.clone();
        let seen = sockets.clone();
        let details = ConnectionDetails {
            uri: details.uri,
            addrs: details.addrs.clone(),
            config: details.config,
            request_level: details.request_level,
            resolver: details.resolver,
            now: details.now,
            timeout: details.timeout,
            current_time: details.current_time.clone(),
            run_connector: details.run_connector.clone(),
            // The socket is known as soon as it exists: a cancel during the TLS handshake closes it too.
            register_shutdown: Arc::new(move |socket: Weak<dyn ShutdownHandle>| {
                watch(std::slice::from_ref(&socket), &mut 0)?;
                seen.lock().unwrap_or_else(|poisoned| poisoned.into_inner()).push(socket.clone());
                register(socket)
            }),
        };
        let Some(inner) = self.inner.connect(&details, None)? else { return Ok(None) };
        let sockets = std::mem::take(&mut *sockets.lock().unwrap_or_else(|poisoned| poisoned.into_inner()));
        Ok(Some(Box::new(CancellableTransport { inner, sockets, scope: 0 })))
    }
}

/// A connection that, before each read or write, registers its socket with
/// the token of the call using it (if any), and fails once it is cancelled.
#[derive(Debug)]
struct CancellableTransport {
    inner: Box<dyn Transport>,
    sockets: Vec<Weak<dyn ShutdownHandle>>,
    /// The scope the sockets were last registered for.
    scope: u64,
}

/// Registers `sockets` with the current scope unless `registered` says they
/// already are; an error if the scope's token is cancelled.
fn watch(sockets: &[Weak<dyn ShutdownHandle>], registered: &mut u64) -> Result<(), ureq::Error> {
    CURRENT.with(|current| match &*current.borrow() {
        Some((token, id)) if *id != *registered => match token.register(*id, sockets) {
            true => {
                *registered = *id;
                Ok(())
            }
            false => Err(cancelled()),
        },
        Some((token, _)) if token.is_cancelled() => Err(cancelled()),
        _ => Ok(()),
    })
}

/// Whether the current scope's token is cancelled.
fn current_cancelled() -> bool {
    CURRENT.with(|current| current.borrow().as_ref().is_some_and(|(token, _)| token.is_cancelled()))
}

impl CancellableTransport {
    /// Runs one blocking step of the connection under the current scope's token.
    fn guarded<T>(
        &mut self,
        step: impl FnOnce(&mut dyn Transport) -> Result<T, ureq::Error>,
    ) -> Result<T, ureq::Error> {
        watch(&self.sockets, &mut self.scope)?;
        let outcome = step(&mut *self.inner);
        // A socket shut down under a read looks like the server closing it: say why.
        match current_cancelled() {
            true => Err(cancelled()),
            false => outcome,
        }
    }
}

impl Transport for CancellableTransport {
    fn buffers(&mut self) -> &mut dyn Buffers {
        self.inner.buffers()
    }

    fn transmit_output(&mut self, amount: usize, timeout: NextTimeout) -> Result<(), ureq::Error> {
        self.guarded(|inner| inner.transmit_output(amount, timeout))
    }

    fn maybe_await_input(&mut self, timeout: NextTimeout) -> Result<bool, ureq::Error> {
        self.guarded(|inner| inner.maybe_await_input(timeout))
    }

    fn await_input(&mut self, timeout: NextTimeout) -> Result<bool, ureq::Error> {
        self.guarded(|inner| inner.await_input(timeout))
    }

    fn is_open(&mut self) -> bool {
        self.inner.is_open()
    }

    fn is_tls(&self) -> bool {
        self.inner.is_tls()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    struct Flag(Mutex<bool>);

    impl ShutdownHandle for Flag {
        fn shutdown(&self) {
            *self.0.lock().unwrap() = true;
        }
    }

    fn flag() -> (Arc<Flag>, Weak<dyn ShutdownHandle>) {
        let flag = Arc::new(Flag(Mutex::new(false)));
        let weak = Arc::downgrade(&flag) as Weak<dyn ShutdownHandle>;
        (flag, weak)
    }

    #[test]
    fn cancel_shuts_down_the_sockets_of_scopes_under_way_only() {
        let token = CancelToken::new();
        let (during, during_weak) = flag();
        let (after, after_weak) = flag();
        {
            let _scope = Scope::enter(Some(&token));
            watch(&[after_weak], &mut 0).unwrap();
        }
        let _scope = Scope::enter(Some(&token));
        watch(std::slice::from_ref(&during_weak), &mut 0).unwrap();
        token.cancel();
        assert!(*during.0.lock().unwrap(), "the socket in use is shut down");
        assert!(!*after.0.lock().unwrap(), "a socket whose call is over is left alone");
        assert!(watch(&[during_weak], &mut 0).is_err(), "no I/O once cancelled");
        assert!(token.is_cancelled());
    }

    #[test]
    fn a_dropped_socket_is_never_touched() {
        let token = CancelToken::new();
        let _scope = Scope::enter(Some(&token));
        let (socket, weak) = flag();
        watch(std::slice::from_ref(&weak), &mut 0).unwrap();
        drop(socket);
        token.cancel();
        assert!(weak.upgrade().is_none());
    }

    #[test]
    fn scopes_nest_and_restore() {
        let (outer, inner) = (CancelToken::new(), CancelToken::new());
        let _a = Scope::enter(Some(&outer));
        {
            let _b = Scope::enter(Some(&inner));
            inner.cancel();
            assert!(current_cancelled());
        }
        assert!(!current_cancelled(), "the outer token is back");
        assert!(Scope::enter(None).is_none());
    }

    #[test]
    fn sleep_wakes_on_cancel() {
        let token = CancelToken::new();
        let stopper = token.clone();
        let started = Instant::now();
        std::thread::spawn(move || {
            std::thread::sleep(Duration::from_millis(50));
            stopper.cancel();
        });
        assert!(!sleep(Some(&token), Duration::from_secs(30)));
        assert!(started.elapsed() < Duration::from_secs(5));
        assert!(sleep(Some(&CancelToken::new()), Duration::from_millis(1)));
        assert!(sleep(None, Duration::from_millis(1)));
    }
}
