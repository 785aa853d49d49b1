//! Which column fills which field: the preset's guess, then the user's `--map COLUMN=FIELD`
//! overrides, then what is left over (unknown columns) and what is still missing.

use super::source::{loose, preset};
use super::{codes, import_error, ColumnMap, Field, Kind, Source};
use crate::error::Result;

/// The preset's mapping of `headers`: each field goes to the first header that matches one of
/// its names (best name first); a header fills at most one field.
pub(crate) fn columns(source: Source, kind: Kind, headers: &[String]) -> Vec<ColumnMap> {
    let loose_headers: Vec<String> = headers.iter().map(|h| loose(h)).collect();
    let mut fields: Vec<Option<Field>> = vec![None; headers.len()];
    for (field, names) in preset(source, kind).columns {
        let found = names.iter().find_map(|name| {
            loose_headers
                .iter()
                .enumerate()
                .position(|(i, h)| h == name && fields[i].is_none())
        });
        if let Some(i) = found {
            fields[i] = Some(*field);
        }
    }
    headers
        .iter()
        .zip(fields)
        .map(|(column, field)| ColumnMap {
            column: column.clone(),
            field,
        })
        .collect()
}

/// Splits `COLUMN=FIELD` (the CLI's `--map`); the last `=` separates, so a column name may hold one.
pub fn parse_override(text: &str) -> Result<(String, String)> {
    match text.rsplit_once('=') {
        Some((column, field)) if !column.trim().is_empty() && !field.trim().is_empty() => {
            Ok((column.trim().to_string(), field.trim().to_string()))
        }
        _ => Err(import_error(
            codes::MAP_INVALID,
            format!("--map {text:?}: write COLUMN=FIELD, e.g. --map \"Account Ref=external_id\" (FIELD - leaves a column out)"),
        )),
    }
}

/// The field named by an override: its snake-case name (loosely spelled), or `-`/`none`/
/// `ignore` for none.
fn field_named(text: &str) -> Result<Option<Field>> {
    let wanted = loose(text).replace(' ', "_");
    if text.trim() == "-" || matches!(wanted.as_str(), "none" | "ignore" | "skip") {
        return Ok(None);
    }
    Field::ALL
        .into_iter()
        .find(|f| f.as_str() == wanted)
        .map(Some)
        .ok_or_else(|| {
            import_error(
                codes::MAP_INVALID,
                format!(
                    "--map ...={text}: the desk has no field {text:?}; fields are {} (or - to leave the column out)",
                    Field::ALL.map(Field::as_str).join(", ")
                ),
            )
        })
}

/// Applies the overrides that name one of these columns (exact name first, then loosely); marks
/// in `used` which overrides found a column. A field given by an override is taken from any
/// column the preset had given it to.
pub(crate) fn apply_overrides(
    mut columns: Vec<ColumnMap>,
    overrides: &[(String, String)],
    used: &mut [bool],
) -> Result<Vec<ColumnMap>> {
    for (n, (column, field)) in overrides.iter().enumerate() {
        let field = field_named(field)?;
        let at = columns
            .iter()
            .position(|c| c.column == *column)
            .or_else(|| {
                columns
                    .iter()
                    .position(|c| loose(&c.column) == loose(column))
            });
        let Some(at) = at else { continue };
        used[n] = true;
        if let Some(field) = field {
            for other in columns.iter_mut() {
                if other.field == Some(field) {
                    other.field = None;
                }
            }
        }
        columns[at].field = field;
    }
    Ok(columns)
}

/// Headers that fill no field.
pub(crate) fn unknown(columns: &[ColumnMap]) -> Vec<String> {
    columns
        .iter()
        .filter(|c| c.field.is_none() && !c.column.is_empty())
        .map(|c| c.column.clone())
        .collect()
}

/// Fields the kind needs that no column fills. Where either of two fields will do (a contact's
/// name or its first/last name; a company's id or its name), the one named is the usual one.
pub(crate) fn missing_required(kind: Kind, columns: &[ColumnMap]) -> Vec<Field> {
    let has = |field: Field| columns.iter().any(|c| c.field == Some(field));
    let company = has(Field::CompanyExternalId) || has(Field::CompanyName);
    let mut missing = Vec::new();
    match kind {
        Kind::Companies => {
            if !has(Field::Name) {
                missing.push(Field::Name);
            }
        }
        Kind::Contacts => {
            if !(has(Field::Name) || has(Field::FirstName) || has(Field::LastName)) {
                missing.push(Field::Name);
            }
            if !company {
                missing.push(Field::CompanyName);
            }
        }
        Kind::Assets => {
            if !has(Field::Hostname) {
                missing.push(Field::Hostname);
            }
            if !company {
                missing.push(Field::CompanyName);
            }
        }
        Kind::Runbooks => {
            if !has(Field::Title) {
                missing.push(Field::Title);
            }
            if !has(Field::Body) {
                missing.push(Field::Body);
            }
        }
    }
    missing
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(list: &[&str]) -> Vec<String> {
        list.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn the_best_name_wins_and_a_column_fills_one_field() {
        // Autotask contacts: "Organization ID" is the company's id, "Contact ID" the row's own.
        let cols = columns(
            Source::Autotask,
            Kind::Contacts,
            &headers(&[
                "Contact ID",
                "Organization ID",
                "Organization Name",
                "Notes",
            ]),
        );
        let field = |name: &str| cols.iter().find(|c| c.column == name).unwrap().field;
        assert_eq!(field("Contact ID"), Some(Field::ExternalId));
        assert_eq!(field("Organization ID"), Some(Field::CompanyExternalId));
        assert_eq!(field("Organization Name"), Some(Field::CompanyName));
        assert_eq!(unknown(&cols), vec!["Notes".to_string()]);
    }

    #[test]
    fn overrides_map_a_column_move_a_field_and_leave_one_out() {
        let cols = columns(
            Source::Csv,
            Kind::Companies,
            &headers(&["Name", "Ref", "Phone"]),
        );
        let overrides = vec![
            ("ref".to_string(), "External ID".to_string()),
            ("Phone".to_string(), "-".to_string()),
        ];
        let mut used = vec![false; 2];
        let cols = apply_overrides(cols, &overrides, &mut used).unwrap();
        assert_eq!(used, vec![true, true]);
        assert_eq!(cols[1].field, Some(Field::ExternalId));
        assert_eq!(cols[2].field, None);
        let err =
            apply_overrides(cols, &[("Name".into(), "colour".into())], &mut [false]).unwrap_err();
        assert_eq!(err.code(), codes::MAP_INVALID);
    }

    #[test]
    fn override_text_splits_at_the_last_equals_sign() {
        assert_eq!(
            parse_override("A=B=tier").unwrap(),
            ("A=B".into(), "tier".into())
        );
        assert_eq!(
            parse_override("=tier").unwrap_err().code(),
            codes::MAP_INVALID
        );
    }

    #[test]
    fn required_fields_per_kind() {
        let cols = columns(Source::Csv, Kind::Assets, &headers(&["Serial"]));
        assert_eq!(
            missing_required(Kind::Assets, &cols),
            vec![Field::Hostname, Field::CompanyName]
        );
        let cols = columns(
            Source::Csv,
            Kind::Contacts,
            &headers(&["First Name", "Company ID"]),
        );
        assert!(missing_required(Kind::Contacts, &cols).is_empty());
    }
}
