//! Checks made before a request is sent, from constraints in the spec: on
//! parameters as they are set, and on request bodies as a whole, through
//! the [`Validate`] impls the generator writes for every body type that
//! holds a constrained field.

use std::fmt::{self, Display};

/// Where a value sits in a request body (`thinking.budget_tokens`,
/// `messages[2].content`): a chain of steps on the stack, written out only
/// when a check fails.
#[derive(Clone, Copy)]
pub(crate) struct At<'a> {
    parent: Option<&'a At<'a>>,
    step: Step<'a>,
}

#[derive(Clone, Copy)]
enum Step<'a> {
    Root,
    Field(&'a str),
    Index(usize),
}

impl<'a> At<'a> {
    /// The body itself.
    pub(crate) const ROOT: At<'static> = At {
        parent: None,
        step: Step::Root,
    };

    /// The field `name` of the value here.
    pub(crate) fn field(&'a self, name: &'a str) -> At<'a> {
        At {
            parent: Some(self),
            step: Step::Field(name),
        }
    }

    /// The item `index` of the list here.
    pub(crate) fn index(&'a self, index: usize) -> At<'a> {
        At {
            parent: Some(self),
            step: Step::Index(index),
        }
    }
}

impl Display for At<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if let Some(parent) = self.parent {
            write!(f, "{parent}")?;
        }
        match self.step {
            Step::Root => Ok(()),
            Step::Field(name) if matches!(self.parent.map(|p| p.step), Some(Step::Root) | None) => {
                f.write_str(name)
            }
            Step::Field(name) => write!(f, ".{name}"),
            Step::Index(index) => write!(f, "[{index}]"),
        }
    }
}

/// A request value whose constraints can be checked; the first broken one
/// is reported, naming where it is and what it holds.
pub(crate) trait Validate {
    fn validate(&self, at: At<'_>) -> Result<(), String>;
}

impl<T: Validate> Validate for Option<T> {
    fn validate(&self, at: At<'_>) -> Result<(), String> {
        match self {
            Some(value) => value.validate(at),
            None => Ok(()),
        }
    }
}

impl<T: Validate> Validate for Vec<T> {
    fn validate(&self, at: At<'_>) -> Result<(), String> {
        for (index, value) in self.iter().enumerate() {
            value.validate(at.index(index))?;
        }
        Ok(())
    }
}

impl<T: Validate> Validate for Box<T> {
    fn validate(&self, at: At<'_>) -> Result<(), String> {
        T::validate(self, at)
    }
}

/// The error of a builder's `build()` with a required field left unset:
/// it names the first of `fields` (wire name, whether set) not set.
pub(crate) fn unset(type_name: &str, fields: &[(&str, bool)]) -> crate::Error {
    let wire = fields
        .iter()
        .find(|(_, set)| !set)
        .map_or("?", |(wire, _)| wire);
    crate::Error::InvalidArgument(format!(
        "{type_name} needs `{wire}`: set it before `build()`"
    ))
}

/// How many items a list holds is within the spec's `minItems`..=`maxItems`.
pub(crate) fn items(
    name: impl Display,
    count: usize,
    minimum: Option<usize>,
    maximum: Option<usize>,
) -> Result<(), String> {
    if minimum.is_some_and(|m| count < m) || maximum.is_some_and(|m| count > m) {
        return Err(format!(
            "`{name}` must hold {} items, got {count}",
            bounds(minimum, maximum)
        ));
    }
    Ok(())
}

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
}

/// `value` lies within the spec's `minimum`..=`maximum`.
pub(crate) fn range<N: Number>(
    name: impl Display,
    value: &N,
    minimum: Option<f64>,
    maximum: Option<f64>,
) -> Result<(), String> {
    let v = value.as_f64();
    if minimum.is_some_and(|m| v < m) || maximum.is_some_and(|m| v > m) {
        return Err(format!(
            "`{name}` must be {}, got {value}",
            bounds(minimum, maximum)
        ));
    }
    Ok(())
}

/// `value` is within the spec's `minLength`..=`maxLength` (in characters).
// The generator emits this for parameters with a length; a spec without one
// leaves it unused.
#[allow(dead_code)]
pub(crate) fn length(
    name: impl Display,
    value: &str,
    minimum: Option<usize>,
    maximum: Option<usize>,
) -> Result<(), String> {
    let length = value.chars().count();
    if minimum.is_some_and(|m| length < m) || maximum.is_some_and(|m| length > m) {
        return Err(format!(
            "`{name}` must be {} characters long, got {length}",
            bounds(minimum, maximum)
        ));
    }
    Ok(())
}

/// `in 1..=1000`, `at least 1`, `at most 5`.
fn bounds<B: Display>(minimum: Option<B>, maximum: Option<B>) -> String {
    match (minimum, maximum) {
        (Some(min), Some(max)) if min.to_string() == max.to_string() => format!("exactly {min}"),
        (Some(min), Some(max)) => format!("in {min}..={max}"),
        (Some(min), None) => format!("at least {min}"),
        (None, Some(max)) => format!("at most {max}"),
        (None, None) => "anything".to_string(),
    }
}

