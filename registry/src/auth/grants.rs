//! Permissions, and what a principal may do to which subjects.
//!
//! A grant gives a set of [`Permission`]s on the subjects its globs match,
//! to one principal or to everyone holding a role. A principal's
//! [`Access`] is the union of the grants that name it or one of its roles.
//! Permissions do not imply one another, except `admin`, which implies
//! every permission on every subject (and is only ever given on `*`).

use std::fmt;
use std::sync::Arc;

use globset::GlobBuilder;
use regex::bytes::RegexSet;
use serde::Deserialize;

/// One thing a principal may be allowed to do.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Permission {
    /// Schemas, versions, lookups, compatibility checks and triage against
    /// the subject.
    Read,
    /// Registering a version, soft-deleting a version.
    Write,
    /// Permanent deletes, and deleting a whole subject.
    Delete,
    /// The subject's compatibility config and mode.
    Configure,
    /// Global config and mode, IMPORT mode, contexts: the administrator.
    Admin,
}

impl Permission {
    /// Every permission, in the order the documentation lists them.
    pub const ALL: [Permission; 5] = [
        Permission::Read,
        Permission::Write,
        Permission::Delete,
        Permission::Configure,
        Permission::Admin,
    ];

    /// The name the auth file uses.
    pub fn as_str(self) -> &'static str {
        match self {
            Permission::Read => "read",
            Permission::Write => "write",
            Permission::Delete => "delete",
            Permission::Configure => "configure",
            Permission::Admin => "admin",
        }
    }

    fn bit(self) -> u8 {
        1 << self as u8
    }
}

impl fmt::Display for Permission {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A set of permissions.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Permissions(u8);

impl Permissions {
    /// The set holding `permissions`.
    pub fn of(permissions: impl IntoIterator<Item = Permission>) -> Permissions {
        Permissions(permissions.into_iter().fold(0, |bits, p| bits | p.bit()))
    }

    /// Whether the set holds `permission`.
    pub fn contains(self, permission: Permission) -> bool {
        self.0 & permission.bit() != 0
    }
}

/// Subject-name globs (`orders-*`, `inventory-value`, `*`): `*` matches
/// any run of characters, `?` one character, `[abc]` a class, `{a,b}`
/// either; nothing else is special.
///
/// globset checks and compiles them. The common shapes (a name, `prefix*`,
/// `*suffix`) are then matched by comparing strings, the others as one
/// `RegexSet` of the expressions globset makes: a subject is not a path,
/// and globset's own matching first splits a path into its parts (perf put
/// that, then a regular expression search, at several per cent of an
/// authorized read by id).
#[derive(Debug, Clone)]
pub struct SubjectGlobs {
    patterns: Vec<String>,
    simple: Vec<Shape>,
    set: Option<RegexSet>,
    everything: bool,
}

/// A pattern that string comparison decides.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Shape {
    /// No wildcard.
    Exact(String),
    /// `prefix*`.
    Prefix(String),
    /// `*suffix`.
    Suffix(String),
}

impl Shape {
    fn of(pattern: &str) -> Option<Shape> {
        let plain = |s: &str| !s.contains(['*', '?', '[', ']', '{', '}', '\\']);
        if plain(pattern) {
            Some(Shape::Exact(pattern.to_string()))
        } else if let Some(head) = pattern.strip_suffix('*').filter(|h| plain(h)) {
            Some(Shape::Prefix(head.to_string()))
        } else {
            let tail = pattern.strip_prefix('*').filter(|t| plain(t))?;
            Some(Shape::Suffix(tail.to_string()))
        }
    }

    fn matches(&self, subject: &str) -> bool {
        match self {
            Shape::Exact(name) => subject == name,
            Shape::Prefix(head) => subject.starts_with(head.as_str()),
            Shape::Suffix(tail) => subject.ends_with(tail.as_str()),
        }
    }
}

