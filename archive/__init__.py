"""newscrawler's archive: storage, search and export. Never imports scrapy."""
