//! The CEL environment rules are compiled in and evaluated with: the `cel`
//! crate's standard library, its strings and math extensions (the ones
//! Confluent's Java executor registers), and Confluent's own string checks
//! (`isEmail`, `isHostname`, `isUri`, `isUriRef`, `isUuid`, `isIpv4`,
//! `isIpv6`). A rule calling any other function is refused when it is
//! compiled, never while records are read.

use std::collections::BTreeSet;
use std::sync::Arc;

use cel::common::ast::Expr;
use cel::common::types::{CelBool, CelString, STRING_TYPE};
use cel::common::value::CowVal;
use cel::{Context, Env, ExecutionError, IdedExpr, Value as Cel};

use super::RuleError;

/// Every function a rule may call, as written in an expression (besides
/// the operators and the macros `has`, `all`, `exists`, `exists_one`, `map`
/// and `filter`). `charter validate` refuses a rule calling another.
pub const SUPPORTED_FUNCTIONS: &[&str] = &[
    // The standard definitions (no timestamps or durations).
    "size",
    "contains",
    "startsWith",
    "endsWith",
    "matches",
    "int",
    "uint",
    "double",
    "string",
    "bytes",
    "bool",
    "dyn",
    "type",
    // The strings extension.
    "charAt",
    "indexOf",
    "lastIndexOf",
    "lowerAscii",
    "upperAscii",
    "replace",
    "split",
    "substring",
    "trim",
    "join",
    "format",
    "reverse",
    "strings.quote",
    // The math extension.
    "math.greatest",
    "math.least",
    "math.abs",
    "math.ceil",
    "math.floor",
    "math.round",
    "math.trunc",
    "math.sign",
    "math.sqrt",
    "math.isInf",
    "math.isNaN",
    "math.isFinite",
    "math.bitAnd",
    "math.bitOr",
    "math.bitXor",
    "math.bitNot",
    "math.bitShiftLeft",
    "math.bitShiftRight",
    // Confluent's checks of strings.
    "isEmail",
    "isHostname",
    "isUri",
    "isUriRef",
    "isUuid",
    "isIpv4",
    "isIpv6",
];

/// The environment: built once per [`super::DomainRules`].
pub(super) fn environment() -> Arc<Env> {
    // The standard library and macros (`has`, `all`, `exists`, ...); the
    // optional syntax is refused (Confluent's executors have none).
    let mut env = Env::stdlib().with_optional_support(false);
    env.add_extension(cel::extensions::strings)
        .expect("the strings extension is added once");
    env.add_extension(cel::extensions::math)
        .expect("the math extension is added once");
    // `fn` items, not closures over `check`: a `Function` is a plain
    // function pointer, so each check gets its own pair.
    macro_rules! register {
        ($($name:literal => $check:path),* $(,)?) => {$(
            env.add_overload($name, concat!($name, "_string"), vec![STRING_TYPE], |args| {
                test(&args, $check)
            })
            .expect("declared once");
            env.add_member_overload($name, concat!("string_", $name), STRING_TYPE, vec![], |args| {
                test(&args, $check)
            })
            .expect("declared once");
        )*};
    }
    register!(
        "isEmail" => checks::email,
        "isHostname" => checks::hostname,
        "isUri" => checks::uri,
        "isUriRef" => checks::uri_ref,
        "isUuid" => checks::uuid,
        "isIpv4" => checks::ipv4,
        "isIpv6" => checks::ipv6,
    );
    Arc::new(env)
}

fn test<'b, 'v>(
    args: &[CowVal<'b, 'v>],
    check: fn(&str) -> bool,
) -> Result<CowVal<'b, 'v>, ExecutionError> {
    let text = args
        .first()
        .and_then(|a| a.downcast_ref::<CelString>())
        .ok_or_else(ExecutionError::missing_argument_or_target)?;
    Ok(CowVal::owned(CelBool::from(check(text.inner()))))
}

/// How one rule turned out on one value.
pub(super) enum Outcome {
    /// True (or its guard was not true).
    Held,
    /// False.
    Failed,
    /// Neither true nor false: the value, for the message.
    NotBool(String),
    /// Evaluation failed.
    Error(String),
}

/// A rule's expression compiled: the optional guard and the body.
pub(super) struct Program {
    env: Arc<Env>,
    guard: Option<cel::Program>,
    body: cel::Program,
    variables: BTreeSet<String>,
}

