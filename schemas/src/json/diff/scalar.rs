//! Strings, numbers, `enum` and `const`.

use serde_json::{Number, Value};

use super::Out;
use crate::change::ChangeKind;
use crate::json::canonical::ValueSet;
use crate::json::node::{Num, Typed};

/// The four kinds of one bound keyword: added, removed, raised, lowered.
pub(crate) struct BoundKinds {
    pub(crate) keyword: &'static str,
    pub(crate) added: ChangeKind,
    pub(crate) removed: ChangeKind,
    pub(crate) increased: ChangeKind,
    pub(crate) decreased: ChangeKind,
}

fn bound<T: PartialOrd + Into<Value> + Clone>(
    out: &mut Out,
    kinds: BoundKinds,
    old: Option<T>,
    new: Option<T>,
) {
    let path = format!("/{}", kinds.keyword);
    let kind = match (&old, &new) {
        (None, Some(_)) => kinds.added,
        (Some(_), None) => kinds.removed,
        (Some(o), Some(n)) if n > o => kinds.increased,
        (Some(o), Some(n)) if n < o => kinds.decreased,
        _ => return,
    };
    out.push(kind, path, old.map(Into::into), new.map(Into::into));
}

macro_rules! kinds {
    ($kw:literal, $a:ident, $r:ident, $i:ident, $d:ident) => {
        $crate::json::diff::scalar::BoundKinds {
            keyword: $kw,
            added: ChangeKind::$a,
            removed: ChangeKind::$r,
            increased: ChangeKind::$i,
            decreased: ChangeKind::$d,
        }
    };
}
pub(crate) use kinds;

/// A `u64` keyword (lengths, counts) compared as a bound.
pub(crate) fn count_bound(out: &mut Out, kinds: BoundKinds, old: Option<u64>, new: Option<u64>) {
    bound(out, kinds, old, new);
}

/// A numeric bound compared by value, reported as written.
#[derive(Clone)]
struct Written(Num);

impl PartialEq for Written {
    fn eq(&self, other: &Self) -> bool {
        self.partial_cmp(other) == Some(std::cmp::Ordering::Equal)
    }
}

impl PartialOrd for Written {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        compare_numbers(&self.0, &other.0)
    }
}

/// Orders two numeric keyword values: integers exactly (the validator
/// compares them exactly, and doubles cannot tell 2^53 + 1 from 2^53),
/// others as doubles.
fn compare_numbers(a: &Num, b: &Num) -> Option<std::cmp::Ordering> {
    let exact = |n: &Number| {
        n.as_i64()
            .map(i128::from)
            .or_else(|| n.as_u64().map(i128::from))
    };
    match (exact(&a.written), exact(&b.written)) {
        (Some(x), Some(y)) => Some(x.cmp(&y)),
        _ => a.value.partial_cmp(&b.value),
    }
}

impl From<Written> for Value {
    fn from(w: Written) -> Value {
        w.0.json()
    }
}

fn num_bound(out: &mut Out, kinds: BoundKinds, old: &Option<Num>, new: &Option<Num>) {
    bound(
        out,
        kinds,
        old.clone().map(Written),
        new.clone().map(Written),
    );
}

