//! The `dynamics` command line: `list`, `run`, `svg`, `png`, `bench` and `check`.
//!
//! The argument syntax is a contract other tools depend on. Input is strict: an unknown panel, an unknown
//! key, or a malformed or out-of-range value is an error with exit status 2 and a one-line message naming
//! the key and what is allowed. Parsing is pure ([`parse`]) so property tests can feed it anything.

use crate::hash::{parse_seed, SeedError};
use crate::panel::Panel;
use crate::panels;
use crate::params::ParamValues;
use crate::plot::Theme;
use crate::runner::{Runner, DEFAULT_SEED, MAX_SEED};
use std::path::PathBuf;

/// The largest `--steps` accepted.
pub const MAX_STEPS: u64 = 100_000_000;
/// The smallest and largest `--width`/`--height` accepted, in CSS pixels.
pub const SIZE_RANGE: (u32, u32) = (64, 8192);

/// The usage text printed by `dynamics help`.
pub const USAGE: &str = "usage:
  dynamics list
  dynamics run <panel-id> [--preset ID] [--steps N] [--seed S] [key=value ...]
  dynamics svg <panel-id> [--preset ID] [--steps N] [--seed S] [--width W] [--height H] [--dark] [key=value ...] -o FILE.svg
  dynamics png <panel-id> [--preset ID] [--steps N] [--seed S] [--width W] [--height H] [--scale X] [--dark] [key=value ...] -o FILE.png
  dynamics bench [--ms N] [<panel-id> [key=value ...]]
  dynamics check [<panel-id>]
values: numbers (1e-3 allowed), choices by name, true/false, lists comma-separated (x=3,2,1,4)
--preset starts from the preset's complete setting and seed; --seed and key=value override it in any order.
check runs every preset to its claim's step and exits with 1 if any claim does not hold.";

/// A command-line failure: the exit status and a one-line message.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CliError {
    /// Exit status: 2 for bad input, 1 for failures while working.
    pub code: i32,
    /// A one-line message.
    pub message: String,
}

fn usage_err(message: impl Into<String>) -> CliError {
    CliError { code: 2, message: message.into() }
}

/// What to render for `svg` and `png`.
#[derive(Clone, Debug, PartialEq)]
pub struct Figure {
    /// Width in CSS pixels.
    pub width: u32,
    /// Height in CSS pixels.
    pub height: u32,
    /// Device pixels per CSS pixel (PNG only).
    pub scale: f64,
    /// Dark theme.
    pub dark: bool,
    /// Output path, or `-` for standard output (SVG only).
    pub out: PathBuf,
}

/// A fully validated run request.
pub struct RunSpec {
    /// The panel.
    pub panel: &'static dyn Panel,
    /// Steps to take.
    pub steps: u64,
    /// The seed.
    pub seed: u64,
    /// All parameter values.
    pub params: ParamValues,
}

impl std::fmt::Debug for RunSpec {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RunSpec")
            .field("panel", &self.panel.id())
            .field("steps", &self.steps)
            .field("seed", &self.seed)
            .field("params", &self.params)
            .finish()
    }
}