impl SubjectGlobs {
    /// Compiles `patterns`; the error names the pattern that does not
    /// compile.
    pub fn new(patterns: Vec<String>) -> Result<SubjectGlobs, String> {
        if patterns.is_empty() {
            return Err(
                "`subjects` is empty: list subject names or globs, or \"*\" for all".into(),
            );
        }
        let mut expressions = Vec::new();
        let mut simple = Vec::new();
        for pattern in &patterns {
            if pattern.is_empty() {
                return Err("an empty subject pattern matches nothing".into());
            }
            let glob = GlobBuilder::new(pattern)
                .literal_separator(false)
                .backslash_escape(true)
                .build()
                .map_err(|e| format!("subject pattern `{pattern}` is not a glob: {e}"))?;
            match Shape::of(pattern) {
                Some(shape) => simple.push(shape),
                None => expressions.push(glob.regex().to_string()),
            }
        }
        let set = if expressions.is_empty() {
            None
        } else {
            Some(
                RegexSet::new(&expressions)
                    .map_err(|e| format!("subject patterns do not compile: {e}"))?,
            )
        };
        let everything = patterns.iter().any(|p| p == "*");
        Ok(SubjectGlobs {
            patterns,
            simple,
            set,
            everything,
        })
    }

    /// Whether some pattern matches `subject`.
    pub fn matches(&self, subject: &str) -> bool {
        self.everything
            || self.simple.iter().any(|s| s.matches(subject))
            || self
                .set
                .as_ref()
                .is_some_and(|s| s.is_match(subject.as_bytes()))
    }

    /// Whether the patterns match every subject (`*` among them).
    pub fn everything(&self) -> bool {
        self.everything
    }

    /// The patterns as written.
    pub fn patterns(&self) -> &[String] {
        &self.patterns
    }
}

/// Who a grant is for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Grantee {
    /// One principal, by name.
    Principal(String),
    /// Every principal holding this role.
    Role(String),
}

/// Permissions on the subjects some globs match.
#[derive(Debug, Clone)]
pub struct Grant {
    /// Who it is for.
    pub grantee: Grantee,
    /// Which subjects.
    pub subjects: Arc<SubjectGlobs>,
    /// What may be done to them.
    pub permissions: Permissions,
}

impl Grant {
    /// The grant in one line, as the audit trail records it:
    /// `principal orders-ci: read, write on orders-*, inventory-value`.
    pub fn describe(&self) -> String {
        let who = match &self.grantee {
            Grantee::Principal(p) => format!("principal {p}"),
            Grantee::Role(r) => format!("role {r}"),
        };
        format!(
            "{who}: {} on {}",
            self.permission_names().join(", "),
            self.subjects.patterns().join(", ")
        )
    }

    /// The names of its permissions, in the documentation's order.
    pub fn permission_names(&self) -> Vec<&'static str> {
        Permission::ALL
            .into_iter()
            .filter(|p| self.permissions.contains(*p))
            .map(Permission::as_str)
            .collect()
    }

    /// Whether it is given to the principal `name` holding `roles`.
    pub fn applies_to(&self, name: &str, roles: &[String]) -> bool {
        match &self.grantee {
            Grantee::Principal(p) => p == name,
            Grantee::Role(r) => roles.iter().any(|role| role == r),
        }
    }
}

/// One rule of an [`Access`]: permissions on the subjects some globs match.
#[derive(Debug, Clone)]
struct Rule {
    subjects: Arc<SubjectGlobs>,
    permissions: Permissions,
}

/// What one principal may do: the union of the grants that apply to it.
#[derive(Debug, Clone, Default)]
pub struct Access {
    admin: bool,
    reads_everything: bool,
    rules: Vec<Rule>,
}

impl Access {
    /// The access of the principal `name` with `roles` under `grants`.
    pub fn of(grants: &[Grant], name: &str, roles: &[String]) -> Access {
        let rules: Vec<Rule> = grants
            .iter()
            .filter(|g| g.applies_to(name, roles))
            .map(|g| Rule {
                subjects: g.subjects.clone(),
                permissions: g.permissions,
            })
            .collect();
        Access::from_rules(rules)
    }

    /// Read access to every subject and nothing else (`anonymous = "read"`).
    pub fn read_everything() -> Access {
        let all = SubjectGlobs::new(vec!["*".to_string()]).expect("`*` is a glob");
        Access::from_rules(vec![Rule {
            subjects: Arc::new(all),
            permissions: Permissions::of([Permission::Read]),
        }])
    }

