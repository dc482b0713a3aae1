//! # plc-service: the controller online
//!
//! An HTTP/JSON API (axum, `docs/online.md`), a WebSocket of scan snapshots and log records, and
//! one web page, served on a tokio runtime of its own threads. It reaches the controller only
//! through [`plc_host::remote`]: commands queued without waiting (a full queue is a 503) and
//! applied by `Controller::serve` between two scans, and snapshots the scan thread publishes
//! without waiting. Uploads are compiled here, off the scan thread, then swapped in between
//! two scans. Nothing a client sends can make the scan wait, nor the host panic.
//!
//! Threads: the runtime's two workers (HTTP, WebSocket), its blocking pool (compiling, waiting
//! for a command's answer), one thread handing each new snapshot to the runtime
//! ([`frames`]), one moving log records from the bounded channel of [`logs`] to the clients.
#![deny(missing_docs)]
#![deny(unsafe_code)]

mod address;
mod api;
mod auth;
mod error;
mod events;
pub mod frames;
pub mod logs;
mod page;
mod router;
mod state;
mod token;
mod views;

use std::net::SocketAddr;
use std::thread::JoinHandle;
use std::time::Duration;

use plc_host::remote::Remote;
use plc_host::Limits;
use tokio::sync::oneshot;

pub use token::{token_from, Token};

/// How the service is set up.
#[derive(Debug, Clone)]
pub struct Settings {
    /// Where to listen; port 0 picks a free one ([`Service::addr`] tells which).
    pub listen: SocketAddr,
    /// The bearer token every `/api/` request must carry; `None`: one is generated, and the
    /// service listens on loopback only.
    pub token: Option<Token>,
    /// The limits uploaded programs are compiled and run with.
    pub limits: Limits,
}

/// The running service; stops when dropped.
pub struct Service {
    addr: SocketAddr,
    token: Token,
    generated: bool,
    shutdown: Option<oneshot::Sender<()>>,
    thread: Option<JoinHandle<()>>,
}

impl Service {
    /// Binds the address (errors come back here, on one line) and starts serving on threads
    /// of its own.
    pub fn start(settings: Settings, remote: Remote) -> Result<Service, String> {
        let Settings { listen, token, limits } = settings;
        let generated = token.is_none();
        if generated && !listen.ip().is_loopback() {
            return Err(format!(
                "listen {listen}: without a token (token_file in the config, or PLC_TOKEN) the service listens on loopback only"
            ));
        }
        let token = token.unwrap_or_else(Token::generate);
        let listener = std::net::TcpListener::bind(listen).map_err(|e| format!("listen {listen}: {e}"))?;
        let addr = listener.local_addr().map_err(|e| format!("listen {listen}: {e}"))?;
        listener.set_nonblocking(true).map_err(|e| format!("listen {listen}: {e}"))?;
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .max_blocking_threads(16)
            .thread_name("plc-service")
            .enable_all()
            .build()
            .map_err(|e| format!("cannot start the service's runtime: {e}"))?;
        let state = {
            let _entered = runtime.enter();
            state::Shared::new(remote, token.clone(), limits)
        };
        let listener = {
            let _entered = runtime.enter();
            tokio::net::TcpListener::from_std(listener).map_err(|e| format!("listen {listen}: {e}"))?
        };
        let (shutdown, stop) = oneshot::channel();
        let app = router::router(state.clone());
        let thread = std::thread::Builder::new()
            .name("plc-service".into())
            .spawn(move || {
                runtime.block_on(async move {
                    let stopping = std::sync::Arc::new(tokio::sync::Notify::new());
                    let signal = stopping.clone();
                    let served = axum::serve(listener, app).with_graceful_shutdown(async move {
                        let _ = stop.await;
                        signal.notify_one();
                    });
                    // Connections that stay open get a second after the stop, no more.
                    let grace = async move {
                        stopping.notified().await;
                        tokio::time::sleep(Duration::from_secs(1)).await;
                    };
                    tokio::select! {
                        served = served => if let Err(e) = served {
                            log::error!("the service has stopped: {e}");
                        },
                        () = grace => {}
                    }
                });
                state.close();
                runtime.shutdown_timeout(Duration::from_secs(1));
            })
            .map_err(|e| format!("cannot start the service's thread: {e}"))?;
        Ok(Service { addr, token, generated, shutdown: Some(shutdown), thread: Some(thread) })
    }

    /// The address it listens on.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// The token clients must send.
    pub fn token(&self) -> &Token {
        &self.token
    }

    /// Whether the token was generated (no token was configured).
    pub fn generated_token(&self) -> bool {
        self.generated
    }
}

impl Drop for Service {
    fn drop(&mut self) {
        if let Some(shutdown) = self.shutdown.take() {
            let _ = shutdown.send(());
        }
        // Open WebSockets end when the runtime shuts down (at most a second later).
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}
