"""Extraction (no Scrapy): HTML -> Article. trafilatura is imported only in extract.extractor."""
