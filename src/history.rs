//! Bounded time series for drawing: keeps at most `cap` samples by halving its resolution when full.

/// A decimating history of `(step, value)` samples.
#[derive(Clone, Debug)]
pub struct History<T> {
    cap: usize,
    stride: u64,
    items: Vec<(u64, T)>,
}

impl<T: Clone> History<T> {
    /// An empty history that keeps at most `cap` samples (at least 16). Its storage for all of them is reserved
    /// now, so that a long run's memory does not grow while the history fills (it never holds more than `cap`).
    pub fn new(cap: usize) -> Self {
        let cap = cap.max(16);
        History { cap, stride: 1, items: Vec::with_capacity(cap) }
    }

    /// Records `value` at `step` if `step` falls on the current stride; thins the samples when full.
    pub fn push(&mut self, step: u64, value: T) {
        if !step.is_multiple_of(self.stride) {
            return;
        }
        self.items.push((step, value));
        if self.items.len() >= self.cap {
            self.stride *= 2;
            let stride = self.stride;
            self.items.retain(|(s, _)| s.is_multiple_of(stride));
        }
    }

    /// Whether a sample at `step` would be kept by [`History::push`] (so a caller can skip computing one that
    /// would be dropped).
    pub fn keeps(&self, step: u64) -> bool {
        step.is_multiple_of(self.stride)
    }

    /// The kept samples in step order.
    pub fn items(&self) -> &[(u64, T)] {
        &self.items
    }

    /// The most recent kept sample.
    pub fn last(&self) -> Option<&(u64, T)> {
        self.items.last()
    }

    /// Forgets everything.
    pub fn clear(&mut self) {
        self.items.clear();
        self.stride = 1;
    }
}
