//! Deterministic randomness and AWS-shaped identifiers.
//!
//! Every random draw in the demo comes from a ChaCha8 stream keyed by (seed, purpose, index),
//! so any one item can be regenerated on its own without replaying the whole world; that keeps
//! generation O(n) and lets the state at any `now` be computed directly.

use chrono::{DateTime, Utc};
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

/// Purposes, so streams for different concerns never overlap.
pub const STREAM_IDENTITY: u64 = 1;
pub const STREAM_ROOT: u64 = 2;
pub const STREAM_ALARMS: u64 = 3;
pub const STREAM_ALARM_STATE: u64 = 4;
pub const STREAM_FINDINGS: u64 = 5;
pub const STREAM_ARRIVALS: u64 = 6;
pub const STREAM_INSTANCES: u64 = 7;
pub const STREAM_DETECTORS: u64 = 8;
pub const STREAM_KEYS: u64 = 9;
pub const STREAM_FINDING_IDS: u64 = 10;
pub const STREAM_BASELINE: u64 = 11;
/// The simulated organisation: account IDs, each account's seed, the OU and org IDs.
pub const STREAM_ACCOUNT_IDS: u64 = 12;
pub const STREAM_ACCOUNT_SEEDS: u64 = 13;
pub const STREAM_ORG: u64 = 14;
/// Findings archived before the demo started.
pub const STREAM_ARCHIVED: u64 = 15;

pub const DAY: i64 = 86_400;

/// SplitMix64's finaliser: a bijection on u64 with good avalanche, so distinct inputs give
/// distinct (and unrelated-looking) outputs.
pub fn scramble(mut z: u64) -> u64 {
    z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    z ^ (z >> 31)
}

/// A 64-bit key for (seed, stream, index).
pub fn mix(seed: u64, stream: u64, index: u64) -> u64 {
    scramble(scramble(seed ^ stream.wrapping_mul(0x9e37_79b9_7f4a_7c15)) ^ index)
}

/// The random stream for one item of one concern.
pub fn rng_for(seed: u64, stream: u64, index: u64) -> ChaCha8Rng {
    ChaCha8Rng::seed_from_u64(mix(seed, stream, index))
}

/// A draw in `lo..hi`, or `lo` when the range is empty (never panics).
pub fn between(rng: &mut ChaCha8Rng, lo: i64, hi: i64) -> i64 {
    if hi <= lo {
        lo
    } else {
        rng.random_range(lo..hi)
    }
}

/// One element of a static table, or `fallback` if the table is empty.
pub fn choose<T: Copy>(rng: &mut ChaCha8Rng, items: &[T], fallback: T) -> T {
    if items.is_empty() {
        return fallback;
    }
    items
        .get(rng.random_range(0..items.len()))
        .copied()
        .unwrap_or(fallback)
}

/// Epoch seconds to a timestamp; out-of-range values fall back to the epoch rather than panic.
pub fn at(secs: i64) -> DateTime<Utc> {
    DateTime::from_timestamp(secs, 0).unwrap_or_default()
}

/// Floor division that rounds towards negative infinity (times before the anchor).
pub fn floor_div(a: i64, b: i64) -> i64 {
    if b == 0 { 0 } else { a.div_euclid(b) }
}

/// `-N` for the N-th copy of a name (N ≥ 2); empty for the first. Large demos repeat the
/// same catalog per scale unit, and this keeps every name unique.
pub fn unit_suffix(unit: u32) -> String {
    if unit == 0 {
        String::new()
    } else {
        format!("-{}", unit + 1)
    }
}

/// `n` lowercase letters and digits drawn from `key`, as Organizations IDs are (`o-`, `r-`,
/// `ou-`).
pub fn lower_alnum(key: u64, n: usize) -> String {
    const CHARS: &[u8; 36] = b"abcdefghijklmnopqrstuvwxyz0123456789";
    let mut bits = key;
    (0..n)
        .map(|i| {
            if i > 0 && i % 12 == 0 {
                bits = scramble(bits);
            }
            let c = CHARS.get((bits % 36) as usize).copied().unwrap_or(b'a');
            bits /= 36;
            char::from(c)
        })
        .collect()
}

