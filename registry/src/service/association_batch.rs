//! Confluent 8.3's batch calls on associations: `batchGet` (many reads in
//! one call, each answered on its own) and `batchMutate` (for each
//! resource, CREATE, UPSERT and DELETE operations). The rules of a batch
//! request are the peer's `AssociationOpRequest.validate` and
//! `mutateAssociations`: every operation of a resource's request is checked
//! before any is applied, a kind appears at most once (deletes included),
//! adjacent operations of one type are applied as one create or update
//! request (checked whole, then written), a DELETE deletes the resource's
//! association of that kind if there is one, and runs are applied in order
//! with no rollback across them.

use std::collections::HashMap;

use super::association_rules::{
    self, AssociationInput, AssociationRequest, Plan, ResourceRequest, Upsert, association_type,
    invalid, once_per_request,
};
use super::{Error, Registry, SubjectVersion};
use crate::model::{
    Association, AssociationFilter, AssociationType, Lifecycle, Subject, TOPIC_RESOURCE,
    VersionSelector,
};

/// One operation of a batch request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum BatchOp {
    /// `CREATE` ([`Upsert::CreateOnly`]) or `UPSERT` one association.
    Set(Upsert, AssociationInput),
    /// `DELETE` the resource's association of a kind.
    Delete {
        /// `key` or `value` as sent (none: `value`).
        association_type: Option<String>,
        /// Whether a frozen one goes too, with a STRONG one's subject.
        cascade: bool,
    },
}

/// A batch request's operations on one resource, as decoded, in the order
/// sent.
pub type ResourceOps = ResourceRequest<BatchOp>;

/// A step of a checked batch request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Run {
    /// Adjacent operations of one type, applied as one create (or create
    /// or update) request.
    Set(Upsert, AssociationRequest),
    /// Deletes the association of a kind, if the resource has one.
    Delete {
        /// The kind.
        association_type: AssociationType,
        /// Whether it cascades.
        cascade: bool,
    },
}

/// Checks a resource's batch request whole, as the peer does before
/// applying any of it: the resource, at least one operation, each
/// operation, each kind at most once. Returns the resource and its runs.
pub fn runs(request: ResourceOps, dry_run: bool) -> Result<(Plan, Vec<Run>), Error> {
    let plan = association_rules::check_resource(
        request.resource_name.as_deref(),
        request.resource_namespace.as_deref(),
        request.resource_id,
        request.resource_type,
        dry_run,
    )?;
    if request.associations.is_empty() {
        return Err(invalid("associations", "cannot be null or empty"));
    }
    let mut seen = Vec::new();
    let mut runs: Vec<Run> = Vec::new();
    for op in request.associations {
        match op {
            BatchOp::Set(upsert, info) => {
                let info = association_rules::check_input(info, upsert, &plan)?;
                once_per_request(
                    &mut seen,
                    association_type(info.association_type.as_deref())?,
                )?;
                match runs.last_mut() {
                    Some(Run::Set(kind, run)) if *kind == upsert => run.associations.push(info),
                    _ => runs.push(Run::Set(
                        upsert,
                        AssociationRequest {
                            resource_name: Some(plan.resource_name.clone()),
                            resource_namespace: Some(plan.resource_namespace.clone()),
                            resource_id: plan.resource_id.clone(),
                            resource_type: Some(plan.resource_type.clone()),
                            associations: vec![info],
                        },
                    )),
                }
            }
            BatchOp::Delete {
                association_type: sent,
                cascade,
            } => {
                let kind = association_type(sent.as_deref())?;
                once_per_request(&mut seen, kind)?;
                runs.push(Run::Delete {
                    association_type: kind,
                    cascade,
                });
            }
        }
    }
    Ok((plan, runs))
}

/// One query of `batchGet`, as decoded.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AssociationQuery {
    /// The resource's name (with its namespace, when there is no id).
    pub resource_name: Option<String>,
    /// Its namespace (`-`: any).
    pub resource_namespace: Option<String>,
    /// Its id: read by id when given.
    pub resource_id: Option<String>,
    /// Its type (none: `topic`).
    pub resource_type: Option<String>,
    /// Only these kinds, as sent (none or empty: every kind).
    pub association_types: Vec<String>,
    /// Only this lifecycle.
    pub lifecycle: Option<Lifecycle>,
}

