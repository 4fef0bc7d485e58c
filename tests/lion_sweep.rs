//! Lion/Tiger's per-step engine taken in parts (issue 17: no frame may step for more than 50 ms, and one step at
//! a 200 000-token vocabulary could take 650 ms in the browser): a step begun with `Model::begin_sweep` and
//! finished by `Model::sweep_rows` slices of any size gives bit for bit the state of `Model::step`, with the same
//! statistics; the panel's `Sim::work` and the runner's `work` (with replays spread over calls, as on the page)
//! give the same runs, divergence and metrics as whole steps, and while a step is in progress the metrics are
//! those of the last completed step.
#![cfg(not(target_arch = "wasm32"))]

use dynamics::panels;
use dynamics::panels::lion_embedding::model::{Catchup, Config, Model, Optimizer};
use dynamics::params::ParamValues;
use dynamics::runner::Runner;

/// The settings of the per-step engine to compare: each optimiser, the settings that fall back to it (λ = 0,
/// AdamW with β₁² ≥ β₂, whose absent moments decay into subnormals), flush-to-zero, lazy rows, and every row
/// width the engine specialises (4, 8, 16, 32) plus one it does not (5).
fn configs() -> Vec<(&'static str, Config)> {
    let base = Config { vocab: 1500, batch: 64, catchup: Catchup::PerStep, ..Config::defaults() };
    vec![
        ("tiger row-rms", Config { ..base }),
        ("lion constant", Config { optimizer: Optimizer::Lion, rms: false, lr: 3e-3, dim: 8, ..base }),
        ("adamw", Config { optimizer: Optimizer::AdamW, dim: 4, ..base }),
        (
            "adamw beta1^2 >= beta2",
            Config {
                optimizer: Optimizer::AdamW,
                adam_beta: (0.9, 0.6),
                dim: 32,
                catchup: Catchup::ClosedForm,
                ..base
            },
        ),
        ("tiger wd = 0", Config { wd: 0.0, dim: 5, catchup: Catchup::ClosedForm, ..base }),
        ("tiger ftz", Config { ftz: true, rms: false, ..base }),
        ("lion lazy", Config { optimizer: Optimizer::Lion, lazy: true, ..base }),
    ]
}

/// Asserts that two models hold the same state bit for bit: every row's entries and moments, the step, the
/// loss of the last batch, finiteness and the whole-embedding statistics.
fn assert_same(a: &Model, b: &Model, what: &str) {
    assert_eq!(a.t, b.t, "{what}: step");
    assert_eq!(a.is_finite(), b.is_finite(), "{what}: finiteness");
    assert_eq!(a.loss().to_bits(), b.loss().to_bits(), "{what}: loss");
    for r in 0..a.vocab() {
        let (ra, _) = a.stored(r);
        let (rb, _) = b.stored(r);
        let bits = |x: &[f32]| x.iter().map(|v| v.to_bits()).collect::<Vec<_>>();
        assert_eq!(bits(&ra.theta), bits(&rb.theta), "{what}: row {r} entries");
        assert_eq!(bits(&ra.m), bits(&rb.m), "{what}: row {r} first moment");
        assert_eq!(bits(&ra.v), bits(&rb.v), "{what}: row {r} second moment");
    }
    assert_eq!(format!("{:?}", a.summary()), format!("{:?}", b.summary()), "{what}: statistics");
}

#[test]
fn slices_of_a_sweep_give_the_state_of_whole_steps() {
    for (name, cfg) in configs() {
        let mut whole = Model::new(cfg, 5);
        assert!(!whole.closed_form, "{name}: the per-step engine must run");
        // Slices of one row, odd sizes, a size that does not divide V, and all rows at once.
        let mut sliced: Vec<(usize, Model)> =
            [1, 7, 333, 1499, 4096].iter().map(|&n| (n, Model::new(cfg, 5))).collect();
        for step in 1..=6u64 {
            whole.step();
            for (n, m) in sliced.iter_mut() {
                m.begin_sweep();
                assert_eq!(m.sweep_progress(), Some(0));
                let mut stats = None;
                let mut calls = 0;
                while stats.is_none() {
                    // Until the last slice the step count stays at the completed step.
                    assert_eq!(m.t, step - 1, "{name}, slices of {n}");
                    stats = m.sweep_rows(*n);
                    calls += 1;
                }
                assert_eq!(calls, cfg.vocab.div_ceil(*n), "{name}, slices of {n}: calls");
                assert_eq!(m.sweep_progress(), None);
                // The statistics the sweep gathered are those of the whole embedding at the new step.
                assert_eq!(format!("{:?}", stats.unwrap()), format!("{:?}", whole.summary()), "{name}, slices of {n}");
                assert_same(&whole, m, &format!("{name}, slices of {n}, step {step}"));
            }
        }
    }
}

