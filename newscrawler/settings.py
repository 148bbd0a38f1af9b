"""Scrapy settings for newscrawler.

The defaults are polite enough for the public web. A crawl of one's own or a
local site lifts them with ``-s``, e.g. ``-s DOWNLOAD_DELAY=0
-s AUTOTHROTTLE_ENABLED=False -s CONCURRENT_REQUESTS_PER_DOMAIN=32``.
"""

from __future__ import annotations

import os
from typing import Any

BOT_NAME = "newscrawler"
SPIDER_MODULES = ["newscrawler.spiders"]
NEWSPIDER_MODULE = "newscrawler.spiders"

# --- The archive --------------------------------------------------------------
# A file path or an SQLAlchemy URL; default: env NEWSCRAWLER_DB, else ./news.sqlite3
ARCHIVE_DB = os.environ.get("NEWSCRAWLER_DB") or "news.sqlite3"
ARCHIVE_BATCH_SIZE = 100  # articles per write transaction
ARCHIVE_MAX_ARTICLES = 0  # stop after this many new or updated articles (0: no limit)
# A file descriptor the store writes each archived article's id to, as a JSON line (newscrawler.notify;
# set by the Python API, newscrawler.crawl()); 0: none.
ARCHIVE_NOTIFY_FD = 0
# What the run record keeps of the command's options (`newscrawler runs --json`); set by `newscrawler crawl`.
CRAWL_RUN_ARGS: dict[str, Any] = {}

# --- Extraction (newscrawler.process.pool) --------------------------------------------------
# Articles are extracted in worker processes, off the reactor: "auto" starts one per core,
# 0 extracts in the crawling process (as `fetch` always does).
EXTRACTION_WORKERS = "auto"
EXTRACTION_MAX_PENDING = 0  # pages in the pool at once (0: 2 per worker); more wait, with their download
EXTRACTION_MAX_TASKS_PER_CHILD = 0  # replace a worker after this many pages (0: never)
# A page whose body is byte for byte that of one of the last N article pages at the same path
# (another query: ?page=2, ?ref=home...) takes that page's result instead of being extracted
# again, and is kept as its alias (newscrawler.process.copies; 0: every page is extracted).
EXTRACTION_REUSE_RECENT = 200

# --- What counts as an article ------------------------------------------------
ARTICLE_MIN_WORDS = 40  # fewer words: dropped as too_short
CRAWL_DEPTH = 3  # link-following hops from the start page (pagination is free)
CRAWL_MAX_PAGINATION = 25  # pages followed along one pagination chain
CRAWL_FEED_PATHS = ["/feed", "/rss", "/rss.xml", "/feed.xml", "/atom.xml", "/index.xml"]
CRAWL_SITEMAP_PATHS = ["/sitemap.xml", "/sitemap_index.xml"]
CRAWL_MAX_SITEMAP_URLS = 50_000  # per sitemap document, as in the sitemaps protocol
CRAWL_MAX_DISCOVERY_BYTES = 50 * 1024 * 1024  # a feed or (inflated) sitemap
# Pages to fetch (from sitemaps, feeds, links, revisits) wait as URLs and become requests this many at a time
# (0: 4 x CONCURRENT_REQUESTS + 64), so memory does not grow with the site (newscrawler.discover.backlog).
CRAWL_BACKLOG_WINDOW = 0
# Waiting pages held in memory; the others wait in a temporary file (0: all in memory).
CRAWL_BACKLOG_MEMORY = 1000

# --- Incremental crawls ---------------------------------------------------------
# Known article pages are not requested again, except for conditional revisits at
# these offsets after publication (or first sight); --revisit re-checks them all now.
CRAWL_INCREMENTAL = True
CRAWL_STATE_FLUSH_EVERY = 200  # URL states saved per transaction while crawling
CRAWL_REVISIT_SCHEDULE = ["1h", "6h", "24h", "72h"]