impl AssociationQuery {
    /// The peer's `AssociationGetRequest.validate`, then what it reads:
    /// by id when one is sent, else by name and namespace. `None` when it
    /// asks only for kinds no association has.
    pub fn filter(&self) -> Result<Option<AssociationFilter>, Error> {
        let given = |v: &Option<String>| v.as_deref().is_some_and(|v| !v.is_empty());
        let by_id = given(&self.resource_id);
        let by_name = given(&self.resource_name);
        if !by_id && !by_name {
            return Err(invalid(
                "resourceId",
                "either resourceId or resourceName must be specified",
            ));
        }
        if by_name && !given(&self.resource_namespace) {
            return Err(invalid(
                "resourceNamespace",
                "resourceNamespace is required when resourceName is specified",
            ));
        }
        let association_types: Vec<AssociationType> = self
            .association_types
            .iter()
            .filter_map(|t| t.parse().ok())
            .collect();
        if !self.association_types.is_empty() && association_types.is_empty() {
            return Ok(None);
        }
        let mut filter = AssociationFilter {
            resource_type: Some(
                self.resource_type
                    .clone()
                    .filter(|t| !t.is_empty())
                    .unwrap_or_else(|| TOPIC_RESOURCE.to_string()),
            ),
            association_types,
            lifecycle: self.lifecycle,
            ..AssociationFilter::default()
        };
        if by_id {
            filter.resource_id = self.resource_id.clone();
        } else {
            filter.resource_name = self.resource_name.clone();
            filter.resource_namespace = self.resource_namespace.clone().filter(|n| n != "-");
        }
        Ok(Some(filter))
    }
}

/// What a batch call answers for one resource: the peer's
/// `AssociationResponse` (name, namespace and id as sent, or the first
/// association's where not sent) with its associations, each with the
/// schema read or registered for its kind.
#[derive(Debug, Clone)]
pub struct ResourceAnswer {
    /// The resource's name.
    pub resource_name: Option<String>,
    /// Its namespace.
    pub resource_namespace: Option<String>,
    /// Its id.
    pub resource_id: Option<String>,
    /// Its type.
    pub resource_type: String,
    /// Its associations, each with the schema of its kind.
    pub associations: Vec<(Association, Option<SubjectVersion>)>,
}

impl ResourceAnswer {
    /// The peer's `toAssociationResponse`: every association must be of the
    /// resource the answer names, else the answer is an error.
    pub fn of(
        mut answer: ResourceAnswer,
        associations: Vec<Association>,
        mut schemas: HashMap<AssociationType, SubjectVersion>,
    ) -> Result<ResourceAnswer, Error> {
        for a in &associations {
            if answer.resource_name.as_deref() != Some(a.resource_name.as_str())
                || answer.resource_namespace.as_deref() != Some(a.resource_namespace.as_str())
                || answer.resource_id.as_deref() != Some(a.resource_id.as_str())
                || answer.resource_type != a.resource_type
            {
                return Err(Error::AssociationsOfManyResources);
            }
        }
        answer.associations = associations
            .into_iter()
            .map(|a| {
                let schema = schemas.remove(&a.association_type);
                (a, schema)
            })
            .collect();
        Ok(answer)
    }
}