/// A timestamp given as text must be RFC 3339, as the API reads it.
// The generator emits this for timestamp parameters; a spec without one
// leaves it unused.
#[allow(dead_code)]
pub(crate) fn timestamp(name: &str, value: &crate::Timestamp) -> Result<(), String> {
    match chrono::DateTime::parse_from_rfc3339(value.as_str()) {
        Ok(_) => Ok(()),
        Err(_) => Err(format!(
            "`{name}` must be an RFC 3339 timestamp such as 2025-01-01T00:00:00Z, got `{value}`"
        )),
    }
}

/// A day given as text must be `YYYY-MM-DD`, as the API reads it.
#[allow(dead_code)]
pub(crate) fn date(name: &str, value: &crate::Date) -> Result<(), String> {
    let text = value.as_str();
    // chrono alone would also take `2025-1-2`; the API wants the padded form.
    match chrono::NaiveDate::parse_from_str(text, "%Y-%m-%d") {
        Ok(_) if text.len() == 10 => Ok(()),
        _ => Err(format!(
            "`{name}` must be a day written YYYY-MM-DD such as 2025-01-31, got `{value}`"
        )),
    }
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    #[cfg(feature = "messages")]
    fn a_builder_names_the_first_required_field_left_unset() {
        use crate::types::CitationCharLocationParam;
        let message = |result: Result<CitationCharLocationParam, crate::Error>| match result {
            Err(crate::Error::InvalidArgument(message)) => message,
            other => panic!("expected an invalid argument, got {other:?}"),
        };
        assert_eq!(
            message(CitationCharLocationParam::builder().build()),
            "CitationCharLocationParam needs `cited_text`: set it before `build()`"
        );
        assert_eq!(
            message(
                CitationCharLocationParam::builder()
                    .cited_text("The sky is blue.")
                    .document_index(0)
                    .start_char_index(0)
                    .build()
            ),
            "CitationCharLocationParam needs `end_char_index`: set it before `build()`"
        );
        let built = CitationCharLocationParam::builder()
            .cited_text("The sky is blue.")
            .document_index(0)
            .start_char_index(0)
            .end_char_index(16)
            .build()
            .expect("every required field is set");
        assert_eq!(
            (
                built.cited_text.as_str(),
                built.document_index,
                built.start_char_index,
                built.end_char_index
            ),
            ("The sky is blue.", 0, 0, 16)
        );
    }

    #[test]
    fn range_bounds_are_inclusive() {
        assert!(range("limit", &1u64, Some(1.0), Some(1000.0)).is_ok());
        assert!(range("limit", &1000u64, Some(1.0), Some(1000.0)).is_ok());
        let err = range("limit", &1001u64, Some(1.0), Some(1000.0)).unwrap_err();
        assert_eq!(err, "`limit` must be in 1..=1000, got 1001");
        assert_eq!(
            range("budget_tokens", &10i64, Some(1024.0), None).unwrap_err(),
            "`budget_tokens` must be at least 1024, got 10"
        );
    }

    #[test]
    fn lengths_count_characters() {
        assert!(length("name", "héllo", Some(1), Some(5)).is_ok());
        assert_eq!(
            length("name", "", Some(1), None).unwrap_err(),
            "`name` must be at least 1 characters long, got 0"
        );
        assert!(length("name", "toolong", None, Some(3)).is_err());
    }

    #[test]
    fn a_body_path_reads_like_the_json() {
        let root = At::ROOT;
        let messages = root.field("messages");
        let second = messages.index(2);
        let content = second.field("content");
        assert_eq!(content.to_string(), "messages[2].content");
        let thinking = root.field("thinking");
        let budget = thinking.field("budget_tokens");
        assert_eq!(
            range(budget, &10i64, Some(1024.0), None).unwrap_err(),
            "`thinking.budget_tokens` must be at least 1024, got 10"
        );
        assert_eq!(
            items(messages, 0, Some(1), None).unwrap_err(),
            "`messages` must hold at least 1 items, got 0"
        );
    }

    #[test]
    fn timestamps_are_rfc_3339() {
        assert!(timestamp("starting_at", &"2025-01-01T00:00:00Z".into()).is_ok());
        assert!(timestamp("starting_at", &"2025-01-01T00:00:00.5+02:00".into()).is_ok());
        assert_eq!(
            timestamp("starting_at", &"yesterday".into()).unwrap_err(),
            "`starting_at` must be an RFC 3339 timestamp such as 2025-01-01T00:00:00Z, got `yesterday`"
        );
    }

    #[test]
    fn days_are_padded_year_month_day() {
        assert!(date("starting_at", &"2025-01-31".into()).is_ok());
        let day = chrono::NaiveDate::from_ymd_opt(2025, 2, 3).map(crate::Date::from);
        assert_eq!(day.as_ref().map(crate::Date::as_str), Some("2025-02-03"));
        for bad in ["2025-1-31", "2025-02-30", "2025-01-31T00:00:00Z", "today"] {
            assert_eq!(
                date("starting_at", &bad.into()).unwrap_err(),
                format!("`starting_at` must be a day written YYYY-MM-DD such as 2025-01-31, got `{bad}`")
            );
        }
    }

    #[test]
    fn dot_segments_are_rejected() {
        assert!(path_segment("model_id", "..").is_err());
        assert!(path_segment("model_id", ".").is_err());
        assert!(path_segment("model_id", "").is_err());
        assert!(path_segment("model_id", "../x").is_ok());
    }
}
