//! Every name in its own script: fonts beyond the built-in subsets, reading order and shaping.
//!
//! The built-in DejaVu subsets (`fonts.rs`) cover Latin, Greek and Cyrillic. A name in Japanese,
//! Arabic or Hebrew is printed with a font found on the system at export (see [`FILES`]); the
//! PDF embeds only the glyphs it uses. A line holding such text is drawn glyph by glyph:
//!
//! - its runs are put in reading order by the Unicode Bidirectional Algorithm (`unicode-bidi`),
//!   on a left-to-right paragraph, so "מחשב-01" reads right to left inside an English report;
//! - each run is shaped by rustybuzz (a port of HarfBuzz), which joins Arabic letters and
//!   mirrors brackets; printpdf shapes only inside its HTML layout engine, which reports do not
//!   use;
//! - each glyph carries the text it stands for, so copying or `pdftotext` gives the letters.
//!
//! Hidden characters (bidi controls, zero-width and other format characters, controls) are
//! never applied: they print as markers (`⟦U+202E⟧`, `crate::text::visible`). A character no
//! font has prints as its marker too, and the report ends with a line that lists them
//! ([`unprintable_note`]): nothing prints as `?`.
//!
//! Lines that only use the built-in faces are drawn as before (text, no shaping).

use super::fonts::{Face, Fonts, BOLD, REGULAR};
use super::layout::{Block, Draw, Measure, Style, BAD};
use crate::text::visible;
use printpdf::{
    Codepoint, FontId, Op, ParsedFont, PdfDocument, PdfFontHandle, Pt, TextItem, TextMatrix,
};
use std::collections::{BTreeMap, BTreeSet};
use std::sync::OnceLock;
use unicode_bidi::{BidiInfo, Level};

/// System fonts tried, in order, for characters the built-in faces lack: `true` marks a bold
/// face. Noto first where it is installed (`fonts-noto-core`: the best Arabic and Hebrew), then
/// the full DejaVu Sans the subsets come from (`fonts-dejavu-core`: Arabic, Hebrew, Armenian,
/// Georgian, symbols), then Droid Sans Fallback (`fonts-droid-fallback`: Chinese, Japanese,
/// Korean); then the fonts Windows and macOS ship with the same scripts. Font collections
/// (`.ttc`) are left out: printpdf embeds single fonts.
pub(crate) const FILES: &[(&str, bool)] = &[
    (
        "/usr/share/fonts/truetype/noto/NotoSansArabic-Regular.ttf",
        false,
    ),
    (
        "/usr/share/fonts/truetype/noto/NotoSansArabic-Bold.ttf",
        true,
    ),
    (
        "/usr/share/fonts/truetype/noto/NotoSansHebrew-Regular.ttf",
        false,
    ),
    (
        "/usr/share/fonts/truetype/noto/NotoSansHebrew-Bold.ttf",
        true,
    ),
    ("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf", false),
    ("/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf", true),
    ("/usr/share/fonts/TTF/DejaVuSans.ttf", false),
    ("/usr/share/fonts/TTF/DejaVuSans-Bold.ttf", true),
    (
        "/usr/share/fonts/truetype/droid/DroidSansFallbackFull.ttf",
        false,
    ),
    (
        "/usr/share/fonts/google-droid-sans-fonts/DroidSansFallbackFull.ttf",
        false,
    ),
    ("C:\\Windows\\Fonts\\arial.ttf", false),
    ("C:\\Windows\\Fonts\\arialbd.ttf", true),
    ("C:\\Windows\\Fonts\\segoeui.ttf", false),
    ("C:\\Windows\\Fonts\\segoeuib.ttf", true),
    (
        "/System/Library/Fonts/Supplemental/Arial Unicode.ttf",
        false,
    ),
    ("/Library/Fonts/Arial Unicode.ttf", false),
];

/// A system font, read once per process on first need and kept for the process's life.
pub(crate) struct SystemFont {
    pub parsed: ParsedFont,
    /// The same file for the shaper: its glyph ids are the embedded font's.
    shaper: rustybuzz::Face<'static>,
}

impl SystemFont {
    fn load(path: &str) -> Option<SystemFont> {
        let bytes = std::fs::read(path).ok()?;
        let parsed = ParsedFont::from_bytes(&bytes, 0, &mut Vec::new())?;
        // Read once and kept in a static for the process's life: the shaper borrows the bytes.
        let bytes: &'static [u8] = Box::leak(bytes.into_boxed_slice());
        let shaper = rustybuzz::Face::from_slice(bytes, 0)?;
        Some(SystemFont { parsed, shaper })
    }

