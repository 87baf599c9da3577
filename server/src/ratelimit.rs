//! Per-key (per-visitor) fixed-window rate limiter; over the limit a route answers 429.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// A fixed-window counter per key.
#[derive(Debug)]
pub struct RateLimiter {
    max: u32,
    window: Duration,
    enabled: bool,
    buckets: Mutex<HashMap<String, (Instant, u32)>>,
}

impl RateLimiter {
    /// `max` requests per `window` per key; `enabled=false` allows everything.
    pub fn new(enabled: bool, max: u32, window: Duration) -> Self {
        RateLimiter {
            max,
            window,
            enabled,
            buckets: Mutex::new(HashMap::new()),
        }
    }

    /// Counts one request for `key`; false when over the limit.
    pub fn check(&self, key: &str) -> bool {
        self.check_at(key, Instant::now())
    }

    fn check_at(&self, key: &str, now: Instant) -> bool {
        if !self.enabled {
            return true;
        }
        let mut b = self.buckets.lock().unwrap_or_else(|p| p.into_inner());
        if b.len() > 10_000 {
            let window = self.window;
            b.retain(|_, (start, _)| now.duration_since(*start) < window);
        }
        let entry = b.entry(key.to_string()).or_insert((now, 0));
        if now.duration_since(entry.0) >= self.window {
            *entry = (now, 0);
        }
        if entry.1 >= self.max {
            return false;
        }
        entry.1 += 1;
        true
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn limits_per_key_and_resets_after_window() {
        let r = RateLimiter::new(true, 2, Duration::from_secs(10));
        let t0 = Instant::now();
        assert!(r.check_at("a", t0));
        assert!(r.check_at("a", t0));
        assert!(!r.check_at("a", t0));
        assert!(r.check_at("b", t0), "other keys are independent");
        assert!(r.check_at("a", t0 + Duration::from_secs(11)));
    }

    #[test]
    fn disabled_allows_everything() {
        let r = RateLimiter::new(false, 1, Duration::from_secs(10));
        for _ in 0..10 {
            assert!(r.check("a"));
        }
    }
}
