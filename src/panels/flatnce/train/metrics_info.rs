//! Labels, units, groups and predictions of the panel's metrics, as the page shows them (display only: the
//! metric keys of the JSON output are unchanged).

use crate::panel::MetricInfo;

/// One entry per metric, in the order of [`super::METRICS`].
pub static INFO: [MetricInfo; 9] = [
    MetricInfo::new("maxcos", "max cos between prototypes", "", "this run").predicted_by("maxcos_target"),
    MetricInfo::new("xi_median", "median ξ", "", "this run"),
    MetricInfo::new("loss", "loss", "", "this run"),
    MetricInfo::new("cos_g_g64", "cos(∇, ∇ in f64)", "", "this run"),
    MetricInfo::new("maxcos_target", "optimal max cos", "", "theory"),
    MetricInfo::new("zero_anchors", "anchors with loss exactly 0", "", "this run"),
    MetricInfo::new("ghost_maxcos", "max cos between prototypes", "", "ghost run (other loss)"),
    MetricInfo::new("ghost_xi_median", "median ξ", "", "ghost run (other loss)"),
    MetricInfo::new("ghost_loss", "loss", "", "ghost run (other loss)"),
];
