//! Hidden characters made visible.
//!
//! A name such as `invoice_\u{202E}fdp.exe` reads "invoice_exe.pdf" wherever the right-to-left
//! override is applied; zero-width spaces make two names that look alike differ, and control
//! characters can hide text altogether. Ticket text is untrusted, so wherever it is shown (the
//! queue, the ticket view, the hand-over screen, the PDF report) every such character is shown
//! as a marker, `⟦U+202E⟧`, and never applied.
//!
//! [`HIDDEN`] is the one list of these characters. The UI reads the same list from
//! `ui/src/lib/hidden-chars.json`, which a test here writes and keeps equal to this table,
//! together with worked examples the UI's own tests replay, so the two sides cannot drift.

use serde::Serialize;

/// Opens a marker: `⟦U+202E⟧`. Mathematical white square brackets, which names and notes do
/// not use, so a marker is not mistaken for typed text.
pub const MARK_OPEN: char = '\u{27E6}';
/// Closes a marker.
pub const MARK_CLOSE: char = '\u{27E7}';

/// A run of hidden characters: first and last code point and what they are.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct HiddenRange {
    pub first: u32,
    pub last: u32,
    pub name: &'static str,
}

const fn r(first: u32, last: u32, name: &'static str) -> HiddenRange {
    HiddenRange { first, last, name }
}

/// Every character shown as a marker, in code point order: C0 and C1 controls other than tab,
/// line feed and carriage return (line breaks); the bidirectional controls; the zero-width
/// characters; and the other format characters (Unicode general category Cf, Unicode 15.1).
pub const HIDDEN: &[HiddenRange] = &[
    r(0x0000, 0x0008, "control character"),
    r(0x000B, 0x000C, "control character"),
    r(0x000E, 0x001F, "control character"),
    r(0x007F, 0x007F, "delete control character"),
    r(0x0080, 0x009F, "C1 control character"),
    r(0x00AD, 0x00AD, "soft hyphen"),
    r(0x0600, 0x0605, "Arabic number format character"),
    r(0x061C, 0x061C, "Arabic letter mark (bidi control)"),
    r(0x06DD, 0x06DD, "Arabic end of ayah format character"),
    r(0x070F, 0x070F, "Syriac abbreviation mark"),
    r(0x0890, 0x0891, "Arabic currency format character"),
    r(0x08E2, 0x08E2, "Arabic disputed end of ayah"),
    r(0x180E, 0x180E, "Mongolian vowel separator"),
    r(0x200B, 0x200B, "zero-width space"),
    r(0x200C, 0x200C, "zero-width non-joiner"),
    r(0x200D, 0x200D, "zero-width joiner"),
    r(0x200E, 0x200E, "left-to-right mark (bidi control)"),
    r(0x200F, 0x200F, "right-to-left mark (bidi control)"),
    r(0x202A, 0x202A, "left-to-right embedding (bidi control)"),
    r(0x202B, 0x202B, "right-to-left embedding (bidi control)"),
    r(0x202C, 0x202C, "pop directional formatting (bidi control)"),
    r(0x202D, 0x202D, "left-to-right override (bidi control)"),
    r(0x202E, 0x202E, "right-to-left override (bidi control)"),
    r(0x2060, 0x2060, "word joiner"),
    r(0x2061, 0x2064, "invisible mathematical operator"),
    r(0x2066, 0x2066, "left-to-right isolate (bidi control)"),
    r(0x2067, 0x2067, "right-to-left isolate (bidi control)"),
    r(0x2068, 0x2068, "first strong isolate (bidi control)"),
    r(0x2069, 0x2069, "pop directional isolate (bidi control)"),
    r(0x206A, 0x206F, "deprecated format character"),
    r(
        0xFEFF,
        0xFEFF,
        "zero-width no-break space (byte order mark)",
    ),
    r(0xFFF9, 0xFFFB, "interlinear annotation character"),
    r(0x110BD, 0x110BD, "Kaithi number sign"),
    r(0x110CD, 0x110CD, "Kaithi number sign above"),
    r(0x13430, 0x1343F, "Egyptian hieroglyph format control"),
    r(0x1BCA0, 0x1BCA3, "shorthand format control"),
    r(0x1D173, 0x1D17A, "musical symbol format control"),
    r(0xE0001, 0xE0001, "language tag"),
    r(0xE0020, 0xE007F, "tag character"),
];

