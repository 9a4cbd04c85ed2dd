//! Confluent's `WildcardMatcher`: the paths of `metadata.tags` matched
//! against a field's full name, `.` separating names. `?` is one character
//! and `*` any run of characters within a name, `**` any run across names.

/// A compiled wildcard path.
#[derive(Debug, Clone)]
pub(super) struct Pattern(Vec<Token>);

#[derive(Debug, Clone, PartialEq)]
enum Token {
    Char(char),
    /// `?`
    One,
    /// `*`
    Within,
    /// `**`
    Across,
}

impl Pattern {
    pub(super) fn new(pattern: &str) -> Pattern {
        // As Confluent does: `**.*` is `**`.
        let pattern = pattern.replace("**.*", "**");
        let mut tokens = Vec::new();
        let mut chars = pattern.chars().peekable();
        while let Some(c) = chars.next() {
            tokens.push(match c {
                '*' if chars.peek() == Some(&'*') => {
                    chars.next();
                    Token::Across
                }
                '*' => Token::Within,
                '?' => Token::One,
                '\\' => Token::Char(chars.next().unwrap_or('\\')),
                c => Token::Char(c),
            });
        }
        Pattern(tokens)
    }

    /// Whether the whole of `name` matches.
    pub(super) fn matches(&self, name: &str) -> bool {
        let name: Vec<char> = name.chars().collect();
        matches(&self.0, &name)
    }
}

fn matches(tokens: &[Token], name: &[char]) -> bool {
    let Some((first, rest)) = tokens.split_first() else {
        return name.is_empty();
    };
    match first {
        Token::Char(c) => name.first() == Some(c) && matches(rest, &name[1..]),
        Token::One => name.first().is_some_and(|c| *c != '.') && matches(rest, &name[1..]),
        Token::Within => (0..=name.len())
            .take_while(|&i| i == 0 || name[i - 1] != '.')
            .any(|i| matches(rest, &name[i..])),
        Token::Across => (0..=name.len()).any(|i| matches(rest, &name[i..])),
    }
}

#[cfg(test)]
mod tests {
    use super::Pattern;

    #[test]
    fn wildcards_match_as_confluents_examples_say() {
        let check = |name: &str, pattern: &str| Pattern::new(pattern).matches(name);
        assert!(check("eve", "eve*"));
        assert!(check("alice.bob.eve", "a*.bob.eve"));
        assert!(check("alice.bob.eve", "a*.bob.e*"));
        assert!(!check("alice.bob.eve", "a*"));
        assert!(check("alice.bob.eve", "a**"));
        assert!(!check("alice.bob.eve", "alice.bob*"));
        assert!(check("alice.bob.eve", "alice.bob**"));
        assert!(check("com.acme.Order.email", "**.email"));
        assert!(!check("com.acme.Order.email", "*.email"));
    }
}
