//! Multi-task loss weighting: seven schemes racing on one plane, with invariance replays.
//!
//! Post: Su Jianlin, "多任务学习漫谈（一）：以损失之名", https://kexue.fm/archives/8870 (theory note
//! `shared/theory/multitask.md`). Three quadratic tasks `L_i = s_i(½‖θ − c_i‖² + m_i)` share a 2-D
//! parameter θ and are combined by seven weighting schemes: equal weights, the initial loss, a prior loss,
//! the real-time loss (the geometric mean), the generalised mean, gradient normalisation and (not from the
//! post) uncertainty weighting. Claim: every scheme stops at a weighted mean of the task centres, each with
//! its own weights; dividing by a loss value makes a scheme invariant to rescaling a task but not to shifting
//! it, and only gradient normalisation is invariant to both. The two replays multiply task 1 by 1000 or add 5
//! to it, rerun every scheme and draw the new paths over the old ones, so the invariant schemes are the ones
//! whose paths do not move.
//!
//! Representation choices (documented here because the hash and the CLI depend on them):
//! - `show` is a single choice: `all`, `post` (the six schemes of the post), `scale-invariant` (init,
//!   prior, realtime, gradnorm: unchanged by ×1000), `shift-invariant` (equal, gradnorm: unchanged by +5), or
//!   one scheme by name. Every scheme is always simulated and reported; `show` only selects what is drawn.
//! - `replay` (`none`, `x1000`, `plus5`) makes the two buttons presets, so the state stays a pure function of
//!   (parameters, seed, steps) and a link reproduces it. With a replay on, every scheme runs twice.
//! - A scheme that diverges is frozen and reported with `S_diverged = 1` (its end-point metrics are null);
//!   the panel as a whole reports non-finite (the runner's "diverged") only when every scheme of the original
//!   run has diverged, because until then the figure still has something to show.

mod draw;
mod metrics_info;
pub use dynamics_models::panels::multitask::fixed;
pub use dynamics_models::panels::multitask::model;
mod table;

pub use table::{METRICS, PARAMS, PRESETS, SHOW};

use crate::i18n::T;
use crate::panel::{Metric, Metrics, PanelSpec, Settle, Sim};
use crate::params::{fmt_f64, ParamValues};
use crate::plot::{Area, Drawn, Theme};
use fixed::{calculator, centroid, geometric_median, pareto_hull, predicted, Calculator};
use model::{Race, Replay, Scheme, Settings, Tasks, N};

/// The panel: its identity, table and metrics, and what differs from the defaults of [`PanelSpec::new`].
pub static PANEL: PanelSpec = PanelSpec {
    // Slow enough to watch the race: the transients last a few hundred steps.
    steps_per_frame: 5,
    golden_steps: 600,
    aspect: (0.56, 1.55),
    // A step of one race costs about a microsecond natively (two with a replay on, more in wasm), so a
    // parameter change replays at most 10 000 steps (a few tens of milliseconds); every run has settled by then
    // except the uncertainty scheme's slow return after ×1000, which a restart simply plays again.
    replay_limit: 10_000,
    presets: &PRESETS,
    clickable: true,
    // Every scheme's iterate stops moving (a diverged scheme reports null and counts as still).
    settle: Some(Settle {
        metrics: &[
            "equal_x",
            "equal_y",
            "init_x",
            "init_y",
            "prior_x",
            "prior_y",
            "realtime_x",
            "realtime_y",
            "genmean_x",
            "genmean_y",
            "gradnorm_x",
            "gradnorm_y",
            "uncertainty_x",
            "uncertainty_y",
        ],
        rel_tol: 1e-09,
        abs_tol: 1e-12,
        window: 200,
    }),
    more_settings: &[
        "c1x",
        "c1y",
        "c2x",
        "c2y",
        "c3x",
        "c3y",
        "theta0_x",
        "theta0_y",
        "gamma",
        "prior1",
        "prior2",
        "prior3",
        "calc_freq",
        "calc_mean",
        "calc_sd",
        "contours",
        "predicted",
    ],
    metrics_info: &metrics_info::INFO,
    ..PanelSpec::new(
        "multitask",
        T::new("Multi-task loss weighting: seven schemes on one plane", "多任务损失加权：一个平面上的七种方案"),
        &PARAMS,
        &METRICS,
        |p, _seed| Box::new(MultitaskSim::new(p)),
    )
};

