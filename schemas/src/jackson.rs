//! How the Confluent Schema Registry's JVM prints JSON, for the texts it
//! serves: Jackson's string escaping, Java's `Double.toString` and
//! `Float.toString`, `BigDecimal.toString`, and `String.compareTo` (the order
//! of a `TreeMap` of keys). The normalized texts of [`crate::avro`] and
//! [`crate::json`] are written with these, so that they are byte for byte
//! what the peer serves.

use std::cmp::Ordering;

/// Appends `s` as a JSON string the way Jackson's generator writes it: `"`
/// and `\` escaped, the control characters with a short escape (`\b \t \n
/// \f \r`) or `\u00XX` in upper-case hex, every other character as it is.
pub(crate) fn write_string(s: &str, out: &mut String) {
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\u{8}' => out.push_str("\\b"),
            '\t' => out.push_str("\\t"),
            '\n' => out.push_str("\\n"),
            '\u{c}' => out.push_str("\\f"),
            '\r' => out.push_str("\\r"),
            c if (c as u32) < 0x20 => out.push_str(&format!("\\u{:04X}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
}

/// Java's `Double.toString` (the shortest digits that read back as `x`):
/// `1.0`, `0.001`, `1234567.0` in plain notation between 10^-3 and 10^7,
/// `1.0E7`, `1.5E-4` outside.
pub(crate) fn java_double(x: f64) -> String {
    java_decimal(x == 0.0, x.is_sign_negative(), &format!("{:e}", x.abs()))
}

/// Java's `Float.toString`, as [`java_double`] for a 32-bit float.
pub(crate) fn java_float(x: f32) -> String {
    java_decimal(x == 0.0, x.is_sign_negative(), &format!("{:e}", x.abs()))
}

/// The Java spelling of a finite number whose shortest digits Rust wrote
/// as `sci` (`d.ddde-n`).
fn java_decimal(zero: bool, negative: bool, sci: &str) -> String {
    let sign = if negative { "-" } else { "" };
    if zero {
        return format!("{sign}0.0");
    }
    let (mantissa, exponent) = sci.split_once('e').unwrap_or((sci, "0"));
    let exponent: i32 = exponent.parse().unwrap_or(0);
    let digits: String = mantissa.chars().filter(char::is_ascii_digit).collect();
    if (-3..7).contains(&exponent) {
        let point = exponent + 1;
        let (int, frac) = if point <= 0 {
            let zeros = "0".repeat(point.unsigned_abs() as usize);
            ("0".to_string(), format!("{zeros}{digits}"))
        } else if point as usize >= digits.len() {
            let zeros = "0".repeat(point as usize - digits.len());
            (format!("{digits}{zeros}"), String::new())
        } else {
            let (int, frac) = digits.split_at(point as usize);
            (int.to_string(), frac.to_string())
        };
        let frac = if frac.is_empty() { "0" } else { &frac };
        format!("{sign}{int}.{frac}")
    } else {
        let (first, rest) = digits.split_at(1);
        let rest = if rest.is_empty() { "0" } else { rest };
        format!("{sign}{first}.{rest}E{exponent}")
    }
}

/// Java's `BigDecimal.toString` of the JSON number `raw` read exactly (as
/// Jackson reads a fraction or exponent with exact big decimals): `1.50`
/// stays `1.50`, `1e2` is `1E+2`, `1.5e2` is `150`, `1e-7` is `1E-7`. `None`
/// when `raw` is not a JSON number.
pub(crate) fn big_decimal(raw: &str) -> Option<String> {
    let (negative, unsigned) = match raw.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, raw),
    };
    let (mantissa, exponent) = match unsigned.find(['e', 'E']) {
        Some(at) => (&unsigned[..at], unsigned[at + 1..].parse::<i64>().ok()?),
        None => (unsigned, 0),
    };
    let (int, frac) = mantissa.split_once('.').unwrap_or((mantissa, ""));
    if int.is_empty() || !(int.chars().chain(frac.chars())).all(|c| c.is_ascii_digit()) {
        return None;
    }
    let all = format!("{int}{frac}");
    let unscaled = all.trim_start_matches('0');
    let unscaled = if unscaled.is_empty() { "0" } else { unscaled };
    let scale = frac.len() as i64 - exponent;
    let sign = if negative && unscaled != "0" { "-" } else { "" };
    let adjusted = -scale + (unscaled.len() as i64 - 1);
    if scale >= 0 && adjusted >= -6 {
        let scale = scale as usize;
        if scale == 0 {
            return Some(format!("{sign}{unscaled}"));
        }
        let padded = if unscaled.len() <= scale {
            format!("{}{unscaled}", "0".repeat(scale + 1 - unscaled.len()))
        } else {
            unscaled.to_string()
        };
        let (int, frac) = padded.split_at(padded.len() - scale);
        return Some(format!("{sign}{int}.{frac}"));
    }
    let (first, rest) = unscaled.split_at(1);
    let point = if rest.is_empty() { "" } else { "." };
    let exponent_sign = if adjusted >= 0 { "+" } else { "" };
    Some(format!(
        "{sign}{first}{point}{rest}E{exponent_sign}{adjusted}"
    ))
}

/// Java's `String.compareTo`: lexicographic over UTF-16 code units (the
/// order of the keys of a `TreeMap`).
pub(crate) fn java_order(a: &str, b: &str) -> Ordering {
    a.encode_utf16().cmp(b.encode_utf16())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn doubles_are_spelled_as_java_spells_them() {
        let cases: [(f64, &str); 12] = [
            (1.0, "1.0"),
            (0.1, "0.1"),
            (-2.5, "-2.5"),
            (100.0, "100.0"),
            (1234567.0, "1234567.0"),
            (1e7, "1.0E7"),
            (1.5e10, "1.5E10"),
            (0.001, "0.001"),
            (0.0001, "1.0E-4"),
            (1.25e-5, "1.25E-5"),
            (0.0, "0.0"),
            (-0.0, "-0.0"),
        ];
        for (x, java) in cases {
            assert_eq!(java_double(x), java, "{x}");
        }
        assert_eq!(java_float(0.1), "0.1");
        assert_eq!(java_float(16_777_216.0), "1.6777216E7");
    }

    #[test]
    fn big_decimals_are_spelled_as_java_spells_them() {
        let cases = [
            ("1.50", "1.50"),
            ("1e2", "1E+2"),
            ("1.5e2", "1.5E+2"),
            ("150.0e-1", "15.00"),
            ("1e-7", "1E-7"),
            ("0.0000001", "1E-7"),
            ("0.000001", "0.000001"),
            ("0.0123", "0.0123"),
            ("-0.0", "0.0"),
            ("12.5e-1", "1.25"),
            ("123.45e5", "1.2345E+7"),
            ("0e3", "0E+3"),
        ];
        for (raw, java) in cases {
            assert_eq!(big_decimal(raw).as_deref(), Some(java), "{raw}");
        }
        assert_eq!(big_decimal("x"), None);
    }

    #[test]
    fn strings_are_escaped_as_jackson_escapes_them() {
        let mut out = String::new();
        write_string("a\"b\\c\n\u{1f}é/\u{7f}", &mut out);
        assert_eq!(out, "\"a\\\"b\\\\c\\n\\u001Fé/\u{7f}\"");
    }

    #[test]
    fn keys_sort_by_utf16_code_units() {
        // U+FF21 (one unit) sorts after U+1F600 (a surrogate pair) in
        // Java, before it in UTF-8 byte order.
        assert_eq!(java_order("\u{1F600}", "\u{FF21}"), Ordering::Less);
        assert_eq!(java_order("a", "b"), Ordering::Less);
    }
}
