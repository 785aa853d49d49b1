//! A small page-layout engine: blocks of drawing flowed onto pages.
//!
//! A block is the unit that is never split across pages (a table row, a signature, one line of
//! a long paragraph); a heading is kept with the block after it, and a table's header row is
//! repeated when the table continues on a new page. Coordinates inside blocks are top-down
//! (y grows downwards) in points; they become PDF's bottom-up coordinates only when the pages
//! are turned into printpdf operations.

use super::fallback::{self, FontIds};
use super::fonts::Fonts;
use printpdf::{
    Color, Line, LineCapStyle, LineJoinStyle, LinePoint, Op, PaintMode, Point, Pt, Rect, Rgb,
};
use std::rc::Rc;

#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct Colour(pub f32, pub f32, pub f32);

impl Colour {
    pub(crate) fn pdf(self) -> Color {
        Color::Rgb(Rgb {
            r: self.0,
            g: self.1,
            b: self.2,
            icc_profile: None,
        })
    }
}

pub(crate) const INK: Colour = Colour(0.12, 0.14, 0.17);
pub(crate) const MUTED: Colour = Colour(0.42, 0.46, 0.51);
pub(crate) const ACCENT: Colour = Colour(0.07, 0.31, 0.43);
pub(crate) const RULE: Colour = Colour(0.80, 0.83, 0.86);
pub(crate) const SHADE: Colour = Colour(0.945, 0.957, 0.969);
pub(crate) const GOOD: Colour = Colour(0.10, 0.50, 0.27);
pub(crate) const BAD: Colour = Colour(0.74, 0.15, 0.15);
pub(crate) const PEN: Colour = Colour(0.08, 0.16, 0.45);

#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct Style {
    pub size: f32,
    pub bold: bool,
    pub colour: Colour,
}

impl Style {
    pub const fn new(size: f32, bold: bool, colour: Colour) -> Style {
        Style { size, bold, colour }
    }

    /// Baseline-to-baseline distance.
    pub fn leading(&self) -> f32 {
        self.size * 1.32
    }
}

#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Draw {
    /// `y` is the baseline.
    Text {
        x: f32,
        y: f32,
        style: Style,
        text: String,
    },
    Rect {
        x: f32,
        y: f32,
        w: f32,
        h: f32,
        fill: Colour,
    },
    Line {
        x1: f32,
        y1: f32,
        x2: f32,
        y2: f32,
        width: f32,
        colour: Colour,
    },
    /// A path through points; `true` marks a Bézier control point (two precede each end point).
    Path {
        points: Vec<(f32, f32, bool)>,
        width: f32,
        colour: Colour,
    },
}

impl Draw {
    pub fn moved(&self, dx: f32, dy: f32) -> Draw {
        match self {
            Draw::Text { x, y, style, text } => Draw::Text {
                x: x + dx,
                y: y + dy,
                style: *style,
                text: text.clone(),
            },
            Draw::Rect { x, y, w, h, fill } => Draw::Rect {
                x: x + dx,
                y: y + dy,
                w: *w,
                h: *h,
                fill: *fill,
            },
            Draw::Line {
                x1,
                y1,
                x2,
                y2,
                width,
                colour,
            } => Draw::Line {
                x1: x1 + dx,
                y1: y1 + dy,
                x2: x2 + dx,
                y2: y2 + dy,
                width: *width,
                colour: *colour,
            },
            Draw::Path {
                points,
                width,
                colour,
            } => Draw::Path {
                points: points
                    .iter()
                    .map(|(x, y, c)| (x + dx, y + dy, *c))
                    .collect(),
                width: *width,
                colour: *colour,
            },
        }
    }
}

