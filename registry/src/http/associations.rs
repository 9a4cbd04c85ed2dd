//! `/associations`: Charter binds no subjects to topics yet.
//!
//! Serializers ask `GET /associations/resources/{ns}/{topic}` before their
//! first use of a topic; a 404 makes them fall back to `<topic>-value`.

use super::error::ApiError;

/// Every associations call: 404 with 40410.
pub(super) async fn none() -> ApiError {
    ApiError::AssociationNotFound
}
