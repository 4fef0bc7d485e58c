//! Long runs keep their memory flat (issue 17, the soak): after a warm-up, stepping and drawing a figure for ten
//! times as long again must not raise the most memory it ever held. Wasm linear memory never shrinks and grows
//! when the allocator needs more than it ever held, so a rising high-water mark of live heap bytes natively is
//! what would show as wasm memory growth in the soak (`npm run soak`). Measured with a counting global allocator,
//! one panel at a time (the tests in this file run one after another on one lock, so no other test allocates
//! meanwhile).
//!
//! The first minute is 3 600 frames stepped as the page's "auto" would, with a drawing every 25 frames; then as
//! long again. The histories that decimate when full (`src/history.rs`) reserve their whole capacity when created,
//! so filling them must not show here; drawing transients that grow with a history's length until it is full do
//! not either, as long as the history fills within the first minute, as it does on the page. The panel test runs
//! in release only (`cargo test --release --test memory_flat`).
#![cfg(not(target_arch = "wasm32"))]

use dynamics::history::History;
use dynamics::panels;
use dynamics::plot::Theme;
use dynamics::runner::Runner;
use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Mutex;

/// Live bytes and their high-water mark.
struct Counting;
static LIVE: AtomicUsize = AtomicUsize::new(0);
static PEAK: AtomicUsize = AtomicUsize::new(0);
static ONE_AT_A_TIME: Mutex<()> = Mutex::new(());

unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        let p = unsafe { System.alloc(layout) };
        if !p.is_null() {
            let live = LIVE.fetch_add(layout.size(), Ordering::SeqCst) + layout.size();
            PEAK.fetch_max(live, Ordering::SeqCst);
        }
        p
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        unsafe { System.dealloc(ptr, layout) };
        LIVE.fetch_sub(layout.size(), Ordering::SeqCst);
    }
}

#[global_allocator]
static ALLOCATOR: Counting = Counting;

/// Resets the high-water mark to the bytes live now.
fn reset_peak() {
    PEAK.store(LIVE.load(Ordering::SeqCst), Ordering::SeqCst);
}

/// A history's storage is reserved when it is created: a million pushes (many halvings) never reallocate it.
#[test]
fn a_history_never_reallocates() {
    let _guard = ONE_AT_A_TIME.lock().unwrap_or_else(|e| e.into_inner());
    for cap in [16, 1024, 4096] {
        let mut h: History<(f64, f64)> = History::new(cap);
        let ptr = h.items().as_ptr();
        for step in 0..1_000_000u64 {
            h.push(step, (step as f64, 0.0));
            assert!(h.items().len() < cap);
        }
        assert_eq!(h.items().as_ptr(), ptr, "cap {cap}: the history's storage moved");
    }
}

/// A history pushed only every 40 steps (as Lion/Tiger's statistics are) stays within its reserved storage too:
/// the first halvings keep every one of its samples (40 is a multiple of 2, 4 and 8), so a single halving when
/// full left it full and the next push reallocated it. And pushing one step again and again cannot keep it
/// halving forever.
#[test]
fn a_history_sampled_every_few_steps_never_reallocates() {
    let _guard = ONE_AT_A_TIME.lock().unwrap_or_else(|e| e.into_inner());
    for every in [2u64, 40, 96, 1000] {
        let mut h: History<u64> = History::new(1024);
        let ptr = h.items().as_ptr();
        for step in (0..2_000_000u64).step_by(every as usize) {
            h.push(step, step);
            assert!(h.items().len() < 1024, "every {every}: {} samples at step {step}", h.items().len());
        }
        assert_eq!(h.items().as_ptr(), ptr, "every {every}: the history's storage moved");
        assert!(h.items().len() >= 512, "every {every}: only {} samples kept", h.items().len());
    }
    let mut same: History<u64> = History::new(16);
    for i in 0..100 {
        same.push(0, i);
        assert!(same.items().len() < 16);
    }
}

/// Steps a frame that the page's "auto" would take natively: as many as fit `budget` of stepping (measured over a
/// short trial), at least the panel's fixed steps per frame, at most its `max_auto_steps`.
fn auto_steps(panel: &'static dyn dynamics::panel::Panel, budget: std::time::Duration) -> u64 {
    let mut r = Runner::with_defaults(panel);
    // The first steps may do one-off work (a first catch-up, caches): time the next ones.
    r.step(64);
    let t = std::time::Instant::now();
    let n = r.step(512).max(1);
    let per_step = t.elapsed().as_secs_f64() / n as f64;
    let fit = (budget.as_secs_f64() / per_step.max(1e-9)) as u64;
    fit.clamp(panel.steps_per_frame().max(1) as u64, panel.max_auto_steps().max(1) as u64)
}

/// Every panel at its defaults, stepped as "auto" would (3 ms of native stepping a frame, about what the page's 6 ms
/// buy in wasm at half the native speed; timed by the wall clock, so a loaded machine takes fewer steps) for a first
/// minute of frames (3 600) with a drawing every 25 frames, then as long again: the high-water mark of live bytes must stay within 1 % (or 16 KiB) of the first minute's. Release only:
/// a debug build steps too slowly to fill the histories within the first minute, as the page does.
#[test]
#[cfg_attr(debug_assertions, ignore = "stepping rate matters: run with cargo test --release --test memory_flat")]
fn every_panel_holds_its_memory_flat_after_the_first_minute() {
    let _guard = ONE_AT_A_TIME.lock().unwrap_or_else(|e| e.into_inner());
    let mut failures = Vec::new();
    let theme = Theme::light(1.0);
    // One drawing of every panel first, so that process-wide first-use allocations (fonts) are not counted.
    for panel in panels::all() {
        dynamics::render::svg(&Runner::with_defaults(panel), 480, 360, &theme).unwrap();
    }
    for panel in panels::all() {
        let minute = 3600u64;
        let per_frame = auto_steps(panel, std::time::Duration::from_millis(3));
        let mut runner = Runner::with_defaults(panel);
        let frame = |runner: &mut Runner, f: u64| {
            runner.step(per_frame);
            if f.is_multiple_of(10) {
                let _ = runner.metrics_json();
            }
            if f.is_multiple_of(25) {
                let _ = dynamics::render::svg(runner, 480, 360, &theme);
            }
        };
        reset_peak();
        for f in 0..minute {
            frame(&mut runner, f);
        }
        let first = PEAK.load(Ordering::SeqCst);
        let first_steps = runner.steps();
        for f in 0..minute {
            frame(&mut runner, f);
        }
        let peak = PEAK.load(Ordering::SeqCst);
        let slack = (first / 100).max(16 << 10);
        eprintln!(
            "{}: {per_frame} steps a frame, {first_steps} + {} steps, peak {first} -> {peak} bytes",
            panel.id(),
            runner.steps() - first_steps
        );
        if peak > first + slack {
            failures.push(format!(
                "{}: high-water mark {first} -> {peak} bytes after {} steps",
                panel.id(),
                runner.steps()
            ));
        }
    }
    assert!(failures.is_empty(), "memory grew after the first minute:\n{}", failures.join("\n"));
}
