//! The emitters: each turns the model (and only the model) into one
//! generated file.

pub mod constructors;
pub mod conversions;
pub mod meta;
pub mod open_enums;
pub mod requests;
pub mod resources;
pub mod unions;
pub mod validation;
mod values;
