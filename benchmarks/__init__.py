"""Benchmarks for newscrawler (run from the repo root, e.g. ``python -m benchmarks.extraction``)."""
