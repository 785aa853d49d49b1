//! Means, medians and percentages as the figures' definitions state them.

/// `part` as a percentage of `whole`; none of nothing.
pub(crate) fn pct(part: u32, whole: u32) -> Option<f64> {
    (whole > 0).then(|| 100.0 * f64::from(part) / f64::from(whole))
}

/// The mean, rounded down to the second (times are never negative).
pub(crate) fn mean_secs(values: &[i64]) -> Option<i64> {
    let n = i64::try_from(values.len()).ok().filter(|n| *n > 0)?;
    Some(values.iter().sum::<i64>().div_euclid(n))
}

/// The middle value; with an even count the mean of the two middle ones, rounded down.
pub(crate) fn median_secs(values: &[i64]) -> Option<i64> {
    let mut sorted = values.to_vec();
    sorted.sort_unstable();
    let n = sorted.len();
    match n {
        0 => None,
        _ if n % 2 == 1 => Some(sorted[n / 2]),
        _ => Some((sorted[n / 2 - 1] + sorted[n / 2]).div_euclid(2)),
    }
}

/// The mean of ratings; none of none.
pub(crate) fn mean(values: &[i64]) -> Option<f64> {
    (!values.is_empty()).then(|| values.iter().sum::<i64>() as f64 / values.len() as f64)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn medians_of_odd_and_even_counts() {
        assert_eq!(median_secs(&[]), None);
        assert_eq!(median_secs(&[7]), Some(7));
        assert_eq!(median_secs(&[9, 1, 5]), Some(5));
        // (3 + 6) / 2 = 4.5, rounded down.
        assert_eq!(median_secs(&[10, 3, 6, 1]), Some(4));
    }

    #[test]
    fn means_round_down_and_percentages_of_nothing_are_none() {
        assert_eq!(mean_secs(&[]), None);
        assert_eq!(mean_secs(&[1, 2]), Some(1));
        assert_eq!(pct(1, 0), None);
        assert_eq!(pct(1, 4), Some(25.0));
        assert_eq!(mean(&[4, 5]), Some(4.5));
        assert_eq!(mean(&[]), None);
    }
}
