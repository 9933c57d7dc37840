//! policy tests.
