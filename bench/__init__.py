"""Benchmarks that print ratios against a plain baseline measured in the same run."""
