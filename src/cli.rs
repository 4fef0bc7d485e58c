//! The `dynamics` command line: `list`, `run`, `svg`, `png`, `bench` and `check`.
//!
//! The argument syntax is a contract other tools depend on. Input is strict: an unknown panel, flag or key,
//! a key or flag given twice, an argument that is not UTF-8 (other than an output path), or a malformed or
//! out-of-range value is an error with exit status 2 and a one-line message naming the argument and what is
//! allowed; user text in messages has its control characters escaped. Failures while working (a file that
//! cannot be written, a full disk) exit with status 1 and one line; a closed standard output ends the
//! program quietly with status 0, as for other Unix filters.
//!
//! Parsing is pure ([`parse`]) so property tests can feed it anything. It is driven by two tables: [`COMMANDS`]
//! names each subcommand, whether it takes a panel id, and which flags of [`FLAGS`] it accepts; a generic pass
//! ([`collect`]) splits the arguments into a panel id, flag values and `key=value` pairs, and a small builder
//! per command turns them into a [`Command`]. Adding a subcommand or a flag is one table row plus its use in
//! a builder.

use crate::hash::{escape_for_message, push_escaped};
use crate::i18n::Lang;
use crate::panel::Panel;
use crate::panels;
use crate::params::ParamValues;
use crate::plot::Theme;
use crate::runner::{Runner, DEFAULT_SEED, MAX_SEED};
use std::ffi::{OsStr, OsString};
use std::io::Write;
use std::path::PathBuf;

/// The largest `--steps` accepted.
pub const MAX_STEPS: u64 = 100_000_000;
/// The smallest and largest `--width`/`--height` accepted, in CSS pixels.
pub const SIZE_RANGE: (u32, u32) = (64, 8192);
/// The most device pixels (width × height × scale²) a PNG may have: 8192 × 8192 (67.1 megapixels), a 192 MiB
/// frame buffer.
/// The largest size at scale 1 fits exactly; larger renders are refused before anything is allocated.
pub const MAX_PIXELS: u64 = 64 * 1024 * 1024;

/// The usage text printed by `dynamics help`.
pub const USAGE: &str = "usage:
  dynamics list [--lang en|zh]
  dynamics run <panel-id> [--preset ID] [--steps N] [--seed S] [key=value ...]
  dynamics svg <panel-id> [--preset ID] [--steps N] [--seed S] [--width W] [--height H] [--dark] [--lang en|zh] [key=value ...] -o FILE.svg
  dynamics png <panel-id> [--preset ID] [--steps N] [--seed S] [--width W] [--height H] [--scale X] [--dark] [--lang en|zh] [key=value ...] -o FILE.png
  dynamics bench [--ms N] [<panel-id> [key=value ...]]
  dynamics check [<panel-id>]
values: numbers (1e-3 allowed), choices by name, true/false, lists comma-separated (x=3,2,1,4)
--preset starts from the preset's complete setting and seed; --seed and key=value override it
--lang zh gives Chinese titles, labels and figure text (keys, names and JSON fields stay as they are)
check runs every preset to its claim's step and exits with 1 if any claim does not hold
whole numbers may carry a leading '+'; each key and flag may be given once
svg -o - writes to standard output; png writes PNG files only (FILE must end in .png), at most 67.1 megapixels (8192x8192 device pixels)";

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

