//! A small Prometheus registry: the handful of series the registry exports,
//! updated with atomics and rendered in the text exposition format.
//!
//! Hand-written rather than a metrics crate: five series do not need a
//! recorder, and the request path stays one read lock and a few atomic adds.

use std::collections::BTreeMap;
use std::fmt::Write;
use std::sync::RwLock;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use schemas::triage::{Summary, Verdict};

/// Upper bounds of the latency histogram buckets, in seconds.
pub const LATENCY_BUCKETS: [f64; 12] = [
    0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 5.0,
];

/// Counts and latencies of one route.
#[derive(Debug, Default)]
struct RouteStats {
    /// Requests by (method, status).
    requests: RwLock<BTreeMap<(&'static str, u16), AtomicU64>>,
    /// Requests per bucket, one per [`LATENCY_BUCKETS`] entry and one past
    /// the last; not cumulative, so a request touches one counter (the
    /// exposition sums them).
    buckets: [AtomicU64; LATENCY_BUCKETS.len() + 1],
    count: AtomicU64,
    sum_micros: AtomicU64,
}

/// The registry's metrics.
#[derive(Debug, Default)]
pub struct Metrics {
    routes: RwLock<BTreeMap<String, RouteStats>>,
    registrations: AtomicU64,
    compatibility_rejections: AtomicU64,
    /// Messages triaged, one counter per [`Verdict::ALL`] entry.
    triaged: [AtomicU64; Verdict::ALL.len()],
}

/// Reads through a poisoned lock: every update is a single insert or atomic
/// add, so a panic elsewhere cannot leave the map inconsistent.
fn read<T>(lock: &RwLock<T>) -> std::sync::RwLockReadGuard<'_, T> {
    lock.read().unwrap_or_else(|e| e.into_inner())
}

fn write<T>(lock: &RwLock<T>) -> std::sync::RwLockWriteGuard<'_, T> {
    lock.write().unwrap_or_else(|e| e.into_inner())
}

/// The label of a method: the standard ones by name, anything else as
/// `OTHER` (so a client inventing methods cannot grow the series).
fn method_label(method: &str) -> &'static str {
    const KNOWN: [&str; 7] = ["GET", "POST", "PUT", "DELETE", "HEAD", "PATCH", "OPTIONS"];
    KNOWN.into_iter().find(|m| *m == method).unwrap_or("OTHER")
}

impl RouteStats {
    fn record(&self, method: &str, status: u16, latency: Duration) {
        let key = (method_label(method), status);
        let counted = read(&self.requests)
            .get(&key)
            .map(|c| c.fetch_add(1, Ordering::Relaxed))
            .is_some();
        if !counted {
            write(&self.requests)
                .entry(key)
                .or_default()
                .fetch_add(1, Ordering::Relaxed);
        }
        let seconds = latency.as_secs_f64();
        let bucket = LATENCY_BUCKETS
            .iter()
            .position(|bound| seconds <= *bound)
            .unwrap_or(LATENCY_BUCKETS.len());
        self.buckets[bucket].fetch_add(1, Ordering::Relaxed);
        self.count.fetch_add(1, Ordering::Relaxed);
        self.sum_micros
            .fetch_add(latency.as_micros() as u64, Ordering::Relaxed);
    }
}

impl Metrics {
    /// Counts one request to `route` (the matched route pattern, or
    /// `unmatched`).
    pub fn record_request(&self, route: &str, method: &str, status: u16, latency: Duration) {
        if let Some(stats) = read(&self.routes).get(route) {
            stats.record(method, status, latency);
            return;
        }
        write(&self.routes)
            .entry(route.to_string())
            .or_default()
            .record(method, status, latency);
    }

    /// Counts one new version registered.
    pub fn record_registration(&self) {
        self.registrations.fetch_add(1, Ordering::Relaxed);
    }

    /// Counts one registration refused as incompatible.
    pub fn record_compatibility_rejection(&self) {
        self.compatibility_rejections
            .fetch_add(1, Ordering::Relaxed);
    }

    /// Counts the messages of one triage request by verdict.
    pub fn record_triage(&self, summary: &Summary) {
        for (counter, verdict) in self.triaged.iter().zip(Verdict::ALL) {
            let n = summary.by_verdict.get(&verdict).copied().unwrap_or(0);
            if n > 0 {
                counter.fetch_add(n, Ordering::Relaxed);
            }
        }
    }

