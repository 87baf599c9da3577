//! Reconnect delays: exponential backoff with jitter, capped (pure, tested natively).

/// Base delay of the first retry, in ms.
pub const BASE_MS: f64 = 500.0;
/// Largest delay, in ms.
pub const CAP_MS: f64 = 30_000.0;

/// Delay before reconnect attempt `attempt` (1-based). `jitter` in `[0, 1)` spreads the delay over
/// `[d/2, d)` where `d = min(CAP, BASE * 2^(attempt-1))` ("equal jitter"), so a fleet of widgets does
/// not reconnect in lockstep after a server restart.
pub fn delay_ms(attempt: u32, jitter: f64) -> f64 {
    let exp = attempt.saturating_sub(1).min(16);
    let d = (BASE_MS * f64::from(1u32 << exp)).min(CAP_MS);
    // Math.random is never NaN, but a NaN delay would mean "reconnect at once"
    let j = if jitter.is_nan() {
        0.0
    } else {
        jitter.clamp(0.0, 0.999_999)
    };
    d / 2.0 + d / 2.0 * j
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn grows_and_caps() {
        assert_eq!(delay_ms(1, 0.0), 250.0);
        assert_eq!(delay_ms(2, 0.0), 500.0);
        assert!(delay_ms(3, 0.5) > delay_ms(2, 0.5));
        assert!(delay_ms(100, 0.999) < CAP_MS);
        assert_eq!(delay_ms(100, 0.0), CAP_MS / 2.0);
    }

    #[test]
    fn never_shrinks_and_reaches_the_cap() {
        for j in [0.0, 0.3, 0.99] {
            let mut prev = 0.0;
            for attempt in 0..40 {
                let d = delay_ms(attempt, j);
                assert!(d >= prev, "attempt {attempt} jitter {j}: {d} < {prev}");
                assert!(d > 0.0 && d < CAP_MS, "{d}");
                prev = d;
            }
        }
        assert_eq!(
            delay_ms(0, 0.0),
            delay_ms(1, 0.0),
            "attempt 0 counts as the first"
        );
        // 500 * 2^6 = 32 s is over the cap: from attempt 7 the window is [15 s, 30 s)
        assert_eq!(delay_ms(7, 0.0), CAP_MS / 2.0);
        assert_eq!(delay_ms(u32::MAX, 0.0), CAP_MS / 2.0);
    }

    #[test]
    fn bad_jitter_is_clamped() {
        assert_eq!(delay_ms(3, -1.0), delay_ms(3, 0.0));
        assert!(delay_ms(3, f64::INFINITY) < 2000.0);
        assert_eq!(delay_ms(3, f64::NAN), delay_ms(3, 0.0));
    }

    #[test]
    fn jitter_stays_in_range() {
        for i in 0..10 {
            let j = f64::from(i) / 10.0;
            let d = delay_ms(4, j);
            assert!((2000.0..4000.0).contains(&d), "{d}");
        }
        assert!(delay_ms(4, 5.0) < 4000.0);
    }
}