fn work_err(message: impl Into<String>) -> CliError {
    CliError { code: 1, message: message.into() }
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
    /// The language of the words drawn.
    pub lang: Lang,
    /// Output path exactly as given (it need not be UTF-8), or `-` for standard output (SVG only).
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
    /// Print the registry as JSON, its titles, labels and help in the given language.
    List(Lang),
    /// Run headless and print the report.
    Run(RunSpec),
    /// Render to SVG.
    Svg(RunSpec, Figure),
    /// Render to PNG.
    Png(RunSpec, Figure),
    /// Run every preset of one panel (by id) or of all panels that states a claim, and report whether it holds.
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

/// One command-line flag: its long name, an optional one-letter form, and whether it takes a value.
#[derive(Debug, PartialEq, Eq)]
pub struct Flag {
    /// The long name without dashes (`steps` for `--steps`).
    pub long: &'static str,
    /// The one-letter form (`o` for `-o`), if any; messages then name the flag by it.
    pub short: Option<char>,
    /// Whether the flag takes a value (`--steps 5`, `--steps=5`) or is a switch (`--dark`).
    pub takes_value: bool,
}

impl Flag {
    /// The name messages use: `-o` for a flag with a one-letter form, `--steps` otherwise.
    pub fn name(&self) -> String {
        match self.short {
            Some(c) => format!("-{c}"),
            None => format!("--{}", self.long),
        }
    }
}

/// `--steps N`: steps to take.
pub const STEPS: Flag = Flag { long: "steps", short: None, takes_value: true };
/// `--seed S`: the seed.
pub const SEED: Flag = Flag { long: "seed", short: None, takes_value: true };
/// `--width W`: figure width in CSS pixels.
pub const WIDTH: Flag = Flag { long: "width", short: None, takes_value: true };
/// `--height H`: figure height in CSS pixels.
pub const HEIGHT: Flag = Flag { long: "height", short: None, takes_value: true };
/// `--scale X`: device pixels per CSS pixel (PNG).
pub const SCALE: Flag = Flag { long: "scale", short: None, takes_value: true };
/// `--dark`: the dark theme.
pub const DARK: Flag = Flag { long: "dark", short: None, takes_value: false };
/// `-o FILE` or `--output FILE`: where to write the figure.
pub const OUTPUT: Flag = Flag { long: "output", short: Some('o'), takes_value: true };
/// `--preset ID`: start from a preset's complete setting and seed.
pub const PRESET: Flag = Flag { long: "preset", short: None, takes_value: true };
/// `--lang CODE`: the language of titles, labels and figure text (`en` or `zh`).
pub const LANG: Flag = Flag { long: "lang", short: None, takes_value: true };
/// `--ms N`: milliseconds per benchmarked panel.
pub const MS: Flag = Flag { long: "ms", short: None, takes_value: true };

/// Every flag of every command.
pub const FLAGS: &[&Flag] = &[&PRESET, &STEPS, &SEED, &WIDTH, &HEIGHT, &SCALE, &DARK, &LANG, &OUTPUT, &MS];

/// Whether a command takes a panel id as its first positional argument.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PanelArg {
    /// No positional arguments at all.
    No,
    /// A panel id is required; `key=value` pairs may follow.
    Required,
    /// A panel id may be given; `key=value` pairs may follow it.
    Optional,
}

/// One subcommand: its name, its positional arguments and its flags.
#[derive(Debug)]
pub struct CommandSpec {
    /// The name typed after `dynamics`.
    pub name: &'static str,
    /// Whether it takes a panel id (and then `key=value` pairs).
    pub panel: PanelArg,
    /// The flags it accepts, in the order its messages list them.
    pub flags: &'static [&'static Flag],
}

/// Every subcommand except `help`, in the order messages list them.
pub const COMMANDS: &[CommandSpec] = &[
    CommandSpec { name: "list", panel: PanelArg::No, flags: &[&LANG] },
    CommandSpec { name: "run", panel: PanelArg::Required, flags: &[&PRESET, &STEPS, &SEED] },
    CommandSpec {
        name: "svg",
        panel: PanelArg::Required,
        flags: &[&PRESET, &STEPS, &SEED, &WIDTH, &HEIGHT, &DARK, &LANG, &OUTPUT],
    },
    CommandSpec {
        name: "png",
        panel: PanelArg::Required,
        flags: &[&PRESET, &STEPS, &SEED, &WIDTH, &HEIGHT, &SCALE, &DARK, &LANG, &OUTPUT],
    },
    CommandSpec { name: "bench", panel: PanelArg::Optional, flags: &[&MS] },
    CommandSpec { name: "check", panel: PanelArg::Optional, flags: &[] },
];

/// The arguments of one command, split by [`collect`] but not yet interpreted.
pub struct Collected {
    /// The command.
    pub command: &'static CommandSpec,
    /// The panel, if one was named.
    pub panel: Option<&'static dyn Panel>,
    /// Each flag given, with its value (empty for switches), in order.
    pub flags: Vec<(&'static Flag, OsString)>,
    /// Each `key=value` pair, in order.
    pub pairs: Vec<(String, String)>,
}

impl Collected {
    /// The raw value of `flag`, if it was given.
    pub fn raw(&self, flag: &Flag) -> Option<&OsStr> {
        self.flags.iter().find(|(f, _)| *f == flag).map(|(_, v)| v.as_os_str())
    }

