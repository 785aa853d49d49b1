//! One row's cells into a record the desk stores: values trimmed, e-mail addresses checked,
//! yes/no in the spellings the tools use, dates in the formats they write, tiers, and time zones
//! checked against the tz database (Windows names translated). Pure: no clock, no store.

use super::{
    codes, limits, AssetIn, ColumnMap, CompanyIn, ContactIn, Field, Kind, Plan, Record, RowProblem,
    RunbookIn, Source, ToolLinkIn,
};
use crate::directory::tools::{validate_label, validate_url_template, TOOL_KINDS, TOOL_URL_MAX};
use crate::directory::Tier;
use crate::error::Error;
use crate::sla::Zone;
use crate::store::RUNBOOK_TITLE_MAX;
use chrono::{DateTime, NaiveDate, NaiveDateTime, Utc};
use serde::{Deserialize, Serialize};

/// How a date with slashes (03/04/2026) is read. Dotted dates (03.04.2026) are always day
/// first, ISO dates (2026-04-03) always year first.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
#[serde(rename_all = "snake_case")]
#[ts(rename = "ImportDateOrder")]
pub enum DateOrder {
    /// 03/04/2026 is March 4 (US exports: Autotask, ConnectWise in the US).
    MonthFirst,
    /// 03/04/2026 is 3 April (UK, Australian exports).
    DayFirst,
}

/// The day order the file's own dates show: a first number above 12 means day first, a second
/// number above 12 month first; month first when none decides.
pub(crate) fn guess_date_order(columns: &[ColumnMap], sample: &[Vec<String>]) -> DateOrder {
    let date_columns: Vec<usize> = columns
        .iter()
        .enumerate()
        .filter(|(_, c)| {
            matches!(
                c.field,
                Some(Field::TerminatedOn | Field::CreatedAt | Field::UpdatedAt)
            )
        })
        .map(|(i, _)| i)
        .collect();
    for row in sample {
        for &i in &date_columns {
            if let Some((a, b)) = row.get(i).and_then(|v| slash_parts(v)) {
                if a > 12 && b <= 12 {
                    return DateOrder::DayFirst;
                }
                if b > 12 && a <= 12 {
                    return DateOrder::MonthFirst;
                }
            }
        }
    }
    DateOrder::MonthFirst
}

/// The first two numbers of a slash date ("13/04/2026 00:00" gives (13, 4)).
fn slash_parts(value: &str) -> Option<(u32, u32)> {
    let date = value.split_whitespace().next()?;
    let mut parts = date.split('/');
    let a = parts.next()?.parse().ok()?;
    let b = parts.next()?.parse().ok()?;
    parts.next()?;
    Some((a, b))
}

/// A date as the tools write it: ISO (with or without a time), RFC 3339, US or day-first slash
/// dates (per `order`, optionally with a 12- or 24-hour time), dotted day-first dates, and
/// "1-Mar-2026" / "Mar 1, 2026". The time of day, if any, is dropped.
pub(crate) fn parse_date(value: &str, order: DateOrder) -> Option<NaiveDate> {
    let value = value.trim();
    if let Ok(at) = chrono::DateTime::parse_from_rfc3339(value) {
        return Some(at.date_naive());
    }
    let (first, second) = match order {
        DateOrder::MonthFirst => ("%m", "%d"),
        DateOrder::DayFirst => ("%d", "%m"),
    };
    let date_part = value.split(['T', ' ']).next().unwrap_or(value);
    let numbers: Vec<&str> = date_part.split(['-', '/', '.']).collect();
    // Which number is the year is told by the separator and by its digits, never guessed by
    // chrono (which would read "3/4/26" as the year 3).
    let format = match (
        numbers.as_slice(),
        date_part.contains('-'),
        date_part.contains('/'),
        date_part.contains('.'),
    ) {
        ([y, _, _], true, false, false) if y.len() == 4 => Some("%Y-%m-%d".to_string()),
        ([y, _, _], false, true, false) if y.len() == 4 => Some("%Y/%m/%d".to_string()),
        ([_, _, y], false, true, false) if y.len() == 4 => Some(format!("{first}/{second}/%Y")),
        ([_, _, y], false, true, false) if y.len() == 2 => Some(format!("{first}/{second}/%y")),
        ([_, _, y], false, false, true) if y.len() == 4 => Some("%d.%m.%Y".to_string()),
        _ => None,
    };
    if let Some(date) = format.and_then(|f| NaiveDate::parse_from_str(date_part, &f).ok()) {
        return Some(date);
    }
    let whole_formats = ["%d-%b-%Y", "%d %b %Y", "%d %B %Y", "%b %d, %Y", "%B %d, %Y"];
    whole_formats
        .into_iter()
        .find_map(|format| NaiveDate::parse_from_str(value, format).ok())
}