    fn has(&self, c: char) -> bool {
        self.parsed
            .lookup_glyph_index(c as u32)
            .is_some_and(|gid| gid != 0)
    }
}

fn system(i: usize) -> Option<&'static SystemFont> {
    static LOADED: [OnceLock<Option<SystemFont>>; FILES.len()] =
        [const { OnceLock::new() }; FILES.len()];
    LOADED[i]
        .get_or_init(|| SystemFont::load(FILES[i].0))
        .as_ref()
}

/// The system fonts for `bold` text in the order they are tried: bold faces first, then the
/// regular ones (a bold name in a script only a regular face has is better than a marker).
fn order(bold: bool) -> impl Iterator<Item = usize> {
    let bolds = FILES
        .iter()
        .enumerate()
        .filter(move |(_, (_, b))| bold && *b)
        .map(|(i, _)| i);
    let regulars = FILES
        .iter()
        .enumerate()
        .filter(|(_, (_, b))| !*b)
        .map(|(i, _)| i);
    bolds.chain(regulars)
}

/// Where a glyph comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) enum Source {
    BuiltIn,
    System(usize),
}

fn covers(fonts: &Fonts, source: Source, bold: bool, c: char) -> bool {
    match source {
        Source::BuiltIn => fonts.face(bold).has(c),
        Source::System(i) => system(i).is_some_and(|f| f.has(c)),
    }
}

/// The font that draws `c`. Spaces, punctuation and marks stay in the font of the text around
/// them (`current`), so a run of Arabic words is shaped as one.
fn source_for(fonts: &Fonts, c: char, bold: bool, current: Option<Source>) -> Option<Source> {
    if let Some(cur) = current {
        if !c.is_alphanumeric() && covers(fonts, cur, bold, c) {
            return Some(cur);
        }
    }
    if fonts.face(bold).has(c) {
        return Some(Source::BuiltIn);
    }
    order(bold)
        .find(|i| system(*i).is_some_and(|f| f.has(c)))
        .map(Source::System)
}

/// `text` as the report prints it: tabs and line breaks become spaces, hidden characters and
/// characters no font can draw become markers.
pub(crate) fn printable(fonts: &Fonts, text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '\t' | '\n' | '\r' => out.push(' '),
            c if visible::is_hidden(c) => out.push_str(&visible::marker(c)),
            c if fonts.regular.has(c) && fonts.bold.has(c) => out.push(c),
            c if source_for(fonts, c, false, None).is_some()
                && source_for(fonts, c, true, None).is_some() =>
            {
                out.push(c)
            }
            c => out.push_str(&visible::marker(c)),
        }
    }
    out
}

/// Whether the built-in face draws all of `text` (then no reordering or shaping is needed: the
/// subsets hold no right-to-left script).
fn built_in_only(face: &Face, text: &str) -> bool {
    text.chars().all(|c| face.has(c))
}

/// Consecutive characters drawn by one font: (font, byte range).
fn segments(
    fonts: &Fonts,
    text: &str,
    bold: bool,
    range: std::ops::Range<usize>,
) -> Vec<(Source, std::ops::Range<usize>)> {
    let mut out: Vec<(Source, std::ops::Range<usize>)> = Vec::new();
    let mut current = None;
    for (i, c) in text[range.clone()].char_indices() {
        let at = range.start + i;
        // `printable` left only characters some font draws; the built-in face stands in
        // for a character that is not (text drawn without going through it).
        let source = source_for(fonts, c, bold, current).unwrap_or(Source::BuiltIn);
        match out.last_mut() {
            Some((s, r)) if *s == source => r.end = at + c.len_utf8(),
            _ => out.push((source, at..at + c.len_utf8())),
        }
        current = Some(source);
    }
    out
}

/// A shaped glyph: id, advance and horizontal offset in font units, the text it stands for
/// and where that text starts in the line (bytes).
struct Glyph {
    gid: u16,
    advance: i32,
    x_offset: i32,
    text: String,
    at: usize,
}

