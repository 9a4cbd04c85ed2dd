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
            if let Some(function) = unsupported(program.expression()) {
                return Err(RuleError::UnsupportedFunction {
                    rule: rule.to_string(),
                    function,
                    expr: expr.to_string(),
                });
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

/// The first function `expr` calls that is not supported, as written.
fn unsupported(expr: &IdedExpr) -> Option<String> {
    let mut found = None;
    walk(expr, &mut |call_name, target| {
        if found.is_some() || is_operator(call_name) {
            return;
        }
        let qualified = target.map(|ns| format!("{ns}.{call_name}"));
        let known = |name: &str| SUPPORTED_FUNCTIONS.contains(&name);
        let ok = qualified.as_deref().is_some_and(known) || known(call_name);
        if !ok {
            found = Some(qualified.unwrap_or_else(|| call_name.to_string()));
        }
    });
    found
}

/// Operators and the calls macros expand to (`_==_`, `@in`, `!_`, `-_`).
fn is_operator(name: &str) -> bool {
    name.starts_with('_') || name.starts_with('@') || name == "!_" || name == "-_"
}

/// Calls `visit(function, namespace)` for every call in `expr`; the
/// namespace is the identifier the function is called on, if any
/// (`math` in `math.abs(x)`), for a qualified name to be tried.
fn walk(expr: &IdedExpr, visit: &mut impl FnMut(&str, Option<&str>)) {
    match &expr.expr {
        Expr::Call(call) => {
            let namespace = match call.target.as_deref().map(|t| &t.expr) {
                Some(Expr::Ident(name)) => Some(name.as_str()),
                _ => None,
            };
            visit(&call.func_name, namespace);
            if let Some(target) = &call.target {
                walk(target, visit);
            }
            for arg in &call.args {
                walk(arg, visit);
            }
        }
        Expr::Comprehension(comp) => {
            for part in [
                &comp.iter_range,
                &comp.accu_init,
                &comp.loop_cond,
                &comp.loop_step,
                &comp.result,
            ] {
                walk(part, visit);
            }
        }
        Expr::List(list) => {
            for element in &list.elements {
                walk(element, visit);
            }
        }
        Expr::Map(map) => {
            for entry in &map.entries {
                if let cel::common::ast::EntryExpr::MapEntry(e) = &entry.expr {
                    walk(&e.key, visit);
                    walk(&e.value, visit);
                }
            }
        }
        Expr::Select(select) => walk(&select.operand, visit),
        Expr::Struct(s) => {
            for entry in &s.entries {
                if let cel::common::ast::EntryExpr::StructField(f) = &entry.expr {
                    walk(&f.value, visit);
                }
            }
        }
        _ => {}
    }
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
