//! Labels, units, groups and predictions of the panel's metrics, as the page shows them (display only: the
//! metric keys of the JSON output are unchanged).

use crate::panel::MetricInfo;

/// One entry per metric, in the order of [`super::METRICS`].
pub static INFO: [MetricInfo; 9] = [
    MetricInfo::new("phi", "φ (predictor)", "", "state").predicted_by("phi_inf_predicted"),
    MetricInfo::new("theta", "θ (encoder)", "", "state").predicted_by("theta_inf_predicted"),
    MetricInfo::new("t", "t = steps × η", "", "state"),
    MetricInfo::new("invariant", "θ² − φ²/α (conserved)", "", "theory"),
    MetricInfo::new("theta_inf_predicted", "θ∞ predicted", "", "theory"),
    MetricInfo::new("collapse_predicted", "collapse predicted (1 = yes)", "", "theory"),
    MetricInfo::new("phi_inf_predicted", "φ∞ predicted", "", "theory"),
    MetricInfo::new("invariant_drift", "drift of θ² − φ²/α", "", "theory"),
    MetricInfo::new("ema", "EMA target on", "", "run"),
];