/// A moment as the tools write it: RFC 3339 (Ticketflow's own export), an ISO date and time
/// without a zone (a workbook's date cell, read as UTC), or any date [`parse_date`] reads
/// (midnight UTC; a time after a slash date is dropped).
pub(crate) fn parse_timestamp(value: &str, order: DateOrder) -> Option<DateTime<Utc>> {
    let value = value.trim();
    if let Ok(at) = DateTime::parse_from_rfc3339(value) {
        return Some(at.with_timezone(&Utc));
    }
    let naive = [
        "%Y-%m-%dT%H:%M:%S%.f",
        "%Y-%m-%d %H:%M:%S%.f",
        "%Y-%m-%d %H:%M",
    ];
    if let Some(at) = naive
        .into_iter()
        .find_map(|f| NaiveDateTime::parse_from_str(value, f).ok())
    {
        return Some(at.and_utc());
    }
    parse_date(value, order)
        .and_then(|d| d.and_hms_opt(0, 0, 0))
        .map(|at| at.and_utc())
}

/// How far past the import's time a created/updated date may lie and still be taken (as the
/// import's time): a tool that writes local times without a zone is up to 14 hours ahead of
/// UTC, and clocks differ. Anything later is a wrong date (or a day/month mix-up) and refuses
/// the row, so that no entry sorts as newer than everything for ever.
pub(crate) const FUTURE_SLACK_HOURS: i64 = 24;

/// Yes/no in the spellings the tools write; status words count too ("Active", "Inactive",
/// "Terminated", "Disabled"). `None` for anything else.
pub(crate) fn parse_bool(value: &str) -> Option<bool> {
    let v = value.trim().to_lowercase();
    match v.as_str() {
        "true" | "yes" | "y" | "1" | "x" | "on" | "active" | "enabled" | "approved" | "-1" => {
            Some(true)
        }
        "false" | "no" | "n" | "0" | "off" | "inactive" | "disabled" | "terminated"
        | "archived" | "deleted" | "not approved" | "not-approved" | "former employee"
        | "leaver" => Some(false),
        _ => None,
    }
}

/// A tier by name, in any case, with or without the word "tier" ("Gold", "gold tier").
fn parse_tier(value: &str) -> Option<Tier> {
    let v = value.trim().to_lowercase();
    let v = v.trim_start_matches("tier").trim_end_matches("tier").trim();
    Tier::ALL.iter().copied().find(|t| t.as_str() == v)
}

