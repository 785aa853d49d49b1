//! Flowing text, fields and tables into blocks: what every report document is written with.
//!
//! A [`Flow`] measures and wraps text against the report's fonts and appends [`Block`]s that
//! [`super::layout::paginate`] then places on pages. Closure reports and QBR packs both write
//! through it, so headings, paragraphs and tables look (and break across pages) the same.

use super::layout::*;
use std::rc::Rc;

pub(crate) const BODY: Style = Style::new(9.2, false, INK);
pub(crate) const BODY_BOLD: Style = Style::new(9.2, true, INK);
pub(crate) const LEAD: Style = Style::new(10.2, false, INK);
pub(crate) const SMALL: Style = Style::new(7.8, false, MUTED);
pub(crate) const SMALL_BOLD: Style = Style::new(7.8, true, MUTED);
pub(crate) const LABEL: Style = Style::new(7.2, true, MUTED);
pub(crate) const HEADING: Style = Style::new(11.5, true, ACCENT);
pub(crate) const PHASE: Style = Style::new(9.8, true, ACCENT);
pub(crate) const TABLE_HEAD: Style = Style::new(7.6, true, MUTED);

/// Width of the label column of label/value rows.
pub(crate) const LABEL_WIDTH: f32 = 128.0;
/// Indent of a step's values under its title.
pub(crate) const STEP_INDENT: f32 = 24.0;
/// Note lines kept inside a table row; the rest follow as lines of their own (so a long note
/// can run onto the next page instead of overflowing it).
pub(crate) const NOTE_LINES_IN_ROW: usize = 8;

/// A table row: its cells (text and style) and an optional note printed under it.
pub(crate) type Row = (Vec<(String, Style)>, Option<String>);

/// Paragraphs of up to this many lines never break across pages.
pub(crate) const SHORT_PARAGRAPH: usize = 6;

/// Whether line `i` of `n` must stay on the page of the line after it: short paragraphs stay
/// whole, and a long one leaves at least two lines on each side of a page break.
pub(crate) fn keep_line(i: usize, n: usize) -> bool {
    if i + 1 >= n {
        return false;
    }
    n <= SHORT_PARAGRAPH || i == 0 || i + 2 == n
}

/// Wraps `text` into at most `max_lines` lines at `width`, shrinking the type (down to `min`)
/// until it does; below that it wraps into as many lines as it needs. Nothing is cut.
pub(crate) fn wrap_shrinking(
    m: &Measure,
    text: &str,
    mut style: Style,
    width: f32,
    max_lines: usize,
    min: f32,
) -> (Vec<String>, Style) {
    loop {
        let lines = m.wrap(text, style, width);
        if lines.len() <= max_lines || style.size <= min {
            return (lines, style);
        }
        style.size = (style.size - 0.5).max(min);
    }
}

/// Blocks being written across the content width `w`.
pub(crate) struct Flow {
    pub m: Measure,
    pub w: f32,
    pub blocks: Vec<Block>,
}

impl Flow {
    pub fn new(m: Measure, w: f32) -> Flow {
        Flow {
            m,
            w,
            blocks: Vec::new(),
        }
    }

    pub fn push(&mut self, b: Block) {
        self.blocks.push(b);
    }

    pub fn heading(&mut self, title: &str) {
        let mut b = Block::new(30.0);
        b.text(0.0, 21.0, HEADING, title);
        b.hline(0.0, 26.0, self.w, 0.8, ACCENT);
        b.keep_with_next = true;
        self.push(b);
        self.push(Block::spacer(4.0));
        if let Some(last) = self.blocks.last_mut() {
            last.keep_with_next = true;
        }
    }

    pub fn subheading(&mut self, title: &str) {
        let mut b = Block::new(22.0);
        b.text(0.0, 16.0, PHASE, title);
        b.keep_with_next = true;
        self.push(b);
    }

    /// A paragraph, one block per line so long text can run across pages.
    pub fn paragraph(&mut self, x: f32, text: &str, style: Style) {
        let lines = self.m.wrap(text, style, self.w - x);
        let n = lines.len();
        for (i, line) in lines.into_iter().enumerate() {
            let mut b = Block::new(style.leading());
            b.text(x, style.size, style, &line);
            b.keep_with_next = keep_line(i, n);
            self.push(b);
        }
    }