    /// The value of `flag` as text, if it was given; a value that is not UTF-8 is bad input.
    pub fn text(&self, flag: &Flag) -> Result<Option<&str>, CliError> {
        self.raw(flag).map(|v| utf8(v, &format!("{} value", flag.name()))).transpose()
    }

    /// Whether the switch `flag` was given.
    pub fn switch(&self, flag: &Flag) -> bool {
        self.raw(flag).is_some()
    }

    /// The value of a whole-number flag within `[lo, hi]`, if it was given.
    pub fn whole(&self, flag: &Flag, lo: u64, hi: u64) -> Result<Option<u64>, CliError> {
        self.text(flag)?.map(|t| parse_whole(&flag.name(), t, lo, hi)).transpose()
    }

    /// The panel's default parameters with every `key=value` pair applied strictly.
    pub fn params(&self, panel: &'static dyn Panel) -> Result<ParamValues, CliError> {
        let mut params = ParamValues::defaults(panel.params());
        for (key, value) in &self.pairs {
            params.set_strict(key, value).map_err(|e| usage_err(format!("{}: {}", panel.id(), shown(&e.0, 300))))?;
        }
        Ok(params)
    }
}

/// User text as shown in messages: escaped and cut to `max` characters.
fn shown(s: &str, max: usize) -> String {
    escape_for_message(s, max)
}

/// An OS string as shown in messages: like [`shown`], with bytes that are not UTF-8 written as `\xFF`.
fn shown_os(s: &OsStr, max: usize) -> String {
    let mut out = String::new();
    let mut n = 0;
    for chunk in s.as_encoded_bytes().utf8_chunks() {
        for c in chunk.valid().chars() {
            if n == max {
                out.push('…');
                return out;
            }
            push_escaped(&mut out, c);
            n += 1;
        }
        for b in chunk.invalid() {
            if n == max {
                out.push('…');
                return out;
            }
            out.push_str(&format!("\\x{b:02X}"));
            n += 1;
        }
    }
    out
}

/// `arg` as UTF-8 text, or a bad-input error describing it as `what`.
fn utf8<'a>(arg: &'a OsStr, what: &str) -> Result<&'a str, CliError> {
    arg.to_str().ok_or_else(|| usage_err(format!("{what} '{}' is not valid UTF-8", shown_os(arg, 60))))
}

/// Parses a whole number for `flag`: an optional leading `+` and at most 20 digits, inside `[lo, hi]`.
/// A leading `-` is refused whatever follows, zero included, as it is for every whole-number flag.
pub fn parse_whole(flag: &str, text: &str, lo: u64, hi: u64) -> Result<u64, CliError> {
    let digits = text.strip_prefix('+').unwrap_or(text);
    let well_formed = !digits.is_empty() && digits.len() <= 20 && digits.bytes().all(|b| b.is_ascii_digit());
    match digits.parse::<u64>() {
        Ok(v) if well_formed && (lo..=hi).contains(&v) => Ok(v),
        _ => Err(usage_err(format!("{flag} expects a whole number in [{lo}, {hi}], got '{}'", shown(text, 60)))),
    }
}

