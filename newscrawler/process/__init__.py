"""Page processing in worker processes (no Scrapy): the page's work, charsets, the article decision, the pool."""
