//! The clients: one task per device on the Modbus thread. Each connects, then every interval
//! reads its `reads` into the clients' input table and writes its `writes` from the published
//! output image. A device that fails to answer within its timeout (or refuses) is marked
//! stale (`modbus.<name>.ok` false; its inputs held or zeroed) and reconnected with a backoff
//! that doubles from the interval to `backoff_max`.

use std::future::Future;
use std::sync::Arc;
use std::time::Duration;

use tokio::time::{sleep, sleep_until, timeout, Instant};
use tokio_modbus::client::{tcp, Context, Reader, Writer};
use tokio_modbus::Slave;

use crate::config::{OnStale, ReadKind, WriteKind};
use crate::exchange::{lock, Shared};
use crate::settings::{bits, read_bits, DeviceSettings};

/// What one read brought.
enum Read {
    Bits(Vec<bool>),
    Words(Vec<u16>),
}

/// One request, bounded by the device's timeout; a transport error, an exception or no
/// answer in time is the reason, on one line.
async fn ask<T>(limit: Duration, request: impl Future<Output = tokio_modbus::Result<T>>) -> Result<T, String> {
    match timeout(limit, request).await {
        Ok(Ok(Ok(value))) => Ok(value),
        Ok(Ok(Err(exception))) => Err(format!("exception {exception}")),
        Ok(Err(e)) => Err(e.to_string()),
        Err(_) => Err(format!("no answer within {}", humantime::format_duration(limit))),
    }
}

/// The device's status and inputs after a failed poll.
fn stale(shared: &Shared, index: usize, device: &DeviceSettings) {
    let mut fieldbus = lock(&shared.fieldbus);
    fieldbus.ok[index] = false;
    if device.on_stale == OnStale::Zero {
        for n in device.reads.iter().flat_map(read_bits) {
            fieldbus.inputs[n / 8] &= !(1 << (n % 8));
        }
    }
}

/// One poll: the reads, then (with the inputs and status stored) the writes.
async fn poll(context: &mut Context, device: &DeviceSettings, shared: &Shared, index: usize) -> Result<(), String> {
    let limit = device.timeout;
    let mut got = Vec::with_capacity(device.reads.len());
    for r in &device.reads {
        got.push(match r.kind {
            ReadKind::Coils => Read::Bits(ask(limit, context.read_coils(r.start, r.count)).await?),
            ReadKind::Discrete => Read::Bits(ask(limit, context.read_discrete_inputs(r.start, r.count)).await?),
            ReadKind::Holding => Read::Words(ask(limit, context.read_holding_registers(r.start, r.count)).await?),
            ReadKind::Input => Read::Words(ask(limit, context.read_input_registers(r.start, r.count)).await?),
        });
    }
    {
        let mut fieldbus = lock(&shared.fieldbus);
        for (r, read) in device.reads.iter().zip(&got) {
            match read {
                Read::Bits(values) => {
                    for (n, value) in (r.input * 8..).zip(values.iter().take(r.count.into())) {
                        let (byte, mask) = (n / 8, 1u8 << (n % 8));
                        fieldbus.inputs[byte] = if *value { fieldbus.inputs[byte] | mask } else { fieldbus.inputs[byte] & !mask };
                    }
                }
                Read::Words(values) => {
                    for (k, value) in values.iter().take(r.count.into()).enumerate() {
                        let at = r.input + 2 * k;
                        fieldbus.inputs[at..at + 2].copy_from_slice(&value.to_le_bytes());
                    }
                }
            }
        }
        fieldbus.ok[index] = true;
    }
    for w in &device.writes {
        let (first, len) = bits(w.kind == WriteKind::Coils, w.count, w.output);
        let outputs = lock(&shared.image).outputs[first / 8..(first + len).div_ceil(8)].to_vec();
        match w.kind {
            WriteKind::Coils => {
                let coils: Vec<bool> = (0..len).map(|n| outputs[n / 8] >> (n % 8) & 1 == 1).collect();
                ask(limit, context.write_multiple_coils(w.start, &coils)).await?;
            }
            WriteKind::Holding => {
                let words: Vec<u16> = outputs.chunks_exact(2).map(|p| u16::from_le_bytes([p[0], p[1]])).collect();
                ask(limit, context.write_multiple_registers(w.start, &words)).await?;
            }
        }
    }
    Ok(())
}

/// Polls device `index` until the runtime stops.
pub(crate) async fn run(index: usize, device: DeviceSettings, shared: Arc<Shared>) {
    let what = format!("modbus: device {} at {}", device.name, device.address);
    let mut backoff = device.interval;
    let mut answering = None;
    loop {
        let reason = match timeout(device.timeout, tcp::connect_slave(device.address, Slave(device.unit))).await {
            Ok(Ok(mut context)) => {
                let mut next = Instant::now();
                loop {
                    if let Err(reason) = poll(&mut context, &device, &shared, index).await {
                        break reason;
                    }
                    if answering != Some(true) {
                        log::info!("{what} answers");
                        answering = Some(true);
                    }
                    backoff = device.interval;
                    next = (next + device.interval).max(Instant::now());
                    sleep_until(next).await;
                }
            }
            Ok(Err(e)) => e.to_string(),
            Err(_) => format!("no connection within {}", humantime::format_duration(device.timeout)),
        };
        stale(&shared, index, &device);
        if answering != Some(false) {
            log::warn!("{what} does not answer ({reason}): its inputs are stale, modbus.{}.ok is false", device.name);
            answering = Some(false);
        }
        sleep(backoff).await;
        backoff = (backoff * 2).min(device.backoff_max);
    }
}
