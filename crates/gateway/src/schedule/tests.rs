//! Tests of the scheduler with time given, not read from a clock.
