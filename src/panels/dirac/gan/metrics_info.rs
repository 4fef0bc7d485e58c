//! Labels, units, groups and predictions of the panel's metrics, as the page shows them (display only: the
//! metric keys of the JSON output are unchanged).

use crate::i18n::T;
use crate::panel::MetricInfo;

/// One entry per metric, in the order of [`super::METRICS`].
pub static INFO: [MetricInfo; 9] = [
    MetricInfo::new("theta", T::new("θ (generator)", "θ（生成器）"), "", T::new("state", "状态")),
    MetricInfo::new("psi", T::new("ψ (discriminator)", "ψ（判别器）"), "", T::new("state", "状态")),
    MetricInfo::new("radius", T::new("r = √(θ² + ψ²)", "r = √(θ² + ψ²)"), "", T::new("state", "状态")),
    MetricInfo::new("eig1_re", T::new("Re λ₁", "Re λ₁"), "", T::new("Jacobian at (0, 0)", "(0, 0) 处的雅可比矩阵")),
    MetricInfo::new("eig1_im", T::new("Im λ₁", "Im λ₁"), "", T::new("Jacobian at (0, 0)", "(0, 0) 处的雅可比矩阵")),
    MetricInfo::new("eig2_re", T::new("Re λ₂", "Re λ₂"), "", T::new("Jacobian at (0, 0)", "(0, 0) 处的雅可比矩阵")),
    MetricInfo::new("eig2_im", T::new("Im λ₂", "Im λ₂"), "", T::new("Jacobian at (0, 0)", "(0, 0) 处的雅可比矩阵")),
    MetricInfo::new("q", T::new("θ² + ψ² − hθψ", "θ² + ψ² − hθψ"), "", T::new("theory", "理论")),
    MetricInfo::new(
        "rate_predicted",
        T::new("predicted factor of r per step", "预测的 r 每步倍数"),
        "×",
        T::new("theory", "理论"),
    ),
];
