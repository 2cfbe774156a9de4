//! The `message` tool (being built).
