//! Labels, units, groups and predictions of the panel's metrics, as the page shows them (display only: the
//! metric keys of the JSON output are unchanged).

use crate::i18n::T;
use crate::panel::MetricInfo;

/// One entry per metric, in the order of [`super::METRICS`].
pub static INFO: [MetricInfo; 11] = [
    MetricInfo::new("memorised", T::new("flipped labels memorised", "记住的翻转标签"), "", T::new("TaiLr", "TaiLr")),
    MetricInfo::new("test_acc", T::new("test accuracy", "测试准确率"), "", T::new("TaiLr", "TaiLr")),
    MetricInfo::new("auroc", T::new("AUROC for finding flips", "找出翻转标签的 AUROC"), "", T::new("TaiLr", "TaiLr")),
    MetricInfo::new("loss", T::new("training loss", "训练损失"), "", T::new("TaiLr", "TaiLr")),
    MetricInfo::new("train_acc", T::new("training accuracy", "训练准确率"), "", T::new("TaiLr", "TaiLr")),
    MetricInfo::new(
        "ce_memorised",
        T::new("flipped labels memorised", "记住的翻转标签"),
        "",
        T::new("cross-entropy", "交叉熵"),
    ),
    MetricInfo::new("ce_test_acc", T::new("test accuracy", "测试准确率"), "", T::new("cross-entropy", "交叉熵")),
    MetricInfo::new(
        "ce_auroc",
        T::new("AUROC for finding flips", "找出翻转标签的 AUROC"),
        "",
        T::new("cross-entropy", "交叉熵"),
    ),
    MetricInfo::new("ce_loss", T::new("training loss", "训练损失"), "", T::new("cross-entropy", "交叉熵")),
    MetricInfo::new("ce_train_acc", T::new("training accuracy", "训练准确率"), "", T::new("cross-entropy", "交叉熵")),
    MetricInfo::new("flipped", T::new("flipped labels", "翻转标签"), "", T::new("data", "数据")),
];
