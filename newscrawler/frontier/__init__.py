"""A frontier shared by several crawler processes (Redis, mirroring scrapy-redis)."""
