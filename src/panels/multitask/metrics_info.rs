//! Labels, units, groups and predictions of the panel's metrics, as the page shows them (display only: the
//! metric keys of the JSON output are unchanged).

use crate::i18n::T;
use crate::panel::MetricInfo;

macro_rules! scheme_info {
    ($($s:literal => $zh:literal),*) => {
        [$(
            MetricInfo::new(concat!($s, "_x"), T::new("end θ x", "终点 θ x"), "", T::new($s, $zh)),
            MetricInfo::new(concat!($s, "_y"), T::new("end θ y", "终点 θ y"), "", T::new($s, $zh)),
            MetricInfo::new(concat!($s, "_max_loss"), T::new("max Lᵢ", "max Lᵢ"), "", T::new($s, $zh)),
            MetricInfo::new(concat!($s, "_min_loss"), T::new("min Lᵢ", "min Lᵢ"), "", T::new($s, $zh)),
            MetricInfo::new(concat!($s, "_diverged"), T::new("diverged (1 = yes)", "发散（1 = 是）"), "", T::new($s, $zh)),
            MetricInfo::new(concat!($s, "_replay_gap"), T::new("replay gap", "重放偏差"), "", T::new($s, $zh)),
            MetricInfo::new(
                concat!($s, "_replay_diverged"),
                T::new("replay diverged (1 = yes)", "重放发散（1 = 是）"),
                "",
                T::new($s, $zh),
            ),
        )*
        MetricInfo::new("centroid_x", T::new("centroid x", "重心 x"), "", T::new("overlays", "叠加层")),
        MetricInfo::new("centroid_y", T::new("centroid y", "重心 y"), "", T::new("overlays", "叠加层")),
        MetricInfo::new("median_x", T::new("geometric median x", "几何中位数 x"), "", T::new("overlays", "叠加层")),
        MetricInfo::new("median_y", T::new("geometric median y", "几何中位数 y"), "", T::new("overlays", "叠加层"))]
    };
}

/// One entry per metric, in the order of [`super::METRICS`]: each scheme is a group (the page shows them as
/// rows of one table), then the two overlay points.
pub static INFO: [MetricInfo; 53] = scheme_info!(
    "equal" => "等权",
    "init" => "初值",
    "prior" => "先验",
    "realtime" => "实时",
    "genmean" => "广义平均",
    "gradnorm" => "梯度归一化",
    "uncertainty" => "不确定性"
);