/// A parsed command.
#[derive(Debug)]
pub enum Command {
    /// Print the usage.
    Help,
    /// Print the registry as JSON.
    List,
    /// Run headless and print the report.
    Run(RunSpec),
    /// Render to SVG.
    Svg(RunSpec, Figure),
    /// Render to PNG.
    Png(RunSpec, Figure),
    /// Run every preset of one panel (by id, already validated) or of all panels that states a claim and report whether it holds.
    Check(Option<&'static str>),
    /// Measure native steps per second of every panel at its defaults, or of one panel at the given parameters,
    /// for about `ms` milliseconds each.
    Bench {
        /// Milliseconds per panel.
        ms: u64,
        /// One panel and its parameter values (steps and seed unused), or `None` for every panel at its defaults.
        only: Option<RunSpec>,
    },
}

fn parse_u64_in(flag: &str, text: &str, lo: u64, hi: u64) -> Result<u64, CliError> {
    let ok = !text.is_empty() && text.len() <= 20 && text.bytes().all(|b| b.is_ascii_digit());
    match text.parse::<u64>() {
        Ok(v) if ok && (lo..=hi).contains(&v) => Ok(v),
        _ => Err(usage_err(format!("{flag} expects a whole number in [{lo}, {hi}], got '{}'", clip(text)))),
    }
}

fn clip(s: &str) -> String {
    let mut out: String = s.chars().filter(|c| !c.is_control()).take(60).collect();
    if s.chars().count() > 60 {
        out.push('…');
    }
    out
}

/// Parses the arguments after the program name.
pub fn parse(args: &[String]) -> Result<Command, CliError> {
    let Some(cmd) = args.first() else {
        return Err(usage_err("missing command; try 'dynamics help'"));
    };
    let rest = &args[1..];
    match cmd.as_str() {
        "help" | "--help" | "-h" => Ok(Command::Help),
        "list" => {
            if let Some(extra) = rest.first() {
                return Err(usage_err(format!("'list' takes no arguments, got '{}'", clip(extra))));
            }
            Ok(Command::List)
        }
        "bench" => {
            let mut ms = 1000;
            let mut only: Option<RunSpec> = None;
            let mut i = 0;
            while i < rest.len() {
                let arg = &rest[i];
                let (flag, inline) = split_flag(arg);
                match (flag, &mut only) {
                    ("--ms", _) => {
                        let v = value_of(flag, inline, rest, &mut i)?;
                        ms = parse_u64_in("--ms", &v, 1, 600_000)?;
                    }
                    _ if arg.starts_with('-') => {
                        return Err(usage_err(format!("unknown argument '{}' for 'bench'", clip(arg))))
                    }
                    (_, Some(RunSpec { panel, params, .. })) => {
                        let Some((key, value)) = arg.split_once('=') else {
                            return Err(usage_err(format!("expected key=value, got '{}'", clip(arg))));
                        };
                        params
                            .set_strict(key, value)
                            .map_err(|e| usage_err(format!("{}: {}", panel.id(), clip_msg(&e.0))))?;
                    }
                    (_, None) => {
                        let panel = find_panel(arg)?;
                        let params = ParamValues::defaults(panel.params());
                        only = Some(RunSpec { panel, steps: 0, seed: DEFAULT_SEED, params });
                    }
                }
                i += 1;
            }
            Ok(Command::Bench { ms, only })
        }
        "run" | "svg" | "png" => parse_run(cmd, rest),
        "check" => parse_check(rest),
        other => Err(usage_err(format!(
            "unknown command '{}'; expected list, run, svg, png, bench, check or help",
            clip(other)
        ))),
    }
}

fn split_flag(arg: &str) -> (&str, Option<&str>) {
    if arg.starts_with("--") {
        if let Some((f, v)) = arg.split_once('=') {
            return (f, Some(v));
        }
    }
    (arg, None)
}

fn value_of(flag: &str, inline: Option<&str>, rest: &[String], i: &mut usize) -> Result<String, CliError> {
    if let Some(v) = inline {
        return Ok(v.to_string());
    }
    *i += 1;
    rest.get(*i).cloned().ok_or_else(|| usage_err(format!("{flag} needs a value")))
}

fn find_panel(id: &str) -> Result<&'static dyn Panel, CliError> {
    panels::find(id).ok_or_else(|| {
        let ids: Vec<&str> = panels::all().iter().map(|p| p.id()).collect();
        usage_err(format!("unknown panel '{}'; known: {}", clip(id), ids.join(", ")))
    })
}