/// Windows time-zone names (and their "(UTC+01:00) Amsterdam, Berlin, ..." display forms) that
/// PSAs export, to tz database names. The common ones only; anything else must be a tz name.
const WINDOWS_ZONES: &[(&str, &str)] = &[
    ("eastern standard time", "America/New_York"),
    ("eastern time (us & canada)", "America/New_York"),
    ("central standard time", "America/Chicago"),
    ("central time (us & canada)", "America/Chicago"),
    ("mountain standard time", "America/Denver"),
    ("mountain time (us & canada)", "America/Denver"),
    ("us mountain standard time", "America/Phoenix"),
    ("arizona", "America/Phoenix"),
    ("pacific standard time", "America/Los_Angeles"),
    ("pacific time (us & canada)", "America/Los_Angeles"),
    ("alaskan standard time", "America/Anchorage"),
    ("hawaiian standard time", "Pacific/Honolulu"),
    ("gmt standard time", "Europe/London"),
    ("dublin, edinburgh, lisbon, london", "Europe/London"),
    ("w. europe standard time", "Europe/Berlin"),
    (
        "amsterdam, berlin, bern, rome, stockholm, vienna",
        "Europe/Berlin",
    ),
    ("romance standard time", "Europe/Paris"),
    ("brussels, copenhagen, madrid, paris", "Europe/Paris"),
    ("central europe standard time", "Europe/Budapest"),
    ("central european standard time", "Europe/Warsaw"),
    ("aus eastern standard time", "Australia/Sydney"),
    ("canberra, melbourne, sydney", "Australia/Sydney"),
    ("new zealand standard time", "Pacific/Auckland"),
    ("india standard time", "Asia/Kolkata"),
    ("utc", "UTC"),
    ("coordinated universal time", "UTC"),
];

/// A validated tz database name for `value`.
pub(crate) fn parse_time_zone(value: &str) -> Option<String> {
    let v = value.trim();
    if let Some(zone) = Zone::parse(v) {
        return Some(zone.name().to_string());
    }
    // "(UTC+01:00) Amsterdam, Berlin, ..." / "(GMT-05:00) Eastern Time (US & Canada)".
    let bare = match v.strip_prefix('(') {
        Some(rest) if rest.starts_with("UTC") || rest.starts_with("GMT") => {
            rest.split_once(')').map_or(v, |(_, name)| name.trim())
        }
        _ => v,
    };
    let bare = bare.to_lowercase();
    WINDOWS_ZONES
        .iter()
        .find(|(name, _)| *name == bare)
        .map(|(_, tz)| tz.to_string())
}

/// The first e-mail address in a cell (IT Glue lists several, separated by commas or lines),
/// checked for the shape every address has: one `@`, a dot in the domain, no spaces.
fn parse_email(value: &str) -> Option<String> {
    let first = value
        .split([',', ';', '\n', '\r', ' ', '\t', '<', '>'])
        .map(|s| s.trim_matches(['"', '\'', '[', ']']))
        .find(|s| s.contains('@'))?;
    let (local, domain) = first.split_once('@')?;
    let ok = !local.is_empty()
        && !domain.contains('@')
        && domain.contains('.')
        && !domain.starts_with('.')
        && !domain.ends_with('.')
        && first.len() <= 254
        && !first.chars().any(char::is_control);
    ok.then(|| format!("{local}@{}", domain.to_lowercase()))
}

/// A plan's columns, compiled: where each field is and what the column is called.
pub(crate) struct Mapping {
    source: Source,
    kind: Kind,
    at: Vec<Option<(usize, String)>>,
    date_order: DateOrder,
    default_tier: Option<Tier>,
    /// The import's time, for dates that must not lie in the future; `None` checks nothing.
    now: Option<DateTime<Utc>>,
}

fn index(field: Field) -> usize {
    Field::ALL.iter().position(|f| *f == field).unwrap_or(0)
}

impl Mapping {
    pub(crate) fn new(plan: &Plan) -> Mapping {
        let mut at = vec![None; Field::ALL.len()];
        for (i, column) in plan.columns.iter().enumerate() {
            if let Some(field) = column.field {
                at[index(field)] = Some((i, column.column.clone()));
            }
        }
        Mapping {
            source: plan.source,
            kind: plan.kind,
            at,
            date_order: plan.date_order,
            default_tier: plan.default_tier,
            now: None,
        }
    }

    /// Dates later than `now` (beyond [`FUTURE_SLACK_HOURS`]) are refused, those within it taken
    /// as `now`. The clock is the caller's: this module reads none.
    pub(crate) fn at_time(mut self, now: DateTime<Utc>) -> Mapping {
        self.now = Some(now);
        self
    }

