//! A minimal floating-point trait so that code written once runs in genuine `f32` or `f64` arithmetic, not in
//! `f64` with the result rounded afterwards: the Top-k constructions (their `precision` parameter) and the
//! InfoNCE/FlatNCE losses of both FlatNCE panels use it. Every operation is the type's own (`f32::exp` is Rust's
//! `f32::exp`), so an `f32` result carries exactly the rounding a float32 framework would produce.

use std::fmt::Debug;
use std::ops::{Add, AddAssign, Div, Mul, Neg, Sub};

/// The operations the generic numeric code needs, implemented for `f32` and `f64`.
pub trait Real:
    Copy
    + Debug
    + PartialOrd
    + Add<Output = Self>
    + Sub<Output = Self>
    + Mul<Output = Self>
    + Div<Output = Self>
    + Neg<Output = Self>
    + AddAssign
{
    /// Zero.
    const ZERO: Self;
    /// One.
    const ONE: Self;
    /// Positive infinity.
    const INF: Self;
    /// Machine epsilon.
    const EPS: Self;
    /// The name shown in figures (`"f32"` or `"f64"`).
    const NAME: &'static str;
    /// The nearest value of this type (the one rounding of the input).
    fn of(v: f64) -> Self;
    /// Widened to `f64` (exact).
    fn f64(self) -> f64;
    /// `e^self`.
    fn exp(self) -> Self;
    /// Natural logarithm.
    fn ln(self) -> Self;
    /// `ln(1 + self)`, accurate near 0.
    fn ln_1p(self) -> Self;
    /// Square root.
    fn sqrt(self) -> Self;
    /// Absolute value.
    fn abs(self) -> Self;
    /// Whether the value is neither infinite nor NaN.
    fn is_finite(self) -> bool;
    /// Whether the value is NaN.
    fn is_nan(self) -> bool;
    /// The larger of two values (IEEE `maxNum`: a NaN loses).
    fn max(self, o: Self) -> Self;
    /// The smaller of two values (IEEE `minNum`: a NaN loses).
    fn min(self, o: Self) -> Self;
}

macro_rules! impl_real {
    ($t:ty, $name:expr) => {
        impl Real for $t {
            const ZERO: Self = 0.0;
            const ONE: Self = 1.0;
            const INF: Self = <$t>::INFINITY;
            const EPS: Self = <$t>::EPSILON;
            const NAME: &'static str = $name;
            #[inline]
            fn of(v: f64) -> Self {
                v as $t
            }
            #[inline]
            fn f64(self) -> f64 {
                self as f64
            }
            #[inline]
            fn exp(self) -> Self {
                <$t>::exp(self)
            }
            #[inline]
            fn ln(self) -> Self {
                <$t>::ln(self)
            }
            #[inline]
            fn ln_1p(self) -> Self {
                <$t>::ln_1p(self)
            }
            #[inline]
            fn sqrt(self) -> Self {
                <$t>::sqrt(self)
            }
            #[inline]
            fn abs(self) -> Self {
                <$t>::abs(self)
            }
            #[inline]
            fn is_finite(self) -> bool {
                <$t>::is_finite(self)
            }
            #[inline]
            fn is_nan(self) -> bool {
                <$t>::is_nan(self)
            }
            #[inline]
            fn max(self, o: Self) -> Self {
                <$t>::max(self, o)
            }
            #[inline]
            fn min(self, o: Self) -> Self {
                <$t>::min(self, o)
            }
        }
    };
}

impl_real!(f32, "f32");
impl_real!(f64, "f64");
