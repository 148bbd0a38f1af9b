"""Discovery: feed and sitemap parsers, links, the backlog, incremental URL states, the dupe filter."""
