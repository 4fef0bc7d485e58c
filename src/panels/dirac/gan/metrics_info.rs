//! Labels, units, groups and predictions of the panel's metrics, as the page shows them (display only: the
//! metric keys of the JSON output are unchanged).

use crate::panel::MetricInfo;

/// One entry per metric, in the order of [`super::METRICS`].
pub static INFO: [MetricInfo; 9] = [
    MetricInfo::new("theta", "θ (generator)", "", "state"),
    MetricInfo::new("psi", "ψ (discriminator)", "", "state"),
    MetricInfo::new("radius", "r = √(θ² + ψ²)", "", "state"),
    MetricInfo::new("eig1_re", "Re λ₁", "", "Jacobian at (0, 0)"),
    MetricInfo::new("eig1_im", "Im λ₁", "", "Jacobian at (0, 0)"),
    MetricInfo::new("eig2_re", "Re λ₂", "", "Jacobian at (0, 0)"),
    MetricInfo::new("eig2_im", "Im λ₂", "", "Jacobian at (0, 0)"),
    MetricInfo::new("q", "θ² + ψ² − hθψ", "", "theory"),
    MetricInfo::new("rate_predicted", "predicted factor of r per step", "×", "theory"),
];