/// What `c` is when it is a hidden character, else `None`.
pub fn hidden_name(c: char) -> Option<&'static str> {
    let cp = c as u32;
    HIDDEN
        .binary_search_by(|range| {
            if range.last < cp {
                std::cmp::Ordering::Less
            } else if range.first > cp {
                std::cmp::Ordering::Greater
            } else {
                std::cmp::Ordering::Equal
            }
        })
        .ok()
        .map(|i| HIDDEN[i].name)
}

/// Whether `c` is shown as a marker.
pub fn is_hidden(c: char) -> bool {
    hidden_name(c).is_some()
}

/// The marker for `c`: `⟦U+202E⟧` (at least four hex digits, upper case).
pub fn marker(c: char) -> String {
    format!("{MARK_OPEN}U+{:04X}{MARK_CLOSE}", c as u32)
}

/// One piece of displayed text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Part<'a> {
    /// Text shown as it is.
    Text(&'a str),
    /// A hidden character, shown as its marker.
    Hidden(char),
}

/// `text` split into what is shown as it is and the hidden characters between.
pub fn parts(text: &str) -> Vec<Part<'_>> {
    let mut out = Vec::new();
    let mut start = 0;
    for (i, c) in text.char_indices() {
        if is_hidden(c) {
            if start < i {
                out.push(Part::Text(&text[start..i]));
            }
            out.push(Part::Hidden(c));
            start = i + c.len_utf8();
        }
    }
    if start < text.len() {
        out.push(Part::Text(&text[start..]));
    }
    out
}

/// `text` with every hidden character replaced by its marker.
pub fn marked(text: &str) -> String {
    if !text.chars().any(is_hidden) {
        return text.to_string();
    }
    parts(text)
        .into_iter()
        .map(|p| match p {
            Part::Text(t) => t.to_string(),
            Part::Hidden(c) => marker(c),
        })
        .collect()
}

/// The markers in `text`: each one's byte range and the character it names, in order
/// (`⟦U+1F600⟧` names U+1F600; brackets around anything else are not a marker).
pub fn markers(text: &str) -> Vec<(std::ops::Range<usize>, char)> {
    let mut out = Vec::new();
    let mut from = 0;
    while let Some(at) = text[from..].find(MARK_OPEN).map(|i| from + i) {
        from = at + MARK_OPEN.len_utf8();
        let Some(hex) = text[from..].strip_prefix("U+") else {
            continue;
        };
        let Some(end) = hex.find(MARK_CLOSE) else {
            break;
        };
        let digits = &hex[..end];
        if !(4..=6).contains(&digits.len()) || !digits.chars().all(|d| d.is_ascii_hexdigit()) {
            continue;
        }
        if let Some(c) = u32::from_str_radix(digits, 16)
            .ok()
            .and_then(char::from_u32)
        {
            let stop = from + 2 + end + MARK_CLOSE.len_utf8();
            out.push((at..stop, c));
            from = stop;
        }
    }
    out
}

