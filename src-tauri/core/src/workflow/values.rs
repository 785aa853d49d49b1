//! Checking a step's submitted values against the template's fields.
//!
//! Values arrive as untrusted JSON (from IPC or the CLI); this is where their shape is enforced,
//! so the rules can read them without re-checking.

use crate::error::{Error, Result};
use crate::priority::{Impact, Urgency};
use crate::signature::Signature;
use crate::template::{FieldKind, SignerRole, Step};
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
