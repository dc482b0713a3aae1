//! The server: tokio-modbus's TCP server with a [`Service`] per connection that answers from
//! the published image and stages writes for the scan thread. Connections are bounded (more
//! are closed at once), each one's requests are paced to `requests_per_second`, and one that
//! is silent for `idle_timeout` is closed; a malformed frame ends its own connection only.

use std::future::Future;
use std::net::SocketAddr;
use std::pin::Pin;
use std::sync::atomic::Ordering;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use tokio::net::{TcpListener, TcpStream};
use tokio::sync::{OwnedSemaphorePermit, Semaphore};
use tokio::time::Instant;
use tokio_modbus::server::tcp::Server;
use tokio_modbus::server::Service;
use tokio_modbus::{ExceptionCode, Request, Response};

use crate::exchange::{lock, Image, Shared, Writes};
use crate::stream::Guarded;
use crate::map::{read_bits, read_words, write_bits, Map};
use crate::settings::{ServerSettings, READ_BITS, READ_REGISTERS, WRITE_BITS, WRITE_REGISTERS};

/// How long a write's answer waits for the scan thread to apply it; past that it is answered
/// anyway (the write is staged and takes effect before the next scan).
const WRITE_WAIT: Duration = Duration::from_secs(2);

/// What every connection shares.
pub(crate) struct State {
    pub shared: Arc<Shared>,
    pub map: Map,
    pub read_only: bool,
}

type Answer = Result<Response, ExceptionCode>;

/// Exception 03 unless `1 <= count <= most`.
fn quantity(count: usize, most: u16) -> Result<u16, ExceptionCode> {
    match u16::try_from(count) {
        Ok(n) if n >= 1 && n <= most => Ok(n),
        _ => Err(ExceptionCode::IllegalDataValue),
    }
}

impl State {
    /// Stages a write, then waits (up to [`WRITE_WAIT`]) until the scan thread has applied
    /// it and published the image with it, so that a read after the answer sees it.
    async fn write(&self, stage: impl FnOnce(&Image, &mut Writes) -> Result<(), ExceptionCode>) -> Result<(), ExceptionCode> {
        if self.read_only {
            return Err(ExceptionCode::IllegalFunction);
        }
        let generation = {
            let image = lock(&self.shared.image);
            let mut writes = lock(&self.shared.writes);
            stage(&image, &mut writes)?;
            writes.generation += 1;
            writes.dirty = true;
            writes.generation
        };
        let deadline = Instant::now() + WRITE_WAIT;
        while self.shared.applied.load(Ordering::Acquire) < generation && Instant::now() < deadline {
            tokio::time::sleep(Duration::from_millis(1)).await;
        }
        Ok(())
    }

    async fn answer(&self, request: Request<'static>) -> Answer {
        let image = || lock(&self.shared.image);
        match request {
            Request::ReadCoils(first, count) => Ok(Response::ReadCoils(read_bits(&image().outputs, first, quantity(count.into(), READ_BITS)?)?)),
            Request::ReadDiscreteInputs(first, count) => {
                Ok(Response::ReadDiscreteInputs(read_bits(&image().inputs, first, quantity(count.into(), READ_BITS)?)?))
            }
            Request::ReadInputRegisters(first, count) => {
                Ok(Response::ReadInputRegisters(read_words(&image().inputs, first, quantity(count.into(), READ_REGISTERS)?)?))
            }
            Request::ReadHoldingRegisters(first, count) => {
                Ok(Response::ReadHoldingRegisters(self.map.read_holding(&image(), first, quantity(count.into(), READ_REGISTERS)?)?))
            }
            Request::WriteSingleCoil(first, value) => {
                self.write(|_, writes| write_bits(writes, first, &[value])).await?;
                Ok(Response::WriteSingleCoil(first, value))
            }
            Request::WriteMultipleCoils(first, values) => {
                let count = quantity(values.len(), WRITE_BITS)?;
                self.write(|_, writes| write_bits(writes, first, &values)).await?;
                Ok(Response::WriteMultipleCoils(first, count))
            }
            Request::WriteSingleRegister(first, value) => {
                self.write(|image, writes| self.map.write_holding(image, writes, first, &[value])).await?;
                Ok(Response::WriteSingleRegister(first, value))
            }
            Request::WriteMultipleRegisters(first, values) => {
                let count = quantity(values.len(), WRITE_REGISTERS)?;
                self.write(|image, writes| self.map.write_holding(image, writes, first, &values)).await?;
                Ok(Response::WriteMultipleRegisters(first, count))
            }
            _ => Err(ExceptionCode::IllegalFunction),
        }
    }
}

/// One connection: its slot among `max_connections` and its pace.
struct Connection {
    state: Arc<State>,
    _slot: OwnedSemaphorePermit,
    per_second: u32,
    /// The start of the current second and the requests in it.
    window: Mutex<(Instant, u32)>,
}

impl Connection {
    /// How long this request waits to keep the pace.
    fn pace(&self) -> Option<Duration> {
        let mut window = lock(&self.window);
        let now = Instant::now();
        if now.duration_since(window.0) >= Duration::from_secs(1) {
            *window = (now, 0);
        }
        window.1 += 1;
        (window.1 > self.per_second).then(|| (window.0 + Duration::from_secs(1)).saturating_duration_since(now))
    }
}

impl Service for Connection {
    type Request = Request<'static>;
    type Response = Response;
    type Exception = ExceptionCode;
    type Future = Pin<Box<dyn Future<Output = Answer> + Send>>;

    fn call(&self, request: Request<'static>) -> Self::Future {
        let state = self.state.clone();
        let wait = self.pace();
        Box::pin(async move {
            if let Some(wait) = wait {
                tokio::time::sleep(wait).await;
            }
            state.answer(request).await
        })
    }
}

fn ended(e: std::io::Error) {
    log::debug!("modbus: a connection ended: {e}");
}

/// Serves `listener` until the runtime stops.
pub(crate) async fn serve(listener: TcpListener, state: Arc<State>, settings: &ServerSettings) {
    let slots = Arc::new(Semaphore::new(settings.max_connections));
    let (per_second, idle) = (settings.requests_per_second, settings.idle_timeout);
    let on_connected = |stream: TcpStream, peer: SocketAddr| {
        let (slots, state) = (slots.clone(), state.clone());
        async move {
            let Ok(slot) = slots.try_acquire_owned() else {
                log::debug!("modbus: connection from {peer} closed: every connection slot is taken");
                return Ok(None);
            };
            let _ = stream.set_nodelay(true);
            let connection = Connection { state, _slot: slot, per_second, window: Mutex::new((Instant::now(), 0)) };
            Ok(Some((connection, Guarded::new(stream, idle))))
        }
    };
    let server = Server::new(listener);
    loop {
        // `serve` ends only when accepting fails (say, out of file descriptors): go on.
        if let Err(e) = server.serve(&on_connected, ended).await {
            log::warn!("modbus: accepting a connection failed: {e}");
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }
}