pub(crate) fn string(o: &Typed, u: &Typed, out: &mut Out) {
    count_bound(
        out,
        kinds!(
            "maxLength",
            MaxLengthAdded,
            MaxLengthRemoved,
            MaxLengthIncreased,
            MaxLengthDecreased
        ),
        o.max_length,
        u.max_length,
    );
    count_bound(
        out,
        kinds!(
            "minLength",
            MinLengthAdded,
            MinLengthRemoved,
            MinLengthIncreased,
            MinLengthDecreased
        ),
        o.min_length,
        u.min_length,
    );
    text_keyword(
        out,
        "/pattern",
        [
            ChangeKind::PatternAdded,
            ChangeKind::PatternRemoved,
            ChangeKind::PatternChanged,
        ],
        &o.pattern,
        &u.pattern,
    );
    text_keyword(
        out,
        "/format",
        [
            ChangeKind::FormatAdded,
            ChangeKind::FormatRemoved,
            ChangeKind::FormatChanged,
        ],
        &o.format,
        &u.format,
    );
    text_keyword(
        out,
        "/contentEncoding",
        [
            ChangeKind::ContentEncodingAdded,
            ChangeKind::ContentEncodingRemoved,
            ChangeKind::ContentEncodingChanged,
        ],
        &o.content_encoding,
        &u.content_encoding,
    );
    text_keyword(
        out,
        "/contentMediaType",
        [
            ChangeKind::ContentMediaTypeAdded,
            ChangeKind::ContentMediaTypeRemoved,
            ChangeKind::ContentMediaTypeChanged,
        ],
        &o.content_media_type,
        &u.content_media_type,
    );
}

fn text_keyword(
    out: &mut Out,
    path: &str,
    [added, removed, changed]: [ChangeKind; 3],
    old: &Option<String>,
    new: &Option<String>,
) {
    let kind = match (old, new) {
        (None, Some(_)) => added,
        (Some(_), None) => removed,
        (Some(a), Some(b)) if a != b => changed,
        _ => return,
    };
    out.push(
        kind,
        path,
        old.clone().map(Value::from),
        new.clone().map(Value::from),
    );
}

pub(crate) fn number(o: &Typed, u: &Typed, out: &mut Out) {
    if same_keywords(upper(o), upper(u)) {
        num_bound(
            out,
            kinds!(
                "maximum",
                MaximumAdded,
                MaximumRemoved,
                MaximumIncreased,
                MaximumDecreased
            ),
            &o.maximum,
            &u.maximum,
        );
        num_bound(
            out,
            kinds!(
                "exclusiveMaximum",
                ExclusiveMaximumAdded,
                ExclusiveMaximumRemoved,
                ExclusiveMaximumIncreased,
                ExclusiveMaximumDecreased
            ),
            &o.exclusive_maximum,
            &u.exclusive_maximum,
        );
    } else {
        effective_bound(
            out,
            Side::Upper,
            effective(upper(o), Side::Upper),
            effective(upper(u), Side::Upper),
        );
    }
    if same_keywords(lower(o), lower(u)) {
        num_bound(
            out,
            kinds!(
                "minimum",
                MinimumAdded,
                MinimumRemoved,
                MinimumIncreased,
                MinimumDecreased
            ),
            &o.minimum,
            &u.minimum,
        );
        num_bound(
            out,
            kinds!(
                "exclusiveMinimum",
                ExclusiveMinimumAdded,
                ExclusiveMinimumRemoved,
                ExclusiveMinimumIncreased,
                ExclusiveMinimumDecreased
            ),
            &o.exclusive_minimum,
            &u.exclusive_minimum,
        );
    } else {
        effective_bound(
            out,
            Side::Lower,
            effective(lower(o), Side::Lower),
            effective(lower(u), Side::Lower),
        );
    }
    let kind = match (&o.multiple_of, &u.multiple_of) {
        (None, Some(_)) => ChangeKind::MultipleOfAdded,
        (Some(_), None) => ChangeKind::MultipleOfRemoved,
        (Some(a), Some(b)) if compare_numbers(a, b) == Some(std::cmp::Ordering::Equal) => return,
        (Some(a), Some(b)) if is_multiple(&b.written, &a.written) => ChangeKind::MultipleOfExpanded,
        (Some(a), Some(b)) if is_multiple(&a.written, &b.written) => ChangeKind::MultipleOfReduced,
        (Some(_), Some(_)) => ChangeKind::MultipleOfChanged,
        (None, None) => return,
    };
    out.push(
        kind,
        "/multipleOf",
        o.multiple_of.as_ref().map(Num::json),
        u.multiple_of.as_ref().map(Num::json),
    );
}

