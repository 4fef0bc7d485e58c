//! The page's display metadata: metric labels, units, groups and predictions, the "More settings" group of
//! parameters, the auto-speed cap and cross-parameter checks, for every registered panel.

use dynamics::i18n::Lang;
use dynamics::panels;
use dynamics::runner::Runner;

#[test]
fn every_metric_has_a_label_unit_and_group_in_order() {
    for p in panels::all() {
        let info = p.metrics_info();
        let keys: Vec<&str> = info.iter().map(|m| m.key).collect();
        assert_eq!(keys, p.metric_names(), "{}: metrics_info must list every metric in order", p.id());
        for m in info {
            for lang in Lang::ALL {
                let (label, group) = (m.label.get(lang), m.group.get(lang));
                assert!(!label.trim().is_empty(), "{}.{}: empty label ({lang:?})", p.id(), m.key);
                assert!(!group.trim().is_empty(), "{}.{}: empty group ({lang:?})", p.id(), m.key);
                assert!(!label.contains('_'), "{}.{}: label '{label}' looks like a raw key", p.id(), m.key);
            }
            if !m.prediction.is_empty() {
                assert!(
                    p.metric_names().contains(&m.prediction) && m.prediction != m.key,
                    "{}.{}: prediction '{}' is not another metric",
                    p.id(),
                    m.key,
                    m.prediction
                );
            }
        }
    }
}

#[test]
fn more_settings_name_parameters_and_leave_a_main_group() {
    for p in panels::all() {
        let keys: Vec<&str> = p.params().iter().map(|s| s.key).collect();
        for k in p.more_settings() {
            assert!(keys.contains(k), "{}: more_settings names unknown key '{k}'", p.id());
        }
        assert!(p.more_settings().len() < keys.len(), "{}: every parameter is in More settings", p.id());
        assert!(p.max_auto_steps() >= 1, "{}: auto speed must take at least one step", p.id());
        // Stepping plus a picture must fit an 8 ms frame, and a budget under 2 ms would starve the blow-up claims.
        let b = p.auto_budget_ms();
        assert!((2.0..=6.0).contains(&b), "{}: auto budget {b} ms outside 2..=6 ms", p.id());
    }
}

#[test]
fn the_registry_json_carries_groups_metric_info_and_the_auto_cap() {
    let json = panels::list_json(Lang::En);
    for (p, entry) in panels::all().into_iter().zip(json["panels"].as_array().unwrap()) {
        for row in entry["params"].as_array().unwrap() {
            let key = row["key"].as_str().unwrap();
            let want = if p.more_settings().contains(&key) { "more" } else { "main" };
            assert_eq!(row["group"], want, "{}.{key}", p.id());
        }
        assert_eq!(entry["metrics_info"].as_array().unwrap().len(), p.metric_names().len(), "{}", p.id());
        assert_eq!(entry["max_auto_steps"], p.max_auto_steps(), "{}", p.id());
        assert_eq!(entry["auto_budget_ms"], p.auto_budget_ms(), "{}", p.id());
    }
}

#[test]
fn topk_rejects_a_single_score_instead_of_drawing_random_ones() {
    let topk = panels::find("topk").unwrap();
    let mut run = Runner::with_defaults(topk);
    let err = run.set_param("x", "5").expect_err("one score must be an error");
    assert!(err.0.contains("'x'"), "{}", err.0);
    assert_eq!(run.params().text("x").as_deref(), Some(""), "the rejected value must not be applied");
    assert!(run.set_param_strict("x", "5").is_err());
    // Empty (random scores) and two or more scores stay valid.
    assert!(run.set_param("x", "1,2").is_ok());
    assert!(run.set_param("x", "").is_ok());
}