    fn from_rules(rules: Vec<Rule>) -> Access {
        let admin = rules
            .iter()
            .any(|r| r.permissions.contains(Permission::Admin));
        let reads_everything = admin
            || rules
                .iter()
                .any(|r| r.permissions.contains(Permission::Read) && r.subjects.everything());
        Access {
            admin,
            reads_everything,
            rules,
        }
    }

    /// Whether `permission` is held on `subject`.
    pub fn allows(&self, permission: Permission, subject: &str) -> bool {
        if self.admin {
            return true;
        }
        if permission == Permission::Admin {
            return false;
        }
        self.rules
            .iter()
            .any(|r| r.permissions.contains(permission) && r.subjects.matches(subject))
    }

    /// Whether this is an administrator.
    pub fn is_admin(&self) -> bool {
        self.admin
    }

    /// Whether every subject may be read (no per-subject check needed).
    pub fn reads_everything(&self) -> bool {
        self.reads_everything
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn grant(grantee: Grantee, subjects: &[&str], permissions: &[Permission]) -> Grant {
        Grant {
            grantee,
            subjects: Arc::new(
                SubjectGlobs::new(subjects.iter().map(|s| s.to_string()).collect()).unwrap(),
            ),
            permissions: Permissions::of(permissions.iter().copied()),
        }
    }

    #[test]
    fn grants_apply_by_name_and_by_role() {
        use Permission::*;
        let grants = [
            grant(
                Grantee::Principal("orders-ci".into()),
                &["orders-*", "inventory-value"],
                &[Read, Write],
            ),
            grant(Grantee::Role("auditors".into()), &["*"], &[Read]),
            grant(Grantee::Principal("root".into()), &["*"], &[Admin]),
        ];
        let ci = Access::of(&grants, "orders-ci", &[]);
        assert!(ci.allows(Write, "orders-value"));
        assert!(ci.allows(Read, "inventory-value"));
        assert!(!ci.allows(Read, "inventory-key"));
        assert!(!ci.allows(Delete, "orders-value"));
        assert!(!ci.allows(Admin, "orders-value"));
        assert!(!ci.reads_everything() && !ci.is_admin());

        let auditor = Access::of(&grants, "someone", &["auditors".into()]);
        assert!(auditor.reads_everything());
        assert!(auditor.allows(Read, "anything/at:all"));
        assert!(!auditor.allows(Write, "orders-value"));

        let root = Access::of(&grants, "root", &[]);
        assert!(root.is_admin() && root.reads_everything());
        assert!(Permission::ALL.iter().all(|p| root.allows(*p, "x")));

        let nobody = Access::of(&grants, "nobody", &["producers".into()]);
        assert!(Permission::ALL.iter().all(|p| !nobody.allows(*p, "x")));
    }

    #[test]
    fn globs_match_whole_names() {
        let globs = SubjectGlobs::new(vec!["orders-*".into(), "a?c".into()]).unwrap();
        assert!(globs.matches("orders-value"));
        assert!(globs.matches("orders-"));
        assert!(globs.matches("orders-x/y"));
        assert!(!globs.matches("my-orders-value"));
        assert!(globs.matches("abc") && !globs.matches("abcd"));
        let mixed = SubjectGlobs::new(vec![
            "*-value".into(),
            "exact".into(),
            "{x,y}-key".into(),
            "a\\*b".into(),
        ])
        .unwrap();
        for yes in ["orders-value", "exact", "x-key", "y-key", "a*b"] {
            assert!(mixed.matches(yes), "{yes}");
        }
        for no in ["orders-key", "exactly", "z-key", "axb"] {
            assert!(!mixed.matches(no), "{no}");
        }
        assert_eq!(Shape::of("orders-*"), Some(Shape::Prefix("orders-".into())));
        assert_eq!(Shape::of("a*b"), None);
        assert_eq!(Shape::of("o?ders"), None);
        assert!(SubjectGlobs::new(vec![]).is_err());
        assert!(
            SubjectGlobs::new(vec!["[".into()])
                .unwrap_err()
                .contains("`[`")
        );
    }
}
