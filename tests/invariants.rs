//! invariants tests.
