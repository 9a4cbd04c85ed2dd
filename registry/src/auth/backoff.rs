//! Back-off for addresses that keep failing to authenticate.
//!
//! Failures are counted per address (an IPv4 address, or an IPv6 /64, the
//! block one host usually holds). Once an address has [`FREE_FAILURES`]
//! failures, each request from it whose credentials are not already
//! verified waits before they are checked: [`FIRST_DELAY`], doubling with
//! each further failure, at most [`MAX_DELAY`]. An address is
//! forgotten [`FORGET_AFTER`] after its last failure; at most
//! [`MAX_ADDRESSES`] are tracked (when full, the least recently failing are
//! forgotten first). Requests whose credentials were verified before (the
//! verification cache) never wait, so a client sharing an address with an
//! attacker keeps working.

use std::collections::HashMap;
use std::net::IpAddr;
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// Failures from one address before its requests start to wait.
pub const FREE_FAILURES: u32 = 5;
/// The wait after the first failure past [`FREE_FAILURES`].
pub const FIRST_DELAY: Duration = Duration::from_millis(250);
/// The longest wait.
pub const MAX_DELAY: Duration = Duration::from_secs(8);
/// How long after its last failure an address is forgotten.
pub const FORGET_AFTER: Duration = Duration::from_secs(10 * 60);
/// The most addresses tracked at once.
pub const MAX_ADDRESSES: usize = 65_536;

/// An address as failures are counted: IPv4 whole, IPv6 by /64.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
enum Block {
    V4(u32),
    V6(u64),
}

impl Block {
    fn of(address: IpAddr) -> Block {
        match address {
            IpAddr::V4(v4) => Block::V4(v4.into()),
            IpAddr::V6(v6) => match v6.to_ipv4_mapped() {
                Some(v4) => Block::V4(v4.into()),
                None => Block::V6((u128::from(v6) >> 64) as u64),
            },
        }
    }
}

#[derive(Debug, Clone, Copy)]
struct Record {
    failures: u32,
    last: Instant,
}

/// Failure counts by address.
#[derive(Debug, Default)]
pub struct Backoff {
    records: Mutex<HashMap<Block, Record>>,
}

/// The wait for an address with `failures` failures so far: none for the
/// first [`FREE_FAILURES`], then [`FIRST_DELAY`] doubling per failure, at
/// most [`MAX_DELAY`].
pub fn delay_after(failures: u32) -> Option<Duration> {
    let doublings = failures.checked_sub(FREE_FAILURES)?.min(16);
    Some((FIRST_DELAY * (1 << doublings)).min(MAX_DELAY))
}

impl Backoff {
    fn records(&self) -> std::sync::MutexGuard<'_, HashMap<Block, Record>> {
        self.records.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// How long a request from `address` waits before its credentials are
    /// checked (`None`: not at all).
    pub fn delay(&self, address: IpAddr) -> Option<Duration> {
        self.delay_at(address, Instant::now())
    }

    fn delay_at(&self, address: IpAddr, now: Instant) -> Option<Duration> {
        let records = self.records();
        let record = records.get(&Block::of(address))?;
        if now.duration_since(record.last) >= FORGET_AFTER {
            return None;
        }
        delay_after(record.failures)
    }

    /// Counts a failure from `address`.
    pub fn fail(&self, address: IpAddr) {
        self.fail_at(address, Instant::now());
    }

    fn fail_at(&self, address: IpAddr, now: Instant) {
        let mut records = self.records();
        let block = Block::of(address);
        if !records.contains_key(&block) && records.len() >= MAX_ADDRESSES {
            records.retain(|_, r| now.duration_since(r.last) < FORGET_AFTER);
            if records.len() >= MAX_ADDRESSES {
                // Forget the eighth that failed least recently.
                let mut ages: Vec<Instant> = records.values().map(|r| r.last).collect();
                let cut = MAX_ADDRESSES / 8;
                ages.select_nth_unstable(cut);
                let oldest = ages[cut];
                records.retain(|_, r| r.last > oldest);
            }
        }
        let record = records.entry(block).or_insert(Record {
            failures: 0,
            last: now,
        });
        if now.duration_since(record.last) >= FORGET_AFTER {
            record.failures = 0;
        }
        record.failures = record.failures.saturating_add(1);
        record.last = now;
    }

    /// How many addresses are tracked.
    pub fn tracked(&self) -> usize {
        self.records().len()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_documented_numbers() {
        let delays: Vec<Option<u64>> = (0..=12)
            .map(|n| delay_after(n).map(|d| d.as_millis() as u64))
            .collect();
        assert_eq!(
            delays,
            [
                None,
                None,
                None,
                None,
                None,
                Some(250),
                Some(500),
                Some(1000),
                Some(2000),
                Some(4000),
                Some(8000),
                Some(8000),
                Some(8000),
            ]
        );
        assert_eq!(delay_after(u32::MAX), Some(MAX_DELAY));
    }

    #[test]
    fn counts_per_address_and_forgets() {
        let backoff = Backoff::default();
        let a: IpAddr = "10.0.0.1".parse().unwrap();
        let b: IpAddr = "10.0.0.2".parse().unwrap();
        let t0 = Instant::now();
        for _ in 0..5 {
            backoff.fail_at(a, t0);
        }
        assert_eq!(backoff.delay_at(a, t0), Some(FIRST_DELAY));
        assert_eq!(backoff.delay_at(b, t0), None);
        assert_eq!(backoff.delay_at(a, t0 + FORGET_AFTER), None);
        backoff.fail_at(a, t0 + FORGET_AFTER);
        assert_eq!(
            backoff.delay_at(a, t0 + FORGET_AFTER),
            None,
            "counting again from 1"
        );
    }

    #[test]
    fn ipv6_counts_by_64_and_mapped_v4_as_v4() {
        let backoff = Backoff::default();
        let t0 = Instant::now();
        for i in 0..5 {
            let address: IpAddr = format!("2001:db8:1:2::{i}").parse().unwrap();
            backoff.fail_at(address, t0);
        }
        let neighbour: IpAddr = "2001:db8:1:2:ffff::1".parse().unwrap();
        let elsewhere: IpAddr = "2001:db8:1:3::1".parse().unwrap();
        assert_eq!(backoff.delay_at(neighbour, t0), Some(FIRST_DELAY));
        assert_eq!(backoff.delay_at(elsewhere, t0), None);
        let mapped: IpAddr = "::ffff:10.0.0.1".parse().unwrap();
        backoff.fail_at(mapped, t0);
        assert!(backoff.records().contains_key(&Block::V4(0x0a00_0001)));
    }

    #[test]
    fn stays_bounded() {
        let backoff = Backoff::default();
        let t0 = Instant::now();
        for i in 0..(MAX_ADDRESSES as u32 + 10) {
            backoff.fail_at(
                IpAddr::V4(i.into()),
                t0 + Duration::from_micros(u64::from(i)),
            );
        }
        assert!(backoff.tracked() <= MAX_ADDRESSES);
        // The newest are kept.
        let newest = IpAddr::V4((MAX_ADDRESSES as u32 + 9).into());
        assert!(backoff.records().contains_key(&Block::of(newest)));
    }
}
