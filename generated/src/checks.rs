//! Checks made before a request is sent, from constraints in the spec.

use std::fmt::Display;
use std::num::{NonZeroU32, NonZeroU64};

/// A number a range check can compare.
pub(crate) trait Number: Display {
    fn as_f64(&self) -> f64;
}

macro_rules! number {
    ($($t:ty => $conv:expr),* $(,)?) => {
        $(impl Number for $t {
            fn as_f64(&self) -> f64 {
                let f: fn(&$t) -> f64 = $conv;
                f(self)
            }
        })*
    };
}

number! {
    u32 => |v| f64::from(*v),
    i32 => |v| f64::from(*v),
    u64 => |v| *v as f64,
    i64 => |v| *v as f64,
    f64 => |v| *v,
    NonZeroU32 => |v| f64::from(v.get()),
    NonZeroU64 => |v| v.get() as f64,
}

/// `value` lies within the spec's `minimum`..=`maximum`.
pub(crate) fn range<N: Number>(
    name: &str,
    value: &N,
    minimum: Option<f64>,
    maximum: Option<f64>,
) -> Result<(), String> {
    let v = value.as_f64();
    let low = minimum.is_some_and(|m| v < m);
    let high = maximum.is_some_and(|m| v > m);
    if low || high {
        let bound = |b: Option<f64>| b.map(|b| b.to_string()).unwrap_or_default();
        return Err(format!(
            "`{name}` must be in {}..={}, got {value}",
            bound(minimum),
            bound(maximum)
        ));
    }
    Ok(())
}

/// A path parameter must stay one path segment. Percent-encoding keeps `/`,
/// `?` and `#` inside it, but `.` and `..` alone would be resolved away by
/// URL normalization, and an empty value would change the route.
pub(crate) fn path_segment(name: &str, value: &str) -> Result<(), String> {
    match value {
        "" => Err(format!("`{name}` must not be empty")),
        "." | ".." => Err(format!("`{name}` must not be `{value}`")),
        _ => Ok(()),
    }
}

pub(crate) fn not_convertible(name: &str) -> String {
    format!("`{name}`: the value does not convert to the parameter's type")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn range_bounds_are_inclusive() {
        assert!(range("limit", &1u64, Some(1.0), Some(1000.0)).is_ok());
        assert!(range("limit", &1000u64, Some(1.0), Some(1000.0)).is_ok());
        let err = range("limit", &1001u64, Some(1.0), Some(1000.0)).unwrap_err();
        assert_eq!(err, "`limit` must be in 1..=1000, got 1001");
        assert!(range("limit", &0i64, Some(1.0), None).is_err());
    }

    #[test]
    fn dot_segments_are_rejected() {
        assert!(path_segment("model_id", "..").is_err());
        assert!(path_segment("model_id", ".").is_err());
        assert!(path_segment("model_id", "").is_err());
        assert!(path_segment("model_id", "../x").is_ok());
    }
}
