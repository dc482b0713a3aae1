//! A server connection's stream, read through two guards before tokio-modbus decodes it:
//! - the frames: a length field of 0 or past the protocol's 254, or a write of multiple coils
//!   (FC 15) whose quantity needs more bytes than it carries (which tokio-modbus 0.17 would
//!   index past), fails the read with `InvalidData`, ending that connection only;
//! - the idle timeout: a read that has waited `timeout` without data fails with `TimedOut`.

use std::future::Future;
use std::io;
use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::Duration;

use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::net::TcpStream;
use tokio::time::{Instant, Sleep};

/// The longest length field of an MBAP header: the unit id and a PDU of 253 bytes.
const MAX_LENGTH: usize = 254;
/// The bytes of a frame the guard looks at: the header (7) and an FC 15 request's first 6.
const HEAD: usize = 13;

/// Where the guard is in the stream of frames.
#[derive(Default)]
struct Frames {
    head: [u8; HEAD],
    /// Bytes of the current frame seen so far.
    seen: usize,
    /// The current frame's size, once its header has told it.
    size: Option<usize>,
}

impl Frames {
    /// Follows `bytes`; the reason if a frame is malformed.
    fn feed(&mut self, bytes: &[u8]) -> Result<(), &'static str> {
        for &byte in bytes {
            if self.seen < HEAD {
                self.head[self.seen] = byte;
            }
            self.seen += 1;
            if self.seen == 6 {
                let length = usize::from(u16::from_be_bytes([self.head[4], self.head[5]]));
                if length == 0 || length > MAX_LENGTH {
                    return Err("a frame length outside 1 to 254");
                }
                self.size = Some(6 + length);
            }
            if self.seen == HEAD && self.head[7] == 0x0f {
                let quantity = usize::from(u16::from_be_bytes([self.head[10], self.head[11]]));
                if quantity > 8 * usize::from(self.head[12]) {
                    return Err("more coils than the bytes of the request hold");
                }
            }
            if Some(self.seen) == self.size {
                *self = Frames::default();
            }
        }
        Ok(())
    }
}

/// A TCP stream with both guards.
pub(crate) struct Guarded {
    stream: TcpStream,
    frames: Frames,
    timeout: Duration,
    deadline: Pin<Box<Sleep>>,
}

impl Guarded {
    pub fn new(stream: TcpStream, timeout: Duration) -> Guarded {
        Guarded { stream, frames: Frames::default(), timeout, deadline: Box::pin(tokio::time::sleep(timeout)) }
    }
}

impl AsyncRead for Guarded {
    fn poll_read(mut self: Pin<&mut Self>, cx: &mut Context<'_>, buf: &mut ReadBuf<'_>) -> Poll<io::Result<()>> {
        let this = &mut *self;
        let before = buf.filled().len();
        match Pin::new(&mut this.stream).poll_read(cx, buf) {
            Poll::Ready(Ok(())) => {
                let next = Instant::now() + this.timeout;
                this.deadline.as_mut().reset(next);
                match this.frames.feed(&buf.filled()[before..]) {
                    Ok(()) => Poll::Ready(Ok(())),
                    Err(reason) => Poll::Ready(Err(io::Error::new(io::ErrorKind::InvalidData, reason))),
                }
            }
            Poll::Ready(Err(e)) => Poll::Ready(Err(e)),
            Poll::Pending => match this.deadline.as_mut().poll(cx) {
                Poll::Ready(()) => Poll::Ready(Err(io::Error::new(io::ErrorKind::TimedOut, "idle too long"))),
                Poll::Pending => Poll::Pending,
            },
        }
    }
}

impl AsyncWrite for Guarded {
    fn poll_write(mut self: Pin<&mut Self>, cx: &mut Context<'_>, buf: &[u8]) -> Poll<io::Result<usize>> {
        Pin::new(&mut self.stream).poll_write(cx, buf)
    }

    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.stream).poll_flush(cx)
    }

    fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.stream).poll_shutdown(cx)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn frame(length: u16, pdu: &[u8]) -> Vec<u8> {
        let mut f = vec![0, 1, 0, 0];
        f.extend_from_slice(&length.to_be_bytes());
        f.push(1);
        f.extend_from_slice(pdu);
        f
    }

    #[test]
    fn frames_are_followed_across_reads_of_any_size() {
        let good = [frame(6, &[3, 0, 0, 0, 1]), frame(9, &[0x0f, 0, 0, 0, 9, 2, 0xff, 1]), frame(6, &[1, 0, 0, 0, 8])].concat();
        for chunk in 1..good.len() {
            let mut frames = Frames::default();
            for piece in good.chunks(chunk) {
                assert_eq!(frames.feed(piece), Ok(()), "chunks of {chunk}");
            }
            assert_eq!((frames.seen, frames.size), (0, None));
        }
        let mut frames = Frames::default();
        assert!(frames.feed(&frame(9, &[0x0f, 0, 0, 0, 17, 2, 0xff, 1])).is_err(), "17 coils in 2 bytes");
        assert!(Frames::default().feed(&frame(0, &[])).is_err());
        assert!(Frames::default().feed(&frame(255, &[3])).is_err());
        assert!(Frames::default().feed(&frame(254, &[3])).is_ok());
    }
}
