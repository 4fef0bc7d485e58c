//! Labels, units, groups and predictions of the panel's metrics, as the page shows them (display only: the
//! metric keys of the JSON output are unchanged).

use crate::i18n::T;
use crate::panel::MetricInfo;

/// One entry per metric, in the order of [`super::METRICS`].
pub static INFO: [MetricInfo; 10] = [
    MetricInfo::new("a", T::new("a (slope of f)", "a（f 的斜率）"), "", T::new("state", "状态")),
    MetricInfo::new("b", T::new("b (offset of f)", "b（f 的截距）"), "", T::new("state", "状态")),
    MetricInfo::new(
        "dist_to_ideal",
        T::new("distance to the ideal point (0, x₀)", "到理想点 (0, x₀) 的距离"),
        "",
        T::new("state", "状态"),
    ),
    MetricInfo::new(
        "eig1_re",
        T::new("Re λ₁", "Re λ₁"),
        "",
        T::new("Jacobian at the ideal point", "理想点处的雅可比矩阵"),
    ),
    MetricInfo::new(
        "eig1_im",
        T::new("Im λ₁", "Im λ₁"),
        "",
        T::new("Jacobian at the ideal point", "理想点处的雅可比矩阵"),
    ),
    MetricInfo::new(
        "eig2_re",
        T::new("Re λ₂", "Re λ₂"),
        "",
        T::new("Jacobian at the ideal point", "理想点处的雅可比矩阵"),
    ),
    MetricInfo::new(
        "eig2_im",
        T::new("Im λ₂", "Im λ₂"),
        "",
        T::new("Jacobian at the ideal point", "理想点处的雅可比矩阵"),
    ),
    MetricInfo::new(
        "hopf_lambda_tight",
        T::new("Hopf threshold of λ (tightness)", "λ 的 Hopf 分岔阈值（紧致）"),
        "",
        T::new("theory", "理论"),
    ),
    MetricInfo::new(
        "rate_predicted",
        T::new("predicted factor of the distance per step", "预测的距离每步倍数"),
        "×",
        T::new("theory", "理论"),
    ),
    MetricInfo::new("n_fixed_points", T::new("fixed points found", "找到的不动点"), "", T::new("theory", "理论")),
];