impl Program {
    /// Compiles `expr` of rule `rule`: `GUARD ; BODY` unless `ignore_guard`.
    pub(super) fn compile(
        env: &Arc<Env>,
        rule: &str,
        expr: &str,
        ignore_guard: bool,
        variables: &[&str],
    ) -> Result<Program, RuleError> {
        let (guard, body) = match expr.find(';') {
            Some(at) if !ignore_guard => {
                let guard = &expr[..at];
                let guard = (!guard.trim().is_empty()).then_some(guard);
                (guard, &expr[at + 1..])
            }
            _ => (None, expr),
        };
        let compile = |source: &str| -> Result<cel::Program, RuleError> {
            let program = env.compile(source).map_err(|e| RuleError::Parse {
                rule: rule.to_string(),
                expr: source.to_string(),
                message: e.to_string().trim().to_string(),
            })?;
            match unknown(program.expression(), variables) {
                None => {}
                Some(Unknown::Function(function)) => {
                    return Err(RuleError::UnsupportedFunction {
                        rule: rule.to_string(),
                        function,
                        expr: expr.to_string(),
                    });
                }
                Some(Unknown::Variable(variable)) => {
                    return Err(RuleError::UnknownVariable {
                        rule: rule.to_string(),
                        variable,
                        expr: expr.to_string(),
                        bound: variables.join(", "),
                    });
                }
            }
            Ok(program)
        };
        let guard = guard.map(compile).transpose()?;
        let body = compile(body)?;
        let mut variables: BTreeSet<String> = body
            .references()
            .variables()
            .into_iter()
            .map(str::to_string)
            .collect();
        if let Some(guard) = &guard {
            variables.extend(
                guard
                    .references()
                    .variables()
                    .into_iter()
                    .map(str::to_string),
            );
        }
        Ok(Program {
            env: Arc::clone(env),
            guard,
            body,
            variables,
        })
    }

    /// Whether the expression names the variable `name`.
    pub(super) fn uses(&self, name: &str) -> bool {
        self.variables.contains(name)
    }

    /// Evaluates the rule with the variables `bind` gives (it is asked only
    /// for those the expression names). A guard that is not true (or fails)
    /// lets the rule hold, as Confluent's Java executor does.
    pub(super) fn evaluate(&self, bind: impl Fn(&str) -> Option<Cel>) -> Outcome {
        let mut context = Context::with_env(Arc::clone(&self.env));
        for name in &self.variables {
            if let Some(value) = bind(name) {
                context.add_variable_from_value(name.clone(), value);
            }
        }
        if let Some(guard) = &self.guard
            && guard.execute(&context) != Ok(Cel::Bool(true))
        {
            return Outcome::Held;
        }
        match self.body.execute(&context) {
            Ok(Cel::Bool(true)) => Outcome::Held,
            Ok(Cel::Bool(false)) => Outcome::Failed,
            Ok(other) => Outcome::NotBool(format!("{other:?}")),
            Err(e) => Outcome::Error(e.to_string()),
        }
    }
}

/// What an expression names that this evaluator cannot give it.
#[derive(Debug, PartialEq, Eq)]
pub(super) enum Unknown {
    /// A function (as written, `math.nope` for a qualified one).
    Function(String),
    /// A variable the rule type does not bind (`now`).
    Variable(String),
}

/// Type names an expression may use as values (`type(x) == int`).
const TYPE_NAMES: &[&str] = &[
    "int",
    "uint",
    "double",
    "string",
    "bytes",
    "bool",
    "list",
    "map",
    "null_type",
    "type",
    "dyn",
];

/// The first function or variable of `expr` that is not supported, with
/// `variables` the names the rule binds.
fn unknown(expr: &IdedExpr, variables: &[&str]) -> Option<Unknown> {
    let mut scope: Vec<String> = Vec::new();
    find(expr, variables, &mut scope)
}