# --- Identity and politeness ----------------------------------------------------
# "{contact}" in USER_AGENT is replaced by NEWSCRAWLER_CONTACT_URL (set yours with -s).
NEWSCRAWLER_CONTACT_URL = "https://github.com/newscrawler/newscrawler"
USER_AGENT = "newscrawler/0.1 (+{contact})"
ROBOTSTXT_OBEY = True
ROBOTSTXT_USER_AGENT = "newscrawler"  # the token robots.txt groups are matched against
# A site's robots.txt Crawl-delay is honoured up to this many seconds (0: not at all); a site's
# crawl_delay in sources.toml replaces it (newscrawler.fetch.crawldelay).
ROBOTS_MAX_CRAWL_DELAY = 10.0
CONCURRENT_REQUESTS = 16
CONCURRENT_REQUESTS_PER_DOMAIN = 4
DOWNLOAD_DELAY = 0.5
AUTOTHROTTLE_ENABLED = True
AUTOTHROTTLE_START_DELAY = 1.0
AUTOTHROTTLE_MAX_DELAY = 30.0
AUTOTHROTTLE_TARGET_CONCURRENCY = 2.0
DOWNLOAD_TIMEOUT = 30
# A response larger than this is cancelled (too_large); a compressed one that inflates beyond
# it is refused (decompression_bomb). CRAWL_MAX_DISCOVERY_BYTES bounds gzipped sitemaps.
DOWNLOAD_MAXSIZE = 20 * 1024 * 1024
DOWNLOAD_WARNSIZE = 5 * 1024 * 1024
COOKIES_ENABLED = False
DEFAULT_REQUEST_HEADERS = {
    "Accept": "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8",
    "Accept-Language": "en;q=0.9,*;q=0.5",
}

# Retries on 429 and 5xx; Retry-After is honoured up to RETRY_AFTER_MAX seconds.
RETRY_ENABLED = True
RETRY_TIMES = 3
RETRY_HTTP_CODES = [429, 500, 502, 503, 504, 522, 524, 408]
RETRY_AFTER_MAX = 120
# A site that is down (newscrawler.fetch.reachability): refused connections and failed DNS lookups, and
# any failure of a host that has not answered yet, are retried this many times; once robots.txt and the
# start page (or this many requests in a row) got no answer, the site's other URLs are not requested.
RETRY_UNREACHABLE_TIMES = 1
SITE_UNREACHABLE_AFTER = 3
RETRY_GIVE_UP_LOG_LEVEL = "INFO"  # a page given up on is counted (errors/<kind>) and summed up at the end
DOWNLOADER_MIDDLEWARES = {
    "scrapy.downloadermiddlewares.useragent.UserAgentMiddleware": None,
    "newscrawler.fetch.middlewares.ContactUserAgentMiddleware": 500,
    "scrapy.downloadermiddlewares.retry.RetryMiddleware": None,
    "newscrawler.fetch.middlewares.RetryAfterMiddleware": 550,
    "newscrawler.fetch.ssrf.AddressGuardMiddleware": 40,  # before robots.txt and offsite: nothing internal
    # A site that is down: a few requests, not all. Before the address guard, so that a failed DNS lookup
    # there counts too (it holds and drops requests, it sends none).
    "newscrawler.fetch.reachability.ReachabilityMiddleware": 35,
    "scrapy.downloadermiddlewares.robotstxt.RobotsTxtMiddleware": None,
    "newscrawler.fetch.robots.RobotsTxtMiddleware": 100,
    "newscrawler.fetch.bodyguard.BodyGuardMiddleware": 585,  # after decompression: binaries, charset labels
    "newscrawler.fetch.ssrf.RedirectGuardMiddleware": 610,  # before RedirectMiddleware: targets, loops
    "scrapy.downloadermiddlewares.redirect.MetaRefreshMiddleware": None,
    "newscrawler.fetch.metarefresh.HeadMetaRefreshMiddleware": 580,  # the same, without decoding every page
    # Responses as downloaded, before decompression, redirects and retries (newscrawler.fetch.warc):
    "newscrawler.fetch.warc.ReceivedHeadersMiddleware": 960,  # the headers as received, kept with the article
    "newscrawler.fetch.warc.WarcCaptureMiddleware": 950,  # every exchange to WARC files (on with WARC_DIR)
}
# --- WARC capture (newscrawler.fetch.warc, archive.warc_write; docs/warc.md) ------------------
WARC_DIR = None  # a folder: every HTTP exchange of the crawl goes to .warc.gz files there (`crawl --warc DIR`)
WARC_MAX_SIZE = 1_000_000_000  # bytes: a WARC file is closed for a new one once it passes this
WARC_GZIP_LEVEL = 1  # zlib level of each record's gzip member (1: fastest; 9: ~18% smaller, ~4x the CPU)