fn parse_run(cmd: &str, rest: &[String]) -> Result<Command, CliError> {
    let Some(id) = rest.first() else {
        return Err(usage_err(format!("'{cmd}' needs a panel id; try 'dynamics list'")));
    };
    let panel = find_panel(id)?;
    let figure_cmd = cmd != "run";
    let mut params = ParamValues::defaults(panel.params());
    let mut steps = 0;
    let mut seed = DEFAULT_SEED;
    let (mut width, mut height, mut scale, mut dark, mut out) = (None, None, 1.0, false, None);
    let mut preset: Option<String> = None;
    let mut given: Vec<(String, String)> = Vec::new();
    let mut seed_given = false;
    let mut i = 1;
    while i < rest.len() {
        let arg = &rest[i];
        let (flag, inline) = split_flag(arg);
        match flag {
            "--preset" => preset = Some(value_of(flag, inline, rest, &mut i)?),
            "--steps" => steps = parse_u64_in("--steps", &value_of(flag, inline, rest, &mut i)?, 0, MAX_STEPS)?,
            "--seed" => {
                let v = value_of(flag, inline, rest, &mut i)?;
                seed_given = true;
                seed = match parse_seed(&v) {
                    Ok(s) => s,
                    Err(SeedError::Malformed) | Err(SeedError::OutOfRange(_)) => {
                        return Err(usage_err(format!(
                            "--seed expects a whole number in [0, {MAX_SEED}], got '{}'",
                            clip(&v)
                        )))
                    }
                };
            }
            "--width" | "--height" if figure_cmd => {
                let v = parse_u64_in(
                    flag,
                    &value_of(flag, inline, rest, &mut i)?,
                    SIZE_RANGE.0 as u64,
                    SIZE_RANGE.1 as u64,
                )?;
                if flag == "--width" {
                    width = Some(v as u32);
                } else {
                    height = Some(v as u32);
                }
            }
            "--scale" if cmd == "png" => {
                let v = value_of(flag, inline, rest, &mut i)?;
                scale = match v.parse::<f64>() {
                    Ok(x) if x.is_finite() && (0.5..=4.0).contains(&x) => x,
                    _ => return Err(usage_err(format!("--scale expects a number in [0.5, 4], got '{}'", clip(&v)))),
                };
            }
            "--dark" if figure_cmd && inline.is_none() => dark = true,
            "-o" | "--output" if figure_cmd => out = Some(PathBuf::from(value_of(flag, inline, rest, &mut i)?)),
            _ if arg.starts_with('-') && !arg.contains('=') => {
                return Err(usage_err(format!("unknown flag '{}' for '{cmd}'", clip(arg))));
            }
            _ => {
                let Some((key, value)) = arg.split_once('=') else {
                    return Err(usage_err(format!("expected key=value, got '{}'", clip(arg))));
                };
                params.set_strict(key, value).map_err(|e| usage_err(format!("{}: {}", panel.id(), clip_msg(&e.0))))?;
                given.push((key.to_string(), value.to_string()));
            }
        }
        i += 1;
    }
    if let Some(id) = preset {
        let (p, s) = preset_setting(panel, &id, &given)?;
        params = p;
        if !seed_given {
            seed = s;
        }
    }
    let spec = RunSpec { panel, steps, seed, params };
    if !figure_cmd {
        return Ok(Command::Run(spec));
    }
    let out = out.ok_or_else(|| usage_err(format!("'{cmd}' needs -o FILE")))?;
    if cmd == "png" && out.as_os_str() == "-" {
        return Err(usage_err("'png' cannot write to standard output; give -o FILE.png"));
    }
    let width = width.unwrap_or(800);
    let aspect = panel.aspect().0;
    let height = height.unwrap_or(((width as f64 * aspect).round() as u32).clamp(SIZE_RANGE.0, SIZE_RANGE.1));
    let fig = Figure { width, height, scale, dark, out };
    Ok(if cmd == "svg" { Command::Svg(spec, fig) } else { Command::Png(spec, fig) })
}

/// The setting of `--preset id`: the preset's complete parameters with the explicit `key=value` pairs
/// applied over them (in the order given), and the preset's seed.
fn preset_setting(
    panel: &'static dyn Panel,
    id: &str,
    given: &[(String, String)],
) -> Result<(ParamValues, u64), CliError> {
    let preset =
        crate::panel::find_preset(panel, id).ok_or_else(|| usage_err(crate::runner::unknown_preset(panel, id)))?;
    let mut params = preset.params(panel.params()).map_err(|e| CliError { code: 1, message: e })?;
    for (k, v) in given {
        params.set_strict(k, v).map_err(|e| usage_err(format!("{}: {}", panel.id(), clip_msg(&e.0))))?;
    }
    Ok((params, preset.seed_or_default()))
}

/// Parses `check [<panel-id>]`.
fn parse_check(rest: &[String]) -> Result<Command, CliError> {
    if let Some(arg) = rest.iter().find(|a| a.starts_with('-')) {
        return Err(usage_err(format!("unknown argument '{}' for 'check'", clip(arg))));
    }
    if let Some(extra) = rest.get(1) {
        return Err(usage_err(format!("'check' takes at most one panel id, got '{}'", clip(extra))));
    }
    match rest.first() {
        None => Ok(Command::Check(None)),
        Some(id) => Ok(Command::Check(Some(find_panel(id)?.id()))),
    }
}