/// Shapes `line[range]` with the font of `source`; glyphs come in visual order.
fn shape(
    source: Source,
    bold: bool,
    line: &str,
    range: std::ops::Range<usize>,
    rtl: bool,
) -> Option<(Vec<Glyph>, f32)> {
    let offset = range.start;
    let text = line.get(range)?;
    let face: &rustybuzz::Face<'static> = match source {
        Source::BuiltIn => built_in_shaper(bold)?,
        Source::System(i) => &system(i)?.shaper,
    };
    let units_per_em = face.units_per_em().max(1) as f32;
    let mut buffer = rustybuzz::UnicodeBuffer::new();
    buffer.push_str(text);
    buffer.set_direction(if rtl {
        rustybuzz::Direction::RightToLeft
    } else {
        rustybuzz::Direction::LeftToRight
    });
    buffer.guess_segment_properties();
    let shaped = rustybuzz::shape(face, &[], buffer);
    // A glyph stands for the text from its cluster to the next cluster in logical order.
    let mut starts: Vec<usize> = shaped
        .glyph_infos()
        .iter()
        .map(|g| g.cluster as usize)
        .collect();
    starts.sort_unstable();
    starts.dedup();
    let mut given = BTreeSet::new();
    let glyphs = shaped
        .glyph_infos()
        .iter()
        .zip(shaped.glyph_positions())
        .map(|(info, pos)| {
            let start = info.cluster as usize;
            let end = starts
                .iter()
                .find(|s| **s > start)
                .copied()
                .unwrap_or(text.len());
            // Several glyphs of one cluster: the first carries the text.
            let text = if given.insert(start) {
                text.get(start..end).unwrap_or_default().to_string()
            } else {
                String::new()
            };
            Glyph {
                gid: u16::try_from(info.glyph_id).unwrap_or(0),
                advance: pos.x_advance,
                x_offset: pos.x_offset,
                text,
                at: offset + start,
            }
        })
        .collect();
    Some((glyphs, units_per_em))
}

