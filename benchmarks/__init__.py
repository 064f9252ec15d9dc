"""Benchmarks (not part of make test): see BENCHMARKS.md."""
