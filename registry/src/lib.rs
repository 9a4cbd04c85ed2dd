//! # registry — Charter's schema registry service
//!
//! A Confluent Schema Registry compatible REST API over a durable store, with
//! Charter's compatibility engine ([`schemas`]) deciding every check.
//!
//! - [`config`]: flags and environment, validated into settings.
//! - [`auth`]: the auth file, credentials, principals and their grants.
//! - [`http`]: routes, wire format, errors; [`app`] builds the router and
//!   [`run`] serves it on a listener until a shutdown future completes
//!   ([`http::tls::serve_tls`] over TLS).
//! - [`service`]: the rules (registration, lookup, deletion, config, modes).
//! - [`store`]: the [`store::Store`] trait and its SQLite implementation.
//! - [`metrics`], [`telemetry`]: what operators see.
//!
//! ```no_run
//! # async fn demo() -> Result<(), Box<dyn std::error::Error>> {
//! use std::sync::Arc;
//! use registry::{AppState, StateOptions, store::SqliteStore};
//!
//! let store = SqliteStore::open("sqlite://charter.db").await?;
//! let state = AppState::new(Arc::new(store), StateOptions::default());
//! let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
//! registry::run(listener, state, async { let _ = tokio::signal::ctrl_c().await; }).await?;
//! # Ok(()) }
//! ```

pub mod audit;
pub mod auth;
pub mod config;
pub mod http;
pub mod metrics;
pub mod model;
pub mod service;
pub mod store;
pub mod telemetry;

pub use http::{AppState, StateOptions, app, run};