/// Reads the tasks from validated parameter values.
pub fn tasks_from(p: &ParamValues) -> Tasks {
    Tasks {
        c: [[p.f64("c1x"), p.f64("c1y")], [p.f64("c2x"), p.f64("c2y")], [p.f64("c3x"), p.f64("c3y")]],
        s: [p.f64("s1"), p.f64("s2"), p.f64("s3")],
        m: [p.f64("m1"), p.f64("m2"), p.f64("m3")],
        b: [0.0; N],
        prior: [p.f64("prior1"), p.f64("prior2"), p.f64("prior3")],
    }
}

/// Reads the shared settings from validated parameter values.
pub fn settings_from(p: &ParamValues) -> Settings {
    Settings { lr: p.f64("lr"), gamma: p.f64("gamma"), theta0: [p.f64("theta0_x"), p.f64("theta0_y")] }
}

/// Which schemes a `show` choice draws.
pub fn shown(show: &str) -> [bool; 7] {
    Scheme::ALL.map(|s| match show {
        "post" => s != Scheme::Uncertainty,
        "scale-invariant" => matches!(s, Scheme::Init | Scheme::Prior | Scheme::Realtime | Scheme::GradNorm),
        "shift-invariant" => matches!(s, Scheme::Equal | Scheme::GradNorm),
        "all" => true,
        name => s.name() == name,
    })
}

/// The data rectangle the plane shows before it is widened to equal axis scales: the centres and the start
/// with a margin. It depends on the parameters only, so it does not move while the race runs.
pub fn plane_box(t: &Tasks, set: &Settings) -> ((f64, f64), (f64, f64)) {
    let pts = t.c.iter().chain(std::iter::once(&set.theta0));
    let (mut x0, mut x1, mut y0, mut y1) = (f64::INFINITY, f64::NEG_INFINITY, f64::INFINITY, f64::NEG_INFINITY);
    for p in pts {
        x0 = x0.min(p[0]);
        x1 = x1.max(p[0]);
        y0 = y0.min(p[1]);
        y1 = y1.max(p[1]);
    }
    let pad = 0.2 * (x1 - x0).max(y1 - y0).max(2.0) + 0.3;
    ((x0 - pad, x1 + pad), (y0 - pad, y1 + pad))
}

/// The live simulation: the original race, the optional replayed race and the fixed overlays.
pub struct MultitaskSim {
    /// The race on the tasks as given.
    pub base: Race,
    /// The race on the transformed tasks, when a replay is on.
    pub replay: Option<Race>,
    /// Which replay.
    pub replay_kind: Replay,
    /// Which schemes are drawn, in [`Scheme::ALL`] order.
    pub show: [bool; 7],
    /// The `show` choice.
    pub show_name: &'static str,
    /// Whether to draw contours and predicted end points.
    pub contours: bool,
    /// Whether to draw predicted end points.
    pub predicted: bool,
    /// The plane's data rectangle (before equal-scale widening).
    pub plane: ((f64, f64), (f64, f64)),
    /// The corners of the Pareto set.
    pub hull: Vec<[f64; 2]>,
    /// The s-weighted centroid.
    pub centroid: [f64; 2],
    /// The geometric median.
    pub median: [f64; 2],
    /// The largest distance so far between original and replayed iterates, per scheme.
    pub gap: [f64; 7],
    /// The prior calculator.
    pub calc: Calculator,
    /// The class frequencies given to the calculator.
    pub calc_freq: Vec<f64>,
    /// The calculator's target mean and standard deviation.
    pub calc_target: (f64, f64),
}

impl MultitaskSim {
    /// A simulation at step 0.
    pub fn new(p: &ParamValues) -> Self {
        let tasks = tasks_from(p);
        let set = settings_from(p);
        let replay_kind = match p.choice("replay") {
            "x1000" => Replay::Scale1000,
            "plus5" => Replay::Plus5,
            _ => Replay::None,
        };
        let plane = plane_box(&tasks, &set);
        let delta = 1e-3 * (plane.0 .1 - plane.0 .0).max(plane.1 .1 - plane.1 .0);
        let replay = (replay_kind != Replay::None).then(|| Race::new(tasks.transformed(replay_kind), set, delta));
        let show_name = p.choice("show");
        let freq = p.list("calc_freq").to_vec();
        let (mean, sd) = (p.f64("calc_mean"), p.f64("calc_sd"));
        MultitaskSim {
            base: Race::new(tasks, set, delta),
            replay,
            replay_kind,
            show: shown(show_name),
            show_name,
            contours: p.flag("contours"),
            predicted: p.flag("predicted"),
            plane,
            hull: pareto_hull(&tasks.c),
            centroid: centroid(&tasks),
            median: geometric_median(&tasks.c),
            gap: [0.0; 7],
            calc: calculator(&freq, mean, sd),
            calc_freq: freq,
            calc_target: (mean, sd),
        }
    }