const BASE32: &[u8; 32] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";

/// `AKIA` + 16 base-32 characters, unique per `counter` for a given seed: the first 13
/// characters encode a bijection of the counter, the last 3 are noise.
pub fn access_key_id(seed: u64, prefix: &str, counter: u64) -> String {
    let unique = scramble(counter.wrapping_add(mix(seed, STREAM_KEYS, u64::MAX)));
    let noise = mix(seed, STREAM_KEYS, counter);
    let mut out = String::with_capacity(20);
    out.push_str(prefix);
    for i in 0..13 {
        out.push(base32_char(unique >> (i * 5)));
    }
    for i in 0..3 {
        out.push(base32_char(noise >> (i * 5)));
    }
    out
}

fn base32_char(bits: u64) -> char {
    char::from(BASE32.get((bits & 31) as usize).copied().unwrap_or(b'A'))
}

/// A GuardDuty-style 32-hex-character ID, unique per `index` for a given seed (the low half
/// is a bijection of the index).
pub fn hex32(seed: u64, stream: u64, index: u64) -> String {
    let high = mix(seed, stream, index);
    let low = scramble(index.wrapping_add(mix(seed, stream, u64::MAX)));
    format!("{high:016x}{low:016x}")
}

/// An EC2 instance in a region's demo fleet, derived on demand from its index.
pub struct Instance {
    pub id: String,
    pub instance_type: &'static str,
    pub image_id: String,
    pub private_ip: String,
    pub name: String,
    pub env: &'static str,
}

/// The `index`-th instance of region `region_slot`; the same inputs always give the same
/// instance, so alarms and findings can refer to the same fleet without storing it.
pub fn instance(seed: u64, region_slot: usize, index: u64) -> Instance {
    use super::catalog::{INSTANCE_ROLES, INSTANCE_TYPES};
    let mut rng = rng_for(seed, STREAM_INSTANCES, ((region_slot as u64) << 40) | index);
    let id_bits: u64 = rng.random();
    let ami_bits: u64 = rng.random();
    let role = choose(&mut rng, INSTANCE_ROLES, "app");
    let env = if rng.random_bool(0.75) {
        "prod"
    } else {
        "staging"
    };
    let subnet = 16 * (region_slot as i64) + between(&mut rng, 0, 4);
    Instance {
        // Real IDs are `i-0` + 16 hex digits.
        id: format!("i-0{id_bits:016x}"),
        instance_type: choose(&mut rng, INSTANCE_TYPES, "m5.large"),
        image_id: format!("ami-0{:016x}", ami_bits),
        private_ip: format!(
            "10.{}.{}.{}",
            20 + region_slot,
            subnet,
            between(&mut rng, 4, 250)
        ),
        name: format!("{env}-{role}-{:02}", index % 97 + 1),
        env,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;

    #[test]
    fn access_key_ids_are_aws_shaped_and_unique() {
        let ids: HashSet<String> = (0..10_000).map(|i| access_key_id(7, "AKIA", i)).collect();
        assert_eq!(ids.len(), 10_000);
        for id in ids.iter().take(50) {
            assert_eq!(id.len(), 20);
            assert!(id.starts_with("AKIA"));
            assert!(
                id.chars()
                    .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit())
            );
        }
    }

    #[test]
    fn hex_ids_are_32_lowercase_hex() {
        let id = hex32(7, STREAM_FINDING_IDS, 3);
        assert_eq!(id.len(), 32);
        assert!(
            id.chars()
                .all(|c| c.is_ascii_hexdigit() && !c.is_ascii_uppercase())
        );
        assert_ne!(id, hex32(8, STREAM_FINDING_IDS, 3));
    }

    #[test]
    fn floor_div_rounds_down_for_negative_offsets() {
        assert_eq!(floor_div(-1, 60), -1);
        assert_eq!(floor_div(59, 60), 0);
        assert_eq!(floor_div(5, 0), 0);
    }
}