    /// The row as a record of the plan's kind, or the first problem found in it.
    pub(crate) fn record(&self, raw: &[String]) -> Result<Record, RowProblem> {
        let row = Row { mapping: self, raw };
        row.check_lengths()?;
        Ok(match self.kind {
            Kind::Companies => Record::Company(row.company()?),
            Kind::Contacts => Record::Contact(row.contact()?),
            Kind::Assets => Record::Asset(row.asset()?),
            Kind::Runbooks => Record::Runbook(row.runbook()?),
        })
    }
}

struct Row<'a> {
    mapping: &'a Mapping,
    raw: &'a [String],
}

impl Row<'_> {
    fn column(&self, field: Field) -> Option<&(usize, String)> {
        self.mapping.at[index(field)].as_ref()
    }

    /// The trimmed value of `field`; `None` when unmapped or empty.
    fn get(&self, field: Field) -> Option<String> {
        let (i, _) = self.column(field)?;
        let v = self.raw.get(*i)?.trim();
        (!v.is_empty()).then(|| v.to_string())
    }

    fn problem(&self, code: &str, field: Field, what: impl std::fmt::Display) -> RowProblem {
        let column = self
            .column(field)
            .map_or(field.as_str(), |(_, c)| c.as_str());
        RowProblem::new(code, format!("column {column:?}: {what}"))
    }

    fn check_lengths(&self) -> Result<(), RowProblem> {
        for field in Field::ALL {
            let Some((i, _)) = self.column(field) else {
                continue;
            };
            let chars = self.raw.get(*i).map_or(0, |v| v.trim().chars().count());
            let max = match field {
                Field::Body => limits::MAX_CELL_CHARS,
                Field::Title => RUNBOOK_TITLE_MAX,
                f if f.tool_kind().is_some() => TOOL_URL_MAX,
                _ => limits::MAX_FIELD_CHARS,
            };
            if chars > max {
                return Err(self.problem(
                    codes::VALUE_TOO_LONG,
                    field,
                    format!(
                        "{chars} characters, the desk keeps at most {max} for {}",
                        field.as_str()
                    ),
                ));
            }
        }
        Ok(())
    }

    fn required(&self, field: Field, what: &str) -> Result<String, RowProblem> {
        self.get(field).ok_or_else(|| {
            self.problem(codes::VALUE_MISSING, field, format!("empty, but every {what} needs one: fill it in the source and export again, or leave the row out"))
        })
    }

    fn flag(&self, field: Field) -> Result<Option<bool>, RowProblem> {
        match self.get(field) {
            None => Ok(None),
            Some(v) => parse_bool(&v).map(Some).ok_or_else(|| {
                self.problem(codes::BOOL_INVALID, field, format!("{v:?} is not yes/no, true/false, 1/0 or active/inactive: fix the value, or leave the column out with --map \"COLUMN=-\""))
            }),
        }
    }

    /// What the source says about the record being active (an active flag, an inactive flag):
    /// `None` when no column says, so that a file's silence never undoes what the desk decided.
    fn active(&self) -> Result<Option<bool>, RowProblem> {
        let active = self.flag(Field::Active)?;
        let inactive = self.flag(Field::Inactive)?;
        Ok(match (active, inactive) {
            (None, None) => None,
            (a, i) => Some(a.unwrap_or(true) && !i.unwrap_or(false)),
        })
    }

    fn company_ref(&self, what: &str) -> Result<(Option<String>, Option<String>), RowProblem> {
        let id = self.get(Field::CompanyExternalId);
        let name = self.get(Field::CompanyName);
        if id.is_none() && name.is_none() {
            let field = if self.column(Field::CompanyName).is_some() {
                Field::CompanyName
            } else {
                Field::CompanyExternalId
            };
            return Err(self.problem(
                codes::VALUE_MISSING,
                field,
                format!("no company: every {what} belongs to one"),
            ));
        }
        Ok((id, name))
    }

    fn company(&self) -> Result<CompanyIn, RowProblem> {
        let name = self.required(Field::Name, "company")?;
        let tier = match self.get(Field::Tier) {
            None => self.mapping.default_tier,
            Some(v) => Some(parse_tier(&v).ok_or_else(|| {
                self.problem(codes::TIER_UNKNOWN, Field::Tier, format!("{v:?} is not platinum, gold, silver or bronze: rename it in the file, or leave the column out (--map \"COLUMN=-\") and choose a default tier"))
            })?),
        };
        let time_zone = match self.get(Field::TimeZone) {
            None => None,
            Some(v) => Some(parse_time_zone(&v).ok_or_else(|| {
                self.problem(codes::TIME_ZONE_UNKNOWN, Field::TimeZone, format!("{v:?} is not a time zone of the tz database (e.g. Europe/Berlin, America/New_York)"))
            })?),
        };
        Ok(CompanyIn {
            source: self.mapping.source,
            external_id: self.get(Field::ExternalId),
            name,
            phone: self.get(Field::Phone).map(|p| first_line(&p)),
            tier,
            time_zone,
            active: self.active()?,
            tools: self.tools()?,
        })
    }

    /// The company's tool links, each checked by the company form's own check
    /// (`directory::tools`): a link the form would refuse refuses the row, saying which column
    /// and why (a `javascript:` link, a password in the URL, an unknown placeholder). So does a
    /// label the form would refuse, and a label whose link the row leaves empty: dropping it
    /// would lose what the file says unseen, and a label alone makes no button.
    fn tools(&self) -> Result<Vec<ToolLinkIn>, RowProblem> {
        let mut tools = Vec::new();
        for kind in TOOL_KINDS {
            let field = Field::for_tool(kind);
            let label_field = Field::for_tool_label(kind);
            let label = match self.get(label_field) {
                None => None,
                Some(l) => Some(validate_label(kind, &l).map_err(|e| {
                    let why = match e {
                        Error::InvalidInput { message, .. } => message,
                        other => other.to_string(),
                    };
                    self.problem(
                        codes::TOOL_LABEL_INVALID,
                        label_field,
                        format!("{why}; fix the label in the source, or leave the column out with --map \"COLUMN=-\""),
                    )
                })?),
            };
            let Some(v) = self.get(field) else {
                if label.is_some() {
                    return Err(self.problem(
                        codes::TOOL_LABEL_WITHOUT_URL,
                        label_field,
                        format!(
                            "a label but no {} link in this row: add the link in column {:?}, or empty the label",
                            field.as_str(),
                            self.column(field).map_or(field.as_str(), |(_, c)| c.as_str()),
                        ),
                    ));
                }
                continue;
            };
            let url_template = validate_url_template(&v).map_err(|e| {
                let why = match e {
                    Error::ToolUrlInvalid(why) => why,
                    other => other.to_string(),
                };
                self.problem(
                    codes::TOOL_URL_INVALID,
                    field,
                    format!("{why}; fix the link in the source, or leave the column out with --map \"COLUMN=-\""),
                )
            })?;
            tools.push(ToolLinkIn {
                kind,
                url_template,
                label,
            });
        }
        Ok(tools)
    }

    fn contact(&self) -> Result<ContactIn, RowProblem> {
        let name = match self.get(Field::Name) {
            Some(name) => name,
            None => {
                let parts: Vec<String> = [Field::FirstName, Field::LastName]
                    .into_iter()
                    .filter_map(|f| self.get(f))
                    .collect();
                if parts.is_empty() {
                    let field = if self.column(Field::Name).is_some() {
                        Field::Name
                    } else {
                        Field::LastName
                    };
                    return Err(self.problem(
                        codes::VALUE_MISSING,
                        field,
                        "no name: every contact needs one",
                    ));
                }
                parts.join(" ")
            }
        };
        let (company_external_id, company_name) = self.company_ref("contact")?;
        let email = match self.get(Field::Email) {
            None => None,
            Some(v) => Some(parse_email(&v).ok_or_else(|| {
                self.problem(
                    codes::EMAIL_INVALID,
                    Field::Email,
                    format!("{v:?} is not an e-mail address"),
                )
            })?),
        };
        let terminated_on = match self.get(Field::TerminatedOn) {
            None => None,
            Some(v) => Some(parse_date(&v, self.mapping.date_order).ok_or_else(|| {
                let order = match self.mapping.date_order {
                    DateOrder::MonthFirst => "month/day/year",
                    DateOrder::DayFirst => "day/month/year",
                };
                self.problem(codes::DATE_INVALID, Field::TerminatedOn, format!("{v:?} is not a date (read as {order}; also 2026-03-31, 31.03.2026, 31-Mar-2026)"))
            })?),
        };
        let authorized = match (self.flag(Field::Authorized)?, self.active()?) {
            (None, None) => None,
            (a, active) => Some(a.unwrap_or(true) && active.unwrap_or(true)),
        };
        Ok(ContactIn {
            source: self.mapping.source,
            external_id: self.get(Field::ExternalId),
            company_external_id,
            company_name,
            name,
            email,
            phone: self.get(Field::Phone).map(|p| first_line(&p)),
            upn: self.get(Field::Upn),
            authorized,
            terminated_on,
        })
    }

    fn asset(&self) -> Result<AssetIn, RowProblem> {
        let hostname = self.required(Field::Hostname, "asset")?;
        let (company_external_id, company_name) = self.company_ref("asset")?;
        let rmm_url = match self.get(Field::RmmUrl) {
            None => None,
            Some(v) => {
                let ok = url::Url::parse(&v).is_ok_and(|u| matches!(u.scheme(), "http" | "https"));
                if !ok {
                    return Err(self.problem(
                        codes::URL_INVALID,
                        Field::RmmUrl,
                        format!("{v:?} is not an http(s) link"),
                    ));
                }
                Some(v)
            }
        };
        Ok(AssetIn {
            source: self.mapping.source,
            external_id: self.get(Field::ExternalId),
            company_external_id,
            company_name,
            hostname,
            kind: self
                .get(Field::AssetKind)
                .unwrap_or_default()
                .to_lowercase(),
            serial: self.get(Field::Serial),
            assigned_upn: self.get(Field::AssignedUpn),
            rmm_id: self.get(Field::RmmId),
            rmm_url,
        })
    }

    fn runbook(&self) -> Result<RunbookIn, RowProblem> {
        let title = self.required(Field::Title, "runbook entry")?;
        let created_at = self.moment(Field::CreatedAt)?;
        let updated_at = self.moment(Field::UpdatedAt)?;
        if let (Some(created), Some(updated)) = (created_at, updated_at) {
            if updated < created {
                return Err(self.problem(
                    codes::DATE_INVALID,
                    Field::UpdatedAt,
                    format!("{} is before the entry was created ({}): fix one of the two dates in the source", updated.to_rfc3339(), created.to_rfc3339()),
                ));
            }
        }
        Ok(RunbookIn {
            source: self.mapping.source,
            external_id: self.get(Field::ExternalId),
            company_external_id: self.get(Field::CompanyExternalId),
            company_name: self.get(Field::CompanyName),
            title: first_line(&title),
            body: self.get(Field::Body).unwrap_or_default(),
            created_at,
            updated_at,
        })
    }

    /// A created/updated date: `None` when empty; a value that is no date, or lies in the
    /// future, is a problem. A value just ahead of `now` (see [`FUTURE_SLACK_HOURS`]) is `now`.
    fn moment(&self, field: Field) -> Result<Option<DateTime<Utc>>, RowProblem> {
        let Some(v) = self.get(field) else {
            return Ok(None);
        };
        let Some(at) = parse_timestamp(&v, self.mapping.date_order) else {
            let order = match self.mapping.date_order {
                DateOrder::MonthFirst => "month/day/year",
                DateOrder::DayFirst => "day/month/year",
            };
            return Err(self.problem(codes::DATE_INVALID, field, format!("{v:?} is not a date (read as {order}; also 2026-03-31T14:00:00Z, 2026-03-31, 31.03.2026): fix it, or leave the column out with --map \"COLUMN=-\"")));
        };
        match self.mapping.now {
            Some(now) if at > now + chrono::Duration::hours(FUTURE_SLACK_HOURS) => Err(self.problem(
                codes::DATE_INVALID,
                field,
                format!("{v:?} is in the future (the import runs at {}): fix the date in the source, or check the day/month order", now.format("%Y-%m-%d %H:%M UTC")),
            )),
            Some(now) if at > now => Ok(Some(now)),
            _ => Ok(Some(at)),
        }
    }
}

