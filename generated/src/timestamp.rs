//! Timestamps and days as parameters take (a `chrono` value or its text),
//! and the decoder of the date-time fields of answers.

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
        // A `NaiveDate` displays as `%Y-%m-%d` does, without compiling
        // chrono's whole strftime formatter into the crate.
        Self(day.to_string())
    }
}

/// Decodes a date-time field: the API's form `YYYY-MM-DDTHH:MM:SS[.f]Z`
/// (a fraction of 1 to 9 digits) is read directly, anything else goes to
/// chrono's parser (`DateTime<Utc>`'s `FromStr`, what serde's impl runs), so
/// an offset other than `Z`, a leap second or a lower-case `t` decodes as it
/// always did, and what chrono rejects is still an error.
pub(crate) fn deserialize<'de, D: serde::Deserializer<'de>>(
    deserializer: D,
) -> Result<DateTime<Utc>, D::Error> {
    deserializer.deserialize_str(TimestampVisitor)
}

/// [`deserialize`] for an optional field: `null` is `None`.
pub(crate) fn deserialize_option<'de, D: serde::Deserializer<'de>>(
    deserializer: D,
) -> Result<Option<DateTime<Utc>>, D::Error> {
    deserializer.deserialize_option(OptionalTimestampVisitor)
}

struct TimestampVisitor;

impl serde::de::Visitor<'_> for TimestampVisitor {
    type Value = DateTime<Utc>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("an RFC 3339 date-time")
    }

    fn visit_str<E: serde::de::Error>(self, text: &str) -> Result<DateTime<Utc>, E> {
        match parse_api_form(text.as_bytes()) {
            Some(at) => Ok(at),
            None => text.parse::<DateTime<Utc>>().map_err(E::custom),
        }
    }
}

struct OptionalTimestampVisitor;

impl<'de> serde::de::Visitor<'de> for OptionalTimestampVisitor {
    type Value = Option<DateTime<Utc>>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("an RFC 3339 date-time or null")
    }

    fn visit_none<E: serde::de::Error>(self) -> Result<Self::Value, E> {
        Ok(None)
    }

    fn visit_unit<E: serde::de::Error>(self) -> Result<Self::Value, E> {
        Ok(None)
    }

    fn visit_some<D: serde::Deserializer<'de>>(
        self,
        deserializer: D,
    ) -> Result<Self::Value, D::Error> {
        deserialize(deserializer).map(Some)
    }
}

