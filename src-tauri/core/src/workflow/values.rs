//! Checking a step's submitted values against the template's fields.
//!
//! Values arrive as untrusted JSON (from IPC or the CLI); this is where their shape is enforced,
//! so the rules can read them without re-checking.

use crate::error::{Error, Result};
use crate::priority::{Impact, Urgency};
use crate::signature::Signature;
use crate::template::{Field, FieldKind, SignerRole, Step};
use crate::ticket::Values;
use serde_json::Value;

/// Largest number of items a list-like field (assets, runbook links, multi-choice) may hold.
const MAX_ITEMS: usize = 100;

/// Checks every value's type and bounds; returns the values with blank optional text removed,
/// signatures sealed to their content (see [`Signature::sealed`]), and the list of required fields
/// that are missing (the caller decides how to report them).
pub fn check(step: &Step, mut values: Values) -> Result<(Values, Vec<String>)> {
    if let Some(unknown) = values.keys().find(|k| step.field(k).is_none()) {
        return Err(Error::invalid(
            unknown.clone(),
            format!("step {} has no field {unknown:?}", step.number),
        ));
    }
    values.retain(|_, v| !is_blank(v));
    let mut missing = Vec::new();
    for field in &step.fields {
        match values.get_mut(&field.key) {
            None if field.required => missing.push(format!("{} is required", field.label)),
            None => {}
            Some(v) => {
                if let Some(sealed) = check_value(&field.key, &field.kind, v)? {
                    *v = sealed;
                }
            }
        }
    }
    Ok((values, missing))
}

/// One field's value checked on its own, as completing its step would check it, and returned in
/// the form the step would store (a typed number becomes a JSON number). The window asks this as a
/// field is left, so a number or date is refused in the core's words before the step is
/// completed; an empty value is `null` (whether it may be empty is the step's question).
pub fn check_field(field: &Field, value: Value) -> Result<Value> {
    if is_blank(&value) {
        return Ok(Value::Null);
    }
    Ok(check_value(&field.key, &field.kind, &value)?.unwrap_or(value))
}

fn is_blank(v: &Value) -> bool {
    match v {
        Value::Null => true,
        Value::String(s) => s.trim().is_empty(),
        Value::Array(a) => a.is_empty(),
        _ => false,
    }
}

/// Checks one value; a signature comes back sealed, to replace what was submitted.
fn check_value(key: &str, kind: &FieldKind, v: &Value) -> Result<Option<Value>> {
    let bad = |msg: &str| Err(Error::invalid(key, msg));
    let checked: Result<()> = match kind {
        FieldKind::List { options, multiple } => check_list(key, options, *multiple, v),
        FieldKind::Paragraph { max_chars } => match v.as_str() {
            Some(s) if s.chars().count() <= *max_chars as usize => Ok(()),
            Some(_) => bad(&format!("longer than {max_chars} characters")),
            None => bad("must be text"),
        },
        FieldKind::YesNo => match v {
            Value::Bool(_) => Ok(()),
            _ => bad("answer yes or no (true or false)"),
        },
        FieldKind::Number { min, max, decimals } => {
            return check_number(key, *min, *max, *decimals, v).map(Some)
        }
        FieldKind::Date => check_date(key, v).map(drop),
        FieldKind::Signature { role, meaning } => {
            return seal_signature(key, *role, meaning, v).map(Some)
        }
        FieldKind::Contact | FieldKind::ParentIncident => match v.as_i64() {
            Some(id) if id > 0 => Ok(()),
            _ => bad("must be a record id"),
        },
        FieldKind::Assets | FieldKind::RunbookLinks => match v.as_array() {
            Some(ids)
                if ids.len() <= MAX_ITEMS
                    && ids.iter().all(|i| i.as_i64().is_some_and(|n| n > 0)) =>
            {
                Ok(())
            }
            _ => bad("must be a list of record ids"),
        },
        FieldKind::Impact => v
            .as_str()
            .ok_or_else(|| Error::invalid(key, "must be text"))?
            .parse::<Impact>()
            .map(drop),
        FieldKind::Urgency => v
            .as_str()
            .ok_or_else(|| Error::invalid(key, "must be text"))?
            .parse::<Urgency>()
            .map(drop),
        FieldKind::Rating => match v {
            Value::Number(n) if n.as_i64().is_some_and(|r| (1..=5).contains(&r)) => Ok(()),
            Value::String(s) if s == "sent" => Ok(()),
            _ => bad("a rating from 1 to 5, or \"sent\""),
        },
    };
    checked.map(|()| None)
}

