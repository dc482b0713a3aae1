//! Wake-up lateness as a histogram of fixed log-linear buckets in microseconds (exact below
//! 64 µs, then 32 buckets per power of two: within 3.2 %), with p50, p99 and p99.9 kept
//! current as each sample comes in. Nothing is allocated after it is made.

use std::time::Duration;

/// Values below this many µs have a bucket each.
const EXACT: u64 = 64;
/// Buckets per power of two above [`EXACT`].
const SUB_BITS: u32 = 5;
/// The largest power of two with buckets of its own: 2^32 µs (71 minutes); later ones share
/// the last bucket (the maximum stays exact).
const TOP_POWER: u32 = 32;
const BUCKETS: usize = EXACT as usize + ((TOP_POWER + 1 - 6) as usize) * (1 << SUB_BITS);

/// The quantiles tracked, in thousandths.
const QUANTILES: [u64; 3] = [500, 990, 999];

/// The percentiles of wake-up lateness and its maximum.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Lateness {
    /// The median.
    pub p50: Duration,
    /// The 99th percentile.
    pub p99: Duration,
    /// The 99.9th percentile.
    pub p999: Duration,
    /// The largest.
    pub max: Duration,
}

fn bucket(us: u64) -> usize {
    if us < EXACT {
        return us as usize;
    }
    let power = (63 - us.leading_zeros()).min(TOP_POWER);
    if power == TOP_POWER && us >> TOP_POWER > 1 {
        return BUCKETS - 1;
    }
    let sub = (us >> (power - SUB_BITS)) & ((1 << SUB_BITS) - 1);
    EXACT as usize + (power as usize - 6) * (1 << SUB_BITS) + sub as usize
}

/// The largest value of a bucket, in µs.
fn upper(index: usize) -> u64 {
    if index < EXACT as usize {
        return index as u64;
    }
    let power = (index - EXACT as usize) as u32 / (1 << SUB_BITS) + 6;
    let sub = (index - EXACT as usize) as u64 % (1 << SUB_BITS);
    (((1 << SUB_BITS) + sub + 1) << (power - SUB_BITS)) - 1
}

/// One tracked quantile: the bucket it falls in, and how many samples lie below that bucket.
#[derive(Debug, Clone, Copy, Default)]
struct Cursor {
    index: usize,
    below: u64,
}

/// The histogram.
#[derive(Debug, Clone)]
pub struct Histogram {
    counts: Box<[u64; BUCKETS]>,
    samples: u64,
    max: Duration,
    cursors: [Cursor; 3],
}

impl Default for Histogram {
    fn default() -> Self {
        Histogram { counts: Box::new([0; BUCKETS]), samples: 0, max: Duration::ZERO, cursors: [Cursor::default(); 3] }
    }
}

impl Histogram {
    /// Counts one sample.
    pub fn record(&mut self, lateness: Duration) {
        let b = bucket(u64::try_from(lateness.as_micros()).unwrap_or(u64::MAX));
        self.counts[b] += 1;
        self.samples += 1;
        self.max = self.max.max(lateness);
        for (cursor, q) in self.cursors.iter_mut().zip(QUANTILES) {
            if b < cursor.index {
                cursor.below += 1;
            }
            // The quantile is the bucket holding the sample of this rank (1-based).
            let rank = self.samples.saturating_mul(q).div_ceil(1000).max(1);
            while cursor.below >= rank {
                cursor.index -= 1;
                cursor.below -= self.counts[cursor.index];
            }
            while cursor.below + self.counts[cursor.index] < rank {
                cursor.below += self.counts[cursor.index];
                cursor.index += 1;
            }
        }
    }

    /// Samples counted.
    pub fn samples(&self) -> u64 {
        self.samples
    }

    /// The percentiles (each its bucket's largest value, at most the maximum) and the maximum.
    pub fn lateness(&self) -> Lateness {
        if self.samples == 0 {
            return Lateness::default();
        }
        let at = |c: &Cursor| Duration::from_micros(upper(c.index)).min(self.max);
        Lateness { p50: at(&self.cursors[0]), p99: at(&self.cursors[1]), p999: at(&self.cursors[2]), max: self.max }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn buckets_are_exact_low_and_within_a_thirty_second_above() {
        for us in (0..5000).chain([1 << 20, (1 << 32) - 1, 1 << 32, (1 << 33) + 5, u64::MAX]) {
            let b = bucket(us);
            assert!(b < BUCKETS, "{us}");
            assert!(upper(b) >= us || b == BUCKETS - 1, "{us} in {b} up to {}", upper(b));
            if us < EXACT {
                assert_eq!(upper(b), us);
            } else if b < BUCKETS - 1 {
                assert!((upper(b) - us) * 32 <= us, "{us}: {}", upper(b));
                assert!(b == 0 || upper(b - 1) < us, "{us}");
            }
        }
    }

    /// The quantiles kept as samples come in equal those of the sorted samples, bucketed.
    #[test]
    fn running_quantiles_match_sorting() {
        let mut seed = 0x9e37_79b9_7f4a_7c15u64;
        let mut next = move || {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            seed
        };
        let mut histogram = Histogram::default();
        let mut all = Vec::new();
        for i in 0..20_000u64 {
            // Mostly small, some large, phases that move the quantiles up and down.
            let us = match (i / 3000) % 3 {
                0 => next() % 60,
                1 => next() % 3000,
                _ => if next() % 100 == 0 { next() % 5_000_000 } else { next() % 40 },
            };
            histogram.record(Duration::from_micros(us));
            all.push(us);
            if i % 997 == 0 || i < 50 {
                let mut sorted = all.clone();
                sorted.sort_unstable();
                let nth = |q: u64| {
                    let rank = (sorted.len() as u64 * q).div_ceil(1000).max(1);
                    Duration::from_micros(upper(bucket(sorted[rank as usize - 1])).min(*sorted.last().unwrap()))
                };
                let l = histogram.lateness();
                assert_eq!((l.p50, l.p99, l.p999), (nth(500), nth(990), nth(999)), "after {i}");
                assert_eq!(l.max, Duration::from_micros(*sorted.last().unwrap()));
            }
        }
        assert_eq!(Histogram::default().lateness(), Lateness::default());
    }
}
