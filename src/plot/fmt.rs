//! Number formatting for every figure: values in headlines and keys, axis ticks, log ticks and percentages.
//!
//! Panels format numbers only through these functions, so that one value prints the same way in every
//! figure and a value that is not finite always prints as [`NONE`] (the layering test in tests/registry.rs
//! rejects a private number formatter under `src/panels/`).

/// What a value that is not finite (NaN or ±∞) prints as, everywhere.
pub const NONE: &str = "–";

/// `v` with `digits` significant digits: `0`; fixed notation from 10⁻³ to 10⁴ (`0.0123`, `12.30`);
/// otherwise scientific with a short exponent (`1.39e-8`, `2.5e6`); [`NONE`] when not finite.
pub fn sig(v: f64, digits: usize) -> String {
    if v == 0.0 {
        return "0".to_string();
    }
    if !v.is_finite() {
        return NONE.to_string();
    }
    let a = v.abs();
    if (1e-3..1e4).contains(&a) {
        let decimals = (digits as i32 - 1 - a.log10().floor() as i32).clamp(0, 12) as usize;
        format!("{v:.decimals$}")
    } else {
        format!("{v:.prec$e}", prec = digits.saturating_sub(1))
    }
}

/// A value in a headline, key or readout: four significant digits (see [`sig`]).
pub fn value(v: f64) -> String {
    sig(v, 4)
}

/// An optional value: [`value`], or [`NONE`] when there is none.
pub fn opt(v: Option<f64>) -> String {
    v.map_or_else(|| NONE.to_string(), value)
}

/// `v` with exactly `decimals` decimals (for quantities whose scale is fixed, such as shares in [0, 1]), or
/// [`NONE`] when not finite.
pub fn fixed(v: f64, decimals: usize) -> String {
    if v.is_finite() {
        format!("{v:.decimals$}")
    } else {
        NONE.to_string()
    }
}

/// A value that should equal the whole number `k`, shown so that a small residual stays visible: `k`,
/// `k + 2.1e-6` (a residual below 10⁻³), or the value itself.
pub fn against_int(v: f64, k: usize) -> String {
    if !v.is_finite() {
        return NONE.to_string();
    }
    let d = v - k as f64;
    if d.abs() < 1e-12 {
        format!("{k}")
    } else if d.abs() < 1e-3 {
        format!("{k} {} {}", if d > 0.0 { "+" } else { "−" }, sig(d.abs(), 2))
    } else {
        value(v)
    }
}

/// A number close to 1 (such as a cosine) with enough digits to show how close: `1 − 3e-8` within 10⁻⁶ of
/// 1, seven decimals within 5·10⁻⁴, three otherwise; [`NONE`] when not finite.
pub fn near_one(c: f64) -> String {
    if !c.is_finite() {
        NONE.to_string()
    } else if c > 0.999_999 && c < 1.0 {
        format!("1 − {}", sig(1.0 - c, 1))
    } else if c >= 0.9995 {
        format!("{c:.7}")
    } else {
        format!("{c:.3}")
    }
}

/// A short number for headlines: three significant digits (trailing zeros trimmed below 1), scientific
/// outside `[1e-3, 1e4)`; [`NONE`] when not finite.
pub fn short(v: f64) -> String {
    if !v.is_finite() {
        return NONE.to_string();
    }
    let a = v.abs();
    if a == 0.0 {
        "0".to_string()
    } else if !(1e-3..1e4).contains(&a) {
        format!("{v:.1e}")
    } else if a >= 100.0 {
        format!("{v:.0}")
    } else if a >= 10.0 {
        format!("{v:.1}")
    } else if a >= 1.0 {
        format!("{v:.2}")
    } else {
        let s = format!("{v:.3}");
        s.trim_end_matches('0').trim_end_matches('.').to_string()
    }
}

/// An optional value with exactly `decimals` decimals, or [`NONE`] when there is none or it is not finite.
pub fn fixed_opt(v: Option<f64>, decimals: usize) -> String {
    v.map_or_else(|| NONE.to_string(), |v| fixed(v, decimals))
}