#[test]
fn a_whole_step_finishes_a_step_in_progress() {
    let cfg = configs()[2].1;
    let (mut a, mut b) = (Model::new(cfg, 9), Model::new(cfg, 9));
    a.step();
    a.step();
    b.begin_sweep();
    b.sweep_rows(100);
    b.step(); // completes the step in progress
    b.step();
    assert_same(&a, &b, "step after a partial sweep");
}

fn runner(params: &[(&str, &str)], spread: bool) -> Runner {
    let p = panels::find("lion-embedding").expect("lion-embedding is registered");
    let mut r = Runner::new(p, ParamValues::defaults(p.params()), 1);
    r.set_spread(spread);
    for (k, v) in params {
        r.set_param_strict(k, v).unwrap_or_else(|e| panic!("{k}={v}: {e}"));
    }
    r
}

/// Works the runner in calls of `units` until it has completed `steps` steps or stopped; checks on the way that
/// the metrics read while a step is in progress are those of the last completed step (a run with the same
/// settings stepped whole to it).
fn work_to(r: &mut Runner, steps: u64, units: u64) {
    let p = r.panel();
    let mut reference = Runner::new(p, r.params().clone(), r.seed());
    let mut calls = 0;
    while (r.steps() < steps || r.replay_to().is_some()) && r.diverged_at().is_none() {
        r.work(units);
        calls += 1;
        assert!(calls < 1_000_000, "no progress");
        if r.units_done() > 0 && r.replay_to().is_none() && calls % 7 == 1 {
            if reference.steps() > r.steps() {
                reference = Runner::new(p, r.params().clone(), r.seed());
            }
            reference.step(r.steps() - reference.steps());
            assert_eq!(
                r.metrics_json(),
                reference.metrics_json(),
                "metrics while step {} is in progress",
                r.steps() + 1
            );
        }
    }
}

#[test]
fn runner_work_in_units_equals_whole_steps() {
    let settings: [&[(&str, &str)]; 3] = [
        &[("catchup", "per-step"), ("vocab", "9000"), ("optimizer", "lion"), ("dim", "8")],
        &[("optimizer", "adamw"), ("beta1", "0.9"), ("beta2", "0.6"), ("vocab", "9000"), ("dim", "8")],
        &[("wd", "0"), ("vocab", "5000")],
    ];
    for params in settings {
        let mut whole = runner(params, false);
        whole.step(40);
        for units in [1, 2, 3, 5, 1000] {
            let mut parts = runner(params, true);
            assert!(parts.units_per_step() > 1, "{params:?}: steps in parts");
            work_to(&mut parts, 40, units);
            // Stop at a step boundary (a call may have begun the next step).
            while parts.units_done() > 0 {
                parts.work(1);
            }
            let mut at = runner(params, false);
            at.step(parts.steps());
            assert_eq!(parts.report_json(), at.report_json(), "{params:?} in calls of {units} units");
        }
        // 40 steps whole and in parts from the same start: the same report.
        let mut parts = runner(params, true);
        // Calls of 3 units complete at most one step each (a step is at least 3 units here).
        work_to(&mut parts, 39, 3);
        while parts.steps() < 40 || parts.units_done() > 0 {
            parts.work(1);
        }
        assert_eq!(parts.steps(), 40);
        assert_eq!(parts.report_json(), whole.report_json(), "{params:?}");
    }
}

/// A diverging per-step run (Tiger with α = 10, λ = 1 diverges at step 7): stepped whole, it stops at the last
/// finite step with the step of divergence; in units with spread replays (the page), the rebuild after the
/// divergence and a link's seek are replays served by `work`, and the run ends in the same state.
#[test]
fn diverging_run_in_units_and_spread_replays_end_in_the_same_state() {
    let params: &[(&str, &str)] = &[("lr", "10"), ("wd", "1"), ("catchup", "per-step"), ("vocab", "9000")];
    let mut whole = runner(params, false);
    whole.step(100);
    let bad = whole.diverged_at().expect("this setting diverges");
    let mut parts = runner(params, true);
    let mut replayed = false;
    for _ in 0..100_000 {
        if parts.diverged_at().is_some() {
            break;
        }
        parts.work(2);
        replayed |= parts.replay_to().is_some();
    }
    assert!(replayed, "the divergence rebuild was spread");
    assert_eq!(parts.diverged_at(), Some(bad));
    assert_eq!(parts.report_json(), whole.report_json());
    // A link to step 50 of the same run: the seek is a replay, served by `work`, ending at the divergence.
    let mut link = runner(params, true);
    assert_eq!(link.seek(50), 0);
    assert_eq!(link.replay_to(), Some(50));
    assert_eq!(link.diverged_at(), None);
    work_to(&mut link, 50, 3);
    assert_eq!(link.replay_to(), None);
    assert_eq!(link.diverged_at(), Some(bad));
    assert_eq!(link.report_json(), whole.report_json());
    // Without spreading (the command line) the seek is done at once.
    let mut now = runner(params, false);
    assert_eq!(now.seek(50), bad - 1);
    assert_eq!(now.report_json(), whole.report_json());
}

