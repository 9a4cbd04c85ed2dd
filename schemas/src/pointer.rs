//! JSON Pointers (RFC 6901): escaping the tokens a pointer is built from and
//! reading them back. Every place in Charter that writes or reads a pointer
//! (schema paths such as `#/properties/a~1b`, payload paths such as
//! `/lines/0/sku`) goes through here.
//!
//! A token is escaped by writing `~` as `~0` and `/` as `~1`; reading turns
//! `~1` into `/` and `~0` into `~` in one pass, so `~01` reads as `~1`, never
//! as `/`. A `~` followed by anything else is kept as it is.

use std::borrow::Cow;

/// `token` escaped for use as one token of a pointer (`a/b~c` → `a~1b~0c`);
/// borrowed when there is nothing to escape.
pub fn escape(token: &str) -> Cow<'_, str> {
    if !token.contains(['~', '/']) {
        return Cow::Borrowed(token);
    }
    let mut out = String::with_capacity(token.len() + 2);
    for c in token.chars() {
        match c {
            '~' => out.push_str("~0"),
            '/' => out.push_str("~1"),
            c => out.push(c),
        }
    }
    Cow::Owned(out)
}

/// One token of a pointer unescaped (`a~1b~0c` → `a/b~c`); borrowed when
/// there is nothing to unescape.
pub fn unescape(token: &str) -> Cow<'_, str> {
    if !token.contains('~') {
        return Cow::Borrowed(token);
    }
    let mut out = String::with_capacity(token.len());
    let mut chars = token.chars().peekable();
    while let Some(c) = chars.next() {
        match (c, chars.peek()) {
            ('~', Some('0')) => {
                out.push('~');
                chars.next();
            }
            ('~', Some('1')) => {
                out.push('/');
                chars.next();
            }
            (c, _) => out.push(c),
        }
    }
    Cow::Owned(out)
}

/// Appends `/` and `token`, escaped, to `pointer`.
pub fn push(pointer: &mut String, token: &str) {
    pointer.push('/');
    pointer.push_str(&escape(token));
}

/// `pointer` with `/` and `token`, escaped, appended.
pub fn join(pointer: &str, token: &str) -> String {
    let mut out = pointer.to_string();
    push(&mut out, token);
    out
}

/// The tokens of `pointer`, unescaped, in order. A leading `#` (a schema
/// path in URI-fragment form) is ignored; `""` and `"#"` have no tokens.
pub fn tokens(pointer: &str) -> impl Iterator<Item = Cow<'_, str>> {
    let pointer = pointer.strip_prefix('#').unwrap_or(pointer);
    let rest = pointer.strip_prefix('/').unwrap_or(pointer);
    (!pointer.is_empty())
        .then(|| rest.split('/').map(unescape))
        .into_iter()
        .flatten()
}

/// The last token of `pointer`, unescaped: the property or keyword a path
/// ends at (the whole text when it holds no `/`).
pub fn last(pointer: &str) -> Cow<'_, str> {
    unescape(pointer.rsplit('/').next().unwrap_or_default())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_are_escaped_and_unescaped_as_rfc_6901_says() {
        for (plain, escaped) in [
            ("a", "a"),
            ("a/b", "a~1b"),
            ("m~n", "m~0n"),
            ("~1", "~01"),
            ("/~", "~1~0"),
            ("", ""),
            ("ünï/cødé", "ünï~1cødé"),
        ] {
            assert_eq!(escape(plain), escaped, "escape {plain:?}");
            assert_eq!(unescape(escaped), plain, "unescape {escaped:?}");
        }
    }

    #[test]
    fn nothing_to_escape_borrows() {
        assert!(matches!(escape("plain"), Cow::Borrowed("plain")));
        assert!(matches!(unescape("plain/x"), Cow::Borrowed(_)));
    }

    #[test]
    fn a_tilde_without_0_or_1_is_kept() {
        assert_eq!(unescape("a~2b~"), "a~2b~");
        assert_eq!(unescape("~~1"), "~/");
    }

    #[test]
    fn pointers_are_built_token_by_token() {
        let mut pointer = String::from("#");
        push(&mut pointer, "properties");
        push(&mut pointer, "a/b");
        assert_eq!(pointer, "#/properties/a~1b");
        assert_eq!(join("", "x~y"), "/x~0y");
    }

    #[test]
    fn pointers_are_read_token_by_token() {
        let read = |p| tokens(p).collect::<Vec<_>>();
        assert_eq!(read("#/properties/a~1b/~0"), ["properties", "a/b", "~"]);
        assert_eq!(read("/lines/0"), ["lines", "0"]);
        assert_eq!(read("/a//b"), ["a", "", "b"]);
        assert_eq!(read("/"), [""]);
        assert!(read("#").is_empty());
        assert!(read("").is_empty());
        assert_eq!(last("#/properties/a~1b"), "a/b");
        assert_eq!(last("#"), "#");
        assert_eq!(last(""), "");
    }
}
