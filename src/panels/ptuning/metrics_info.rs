//! Labels, units, groups and predictions of the panel's metrics, as the page shows them (display only: the
//! metric keys of the JSON output are unchanged).

use crate::i18n::T;
use crate::panel::MetricInfo;

/// One entry per metric, in the order of [`super::METRICS`].
pub static INFO: [MetricInfo; 12] = [
    MetricInfo::new("train_acc", T::new("training accuracy", "训练准确率"), "", T::new("accuracy", "准确率")),
    MetricInfo::new("test_acc", T::new("test accuracy", "测试准确率"), "", T::new("accuracy", "准确率")),
    MetricInfo::new("loss", T::new("training loss", "训练损失"), "", T::new("run", "运行")),
    MetricInfo::new("prompt_x", T::new("prompt c₁", "prompt c₁"), "", T::new("prompt", "prompt")),
    MetricInfo::new("prompt_y", T::new("prompt c₂", "prompt c₂"), "", T::new("prompt", "prompt")),
    MetricInfo::new(
        "best_token_acc",
        T::new("best single word's accuracy", "最佳单个词的准确率"),
        "",
        T::new("accuracy", "准确率"),
    ),
    MetricInfo::new(
        "frozen_unchanged",
        T::new("frozen weights unchanged (1 = yes)", "冻结权重未改变（1 = 是）"),
        "",
        T::new("run", "运行"),
    ),
    MetricInfo::new(
        "cone_max_acc",
        T::new("best accuracy inside the cone", "锥内最佳准确率"),
        "",
        T::new("accuracy", "准确率"),
    ),
    MetricInfo::new(
        "logreg_acc",
        T::new("logistic regression accuracy", "逻辑回归准确率"),
        "",
        T::new("accuracy", "准确率"),
    ),
    MetricInfo::new("searched_token", T::new("searched word", "搜索到的词"), "", T::new("prompt", "prompt")),
    MetricInfo::new("trainable_params", T::new("trainable parameters", "可训练参数"), "", T::new("run", "运行")),
    MetricInfo::new("frozen_params", T::new("frozen parameters", "冻结参数"), "", T::new("run", "运行")),
];
