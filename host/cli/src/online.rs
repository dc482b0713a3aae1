//! `plc-host run --listen ADDR`: the online service beside the scan loop. The loop calls
//! [`Online::between_scans`] after each scan: the commands waiting are applied and a snapshot
//! is published, never waiting on the service.

use std::net::{SocketAddr, ToSocketAddrs};
use std::path::Path;
use std::time::{Duration, Instant};

use plc_host::remote::{self, Mailbox};
use plc_host::{Controller, Limits};
use plc_service::{token_from, Service, Settings, Token};

use crate::output;

/// Commands that may wait for the scan loop at once; past that a client gets a 503.
const WAITING_COMMANDS: usize = 64;

/// Where the service listens, and its token (`None`: generate one, loopback only).
#[derive(Debug, Clone)]
pub struct ServiceOptions {
    listen: SocketAddr,
    token: Option<Token>,
}

impl ServiceOptions {
    /// From `--listen` or the config's `listen`, and the token from `PLC_TOKEN` or the
    /// config's `token_file`; `None` without an address.
    pub fn new(listen: Option<String>, token_file: Option<&Path>) -> Result<Option<ServiceOptions>, String> {
        let Some(text) = listen else { return Ok(None) };
        let listen = text
            .to_socket_addrs()
            .map_err(|e| format!("listen `{text}`: {e}"))?
            .next()
            .ok_or_else(|| format!("listen `{text}`: no address"))?;
        let token = token_from(std::env::var("PLC_TOKEN").ok(), token_file)?;
        Ok(Some(ServiceOptions { listen, token }))
    }
}

/// The running service and the scan loop's end of it.
pub struct Online {
    // Dropped first: the service stops before the mailbox goes.
    _service: Service,
    mailbox: Mailbox,
}

impl Online {
    /// Starts the service, with a first snapshot of `controller` published (so that no
    /// client finds none); says on stderr where it listens (and the token, if generated).
    pub fn start(options: &ServiceOptions, limits: &Limits, controller: &mut Controller) -> Result<Online, String> {
        let (remote, mut mailbox) = remote::channel(WAITING_COMMANDS);
        controller.serve(&mut mailbox, Duration::ZERO);
        let settings = Settings { listen: options.listen, token: options.token.clone(), limits: limits.clone() };
        let service = Service::start(settings, remote)?;
        output::error(format_args!("plc-host: service listening on http://{}", service.addr()));
        if service.generated_token() {
            output::error(format_args!("plc-host: token (generated, give it to clients as PLC_TOKEN): {}", service.token()));
        }
        Ok(Online { _service: service, mailbox })
    }

    /// Before a scan, until `deadline` (the start of the scan's warm-up, or the scan's own
    /// deadline): applies the commands as they come.
    pub fn idle(&mut self, controller: &mut Controller, deadline: Instant) {
        // The last 200 µs are the scheduler's, for a precise start.
        controller.serve_until(&mut self.mailbox, deadline.checked_sub(Duration::from_micros(200)).unwrap_or(deadline));
    }

    /// After a scan: applies the commands waiting, publishes a snapshot, answers.
    pub fn between_scans(&mut self, controller: &mut Controller, elapsed: Duration) {
        controller.serve(&mut self.mailbox, elapsed);
    }
}
