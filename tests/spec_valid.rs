//! spec/anthropic.yaml passes a standard OpenAPI validator.
