//! Labels, units, groups and predictions of the panel's metrics, as the page shows them (display only: the
//! metric keys of the JSON output are unchanged).

use crate::i18n::T;
use crate::panel::MetricInfo;

/// One entry per metric, in the order of [`super::METRICS`].
pub static INFO: [MetricInfo; 9] = [
    MetricInfo::new("phi", T::new("φ (predictor)", "φ（预测器）"), "", T::new("state", "状态"))
        .predicted_by("phi_inf_predicted"),
    MetricInfo::new("theta", T::new("θ (encoder)", "θ（编码器）"), "", T::new("state", "状态"))
        .predicted_by("theta_inf_predicted"),
    MetricInfo::new("t", T::new("t = steps × η", "t = 步数 × η"), "", T::new("state", "状态")),
    MetricInfo::new("invariant", T::new("θ² − φ²/α (conserved)", "θ² − φ²/α（守恒）"), "", T::new("theory", "理论")),
    MetricInfo::new("theta_inf_predicted", T::new("θ∞ predicted", "θ∞ 预测值"), "", T::new("theory", "理论")),
    MetricInfo::new(
        "collapse_predicted",
        T::new("collapse predicted (1 = yes)", "预测坍缩（1 = 是）"),
        "",
        T::new("theory", "理论"),
    ),
    MetricInfo::new("phi_inf_predicted", T::new("φ∞ predicted", "φ∞ 预测值"), "", T::new("theory", "理论")),
    MetricInfo::new("invariant_drift", T::new("drift of θ² − φ²/α", "θ² − φ²/α 的漂移"), "", T::new("theory", "理论")),
    MetricInfo::new("ema", T::new("EMA target on", "EMA 目标开启"), "", T::new("run", "运行")),
];
