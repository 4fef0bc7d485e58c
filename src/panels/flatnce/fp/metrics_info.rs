//! Labels, units, groups and predictions of the panel's metrics, as the page shows them (display only: the
//! metric keys of the JSON output are unchanged).

use crate::i18n::T;
use crate::panel::MetricInfo;

/// One entry per metric, in the order of [`super::METRICS`].
pub static INFO: [MetricInfo; 12] = [
    MetricInfo::new(
        "xi",
        T::new("ξ (negatives over positive)", "ξ（负样本与正样本之比）"),
        "",
        T::new("scores", "分数"),
    ),
    MetricInfo::new("ulp", T::new("ulp(sₜ) in f32", "f32 下的 ulp(sₜ)"), "", T::new("scores", "分数")),
    MetricInfo::new("info_loss32", T::new("InfoNCE loss, f32", "InfoNCE 损失，f32"), "", T::new("losses", "损失")),
    MetricInfo::new("info_loss64", T::new("InfoNCE loss, f64", "InfoNCE 损失，f64"), "", T::new("losses", "损失")),
    MetricInfo::new("flat_loss32", T::new("FlatNCE loss, f32", "FlatNCE 损失，f32"), "", T::new("losses", "损失")),
    MetricInfo::new("flat_loss64", T::new("FlatNCE loss, f64", "FlatNCE 损失，f64"), "", T::new("losses", "损失")),
    MetricInfo::new(
        "gt_rel_err",
        T::new("relative error of gₜ in f32", "f32 下 gₜ 的相对误差"),
        "",
        T::new("gradients", "梯度"),
    ),
    MetricInfo::new(
        "info_cos32v64",
        T::new("cos(∇ f32, ∇ f64), InfoNCE", "cos(∇ f32, ∇ f64)，InfoNCE"),
        "",
        T::new("gradients", "梯度"),
    ),
    MetricInfo::new(
        "flat_cos32v64",
        T::new("cos(∇ f32, ∇ f64), FlatNCE", "cos(∇ f32, ∇ f64)，FlatNCE"),
        "",
        T::new("gradients", "梯度"),
    ),
    MetricInfo::new("s_t", T::new("sₜ (positive score)", "sₜ（正样本分数）"), "", T::new("scores", "分数")),
    MetricInfo::new(
        "loss32_ulps",
        T::new("InfoNCE f32 loss in ulps", "以 ulp 计的 InfoNCE f32 损失"),
        "",
        T::new("losses", "损失"),
    ),
    MetricInfo::new("gap_used", T::new("Δ (gap used)", "Δ（实际间隔）"), "", T::new("scores", "分数")),
];
