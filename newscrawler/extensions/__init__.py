"""Scrapy extensions: per-site stats, the live progress display, memory control."""
