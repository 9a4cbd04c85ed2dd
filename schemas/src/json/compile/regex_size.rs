//! A bound on the shortest text a `pattern` can match, checked before the
//! regex engine sees the pattern.
//!
//! fancy-regex sums and multiplies the minimum match sizes of a pattern's
//! parts in plain `usize` arithmetic (`analyze.rs`). Repetition counts near
//! 2^64, or nested counts whose product passes it, overflow there: a panic
//! where overflow is checked, a wrong size (and so a wrong look-behind)
//! where it is not. Found by the `json_schema` fuzz target; the input is
//! kept as `fuzz/artifacts-regressions/json_schema/pattern-repeat-count-overflow`.
//!
//! This walk takes the same sizes over fancy-regex's own parse tree with
//! checked arithmetic, and refuses the pattern once a size passes
//! [`MAX_MIN_MATCH_LENGTH`]: no string a registry or validator will ever
//! see is that long, so such a pattern can match nothing real anyway.

use fancy_regex::Expr;

/// The longest minimum match length a pattern may have, in characters.
pub(crate) const MAX_MIN_MATCH_LENGTH: u64 = u32::MAX as u64;

/// Refuses a parsed pattern whose shortest match is longer than
/// [`MAX_MIN_MATCH_LENGTH`], with a message saying so. A pattern the regex
/// parser refuses passes here: the compile that follows reports it.
pub(crate) fn check_min_match_length(pattern: &str) -> Result<(), String> {
    let Ok(tree) = Expr::parse_tree(pattern) else {
        return Ok(());
    };
    let mut walk = Walk::default();
    walk.min_len(&tree.expr).map(|_| ()).map_err(|Overflow| {
        format!(
            "its repetition counts ask for a match of more than {MAX_MIN_MATCH_LENGTH} characters; \
             lower the counts in `{{n}}`, `{{n,}}` or `{{n,m}}`"
        )
    })
}

/// A size past [`MAX_MIN_MATCH_LENGTH`].
struct Overflow;

#[derive(Default)]
struct Walk {
    /// The largest minimum length of any group so far: a back-reference
    /// matches its group's text again, so it is at most this long.
    largest_group: u64,
}

impl Walk {
    /// The shortest match of `expr`, as fancy-regex's analysis computes it.
    fn min_len(&mut self, expr: &Expr) -> Result<u64, Overflow> {
        let len = match expr {
            Expr::LookAround(child, _) => {
                self.min_len(child)?;
                0
            }
            Expr::Empty
            | Expr::Assertion(_)
            | Expr::KeepOut
            | Expr::ContinueFromPreviousMatchEnd
            | Expr::BackrefExistsCondition(_)
            | Expr::SubroutineCall(_)
            | Expr::UnresolvedNamedSubroutineCall { .. }
            | Expr::BackrefWithRelativeRecursionLevel { .. } => 0,
            Expr::Any { .. } | Expr::Literal { .. } => 1,
            Expr::Delegate { size, .. } => *size as u64,
            Expr::Concat(children) => children.iter().try_fold(0u64, |sum, child| {
                within(sum.checked_add(self.min_len(child)?))
            })?,
            Expr::Alt(children) => {
                let mut shortest = u64::MAX;
                for child in children {
                    shortest = shortest.min(self.min_len(child)?);
                }
                if children.is_empty() { 0 } else { shortest }
            }
            Expr::Group(child) => {
                let len = self.min_len(child)?;
                self.largest_group = self.largest_group.max(len);
                len
            }
            Expr::AtomicGroup(child) => self.min_len(child)?,
            Expr::Repeat { child, lo, .. } => within(self.min_len(child)?.checked_mul(*lo as u64))?,
            Expr::Backref { .. } => self.largest_group,
            Expr::Conditional {
                condition,
                true_branch,
                false_branch,
            } => {
                let condition = self.min_len(condition)?;
                let yes = self.min_len(true_branch)?;
                let no = self.min_len(false_branch)?;
                within(condition.checked_add(yes.min(no)))?
            }
        };
        within(Some(len))
    }
}

fn within(len: Option<u64>) -> Result<u64, Overflow> {
    match len {
        Some(len) if len <= MAX_MIN_MATCH_LENGTH => Ok(len),
        _ => Err(Overflow),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ordinary_patterns_pass() {
        for pattern in [
            "^[a-z]{1,64}$",
            r"^\d{4}-\d{2}-\d{2}$",
            "(a|bc)+\\1",
            "(?<=x{3})y",
            "(?>ab){1000}",
            "[{}]{2}",
            "a{4294967295}",
            "unbalanced(",
        ] {
            assert_eq!(check_min_match_length(pattern), Ok(()), "{pattern}");
        }
    }

    #[test]
    fn counts_past_any_string_are_refused() {
        for pattern in [
            "a{4294967296}",
            "b{18446744073709551614}",
            "XY{18446744073709551614}$",
            "((a{65536}){65536}){65536}",
            "(a{3000000000})\\1",
            "(?=a{99999999999})",
        ] {
            let message = check_min_match_length(pattern).unwrap_err();
            assert!(
                message.contains("4294967295 characters"),
                "{pattern}: {message}"
            );
        }
    }
}