#[derive(Clone, Copy, PartialEq)]
enum Side {
    Upper,
    Lower,
}

type Bounds<'a> = [(&'a Option<Num>, bool); 2];

fn same_keywords(a: Bounds<'_>, b: Bounds<'_>) -> bool {
    a.iter()
        .zip(b.iter())
        .all(|((x, _), (y, _))| x.is_some() == y.is_some())
}

fn upper(t: &Typed) -> Bounds<'_> {
    [(&t.maximum, false), (&t.exclusive_maximum, true)]
}

fn lower(t: &Typed) -> Bounds<'_> {
    [(&t.minimum, false), (&t.exclusive_minimum, true)]
}

/// The tighter of an inclusive and an exclusive bound: (value, exclusive).
fn effective(bounds: Bounds<'_>, side: Side) -> Option<(Num, bool)> {
    let tighter = |a: &(Num, bool), b: &(Num, bool)| {
        let (x, y) = (a.0.value, b.0.value);
        match side {
            Side::Upper => x < y || (x == y && a.1),
            Side::Lower => x > y || (x == y && a.1),
        }
    };
    bounds
        .iter()
        .filter_map(|(n, exclusive)| n.as_ref().map(|n| (n.clone(), *exclusive)))
        .reduce(|a, b| if tighter(&a, &b) { a } else { b })
}

/// Compares bounds written with different keywords (`maximum` on one side,
/// `exclusiveMaximum` on the other) by the range they allow, reported with
/// the new side's keyword.
fn effective_bound(out: &mut Out, side: Side, old: Option<(Num, bool)>, new: Option<(Num, bool)>) {
    let keyword = |exclusive: bool| match (side, exclusive) {
        (Side::Upper, false) => "maximum",
        (Side::Upper, true) => "exclusiveMaximum",
        (Side::Lower, false) => "minimum",
        (Side::Lower, true) => "exclusiveMinimum",
    };
    let as_json = |b: &(Num, bool)| serde_json::json!({ keyword(b.1): b.0.json() });
    let kind_of = |name: &str| ChangeKind::from_name(name).unwrap_or(ChangeKind::TypeChanged);
    let stem = |exclusive: bool| match (side, exclusive) {
        (Side::Upper, false) => "MAXIMUM",
        (Side::Upper, true) => "EXCLUSIVE_MAXIMUM",
        (Side::Lower, false) => "MINIMUM",
        (Side::Lower, true) => "EXCLUSIVE_MINIMUM",
    };
    let kind = match (&old, &new) {
        (None, Some(n)) => kind_of(&format!("{}_ADDED", stem(n.1))),
        (Some(o), None) => kind_of(&format!("{}_REMOVED", stem(o.1))),
        (Some(o), Some(n)) => {
            let (x, y) = (o.0.value, n.0.value);
            if x == y && o.1 == n.1 {
                return;
            }
            let wider = match side {
                Side::Upper => y > x || (y == x && !n.1),
                Side::Lower => y < x || (y == x && !n.1),
            };
            let direction = match (side, wider) {
                (Side::Upper, true) | (Side::Lower, false) => "INCREASED",
                (Side::Upper, false) | (Side::Lower, true) => "DECREASED",
            };
            kind_of(&format!("{}_{direction}", stem(n.1)))
        }
        (None, None) => return,
    };
    // One path for both reading directions, so the two views pair up.
    let path = if side == Side::Upper {
        "/maximum"
    } else {
        "/minimum"
    };
    out.push(
        kind,
        path,
        old.as_ref().map(as_json),
        new.as_ref().map(as_json),
    );
}

