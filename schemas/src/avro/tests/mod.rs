//! Tests of the Avro module, one file per feature, each with its `check`
//! helper.

mod canonical;
mod compat;
mod data;
mod identity;
mod normalized;
mod parse;
