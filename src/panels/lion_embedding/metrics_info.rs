//! Labels, units, groups and predictions of the panel's metrics, as the page shows them (display only: the
//! metric keys of the JSON output are unchanged).

use crate::panel::MetricInfo;

/// One entry per metric, in the order of [`super::METRICS`].
pub static INFO: [MetricInfo; 12] = [
    MetricInfo::new("max_abs", "max |entry|", "", "embedding"),
    MetricInfo::new("max_top20", "max |entry|, ranks 1–20", "", "by token rank"),
    MetricInfo::new("max_20_100", "max |entry|, ranks 21–100", "", "by token rank"),
    MetricInfo::new("max_100_500", "max |entry|, ranks 101–500", "", "by token rank"),
    MetricInfo::new("max_rare", "max |entry|, ranks above 500", "", "by token rank"),
    MetricInfo::new("rows_at_cap", "rows at 1/λ", "", "embedding"),
    MetricInfo::new("min_rank_at_cap", "most frequent rank at 1/λ", "", "embedding"),
    MetricInfo::new("loss", "loss (last batch)", "", "run"),
    MetricInfo::new("cap", "1/λ (the cap)", "", "theory"),
    MetricInfo::new("closed_form", "absent rows in closed form", "", "run"),
    MetricInfo::new("engine", "engine", "", "run"),
    MetricInfo::new("engine_reason", "why per-step", "", "run"),
];
