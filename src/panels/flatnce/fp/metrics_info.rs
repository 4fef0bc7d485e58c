//! Labels, units, groups and predictions of the panel's metrics, as the page shows them (display only: the
//! metric keys of the JSON output are unchanged).

use crate::panel::MetricInfo;

/// One entry per metric, in the order of [`super::METRICS`].
pub static INFO: [MetricInfo; 12] = [
    MetricInfo::new("xi", "ξ (negatives over positive)", "", "scores"),
    MetricInfo::new("ulp", "ulp(sₜ) in f32", "", "scores"),
    MetricInfo::new("info_loss32", "InfoNCE loss, f32", "", "losses"),
    MetricInfo::new("info_loss64", "InfoNCE loss, f64", "", "losses"),
    MetricInfo::new("flat_loss32", "FlatNCE loss, f32", "", "losses"),
    MetricInfo::new("flat_loss64", "FlatNCE loss, f64", "", "losses"),
    MetricInfo::new("gt_rel_err", "relative error of gₜ in f32", "", "gradients"),
    MetricInfo::new("info_cos32v64", "cos(∇ f32, ∇ f64), InfoNCE", "", "gradients"),
    MetricInfo::new("flat_cos32v64", "cos(∇ f32, ∇ f64), FlatNCE", "", "gradients"),
    MetricInfo::new("s_t", "sₜ (positive score)", "", "scores"),
    MetricInfo::new("loss32_ulps", "InfoNCE f32 loss in ulps", "", "losses"),
    MetricInfo::new("gap_used", "Δ (gap used)", "", "scores"),
];