/// Splits the arguments of `command` (those after its name) into a panel id, flags and `key=value` pairs,
/// refusing unknown or repeated flags and keys, arguments that are not UTF-8 (flag values are checked when
/// read, so an output path may be any OS string) and positional arguments the command does not take.
pub fn collect(command: &'static CommandSpec, args: Vec<OsString>) -> Result<Collected, CliError> {
    let cmd = command.name;
    let mut out = Collected { command, panel: None, flags: Vec::new(), pairs: Vec::new() };
    let mut parser = lexopt::Parser::from_args(args);
    loop {
        let arg = match parser.next() {
            Ok(Some(arg)) => arg,
            Ok(None) => break,
            Err(lexopt::Error::UnexpectedValue { option, value }) => {
                return Err(usage_err(format!(
                    "{} takes no value, got '{}={}'",
                    shown(&option, 60),
                    shown(&option, 60),
                    shown_os(&value, 60)
                )));
            }
            Err(e) => return Err(usage_err(shown(&e.to_string(), 300))),
        };
        let typed = match &arg {
            lexopt::Arg::Long(name) => Some(format!("--{name}")),
            lexopt::Arg::Short(c) => Some(format!("-{c}")),
            lexopt::Arg::Value(_) => None,
        };
        if let Some(typed) = typed {
            let flag = command.flags.iter().copied().find(|f| match &arg {
                lexopt::Arg::Long(name) => f.long == *name,
                lexopt::Arg::Short(c) => f.short == Some(*c),
                lexopt::Arg::Value(_) => false,
            });
            let Some(flag) = flag else {
                let known: Vec<String> = command.flags.iter().map(|f| f.name()).collect();
                let known = if known.is_empty() { "none".to_string() } else { known.join(", ") };
                return Err(usage_err(format!("unknown flag '{}' for '{cmd}'; known: {known}", shown(&typed, 60))));
            };
            if out.flags.iter().any(|(f, _)| *f == flag) {
                return Err(usage_err(format!("{} given more than once", flag.name())));
            }
            let value = if flag.takes_value {
                parser.value().map_err(|_| usage_err(format!("{} needs a value", flag.name())))?
            } else {
                OsString::new()
            };
            out.flags.push((flag, value));
            continue;
        }
        let lexopt::Arg::Value(value) = arg else { continue };
        let text = utf8(&value, "argument")?;
        match command.panel {
            PanelArg::No => {
                return Err(usage_err(format!("'{cmd}' takes no arguments, got '{}'", shown(text, 60))));
            }
            PanelArg::Required | PanelArg::Optional if out.panel.is_none() => out.panel = Some(find_panel(text)?),
            PanelArg::Required | PanelArg::Optional => {
                let Some((key, value)) = text.split_once('=') else {
                    return Err(usage_err(format!("expected key=value, got '{}'", shown(text, 60))));
                };
                if out.pairs.iter().any(|(k, _)| k == key) {
                    let id = out.panel.map(|p| p.id()).unwrap_or_default();
                    return Err(usage_err(format!("{id}: '{}' given more than once", shown(key, 60))));
                }
                out.pairs.push((key.to_string(), value.to_string()));
            }
        }
    }
    if command.panel == PanelArg::Required && out.panel.is_none() {
        return Err(usage_err(format!("'{cmd}' needs a panel id; try 'dynamics list'")));
    }
    Ok(out)
}

/// Parses the arguments after the program name. They are OS strings: only an output path may be other than
/// UTF-8.
pub fn parse<S: AsRef<OsStr>>(args: &[S]) -> Result<Command, CliError> {
    let Some(first) = args.first() else {
        return Err(usage_err("missing command; try 'dynamics help'"));
    };
    let name = utf8(first.as_ref(), "command")?;
    if matches!(name, "help" | "--help" | "-h") {
        return Ok(Command::Help);
    }
    let Some(command) = COMMANDS.iter().find(|c| c.name == name) else {
        let names: Vec<&str> = COMMANDS.iter().map(|c| c.name).collect();
        return Err(usage_err(format!("unknown command '{}'; expected {} or help", shown(name, 60), names.join(", "))));
    };
    let args = collect(command, args[1..].iter().map(|a| a.as_ref().to_owned()).collect())?;
    match command.name {
        "list" => Ok(Command::List(lang_of(&args)?)),
        "bench" => build_bench(&args),
        "check" => build_check(&args),
        _ => build_run(&args),
    }
}

/// The language of `--lang`, English when it is not given.
fn lang_of(args: &Collected) -> Result<Lang, CliError> {
    match args.text(&LANG)? {
        None => Ok(Lang::En),
        Some(code) => match Lang::from_code(code) {
            Some(lang) if lang.available() => Ok(lang),
            Some(lang) => Err(usage_err(format!(
                "--lang {}: this build has no {} wording (it was built without the `{}` feature)",
                lang.code(),
                lang.code(),
                lang.code()
            ))),
            None => Err(usage_err(format!("--lang expects en or zh, got '{}'", shown(code, 60)))),
        },
    }
}

fn find_panel(id: &str) -> Result<&'static dyn Panel, CliError> {
    panels::find(id).ok_or_else(|| {
        let ids: Vec<&str> = panels::all().iter().map(|p| p.id()).collect();
        usage_err(format!("unknown panel '{}'; known: {}", shown(id, 60), ids.join(", ")))
    })
}

