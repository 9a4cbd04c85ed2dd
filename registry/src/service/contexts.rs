//! Schema contexts: the peer's `:.ctx:subject` names, each context with an
//! id space, config and mode of its own (see `store::Store::contexts`).

use super::{Error, Registry};
use crate::audit::{Action, Actor, AuditEvent};
use crate::model::{context_of, context_scope_name, parse_context};

impl Registry {
    /// The contexts that exist, by name: the default one (`.`) first, then
    /// every context a subject was registered in and that was not deleted
    /// since.
    pub async fn contexts(&self) -> Result<Vec<String>, Error> {
        let mut names = vec![".".to_string()];
        names.extend(
            self.store
                .contexts()
                .await?
                .into_iter()
                .filter(|c| c.listed)
                .map(|c| c.name),
        );
        Ok(names)
    }

    /// Deletes a context (as written in `/contexts/{context}`: `.ctx`,
    /// `ctx` or `:.ctx:`) when no subject of it has a version, live or
    /// soft-deleted (42211 otherwise). Its ids stay taken: a subject
    /// registered in it later gets new ones. The default context cannot
    /// go; deleting it succeeds only while it is empty, and changes nothing.
    #[tracing::instrument(skip(self))]
    pub async fn delete_context(&self, written: &str, actor: &Actor) -> Result<(), Error> {
        let not_empty = |name: &str| Error::ContextNotEmpty {
            context: name.to_string(),
        };
        let Some(context) = parse_context(written)? else {
            let subjects = self.store.subjects().await?;
            if subjects.iter().any(|s| context_of(&s.name).is_none()) {
                return Err(not_empty("."));
            }
            return Ok(());
        };
        let name = context_scope_name(&context);
        let audit = AuditEvent::new(actor, Action::DeleteContext, None)
            .with("context", context.clone().into());
        if !self.store.delete_context(&context, &audit).await? {
            return Err(not_empty(&name));
        }
        tracing::info!(context = %context, "context deleted");
        audit.log();
        Ok(())
    }
}
