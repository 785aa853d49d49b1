//! Every figure's definition, read from the doc comments of the figure structs in `qbr/mod.rs`.
//!
//! The definitions are written once, as those doc comments (which also document the code and
//! the generated TypeScript types); the pack's appendix prints them from the source text built
//! into the binary, so the PDF can never say something the code does not.

/// The figure structs the appendix defines, in the order of the pack, with the heading each
/// group gets.
const GROUPS: &[(&str, &str)] = &[
    ("Volume", "Volume"),
    ("SlaFigures", "Service levels"),
    ("Breach", "Service-level breaches"),
    ("ResponseTimes", "Response and resolution times"),
    ("Quality", "Quality"),
    ("CsatFigures", "Customer satisfaction"),
    ("CsatSummary", "Customer satisfaction"),
    ("HoursFigures", "Hours"),
    ("AssetFigures", "Assets"),
    ("Recurring", "Recurring symptoms"),
];

const SOURCE: &str = include_str!("../mod.rs");

/// One defined figure: its group heading, its name as people read it, and its definition.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Definition {
    pub group: &'static str,
    pub name: String,
    pub text: String,
}

/// "first_response_met_pct" reads "First response met %".
fn figure_name(field: &str) -> String {
    let words: Vec<&str> = field
        .split('_')
        .map(|w| match w {
            "pct" => "%",
            "secs" => "(seconds)",
            "csat" => "CSAT",
            other => other,
        })
        .collect();
    let text = words.join(" ");
    let mut c = text.chars();
    match c.next() {
        Some(f) => f.to_uppercase().chain(c).collect(),
        None => text,
    }
}

/// The documented `pub` fields of `pub struct NAME` in `source`, each with its doc comment
/// joined into one paragraph.
fn fields_of(source: &str, name: &str) -> Vec<(String, String)> {
    let start = format!("pub struct {name} {{");
    let Some(at) = source.find(&start) else {
        return Vec::new();
    };
    let mut out = Vec::new();
    let mut doc: Vec<&str> = Vec::new();
    for line in source[at + start.len()..].lines() {
        let line = line.trim();
        if line == "}" {
            break;
        }
        if let Some(text) = line.strip_prefix("///") {
            doc.push(text.trim());
        } else if let Some(field) = line.strip_prefix("pub ") {
            let field = field.split(':').next().unwrap_or("").trim();
            if !doc.is_empty() {
                out.push((field.to_string(), doc.join(" ")));
            }
            doc.clear();
        } else if !line.starts_with("#[") {
            doc.clear();
        }
    }
    out
}

/// Every documented figure, group by group.
pub(crate) fn definitions() -> Vec<Definition> {
    GROUPS
        .iter()
        .flat_map(|(name, group)| {
            fields_of(SOURCE, name)
                .into_iter()
                .map(move |(field, text)| Definition {
                    group,
                    name: figure_name(&field),
                    text,
                })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_figure_struct_is_found_and_its_documented_fields_defined() {
        for (name, _) in GROUPS {
            assert!(
                !fields_of(SOURCE, name).is_empty(),
                "no documented field of {name} in qbr/mod.rs"
            );
        }
        let all = definitions();
        let find = |n: &str| all.iter().find(|d| d.name == n).map(|d| d.text.as_str());
        // The sentence is the doc comment, whole and on one line.
        assert_eq!(
            find("Reopen rate %"),
            Some("The reopened tickets as a percentage of the tickets closed in the period.")
        );
        let opened = find("Opened").unwrap();
        assert!(opened.starts_with("Tickets opened on a day of the period: opening is step 5"));
        assert!(opened.ends_with("Days are read in the client's time zone."));
        assert!(!opened.contains("///"));
        // A field without a doc comment is not invented (CsatFigures::overall).
        assert!(find("Overall").is_none());
    }

    #[test]
    fn names_read_as_words() {
        assert_eq!(
            figure_name("first_response_met_pct"),
            "First response met %"
        );
        assert_eq!(figure_name("actual_secs"), "Actual (seconds)");
        assert_eq!(figure_name("opened"), "Opened");
    }
}