fn build_bench(args: &Collected) -> Result<Command, CliError> {
    let ms = args.whole(&MS, 1, 600_000)?.unwrap_or(1000);
    let only = match args.panel {
        Some(panel) => Some(RunSpec { panel, steps: 0, seed: DEFAULT_SEED, params: args.params(panel)? }),
        None => None,
    };
    Ok(Command::Bench { ms, only })
}

fn build_check(args: &Collected) -> Result<Command, CliError> {
    if let Some((key, _)) = args.pairs.first() {
        return Err(usage_err(format!("'check' takes at most one panel id, got '{}=...'", shown(key, 60))));
    }
    Ok(Command::Check(args.panel.map(|p| p.id())))
}

/// The setting of `--preset id`: the preset's complete parameters with the explicit `key=value` pairs
/// applied over them, and the preset's seed.
fn preset_setting(args: &Collected, panel: &'static dyn Panel, id: &str) -> Result<(ParamValues, u64), CliError> {
    let preset = crate::panel::find_preset(panel, id)
        .ok_or_else(|| usage_err(shown(&crate::runner::unknown_preset(panel, id), 300)))?;
    let mut params = preset.params(panel.params()).map_err(work_err)?;
    for (key, value) in &args.pairs {
        params.set_strict(key, value).map_err(|e| usage_err(format!("{}: {}", panel.id(), shown(&e.0, 300))))?;
    }
    Ok((params, preset.seed_or_default()))
}

fn build_run(args: &Collected) -> Result<Command, CliError> {
    let cmd = args.command.name;
    let Some(panel) = args.panel else {
        return Err(usage_err(format!("'{cmd}' needs a panel id; try 'dynamics list'")));
    };
    let steps = args.whole(&STEPS, 0, MAX_STEPS)?.unwrap_or(0);
    let seed = args.whole(&SEED, 0, MAX_SEED)?;
    let (params, seed) = match args.text(&PRESET)? {
        Some(id) => {
            let (params, preset_seed) = preset_setting(args, panel, id)?;
            (params, seed.unwrap_or(preset_seed))
        }
        None => (args.params(panel)?, seed.unwrap_or(DEFAULT_SEED)),
    };
    let (lo, hi) = (SIZE_RANGE.0 as u64, SIZE_RANGE.1 as u64);
    let width = args.whole(&WIDTH, lo, hi)?.map(|w| w as u32);
    let height = args.whole(&HEIGHT, lo, hi)?.map(|h| h as u32);
    let scale = match args.text(&SCALE)? {
        None => 1.0,
        Some(v) => match v.parse::<f64>() {
            Ok(x) if x.is_finite() && (0.5..=4.0).contains(&x) => x,
            _ => return Err(usage_err(format!("--scale expects a number in [0.5, 4], got '{}'", shown(v, 60)))),
        },
    };
    let dark = args.switch(&DARK);
    let lang = lang_of(args)?;
    let out = args.raw(&OUTPUT).map(PathBuf::from);
    // Combinations the table alone cannot express (Top-k refuses a single score) are bad input here too.
    panel
        .check_params(&params, crate::i18n::Lang::En)
        .map_err(|e| usage_err(format!("{}: {}", panel.id(), shown(&e, 300))))?;
    let spec = RunSpec { panel, steps, seed, params };
    if cmd == "run" {
        return Ok(Command::Run(spec));
    }
    let out = out.ok_or_else(|| usage_err(format!("'{cmd}' needs -o FILE")))?;
    if cmd == "png" {
        if out.as_os_str() == "-" {
            return Err(usage_err("'png' cannot write to standard output; give -o FILE.png"));
        }
        if !out.extension().is_some_and(|e| e.eq_ignore_ascii_case("png")) {
            return Err(usage_err(format!(
                "'png' writes PNG files only; -o must name a file ending in .png, got '{}'",
                shown_os(out.as_os_str(), 60)
            )));
        }
    }
    let width = width.unwrap_or(800);
    let aspect = panel.aspect().0;
    let height = height.unwrap_or(((width as f64 * aspect).round() as u32).clamp(SIZE_RANGE.0, SIZE_RANGE.1));
    if cmd == "png" {
        let (w, h) = crate::render::device_size(width, height, scale);
        let pixels = w as u64 * h as u64;
        if pixels > MAX_PIXELS {
            return Err(usage_err(format!(
                "a {w}x{h} PNG would have {:.1} megapixels; at most {:.1} (8192x8192) are allowed; lower --width, \
                 --height or --scale",
                pixels as f64 / 1e6,
                MAX_PIXELS as f64 / 1e6
            )));
        }
    }
    let fig = Figure { width, height, scale, dark, lang, out };
    Ok(if cmd == "svg" { Command::Svg(spec, fig) } else { Command::Png(spec, fig) })
}

