//! The report's typeface: DejaVu Sans (regular and bold), built into the binary.
//!
//! The built-in files are subsets of DejaVu Sans (Latin incl. Extended-A/B and Vietnamese,
//! Greek, Cyrillic, punctuation, currency and the few symbols a report draws; see
//! `assets/fonts/README.md` for the list and the command that makes them), so names such as
//! "Zoë Ødegård", "Łukasz", "Σοφία" and "Дмитрий" print as written while the binary carries
//! 0.34 MB of font instead of 1.47 MB. The PDF embeds only the glyphs a report uses. Parsing the
//! fonts costs milliseconds, so it is done once per process and shared.

use crate::error::{Error, Result};
use printpdf::ParsedFont;
use std::sync::OnceLock;

pub(crate) const REGULAR: &[u8] = include_bytes!("../../assets/fonts/DejaVuSans.ttf");
pub(crate) const BOLD: &[u8] = include_bytes!("../../assets/fonts/DejaVuSans-Bold.ttf");

/// Advances are cached for the first code points (Latin, Greek, Cyrillic, punctuation, symbols).
const CACHED: usize = 0x2700;

pub(crate) struct Face {
    pub parsed: ParsedFont,
    units_per_em: f32,
    /// Advance in font units per cached code point; `None` when the font has no glyph.
    advances: Vec<Option<u16>>,
}

impl Face {
    fn load(bytes: &[u8], name: &str) -> std::result::Result<Face, String> {
        let parsed = ParsedFont::from_bytes(bytes, 0, &mut Vec::new())
            .ok_or_else(|| format!("the built-in font {name} cannot be read"))?;
        let units_per_em = f32::from(parsed.pdf_font_metrics.units_per_em.max(1));
        let advances = (0..CACHED as u32)
            .map(|cp| {
                parsed
                    .lookup_glyph_index(cp)
                    .filter(|gid| *gid != 0)
                    .map(|gid| parsed.get_horizontal_advance(gid))
            })
            .collect();
        Ok(Face {
            parsed,
            units_per_em,
            advances,
        })
    }

    fn advance_units(&self, c: char) -> Option<u16> {
        let cp = c as usize;
        if cp < CACHED {
            return self.advances[cp];
        }
        self.parsed
            .lookup_glyph_index(c as u32)
            .filter(|gid| *gid != 0)
            .map(|gid| self.parsed.get_horizontal_advance(gid))
    }

    /// Whether the font can draw `c`.
    pub fn has(&self, c: char) -> bool {
        self.advance_units(c).is_some()
    }

    /// Width of `text` at `size` points. Characters without a glyph count as '?' (text comes
    /// here through [`Fonts::printable`], which leaves none: `fallback.rs` measures the rest).
    pub fn width(&self, text: &str, size: f32) -> f32 {
        let units: u32 = text
            .chars()
            .map(|c| {
                u32::from(
                    self.advance_units(c)
                        .or_else(|| self.advance_units('?'))
                        .unwrap_or(0),
                )
            })
            .sum();
        units as f32 * size / self.units_per_em
    }
}

pub(crate) struct Fonts {
    pub regular: Face,
    pub bold: Face,
}

impl Fonts {
    /// The shared, parsed fonts.
    pub fn get() -> Result<&'static Fonts> {
        static FONTS: OnceLock<std::result::Result<Fonts, String>> = OnceLock::new();
        FONTS
            .get_or_init(|| {
                Ok(Fonts {
                    regular: Face::load(REGULAR, "DejaVu Sans")?,
                    bold: Face::load(BOLD, "DejaVu Sans Bold")?,
                })
            })
            .as_ref()
            .map_err(|e| Error::ReportFailed(e.clone()))
    }

    pub fn face(&self, bold: bool) -> &Face {
        if bold {
            &self.bold
        } else {
            &self.regular
        }
    }

    /// `text` as the report can print it: tabs and line breaks become spaces; hidden
    /// characters (bidi controls, zero-width, controls) and characters no font can draw become
    /// markers such as `⟦U+202E⟧`; characters the subsets lack may come from a system font
    /// (`fallback.rs`). Untrusted input never yields invisible, applied or missing glyphs.
    pub fn printable(&self, text: &str) -> String {
        super::fallback::printable(self, text)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn latin_greek_and_cyrillic_names_are_covered() {
        let f = Fonts::get().unwrap();
        for name in ["Zoë Ødegård", "Łukasz", "Σοφία", "Дмитрий Иванов", "★☆–—…•"]
        {
            assert_eq!(f.printable(name), name);
            assert!(f.regular.width(name, 10.0) > 0.0);
        }
        let p = f.printable("田中\u{0}x");
        assert!(p.ends_with("⟦U+0000⟧x") && !p.contains('?'), "{p}");
        assert!(f.bold.width("Wide", 10.0) > f.regular.width("Wide", 10.0));
    }

    #[test]
    fn the_subsets_keep_names_and_symbols_people_type() {
        let f = Fonts::get().unwrap();
        for text in [
            "Nguyễn Văn Ánh",
            "Олександр Ґонта, Јован Ђурић",
            "Məmmədov, Ọlá, Ștefan Țurcanu",
            "e\u{301}",
            "“quoted” ‘x’ ‰ € ₽ ₴ ₹ № ™",
            "← → ✓ ✗ ≤ ≥ − ≈",
        ] {
            assert_eq!(f.printable(text), text);
        }
        // Scripts the subsets leave out are not in the faces: a system font draws them
        // (fallback.rs) or they print as markers, never as '?'.
        assert!(!"שלום😀".chars().any(|c| f.regular.has(c)));
        assert!(!f.printable("שלום 😀").contains('?'));
    }

    #[test]
    fn both_faces_cover_the_same_characters() {
        let f = Fonts::get().unwrap();
        for c in (0..CACHED as u32).filter_map(char::from_u32) {
            assert_eq!(f.regular.has(c), f.bold.has(c), "U+{:04X}", c as u32);
        }
    }

    #[test]
    fn the_built_in_fonts_are_the_subsets() {
        // The full DejaVu faces are 1.47 MB; the release binary's size budget counts on the
        // subsets (assets/fonts/README.md says how to make them).
        let bytes = REGULAR.len() + BOLD.len();
        assert!(bytes < 400_000, "{bytes} bytes of built-in fonts");
    }
}