/// A number as `digits × 10^exponent`, exactly as its shortest spelling says.
fn decimal(n: &Number) -> Option<(u128, i32)> {
    let text = match (n.as_u64(), n.as_i64()) {
        (Some(u), _) => u.to_string(),
        (_, Some(i)) => i.unsigned_abs().to_string(),
        _ => format!("{:e}", n.as_f64()?.abs()),
    };
    let (mantissa, exponent) = text.split_once('e').unwrap_or((&text, "0"));
    let mut exponent: i32 = exponent.parse().ok()?;
    let (int, frac) = mantissa.split_once('.').unwrap_or((mantissa, ""));
    exponent -= i32::try_from(frac.len()).ok()?;
    let digits: u128 = format!("{int}{frac}").parse().ok()?;
    Some((digits, exponent))
}

/// Whether `a` is an integer multiple of `b`, in exact decimal arithmetic.
pub(crate) fn is_multiple(a: &Number, b: &Number) -> bool {
    let (Some((ad, ae)), Some((bd, be))) = (decimal(a), decimal(b)) else {
        return false;
    };
    if bd == 0 {
        return false;
    }
    let e = ae.min(be);
    let scale = |d: u128, by: i32| {
        10u128
            .checked_pow(u32::try_from(by).ok()?)
            .and_then(|p| d.checked_mul(p))
    };
    match (scale(ad, ae - e), scale(bd, be - e)) {
        (Some(x), Some(y)) => x % y == 0,
        _ => false,
    }
}

pub(crate) fn enum_values(old: &[Value], new: &[Value], out: &mut Out) {
    let (old_set, new_set) = (ValueSet::new(old), ValueSet::new(new));
    let old_in_new = old.iter().all(|v| new_set.contains(v));
    let new_in_old = new.iter().all(|v| old_set.contains(v));
    let kind = match (old_in_new, new_in_old) {
        (true, true) => return,
        (true, false) => ChangeKind::EnumArrayExtended,
        (false, true) => ChangeKind::EnumArrayNarrowed,
        (false, false) => ChangeKind::EnumArrayChanged,
    };
    out.push(
        kind,
        "/enum",
        Some(Value::from(old.to_vec())),
        Some(Value::from(new.to_vec())),
    );
}

#[cfg(test)]
mod tests {
    use super::*;

    fn n(text: &str) -> Number {
        serde_json::from_str(text).unwrap()
    }

    fn bound(value: f64) -> Option<Num> {
        Some(Num {
            value,
            written: serde_json::Number::from_f64(value).unwrap(),
        })
    }

    #[test]
    fn bounds_written_with_other_keywords_compare_by_range() {
        let old = Typed {
            exclusive_maximum: bound(100.0),
            ..Typed::default()
        };
        let new = Typed {
            maximum: bound(100.0),
            ..Typed::default()
        };
        let mut out = Out::new();
        number(&old, &new, &mut out);
        assert_eq!(out.changes.len(), 1);
        assert_eq!(out.changes[0].kind, ChangeKind::MaximumIncreased);
        let mut out = Out::new();
        number(&new, &old, &mut out);
        assert_eq!(out.changes[0].kind, ChangeKind::ExclusiveMaximumDecreased);
        let lower_old = Typed {
            minimum: bound(0.0),
            ..Typed::default()
        };
        let lower_new = Typed {
            exclusive_minimum: bound(-1.0),
            ..Typed::default()
        };
        let mut out = Out::new();
        number(&lower_old, &lower_new, &mut out);
        assert_eq!(out.changes[0].kind, ChangeKind::ExclusiveMinimumDecreased);
    }

    #[test]
    fn multiples_are_exact() {
        assert!(is_multiple(&n("0.02"), &n("0.01")));
        assert!(is_multiple(&n("835.53"), &n("0.01")));
        assert!(!is_multiple(&n("0.01"), &n("0.02")));
        assert!(is_multiple(&n("10"), &n("2.5")));
        assert!(!is_multiple(&n("10"), &n("3")));
        assert!(is_multiple(&n("1e3"), &n("10")));
    }
}