fn run_spec(spec: &RunSpec) -> Runner {
    let mut runner = Runner::new(spec.panel, spec.params.clone(), spec.seed);
    runner.step(spec.steps);
    runner
}

/// Writes `bytes` to `path`; a failure is one plain line naming the path and the system's reason.
fn write_file(path: &std::path::Path, bytes: &[u8]) -> Result<(), CliError> {
    std::fs::write(path, bytes)
        .map_err(|e| work_err(format!("cannot write {}: {}", shown_os(path.as_os_str(), 200), plain_io_error(&e))))
}

/// The system's description of an I/O error, on one line.
fn plain_io_error(e: &std::io::Error) -> String {
    shown(&e.to_string(), 200)
}

/// Executes a command; returns what to print on standard output.
pub fn execute(cmd: Command) -> Result<String, CliError> {
    match cmd {
        Command::Help => Ok(USAGE.to_string()),
        Command::List(lang) => Ok(pretty(&panels::list_json(lang))),
        Command::Run(spec) => Ok(pretty(&run_spec(&spec).report_json())),
        Command::Svg(spec, fig) => {
            let runner = run_spec(&spec);
            let theme = if fig.dark { Theme::dark(1.0) } else { Theme::light(1.0) }.with_lang(fig.lang);
            let svg = crate::render::svg(&runner, fig.width, fig.height, &theme)
                .map_err(|e| work_err(format!("cannot render the figure: {}", shown(&e, 200))))?;
            if fig.out.as_os_str() == "-" {
                return Ok(svg);
            }
            write_file(&fig.out, svg.as_bytes())?;
            Ok(pretty(&with_output(runner.report_json(), &fig.out)))
        }
        Command::Png(spec, fig) => {
            let runner = run_spec(&spec);
            let theme = if fig.dark { Theme::dark(fig.scale) } else { Theme::light(fig.scale) }.with_lang(fig.lang);
            let bytes = crate::render::png(&runner, fig.width, fig.height, &theme)
                .map_err(|e| work_err(format!("cannot render the figure: {}", shown(&e, 200))))?;
            write_file(&fig.out, &bytes)?;
            Ok(pretty(&with_output(runner.report_json(), &fig.out)))
        }
        Command::Bench { ms, only } => Ok(pretty(&bench(ms, only))),
        Command::Check(only) => Ok(pretty(&check(only).0)),
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

/// Parses and executes `args`, writes the result to `stdout` and any message to `stderr`, and returns the
/// exit status: 0 on success, also when `stdout` was closed by its reader (a broken pipe); 1 with one line
/// for other write failures and failures while working; 2 with one line for bad input.
pub fn main_with<S: AsRef<OsStr>>(args: &[S], stdout: &mut dyn Write, stderr: &mut dyn Write) -> i32 {
    let parsed = parse(args);
    // `check` prints its report and then fails with status 1 when a claim does not hold.
    let check_report = match &parsed {
        Ok(Command::Check(only)) => {
            let (report, ok) = check(*only);
            if !ok {
                let _ = writeln!(stdout, "{}", pretty(&report));
                let _ = writeln!(stderr, "dynamics: {} claim(s) did not hold", report["failed"]);
                return 1;
            }
            Some(report)
        }
        _ => None,
    };
    let result = match check_report {
        Some(report) => Ok(pretty(&report)),
        None => parsed.and_then(execute),
    };
    let text = match result {
        Ok(text) => text,
        Err(e) => {
            // Nothing more can be done if standard error is closed too.
            let _ = writeln!(stderr, "dynamics: {}", e.message);
            return e.code;
        }
    };
    match writeln!(stdout, "{text}").and_then(|()| stdout.flush()) {
        Ok(()) => 0,
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => 0,
        Err(e) => {
            let _ = writeln!(stderr, "dynamics: cannot write to standard output: {}", plain_io_error(&e));
            1
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