fn find(expr: &IdedExpr, variables: &[&str], scope: &mut Vec<String>) -> Option<Unknown> {
    match &expr.expr {
        Expr::Call(call) => {
            let mut target = call.target.as_deref();
            if !is_operator(&call.func_name) {
                let namespace = match target.map(|t| &t.expr) {
                    Some(Expr::Ident(name))
                        if !scope.contains(name) && !variables.contains(&name.as_str()) =>
                    {
                        Some(name.as_str())
                    }
                    _ => None,
                };
                let known = |name: &str| SUPPORTED_FUNCTIONS.contains(&name);
                match namespace.map(|ns| format!("{ns}.{}", call.func_name)) {
                    // `math.abs(x)`: the namespace is no variable.
                    Some(qualified) if known(&qualified) => target = None,
                    Some(qualified) if !known(&call.func_name) => {
                        return Some(Unknown::Function(qualified));
                    }
                    _ if !known(&call.func_name) => {
                        return Some(Unknown::Function(call.func_name.clone()));
                    }
                    _ => {}
                }
            }
            target
                .into_iter()
                .chain(&call.args)
                .find_map(|e| find(e, variables, scope))
        }
        Expr::Comprehension(comp) => {
            let outer = find(&comp.iter_range, variables, scope)
                .or_else(|| find(&comp.accu_init, variables, scope));
            if outer.is_some() {
                return outer;
            }
            let depth = scope.len();
            scope.push(comp.iter_var.clone());
            scope.extend(comp.iter_var2.clone());
            scope.push(comp.accu_var.clone());
            let inner = [&comp.loop_cond, &comp.loop_step, &comp.result]
                .into_iter()
                .find_map(|e| find(e, variables, scope));
            scope.truncate(depth);
            inner
        }
        Expr::Ident(name) => {
            let bound = name.starts_with('@')
                || scope.contains(name)
                || variables.contains(&name.as_str())
                || TYPE_NAMES.contains(&name.as_str());
            (!bound).then(|| Unknown::Variable(name.clone()))
        }
        Expr::List(list) => list.elements.iter().find_map(|e| find(e, variables, scope)),
        Expr::Map(map) => map.entries.iter().find_map(|entry| match &entry.expr {
            cel::common::ast::EntryExpr::MapEntry(e) => {
                find(&e.key, variables, scope).or_else(|| find(&e.value, variables, scope))
            }
            cel::common::ast::EntryExpr::StructField(f) => find(&f.value, variables, scope),
        }),
        Expr::Select(select) => find(&select.operand, variables, scope),
        Expr::Struct(s) => s.entries.iter().find_map(|entry| match &entry.expr {
            cel::common::ast::EntryExpr::StructField(f) => find(&f.value, variables, scope),
            cel::common::ast::EntryExpr::MapEntry(e) => {
                find(&e.key, variables, scope).or_else(|| find(&e.value, variables, scope))
            }
        }),
        _ => None,
    }
}

/// Operators and the calls macros expand to (`_==_`, `@in`, `!_`, `-_`).
fn is_operator(name: &str) -> bool {
    name.starts_with('_') || name.starts_with('@') || name == "!_" || name == "-_"
}

/// Confluent's string checks, as its clients define them.
mod checks {
    pub(super) fn email(s: &str) -> bool {
        // An address is `local@host`: a local part of at most 64 bytes and
        // a hostname, and at most 254 bytes in all (Python client's
        // `validate_email`).
        if s.len() > 254 {
            return false;
        }
        let Some((local, host)) = s.rsplit_once('@') else {
            return false;
        };
        !local.is_empty()
            && local.len() <= 64
            && !local.contains('@')
            && !local.chars().any(char::is_whitespace)
            && hostname(host)
    }

    pub(super) fn hostname(s: &str) -> bool {
        let s = s.strip_suffix('.').unwrap_or(s);
        if s.is_empty() || s.len() > 253 {
            return false;
        }
        let mut all_digits = true;
        for part in s.split('.') {
            if part.is_empty()
                || part.len() > 63
                || part.starts_with('-')
                || part.ends_with('-')
                || !part.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-')
            {
                return false;
            }
            all_digits = part.bytes().all(|b| b.is_ascii_digit());
        }
        // The last label is not all digits (that would be an address).
        !all_digits
    }

    pub(super) fn uri(s: &str) -> bool {
        url::Url::parse(s).is_ok()
    }

    pub(super) fn uri_ref(s: &str) -> bool {
        let base = url::Url::parse("http://example.invalid/").expect("a valid base");
        !s.chars().any(|c| c.is_whitespace()) && base.join(s).is_ok()
    }

    pub(super) fn uuid(s: &str) -> bool {
        let bytes = s.as_bytes();
        bytes.len() == 36
            && bytes.iter().enumerate().all(|(i, b)| match i {
                8 | 13 | 18 | 23 => *b == b'-',
                _ => b.is_ascii_hexdigit(),
            })
    }

    pub(super) fn ipv4(s: &str) -> bool {
        s.parse::<core::net::Ipv4Addr>().is_ok()
    }

    pub(super) fn ipv6(s: &str) -> bool {
        s.parse::<core::net::Ipv6Addr>().is_ok()
    }
}
