//! Labels, units, groups and predictions of the panel's metrics, as the page shows them (display only: the
//! metric keys of the JSON output are unchanged).

use crate::panel::MetricInfo;

/// One entry per metric, in the order of [`super::METRICS`].
pub static INFO: [MetricInfo; 9] = [
    MetricInfo::new("p", "p (model)", "", "distribution").predicted_by("p_star"),
    MetricInfo::new("p_star", "p* (optimum)", "", "theory"),
    MetricInfo::new("max_gap", "max |p − p*|", "", "distribution"),
    MetricInfo::new("mu", "μ (multiplier)", "", "theory"),
    MetricInfo::new("q", "q (label distribution)", "", "distribution"),
    MetricInfo::new("cutoff", "cutoff γμ", "", "theory"),
    MetricInfo::new("threshold", "one-hot threshold q₂/q₁", "", "theory"),
    MetricInfo::new("active", "labels with p* > 0", "", "theory"),
    MetricInfo::new("loss", "expected loss", "", "distribution"),
];