/// The characters named by the markers in `text` (`⟦U+1F600⟧` gives U+1F600), in order.
pub fn marked_chars(text: &str) -> Vec<char> {
    markers(text).into_iter().map(|(_, c)| c).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_right_to_left_override_is_shown_not_applied() {
        let name = "invoice_\u{202E}fdp.exe";
        assert_eq!(marked(name), "invoice_⟦U+202E⟧fdp.exe");
        assert_eq!(
            parts(name),
            [
                Part::Text("invoice_"),
                Part::Hidden('\u{202E}'),
                Part::Text("fdp.exe")
            ]
        );
        assert_eq!(
            hidden_name('\u{202E}'),
            Some("right-to-left override (bidi control)")
        );
    }

    #[test]
    fn every_character_the_rule_names_is_marked() {
        let named = [
            // bidi controls
            0x200E, 0x200F, 0x202A, 0x202B, 0x202C, 0x202D, 0x202E, 0x2066, 0x2067, 0x2068, 0x2069,
            0x061C, // zero-width
            0x200B, 0x200C, 0x200D, 0x2060, 0xFEFF, // other format characters
            0x00AD, 0x180E, 0xE0041, 0x2064, // C0 and C1 controls
            0x0000, 0x0007, 0x001B, 0x007F, 0x0085, 0x009B,
        ];
        for cp in named {
            let c = char::from_u32(cp).unwrap();
            assert!(is_hidden(c), "U+{cp:04X}");
            assert_eq!(marked(&format!("a{c}b")), format!("a⟦U+{cp:04X}⟧b"));
        }
    }

    #[test]
    fn ordinary_text_and_line_breaks_are_left_alone() {
        for text in [
            "Zoë Ødegård",
            "山田 太郎",
            "شركة النور",
            "מחשב-01",
            "Σοφία",
            "line one\nline two\r\n\tindented",
            "😀 ★ € U+202E [x]",
            "",
        ] {
            assert_eq!(marked(text), text);
            assert!(parts(text).iter().all(|p| matches!(p, Part::Text(_))));
        }
    }

    #[test]
    fn the_table_is_ordered_without_overlaps_so_the_search_finds_every_entry() {
        for pair in HIDDEN.windows(2) {
            assert!(pair[0].first <= pair[0].last);
            assert!(pair[0].last < pair[1].first, "{pair:?}");
        }
        for range in HIDDEN {
            for cp in [range.first, range.last] {
                let c = char::from_u32(cp).unwrap();
                assert_eq!(hidden_name(c), Some(range.name));
            }
            if let Some(after) = char::from_u32(range.last + 1) {
                if !HIDDEN.iter().any(|r| r.first == range.last + 1) {
                    assert!(!is_hidden(after), "U+{:04X}", range.last + 1);
                }
            }
        }
    }

    #[test]
    fn markers_are_read_back_and_typed_brackets_are_not_taken_for_them() {
        let text = marked("a\u{200B}b\u{E0041}c");
        assert_eq!(marked_chars(&text), ['\u{200B}', '\u{E0041}']);
        assert!(marked_chars("⟦U+12⟧ ⟦x⟧ ⟦U+ZZZZ⟧ ⟦U+1F600").is_empty());
        assert_eq!(marked_chars(&marker('😀')), ['😀']);
        let text = "ab⟦U+202E⟧c⟦x⟧⟦U+00AD⟧";
        let found = markers(text);
        assert_eq!(found.len(), 2);
        assert_eq!(&text[found[0].0.clone()], "⟦U+202E⟧");
        assert_eq!(&text[found[1].0.clone()], "⟦U+00AD⟧");
    }

    /// The UI's copy of the list and worked examples of the marking (`ui/src/lib/hidden-chars.json`).
    /// `UPDATE_BINDINGS=1` rewrites it; otherwise a difference fails here, and the UI's test
    /// (`ui/src/lib/visibleText.test.ts`) replays the examples through the UI's marking.
    #[test]
    fn the_ui_list_is_this_list() {
        let cases: Vec<serde_json::Value> = [
            "invoice_\u{202E}fdp.exe",
            "a\u{200B}b\u{200C}c\u{200D}d\u{2060}e\u{FEFF}f",
            "\u{2066}x\u{2069}\u{200E}\u{200F}\u{061C}",
            "soft\u{00AD}hyphen\u{180E}",
            "bell\u{0007} esc\u{001B} del\u{007F} c1\u{0085}",
            "tags\u{E0001}\u{E0041}\u{E007F}",
            "tab\tnew\nline\r\n",
            "山田 太郎 شركة النور מחשב-01 Σοφία 😀",
        ]
        .iter()
        .map(|text| {
            serde_json::json!({
                "text": text,
                "marked": marked(text),
                "parts": parts(text).into_iter().map(|p| match p {
                    Part::Text(t) => serde_json::json!({ "text": t }),
                    Part::Hidden(c) => serde_json::json!({ "hidden": c as u32 }),
                }).collect::<Vec<_>>(),
            })
        })
        .collect();
        let doc = serde_json::json!({
            "generated_by": "src-tauri/core/src/text/visible.rs (UPDATE_BINDINGS=1 cargo test -p ticketflow-core --lib text::visible)",
            "open": MARK_OPEN.to_string(),
            "close": MARK_CLOSE.to_string(),
            "ranges": HIDDEN,
            "cases": cases,
        });
        // The file itself keeps its hidden characters escaped (\u202e), so it reads as what it
        // holds in an editor or a diff.
        let mut want = String::new();
        for c in serde_json::to_string_pretty(&doc).unwrap().chars() {
            if is_hidden(c) {
                let mut units = [0u16; 2];
                for unit in c.encode_utf16(&mut units) {
                    want.push_str(&format!("\\u{unit:04x}"));
                }
            } else {
                want.push(c);
            }
        }
        want.push('\n');
        let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("../../ui/src/lib/hidden-chars.json");
        if std::env::var_os("UPDATE_BINDINGS").is_some() {
            std::fs::write(&path, &want).unwrap();
        }
        let have = std::fs::read_to_string(&path).unwrap_or_default();
        assert!(
            have == want,
            "{} differs from the core's list: run UPDATE_BINDINGS=1 cargo test -p ticketflow-core --lib text::visible",
            path.display()
        );
    }
}