    /// A label and its value side by side; both wrap, one block per line so long values can
    /// run across pages (the label's lines travel with the value's first lines).
    pub fn field_at(&mut self, x: f32, label: &str, value: &str) {
        let vx = x + LABEL_WIDTH;
        let lines = self.m.wrap(value, BODY, self.w - vx);
        let labels = self.m.wrap(label, LABEL, LABEL_WIDTH - 10.0);
        let n = lines.len().max(labels.len());
        for i in 0..n {
            let mut b = Block::new(BODY.leading());
            if let Some(l) = labels.get(i) {
                b.text(x, BODY.size, LABEL, l);
            }
            if let Some(v) = lines.get(i) {
                b.text(vx, BODY.size, BODY, v);
            }
            b.keep_with_next = i + 1 < labels.len() || keep_line(i, n);
            self.push(b);
        }
        self.push(Block::spacer(2.5));
    }

    pub fn field(&mut self, label: &str, value: &str) {
        self.field_at(0.0, label, value);
    }

    /// A table: a header row repeated on each page it runs onto, and rows that never split.
    /// `cols` are (title, width share, right-aligned); cells wrap within their column, and a row
    /// may carry a wrapped note under it.
    pub fn table(&mut self, cols: &[(&str, f32, bool)], rows: Vec<Row>) {
        let total: f32 = cols.iter().map(|c| c.1).sum();
        let widths: Vec<f32> = cols.iter().map(|c| c.1 / total * self.w).collect();
        let pad = 5.0;
        let cell_x = |i: usize| -> f32 { widths[..i].iter().sum::<f32>() };
        let head_lines: Vec<Vec<String>> = cols
            .iter()
            .enumerate()
            .map(|(i, c)| self.m.wrap(c.0, TABLE_HEAD, widths[i] - 2.0 * pad))
            .collect();
        let head_n = head_lines.iter().map(Vec::len).max().unwrap_or(1);
        let head_h = 18.0 + (head_n - 1) as f32 * TABLE_HEAD.leading();
        let mut head = Block::new(head_h);
        head.rect(0.0, 0.0, self.w, head_h, SHADE);
        for (i, lines) in head_lines.iter().enumerate() {
            for (k, t) in lines.iter().enumerate() {
                let x = if cols[i].2 {
                    cell_x(i) + widths[i] - pad - self.m.width(t, TABLE_HEAD)
                } else {
                    cell_x(i) + pad
                };
                head.text(x, 12.0 + k as f32 * TABLE_HEAD.leading(), TABLE_HEAD, t);
            }
        }
        let head = Rc::new(head);
        let mut first = (*head).clone();
        first.keep_with_next = true;
        self.push(first);
        let note_x = widths[0] + pad;
        let note_w = self.w - 2.0 * pad - widths[0];
        for (cells, note) in rows {
            let cell_lines: Vec<(Vec<String>, Style)> = cells
                .iter()
                .enumerate()
                .take(cols.len())
                .map(|(i, (text, style))| {
                    (self.m.wrap(text, *style, widths[i] - 2.0 * pad), *style)
                })
                .collect();
            let n = cell_lines.iter().map(|c| c.0.len()).max().unwrap_or(1);
            let mut note_lines = note
                .filter(|n| !n.trim().is_empty())
                .map(|n| self.m.wrap(&n, SMALL, note_w))
                .unwrap_or_default();
            let rest = if note_lines.len() > NOTE_LINES_IN_ROW {
                note_lines.split_off(NOTE_LINES_IN_ROW)
            } else {
                Vec::new()
            };
            let cells_h = 17.0 + (n - 1) as f32 * BODY.leading();
            let height = cells_h + note_lines.len() as f32 * SMALL.leading();
            let mut b = Block::new(height);
            b.hline(0.0, 0.2, self.w, 0.4, RULE);
            for (i, (lines, style)) in cell_lines.iter().enumerate() {
                for (k, t) in lines.iter().enumerate() {
                    let x = if cols[i].2 {
                        cell_x(i) + widths[i] - pad - self.m.width(t, *style)
                    } else {
                        cell_x(i) + pad
                    };
                    b.text(x, 11.5 + k as f32 * BODY.leading(), *style, t);
                }
            }
            for (k, line) in note_lines.iter().enumerate() {
                b.text(
                    note_x,
                    cells_h - 5.5 + (k as f32 + 1.0) * SMALL.leading(),
                    SMALL,
                    line,
                );
            }
            b.repeat = Some(head.clone());
            b.keep_with_next = !rest.is_empty();
            self.push(b);
            let r = rest.len();
            for (k, line) in rest.into_iter().enumerate() {
                let mut b = Block::new(SMALL.leading());
                b.text(note_x, SMALL.size, SMALL, &line);
                b.keep_with_next = keep_line(k, r);
                b.repeat = Some(head.clone());
                self.push(b);
            }
            if r > 0 {
                self.gap(5.0);
            }
        }
        let mut end = Block::new(1.0);
        end.hline(0.0, 0.2, self.w, 0.4, RULE);
        self.push(end);
    }

    pub fn gap(&mut self, h: f32) {
        self.push(Block::spacer(h));
    }
}
