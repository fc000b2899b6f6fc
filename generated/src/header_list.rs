use std::fmt;

/// A list sent as one comma-separated header value, such as the
/// `anthropic-beta` header.
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash)]
pub struct CommaSeparated<T>(pub Vec<T>);

impl<T> CommaSeparated<T> {
    /// The values in order.
    pub fn as_slice(&self) -> &[T] {
        &self.0
    }
}

impl<T: fmt::Display> fmt::Display for CommaSeparated<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, value) in self.0.iter().enumerate() {
            if i > 0 {
                f.write_str(",")?;
            }
            write!(f, "{value}")?;
        }
        Ok(())
    }
}

impl<T> From<Vec<T>> for CommaSeparated<T> {
    fn from(values: Vec<T>) -> Self {
        Self(values)
    }
}

impl<T, const N: usize> From<[T; N]> for CommaSeparated<T> {
    fn from(values: [T; N]) -> Self {
        Self(values.into())
    }
}

impl<T> FromIterator<T> for CommaSeparated<T> {
    fn from_iter<I: IntoIterator<Item = T>>(iter: I) -> Self {
        Self(iter.into_iter().collect())
    }
}