/// A parameter change replays to the current step, spread; the step a change is made at is kept even when
/// another change comes while the replay is under way.
#[test]
fn spread_replay_after_a_change_keeps_the_step() {
    let params: &[(&str, &str)] = &[("catchup", "per-step"), ("vocab", "9000")];
    let mut r = runner(params, true);
    work_to(&mut r, 30, 4);
    while r.units_done() > 0 {
        r.work(1);
    }
    let at = r.steps();
    r.set_param_strict("lr", "2e-3").unwrap();
    assert_eq!(r.replay_to(), Some(at));
    r.work(5);
    r.set_param_strict("lr", "3e-3").unwrap();
    assert_eq!(r.replay_to(), Some(at));
    work_to(&mut r, at, 3);
    let mut want = runner(&[("catchup", "per-step"), ("vocab", "9000"), ("lr", "3e-3")], false);
    want.step(at);
    assert_eq!(r.report_json(), want.report_json());
}

/// A figure drawn while a step is in progress (a resize redraws at once) says so in its headline, in both
/// languages, with the share of the step's work the page's readout shows; drawn between steps it does not.
#[test]
fn a_figure_drawn_mid_step_names_the_step_in_progress() {
    use dynamics::i18n::Lang;
    use dynamics::plot::Theme;
    use dynamics::render;
    render::ensure_fonts();
    let mut r = runner(&[("catchup", "per-step"), ("vocab", "9000"), ("optimizer", "lion")], true);
    work_to(&mut r, 3, 1);
    while r.units_done() > 0 {
        r.work(1);
    }
    let plain = render::svg(&r, 944, 600, &Theme::light(1.0)).unwrap();
    assert!(plain.contains("step 3") && !plain.contains("(step 4"), "between steps");
    // 4 units per step here (the batch, then 9000 rows in 4096-row units): 2 done is 50 %.
    assert_eq!(r.units_per_step(), 4);
    r.work(2);
    assert_eq!((r.steps(), r.units_done()), (3, 2));
    let en = render::svg(&r, 944, 600, &Theme::light(1.0)).unwrap();
    assert!(en.contains("step 3 (step 4: 50 % done)"), "English headline mid-step");
    let zh = render::svg(&r, 944, 600, &Theme::light(1.0).with_lang(Lang::Zh)).unwrap();
    assert!(zh.contains("第 3 步（第 4 步：已完成 50%）"), "Chinese headline mid-step");
}

/// The page's rebuilds draw the initial embedding in parts (`Model::new_in_parts`, `Model::init_rows`; at
/// V = 200 000, d = 32 it takes about 100 ms in the browser): in slices of any size the finished model is
/// `Model::new`'s bit for bit, with the same engine (which depends on the largest initial entry), and it steps
/// the same; a step taken before the embedding is complete completes it first.
#[test]
fn an_initial_embedding_drawn_in_slices_is_the_whole_one() {
    let mut settings = configs();
    settings.push(("tiger closed form", Config { vocab: 1500, batch: 64, ..Config::defaults() }));
    // Large initial entries under the row-RMS rule: α · λ · max|θ₀| > 1, so the per-step engine runs, which the
    // rows drawn last may decide (the first row's largest entry is about 15 here, the whole embedding's above 25).
    let large = Config { vocab: 1500, batch: 64, lr: 0.04, wd: 1.0, init_std: 8.0, ..Config::defaults() };
    settings.push(("large init", large));
    for (name, cfg) in settings {
        let whole = Model::new(cfg, 9);
        for slice in [1, 7, 333, 4096, usize::MAX] {
            let mut parts = Model::new_in_parts(cfg, 9);
            assert_eq!(parts.init_progress(), Some(0), "{name}: nothing drawn yet");
            let mut calls = 0;
            while !parts.init_rows(slice) {
                calls += 1;
                assert_eq!(parts.init_progress(), Some((calls * slice).min(cfg.vocab)), "{name}: rows drawn");
            }
            assert_eq!(calls, cfg.vocab.div_ceil(slice) - 1, "{name}: calls of {slice} rows");
            assert_eq!(parts.init_progress(), None);
            assert_eq!(parts.closed_form, whole.closed_form, "{name}: engine");
            assert_eq!(parts.per_step_reason, whole.per_step_reason, "{name}: reason");
            assert_eq!(parts.max_init.to_bits(), whole.max_init.to_bits(), "{name}: largest initial entry");
            assert_same(&parts, &whole, &format!("{name} drawn in slices of {slice} rows"));
            let mut w = Model::new(cfg, 9);
            for _ in 0..5 {
                parts.step();
                w.step();
            }
            assert_same(&parts, &w, &format!("{name}: 5 steps after slices of {slice} rows"));
        }
        // A step on a model still being drawn draws the rest first.
        let mut early = Model::new_in_parts(cfg, 9);
        early.init_rows(100);
        early.step();
        let mut w = Model::new(cfg, 9);
        w.step();
        assert_same(&early, &w, &format!("{name}: a step completes the drawing"));
    }
    let mut first = Model::new_in_parts(large, 9);
    first.init_rows(1);
    assert!(first.closed_form && !Model::new(large, 9).closed_form, "the last rows decide the engine here");
}

