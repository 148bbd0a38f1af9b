"""Article metadata from the HTML tree: dates, names, titles, paywall."""
