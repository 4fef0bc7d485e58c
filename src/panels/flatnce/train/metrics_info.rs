//! Labels, units, groups and predictions of the panel's metrics, as the page shows them (display only: the
//! metric keys of the JSON output are unchanged).

use crate::i18n::T;
use crate::panel::MetricInfo;

/// One entry per metric, in the order of [`super::METRICS`].
pub static INFO: [MetricInfo; 9] = [
    MetricInfo::new(
        "maxcos",
        T::new("max cos between prototypes", "原型间最大余弦"),
        "",
        T::new("this run", "本次运行"),
    )
    .predicted_by("maxcos_target"),
    MetricInfo::new("xi_median", T::new("median ξ", "ξ 的中位数"), "", T::new("this run", "本次运行")),
    MetricInfo::new("loss", T::new("loss", "损失"), "", T::new("this run", "本次运行")),
    MetricInfo::new("cos_g_g64", T::new("cos(∇, ∇ in f64)", "cos(∇, f64 下的 ∇)"), "", T::new("this run", "本次运行")),
    MetricInfo::new("maxcos_target", T::new("optimal max cos", "最优的最大余弦"), "", T::new("theory", "理论")),
    MetricInfo::new(
        "zero_anchors",
        T::new("anchors with loss exactly 0", "损失恰为 0 的锚点"),
        "",
        T::new("this run", "本次运行"),
    ),
    MetricInfo::new(
        "ghost_maxcos",
        T::new("max cos between prototypes", "原型间最大余弦"),
        "",
        T::new("ghost run (other loss)", "影子运行（另一种损失）"),
    ),
    MetricInfo::new(
        "ghost_xi_median",
        T::new("median ξ", "ξ 的中位数"),
        "",
        T::new("ghost run (other loss)", "影子运行（另一种损失）"),
    ),
    MetricInfo::new(
        "ghost_loss",
        T::new("loss", "损失"),
        "",
        T::new("ghost run (other loss)", "影子运行（另一种损失）"),
    ),
];