impl Registry {
    /// One `batchGet` query: the associations it selects that `readable`
    /// admits, with the latest live version of each one's subject when
    /// `include_schemas`.
    pub async fn query_associations(
        &self,
        query: &AssociationQuery,
        include_schemas: bool,
        readable: impl Fn(&str) -> bool,
    ) -> Result<ResourceAnswer, Error> {
        let mut found = match query.filter()? {
            Some(filter) => self.associations(&filter).await?,
            None => Vec::new(),
        };
        found.retain(|a| readable(&a.subject));
        let first = found.first();
        let answer = ResourceAnswer {
            resource_name: query
                .resource_name
                .clone()
                .or_else(|| first.map(|a| a.resource_name.clone())),
            resource_namespace: query
                .resource_namespace
                .clone()
                .or_else(|| first.map(|a| a.resource_namespace.clone())),
            resource_id: query
                .resource_id
                .clone()
                .or_else(|| first.map(|a| a.resource_id.clone())),
            resource_type: query
                .resource_type
                .clone()
                .filter(|t| !t.is_empty())
                .unwrap_or_else(|| TOPIC_RESOURCE.to_string()),
            associations: Vec::new(),
        };
        let mut schemas = HashMap::new();
        if include_schemas {
            for a in &found {
                let subject = Subject::parse(&a.subject)?;
                match self.version(&subject, VersionSelector::Latest, false).await {
                    Ok(latest) => {
                        schemas.insert(a.association_type, latest);
                    }
                    Err(Error::SubjectNotFound { .. } | Error::VersionNotFound { .. }) => {}
                    Err(e) => return Err(e),
                }
            }
        }
        ResourceAnswer::of(answer, found, schemas)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn set(upsert: Upsert, kind: &str, subject: &str) -> BatchOp {
        BatchOp::Set(
            upsert,
            AssociationInput {
                subject: Some(subject.to_string()),
                association_type: Some(kind.to_string()),
                ..AssociationInput::default()
            },
        )
    }

    fn ops(ops: Vec<BatchOp>) -> ResourceOps {
        ResourceOps {
            resource_name: Some("orders".into()),
            resource_namespace: Some("lkc".into()),
            resource_id: Some("t-1".into()),
            associations: ops,
            ..ResourceOps::default()
        }
    }

    fn refusal(request: ResourceOps, dry_run: bool) -> (&'static str, String) {
        match runs(request, dry_run) {
            Err(Error::InvalidAssociation { property, detail }) => (property, detail),
            other => panic!("expected a refusal, got {other:?}"),
        }
    }

    #[test]
    fn adjacent_operations_of_one_type_make_one_run() {
        let (plan, runs) = runs(
            ops(vec![
                set(Upsert::CreateOnly, "key", "k"),
                set(Upsert::CreateOnly, "value", "v"),
            ]),
            false,
        )
        .unwrap();
        assert_eq!(plan.resource_type, "topic");
        assert_eq!(runs.len(), 1);
        let Run::Set(Upsert::CreateOnly, run) = &runs[0] else {
            panic!("{runs:?}")
        };
        assert_eq!(run.associations.len(), 2);
        let (_, runs) = super::runs(
            ops(vec![
                set(Upsert::CreateOnly, "key", "k"),
                set(Upsert::CreateOrUpdate, "value", "v"),
            ]),
            false,
        )
        .unwrap();
        assert_eq!(runs.len(), 2);
    }

    #[test]
    fn the_whole_request_is_checked_before_any_run() {
        let twice = ops(vec![
            set(Upsert::CreateOrUpdate, "value", "v"),
            BatchOp::Delete {
                association_type: Some("value".into()),
                cascade: false,
            },
        ]);
        assert_eq!(refusal(twice, false).0, "associationType");
        let bad_kind = ops(vec![
            set(Upsert::CreateOnly, "key", "k"),
            BatchOp::Delete {
                association_type: Some("both".into()),
                cascade: false,
            },
        ]);
        assert_eq!(
            refusal(bad_kind, false),
            ("associationType", "must be either 'key' or 'value'".into())
        );
        assert_eq!(refusal(ops(vec![]), false).0, "associations");
        let mut no_id = ops(vec![set(Upsert::CreateOnly, "key", "k")]);
        no_id.resource_id = None;
        assert_eq!(refusal(no_id.clone(), false).0, "resourceId");
        assert!(runs(no_id, true).is_ok(), "a dry run needs no id");
    }

    #[test]
    fn a_query_needs_an_id_or_a_name_with_its_namespace() {
        let refused = |query: AssociationQuery| match query.filter() {
            Err(Error::InvalidAssociation { property, .. }) => property,
            other => panic!("{other:?}"),
        };
        assert_eq!(refused(AssociationQuery::default()), "resourceId");
        let named = AssociationQuery {
            resource_name: Some("orders".into()),
            ..AssociationQuery::default()
        };
        assert_eq!(refused(named.clone()), "resourceNamespace");
        let any_namespace = AssociationQuery {
            resource_namespace: Some("-".into()),
            ..named
        };
        let filter = any_namespace.filter().unwrap().unwrap();
        assert_eq!(
            (filter.resource_name.as_deref(), filter.resource_namespace),
            (Some("orders"), None)
        );
        let no_kind = AssociationQuery {
            resource_id: Some("t-1".into()),
            association_types: vec!["both".into()],
            ..AssociationQuery::default()
        };
        assert_eq!(no_kind.filter().unwrap(), None);
    }
}
