//! Labels, units, groups and predictions of the panel's metrics, as the page shows them (display only: the
//! metric keys of the JSON output are unchanged).

use crate::i18n::T;
use crate::panel::MetricInfo;

/// One entry per metric, in the order of [`super::METRICS`].
pub static INFO: [MetricInfo; 16] = [
    MetricInfo::new("p", T::new("p (output)", "p（输出）"), "", T::new("output", "输出")),
    MetricInfo::new("sum", T::new("Σ p", "Σ p"), "", T::new("output", "输出")),
    MetricInfo::new("max", T::new("max p", "max p"), "", T::new("output", "输出")),
    MetricInfo::new("min", T::new("min p", "min p"), "", T::new("output", "输出")),
    MetricInfo::new("threshold", T::new("threshold λτ", "阈值 λτ"), "", T::new("output", "输出")),
    MetricInfo::new("max_dev_hard", T::new("max |p − hard top-k|", "max |p − 硬 Top-k|"), "", T::new("checks", "检查")),
    MetricInfo::new("monotone", T::new("order of x kept", "保持 x 的顺序"), "", T::new("checks", "检查")),
    MetricInfo::new("tau", T::new("τ (current)", "τ（当前）"), "", T::new("run", "运行")),
    MetricInfo::new("in_range", T::new("every p in [0, 1]", "所有 p 都在 [0, 1] 内"), "", T::new("checks", "检查")),
    MetricInfo::new("breakdown", T::new("construction broke down", "构造失效"), "", T::new("checks", "检查")),
    MetricInfo::new("recursion_dev", T::new("recursion deviation", "递推偏差"), "", T::new("checks", "检查")),
    MetricInfo::new("annealing_done", T::new("annealing finished", "退火完成"), "", T::new("run", "运行")),
    MetricInfo::new("k_used", T::new("k used", "实际使用的 k"), "", T::new("run", "运行")),
    MetricInfo::new("n", T::new("n (scores)", "n（分数个数）"), "", T::new("run", "运行")),
    MetricInfo::new(
        "naive_f32_ok",
        T::new("naive f32 softmax finite (k = 1)", "朴素 f32 Softmax 有限（k = 1）"),
        "",
        T::new("checks", "检查"),
    ),
    MetricInfo::new(
        "recursion_nan",
        T::new("post's recursion breaks down (log of a negative)", "原文的递推失效（对负数取对数）"),
        "",
        T::new("checks", "检查"),
    ),
];
