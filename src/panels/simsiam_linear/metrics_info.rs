//! Labels, units, groups and predictions of the panel's metrics, as the page shows them (display only: the
//! metric keys of the JSON output are unchanged).

use crate::i18n::T;
use crate::panel::MetricInfo;

/// One entry per metric, in the order of [`super::METRICS`].
pub static INFO: [MetricInfo; 14] = [
    MetricInfo::new("spread", T::new("spread √tr(WXWᵀ)", "散布 √tr(WXWᵀ)"), "", T::new("encoder", "编码器")),
    MetricInfo::new("sv_max", T::new("largest singular value of W", "W 的最大奇异值"), "", T::new("encoder", "编码器")),
    MetricInfo::new(
        "sv_min",
        T::new("smallest singular value of W", "W 的最小奇异值"),
        "",
        T::new("encoder", "编码器"),
    ),
    MetricInfo::new("p11", T::new("P₁₁ (predictor)", "P₁₁（预测器）"), "", T::new("predictor", "预测器"))
        .predicted_by("p11_predicted"),
    MetricInfo::new("p22", T::new("P₂₂ (predictor)", "P₂₂（预测器）"), "", T::new("predictor", "预测器"))
        .predicted_by("p22_predicted"),
    MetricInfo::new(
        "p11_predicted",
        T::new("P₁₁ predicted limit", "P₁₁ 的预测极限"),
        "",
        T::new("predictor", "预测器"),
    ),
    MetricInfo::new(
        "p22_predicted",
        T::new("P₂₂ predicted limit", "P₂₂ 的预测极限"),
        "",
        T::new("predictor", "预测器"),
    ),
    MetricInfo::new("w11", T::new("W₁₁ (encoder)", "W₁₁（编码器）"), "", T::new("encoder", "编码器"))
        .predicted_by("w11_predicted"),
    MetricInfo::new("w22", T::new("W₂₂ (encoder)", "W₂₂（编码器）"), "", T::new("encoder", "编码器"))
        .predicted_by("w22_predicted"),
    MetricInfo::new(
        "w11_predicted",
        T::new("|W₁₁| predicted limit", "|W₁₁| 的预测极限"),
        "",
        T::new("encoder", "编码器"),
    ),
    MetricInfo::new(
        "w22_predicted",
        T::new("|W₂₂| predicted limit", "|W₂₂| 的预测极限"),
        "",
        T::new("encoder", "编码器"),
    ),
    MetricInfo::new(
        "growth_predicted",
        T::new("predicted spread growth per step", "预测的散布每步增长"),
        "×",
        T::new("encoder", "编码器"),
    ),
    MetricInfo::new("loss", T::new("expected loss", "期望损失"), "", T::new("run", "运行")),
    MetricInfo::new("t", T::new("t = steps × η", "t = 步数 × η"), "", T::new("run", "运行")),
];
