//! The metrics history behind the page's "Download CSV": one row per recorded step, a `step` column and one
//! column per scalar metric, at most [`MAX_ROWS`] rows.
//!
//! The recorder samples the run at every step that is a multiple of its stride. The stride starts at 1; when
//! the table is full it doubles and every row off the new stride is dropped, so a long run keeps evenly spaced
//! rows over its whole length and the table never grows past [`MAX_ROWS`]. The rows taken depend only on the
//! step numbers, never on how the steps were batched into animation frames, so the same run always gives the
//! same table. [`Recorder::replay`] rebuilds the table of a run from step 0, which is exact because a run's
//! state depends only on its panel, parameters, seed and step count (see [`crate::runner`]).

use crate::runner::Runner;
use serde_json::Value as Json;

/// The largest number of data rows a table holds (the header not counted).
pub const MAX_ROWS: usize = 10_000;

/// A decimating table of scalar metrics by step.
#[derive(Clone, Debug, Default)]
pub struct Recorder {
    /// The names of the scalar metrics (fixed by the first row).
    columns: Vec<&'static str>,
    /// Rows are taken at steps that are multiples of this.
    stride: u64,
    /// `(step, values in column order)`, as the JSON values of [`Runner::metrics_json`].
    rows: Vec<(u64, Vec<Json>)>,
}

impl Recorder {
    /// An empty table.
    pub fn new() -> Self {
        Recorder { columns: Vec::new(), stride: 1, rows: Vec::new() }
    }

    /// Forgets every row.
    pub fn clear(&mut self) {
        *self = Recorder::new();
    }

    /// The number of data rows.
    pub fn len(&self) -> usize {
        self.rows.len()
    }

    /// Whether the table has no row.
    pub fn is_empty(&self) -> bool {
        self.rows.is_empty()
    }

    /// The current stride between recorded steps.
    pub fn stride(&self) -> u64 {
        self.stride
    }

    /// The scalar metric names (the CSV columns after `step`).
    pub fn columns(&self) -> &[&'static str] {
        &self.columns
    }

