//! The embedded demo account (placeholder; being written).
