"""Benchmarks: reproducible performance runs with their baselines (not tests)."""
