//! Labels, units, groups and predictions of the panel's metrics, as the page shows them (display only: the
//! metric keys of the JSON output are unchanged).

use crate::panel::MetricInfo;

macro_rules! scheme_info {
    ($($s:literal),*) => {
        [$(
            MetricInfo::new(concat!($s, "_x"), "end θ x", "", $s),
            MetricInfo::new(concat!($s, "_y"), "end θ y", "", $s),
            MetricInfo::new(concat!($s, "_max_loss"), "max Lᵢ", "", $s),
            MetricInfo::new(concat!($s, "_min_loss"), "min Lᵢ", "", $s),
            MetricInfo::new(concat!($s, "_diverged"), "diverged (1 = yes)", "", $s),
            MetricInfo::new(concat!($s, "_replay_gap"), "replay gap", "", $s),
            MetricInfo::new(concat!($s, "_replay_diverged"), "replay diverged (1 = yes)", "", $s),
        )*
        MetricInfo::new("centroid_x", "centroid x", "", "overlays"),
        MetricInfo::new("centroid_y", "centroid y", "", "overlays"),
        MetricInfo::new("median_x", "geometric median x", "", "overlays"),
        MetricInfo::new("median_y", "geometric median y", "", "overlays")]
    };
}

/// One entry per metric, in the order of [`super::METRICS`]: each scheme is a group (the page shows them as
/// rows of one table), then the two overlay points.
pub static INFO: [MetricInfo; 53] =
    scheme_info!("equal", "init", "prior", "realtime", "genmean", "gradnorm", "uncertainty");