/// A number with two decimals for ordinary magnitudes, whole from 100, scientific outside `[5e-3, 1e4)`
/// (`0.25`, `150`, `3.0e-4`); [`NONE`] when not finite.
pub fn hundredths(v: f64) -> String {
    let a = v.abs();
    if v == 0.0 {
        "0".to_string()
    } else if !v.is_finite() {
        NONE.to_string()
    } else if !(5e-3..1e4).contains(&a) {
        format!("{v:.1e}")
    } else if a >= 100.0 {
        format!("{v:.0}")
    } else {
        let s = format!("{v:.2}");
        if s == "-0.00" {
            "0".to_string()
        } else {
            s
        }
    }
}

/// A tick of a linear axis over log₁₀ of a quantity, in the quantity's own value: `0.1`, `1`, `100` (and
/// `1e-6` beyond) at whole decades, two significant digits in between.
pub fn log10_tick(v: &f64) -> String {
    let k = v.round();
    if (v - k).abs() < 1e-9 {
        if (-2.0..=3.0).contains(&k) {
            tick(&10f64.powf(k))
        } else {
            format!("1e{k:.0}")
        }
    } else {
        let x = 10f64.powf(*v);
        if (1e-2..1e3).contains(&x) {
            let digits = (1 - x.log10().floor() as i32).max(0) as usize;
            format!("{x:.digits$}")
        } else {
            format!("{x:.1e}")
        }
    }
}

/// A fraction as a percentage: whole percent from 99.5 %, one decimal from 1 %, and below that the
/// fraction itself with two significant digits (so a tiny relative error stays readable); [`NONE`] when not
/// finite.
pub fn pct(v: f64) -> String {
    if !v.is_finite() {
        NONE.to_string()
    } else if v.abs() >= 0.995 {
        format!("{:.0}%", v * 100.0)
    } else if v.abs() >= 0.01 {
        format!("{:.1}%", v * 100.0)
    } else {
        sig(v, 2)
    }
}

/// A fraction as a whole percentage (`42%`), or [`NONE`] when there is none or it is not finite.
pub fn whole_pct(v: Option<f64>) -> String {
    match v {
        Some(v) if v.is_finite() => format!("{:.0}%", 100.0 * v),
        _ => NONE.to_string(),
    }
}

/// A linear axis tick: integers without decimals, small or large magnitudes in scientific notation, one
/// decimal from 10, otherwise up to three decimals with trailing zeros trimmed.
pub fn tick(v: &f64) -> String {
    let v = *v;
    let a = v.abs();
    if v == 0.0 {
        "0".to_string()
    } else if !v.is_finite() {
        NONE.to_string()
    } else if !(1e-3..1e5).contains(&a) {
        format!("{v:.0e}")
    } else if v == v.round() {
        format!("{v:.0}")
    } else if a >= 10.0 {
        format!("{v:.1}")
    } else {
        // Three decimals below 10, trimmed: ticks 0.005 apart (1.000, 1.005) stay distinct.
        let s = format!("{v:.3}");
        s.trim_end_matches('0').trim_end_matches('.').to_string()
    }
}

/// A tick of a linear axis reaching about `span` either side of 0: [`tick`], except that a value that is 0 up
/// to rounding (within 10⁻⁹ of the span, as plotters' tick positions on a symmetric range can be) prints `0`.
pub fn tick_in(v: &f64, span: f64) -> String {
    if v.abs() <= 1e-9 * span.abs() {
        "0".to_string()
    } else {
        tick(v)
    }
}

/// A tick of a logarithmic axis (drawn in its own value), as a power of ten: `1e-3`.
pub fn log_tick(v: &f64) -> String {
    format!("{:.0e}", *v)
}

/// A tick of a linear axis over log₁₀ of a quantity: `10⁻³` at whole exponents, nothing between them.
pub fn pow10(v: &f64) -> String {
    let v = *v;
    let e = v.round() as i64;
    if !v.is_finite() || (v - e as f64).abs() > 1e-6 {
        return String::new();
    }
    format!("10{}", superscript(e))
}

/// A tick of a logarithmic axis drawn in its own value, at a power of ten: `1`, `10`, otherwise `10⁻⁶`;
/// nothing for a value that is not positive and finite.
pub fn decade(v: &f64) -> String {
    let v = *v;
    if !(v.is_finite() && v > 0.0) {
        return String::new();
    }
    match v.log10().round() as i64 {
        0 => "1".to_string(),
        1 => "10".to_string(),
        k => format!("10{}", superscript(k)),
    }
}

