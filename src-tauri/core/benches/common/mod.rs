//! What the benchmarks share: tail percentiles, which criterion does not report.

use std::time::Instant;

/// Times `f` 1,000 times and prints a "percentiles:" line (p50, p95, p99 in milliseconds).
pub fn percentiles(name: &str, mut f: impl FnMut()) {
    let mut samples: Vec<f64> = (0..1000)
        .map(|_| {
            let t = Instant::now();
            f();
            t.elapsed().as_secs_f64() * 1e3
        })
        .collect();
    samples.sort_by(f64::total_cmp);
    let at = |q: f64| samples[((samples.len() as f64 - 1.0) * q).round() as usize];
    println!(
        "percentiles: {name}: p50 {:.3} ms, p95 {:.3} ms, p99 {:.3} ms",
        at(0.5),
        at(0.95),
        at(0.99)
    );
}