# Only http(s) is fetched, and internal addresses (private, loopback, link-local, multicast...)
# only on the hosts of the start URLs and sources; add others as "host" or "host:port".
FETCH_ALLOWED_HOSTS: list[str] = []

# The pipelines are synchronous: more than one item at a time per response gains nothing, and
# Scrapy starts CONCURRENT_ITEMS asyncio tasks for the output of every response (default 100).
CONCURRENT_ITEMS = 1

# Depth is the spider's own (NewsSpider.follow: a sitemap or feed entry is one hop, pagination
# is free, the fewest hops found win). Scrapy's DepthMiddleware would overwrite it with the
# number of requests of any kind since the start page, and workers on a shared frontier, which
# only know the depth their requests carry, would then stop following links too early.
SPIDER_MIDDLEWARES = {"scrapy.spidermiddlewares.depth.DepthMiddleware": None}
DEPTH_LIMIT = 0
DEPTH_STATS_VERBOSE = False

# AutoThrottle that keeps a site's delay (sources.toml) and Crawl-delay as its least delay.
EXTENSIONS = {"newscrawler.extensions.sitestats.SiteStats": 500, "newscrawler.extensions.memory.HeapControl": 0,
              "newscrawler.extensions.memory.CollectorControl": 0, "scrapy.extensions.throttle.AutoThrottle": None,
              "newscrawler.fetch.crawldelay.FlooredAutoThrottle": 0}
# glibc's heap (newscrawler.extensions.memory): 0 leaves glibc's default; docs/crawling.md "Memory".
MALLOC_MMAP_THRESHOLD = 128 * 1024  # bytes: larger blocks (page bodies) are mapped and unmapped
GC_THRESHOLD = 7000  # the youngest-generation threshold of the crawling process and the extraction workers
# (Python: 700); 0 leaves gc alone

# --- Scale out: a Redis frontier shared by several crawler processes (newscrawler.frontier.scheduler) ----
# Set FRONTIER_URL (redis://HOST:PORT/DB; `crawl --frontier`) to share the request queue and seen set.
FRONTIER_URL = ""
FRONTIER_NAME = ""  # default: derived from the start URLs, so workers started alike share one frontier
FRONTIER_HEARTBEAT_TTL = 30.0  # seconds without a heartbeat before a worker's leased requests are requeued
FRONTIER_ROUND_GRACE = 60.0  # a worker started this soon after a crawl round ended does not start another
FRONTIER_WORKER_ID = None  # this worker's name in the frontier and the run records (None: host:pid)
FRONTIER_FLUSH_SECONDS = 5.0  # a worker writes its batch of articles at the latest this long after a request ended
ADDONS = {"newscrawler.frontier.keys.FrontierAddon": 0}

ITEM_PIPELINES = {
    "newscrawler.pipelines.ValidatePipeline": 100,
    "newscrawler.pipelines.DedupePipeline": 200,
    "newscrawler.pipelines.StorePipeline": 300,
}

REQUEST_FINGERPRINTER_IMPLEMENTATION = "2.7"
# Scrapy's dupe filter, remembering each request in 9 bytes (newscrawler.discover.keytable); a shared
# frontier replaces it with its Redis one.
DUPEFILTER_CLASS = "newscrawler.discover.dupefilter.CompactDupeFilter"
FEED_EXPORT_ENCODING = "utf-8"
LOG_LEVEL = "INFO"
LOG_FORMATTER = "newscrawler.logformatter.NewsLogFormatter"
TELNETCONSOLE_ENABLED = False
