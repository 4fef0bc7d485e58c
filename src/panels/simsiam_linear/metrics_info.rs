//! Labels, units, groups and predictions of the panel's metrics, as the page shows them (display only: the
//! metric keys of the JSON output are unchanged).

use crate::panel::MetricInfo;

/// One entry per metric, in the order of [`super::METRICS`].
pub static INFO: [MetricInfo; 14] = [
    MetricInfo::new("spread", "spread √tr(WXWᵀ)", "", "encoder"),
    MetricInfo::new("sv_max", "largest singular value of W", "", "encoder"),
    MetricInfo::new("sv_min", "smallest singular value of W", "", "encoder"),
    MetricInfo::new("p11", "P₁₁ (predictor)", "", "predictor").predicted_by("p11_predicted"),
    MetricInfo::new("p22", "P₂₂ (predictor)", "", "predictor").predicted_by("p22_predicted"),
    MetricInfo::new("p11_predicted", "P₁₁ predicted limit", "", "predictor"),
    MetricInfo::new("p22_predicted", "P₂₂ predicted limit", "", "predictor"),
    MetricInfo::new("w11", "W₁₁ (encoder)", "", "encoder").predicted_by("w11_predicted"),
    MetricInfo::new("w22", "W₂₂ (encoder)", "", "encoder").predicted_by("w22_predicted"),
    MetricInfo::new("w11_predicted", "|W₁₁| predicted limit", "", "encoder"),
    MetricInfo::new("w22_predicted", "|W₂₂| predicted limit", "", "encoder"),
    MetricInfo::new("growth_predicted", "predicted spread growth per step", "×", "encoder"),
    MetricInfo::new("loss", "expected loss", "", "run"),
    MetricInfo::new("t", "t = steps × η", "", "run"),
];
