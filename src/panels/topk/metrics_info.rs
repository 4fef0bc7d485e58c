//! Labels, units, groups and predictions of the panel's metrics, as the page shows them (display only: the
//! metric keys of the JSON output are unchanged).

use crate::panel::MetricInfo;

/// One entry per metric, in the order of [`super::METRICS`].
pub static INFO: [MetricInfo; 16] = [
    MetricInfo::new("p", "p (output)", "", "output"),
    MetricInfo::new("sum", "Σ p", "", "output"),
    MetricInfo::new("max", "max p", "", "output"),
    MetricInfo::new("min", "min p", "", "output"),
    MetricInfo::new("threshold", "threshold λτ", "", "output"),
    MetricInfo::new("max_dev_hard", "max |p − hard top-k|", "", "checks"),
    MetricInfo::new("monotone", "order of x kept", "", "checks"),
    MetricInfo::new("tau", "τ (current)", "", "run"),
    MetricInfo::new("in_range", "every p in [0, 1]", "", "checks"),
    MetricInfo::new("breakdown", "construction broke down", "", "checks"),
    MetricInfo::new("recursion_dev", "recursion deviation", "", "checks"),
    MetricInfo::new("annealing_done", "annealing finished", "", "run"),
    MetricInfo::new("k_used", "k used", "", "run"),
    MetricInfo::new("n", "n (scores)", "", "run"),
    MetricInfo::new("naive_f32_ok", "naive f32 softmax finite (k = 1)", "", "checks"),
    MetricInfo::new("recursion_nan", "post's recursion gives NaN", "", "checks"),
];
