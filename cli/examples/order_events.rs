//! Generates OrderPlaced events (`fixtures/contracts/orders/order-placed.v1.json`)
//! as NDJSON for `ci/bench-validate.sh`: deterministic, with prices that
//! are exact cents (835.53, which a floating-point `multipleOf` gets wrong)
//! and about 2% invalid records, in five ways.
//!
//! ```text
//! cargo run --release -p cli --example order_events -- 1000000 > orders.ndjson
//! ```

use std::fmt::Write as _;
use std::io::{BufWriter, Write};

/// One record in this many is invalid.
const INVALID_EVERY: u64 = 50;

const CHANNELS: [&str; 4] = ["web", "app", "store", "phone"];
const CURRENCIES: [&str; 5] = ["EUR", "USD", "GBP", "CHF", "SEK"];
const PAYMENTS: [&str; 4] = ["card", "invoice", "paypal", "giftcard"];
const CITIES: [(&str, &str); 4] = [
    ("Berlin", "DE"),
    ("Stockholm", "SE"),
    ("Leeds", "GB"),
    ("Basel", "CH"),
];

/// How an invalid record is broken.
#[derive(Clone, Copy)]
enum Flaw {
    /// `eventVersion` is a string.
    WrongType,
    /// `payload.totals` is missing.
    MissingRequired,
    /// `occurredAt` is not a date-time.
    BadFormat,
    /// `currency` is not one of the listed ones.
    EnumMiss,
    /// An undeclared property at the top (`additionalProperties: false`).
    ExtraProperty,
}

const FLAWS: [Flaw; 5] = [
    Flaw::WrongType,
    Flaw::MissingRequired,
    Flaw::BadFormat,
    Flaw::EnumMiss,
    Flaw::ExtraProperty,
];

/// splitmix64: small, fast and the same everywhere.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }

    fn pick<'a>(&mut self, items: &[&'a str]) -> &'a str {
        items[self.below(items.len() as u64) as usize]
    }

    fn uuid(&mut self) -> String {
        let (a, b) = (self.next(), self.next());
        format!(
            "{:08x}-{:04x}-4{:03x}-{:x}{:03x}-{:012x}",
            a >> 32,
            (a >> 16) & 0xffff,
            a & 0xfff,
            8 + (b >> 62),
            (b >> 48) & 0xfff,
            b & 0xffff_ffff_ffff
        )
    }
}

fn cents(c: u64) -> String {
    format!("{}.{:02}", c / 100, c % 100)
}

/// A date-time in 2024, `seconds` after its start (months of 28 days).
fn timestamp(seconds: u64) -> String {
    let day = seconds / 86_400;
    format!(
        "2024-{:02}-{:02}T{:02}:{:02}:{:02}Z",
        1 + (day / 28) % 12,
        1 + day % 28,
        (seconds / 3600) % 24,
        (seconds / 60) % 60,
        seconds % 60
    )
}

fn record(i: u64, rng: &mut Rng, flaw: Option<Flaw>, out: &mut String) {
    out.clear();
    let at = timestamp(i * 7);
    let occurred = match flaw {
        Some(Flaw::BadFormat) => at.replace('T', " ").replace('Z', ""),
        _ => at.clone(),
    };
    let version = match flaw {
        Some(Flaw::WrongType) => "\"1\"",
        _ => "1",
    };
    let _ = write!(
        out,
        r#"{{"eventId":"{}","eventType":"com.acme.orders.OrderPlaced","eventVersion":{version},"occurredAt":"{occurred}","correlationId":"{}","producer":"checkout-service""#,
        rng.uuid(),
        rng.uuid()
    );
    if let Some(Flaw::ExtraProperty) = flaw {
        out.push_str(r#","debug":true"#);
    }
    let currency = match flaw {
        Some(Flaw::EnumMiss) => "NOK",
        _ => rng.pick(&CURRENCIES),
    };
    let _ = write!(
        out,
        r#","payload":{{"orderId":"ORD-{i:09}","customerId":"CUST-{:05}","placedAt":"{at}","channel":"{}","currency":"{currency}","lines":["#,
        rng.below(100_000),
        rng.pick(&CHANNELS)
    );
    let mut subtotal = 0;
    for line in 1..=1 + rng.below(4) {
        let (quantity, price) = (1 + rng.below(9), 50 + rng.below(99_950));
        subtotal += quantity * price;
        let separator = if line == 1 { "" } else { "," };
        let _ = write!(
            out,
            r#"{separator}{{"lineId":{line},"sku":"SKU-{:06}","quantity":{quantity},"unitPrice":{}}}"#,
            rng.below(1_000_000),
            cents(price)
        );
    }
    out.push(']');
    if !matches!(flaw, Some(Flaw::MissingRequired)) {
        let tax = subtotal / 5;
        let _ = write!(
            out,
            r#","totals":{{"subtotal":{},"tax":{},"total":{}}}"#,
            cents(subtotal),
            cents(tax),
            cents(subtotal + tax)
        );
    }
    if rng.below(3) == 0 {
        let (city, country) = CITIES[rng.below(CITIES.len() as u64) as usize];
        let _ = write!(
            out,
            r#","billingAddress":{{"line1":"Main Street {}","city":"{city}","postalCode":"{:05}","country":"{country}","email":"customer{}@example.com"}}"#,
            1 + rng.below(200),
            rng.below(100_000),
            rng.below(100_000)
        );
    }
    if rng.below(2) == 0 {
        let _ = write!(
            out,
            r#","paymentMethod":"{}","tags":["promo","{}"],"customerSegment":null"#,
            rng.pick(&PAYMENTS),
            rng.pick(&CHANNELS)
        );
    }
    out.push_str("}}\n");
}

fn main() -> std::io::Result<()> {
    let count: u64 = std::env::args()
        .nth(1)
        .and_then(|n| n.parse().ok())
        .unwrap_or(1_000_000);
    let mut rng = Rng(0x0c4a_57e5);
    let mut out = BufWriter::with_capacity(1 << 20, std::io::stdout().lock());
    let mut line = String::new();
    let mut flaws = FLAWS.iter().cycle();
    for i in 0..count {
        let flaw = (rng.below(INVALID_EVERY) == 0).then(|| *flaws.next().unwrap_or(&FLAWS[0]));
        record(i, &mut rng, flaw, &mut line);
        out.write_all(line.as_bytes())?;
    }
    out.flush()
}