fn first_line(value: &str) -> String {
    value.lines().next().unwrap_or("").trim().to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(y: i32, m: u32, d: u32) -> Option<NaiveDate> {
        NaiveDate::from_ymd_opt(y, m, d)
    }

    #[test]
    fn dates_in_the_formats_the_tools_write() {
        let m = DateOrder::MonthFirst;
        assert_eq!(parse_date("2026-03-04", m), day(2026, 3, 4));
        assert_eq!(parse_date("2026-03-04T00:00:00", m), day(2026, 3, 4));
        assert_eq!(parse_date("2026-03-04T23:30:00-05:00", m), day(2026, 3, 4));
        assert_eq!(parse_date("3/4/2026", m), day(2026, 3, 4));
        assert_eq!(parse_date("03/04/2026 12:00:00 AM", m), day(2026, 3, 4));
        assert_eq!(
            parse_date("03/04/2026", DateOrder::DayFirst),
            day(2026, 4, 3)
        );
        assert_eq!(parse_date("04.03.2026", m), day(2026, 3, 4));
        assert_eq!(parse_date("4-Mar-2026", m), day(2026, 3, 4));
        assert_eq!(parse_date("Mar 4, 2026", m), day(2026, 3, 4));
        assert_eq!(parse_date("3/4/26", m), day(2026, 3, 4));
        assert_eq!(parse_date("13/04/2026", m), None);
        assert_eq!(parse_date("soon", m), None);
    }

    #[test]
    fn day_order_is_guessed_from_a_day_above_twelve() {
        let columns = vec![ColumnMap {
            column: "Termination Date".into(),
            field: Some(Field::TerminatedOn),
        }];
        let rows = |v: &str| vec![vec![v.to_string()]];
        assert_eq!(
            guess_date_order(&columns, &rows("13/04/2026")),
            DateOrder::DayFirst
        );
        assert_eq!(
            guess_date_order(&columns, &rows("04/13/2026")),
            DateOrder::MonthFirst
        );
        assert_eq!(
            guess_date_order(&columns, &rows("04/03/2026")),
            DateOrder::MonthFirst
        );
    }

    #[test]
    fn booleans_and_status_words() {
        for yes in ["True", "YES", "y", "1", "Active", "enabled"] {
            assert_eq!(parse_bool(yes), Some(true), "{yes}");
        }
        for no in ["False", "no", "0", "Inactive", "Terminated", "disabled"] {
            assert_eq!(parse_bool(no), Some(false), "{no}");
        }
        assert_eq!(parse_bool("maybe"), None);
    }

    #[test]
    fn tiers_and_time_zones_are_validated() {
        assert_eq!(parse_tier("Gold"), Some(Tier::Gold));
        assert_eq!(parse_tier("platinum tier"), Some(Tier::Platinum));
        assert_eq!(parse_tier("Diamond"), None);
        assert_eq!(
            parse_time_zone("Europe/Berlin").as_deref(),
            Some("Europe/Berlin")
        );
        assert_eq!(
            parse_time_zone("W. Europe Standard Time").as_deref(),
            Some("Europe/Berlin")
        );
        assert_eq!(
            parse_time_zone("(UTC-05:00) Eastern Time (US & Canada)").as_deref(),
            Some("America/New_York")
        );
        assert_eq!(parse_time_zone("europe/berlin"), None);
        assert_eq!(parse_time_zone("Mars/Olympus"), None);
    }

    #[test]
    fn email_addresses() {
        assert_eq!(
            parse_email(" Dana@Example.COM ").as_deref(),
            Some("Dana@example.com")
        );
        assert_eq!(parse_email("a@x.io, b@y.io").as_deref(), Some("a@x.io"));
        assert_eq!(parse_email("not an address"), None);
        assert_eq!(parse_email("a@b@c.de"), None);
        assert_eq!(parse_email("a@localhost"), None);
    }

    fn plan(kind: Kind, columns: &[(&str, Option<Field>)]) -> Plan {
        Plan {
            source: Source::Csv,
            kind,
            file_name: "t.csv".into(),
            part: None,
            encoding: "UTF-8".into(),
            headers: columns.iter().map(|(c, _)| c.to_string()).collect(),
            columns: columns
                .iter()
                .map(|(c, f)| ColumnMap {
                    column: c.to_string(),
                    field: *f,
                })
                .collect(),
            unknown: vec![],
            missing_required: vec![],
            date_order: DateOrder::MonthFirst,
            default_tier: Some(Tier::Silver),
        }
    }

    fn cells(list: &[&str]) -> Vec<String> {
        list.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn inactive_contact_is_not_authorized_and_termination_is_kept() {
        let p = plan(
            Kind::Contacts,
            &[
                ("Name", Some(Field::Name)),
                ("Company", Some(Field::CompanyName)),
                ("Active", Some(Field::Active)),
                ("Left", Some(Field::TerminatedOn)),
            ],
        );
        let m = Mapping::new(&p);
        let Record::Contact(c) = m
            .record(&cells(&["Dana", "Acme", "False", "2026-01-31"]))
            .unwrap()
        else {
            panic!()
        };
        assert_eq!(c.authorized, Some(false));
        assert_eq!(c.terminated_on, day(2026, 1, 31));
        let Record::Contact(c) = m.record(&cells(&["Dana", "Acme", "True", ""])).unwrap() else {
            panic!()
        };
        assert_eq!(c.authorized, Some(true));
        // An empty cell says nothing: an existing contact keeps its standing.
        let Record::Contact(c) = m.record(&cells(&["Dana", "Acme", "", ""])).unwrap() else {
            panic!()
        };
        assert_eq!(c.authorized, None);
        let problem = m
            .record(&cells(&["Dana", "Acme", "perhaps", ""]))
            .unwrap_err();
        assert_eq!(problem.code, codes::BOOL_INVALID);
        assert!(
            problem.message.contains("\"Active\""),
            "{}",
            problem.message
        );
        assert_eq!(
            m.record(&cells(&["Dana", "", "", ""])).unwrap_err().code,
            codes::VALUE_MISSING
        );
    }

    #[test]
    fn company_tier_falls_back_to_the_plans_default_and_rejects_unknown_tiers() {
        let p = plan(
            Kind::Companies,
            &[
                ("Name", Some(Field::Name)),
                ("Tier", Some(Field::Tier)),
                ("TZ", Some(Field::TimeZone)),
            ],
        );
        let m = Mapping::new(&p);
        let Record::Company(c) = m.record(&cells(&["Acme", "", ""])).unwrap() else {
            panic!()
        };
        assert_eq!(c.tier, Some(Tier::Silver));
        assert_eq!(
            m.record(&cells(&["Acme", "Diamond", ""])).unwrap_err().code,
            codes::TIER_UNKNOWN
        );
        assert_eq!(
            m.record(&cells(&["Acme", "", "Mars/Base"]))
                .unwrap_err()
                .code,
            codes::TIME_ZONE_UNKNOWN
        );
    }

    #[test]
    fn an_overlong_value_and_a_bad_rmm_link_are_problems() {
        let p = plan(
            Kind::Assets,
            &[
                ("Host", Some(Field::Hostname)),
                ("Company", Some(Field::CompanyName)),
                ("Link", Some(Field::RmmUrl)),
            ],
        );
        let m = Mapping::new(&p);
        let long = "h".repeat(limits::MAX_FIELD_CHARS + 1);
        assert_eq!(
            m.record(&cells(&[&long, "Acme", ""])).unwrap_err().code,
            codes::VALUE_TOO_LONG
        );
        assert_eq!(
            m.record(&cells(&["pc1", "Acme", "javascript:alert(1)"]))
                .unwrap_err()
                .code,
            codes::URL_INVALID
        );
        assert!(m
            .record(&cells(&["pc1", "Acme", "https://rmm.example/device/1"]))
            .is_ok());
    }
}