/// Something drawn at a fixed height that stays on one page.
#[derive(Debug, Clone, Default)]
pub(crate) struct Block {
    pub height: f32,
    pub draws: Vec<Draw>,
    /// Never end a page with this block (headings, a table's first row).
    pub keep_with_next: bool,
    /// Drawn first when this block starts a new page (a table's header row).
    pub repeat: Option<Rc<Block>>,
    /// Always start a new page here (the appendix), unless the page is still empty.
    pub page_break_before: bool,
}

impl Block {
    pub fn new(height: f32) -> Block {
        Block {
            height,
            ..Block::default()
        }
    }

    pub fn spacer(height: f32) -> Block {
        Block::new(height)
    }

    pub fn text(&mut self, x: f32, baseline: f32, style: Style, text: &str) {
        if !text.is_empty() {
            self.draws.push(Draw::Text {
                x,
                y: baseline,
                style,
                text: text.to_string(),
            });
        }
    }

    pub fn rect(&mut self, x: f32, y: f32, w: f32, h: f32, fill: Colour) {
        self.draws.push(Draw::Rect { x, y, w, h, fill });
    }

    pub fn hline(&mut self, x: f32, y: f32, w: f32, width: f32, colour: Colour) {
        self.draws.push(Draw::Line {
            x1: x,
            y1: y,
            x2: x + w,
            y2: y,
            width,
            colour,
        });
    }
}

/// Text measurement and wrapping against the report's fonts.
pub(crate) struct Measure {
    pub fonts: &'static Fonts,
}

impl Measure {
    pub fn width(&self, text: &str, style: Style) -> f32 {
        super::fallback::width(self.fonts, text, style)
    }

    /// Lines of at most `width` points: words wrap, a word longer than a line breaks between
    /// characters, and line breaks in the text are kept. Never returns an empty list.
    pub fn wrap(&self, text: &str, style: Style, width: f32) -> Vec<String> {
        let text = text.replace("\r\n", "\n").replace('\r', "\n");
        let mut lines = Vec::new();
        for para in text.split('\n') {
            let para = self.fonts.printable(para);
            let mut line = String::new();
            for word in para.split(' ').filter(|w| !w.is_empty()) {
                let candidate = if line.is_empty() {
                    word.to_string()
                } else {
                    format!("{line} {word}")
                };
                if self.width(&candidate, style) <= width {
                    line = candidate;
                    continue;
                }
                if !line.is_empty() {
                    lines.push(std::mem::take(&mut line));
                }
                if self.width(word, style) <= width {
                    line = word.to_string();
                    continue;
                }
                // An address or a hash longer than a line: break after '.', '@', '-', '_' or
                // '/' where one fits, else between characters.
                let mut break_at: Option<usize> = None;
                for c in word.chars() {
                    let mut next = line.clone();
                    next.push(c);
                    if !line.is_empty() && self.width(&next, style) > width {
                        match break_at.filter(|b| *b > 0 && *b < line.len()) {
                            Some(b) => {
                                let rest = line.split_off(b);
                                lines.push(std::mem::replace(&mut line, rest));
                            }
                            None => lines.push(std::mem::take(&mut line)),
                        }
                        break_at = None;
                        line.push(c);
                    } else {
                        line = next;
                    }
                    if matches!(c, '.' | '@' | '-' | '_' | '/') {
                        break_at = Some(line.len());
                    }
                }
            }
            lines.push(line);
        }
        if lines.is_empty() {
            lines.push(String::new());
        }
        lines
    }

    /// `text` cut to `width` with an ellipsis when it does not fit.
    pub fn fit(&self, text: &str, style: Style, width: f32) -> String {
        let text = self.fonts.printable(text);
        if self.width(&text, style) <= width {
            return text;
        }
        let mut out = String::new();
        for c in text.chars() {
            out.push(c);
            if self.width(&format!("{out}…"), style) > width {
                out.pop();
                break;
            }
        }
        format!("{}…", out.trim_end())
    }
}

/// The page geometry.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Frame {
    pub width: f32,
    pub height: f32,
    pub left: f32,
    pub right: f32,
    pub top: f32,
    pub bottom: f32,
}