fn check_list(key: &str, options: &[String], multiple: bool, v: &Value) -> Result<()> {
    let picks: Vec<&Value> = match (v, multiple) {
        (Value::Array(items), true) => items.iter().collect(),
        (Value::String(_), _) => vec![v],
        _ => return Err(Error::invalid(key, "choose one of the listed options")),
    };
    if picks.len() > MAX_ITEMS {
        return Err(Error::invalid(key, "too many choices"));
    }
    for p in picks {
        match p.as_str() {
            Some(s) if options.iter().any(|o| o == s) => {}
            _ => {
                return Err(Error::invalid(
                    key,
                    format!("not one of the options: {}", options.join(", ")),
                ))
            }
        }
    }
    Ok(())
}

/// Most digits a number field keeps: any decimal of 15 significant digits survives the round
/// trip through a 64-bit float exactly, so what is stored is what was typed.
const MAX_DIGITS: usize = 15;

/// Checks a number typed as text (the window sends what was typed) or sent as a JSON number, and
/// returns it as a JSON number (a whole number without ".0").
fn check_number(
    key: &str,
    min: Option<f64>,
    max: Option<f64>,
    decimals: u8,
    v: &Value,
) -> Result<Value> {
    let example = if decimals == 0 { "12" } else { "12.5" };
    let not_a_number = || Error::invalid(key, format!("type a number, such as {example}"));
    let text = match v {
        Value::String(s) => s.trim().to_string(),
        // Rust prints a float with the fewest digits that read back as the same float, and
        // never in exponent form, so the text carries the value's real decimals.
        Value::Number(n) => match n.as_f64() {
            Some(f) if f.is_finite() => format!("{f}"),
            _ => return Err(not_a_number()),
        },
        _ => return Err(not_a_number()),
    };
    let (whole, fraction) = decimal_parts(&text).ok_or_else(|| {
        if text.contains(',') {
            Error::invalid(key, format!("use a point for decimals, such as {example}"))
        } else {
            not_a_number()
        }
    })?;
    let fraction = fraction.trim_end_matches('0');
    if fraction.len() > decimals as usize {
        return Err(Error::invalid(
            key,
            match decimals {
                0 => "must be a whole number".to_string(),
                1 => "at most 1 decimal".to_string(),
                d => format!("at most {d} decimals"),
            },
        ));
    }
    if whole.trim_start_matches('0').len() + fraction.len() > MAX_DIGITS {
        return Err(Error::invalid(key, format!("at most {MAX_DIGITS} digits")));
    }
    let n: f64 = text.parse().map_err(|_| not_a_number())?;
    // "-0" is zero.
    let n = if n == 0.0 { 0.0 } else { n };
    let out_of_range = match (min, max) {
        (Some(lo), Some(hi)) if n < lo || n > hi => Some(format!("must be from {lo} to {hi}")),
        (Some(lo), _) if n < lo => Some(format!("must be {lo} or more")),
        (_, Some(hi)) if n > hi => Some(format!("must be {hi} or less")),
        _ => None,
    };
    if let Some(message) = out_of_range {
        return Err(Error::invalid(key, message));
    }
    let stored = if fraction.is_empty() {
        // At most 15 digits: exactly an i64.
        Value::from(n as i64)
    } else {
        serde_json::Number::from_f64(n)
            .map(Value::Number)
            .ok_or_else(not_a_number)?
    };
    Ok(stored)
}

