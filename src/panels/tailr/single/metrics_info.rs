//! Labels, units, groups and predictions of the panel's metrics, as the page shows them (display only: the
//! metric keys of the JSON output are unchanged).

use crate::i18n::T;
use crate::panel::MetricInfo;

/// One entry per metric, in the order of [`super::METRICS`].
pub static INFO: [MetricInfo; 9] = [
    MetricInfo::new("p", T::new("p (model)", "p（模型）"), "", T::new("distribution", "分布")).predicted_by("p_star"),
    MetricInfo::new("p_star", T::new("p* (optimum)", "p*（最优）"), "", T::new("theory", "理论")),
    MetricInfo::new("max_gap", T::new("max |p − p*|", "max |p − p*|"), "", T::new("distribution", "分布")),
    MetricInfo::new("mu", T::new("μ (multiplier)", "μ（乘子）"), "", T::new("theory", "理论")),
    MetricInfo::new("q", T::new("q (label distribution)", "q（标签分布）"), "", T::new("distribution", "分布")),
    MetricInfo::new("cutoff", T::new("cutoff γμ", "截断线 γμ"), "", T::new("theory", "理论")),
    MetricInfo::new("threshold", T::new("one-hot threshold q₂/q₁", "one-hot 阈值 q₂/q₁"), "", T::new("theory", "理论")),
    MetricInfo::new("active", T::new("labels with p* > 0", "p* > 0 的标签数"), "", T::new("theory", "理论")),
    MetricInfo::new("loss", T::new("expected loss", "期望损失"), "", T::new("distribution", "分布")),
];