impl Frame {
    pub fn content_width(&self) -> f32 {
        self.width - self.left - self.right
    }
}

/// Flows blocks onto pages; returns each page's drawings in page coordinates (top-down).
/// `first_top` is where content starts on the first page (below its letterhead).
pub(crate) fn paginate(blocks: &[Block], frame: Frame, first_top: f32) -> Vec<Vec<Draw>> {
    let mut pages: Vec<Vec<Draw>> = vec![Vec::new()];
    let limit = frame.height - frame.bottom;
    let mut y = first_top;
    let mut at_top = true;
    let place = |page: &mut Vec<Draw>, block: &Block, y: f32| {
        page.extend(block.draws.iter().map(|d| d.moved(frame.left, y)));
    };
    for (i, block) in blocks.iter().enumerate() {
        // Spacing that would open a continued page is dropped.
        if block.draws.is_empty() && !block.page_break_before && at_top && pages.len() > 1 {
            continue;
        }
        // A heading drags along the blocks it must not be separated from.
        let mut needed = block.height;
        let mut j = i;
        while blocks[j].keep_with_next && j + 1 < blocks.len() {
            j += 1;
            needed += blocks[j].height;
        }
        if (y + needed > limit || block.page_break_before) && !at_top {
            pages.push(Vec::new());
            y = frame.top;
            at_top = true;
            if let Some(header) = &block.repeat {
                if let Some(page) = pages.last_mut() {
                    place(page, header, y);
                }
                y += header.height;
            }
        }
        if let Some(page) = pages.last_mut() {
            place(page, block, y);
        }
        y += block.height;
        at_top = at_top && block.draws.is_empty();
    }
    pages
}

fn pt(x: f32, y: f32, page_height: f32, control: bool) -> LinePoint {
    LinePoint {
        p: Point {
            x: Pt(x),
            y: Pt(page_height - y),
        },
        bezier: control,
    }
}

/// printpdf operations for one page's drawings (`ids` from [`FontIds::register`] over all pages).
pub(crate) fn to_ops(draws: &[Draw], page_height: f32, fonts: &Fonts, ids: &FontIds) -> Vec<Op> {
    let mut ops = vec![
        Op::SetLineCapStyle {
            cap: LineCapStyle::Round,
        },
        Op::SetLineJoinStyle {
            join: LineJoinStyle::Round,
        },
    ];
    for d in draws {
        match d {
            Draw::Text { x, y, style, text } => {
                ops.extend([
                    Op::StartTextSection,
                    Op::SetFillColor {
                        col: style.colour.pdf(),
                    },
                ]);
                // Fonts beyond the built-in ones, reading order and shaping: fallback.rs.
                ops.extend(fallback::text_ops(
                    fonts,
                    ids,
                    *x,
                    page_height - y,
                    *style,
                    text,
                ));
                ops.push(Op::EndTextSection);
            }
            Draw::Rect { x, y, w, h, fill } => {
                ops.push(Op::SetFillColor { col: fill.pdf() });
                ops.push(Op::DrawRectangle {
                    rectangle: Rect {
                        x: Pt(*x),
                        y: Pt(page_height - y - h),
                        width: Pt(*w),
                        height: Pt(*h),
                        mode: Some(PaintMode::Fill),
                        winding_order: None,
                    },
                });
            }
            Draw::Line {
                x1,
                y1,
                x2,
                y2,
                width,
                colour,
            } => {
                ops.push(Op::SetOutlineColor { col: colour.pdf() });
                ops.push(Op::SetOutlineThickness { pt: Pt(*width) });
                ops.push(Op::DrawLine {
                    line: Line {
                        points: vec![
                            pt(*x1, *y1, page_height, false),
                            pt(*x2, *y2, page_height, false),
                        ],
                        is_closed: false,
                    },
                });
            }
            Draw::Path {
                points,
                width,
                colour,
            } => {
                if points.is_empty() {
                    continue;
                }
                ops.push(Op::SetOutlineColor { col: colour.pdf() });
                ops.push(Op::SetOutlineThickness { pt: Pt(*width) });
                ops.push(Op::DrawLine {
                    line: Line {
                        points: points
                            .iter()
                            .map(|(x, y, c)| pt(*x, *y, page_height, *c))
                            .collect(),
                        is_closed: false,
                    },
                });
            }
        }
    }
    ops
}