    /// The exposition text, with `schemas_stored` as the current count of
    /// stored schemas.
    pub fn render(&self, schemas_stored: u64) -> String {
        let mut out = String::new();
        let routes = read(&self.routes);

        out.push_str(
            "# HELP charter_http_requests_total HTTP requests by route, method and status.\n",
        );
        out.push_str("# TYPE charter_http_requests_total counter\n");
        for (route, stats) in routes.iter() {
            for ((method, status), count) in read(&stats.requests).iter() {
                let _ = writeln!(
                    out,
                    "charter_http_requests_total{{route=\"{}\",method=\"{}\",status=\"{status}\"}} {}",
                    escape(route),
                    escape(method),
                    count.load(Ordering::Relaxed)
                );
            }
        }

        out.push_str(
            "# HELP charter_http_request_duration_seconds HTTP request latency by route.\n",
        );
        out.push_str("# TYPE charter_http_request_duration_seconds histogram\n");
        for (route, stats) in routes.iter() {
            let route = escape(route);
            let mut cumulative = 0;
            for (bound, bucket) in LATENCY_BUCKETS.iter().zip(&stats.buckets) {
                cumulative += bucket.load(Ordering::Relaxed);
                let _ = writeln!(
                    out,
                    "charter_http_request_duration_seconds_bucket{{route=\"{route}\",le=\"{bound}\"}} {cumulative}"
                );
            }
            let count = stats.count.load(Ordering::Relaxed);
            let _ = writeln!(
                out,
                "charter_http_request_duration_seconds_bucket{{route=\"{route}\",le=\"+Inf\"}} {count}"
            );
            let _ = writeln!(
                out,
                "charter_http_request_duration_seconds_sum{{route=\"{route}\"}} {}",
                stats.sum_micros.load(Ordering::Relaxed) as f64 / 1e6
            );
            let _ = writeln!(
                out,
                "charter_http_request_duration_seconds_count{{route=\"{route}\"}} {count}"
            );
        }

        let counters = [
            (
                "charter_registrations_total",
                "New schema versions registered.",
                self.registrations.load(Ordering::Relaxed),
            ),
            (
                "charter_compatibility_rejections_total",
                "Registrations refused because the schema was incompatible.",
                self.compatibility_rejections.load(Ordering::Relaxed),
            ),
        ];
        for (name, help, value) in counters {
            let _ = writeln!(
                out,
                "# HELP {name} {help}\n# TYPE {name} counter\n{name} {value}"
            );
        }
        out.push_str(
            "# HELP charter_triage_messages_total Messages triaged (POST /triage) by verdict.\n",
        );
        out.push_str("# TYPE charter_triage_messages_total counter\n");
        for (counter, verdict) in self.triaged.iter().zip(Verdict::ALL) {
            let _ = writeln!(
                out,
                "charter_triage_messages_total{{verdict=\"{verdict}\"}} {}",
                counter.load(Ordering::Relaxed)
            );
        }
        let _ = writeln!(
            out,
            "# HELP charter_schemas_stored Distinct schemas held by at least one version.\n\
             # TYPE charter_schemas_stored gauge\ncharter_schemas_stored {schemas_stored}"
        );
        out
    }
}

/// Escapes a label value (backslash, quote, newline).
fn escape(value: &str) -> String {
    value
        .replace('\\', "\\\\")
        .replace('"', "\\\"")
        .replace('\n', "\\n")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn renders_counters_and_histogram() {
        let metrics = Metrics::default();
        metrics.record_request("/schemas/ids/{id}", "GET", 200, Duration::from_micros(300));
        metrics.record_request("/schemas/ids/{id}", "GET", 200, Duration::from_millis(30));
        metrics.record_request("/schemas/ids/{id}", "GET", 404, Duration::from_micros(10));
        metrics.record_registration();
        metrics.record_compatibility_rejection();
        let text = metrics.render(7);
        assert!(text.contains(
            "charter_http_requests_total{route=\"/schemas/ids/{id}\",method=\"GET\",status=\"200\"} 2"
        ));
        assert!(text.contains(
            "charter_http_request_duration_seconds_bucket{route=\"/schemas/ids/{id}\",le=\"0.0005\"} 2"
        ));
        assert!(text.contains(
            "charter_http_request_duration_seconds_bucket{route=\"/schemas/ids/{id}\",le=\"+Inf\"} 3"
        ));
        assert!(text.contains("charter_registrations_total 1"));
        assert!(text.contains("charter_compatibility_rejections_total 1"));
        assert!(text.contains("charter_schemas_stored 7"));
        assert!(text.contains("charter_triage_messages_total{verdict=\"valid\"} 0"));
    }

    #[test]
    fn invented_methods_share_one_label() {
        assert_eq!(method_label("GET"), "GET");
        assert_eq!(method_label("BREW"), "OTHER");
    }

    #[test]
    fn escapes_label_values() {
        assert_eq!(escape("a\"b\\c\nd"), "a\\\"b\\\\c\\nd");
    }
}