/// The built-in faces for the shaper (parsed once).
fn built_in_shaper(bold: bool) -> Option<&'static rustybuzz::Face<'static>> {
    static FACES: OnceLock<[Option<rustybuzz::Face<'static>>; 2]> = OnceLock::new();
    FACES
        .get_or_init(|| {
            [
                rustybuzz::Face::from_slice(REGULAR, 0),
                rustybuzz::Face::from_slice(BOLD, 0),
            ]
        })
        .get(usize::from(bold))?
        .as_ref()
}

/// A line split into shaped pieces in visual order, left to right.
struct Piece {
    source: Source,
    glyphs: Vec<Glyph>,
    units_per_em: f32,
}

fn pieces(fonts: &Fonts, text: &str, bold: bool) -> Vec<Piece> {
    let bidi = BidiInfo::new(text, Some(Level::ltr()));
    let mut out = Vec::new();
    for para in &bidi.paragraphs {
        let (levels, runs) = bidi.visual_runs(para, para.range.clone());
        for run in runs {
            let rtl = levels.get(run.start).is_some_and(|l| l.is_rtl());
            let mut segs = segments(fonts, text, bold, run);
            if rtl {
                segs.reverse();
            }
            for (source, range) in segs {
                if let Some((glyphs, units_per_em)) = shape(source, bold, text, range, rtl) {
                    out.push(Piece {
                        source,
                        glyphs,
                        units_per_em,
                    });
                }
            }
        }
    }
    out
}

/// Width of `text` at `style` in points, as [`text_ops`] draws it.
pub(crate) fn width(fonts: &Fonts, text: &str, style: Style) -> f32 {
    let face = fonts.face(style.bold);
    if built_in_only(face, text) {
        return face.width(text, style.size);
    }
    pieces(fonts, text, style.bold)
        .iter()
        .map(|p| {
            p.glyphs.iter().map(|g| g.advance).sum::<i32>() as f32 * style.size / p.units_per_em
        })
        .sum()
}

/// The fonts a PDF draws with: the built-in faces and the system fonts its text needs.
pub(crate) struct FontIds {
    regular: FontId,
    bold: FontId,
    system: BTreeMap<usize, FontId>,
}

impl FontIds {
    /// Adds the built-in faces and every system font `pages` use to `pdf`.
    pub fn register(pdf: &mut PdfDocument, fonts: &Fonts, pages: &[Vec<Draw>]) -> FontIds {
        let mut needed = BTreeSet::new();
        for draw in pages.iter().flatten() {
            if let Draw::Text { style, text, .. } = draw {
                let text = fonts.printable(text);
                if !built_in_only(fonts.face(style.bold), &text) {
                    let range = 0..text.len();
                    for (source, _) in segments(fonts, &text, style.bold, range) {
                        if let Source::System(i) = source {
                            needed.insert(i);
                        }
                    }
                }
            }
        }
        FontIds {
            regular: pdf.add_font(&fonts.regular.parsed),
            bold: pdf.add_font(&fonts.bold.parsed),
            system: needed
                .into_iter()
                .filter_map(|i| system(i).map(|f| (i, pdf.add_font(&f.parsed))))
                .collect(),
        }
    }

    fn id(&self, source: Source, bold: bool) -> Option<&FontId> {
        match source {
            Source::BuiltIn if bold => Some(&self.bold),
            Source::BuiltIn => Some(&self.regular),
            Source::System(i) => self.system.get(&i),
        }
    }
}

/// Text-showing operations for `text` with its baseline at (`x`, `y`) in PDF coordinates.
/// Markers (`⟦U+202E⟧`) are drawn in red, so a hidden character reads as foreign to the text
/// around it, as the window's outlined chips do.
pub(crate) fn text_ops(
    fonts: &Fonts,
    ids: &FontIds,
    x: f32,
    y: f32,
    style: Style,
    text: &str,
) -> Vec<Op> {
    let text = fonts.printable(text);
    let marked: Vec<std::ops::Range<usize>> = visible::markers(&text)
        .into_iter()
        .map(|(r, _)| r)
        .collect();
    let in_marker = |at: usize| marked.iter().any(|r| r.contains(&at));
    let colour = |marker: bool| Op::SetFillColor {
        col: if marker { BAD } else { style.colour }.pdf(),
    };
    let mut ops = Vec::new();
    let face = fonts.face(style.bold);
    if built_in_only(face, &text) {
        // Left to right, one font, no shaping: runs of text and markers side by side.
        let mut pen = x;
        let mut cuts = vec![0];
        for r in &marked {
            cuts.extend([r.start, r.end]);
        }
        cuts.push(text.len());
        for pair in cuts.windows(2) {
            let Some(run) = text.get(pair[0]..pair[1]).filter(|r| !r.is_empty()) else {
                continue;
            };
            let marker = in_marker(pair[0]);
            if marker {
                ops.push(colour(true));
            }
            ops.extend([
                Op::SetFont {
                    font: PdfFontHandle::External(if style.bold {
                        ids.bold.clone()
                    } else {
                        ids.regular.clone()
                    }),
                    size: Pt(style.size),
                },
                Op::SetTextMatrix {
                    matrix: TextMatrix::Translate(Pt(pen), Pt(y)),
                },
                Op::ShowText {
                    items: vec![TextItem::Text(run.to_string())],
                },
            ]);
            if marker {
                ops.push(colour(false));
            }
            pen += face.width(run, style.size);
        }
        return ops;
    }
    let mut pen = x;
    for piece in pieces(fonts, &text, style.bold) {
        let per_em = |units: i32| units as f32 * 1000.0 / piece.units_per_em;
        let piece_width =
            per_em(piece.glyphs.iter().map(|g| g.advance).sum()) * style.size / 1000.0;
        let parsed = match piece.source {
            Source::BuiltIn => Some(&face.parsed),
            Source::System(i) => system(i).map(|f| &f.parsed),
        };
        let (Some(font), Some(parsed)) = (ids.id(piece.source, style.bold), parsed) else {
            pen += piece_width;
            continue;
        };
        // Where the shaper puts each glyph's origin, in thousandths of an em from the piece's
        // start. The PDF advances a glyph by its width in the font (as the embedded /W array
        // holds it); a TJ adjustment after it moves the pen to the next glyph's origin.
        let mut origins = Vec::with_capacity(piece.glyphs.len());
        let mut advanced = 0.0f32;
        for g in &piece.glyphs {
            origins.push(advanced + per_em(g.x_offset));
            advanced += per_em(g.advance);
        }
        // Runs of glyphs that are, or are not, part of a marker.
        let mut k = 0;
        while k < piece.glyphs.len() {
            let marker = in_marker(piece.glyphs[k].at);
            let mut end = k + 1;
            while end < piece.glyphs.len() && in_marker(piece.glyphs[end].at) == marker {
                end += 1;
            }
            let codes = (k..end)
                .map(|j| {
                    let g = &piece.glyphs[j];
                    let width = (f32::from(parsed.get_horizontal_advance(g.gid)) * 1000.0
                        / piece.units_per_em)
                        .trunc();
                    let offset = if j + 1 < end {
                        origins[j] + width - origins[j + 1]
                    } else {
                        0.0
                    };
                    Codepoint {
                        gid: g.gid,
                        offset: if offset.abs() < 0.01 { 0.0 } else { offset },
                        cid: Some(g.text.clone()),
                    }
                })
                .collect();
            if marker {
                ops.push(colour(true));
            }
            ops.extend([
                Op::SetFont {
                    font: PdfFontHandle::External(font.clone()),
                    size: Pt(style.size),
                },
                Op::SetTextMatrix {
                    matrix: TextMatrix::Translate(
                        Pt(pen + origins[k] * style.size / 1000.0),
                        Pt(y),
                    ),
                },
                Op::ShowText {
                    items: vec![TextItem::GlyphIds(codes)],
                },
            ]);
            if marker {
                ops.push(colour(false));
            }
            k = end;
        }
        pen += piece_width;
    }
    ops
}

/// The characters `texts` print as markers because no font has them (hidden characters are
/// marked on purpose and are not listed).
pub(crate) fn unprintable<'a>(texts: impl IntoIterator<Item = &'a str>) -> BTreeSet<char> {
    texts
        .into_iter()
        .flat_map(visible::marked_chars)
        .filter(|c| !visible::is_hidden(*c))
        .collect()
}

