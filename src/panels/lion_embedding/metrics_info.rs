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
    MetricInfo::new("engine", T::new("engine", "计算方式"), "", T::new("run", "运行")),
    MetricInfo::new("engine_reason", T::new("why per-step", "为何逐步计算"), "", T::new("run", "运行")),
];
