//! Colours and labels of the weighting schemes, shared by the main plane and the side charts.

use crate::panels::multitask::model::Scheme;
use crate::plot::Theme;
use plotters::style::RGBColor;

/// The colour of a scheme, stable whatever is shown.
pub fn scheme_color(theme: &Theme, s: Scheme) -> RGBColor {
    theme.series(s.index())
}

/// A scheme's label in keys and rows.
pub fn scheme_label(s: Scheme) -> &'static str {
    match s {
        Scheme::Equal => "equal",
        Scheme::Init => "init",
        Scheme::Prior => "prior",
        Scheme::Realtime => "real-time",
        Scheme::GenMean => "gen. mean",
        Scheme::GradNorm => "grad. norm.",
        Scheme::Uncertainty => "uncertainty*",
    }
}
