//! Labels, units, groups and predictions of the panel's metrics, as the page shows them (display only: the
//! metric keys of the JSON output are unchanged).

use crate::panel::MetricInfo;

/// One entry per metric, in the order of [`super::METRICS`].
pub static INFO: [MetricInfo; 10] = [
    MetricInfo::new("a", "a (slope of f)", "", "state"),
    MetricInfo::new("b", "b (offset of f)", "", "state"),
    MetricInfo::new("dist_to_ideal", "distance to the ideal point (0, x₀)", "", "state"),
    MetricInfo::new("eig1_re", "Re λ₁", "", "Jacobian at the ideal point"),
    MetricInfo::new("eig1_im", "Im λ₁", "", "Jacobian at the ideal point"),
    MetricInfo::new("eig2_re", "Re λ₂", "", "Jacobian at the ideal point"),
    MetricInfo::new("eig2_im", "Im λ₂", "", "Jacobian at the ideal point"),
    MetricInfo::new("hopf_lambda_tight", "Hopf threshold of λ (tightness)", "", "theory"),
    MetricInfo::new("rate_predicted", "predicted factor of the distance per step", "×", "theory"),
    MetricInfo::new("n_fixed_points", "fixed points found", "", "theory"),
];