/// On the page (spread replays) a rebuild leaves the initial embedding to `work`, one unit per 4096 rows, as a
/// replay to the step the run was at: the run is back at that step with the state and report of the command
/// line's rebuild (done at once), and no call of one unit does more than one unit of work.
#[test]
fn a_rebuild_on_the_page_draws_the_embedding_over_calls_of_work() {
    let params: &[(&str, &str)] = &[("vocab", "60000"), ("dim", "32")];
    let mut page = runner(params, true);
    let mut cli = runner(params, false);
    assert!(page.building() && !cli.building());
    assert_eq!(page.replay_to(), Some(0));
    // 60 000 rows in units of 4096, one unit to finish the set-up, one for the step.
    assert_eq!(page.units_per_step(), 15 + 1 + 1);
    let mut calls = 0;
    while page.replay_to().is_some() {
        assert_eq!(page.units_done(), calls);
        // The page reads the metrics every frame meanwhile: those of the set-up, which must not outlive it.
        let during = page.metrics_json();
        assert_eq!(during["max_abs"], 0.0, "no statistics before the embedding is drawn");
        assert_eq!(page.work(1), 1);
        calls += 1;
        assert!(calls <= 16, "the set-up ends");
    }
    assert_eq!(calls, 16, "the set-up's units");
    assert!(!page.building());
    assert_eq!((page.steps(), page.units_done(), page.units_per_step()), (0, 0, 1));
    assert_eq!(page.report_json(), cli.report_json(), "after the set-up");
    page.step(30);
    cli.step(30);
    assert_eq!(page.report_json(), cli.report_json(), "30 steps on");
    // A change at step 30: the set-up, then the replay to step 30, both served by `work`.
    page.set_param_strict("lr", "2e-3").unwrap();
    cli.set_param_strict("lr", "2e-3").unwrap();
    assert!(page.building());
    assert_eq!(page.replay_to(), Some(30));
    work_to(&mut page, 30, 4);
    assert_eq!(page.report_json(), cli.report_json(), "after a change at step 30");
    // A step asked for while the set-up is under way (the command-line style `step`) finishes it first.
    page.set_param_strict("lr", "3e-3").unwrap();
    cli.set_param_strict("lr", "3e-3").unwrap();
    assert!(page.building());
    assert_eq!(page.step(1), 1);
    cli.step(1);
    assert!(!page.building());
    assert_eq!(page.report_json(), cli.report_json(), "a step during the set-up");
}

/// A figure drawn while its initial embedding is still being drawn says so in its headline, in both languages.
#[test]
fn a_figure_drawn_during_the_set_up_says_so() {
    use dynamics::i18n::Lang;
    use dynamics::plot::Theme;
    use dynamics::render;
    render::ensure_fonts();
    let mut r = runner(&[("vocab", "16384")], true);
    assert_eq!(r.work(2), 2);
    assert!(r.building());
    let en = render::svg(&r, 944, 600, &Theme::light(1.0)).unwrap();
    assert!(en.contains("step 0 (initial embedding: 50 % drawn)"), "English headline during the set-up");
    assert!(
        en.contains("statistics once the initial embedding is drawn") && !en.contains("max|E| = 0"),
        "no statistics yet"
    );
    let zh = render::svg(&r, 944, 600, &Theme::light(1.0).with_lang(Lang::Zh)).unwrap();
    assert!(zh.contains("第 0 步（初始 Embedding：已生成 50%）"), "Chinese headline during the set-up");
    assert!(zh.contains("初始 Embedding 生成后再给出数值"), "no statistics yet, in Chinese");
    r.work(u64::MAX);
    let done = render::svg(&r, 944, 600, &Theme::light(1.0)).unwrap();
    assert!(!done.contains("initial embedding") && done.contains("max|E| = "), "no set-up note once done");
}