/// A count such as a step number on an axis: whole numbers, in thousands (`12k`) from 10 000.
pub fn count(v: &f64) -> String {
    let v = *v;
    if v >= 10_000.0 {
        format!("{:.0}k", v / 1000.0)
    } else {
        format!("{v:.0}")
    }
}

/// An integer in superscript digits (`-3` → `⁻³`).
pub fn superscript(e: i64) -> String {
    e.to_string()
        .chars()
        .map(|c| match c {
            '-' => '⁻',
            '0' => '⁰',
            '1' => '¹',
            '2' => '²',
            '3' => '³',
            '4' => '⁴',
            '5' => '⁵',
            '6' => '⁶',
            '7' => '⁷',
            '8' => '⁸',
            '9' => '⁹',
            other => other,
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_placeholder_for_non_finite() {
        for v in [f64::NAN, f64::INFINITY, f64::NEG_INFINITY] {
            assert_eq!(value(v), NONE);
            assert_eq!(sig(v, 2), NONE);
            assert_eq!(fixed(v, 2), NONE);
            assert_eq!(pct(v), NONE);
            assert_eq!(tick(&v), NONE);
            assert_eq!(pow10(&v), "");
        }
        assert_eq!(opt(None), NONE);
        assert_eq!(whole_pct(Some(f64::NAN)), NONE);
    }

    #[test]
    fn values_ticks_and_percentages() {
        assert_eq!(value(12345.6), "1.235e4");
        assert_eq!(value(0.5), "0.5000");
        assert_eq!(value(1.0), "1.000");
        assert_eq!(value(-0.0123), "-0.01230");
        assert_eq!(value(1.39e-8), "1.390e-8");
        assert_eq!(sig(1.39e-8, 3), "1.39e-8");
        assert_eq!(tick(&0.25), "0.25");
        assert_eq!(tick(&2.0), "2");
        assert_eq!(tick(&12.5), "12.5");
        assert_eq!(tick(&1.005), "1.005");
        assert_eq!(tick(&0.9996), "1");
        assert_eq!(tick(&1.5), "1.5");
        assert_eq!(tick(&1e-5), "1e-5");
        assert_eq!(tick_in(&1.2e-17, 3.0), "0");
        assert_eq!(tick_in(&-0.5, 3.0), "-0.5");
        assert_eq!(log_tick(&1e-3), "1e-3");
        assert_eq!(pow10(&-3.0), "10⁻³");
        assert_eq!(pow10(&2.5), "");
        assert_eq!(decade(&1e-6), "10⁻⁶");
        assert_eq!(decade(&10.0), "10");
        assert_eq!(decade(&0.0), "");
        assert_eq!(count(&900.0), "900");
        assert_eq!(hundredths(0.25), "0.25");
        assert_eq!(hundredths(150.4), "150");
        assert_eq!(hundredths(3e-4), "3.0e-4");
        assert_eq!(log10_tick(&2.0), "100");
        assert_eq!(log10_tick(&-6.0), "1e-6");
        assert_eq!(short(0.5), "0.5");
        assert_eq!(short(1.5), "1.50");
        assert_eq!(short(2e-4), "2.0e-4");
        assert_eq!(fixed_opt(Some(0.456), 2), "0.46");
        assert_eq!(fixed_opt(None, 2), NONE);
        assert_eq!(near_one(1.0 - 3e-8), "1 − 3e-8");
        assert_eq!(near_one(0.9996), "0.9996000");
        assert_eq!(near_one(0.5), "0.500");
        assert_eq!(count(&12_000.0), "12k");
        assert_eq!(pct(1.0), "100%");
        assert_eq!(pct(0.123), "12.3%");
        assert_eq!(pct(0.001), "0.0010");
        assert_eq!(whole_pct(Some(0.42)), "42%");
        assert_eq!(against_int(3.0, 3), "3");
        assert_eq!(against_int(3.0 + 2.1e-6, 3), "3 + 2.1e-6");
        assert_eq!(against_int(2.5, 3), "2.500");
    }
}
