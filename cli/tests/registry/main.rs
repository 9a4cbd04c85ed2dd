//! The registry commands end to end, one module per command under test:
//! the real `charter` binary against a real Charter registry served
//! in-process on a fresh SQLite database per test (`../server`), and
//! against stand-ins for another registry, one that is down, slow to
//! recover or guarded by credentials (`canned.rs`).

#[allow(dead_code)] // not every helper is used here
#[path = "../common/mod.rs"]
mod common;
#[allow(dead_code)] // shared with the registry's tests, which use all of it
#[path = "../../../registry/tests/common/postgres.rs"]
mod postgres;
#[path = "../server/mod.rs"]
mod server;

mod audit;
mod canned;
mod check;
mod connection;
mod consumers;
mod copy;
mod expect;
mod push;
mod read;
mod register;
mod usage;
mod validate;

const V1: &str = "contracts/orders/order-placed.v1.json";
const V2: &str = "contracts/orders/order-placed.v2.json";
const V3: &str = "contracts/orders/order-placed.v3.json";
const SUBJECT: &str = "orders-value";