/// `YYYY-MM-DDTHH:MM:SS[.f]Z`, or `None` for any other text (which chrono
/// then reads, or rejects). Dates and times out of range (a 30 February,
/// 24:00) are `None` too, so chrono's error reports them.
fn parse_api_form(text: &[u8]) -> Option<DateTime<Utc>> {
    // Only ASCII digits: chrono decides anything else.
    let digits = |range: std::ops::Range<usize>| -> Option<u32> {
        let mut value = 0u32;
        for &b in text.get(range)? {
            if !b.is_ascii_digit() {
                return None;
            }
            value = value * 10 + u32::from(b - b'0');
        }
        Some(value)
    };
    let separators = [(4, b'-'), (7, b'-'), (10, b'T'), (13, b':'), (16, b':')];
    if text.len() < 20 || separators.iter().any(|&(i, c)| text[i] != c) {
        return None;
    }
    let year = digits(0..4)?;
    let (month, day) = (digits(5..7)?, digits(8..10)?);
    let (hour, minute, second) = (digits(11..13)?, digits(14..16)?, digits(17..19)?);
    let nanos = match &text[19..] {
        b"Z" => 0,
        [b'.', fraction @ .., b'Z'] if (1..=9).contains(&fraction.len()) => {
            let value = digits(20..20 + fraction.len())?;
            // Scaled to nanoseconds: `.5` is 500 000 000.
            value * 10u32.pow(9 - fraction.len() as u32)
        }
        _ => return None,
    };
    let date = NaiveDate::from_ymd_opt(i32::try_from(year).ok()?, month, day)?;
    // Seconds up to 59 only: a leap second (`:60`) is chrono's to represent.
    let time = chrono::NaiveTime::from_hms_nano_opt(hour, minute, second, nanos)?;
    Some(chrono::NaiveDateTime::new(date, time).and_utc())
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

    #[test]
    fn chrono_days_are_written_as_strftime_writes_them() {
        for (y, m, d) in [
            (2025, 1, 31),
            (1, 2, 3),
            (0, 12, 31),
            (9999, 12, 31),
            (10000, 1, 1),
            (-1, 6, 15),
        ] {
            let day = NaiveDate::from_ymd_opt(y, m, d).expect("a day");
            assert_eq!(
                Date::from(day).as_str(),
                day.format("%Y-%m-%d").to_string(),
                "{y}-{m}-{d}"
            );
        }
        let day = NaiveDate::from_ymd_opt(2025, 1, 31).expect("a day");
        assert_eq!(Date::from(day).as_str(), "2025-01-31");
    }

    fn fast(text: &str) -> Option<DateTime<Utc>> {
        parse_api_form(text.as_bytes())
    }

    fn chrono_reads(text: &str) -> Option<DateTime<Utc>> {
        text.parse::<DateTime<Utc>>().ok()
    }

    /// What a date-time field decodes `text` to.
    fn decoded(text: &str) -> Result<DateTime<Utc>, serde_json::Error> {
        deserialize(serde_json::Value::String(text.to_string()))
    }

    #[test]
    fn the_api_form_is_read_directly_and_as_chrono_reads_it() {
        for text in [
            "2025-02-19T00:00:00Z",
            "1970-01-01T00:00:00Z",
            "9999-12-31T23:59:59Z",
            "2025-02-19T12:34:56.5Z",
            "2025-02-19T12:34:56.12Z",
            "2025-02-19T12:34:56.123Z",
            "2025-02-19T12:34:56.1234Z",
            "2025-02-19T12:34:56.12345Z",
            "2025-02-19T12:34:56.123456Z",
            "2025-02-19T12:34:56.1234567Z",
            "2025-02-19T12:34:56.12345678Z",
            "2025-02-19T12:34:56.123456789Z",
            "2025-02-19T12:34:56.000000001Z",
            "2024-02-29T00:00:00Z",
            "2000-02-29T00:00:00Z",
        ] {
            let at = fast(text).unwrap_or_else(|| panic!("the fast path reads {text}"));
            assert_eq!(Some(at), chrono_reads(text), "{text}");
            assert_eq!(decoded(text).ok(), Some(at), "{text}");
        }
        assert_eq!(
            fast("2025-02-19T12:34:56.5Z").map(|at| at.timestamp_subsec_nanos()),
            Some(500_000_000)
        );
    }

    #[test]
    fn impossible_dates_and_times_are_rejected() {
        for text in [
            "2025-02-29T00:00:00Z",
            "1900-02-29T00:00:00Z",
            "2025-04-31T00:00:00Z",
            "2025-13-01T00:00:00Z",
            "2025-00-10T00:00:00Z",
            "2025-01-00T00:00:00Z",
            "2025-01-01T24:00:00Z",
            "2025-01-01T23:60:00Z",
            "2025-01-01T23:59:61Z",
            "2025-01-01T00:00:00.Z",
            "2025-01-01T00:00:00",
            "2025-01-01",
            "2025-01-01T00:00:00ZZ",
            "2025-01-01T00:00:0xZ",
            "",
        ] {
            assert_eq!(fast(text), None, "{text}");
            assert!(decoded(text).is_err(), "{text}");
        }
    }

    #[test]
    fn other_forms_go_through_chrono() {
        for text in [
            "2025-02-19T01:00:00+01:00",
            "2025-02-19T00:00:00-00:00",
            "2025-02-19t00:00:00z",
            "2025-02-19T00:00:00.1234567891Z",
            "2016-12-31T23:59:60Z",
            // chrono is lenient about the width of a month.
            "2025-1-01T00:00:00Z",
        ] {
            assert_eq!(fast(text), None, "{text}");
            let at = decoded(text).unwrap_or_else(|e| panic!("chrono reads {text}: {e}"));
            assert_eq!(Some(at), chrono_reads(text), "{text}");
        }
        assert_eq!(
            decoded("2025-02-19T01:00:00+01:00").ok(),
            fast("2025-02-19T00:00:00Z")
        );
    }

    #[test]
    fn an_optional_field_reads_null_as_none() {
        let none: Option<DateTime<Utc>> =
            deserialize_option(serde_json::Value::Null).expect("null");
        assert_eq!(none, None);
        let some = deserialize_option(serde_json::json!("2025-02-19T00:00:00Z")).expect("a time");
        assert_eq!(some, fast("2025-02-19T00:00:00Z"));
    }
}
