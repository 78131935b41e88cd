"""The benchmark suite behind ``make bench`` (see docs/BENCHMARKS.md)."""
