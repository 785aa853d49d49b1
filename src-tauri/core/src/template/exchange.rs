//! Templates as files: export to JSON and import from JSON, against the published schema
//! `docs/template.schema.json`.
//!
//! An imported file is untrusted. It is read in three passes, each reporting every problem it
//! finds with its path in the file: the file itself (size, encoding, nesting, JSON syntax), its
//! shape (types, missing and unknown properties, unknown values), then the template rules of
//! [`validate`](super::validate::validate). Step numbers in a file are informative only: steps are
//! numbered by their position on import.

use super::validate::{code, validate, TemplateProblem};
use super::{Condition, Field, FieldKind, Gate, Phase, Step, Template, ToolKind, RULES_SCHEMA};
use serde::de::DeserializeOwned;
use serde::Serialize;
use serde_json::{Map, Value};

/// The `$schema` an exported file names (the schema's `$id`).
pub const SCHEMA_URL: &str = "https://ticketflow.invalid/schema/template-1.json";
/// The file format this build writes and reads.
pub const FORMAT_VERSION: u32 = 1;
/// Largest file accepted: the largest valid template is far smaller, so anything bigger is not
/// a template.
pub const MAX_FILE_BYTES: usize = 2 * 1024 * 1024;
/// Deepest nesting of arrays and objects accepted (a template needs 8).
pub const MAX_DEPTH: usize = 32;
/// Most problems listed for one file; a file with more is reported as such.
pub const MAX_PROBLEMS: usize = 200;

/// The properties of each object in the file, in the order they are written.
pub const TEMPLATE_PROPS: &[&str] = &[
    "$schema",
    "format_version",
    "key",
    "version",
    "name",
    "description",
    "phases",
];
pub const PHASE_PROPS: &[&str] = &["key", "title", "steps"];
pub const STEP_PROPS: &[&str] = &[
    "number",
    "key",
    "title",
    "guidance",
    "fields",
    "condition",
    "gate",
    "requires",
    "resets",
    "required",
    "tools",
];
pub const FIELD_PROPS: &[&str] = &["key", "label", "kind", "required"];

#[derive(Serialize)]
struct File<'a> {
    #[serde(rename = "$schema")]
    schema: &'a str,
    format_version: u32,
    key: &'a str,
    version: u32,
    name: &'a str,
    description: &'a str,
    phases: &'a [Phase],
}

/// The template as a pretty-printed JSON file; properties always in the same order (the Rust
/// types' declaration order), so two exports of one template are byte-identical.
pub fn to_json(t: &Template) -> String {
    let file = File {
        schema: SCHEMA_URL,
        format_version: FORMAT_VERSION,
        key: &t.key,
        version: t.version,
        name: &t.name,
        description: &t.description,
        phases: &t.phases,
    };
    // Serializing plain structs, strings and numbers cannot fail.
    let mut s = serde_json::to_string_pretty(&file).unwrap_or_default();
    s.push('\n');
    s
}

/// Reads a file's bytes: refuses what is too large or not UTF-8, then as [`from_json`].
pub fn from_bytes(bytes: &[u8]) -> Result<Template, Vec<TemplateProblem>> {
    if bytes.len() > MAX_FILE_BYTES {
        return Err(vec![too_large(bytes.len())]);
    }
    match std::str::from_utf8(bytes) {
        Ok(s) => from_json(s),
        Err(e) => Err(vec![TemplateProblem::new(
            "",
            code::FILE_NOT_UTF8,
            format!(
                "The file is not UTF-8 text (invalid byte at offset {}): export the template from Ticketflow again, or save it as UTF-8",
                e.valid_up_to()
            ),
        )]),
    }
}

fn too_large(len: usize) -> TemplateProblem {
    TemplateProblem::new(
        "",
        code::FILE_TOO_LARGE,
        format!(
            "The file is {:.1} MB; a template file is at most {} MB. Is it the right file?",
            len as f64 / (1024.0 * 1024.0),
            MAX_FILE_BYTES / (1024 * 1024)
        ),
    )
}