    /// The recorded steps, in order.
    pub fn steps(&self) -> impl Iterator<Item = u64> + '_ {
        self.rows.iter().map(|(s, _)| *s)
    }

    /// The next step after `step` at which a row is due.
    pub fn next_due(&self, step: u64) -> u64 {
        (step / self.stride + 1) * self.stride
    }

    /// Records the runner's current metrics if its step count falls on the stride (and was not recorded yet).
    pub fn record(&mut self, runner: &Runner) {
        let step = runner.steps();
        if !step.is_multiple_of(self.stride) || self.rows.last().is_some_and(|(s, _)| *s >= step) {
            return;
        }
        let metrics = runner.metrics_json();
        if self.columns.is_empty() && self.rows.is_empty() {
            // Lists (such as a vector of weights) have no single cell; every other metric gets a column.
            let names = runner.panel().metric_names();
            self.columns = names.iter().copied().filter(|k| !metrics[*k].is_array()).collect();
        }
        let values = self.columns.iter().map(|c| metrics[*c].clone()).collect();
        self.rows.push((step, values));
        if self.rows.len() >= MAX_ROWS {
            self.stride *= 2;
            let stride = self.stride;
            self.rows.retain(|(s, _)| s.is_multiple_of(stride));
        }
    }

    /// Advances `runner` by up to `n` steps, recording every due row on the way; returns the steps taken.
    pub fn step(&mut self, runner: &mut Runner, n: u64) -> u64 {
        let mut taken = 0;
        while taken < n {
            let chunk = (self.next_due(runner.steps()) - runner.steps()).min(n - taken);
            let done = runner.step(chunk);
            taken += done;
            if done < chunk {
                break;
            }
            self.record(runner);
        }
        taken
    }

    /// The table of `runner`'s run, rebuilt by replaying a fresh copy of it from step 0 to its step count.
    pub fn replay(runner: &Runner) -> Recorder {
        let mut copy = Runner::new(runner.panel(), runner.params().clone(), runner.seed());
        let mut rec = Recorder::new();
        rec.record(&copy);
        rec.step(&mut copy, runner.steps());
        rec
    }

    /// The table as CSV text: a header `step,<metric>,...` and one line per row. Numbers are written in their
    /// shortest exact form (as `dynamics run` prints them), booleans as `true`/`false`, and a missing or
    /// non-finite value as an empty cell.
    pub fn csv(&self) -> String {
        let mut out = String::from("step");
        for c in &self.columns {
            out.push(',');
            out.push_str(c);
        }
        out.push('\n');
        for (step, values) in &self.rows {
            out.push_str(&step.to_string());
            for v in values {
                out.push(',');
                match v {
                    Json::Number(_) | Json::Bool(_) => out.push_str(&v.to_string()),
                    _ => {}
                }
            }
            out.push('\n');
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::panels;

    fn runner(id: &str) -> Runner {
        Runner::with_defaults(panels::find(id).unwrap())
    }

    /// Every row equals the metrics of an independent run stopped at that step, whatever the batching.
    #[test]
    fn rows_equal_independent_runs_at_their_steps() {
        let mut live = runner("simsiam-toy");
        let mut rec = Recorder::new();
        rec.record(&live);
        for n in [1, 7, 20, 3, 100] {
            assert_eq!(rec.step(&mut live, n), n);
        }
        assert_eq!(rec.len(), 132);
        assert_eq!(rec.steps().collect::<Vec<_>>(), (0..=131).collect::<Vec<_>>());
        let text = rec.csv();
        let lines: Vec<&str> = text.lines().collect();
        let names: Vec<&str> = panels::find("simsiam-toy").unwrap().metric_names().to_vec();
        assert_eq!(lines[0].split(',').next(), Some("step"));
        assert!(lines[0].split(',').skip(1).all(|c| names.contains(&c)), "{}", lines[0]);
        for step in [0u64, 1, 50, 131] {
            let mut other = runner("simsiam-toy");
            other.step(step);
            let m = other.metrics_json();
            let cells: Vec<&str> = lines[step as usize + 1].split(',').collect();
            assert_eq!(cells[0], step.to_string());
            for (c, cell) in rec.columns().iter().zip(&cells[1..]) {
                let want = &m[*c];
                if want.is_null() {
                    assert_eq!(*cell, "", "{c} at {step}");
                } else {
                    assert_eq!(*cell, want.to_string(), "{c} at {step}");
                }
            }
        }
    }

    /// The table never passes MAX_ROWS, stays evenly spaced from step 0, and keeps the same rows as a replay.
    #[test]
    fn long_runs_are_thinned_evenly_and_replays_agree() {
        let mut live = runner("dirac-gan");
        let mut rec = Recorder::new();
        rec.record(&live);
        let mut total = 0;
        while total < 3 * MAX_ROWS as u64 + 17 {
            total += rec.step(&mut live, 997);
        }
        assert!(rec.len() <= MAX_ROWS && rec.len() > MAX_ROWS / 4, "{} rows", rec.len());
        let steps: Vec<u64> = rec.steps().collect();
        assert_eq!(steps[0], 0);
        assert!(steps.windows(2).all(|w| w[1] - w[0] == rec.stride()), "uneven rows");
        assert_eq!(rec.stride(), 4);
        let replayed = Recorder::replay(&live);
        assert_eq!(replayed.csv(), rec.csv());
    }

    /// Lists have no column, every other metric has one, in the panel's order.
    #[test]
    fn every_scalar_metric_has_a_column_and_lists_have_none() {
        for p in panels::all() {
            let mut r = Runner::with_defaults(p);
            r.step(5);
            let rec = Recorder::replay(&r);
            let m = r.metrics_json();
            let want: Vec<&str> = p.metric_names().iter().copied().filter(|k| !m[*k].is_array()).collect();
            assert_eq!(rec.columns(), &want[..], "{}", p.id());
            assert_eq!(rec.len(), 6, "{}", p.id());
            let header = rec.csv().lines().next().unwrap().to_string();
            assert_eq!(header, format!("step,{}", want.join(",")), "{}", p.id());
        }
    }
}
