"""Helpers shared by the tests (no tests, no fixtures: those are in tests/conftest.py).

``cli``: running ``newscrawler`` in a subprocess and reading the archive it wrote.
``loopback``: the one ``free_port``, small HTTP servers on 127.0.0.1, page builders.
The sites and servers: ``faultserver`` (with ``faultsite_base``, ``faultsite_content``),
``hardsite``, ``changing_site``, ``pgserver``, ``redisserver``; ``schedprobe`` is a Scrapy
extension a test crawl loads.
"""