#[cfg(test)]
mod tests {
    use super::*;

    fn measure() -> Measure {
        Measure {
            fonts: Fonts::get().unwrap(),
        }
    }

    /// A 200 × 300 pt page with a 260 pt tall content area (20 pt top and bottom margins).
    fn small_page() -> Frame {
        Frame {
            width: 200.0,
            height: 300.0,
            left: 10.0,
            right: 10.0,
            top: 20.0,
            bottom: 20.0,
        }
    }

    /// A block `h` points tall with something drawn in it, so it shows on the page.
    fn filled(h: f32) -> Block {
        let mut b = Block::new(h);
        b.rect(0.0, 0.0, 10.0, h, INK);
        b
    }

    #[test]
    fn long_text_wraps_within_the_width_and_keeps_every_word() {
        let m = measure();
        let style = Style::new(10.0, false, INK);
        let text = "The quick brown fox jumps over the lazy dog. ".repeat(20);
        let lines = m.wrap(&text, style, 200.0);
        assert!(lines.len() > 5);
        assert!(lines.iter().all(|l| m.width(l, style) <= 200.0));
        assert_eq!(
            lines.join(" ").split_whitespace().count(),
            text.split_whitespace().count()
        );
        let email = "first.last-external@finance.contoso-holdings.example";
        let lines = m.wrap(email, style, 120.0);
        assert!(lines.len() > 1);
        assert_eq!(lines.concat(), email);
        assert!(
            lines[..lines.len() - 1]
                .iter()
                .all(|l| l.ends_with(['.', '@', '-'])),
            "{lines:?}"
        );
        let hash = "a".repeat(300);
        let lines = m.wrap(&hash, style, 100.0);
        assert!(lines.len() > 2);
        assert_eq!(lines.concat(), hash);
        assert_eq!(m.wrap("", style, 100.0), vec![String::new()]);
        assert_eq!(m.wrap("a\n\nb", style, 100.0).len(), 3);
    }

    #[test]
    fn blocks_never_split_and_headings_stay_with_what_follows() {
        let frame = small_page();
        let row = filled(100.0);
        let mut heading = filled(30.0);
        heading.keep_with_next = true;
        // 20 + 100 + 100 = 220; the heading (30) plus the next row (100) no longer fit on page 1.
        let blocks = vec![row.clone(), row.clone(), heading, row.clone()];
        let pages = paginate(&blocks, frame, 20.0);
        assert_eq!(pages.len(), 2);
        for page in &pages {
            for d in page {
                if let Draw::Rect { y, h, .. } = d {
                    assert!(*y >= 20.0 && y + h <= 280.0, "{y} {h}");
                }
            }
        }
        assert_eq!(pages[1].len(), 2, "heading moved with its row");
    }

    #[test]
    fn a_page_break_starts_a_new_page_unless_the_page_is_empty() {
        let frame = small_page();
        let row = filled(20.0);
        let mut brk = Block::new(0.0);
        brk.page_break_before = true;
        let pages = paginate(&[row.clone(), brk.clone(), row.clone()], frame, 20.0);
        assert_eq!(pages.iter().map(Vec::len).collect::<Vec<_>>(), [1, 1]);
        // At the top of a page it adds no blank page.
        let pages = paginate(&[brk, row], frame, 20.0);
        assert_eq!(pages.len(), 1);
    }
}
