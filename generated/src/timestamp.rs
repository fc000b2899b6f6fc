//! Timestamps and days as parameters take: a `chrono` value or its text.

use std::fmt;

use chrono::{DateTime, FixedOffset, NaiveDate, SecondsFormat, Utc};

/// A parameter kept as the text it is sent as, which a `chrono` value or
/// text converts into; the text is checked before sending.
macro_rules! text_parameter {
    ($(#[$doc:meta])* $name:ident, $what:literal) => {
        $(#[$doc])*
        #[derive(Clone, Debug, PartialEq, Eq, Hash)]
        pub struct $name(String);

        impl $name {
            #[doc = concat!("The ", $what, " as it is sent.")]
            pub fn as_str(&self) -> &str {
                &self.0
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(&self.0)
            }
        }

        impl From<&str> for $name {
            fn from(text: &str) -> Self {
                Self(text.to_string())
            }
        }

        impl From<String> for $name {
            fn from(text: String) -> Self {
                Self(text)
            }
        }

        impl From<&String> for $name {
            fn from(text: &String) -> Self {
                Self(text.clone())
            }
        }
    };
}

text_parameter!(
    /// An RFC 3339 timestamp given to a request (`2025-01-01T00:00:00Z`): a
    /// `chrono` date-time, or text, which is checked before sending.
    Timestamp,
    "timestamp"
);

text_parameter!(
    /// A calendar day given to a request (`2025-01-31`): a `chrono` date, or
    /// text, which is checked before sending.
    Date,
    "day"
);

impl From<DateTime<Utc>> for Timestamp {
    fn from(at: DateTime<Utc>) -> Self {
        Self(at.to_rfc3339_opts(SecondsFormat::AutoSi, true))
    }
}

impl From<DateTime<FixedOffset>> for Timestamp {
    fn from(at: DateTime<FixedOffset>) -> Self {
        Self(at.to_rfc3339_opts(SecondsFormat::AutoSi, true))
    }
}

impl From<NaiveDate> for Date {
    fn from(day: NaiveDate) -> Self {
        Self(day.format("%Y-%m-%d").to_string())
    }
}

#[cfg(test)]
mod tests {
    use chrono::TimeZone;

    use super::*;

    #[test]
    fn chrono_values_are_written_in_rfc_3339() {
        let at = Utc
            .with_ymd_and_hms(2025, 1, 2, 3, 4, 5)
            .single()
            .expect("a date");
        assert_eq!(Timestamp::from(at).as_str(), "2025-01-02T03:04:05Z");
        assert_eq!(
            Timestamp::from("2025-01-02T03:04:05Z").to_string(),
            "2025-01-02T03:04:05Z"
        );
    }
}
