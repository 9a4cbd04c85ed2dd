//! What the hostile-input tests share (issue #15): the server's memory read
//! from /proc, and a schema registered before an attack that must still be
//! served, under the same id, after it.

use serde_json::{Value, json};

use super::{Server, closed};

/// The server's resident memory now and at its peak, in MiB (Linux).
pub fn memory_mib(server: &Server) -> (u64, u64) {
    let status = std::fs::read_to_string(format!("/proc/{}/status", server.pid()))
        .expect("/proc/PID/status");
    let field = |name: &str| {
        status
            .lines()
            .find_map(|l| l.strip_prefix(name))
            .and_then(|v| v.trim().trim_end_matches("kB").trim().parse::<u64>().ok())
            .unwrap_or_else(|| panic!("no {name} in /proc/PID/status"))
            / 1024
    };
    (field("VmRSS:"), field("VmHWM:"))
}

/// Asserts the server's peak resident memory stayed under `limit` MiB.
pub fn peak_under(server: &Server, limit: u64) {
    let (rss, peak) = memory_mib(server);
    assert!(
        peak < limit,
        "peak resident memory {peak} MiB (now {rss} MiB), bound {limit} MiB"
    );
}

/// A schema registered before the attack, to check it is still served.
pub struct Known {
    /// Its id.
    pub id: u64,
    /// The schema registered.
    pub schema: Value,
}

impl Known {
    pub async fn register(server: &Server) -> Known {
        let schema = closed(json!({"id": {"type": "string"}}));
        let answer = server.register("known-value", &schema).await;
        assert_eq!(answer.status, 200, "{}", answer.text);
        Known {
            id: answer.body["id"].as_u64().expect("an id"),
            schema,
        }
    }

    /// The server still answers the known schema under the same id.
    pub async fn still_served(&self, server: &Server) {
        let answer = server.get(&format!("/schemas/ids/{}", self.id)).await;
        assert_eq!(answer.status, 200, "{}", answer.text);
        let text = answer.body["schema"].as_str().expect("schema text");
        let served: Value = serde_json::from_str(text).expect("JSON");
        assert_eq!(served, self.schema);
        let latest = server.get("/subjects/known-value/versions/latest").await;
        assert_eq!(latest.body["id"].as_u64(), Some(self.id), "{}", latest.text);
    }
}
