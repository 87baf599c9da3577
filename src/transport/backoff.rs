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
    let j = jitter.clamp(0.0, 0.999_999);
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
    fn jitter_stays_in_range() {
        for i in 0..10 {
            let j = f64::from(i) / 10.0;
            let d = delay_ms(4, j);
            assert!((2000.0..4000.0).contains(&d), "{d}");
        }
        assert!(delay_ms(4, 5.0) < 4000.0);
    }
}