/// "-12.50" -> ("12", "50"): plain decimal notation only (an optional minus, digits, and digits
/// after one point); no exponent, no thousands separator, no sign without digits.
fn decimal_parts(text: &str) -> Option<(&str, &str)> {
    let unsigned = text.strip_prefix('-').unwrap_or(text);
    let (whole, fraction) = unsigned.split_once('.').unwrap_or((unsigned, ""));
    let digits = |s: &str| s.bytes().all(|b| b.is_ascii_digit());
    let point_without_digits = unsigned.contains('.') && fraction.is_empty();
    (!whole.is_empty() && digits(whole) && digits(fraction) && !point_without_digits)
        .then_some((whole, fraction))
}

/// Earliest and latest years a date field takes: wide enough for birth dates and warranty ends,
/// narrow enough to catch a year typed with a digit missing or doubled.
const FIRST_YEAR: i32 = 1900;
const LAST_YEAR: i32 = 2199;

/// A calendar day written `YYYY-MM-DD`, which exists (no 30 February) and lies within the years
/// above.
fn check_date(key: &str, v: &Value) -> Result<chrono::NaiveDate> {
    let text = v
        .as_str()
        .ok_or_else(|| Error::invalid(key, "must be a date written YYYY-MM-DD"))?;
    let b = text.as_bytes();
    let shape = b.len() == 10
        && b[4] == b'-'
        && b[7] == b'-'
        && [0, 1, 2, 3, 5, 6, 8, 9]
            .iter()
            .all(|&i| b[i].is_ascii_digit());
    if !shape {
        return Err(Error::invalid(
            key,
            format!("{text:?} is not a date written YYYY-MM-DD"),
        ));
    }
    let num = |r: std::ops::Range<usize>| text[r].parse::<u32>().unwrap_or(0);
    let (year, month, day) = (num(0..4) as i32, num(5..7), num(8..10));
    let date = chrono::NaiveDate::from_ymd_opt(year, month, day)
        .ok_or_else(|| Error::invalid(key, format!("{text} is not a day of the calendar")))?;
    if !(FIRST_YEAR..=LAST_YEAR).contains(&year) {
        return Err(Error::invalid(
            key,
            format!("the year must be from {FIRST_YEAR} to {LAST_YEAR}"),
        ));
    }
    Ok(date)
}

fn seal_signature(key: &str, role: SignerRole, meaning: &str, v: &Value) -> Result<Value> {
    let sig: Signature = serde_json::from_value(v.clone())
        .map_err(|e| Error::invalid(key, format!("not a signature: {e}")))?;
    if sig.meaning != meaning {
        return Err(Error::invalid(
            key,
            format!("this signature means {meaning:?}"),
        ));
    }
    let sealed = sig.sealed(role).map_err(|e| match e {
        Error::InvalidInput { message, .. } => Error::invalid(key, message),
        other => other,
    })?;
    serde_json::to_value(sealed).map_err(|e| Error::invalid(key, e.to_string()))
}

/// Typed readers for values already checked by [`check`].
pub fn text<'a>(values: &'a Values, key: &str) -> Option<&'a str> {
    values.get(key).and_then(Value::as_str)
}

pub fn id(values: &Values, key: &str) -> Option<i64> {
    values.get(key).and_then(Value::as_i64)
}