/// A closing line that lists the characters this document could not print, if any.
pub(crate) fn unprintable_note(m: &Measure, blocks: &[Block], width: f32) -> Vec<Block> {
    let missing = unprintable(
        blocks
            .iter()
            .flat_map(|b| b.draws.iter())
            .filter_map(|d| match d {
                Draw::Text { text, .. } => Some(text.as_str()),
                _ => None,
            }),
    );
    if missing.is_empty() {
        return Vec::new();
    }
    let list: Vec<String> = missing
        .iter()
        .map(|c| format!("U+{:04X}", *c as u32))
        .collect();
    let text = format!(
        "This report could not print {} character{} (no font on the computer that made it has {}); each is shown where it occurs as {}U+…{}: {}.",
        missing.len(),
        if missing.len() == 1 { "" } else { "s" },
        if missing.len() == 1 { "it" } else { "them" },
        visible::MARK_OPEN,
        visible::MARK_CLOSE,
        list.join(", ")
    );
    let style = Style::new(7.8, false, BAD);
    let mut out = vec![Block::spacer(10.0)];
    for line in m.wrap(&text, style, width) {
        let mut b = Block::new(style.leading());
        b.text(0.0, style.size, style, &line);
        out.push(b);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fonts() -> &'static Fonts {
        Fonts::get().unwrap()
    }

    #[test]
    fn hidden_characters_print_as_markers_never_applied() {
        let f = fonts();
        assert_eq!(
            printable(f, "invoice_\u{202E}fdp.exe"),
            "invoice_⟦U+202E⟧fdp.exe"
        );
        assert_eq!(printable(f, "a\u{200B}b\tc\nd"), "a⟦U+200B⟧b c d");
        // Printing twice changes nothing: a marker is printable text.
        let once = printable(f, "x\u{2067}y\u{0}");
        assert_eq!(printable(f, &once), once);
    }

    #[test]
    fn nothing_prints_as_a_question_mark() {
        let f = fonts();
        // A code point no font has (unassigned) and one most lack.
        let text = "name \u{10FFFD}\u{E0FFF}";
        let p = printable(f, text);
        assert!(!p.contains('?'), "{p}");
        assert_eq!(
            unprintable([p.as_str()]),
            BTreeSet::from(['\u{10FFFD}', '\u{E0FFF}'])
        );
        // Markers of hidden characters are not "could not print".
        assert!(unprintable(["a⟦U+202E⟧b"]).is_empty());
    }

    #[test]
    fn right_to_left_runs_are_drawn_in_reading_order() {
        let f = fonts();
        let hebrew = "מחשב";
        if order(false).all(|i| system(i).is_none_or(|s| !hebrew.chars().all(|c| s.has(c)))) {
            eprintln!("SKIPPED: no system font with Hebrew (install fonts-dejavu-core)");
            return;
        }
        // Visual order: the last letter of the word comes first, the digits keep their order.
        let line = format!("{hebrew}-01");
        let drawn: String = pieces(f, &line, false)
            .iter()
            .flat_map(|p| p.glyphs.iter().map(|g| g.text.clone()))
            .collect();
        assert_eq!(drawn, "01-בשחמ");
        let style = Style::new(10.0, false, super::super::layout::INK);
        assert!(width(f, &line, style) > width(f, "01-", style));
    }

    #[test]
    fn a_long_paragraph_without_spaces_wraps_within_the_width_and_keeps_every_character() {
        let m = Measure { fonts: fonts() };
        let style = Style::new(9.2, false, super::super::layout::INK);
        let text = "東京都千代田区の本社でプリンターが動かない。".repeat(60);
        let lines = m.wrap(&text, style, 300.0);
        assert!(lines.len() > 10);
        assert!(lines.iter().all(|l| m.width(l, style) <= 300.0));
        assert_eq!(lines.concat(), printable(fonts(), &text));
    }

    /// The text each ShowText draws (glyphs by the text they stand for) and whether in red.
    fn drawn(ops: &[Op]) -> Vec<(String, bool)> {
        let mut red = false;
        let mut out = Vec::new();
        for op in ops {
            match op {
                Op::SetFillColor { col } => red = *col == BAD.pdf(),
                Op::ShowText { items } => {
                    let text = items
                        .iter()
                        .map(|i| match i {
                            TextItem::Text(t) => t.clone(),
                            TextItem::GlyphIds(g) => {
                                g.iter().filter_map(|c| c.cid.clone()).collect()
                            }
                            TextItem::Offset(_) => String::new(),
                        })
                        .collect();
                    out.push((text, red));
                }
                _ => {}
            }
        }
        out
    }

    #[test]
    fn markers_are_drawn_in_red_and_the_text_around_them_in_its_colour() {
        let f = fonts();
        let mut pdf = PdfDocument::new("t");
        let ids = FontIds::register(&mut pdf, f, &[]);
        let style = Style::new(10.0, false, super::super::layout::INK);
        let ops = text_ops(f, &ids, 0.0, 0.0, style, "a\u{202E}b");
        let want = [
            ("a".to_string(), false),
            ("⟦U+202E⟧".to_string(), true),
            ("b".to_string(), false),
        ];
        assert_eq!(drawn(&ops), want);
        // On a shaped line too (a right-to-left name beside it), when a font has Hebrew.
        let line = "a\u{202E}b שלום";
        if !printable(f, line).contains("⟦U+05E9⟧") {
            let page = vec![Draw::Text {
                x: 0.0,
                y: 0.0,
                style,
                text: line.into(),
            }];
            let ids = FontIds::register(&mut pdf, f, &[page]);
            let runs = drawn(&text_ops(f, &ids, 0.0, 0.0, style, line));
            let red: Vec<&str> = runs.iter().filter(|r| r.1).map(|r| r.0.as_str()).collect();
            assert_eq!(red, ["⟦U+202E⟧"], "{runs:?}");
            let all: String = runs.iter().map(|r| r.0.as_str()).collect();
            // Hebrew glyphs are drawn in visual order: the word's last letter first.
            assert!(
                all.contains("a⟦U+202E⟧b") && all.contains("םולש"),
                "{runs:?}"
            );
        }
    }

    #[test]
    fn arabic_letters_are_joined() {
        let word = "النور";
        let Some(i) =
            order(false).find(|i| system(*i).is_some_and(|s| word.chars().all(|c| s.has(c))))
        else {
            eprintln!("SKIPPED: no system font with Arabic (install fonts-dejavu-core)");
            return;
        };
        let (glyphs, _) = shape(Source::System(i), false, word, 0..word.len(), true).unwrap();
        let isolated: Vec<u16> = word
            .chars()
            .map(|c| {
                system(i)
                    .unwrap()
                    .parsed
                    .lookup_glyph_index(c as u32)
                    .unwrap()
            })
            .collect();
        // Joined forms are other glyphs than the letters' isolated forms.
        let shaped: Vec<u16> = glyphs.iter().rev().map(|g| g.gid).collect();
        assert_ne!(shaped, isolated);
        let text: String = glyphs.iter().rev().map(|g| g.text.as_str()).collect();
        assert_eq!(text, word);
    }
}
