"""Metrics and benchmarks; each module runs as ``python -m eval.NAME --help``."""
