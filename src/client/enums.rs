//! What the string enums `build.rs` emits (`build/enums.rs`) share.

/// Why a text is not a value of a closed enum.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("{value:?} is not one of {}", .expected.join(", "))]
pub struct UnknownValue {
    /// The text given.
    pub value: String,
    /// The values allowed.
    pub expected: &'static [&'static str],
}
