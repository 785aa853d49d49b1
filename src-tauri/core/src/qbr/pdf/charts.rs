//! Bar charts drawn as vectors (rectangles, lines and text; no image), so they print sharp at
//! any size and their numbers can be selected and read back from the file.

use crate::report::flow::Flow;
use crate::report::layout::{Block, Colour, Style, INK, MUTED, RULE};

/// The second colour of a pair of bars: a light tint of the accent.
pub(crate) const TINT: Colour = Colour(0.49, 0.68, 0.77);

pub(crate) struct Series<'a> {
    pub name: &'a str,
    pub colour: Colour,
    /// One value per category; none draws no bar and prints "–" (a month without answers).
    pub values: Vec<Option<f64>>,
}

pub(crate) struct BarChart<'a> {
    pub title: &'a str,
    pub categories: Vec<String>,
    pub series: Vec<Series<'a>>,
    /// The top of the axis and its step when they are fixed (100 by 25 for a percentage, 5 by
    /// 1 for a rating).
    pub max: Option<(f64, f64)>,
    /// Whether the values are counts, so the axis ticks stay whole numbers.
    pub whole: bool,
    /// A bar's value as printed on it, and an axis tick's.
    pub value_text: &'a dyn Fn(f64) -> String,
    /// What the values are, printed along the axis ("tickets", "%", "hours").
    pub unit: &'a str,
}

const PLOT_H: f32 = 86.0;
const AXIS_W: f32 = 38.0;
const TITLE: Style = Style::new(9.2, true, INK);
const VALUE: Style = Style::new(6.8, true, INK);
const TICK: Style = Style::new(6.6, false, MUTED);
const CATEGORY: Style = Style::new(7.2, false, INK);

/// An axis step people read easily: 1, 2, 2.5 or 5 times a power of ten.
fn nice_step(raw: f64, whole: bool) -> f64 {
    if !(raw.is_finite() && raw > 0.0) {
        return 1.0;
    }
    let magnitude = 10f64.powf(raw.log10().floor());
    let step = [1.0, 2.0, 2.5, 5.0, 10.0]
        .iter()
        .map(|m| m * magnitude)
        .find(|s| *s >= raw)
        .unwrap_or(10.0 * magnitude);
    if whole {
        step.ceil().max(1.0)
    } else {
        step
    }
}

/// The axis top and its step: at most six steps covering `largest`, with room above it.
fn axis(largest: f64, fixed: Option<(f64, f64)>, whole: bool) -> (f64, f64) {
    if let Some(fixed) = fixed {
        return fixed;
    }
    let step = nice_step(largest / 4.0, whole);
    let top = (largest / step).ceil().max(1.0) * step;
    // Room above the tallest bar for its number.
    if largest > 0.9 * top {
        (top + step, step)
    } else {
        (top, step)
    }
}

/// Appends the chart to `flow` as one block (a chart never splits across pages).
pub(crate) fn bar_chart(flow: &mut Flow, c: &BarChart) {
    let w = flow.w;
    let m = &flow.m;
    let top = 40.0;
    let base = top + PLOT_H;
    let height = base + 34.0;
    let mut b = Block::new(height);
    b.text(0.0, 12.0, TITLE, &m.fit(c.title, TITLE, w * 0.55));

    // Legend, right-aligned on the title's line, when bars come in pairs.
    if c.series.len() > 1 {
        let mut x = w;
        for s in c.series.iter().rev() {
            let name = m.fit(s.name, TICK, w * 0.2);
            x -= m.width(&name, TICK);
            b.text(x, 12.0, TICK, &name);
            x -= 11.0;
            b.rect(x, 5.5, 8.0, 8.0, s.colour);
            x -= 10.0;
        }
    }

    let largest = c
        .series
        .iter()
        .flat_map(|s| s.values.iter().flatten())
        .fold(0.0f64, |a, v| a.max(*v));
    let (max, step) = axis(largest, c.max, c.whole);
    let x0 = AXIS_W;
    let plot_w = w - x0;
    let y_of = |v: f64| base - (v / max).clamp(0.0, 1.0) as f32 * PLOT_H;

    // Grid lines and ticks.
    let mut tick = 0.0;
    while tick <= max + step / 1000.0 {
        let y = y_of(tick);
        if tick > 0.0 {
            b.hline(x0, y, plot_w, 0.4, RULE);
        }
        let label = (c.value_text)(tick);
        b.text(x0 - 5.0 - m.width(&label, TICK), y + 2.3, TICK, &label);
        tick += step;
    }
    b.text(0.0, 26.0, TICK, &m.fit(c.unit, TICK, w * 0.4));

    let n = c.categories.len().max(1);
    let group_w = plot_w / n as f32;
    let bars = c.series.len().max(1) as f32;
    let bar_w = (group_w * 0.72 / bars).min(34.0);
    for (i, category) in c.categories.iter().enumerate() {
        let gx = x0 + i as f32 * group_w;
        let first = gx + (group_w - bar_w * bars) / 2.0;
        for (k, s) in c.series.iter().enumerate() {
            let x = first + k as f32 * bar_w;
            let value = s.values.get(i).copied().flatten();
            let label = match value {
                Some(v) => {
                    let y = y_of(v);
                    if base - y > 0.05 {
                        b.rect(x + 1.0, y, bar_w - 2.0, base - y, s.colour);
                    }
                    (c.value_text)(v)
                }
                None => "–".to_string(),
            };
            let label = m.fit(&label, VALUE, bar_w + 6.0);
            let lx = x + (bar_w - m.width(&label, VALUE)) / 2.0;
            b.text(lx, y_of(value.unwrap_or(0.0)) - 3.0, VALUE, &label);
        }
        let name = m.fit(category, CATEGORY, group_w - 4.0);
        let nx = gx + (group_w - m.width(&name, CATEGORY)) / 2.0;
        b.text(nx, base + 12.0, CATEGORY, &name);
    }
    b.hline(x0, base, plot_w, 0.9, INK);
    flow.push(b);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn axes_end_on_round_numbers_above_the_largest_bar() {
        assert_eq!(axis(3.0, None, true), (4.0, 1.0));
        assert_eq!(axis(7.0, None, true), (8.0, 2.0));
        assert_eq!(axis(37.0, None, true), (50.0, 10.0));
        assert_eq!(axis(16.0, None, true), (20.0, 5.0));
        assert_eq!(axis(0.0, None, true), (1.0, 1.0));
        assert_eq!(axis(1.6, None, false), (2.0, 0.5));
        assert_eq!(axis(42.0, Some((100.0, 25.0)), false), (100.0, 25.0));
    }
}
