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

    /// Records `value` at `step` if `step` falls on the current stride; when full, doubles the stride and keeps
    /// only the samples on it, until fewer than `cap` remain. A history pushed only every k steps loses nothing to
    /// the doublings that k is already a multiple of (every 40 steps: strides 2, 4 and 8), so it goes on doubling
    /// at once; with a single doubling it kept all its samples, grew past the storage reserved for `cap` and
    /// reallocated it (the soak saw the Lion/Tiger figure's wasm memory grow by 0.14 MB after its first minute).
    pub fn push(&mut self, step: u64, value: T) {
        if !step.is_multiple_of(self.stride) {
            return;
        }
        self.items.push((step, value));
        while self.items.len() >= self.cap {
            match self.stride.checked_mul(2) {
                Some(stride) => {
                    self.stride = stride;
                    self.items.retain(|(s, _)| s.is_multiple_of(stride));
                }
                // Samples no stride separates (one step pushed again and again): the older half goes.
                None => {
                    self.items.drain(..self.items.len() / 2);
                }
            }
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
