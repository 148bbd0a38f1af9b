"""The Redis side of the shared frontier (:mod:`newscrawler.frontier.scheduler`): its Lua scripts,
the leasing queue and the dupe filter that remembers link depths.

A pop *leases* the request (one Lua script moves it from the queue sorted set to the
worker's in-flight hash); the scripts that put dead workers' leases back, claim a crawl
round and mark seeding done run in Redis too, so each is one atomic step.
"""

from __future__ import annotations

import itertools
import time
from typing import Any

from redis import Redis
from scrapy import Request, Spider
from scrapy.crawler import Crawler
from scrapy_redis.connection import get_redis_from_settings
from scrapy_redis.dupefilter import RFPDupeFilter
from scrapy_redis.queue import PriorityQueue

from newscrawler.config import setting_bool, setting_str
from newscrawler.frontier.keys import Keys, crawl_name

LEASE = "frontier_lease"  # request.meta key: the lease id of a popped request

# Queue head -> the worker's in-flight hash, in one step. Returns {member, score} or nil.
POP_LUA = """
local head = redis.call('ZRANGE', KEYS[1], 0, 0, 'WITHSCORES')
if #head == 0 then return nil end
redis.call('ZREMRANGEBYRANK', KEYS[1], 0, 0)
redis.call('HSET', KEYS[2], ARGV[1], head[2] .. ':' .. head[1])
return head
"""
# Shared Lua: put every lease of an in-flight hash back into the queue.
REQUEUE_FN_LUA = """
local function requeue(queue, inflight)
  local all = redis.call('HGETALL', inflight)
  for i = 2, #all, 2 do
    local v = all[i]
    local p = string.find(v, ':', 1, true)
    redis.call('ZADD', queue, string.sub(v, 1, p - 1), string.sub(v, p + 1))
  end
  redis.call('DEL', inflight)
  return #all / 2
end
local function sweep(prefix)
  local requeued, busy = 0, 0
  for _, w in ipairs(redis.call('SMEMBERS', prefix .. ':workers')) do
    if redis.call('EXISTS', prefix .. ':hb:' .. w) == 0 then
      requeued = requeued + requeue(prefix .. ':queue', prefix .. ':inflight:' .. w)
      redis.call('SREM', prefix .. ':workers', w)
    else
      busy = busy + redis.call('HLEN', prefix .. ':inflight:' .. w)
    end
  end
  return requeued, busy
end
"""
# ARGV: prefix. Requeues dead workers' leases; returns {requeued, leases of live workers, queued, seed state}.
SWEEP_LUA = REQUEUE_FN_LUA + """
local requeued, busy = sweep(ARGV[1])
return {requeued, busy, redis.call('ZCARD', ARGV[1] .. ':queue'), redis.call('GET', ARGV[1] .. ':seed') or ''}
"""
# ARGV: prefix, worker, heartbeat ms. Registers the worker, then: 'seed' (seed this round: the first
# worker, or the round was drained, or its seeder died while seeding), 'join', or 'late' (the round
# was drained less than FRONTIER_ROUND_GRACE seconds ago: nothing to do).
CLAIM_LUA = REQUEUE_FN_LUA + """
local prefix, me = ARGV[1], ARGV[2]
redis.call('SET', prefix .. ':hb:' .. me, '1', 'PX', ARGV[3])
redis.call('SADD', prefix .. ':workers', me)
local seed = redis.call('GET', prefix .. ':seed')
if seed == 'done' then
  local requeued, busy = sweep(prefix)
  if busy > 0 or redis.call('ZCARD', prefix .. ':queue') > 0 then return 'join' end
  if redis.call('EXISTS', prefix .. ':drained') == 1 then return 'late' end
  redis.call('DEL', prefix .. ':seen', prefix .. ':bodies')
elseif seed and redis.call('EXISTS', prefix .. ':hb:' .. seed) == 1 then
  return 'join'
end
redis.call('SET', prefix .. ':seed', me)
return 'seed'
"""
# ARGV: prefix, worker. Seeding finished (only if this worker is still the seeder).
SEEDED_LUA = """
if redis.call('GET', ARGV[1] .. ':seed') == ARGV[2] then redis.call('SET', ARGV[1] .. ':seed', 'done') end
"""
REQUEUE_OWN_LUA = REQUEUE_FN_LUA + "return requeue(KEYS[1], KEYS[2])"
# KEYS: seen hash. ARGV: fingerprint, link hops (-1: not a link). 1 if seen before (keeps the fewest hops).
SEEN_LUA = """
local d = tonumber(ARGV[2])
local old = redis.call('HGET', KEYS[1], ARGV[1])
if not old then redis.call('HSET', KEYS[1], ARGV[1], d) return 0 end
old = tonumber(old)
if d >= 0 and (old < 0 or d < old) then redis.call('HSET', KEYS[1], ARGV[1], d) end
return 1
"""


class FrontierDupeFilter(RFPDupeFilter):
    """scrapy-redis's dupe filter, fingerprinting as Scrapy does and remembering link depths."""

    def __init__(self, server: Redis, key: str, debug: bool = False, crawler: Crawler | None = None) -> None:
        super().__init__(server, key, debug)
        self.crawler = crawler
        self._seen = server.register_script(SEEN_LUA)

    @classmethod
    def from_spider(cls, spider: Spider) -> FrontierDupeFilter:
        crawler = spider.crawler
        keys = frontier_keys(crawler, spider)
        return cls(get_redis_from_settings(crawler.settings), keys.seen,
                   setting_bool(crawler.settings, "DUPEFILTER_DEBUG"), crawler)

    def request_fingerprint(self, request: Request) -> str:
        if self.crawler is None or self.crawler.request_fingerprinter is None:
            return str(super().request_fingerprint(request))
        return self.crawler.request_fingerprinter.fingerprint(request).hex()

    def request_seen(self, request: Request) -> bool:
        depth = request.meta.get("depth")
        hops = int(depth) if isinstance(depth, int) else -1
        return bool(self._seen(keys=[self.key], args=[self.request_fingerprint(request), hops]))

    def link_depth(self, request: Request) -> int | None:
        """The fewest link hops at which any worker found ``request``'s URL, if known."""
        value = self.server.hget(self.key, self.request_fingerprint(request))
        return int(value) if value is not None and int(value) >= 0 else None


class LeasingQueue(PriorityQueue):
    """scrapy-redis's priority queue whose pop leases the request to this worker."""

    def __init__(self, server: Redis, spider: Spider, key: str, inflight_key: str, serializer: Any = None) -> None:
        super().__init__(server, spider, key, serializer)
        self.inflight_key = inflight_key
        self._pop = server.register_script(POP_LUA)
        self._ids = itertools.count(1)

    def pop(self, timeout: int = 0) -> Request | None:
        lease = f"{time.time_ns():x}-{next(self._ids)}"
        head = self._pop(keys=[self.key, self.inflight_key], args=[lease])
        if not head:
            return None
        request: Request = self._decode_request(head[0])
        request.meta[LEASE] = lease
        return request


def frontier_keys(crawler: Crawler, spider: Spider) -> Keys:
    name = setting_str(crawler.settings, "FRONTIER_NAME") or crawl_name(
        spider.name, list(getattr(spider, "start_urls", [])), str(getattr(spider, "mode", "site")))
    return Keys(f"newscrawler:{name.replace('%', '_')}")
