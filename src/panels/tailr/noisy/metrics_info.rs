//! Labels, units, groups and predictions of the panel's metrics, as the page shows them (display only: the
//! metric keys of the JSON output are unchanged).

use crate::panel::MetricInfo;

/// One entry per metric, in the order of [`super::METRICS`].
pub static INFO: [MetricInfo; 11] = [
    MetricInfo::new("memorised", "flipped labels memorised", "", "TaiLr"),
    MetricInfo::new("test_acc", "test accuracy", "", "TaiLr"),
    MetricInfo::new("auroc", "AUROC for finding flips", "", "TaiLr"),
    MetricInfo::new("loss", "training loss", "", "TaiLr"),
    MetricInfo::new("train_acc", "training accuracy", "", "TaiLr"),
    MetricInfo::new("ce_memorised", "flipped labels memorised", "", "cross-entropy"),
    MetricInfo::new("ce_test_acc", "test accuracy", "", "cross-entropy"),
    MetricInfo::new("ce_auroc", "AUROC for finding flips", "", "cross-entropy"),
    MetricInfo::new("ce_loss", "training loss", "", "cross-entropy"),
    MetricInfo::new("ce_train_acc", "training accuracy", "", "cross-entropy"),
    MetricInfo::new("flipped", "flipped labels", "", "data"),
];