/// Runs the claims of one panel or all panels; returns the JSON report and whether every claim held.
pub fn check(only: Option<&str>) -> (serde_json::Value, bool) {
    let targets: Vec<&'static dyn Panel> =
        panels::all().into_iter().filter(|p| only.is_none_or(|id| p.id() == id)).collect();
    let mut rows = Vec::new();
    let (mut total, mut failed) = (0, 0);
    for panel in targets {
        for result in crate::check::check_panel(panel) {
            total += 1;
            match result {
                Ok(o) => {
                    failed += usize::from(!o.held());
                    rows.push(o.to_json());
                }
                Err(e) => {
                    failed += 1;
                    rows.push(serde_json::json!({ "panel": panel.id(), "error": e, "held": false }));
                }
            }
        }
    }
    (serde_json::json!({ "claims": total, "failed": failed, "results": rows }), failed == 0)
}

fn clip_msg(s: &str) -> String {
    s.chars().filter(|c| !c.is_control()).take(300).collect()
}

fn run_spec(spec: &RunSpec) -> Runner {
    let mut runner = Runner::new(spec.panel, spec.params.clone(), spec.seed);
    runner.step(spec.steps);
    runner
}

/// Executes a command; returns what to print on standard output.
pub fn execute(cmd: Command) -> Result<String, CliError> {
    let work_err = |m: String| CliError { code: 1, message: m };
    match cmd {
        Command::Help => Ok(USAGE.to_string()),
        Command::List => Ok(pretty(&panels::list_json())),
        Command::Run(spec) => Ok(pretty(&run_spec(&spec).report_json())),
        Command::Svg(spec, fig) => {
            let runner = run_spec(&spec);
            let theme = if fig.dark { Theme::dark(1.0) } else { Theme::light(1.0) };
            let svg = crate::render::svg(&runner, fig.width, fig.height, &theme).map_err(work_err)?;
            if fig.out.as_os_str() == "-" {
                return Ok(svg);
            }
            std::fs::write(&fig.out, svg).map_err(|e| work_err(format!("cannot write {}: {e}", fig.out.display())))?;
            Ok(pretty(&with_output(runner.report_json(), &fig.out)))
        }
        Command::Png(spec, fig) => {
            let runner = run_spec(&spec);
            let theme = if fig.dark { Theme::dark(fig.scale) } else { Theme::light(fig.scale) };
            crate::render::png(&runner, fig.width, fig.height, &theme, &fig.out)
                .map_err(|e| work_err(format!("cannot render {}: {e}", fig.out.display())))?;
            Ok(pretty(&with_output(runner.report_json(), &fig.out)))
        }
        Command::Bench { ms, only } => Ok(pretty(&bench(ms, only))),
        Command::Check(only) => {
            let (report, _) = check(only);
            Ok(pretty(&report))
        }
    }
}

fn with_output(mut report: serde_json::Value, out: &std::path::Path) -> serde_json::Value {
    if let Some(obj) = report.as_object_mut() {
        obj.insert("output".into(), serde_json::json!(out.display().to_string()));
    }
    report
}

fn pretty(v: &serde_json::Value) -> String {
    serde_json::to_string_pretty(v).unwrap_or_else(|_| v.to_string())
}

/// Measures native steps per second of every panel at default parameters, or of one panel at the given
/// parameters (a benchmark, not a test).
fn bench(ms: u64, only: Option<RunSpec>) -> serde_json::Value {
    use std::time::{Duration, Instant};
    let budget = Duration::from_millis(ms);
    let runs: Vec<(&'static dyn Panel, ParamValues)> = match only {
        Some(spec) => vec![(spec.panel, spec.params)],
        None => panels::all().into_iter().map(|p| (p, ParamValues::defaults(p.params()))).collect(),
    };
    let mut rows = Vec::new();
    for (panel, params) in runs {
        let mut runner = Runner::new(panel, params, DEFAULT_SEED);
        let start = Instant::now();
        let mut steps = 0u64;
        let chunk = panel.steps_per_frame().max(1) as u64;
        while start.elapsed() < budget {
            if runner.step(chunk) < chunk {
                // A diverged run cannot be timed further; start over.
                runner.reset();
            }
            steps += chunk;
        }
        let secs = start.elapsed().as_secs_f64();
        rows.push(serde_json::json!({ "id": panel.id(), "steps": steps, "seconds": secs, "steps_per_sec": steps as f64 / secs }));
    }
    serde_json::json!({ "panels": rows })
}
