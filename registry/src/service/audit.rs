//! Reading the audit trail, and recording events that change nothing in the
//! store: refusals (by compatibility here, by permission at the HTTP edge)
//! and auth file reloads. Changes record themselves where they are made, in
//! their own transaction.

use super::{Error, Registry};
use crate::audit::{AuditEvent, AuditQuery};

impl Registry {
    /// The events `query` selects, newest first.
    pub async fn audit_events(&self, query: &AuditQuery) -> Result<Vec<AuditEvent>, Error> {
        Ok(self.store.audit_events(query).await?)
    }

    /// Records and logs an event that goes with no change to the store: an
    /// attempt that was refused, an auth file reload.
    pub async fn record_event(&self, event: &AuditEvent) -> Result<(), Error> {
        self.store.record_audit(event).await?;
        event.log();
        Ok(())
    }
}
