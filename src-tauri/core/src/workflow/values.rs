//! Checking a step's submitted values against the template's fields.
//!
//! Values arrive as untrusted JSON (from IPC or the CLI); this is where their shape is enforced,
//! so the rules can read them without re-checking.

use crate::error::{Error, Result};
use crate::priority::{Impact, Urgency};
use crate::signature::Signature;
use crate::template::{FieldKind, Step};
use crate::ticket::Values;
use serde_json::Value;

/// Largest number of items a list-like field (assets, runbook links, multi-choice) may hold.
const MAX_ITEMS: usize = 100;

/// Checks every value's type and bounds; returns the values with blank optional text removed and
/// the list of required fields that are missing (the caller decides how to report them).
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
        match values.get(&field.key) {
            None if field.required => missing.push(format!("{} is required", field.label)),
            None => {}
            Some(v) => check_value(&field.key, &field.kind, v)?,
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

fn check_value(key: &str, kind: &FieldKind, v: &Value) -> Result<()> {
    let bad = |msg: &str| Err(Error::invalid(key, msg));
    match kind {
        FieldKind::List { options, multiple } => {
            let picks: Vec<&Value> = match (v, multiple) {
                (Value::Array(items), true) => items.iter().collect(),
                (Value::String(_), _) => vec![v],
                _ => return bad("choose one of the listed options"),
            };
            if picks.len() > MAX_ITEMS {
                return bad("too many choices");
            }
            for p in picks {
                match p.as_str() {
                    Some(s) if options.iter().any(|o| o == s) => {}
                    _ => return bad(&format!("not one of the options: {}", options.join(", "))),
                }
            }
            Ok(())
        }
        FieldKind::Paragraph { max_chars } => match v.as_str() {
            Some(s) if s.chars().count() <= *max_chars as usize => Ok(()),
            Some(_) => bad(&format!("longer than {max_chars} characters")),
            None => bad("must be text"),
        },
        FieldKind::Signature { role, .. } => {
            let sig: Signature = serde_json::from_value(v.clone())
                .map_err(|e| Error::invalid(key, format!("not a signature: {e}")))?;
            sig.validate(*role).map_err(|e| match e {
                Error::InvalidInput { message, .. } => Error::invalid(key, message),
                other => other,
            })
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
    }
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