pub fn ids(values: &Values, key: &str) -> Vec<i64> {
    values
        .get(key)
        .and_then(Value::as_array)
        .map(|a| a.iter().filter_map(Value::as_i64).collect())
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::template::{Condition, Gate};
    use serde_json::json;

    fn step(kind: FieldKind, required: bool) -> Step {
        Step {
            number: 9,
            key: "desk_check".into(),
            title: "Desk check".into(),
            guidance: String::new(),
            fields: vec![Field {
                key: "f".into(),
                label: "The field".into(),
                kind,
                required,
            }],
            condition: Condition::Always,
            gate: Gate::Custom,
            requires: vec![],
            resets: vec![],
            required: false,
            tools: vec![],
        }
    }

    fn number(min: Option<f64>, max: Option<f64>, decimals: u8) -> FieldKind {
        FieldKind::Number { min, max, decimals }
    }

    /// The stored value, or the error's field and message.
    fn run(kind: FieldKind, v: Value) -> std::result::Result<Value, (String, String)> {
        let values: Values = [("f".to_string(), v)].into_iter().collect();
        match check(&step(kind, true), values) {
            Ok((mut out, missing)) => {
                assert!(missing.is_empty(), "{missing:?}");
                Ok(out.remove("f").expect("the value is kept"))
            }
            Err(Error::InvalidInput { field, message }) => Err((field, message)),
            Err(other) => panic!("not an input error: {other:?}"),
        }
    }

    fn refused(kind: FieldKind, v: Value) -> String {
        let (field, message) = run(kind, v.clone()).expect_err(&format!("{v} was accepted"));
        assert_eq!(field, "f", "the error names the field");
        message
    }

    #[test]
    fn yes_no_takes_a_bool_and_false_is_an_answer() {
        assert_eq!(run(FieldKind::YesNo, json!(true)), Ok(json!(true)));
        // No is an answer: a required yes/no answered "no" is not missing.
        assert_eq!(run(FieldKind::YesNo, json!(false)), Ok(json!(false)));
        for wrong in [json!("yes"), json!(1), json!(["true"])] {
            assert!(refused(FieldKind::YesNo, wrong).contains("yes or no"));
        }
    }

    #[test]
    fn number_within_bounds_is_stored_as_a_number() {
        let kind = number(Some(0.0), Some(100.0), 2);
        assert_eq!(run(kind.clone(), json!("12.50")), Ok(json!(12.5)));
        assert_eq!(run(kind.clone(), json!(" 7 ")), Ok(json!(7)));
        assert_eq!(run(kind.clone(), json!(99.99)), Ok(json!(99.99)));
        assert_eq!(run(kind.clone(), json!("0")), Ok(json!(0)));
        assert_eq!(run(kind.clone(), json!(100)), Ok(json!(100)));
        assert_eq!(run(number(None, None, 0), json!("-40")), Ok(json!(-40)));
    }

    #[test]
    fn number_out_of_range_says_the_range() {
        let kind = number(Some(0.5), Some(10.0), 1);
        assert_eq!(
            refused(kind.clone(), json!("10.1")),
            "must be from 0.5 to 10"
        );
        assert_eq!(refused(kind, json!(0.4)), "must be from 0.5 to 10");
        assert_eq!(
            refused(number(Some(1.0), None, 0), json!(0)),
            "must be 1 or more"
        );
        assert_eq!(
            refused(number(None, Some(8.0), 0), json!("9")),
            "must be 8 or less"
        );
    }

    #[test]
    fn number_refuses_text_and_other_types() {
        let kind = number(None, None, 1);
        for wrong in [
            "abc", "1e3", "12.", ".5", "1 000", "0x10", "NaN", "inf", "-", "+3",
        ] {
            assert_eq!(
                refused(kind.clone(), json!(wrong)),
                "type a number, such as 12.5",
                "{wrong:?}"
            );
        }
        assert_eq!(
            refused(kind.clone(), json!("12,5")),
            "use a point for decimals, such as 12.5"
        );
        for wrong in [json!(true), json!([1]), json!({"n": 1})] {
            assert_eq!(refused(kind.clone(), wrong), "type a number, such as 12.5");
        }
        assert_eq!(
            refused(number(None, None, 0), json!("x")),
            "type a number, such as 12"
        );
    }

    #[test]
    fn number_with_too_many_decimals_is_refused() {
        assert_eq!(
            refused(number(None, None, 0), json!("2.5")),
            "must be a whole number"
        );
        assert_eq!(
            refused(number(None, None, 1), json!(0.25)),
            "at most 1 decimal"
        );
        assert_eq!(
            refused(number(None, None, 2), json!("1.005")),
            "at most 2 decimals"
        );
        // A float sum is its real value, not what it looks like.
        assert_eq!(
            refused(number(None, None, 2), json!(0.1 + 0.2)),
            "at most 2 decimals"
        );
        // Trailing zeros add no decimals.
        assert_eq!(run(number(None, None, 0), json!("3.000")), Ok(json!(3)));
    }

    #[test]
    fn number_keeps_only_digits_it_can_store_exactly() {
        let kind = number(None, None, 6);
        assert_eq!(
            run(kind.clone(), json!("123456789.123456")),
            Ok(json!(123456789.123456))
        );
        assert_eq!(
            refused(kind.clone(), json!("1234567890.123456")),
            "at most 15 digits"
        );
        assert_eq!(refused(kind, json!(1e300)), "at most 15 digits");
    }

    #[test]
    fn date_is_a_real_iso_calendar_day() {
        assert_eq!(
            run(FieldKind::Date, json!("2026-12-06")),
            Ok(json!("2026-12-06"))
        );
        assert_eq!(
            run(FieldKind::Date, json!("2028-02-29")),
            Ok(json!("2028-02-29"))
        );
        assert_eq!(
            refused(FieldKind::Date, json!("2026-02-30")),
            "2026-02-30 is not a day of the calendar"
        );
        assert_eq!(
            refused(FieldKind::Date, json!("2027-02-29")),
            "2027-02-29 is not a day of the calendar"
        );
        assert_eq!(
            refused(FieldKind::Date, json!("2026-13-01")),
            "2026-13-01 is not a day of the calendar"
        );
        for wrong in [
            "06.12.2026",
            "2026-1-6",
            "2026-12-06T10:00",
            "20261206",
            "２０２６-12-06",
        ] {
            assert!(
                refused(FieldKind::Date, json!(wrong))
                    .ends_with("is not a date written YYYY-MM-DD"),
                "{wrong:?}"
            );
        }
        assert_eq!(
            refused(FieldKind::Date, json!(20261206)),
            "must be a date written YYYY-MM-DD"
        );
    }

    #[test]
    fn date_outside_the_years_is_refused() {
        assert_eq!(
            refused(FieldKind::Date, json!("0026-12-06")),
            "the year must be from 1900 to 2199"
        );
        assert_eq!(
            refused(FieldKind::Date, json!("2260-01-01")),
            "the year must be from 1900 to 2199"
        );
        assert_eq!(
            run(FieldKind::Date, json!("1900-01-01")),
            Ok(json!("1900-01-01"))
        );
        assert_eq!(
            run(FieldKind::Date, json!("2199-12-31")),
            Ok(json!("2199-12-31"))
        );
    }

    #[test]
    fn one_field_is_checked_as_its_step_would_check_it() {
        let field = |kind| Field {
            key: "hours".into(),
            label: "Hours".into(),
            kind,
            required: true,
        };
        let hours = field(number(Some(0.0), Some(24.0), 1));
        assert_eq!(check_field(&hours, json!("7.50")).unwrap(), json!(7.5));
        assert_eq!(check_field(&hours, json!("  ")).unwrap(), Value::Null);
        match check_field(&hours, json!("25")) {
            Err(Error::InvalidInput { field, message }) => {
                assert_eq!(
                    (field.as_str(), message.as_str()),
                    ("hours", "must be from 0 to 24")
                )
            }
            other => panic!("25 hours accepted: {other:?}"),
        }
        let day = field(FieldKind::Date);
        assert!(check_field(&day, json!("2026-02-30")).is_err());
        assert_eq!(
            check_field(&day, json!("2026-02-28")).unwrap(),
            json!("2026-02-28")
        );
    }

    #[test]
    fn required_new_kinds_left_empty_are_reported_missing() {
        for kind in [FieldKind::YesNo, number(None, None, 0), FieldKind::Date] {
            for empty in [json!(null), json!(""), json!("  ")] {
                let values: Values = [("f".to_string(), empty)].into_iter().collect();
                let (out, missing) = check(&step(kind.clone(), true), values).unwrap();
                assert!(out.is_empty());
                assert_eq!(missing, vec!["The field is required".to_string()]);
            }
            let (_, missing) = check(&step(kind.clone(), true), Values::new()).unwrap();
            assert_eq!(missing, vec!["The field is required".to_string()]);
            let (_, missing) = check(&step(kind, false), Values::new()).unwrap();
            assert!(missing.is_empty(), "an optional field may stay empty");
        }
    }
}
