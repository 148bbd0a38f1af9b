"""Fetching: the SSRF guard, robots.txt and Crawl-delay, the body guard, meta refresh, Retry-After, failure reasons."""
