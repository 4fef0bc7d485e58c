//! Labels, units, groups and predictions of the panel's metrics, as the page shows them (display only: the
//! metric keys of the JSON output are unchanged).

use crate::i18n::T;
use crate::panel::MetricInfo;

/// One entry per metric, in the order of [`super::METRICS`].
pub static INFO: [MetricInfo; 12] = [
    MetricInfo::new("max_abs", T::new("max |entry|", "最大 |分量|"), "", T::new("embedding", "Embedding 表")),
    MetricInfo::new(
        "max_top20",
        T::new("max |entry|, ranks 1–20", "最大 |分量|，排名 1–20"),
        "",
        T::new("by token rank", "按 token 排名"),
    ),
    MetricInfo::new(
        "max_20_100",
        T::new("max |entry|, ranks 21–100", "最大 |分量|，排名 21–100"),
        "",
        T::new("by token rank", "按 token 排名"),
    ),
    MetricInfo::new(
        "max_100_500",
        T::new("max |entry|, ranks 101–500", "最大 |分量|，排名 101–500"),
        "",
        T::new("by token rank", "按 token 排名"),
    ),
    MetricInfo::new(
        "max_rare",
        T::new("max |entry|, ranks above 500", "最大 |分量|，排名 500 以后"),
        "",
        T::new("by token rank", "按 token 排名"),
    ),
    MetricInfo::new("rows_at_cap", T::new("rows at 1/λ", "达到 1/λ 的行数"), "", T::new("embedding", "Embedding 表")),
    MetricInfo::new(
        "min_rank_at_cap",
        T::new("most frequent rank at 1/λ", "达到 1/λ 的最高频排名"),
        "",
        T::new("embedding", "Embedding 表"),
    ),
    MetricInfo::new("loss", T::new("loss (last batch)", "损失（最后一个批次）"), "", T::new("run", "运行")),
    MetricInfo::new("cap", T::new("1/λ (the cap)", "1/λ（上限）"), "", T::new("theory", "理论")),
    MetricInfo::new("closed_form", T::new("absent rows in closed form", "缺席行用闭式解"), "", T::new("run", "运行")),
    MetricInfo::new("engine", T::new("engine", "计算方式"), "", T::new("run", "运行")).with_values(&ENGINES),
    MetricInfo::new("engine_reason", T::new("why per-step", "为何逐步计算"), "", T::new("run", "运行"))
        .with_values(&REASONS),
];

/// The values of the `engine` metric (API: they stay English in JSON and CSV) with the words the page shows.
pub static ENGINES: [(&str, T); 2] =
    [("closed-form", T::new("closed-form", "闭式解")), ("per-step", T::new("per-step", "逐步计算"))];

/// Every reason [`super::model::per_step_reason`] gives, the value of the `engine_reason` metric (API), with the
/// words the page and the figure show for it. The unit test below reaches each branch of the model's rule.
pub static REASONS: [(&str, T); 6] = [
    ("chosen under absent rows", T::new("chosen under absent rows", "在“缺席行”中选定")),
    (
        "λ = 0 with the row-RMS rule: absent rows grow without bound",
        T::new(
            "λ = 0 with the row-RMS rule: absent rows grow without bound",
            "λ = 0 且用逐行 RMS 规则：缺席行会无界增长",
        ),
    ),
    (
        "row-RMS α > 0.05: the closed form's O(α) error is too large",
        T::new(
            "row-RMS α > 0.05: the closed form's O(α) error is too large",
            "逐行 RMS 规则的 α > 0.05：闭式解的 O(α) 误差太大",
        ),
    ),
    (
        "α·max(1, λ·max|θ₀|) > 1: absent rows may grow",
        T::new("α·max(1, λ·max|θ₀|) > 1: absent rows may grow", "α·max(1, λ·max|θ₀|) > 1：缺席行可能增长"),
    ),
    (
        "lr·λ > 1: absent rows may oscillate and grow",
        T::new("lr·λ > 1: absent rows may oscillate and grow", "lr·λ > 1：缺席行可能振荡并增长"),
    ),
    (
        "β₁² ≥ β₂: the drift of absent rows is not bounded in closed form",
        T::new(
            "β₁² ≥ β₂: the drift of absent rows is not bounded in closed form",
            "β₁² ≥ β₂：闭式解无法界定缺席行的漂移",
        ),
    ),
];

/// The words shown for `value` of a text metric whose values are `table`; a value missing from the table
/// (a test prevents it) is shown as it is.
pub fn shown(table: &[(&'static str, T)], value: &'static str) -> T {
    table.iter().find(|(v, _)| *v == value).map_or(T::new(value, value), |(_, t)| *t)
}

#[cfg(test)]
mod tests {
    use super::super::model::{per_step_reason, Catchup, Config, Optimizer};
    use super::*;

    #[test]
    fn every_per_step_reason_has_its_words() {
        // One setting per branch of the rule, the reason beyond the parameter ranges included.
        let base = Config { catchup: Catchup::ClosedForm, lazy: false, ..Config::defaults() };
        let settings = [
            Config { catchup: Catchup::PerStep, ..base },
            Config { optimizer: Optimizer::Tiger, rms: true, wd: 0.0, ..base },
            Config { optimizer: Optimizer::Tiger, rms: true, lr: 0.1, wd: 0.01, ..base },
            Config { optimizer: Optimizer::Lion, rms: true, lr: 0.04, wd: 1.0, ..base },
            Config { optimizer: Optimizer::Tiger, rms: false, lr: 10.0, wd: 1.0, ..base },
            Config { optimizer: Optimizer::AdamW, lr: 10.0, wd: 1.0, ..base },
            Config { optimizer: Optimizer::AdamW, lr: 1e-3, wd: 0.01, adam_beta: (0.99, 0.9), ..base },
        ];
        let mut seen = Vec::new();
        for (i, cfg) in settings.iter().enumerate() {
            // A large first entry makes the "α·max(1, λ·max|θ₀|) > 1" branch reachable.
            let why = per_step_reason(cfg, 100.0).unwrap_or_else(|| panic!("setting {i}: closed form"));
            assert!(REASONS.iter().any(|(v, t)| *v == why && t.en == why), "setting {i}: '{why}' has no words");
            seen.push(why);
        }
        for (v, _) in &REASONS {
            assert!(seen.contains(v), "'{v}' is never given");
        }
        assert_eq!(shown(&ENGINES, "per-step").get(crate::i18n::Lang::Zh), "逐步计算");
    }
}
