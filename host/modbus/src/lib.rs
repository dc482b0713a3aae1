//! # plc-modbus: Modbus TCP for the controller
//!
//! A server that HMIs and SCADA read and write (OpenPLC's map: discrete inputs = `%IX` bits,
//! coils = `%QX` bits, input registers = `%IW` words, holding registers = `%QW` words then
//! variables by name), and clients that poll remote IO or other controllers into the input
//! image. Both run on one thread of their own (`plc-modbus`, a tokio runtime) and meet the scan
//! only through an [`Exchange`] that the scan loop calls between two scans: it takes the
//! server's writes and the clients' inputs, and publishes the images, each with `try_lock`.
//! The scan never waits on the network, and never allocates for a request.
//!
//! ```no_run
//! use plc_host::{Controller, InMemoryEnvironment};
//! use plc_modbus::{Modbus, ModbusConfig};
//!
//! let mut controller = Controller::new(InMemoryEnvironment::new(16, 16));
//! let config: ModbusConfig = Default::default();
//! let settings = config.settings(Some("127.0.0.1:1502".into()), 16, 16).unwrap().unwrap();
//! let mut modbus = Modbus::start(settings, &mut controller).unwrap();
//! loop {
//!     modbus.exchange().before_scan(&mut controller);
//!     controller.scan();
//!     modbus.exchange().after_scan(&controller);
//!     # break;
//! }
//! ```
#![deny(missing_docs)]
#![deny(unsafe_code)]

mod client;
pub mod config;
mod exchange;
mod stream;
mod map;
mod server;
pub mod settings;
pub mod values;

use std::net::SocketAddr;
use std::sync::Arc;
use std::thread::JoinHandle;
use std::time::Duration;

use plc_host::{Controller, Environment};
use tokio::sync::oneshot;

pub use config::ModbusConfig;
pub use exchange::Exchange;
pub use settings::Settings;

/// Modbus running: the thread, and the scan loop's [`Exchange`]. Stops when dropped.
pub struct Modbus {
    exchange: Exchange,
    addr: Option<SocketAddr>,
    shutdown: Option<oneshot::Sender<()>>,
    thread: Option<JoinHandle<()>>,
}

impl Modbus {
    /// Binds the server's address (an error comes back here, on one line), sets every
    /// device's `modbus.<name>.ok` to false, publishes a first image of `controller`, and
    /// starts the server and the clients on a thread of their own.
    pub fn start<E: Environment>(settings: Settings, controller: &mut Controller<E>) -> Result<Modbus, String> {
        let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().map_err(|e| format!("modbus: {e}"))?;
        let listener = match &settings.server {
            Some(server) => {
                let listen = server.listen;
                let bind = || -> std::io::Result<tokio::net::TcpListener> {
                    let _entered = runtime.enter();
                    let socket = if listen.is_ipv4() { tokio::net::TcpSocket::new_v4()? } else { tokio::net::TcpSocket::new_v6()? };
                    // A restarted controller binds again at once, past the last run's TIME_WAIT.
                    socket.set_reuseaddr(true)?;
                    socket.bind(listen)?;
                    socket.listen(128)
                };
                Some(bind().map_err(|e| format!("modbus listen {listen}: {e}"))?)
            }
            None => None,
        };
        let addr = listener.as_ref().and_then(|l| l.local_addr().ok());
        let env = controller.env();
        let (inputs, outputs) = (env.input_len(), env.output_len());
        let mut owned = vec![0u8; inputs];
        for device in &settings.clients {
            for n in device.reads.iter().flat_map(settings::read_bits) {
                owned[n / 8] |= 1 << (n % 8);
            }
        }
        let variables = settings.server.as_ref().map_or(Vec::new(), |s| s.variables.clone());
        let shared = exchange::Shared::new(inputs, outputs, variables.len(), settings.clients.len(), owned);
        let names: Vec<String> = settings.clients.iter().map(|d| d.name.clone()).collect();
        let mut exchange = Exchange::new(shared.clone(), variables.iter().map(|v| v.name.clone()).collect(), &names);
        exchange.before_scan(controller);
        exchange.after_scan(controller);
        let (shutdown, stopped) = oneshot::channel::<()>();
        let Settings { server, clients } = settings;
        let thread = std::thread::Builder::new()
            .name("plc-modbus".into())
            .spawn(move || {
                runtime.block_on(async move {
                    if let (Some(listener), Some(server)) = (listener, server) {
                        let state = Arc::new(server::State { shared: shared.clone(), map: map::Map { variables }, read_only: server.read_only });
                        tokio::spawn(async move { server::serve(listener, state, &server).await });
                    }
                    for (index, device) in clients.into_iter().enumerate() {
                        tokio::spawn(client::run(index, device, shared.clone()));
                    }
                    let _ = stopped.await;
                });
                runtime.shutdown_timeout(Duration::from_secs(1));
            })
            .map_err(|e| format!("modbus: cannot start its thread: {e}"))?;
        Ok(Modbus { exchange, addr, shutdown: Some(shutdown), thread: Some(thread) })
    }

    /// Where the server listens (the port chosen, for port 0); `None` without a server.
    pub fn server_addr(&self) -> Option<SocketAddr> {
        self.addr
    }

    /// The scan loop's end: [`Exchange::before_scan`] and [`Exchange::after_scan`].
    pub fn exchange(&mut self) -> &mut Exchange {
        &mut self.exchange
    }
}

impl Drop for Modbus {
    fn drop(&mut self) {
        if let Some(shutdown) = self.shutdown.take() {
            let _ = shutdown.send(());
        }
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}