    /// The theory's end point for a scheme of the original race, solved from its current iterate.
    pub fn predicted_end(&self, s: Scheme) -> Option<[f64; 2]> {
        let run = self.base.run(s);
        predicted(s, &self.base.tasks, &self.base.set, run.theta).filter(|p| p.iter().all(|x| x.is_finite()))
    }
}

fn num_or_null(v: f64, diverged: bool) -> Metric {
    if diverged {
        Metric::Null
    } else {
        Metric::Num(v)
    }
}

impl Sim for MultitaskSim {
    fn step(&mut self) {
        self.base.step();
        if let Some(r) = &mut self.replay {
            r.step();
            for (i, (a, b)) in self.base.runs.iter().zip(&r.runs).enumerate() {
                if !a.diverged() && !b.diverged() {
                    let d = (a.theta[0] - b.theta[0]).hypot(a.theta[1] - b.theta[1]);
                    self.gap[i] = self.gap[i].max(d);
                }
            }
        }
    }

    fn is_finite(&self) -> bool {
        self.base.is_finite()
            && self.replay.as_ref().is_none_or(Race::is_finite)
            && !self.base.runs.iter().all(|r| r.diverged())
    }

    fn metrics(&self) -> Metrics {
        let mut out: Metrics = Vec::with_capacity(METRICS.len());
        let mut names = METRICS.iter();
        let mut put = |m: Metric| {
            if let Some(n) = names.next() {
                out.push((*n, m));
            }
        };
        for (i, run) in self.base.runs.iter().enumerate() {
            let dv = run.diverged();
            let l = self.base.tasks.losses(run.theta);
            put(num_or_null(run.theta[0], dv));
            put(num_or_null(run.theta[1], dv));
            put(num_or_null(l.iter().copied().fold(f64::NEG_INFINITY, f64::max), dv));
            put(num_or_null(l.iter().copied().fold(f64::INFINITY, f64::min), dv));
            put(Metric::Int(dv as i64));
            match &self.replay {
                Some(r) => {
                    let rdv = r.runs[i].diverged();
                    put(num_or_null(self.gap[i], dv || rdv));
                    put(Metric::Int(rdv as i64));
                }
                None => {
                    put(Metric::Null);
                    put(Metric::Null);
                }
            }
        }
        put(Metric::Num(self.centroid[0]));
        put(Metric::Num(self.centroid[1]));
        put(Metric::Num(self.median[0]));
        put(Metric::Num(self.median[1]));
        out
    }

    fn draw(&self, area: &Area<'_>, theme: &Theme) -> Drawn {
        Drawn { scale: theme.scale, ..Drawn::plane(draw::draw(area, self, theme)) }
    }

    /// A press or drag near a task centre (within 22 CSS pixels, the nearest of the centres and the start)
    /// moves that centre; anywhere else on the plane it moves the start. Because the dragged centre is
    /// redrawn under the pointer, the next drag position is again nearest to it, so no drag state is needed.
    fn click(&self, drawn: &Drawn, px: f64, py: f64) -> Vec<(&'static str, String)> {
        const KEYS: [(&str, &str); 4] = [("c1x", "c1y"), ("c2x", "c2y"), ("c3x", "c3y"), ("theta0_x", "theta0_y")];
        let (Some(map), scale) = (drawn.planes.first(), drawn.scale) else { return Vec::new() };
        let Some((x, y)) = map.to_data(px, py) else { return Vec::new() };
        let t = &self.base.tasks;
        let targets = [t.c[0], t.c[1], t.c[2], self.base.set.theta0];
        // Pixels per data unit along each axis (equal by construction, but computed separately anyway).
        let kx = (map.px_x.1 - map.px_x.0) as f64 / (map.x.1 - map.x.0);
        let ky = (map.px_y.1 - map.px_y.0) as f64 / (map.y.1 - map.y.0);
        let mut best = (3usize, f64::INFINITY);
        for (i, q) in targets.iter().enumerate() {
            let d = ((q[0] - x) * kx).hypot((q[1] - y) * ky);
            if d < best.1 {
                best = (i, d);
            }
        }
        let which = if best.1 <= 22.0 * scale { best.0 } else { 3 };
        let (kx_key, ky_key) = KEYS[which];
        vec![(kx_key, fmt_f64(round2(x))), (ky_key, fmt_f64(round2(y)))]
    }
}

/// Rounds to 0.01 so that dragged positions stay short in the URL hash.
fn round2(v: f64) -> f64 {
    (v * 100.0).round() / 100.0
}
