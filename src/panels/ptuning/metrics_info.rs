//! Labels, units, groups and predictions of the panel's metrics, as the page shows them (display only: the
//! metric keys of the JSON output are unchanged).

use crate::panel::MetricInfo;

/// One entry per metric, in the order of [`super::METRICS`].
pub static INFO: [MetricInfo; 12] = [
    MetricInfo::new("train_acc", "training accuracy", "", "accuracy"),
    MetricInfo::new("test_acc", "test accuracy", "", "accuracy"),
    MetricInfo::new("loss", "training loss", "", "run"),
    MetricInfo::new("prompt_x", "prompt c₁", "", "prompt"),
    MetricInfo::new("prompt_y", "prompt c₂", "", "prompt"),
    MetricInfo::new("best_token_acc", "best single word's accuracy", "", "accuracy"),
    MetricInfo::new("frozen_unchanged", "frozen weights unchanged (1 = yes)", "", "run"),
    MetricInfo::new("cone_max_acc", "best accuracy inside the cone", "", "accuracy"),
    MetricInfo::new("logreg_acc", "logistic regression accuracy", "", "accuracy"),
    MetricInfo::new("searched_token", "searched word", "", "prompt"),
    MetricInfo::new("trainable_params", "trainable parameters", "", "run"),
    MetricInfo::new("frozen_params", "frozen parameters", "", "run"),
];