/// A template from a file, numbered by position and checked against every rule; or every
/// problem found, each with its path in the file.
pub fn from_json(s: &str) -> Result<Template, Vec<TemplateProblem>> {
    if s.len() > MAX_FILE_BYTES {
        return Err(vec![too_large(s.len())]);
    }
    // Editors on Windows may start a UTF-8 file with a byte-order mark.
    let s = s.strip_prefix('\u{feff}').unwrap_or(s);
    if let Some(at) = too_deep(s) {
        return Err(vec![TemplateProblem::new(
            "",
            code::FILE_TOO_DEEP,
            format!(
                "The file nests arrays and objects more than {MAX_DEPTH} deep (at byte {at}); a template is never that deep, so this is not a template file"
            ),
        )]);
    }
    let value: Value = serde_json::from_str(s).map_err(|e| {
        vec![TemplateProblem::new(
            "",
            code::FILE_NOT_JSON,
            format!("The file is not valid JSON: {e}. Fix it there, or export the template again"),
        )]
    })?;
    let mut w = Walk::default();
    let t = w.template(&value);
    if !w.problems.is_empty() {
        return Err(w.finish());
    }
    let Some(mut t) = t else {
        return Err(w.finish());
    };
    t.renumber();
    t.rules_schema = RULES_SCHEMA;
    let mut problems = validate(&t);
    if problems.is_empty() {
        Ok(t)
    } else {
        if problems.len() > MAX_PROBLEMS {
            let more = problems.len() - MAX_PROBLEMS;
            problems.truncate(MAX_PROBLEMS);
            problems.push(more_problems(more));
        }
        Err(problems)
    }
}

fn more_problems(n: usize) -> TemplateProblem {
    TemplateProblem::new(
        "",
        code::WRONG_TYPE,
        format!("… and {n} more problems: fix the ones above first"),
    )
}

/// The byte offset where nesting first goes deeper than [`MAX_DEPTH`], if it does; counted
/// before parsing so a hostile file never reaches the parser's own recursion.
fn too_deep(s: &str) -> Option<usize> {
    let (mut depth, mut in_string, mut escaped) = (0usize, false, false);
    for (i, b) in s.bytes().enumerate() {
        if in_string {
            match b {
                _ if escaped => escaped = false,
                b'\\' => escaped = true,
                b'"' => in_string = false,
                _ => {}
            }
            continue;
        }
        match b {
            b'"' => in_string = true,
            b'[' | b'{' => {
                depth += 1;
                if depth > MAX_DEPTH {
                    return Some(i);
                }
            }
            b']' | b'}' => depth = depth.saturating_sub(1),
            _ => {}
        }
    }
    None
}

fn join(path: &str, key: &str) -> String {
    // A hostile file's property names are cut short: the path is for finding the place.
    let key: String = if key.chars().count() > 60 {
        key.chars().take(60).chain(['…']).collect()
    } else {
        key.to_string()
    };
    if path.is_empty() {
        key
    } else {
        format!("{path}.{key}")
    }
}

fn type_name(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "true or false",
        Value::Number(_) => "a number",
        Value::String(_) => "text",
        Value::Array(_) => "a list",
        Value::Object(_) => "an object",
    }
}

/// The shape pass: walks the JSON value, collecting every problem, and builds the template when
/// there are none.
#[derive(Default)]
struct Walk {
    problems: Vec<TemplateProblem>,
    more: usize,
}

impl Walk {
    fn push(&mut self, path: String, code: &str, message: String) {
        if self.problems.len() < MAX_PROBLEMS {
            self.problems
                .push(TemplateProblem::new(path, code, message));
        } else {
            self.more += 1;
        }
    }

    fn finish(mut self) -> Vec<TemplateProblem> {
        if self.more > 0 {
            self.problems.push(more_problems(self.more));
        }
        self.problems
    }

    fn wrong(&mut self, path: &str, v: &Value, expected: &str) {
        self.push(
            path.to_string(),
            code::WRONG_TYPE,
            format!("Expected {expected} here, found {}", type_name(v)),
        );
    }

