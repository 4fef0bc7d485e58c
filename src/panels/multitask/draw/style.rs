//! Colours and labels of the weighting schemes, shared by the main plane and the side charts.

use crate::i18n::T;
use crate::panels::multitask::model::Scheme;
use crate::plot::Theme;
use plotters::style::RGBColor;

/// The colour of a scheme, stable whatever is shown.
pub fn scheme_color(theme: &Theme, s: Scheme) -> RGBColor {
    theme.series(s.index())
}

/// A scheme's label in keys and rows.
pub fn scheme_label(s: Scheme, theme: &Theme) -> &'static str {
    match s {
        Scheme::Equal => theme.t(T::new("equal", "等权")),
        Scheme::Init => theme.t(T::new("init", "初值")),
        Scheme::Prior => theme.t(T::new("prior", "先验")),
        Scheme::Realtime => theme.t(T::new("real-time", "实时")),
        Scheme::GenMean => theme.t(T::new("gen. mean", "广义平均")),
        Scheme::GradNorm => theme.t(T::new("grad. norm.", "梯度归一化")),
        Scheme::Uncertainty => theme.t(T::new("uncertainty*", "不确定性*")),
    }
}