    /// The object at `path` with only `allowed` properties.
    fn object<'v>(
        &mut self,
        v: &'v Value,
        path: &str,
        what: &str,
        allowed: &[&str],
    ) -> Option<&'v Map<String, Value>> {
        let Some(m) = v.as_object() else {
            self.wrong(path, v, what);
            return None;
        };
        for k in m.keys() {
            if !allowed.contains(&k.as_str()) {
                self.push(
                    join(path, k),
                    code::UNKNOWN_PROPERTY,
                    format!(
                        "Unknown property {:?}: {what} has only {}. Check its spelling",
                        k.chars().take(60).collect::<String>(),
                        allowed.join(", ")
                    ),
                );
            }
        }
        Some(m)
    }

    fn get<'v>(&mut self, m: &'v Map<String, Value>, path: &str, key: &str) -> Option<&'v Value> {
        let v = m.get(key);
        if v.is_none() {
            self.push(
                join(path, key),
                code::MISSING_PROPERTY,
                format!("The property \"{key}\" is missing"),
            );
        }
        v
    }

    fn text(&mut self, m: &Map<String, Value>, path: &str, key: &str) -> Option<String> {
        let v = self.get(m, path, key)?;
        match v.as_str() {
            Some(s) => Some(s.to_string()),
            None => {
                self.wrong(&join(path, key), v, "text");
                None
            }
        }
    }

    fn boolean(&mut self, m: &Map<String, Value>, path: &str, key: &str) -> Option<bool> {
        let v = self.get(m, path, key)?;
        match v.as_bool() {
            Some(b) => Some(b),
            None => {
                self.wrong(&join(path, key), v, "true or false");
                None
            }
        }
    }

    fn whole(&mut self, v: &Value, path: &str, max: u64) -> Option<u64> {
        match v.as_u64() {
            Some(n) if n <= max => Some(n),
            _ => {
                self.wrong(path, v, &format!("a whole number from 0 to {max}"));
                None
            }
        }
    }

    /// An array at `m[key]`, each element read by `item`; absent means empty when `optional`.
    fn list<T>(
        &mut self,
        m: &Map<String, Value>,
        path: &str,
        key: &str,
        optional: bool,
        mut item: impl FnMut(&mut Self, &Value, &str) -> Option<T>,
    ) -> Option<Vec<T>> {
        let v = if optional {
            match m.get(key) {
                None => return Some(Vec::new()),
                Some(v) => v,
            }
        } else {
            self.get(m, path, key)?
        };
        let path = join(path, key);
        let Some(items) = v.as_array() else {
            self.wrong(&path, v, "a list");
            return None;
        };
        let mut out = Vec::with_capacity(items.len());
        let mut ok = true;
        for (i, it) in items.iter().enumerate() {
            match item(self, it, &format!("{path}[{i}]")) {
                Some(x) => out.push(x),
                None => ok = false,
            }
        }
        ok.then_some(out)
    }

    fn string_item(&mut self, v: &Value, path: &str) -> Option<String> {
        match v.as_str() {
            Some(s) => Some(s.to_string()),
            None => {
                self.wrong(path, v, "text (a step key)");
                None
            }
        }
    }

    /// One of a Rust enum's values, read by its own serde so the accepted names cannot drift.
    fn value<T: DeserializeOwned>(&mut self, v: &Value, path: &str, what: &str) -> Option<T> {
        match serde_json::from_value::<T>(v.clone()) {
            Ok(x) => Some(x),
            Err(e) => {
                let text = e.to_string();
                // serde names a missing property `like_this`: point at where it belongs.
                let missing = text
                    .strip_prefix("missing field `")
                    .and_then(|rest| rest.split('`').next());
                if let Some(name) = missing {
                    self.push(
                        join(path, name),
                        code::MISSING_PROPERTY,
                        format!("The property \"{name}\" is missing from this {what}"),
                    );
                } else {
                    let code = if text.starts_with("unknown variant") {
                        code::UNKNOWN_VALUE
                    } else {
                        code::WRONG_TYPE
                    };
                    self.push(
                        path.to_string(),
                        code,
                        format!("Not a valid {what}: {text}"),
                    );
                }
                None
            }
        }
    }

    fn template(&mut self, v: &Value) -> Option<Template> {
        let m = self.object(v, "", "a template file", TEMPLATE_PROPS)?;
        if let Some(s) = m.get("$schema") {
            if !s.is_string() {
                self.wrong("$schema", s, "text (the schema's address)");
            }
        }
        match m.get("format_version") {
            None => self.push(
                "format_version".into(),
                code::FORMAT_VERSION,
                "The file has no format_version: it is not a Ticketflow template export".into(),
            ),
            Some(f) if f.as_u64() == Some(u64::from(FORMAT_VERSION)) => {}
            Some(f) if f.as_u64().is_some_and(|n| n > u64::from(FORMAT_VERSION)) => self.push(
                "format_version".into(),
                code::FORMAT_VERSION,
                format!(
                    "The file is in format {f}, written by a newer Ticketflow; this one reads format {FORMAT_VERSION}: update Ticketflow to import it"
                ),
            ),
            Some(f) => self.push(
                "format_version".into(),
                code::FORMAT_VERSION,
                format!("Unknown format_version {f}; this Ticketflow reads format {FORMAT_VERSION}"),
            ),
        }
        let key = self.text(m, "", "key");
        let version = self
            .get(m, "", "version")
            .and_then(|v| self.whole(v, "version", u64::from(u32::MAX)));
        let name = self.text(m, "", "name");
        let description = match m.get("description") {
            None => Some(String::new()),
            Some(_) => self.text(m, "", "description"),
        };
        let phases = self.list(m, "", "phases", false, |w, v, p| w.phase(v, p));
        Some(Template {
            key: key?,
            version: u32::try_from(version?).ok()?,
            name: name?,
            description: description?,
            phases: phases?,
            rules_schema: RULES_SCHEMA,
        })
    }

    fn phase(&mut self, v: &Value, path: &str) -> Option<Phase> {
        let m = self.object(v, path, "a phase", PHASE_PROPS)?;
        let key = self.text(m, path, "key");
        let title = self.text(m, path, "title");
        let steps = self.list(m, path, "steps", false, |w, v, p| w.step(v, p));
        Some(Phase {
            key: key?,
            title: title?,
            steps: steps?,
        })
    }

    fn step(&mut self, v: &Value, path: &str) -> Option<Step> {
        let m = self.object(v, path, "a step", STEP_PROPS)?;
        if let Some(n) = m.get("number") {
            self.whole(n, &join(path, "number"), u64::from(u8::MAX));
        }
        let key = self.text(m, path, "key");
        let title = self.text(m, path, "title");
        let guidance = self.text(m, path, "guidance");
        let fields = self.list(m, path, "fields", false, |w, v, p| w.field(v, p));
        let condition = self
            .get(m, path, "condition")
            .and_then(|v| self.value::<Condition>(v, &join(path, "condition"), "condition"));
        let gate = self
            .get(m, path, "gate")
            .and_then(|v| self.value::<Gate>(v, &join(path, "gate"), "gate"));
        let requires = self.list(m, path, "requires", true, |w, v, p| w.string_item(v, p));
        let resets = self.list(m, path, "resets", true, |w, v, p| w.string_item(v, p));
        let required = match m.get("required") {
            None => Some(true),
            Some(_) => self.boolean(m, path, "required"),
        };
        let tools = self.list(m, path, "tools", true, |w, v, p| {
            w.value::<ToolKind>(v, p, "tool")
        });
        Some(Step {
            number: 0,
            key: key?,
            title: title?,
            guidance: guidance?,
            fields: fields?,
            condition: condition?,
            gate: gate?,
            requires: requires?,
            resets: resets?,
            required: required?,
            tools: tools?,
        })
    }

    fn field(&mut self, v: &Value, path: &str) -> Option<Field> {
        let m = self.object(v, path, "a field", FIELD_PROPS)?;
        let key = self.text(m, path, "key");
        let label = self.text(m, path, "label");
        let kind = self
            .get(m, path, "kind")
            .and_then(|v| self.kind(v, &join(path, "kind")));
        let required = self.boolean(m, path, "required");
        Some(Field {
            key: key?,
            label: label?,
            kind: kind?,
            required: required?,
        })
    }

    /// A field kind, read by the Rust type's serde; the properties it did not use are unknown.
    fn kind(&mut self, v: &Value, path: &str) -> Option<FieldKind> {
        let Some(m) = v.as_object() else {
            self.wrong(path, v, "an object with a \"type\"");
            return None;
        };
        let kind = self.value::<FieldKind>(v, path, "field kind")?;
        let known = serde_json::to_value(&kind).unwrap_or(Value::Null);
        for k in m.keys() {
            if known.get(k).is_none() {
                self.push(
                    join(path, k),
                    code::UNKNOWN_PROPERTY,
                    format!(
                        "Unknown property {:?} for a field of type {}: check its spelling",
                        k.chars().take(60).collect::<String>(),
                        known.get("type").unwrap_or(&Value::Null)
                    ),
                );
            }
        }
        Some(kind)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::template::msp_support_ticket;

    fn problems(s: &str) -> Vec<(String, String)> {
        from_json(s)
            .expect_err("refused")
            .into_iter()
            .map(|p| (p.code, p.path))
            .collect()
    }

    #[test]
    fn export_names_the_schema_and_format_and_round_trips() {
        let t = msp_support_ticket();
        let json = to_json(&t);
        let v: Value = serde_json::from_str(&json).unwrap();
        assert_eq!(v["$schema"], SCHEMA_URL);
        assert_eq!(v["format_version"], 1);
        assert!(v.get("rules_schema").is_none());
        assert_eq!(from_json(&json), Ok(t.clone()));
        // Stable: the same template always gives the same bytes, keys in declaration order.
        assert_eq!(to_json(&t), json);
        let top: Vec<&String> = v.as_object().unwrap().keys().collect();
        assert!(json.find("\"format_version\"") < json.find("\"key\""));
        assert!(json.find("\"name\"") < json.find("\"phases\""));
        assert_eq!(top.len(), TEMPLATE_PROPS.len());
    }

    #[test]
    fn numbers_in_the_file_are_ignored() {
        let t = msp_support_ticket();
        let mut v: Value = serde_json::from_str(&to_json(&t)).unwrap();
        v["phases"][0]["steps"][0]["number"] = 200.into();
        v["phases"][0]["steps"][1]
            .as_object_mut()
            .unwrap()
            .remove("number");
        assert_eq!(from_json(&v.to_string()), Ok(t));
    }

    #[test]
    fn the_byte_order_mark_is_allowed() {
        let t = msp_support_ticket();
        assert_eq!(from_json(&format!("\u{feff}{}", to_json(&t))), Ok(t));
    }

    #[test]
    fn depth_is_counted_outside_strings_only() {
        assert_eq!(too_deep(&"[".repeat(MAX_DEPTH)), None);
        assert_eq!(too_deep(&"[".repeat(MAX_DEPTH + 1)), Some(MAX_DEPTH));
        let inside = format!("\"{}\"", "[".repeat(100));
        assert_eq!(too_deep(&inside), None);
        let escaped = format!("\"\\\"{}\"", "[".repeat(100));
        assert_eq!(too_deep(&escaped), None);
    }

    #[test]
    fn every_shape_problem_is_listed_with_its_path() {
        let t = msp_support_ticket();
        let mut v: Value = serde_json::from_str(&to_json(&t)).unwrap();
        v["phases"][1]["steps"][0]["gate"] = "teleport".into();
        v["phases"][1]["steps"][0]["requried"] = true.into();
        v["phases"][2]["steps"][1]["fields"][0]["required"] = "yes".into();
        v["phases"][3]["steps"][0]["fields"][0]["kind"]["max_char"] = 5.into();
        v["phases"][0]["steps"][0]["tools"] = serde_json::json!(["psa", "fax"]);
        v["version"] = (-1).into();
        let p = problems(&v.to_string());
        assert_eq!(
            p,
            vec![
                (code::WRONG_TYPE.into(), "version".into()),
                (
                    code::UNKNOWN_VALUE.into(),
                    "phases[0].steps[0].tools[1]".into()
                ),
                (
                    code::UNKNOWN_PROPERTY.into(),
                    "phases[1].steps[0].requried".into()
                ),
                (code::UNKNOWN_VALUE.into(), "phases[1].steps[0].gate".into()),
                (
                    code::WRONG_TYPE.into(),
                    "phases[2].steps[1].fields[0].required".into()
                ),
                (
                    code::UNKNOWN_PROPERTY.into(),
                    "phases[3].steps[0].fields[0].kind.max_char".into()
                ),
            ]
        );
    }

    #[test]
    fn a_newer_format_asks_for_an_update() {
        let mut v: Value = serde_json::from_str(&to_json(&msp_support_ticket())).unwrap();
        v["format_version"] = 2.into();
        let p = from_json(&v.to_string()).unwrap_err();
        assert_eq!(p[0].code, code::FORMAT_VERSION);
        assert!(p[0].message.contains("newer Ticketflow"));
    }

    #[test]
    fn a_kind_missing_a_property_or_with_a_wrong_one_says_which() {
        let mut w = Walk::default();
        w.kind(&serde_json::json!({"type": "list", "multiple": false}), "k");
        w.kind(
            &serde_json::json!({"type": "paragraph", "max_chars": "long"}),
            "p",
        );
        w.kind(&serde_json::json!({"type": "telepathy"}), "t");
        let got: Vec<(&str, &str)> = w
            .problems
            .iter()
            .map(|p| (p.code.as_str(), p.path.as_str()))
            .collect();
        assert_eq!(
            got,
            vec![
                (code::MISSING_PROPERTY, "k.options"),
                (code::WRONG_TYPE, "p"),
                (code::UNKNOWN_VALUE, "t"),
            ]
        );
    }

    #[test]
    fn number_bounds_may_be_left_out() {
        let v = serde_json::json!({"type": "number", "decimals": 0});
        let mut w = Walk::default();
        assert_eq!(
            w.kind(&v, "k"),
            Some(FieldKind::Number {
                min: None,
                max: None,
                decimals: 0
            })
        );
        assert!(w.problems.is_empty(), "{:?}", w.problems);
    }
}
