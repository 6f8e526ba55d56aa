"""A leased crawl frontier in Redis, plugged into scrapy-redis.

Plain scrapy-redis pops a request destructively and marks its URL seen before it is
fetched, so a worker killed mid-request loses that URL for good. Here a popped request
is *leased*: it moves to an in-flight sorted set scored by lease expiry, the worker renews
its leases while it works, and acknowledges a request only when Scrapy is done with it
(its article stored or finally dropped, its list page's links queued, or its final error
counted). Expired leases go back to the queue, taken by any live worker. A URL counts as
seen for good only once acknowledged; until then a duplicate is suppressed, not lost.

Redis keys (prefix ``newsmon:frontier`` by default, shared by every worker):
``queue`` zset fingerprint→order, ``payload`` hash fingerprint→request, ``inflight`` zset
fingerprint→lease expiry (ms), ``owner`` hash fingerprint→worker, ``done`` set of
acknowledged fingerprints, ``stats`` hash of counters.
"""

from __future__ import annotations

import logging
import os
import socket
import time
import uuid
from dataclasses import dataclass
from typing import Any

import redis
from scrapy import Request, Spider, signals
from scrapy.utils.request import request_from_dict
from scrapy_redis import picklecompat
from twisted.internet import task

from crawler.signals import request_finished

logger = logging.getLogger(__name__)

LEASE_META = "newsmon_lease"

# KEYS: queue payload inflight owner done stats
# ARGV: fp payload score mode recent-key recent-ttl-ms
#   mode "article": seen for good once acknowledged; "page": at most once per round (a
#   list page linked from every other list page); "always": dont_filter (seeds, retries)
_PUSH = """
local fp, mode = ARGV[1], ARGV[4]
if mode == 'article' and redis.call('SISMEMBER', KEYS[5], fp) == 1 then return 0 end
if redis.call('ZSCORE', KEYS[3], fp) then
  if mode ~= 'always' then return 0 end
  -- a retry of a request this worker holds: back to the queue, lease released
  redis.call('ZREM', KEYS[3], fp); redis.call('HDEL', KEYS[4], fp)
elseif redis.call('ZSCORE', KEYS[1], fp) then
  return 0
elseif mode == 'page' then
  if not redis.call('SET', ARGV[5], '1', 'PX', ARGV[6], 'NX') then return 0 end
end
redis.call('HSET', KEYS[2], fp, ARGV[2])
redis.call('ZADD', KEYS[1], ARGV[3], fp)
return 1
"""

# KEYS: queue payload inflight owner; ARGV: lease-expiry worker
_POP = """
local head = redis.call('ZRANGE', KEYS[1], 0, 0)
if #head == 0 then return false end
local fp = head[1]
redis.call('ZREM', KEYS[1], fp)
redis.call('ZADD', KEYS[3], ARGV[1], fp)
redis.call('HSET', KEYS[4], fp, ARGV[2])
return {fp, redis.call('HGET', KEYS[2], fp)}
"""

# KEYS: inflight owner payload done stats; ARGV: fp filterable
_ACK = """
local held = redis.call('ZREM', KEYS[1], ARGV[1])
redis.call('HDEL', KEYS[2], ARGV[1])
redis.call('HDEL', KEYS[3], ARGV[1])
if ARGV[2] == '1' then redis.call('SADD', KEYS[4], ARGV[1]) end
if held == 1 then redis.call('HINCRBY', KEYS[5], 'acked', 1) end
return held
"""

# KEYS: inflight owner queue stats; ARGV: now
_REAP = """
local expired = redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', ARGV[1], 'LIMIT', 0, 500)
for _, fp in ipairs(expired) do
  redis.call('ZREM', KEYS[1], fp)
  redis.call('HDEL', KEYS[2], fp)
  -- ahead of everything else: these were due long ago
  redis.call('ZADD', KEYS[3], -1e15, fp)
end
if #expired > 0 then redis.call('HINCRBY', KEYS[4], 'requeued', #expired) end
return #expired
"""


def push_mode(request: Request) -> str:
    """Article pages are seen for good once done; list pages and sitemaps once per round,
    so the next seeding round fetches them again; dont_filter requests always."""
    if request.dont_filter:
        return "always"
    return "article" if request.meta.get("kind") in ("article", "document") else "page"


def _text(value: bytes | str) -> str:
    return value.decode() if isinstance(value, bytes) else str(value)


def _now_ms() -> int:
    return int(time.time() * 1000)


@dataclass(frozen=True)
class FrontierKeys:
    prefix: str

    def __getattr__(self, name: str) -> str:
        if name in ("queue", "payload", "inflight", "owner", "done", "stats", "seq"):
            return f"{self.prefix}:{name}"
        raise AttributeError(name)


@dataclass
class FrontierStatus:
    queued: int
    in_flight: int
    done: int
    oldest_lease_age_s: float | None
    requeued: int
    acked: int
    workers: dict[str, int]


class Frontier:
    """The Redis side of the frontier; usable without Scrapy (seed, status, tests)."""

    def __init__(self, client: redis.Redis, prefix: str = "newsmon:frontier",
                 lease_seconds: float = 30.0, worker_id: str | None = None,
                 page_round_seconds: float = 600.0) -> None:
        self.client = client
        self.keys = FrontierKeys(prefix)
        self.lease_ms = int(lease_seconds * 1000)
        self.page_round_ms = int(page_round_seconds * 1000)
        self.worker_id = worker_id or f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:6]}"
        self._push = client.register_script(_PUSH)
        self._pop = client.register_script(_POP)
        self._ack = client.register_script(_ACK)
        self._reap = client.register_script(_REAP)

    @classmethod
    def from_url(cls, url: str, **kwargs: Any) -> Frontier:
        return cls(redis.Redis.from_url(url, socket_timeout=30, socket_connect_timeout=10,
                                        retry_on_timeout=True), **kwargs)

    def push(self, fingerprint: str, payload: bytes, priority: int = 0, mode: str = "article") -> bool:
        """Queue a request unless it is already queued, in flight, or (mode "article")
        done; mode "page" allows one fetch per `page_round_seconds`, "always" re-queues."""
        if mode not in ("article", "page", "always"):
            raise ValueError(f"unknown push mode {mode!r}")
        order = self.client.incr(self.keys.seq)
        score = -priority * 1e12 + int(order)
        k = self.keys
        return bool(self._push(
            keys=[k.queue, k.payload, k.inflight, k.owner, k.done, k.stats],
            args=[fingerprint, payload, score, mode, f"{k.prefix}:round:{fingerprint}",
                  self.page_round_ms],
        ))

    def pop(self) -> tuple[str, bytes] | None:
        k = self.keys
        result = self._pop(keys=[k.queue, k.payload, k.inflight, k.owner],
                           args=[_now_ms() + self.lease_ms, self.worker_id])
        if not result or result[1] is None:
            return None
        fingerprint = _text(result[0])
        return fingerprint, result[1]

    def ack(self, fingerprint: str, filterable: bool = True) -> bool:
        k = self.keys
        return bool(self._ack(keys=[k.inflight, k.owner, k.payload, k.done, k.stats],
                              args=[fingerprint, "1" if filterable else "0"]))

    def renew(self, fingerprints: list[str]) -> None:
        if not fingerprints:
            return
        expiry = _now_ms() + self.lease_ms
        pipe = self.client.pipeline(transaction=False)
        for fingerprint in fingerprints:
            pipe.zadd(self.keys.inflight, {fingerprint: expiry}, xx=True)
        pipe.execute()

    def reap(self) -> int:
        k = self.keys
        return int(self._reap(keys=[k.inflight, k.owner, k.queue, k.stats], args=[_now_ms()]))

    def is_done(self, fingerprint: str) -> bool:
        return bool(self.client.sismember(self.keys.done, fingerprint))

    def is_pending(self, fingerprint: str) -> bool:
        k = self.keys
        return (self.client.zscore(k.queue, fingerprint) is not None
                or self.client.zscore(k.inflight, fingerprint) is not None)

    def queued(self) -> int:
        return int(self.client.zcard(self.keys.queue))

    def in_flight(self) -> int:
        return int(self.client.zcard(self.keys.inflight))

    def status(self) -> FrontierStatus:
        k = self.keys
        oldest = self.client.zrange(k.inflight, 0, 0, withscores=True)
        oldest_age = None
        if oldest:
            leased_at = float(oldest[0][1]) - self.lease_ms
            oldest_age = max(0.0, (_now_ms() - leased_at) / 1000)
        stats = {_text(key): int(value) for key, value in self.client.hgetall(k.stats).items()}
        owners: dict[str, int] = {}
        for owner in self.client.hvals(k.owner):
            name = _text(owner)
            owners[name] = owners.get(name, 0) + 1
        return FrontierStatus(
            queued=self.queued(), in_flight=self.in_flight(),
            done=int(self.client.scard(k.done)),
            oldest_lease_age_s=oldest_age, requeued=stats.get("requeued", 0),
            acked=stats.get("acked", 0), workers=owners,
        )

    def clear(self) -> None:
        k = self.keys
        self.client.delete(k.queue, k.payload, k.inflight, k.owner, k.done, k.stats, k.seq)
        for key in self.client.scan_iter(f"{k.prefix}:round:*", count=1000):
            self.client.delete(key)


class LeasedScheduler:
    """A Scrapy scheduler over :class:`Frontier` (SCHEDULER = this class).

    It keeps scrapy-redis' contract (SCHEDULER_PERSIST, the queue key shared by every
    worker, the serializer) but never loses a popped request.
    """

    def __init__(self, crawler: Any, frontier: Frontier, renew_seconds: float,
                 reap_seconds: float) -> None:
        self.crawler = crawler
        self.frontier = frontier
        self.renew_seconds = renew_seconds
        self.reap_seconds = reap_seconds
        self.held: dict[str, bool] = {}  # leased fingerprint → filterable
        self.serializer = picklecompat
        self.spider: Spider | None = None
        self.loops: list[task.LoopingCall] = []
        self.redis_errors = 0

    @classmethod
    def from_crawler(cls, crawler: Any) -> LeasedScheduler:
        settings = crawler.settings
        url = settings.get("NEWSMON_REDIS_URL") or settings.get("REDIS_URL")
        if not url:
            raise ValueError("LeasedScheduler needs NEWSMON_REDIS_URL")
        frontier = Frontier.from_url(
            url, prefix=settings.get("NEWSMON_FRONTIER_PREFIX", "newsmon:frontier"),
            lease_seconds=settings.getfloat("NEWSMON_LEASE_SECONDS", 30.0),
            page_round_seconds=settings.getfloat("NEWSMON_PAGE_ROUND_SECONDS", 600.0),
        )
        scheduler = cls(crawler, frontier, settings.getfloat("NEWSMON_LEASE_RENEW_SECONDS", 15.0),
                        settings.getfloat("NEWSMON_LEASE_REAP_SECONDS", 5.0))
        crawler.signals.connect(scheduler.item_done, signal=signals.item_scraped)
        crawler.signals.connect(scheduler.item_done, signal=signals.item_dropped)
        crawler.signals.connect(scheduler.item_done, signal=signals.item_error)
        crawler.signals.connect(scheduler.request_done, signal=request_finished)
        return scheduler

    # -- Scrapy scheduler interface -------------------------------------------------------
    def open(self, spider: Spider) -> None:
        self.spider = spider
        for seconds, function in ((self.renew_seconds, self.renew), (self.reap_seconds, self.reap)):
            loop = task.LoopingCall(function)
            loop.start(seconds, now=True)
            self.loops.append(loop)
        logger.info("frontier: %d queued, %d in flight (worker %s)", self.frontier.queued(),
                    self.frontier.in_flight(), self.frontier.worker_id)

    def close(self, reason: str) -> None:
        for loop in self.loops:
            if loop.running:
                loop.stop()
        # SCHEDULER_PERSIST: the queue and the seen set stay for the next run. Leases held
        # by this worker are handed back at once rather than after expiry.
        for fingerprint in list(self.held):
            try:
                self.frontier.client.zadd(self.frontier.keys.inflight, {fingerprint: 0}, xx=True)
            except redis.RedisError:
                break
        self.reap()

    def has_pending_requests(self) -> bool:
        try:
            return self.frontier.queued() > 0
        except redis.RedisError:
            return False

    def __len__(self) -> int:
        try:
            return self.frontier.queued()
        except redis.RedisError:
            return 0

    def enqueue_request(self, request: Request) -> bool:
        fingerprint = self.fingerprint(request)
        parent = request.meta.get(LEASE_META)
        payload = self.serializer.dumps(request.to_dict(spider=self.spider))
        try:
            pushed = self.frontier.push(fingerprint, payload, request.priority, push_mode(request))
        except redis.RedisError as exc:
            return self._redis_down("enqueue", exc)
        if parent and parent != fingerprint:
            # a redirect: the new request carries the work on, so the parent is done
            self.ack(parent)
        self.crawler.stats.inc_value("newsmon/frontier/enqueued" if pushed else "newsmon/frontier/filtered")
        return pushed

    def next_request(self) -> Request | None:
        try:
            popped = self.frontier.pop()
        except redis.RedisError as exc:
            self._redis_down("pop", exc)
            return None
        if popped is None:
            return None
        fingerprint, payload = popped
        try:
            request = request_from_dict(self.serializer.loads(payload), spider=self.spider)
        except Exception as exc:  # an undecodable entry must not block the queue forever
            logger.error("dropping undecodable frontier entry %s: %s", fingerprint, exc)
            self.frontier.ack(fingerprint, filterable=False)
            return None
        request.meta[LEASE_META] = fingerprint
        self.held[fingerprint] = push_mode(request) == "article"
        self.crawler.stats.inc_value("newsmon/frontier/leased")
        return request

    # -- acknowledgements ---------------------------------------------------------------------
    def fingerprint(self, request: Request) -> str:
        return str(self.crawler.request_fingerprinter.fingerprint(request).hex())

    def ack(self, fingerprint: str | None) -> None:
        if not fingerprint:
            return
        filterable = self.held.pop(fingerprint, True)
        try:
            self.frontier.ack(fingerprint, filterable)
            self.crawler.stats.inc_value("newsmon/frontier/acked")
        except redis.RedisError as exc:
            # unacknowledged: the lease expires and another worker redoes the request
            self._redis_down("ack", exc)

    def item_done(self, item: Any = None, response: Any = None, **kwargs: Any) -> None:
        request = getattr(response, "request", None)
        if request is not None:
            self.ack(request.meta.get(LEASE_META))

    def request_done(self, request: Request, **kwargs: Any) -> None:
        self.ack(request.meta.get(LEASE_META))

    def renew(self) -> None:
        try:
            self.frontier.renew(list(self.held))
        except redis.RedisError as exc:
            self._redis_down("renew", exc)

    def reap(self) -> None:
        try:
            requeued = self.frontier.reap()
        except redis.RedisError as exc:
            self._redis_down("reap", exc)
            return
        if requeued:
            self.crawler.stats.inc_value("newsmon/frontier/requeued", requeued)
            logger.info("frontier: re-queued %d expired lease(s)", requeued)

    def _redis_down(self, operation: str, exc: Exception) -> bool:
        self.redis_errors += 1
        self.crawler.stats.inc_value("newsmon/errors/redis")
        logger.warning("redis unavailable during %s (will retry): %s", operation, exc)
        return False


class FrontierAckMiddleware:
    """Spider middleware: acknowledge a response once its callback's output is queued,
    unless it yielded items (those are acknowledged when the pipelines finish them)."""

    def __init__(self, crawler: Any) -> None:
        self.crawler = crawler

    @classmethod
    def from_crawler(cls, crawler: Any) -> FrontierAckMiddleware:
        return cls(crawler)

    async def process_spider_output_async(self, response: Any, result: Any, spider: Spider | None = None) -> Any:
        produced_item = False
        async for output in result:
            if not isinstance(output, Request):
                produced_item = True
            yield output
        if not produced_item:
            self.crawler.signals.send_catch_log(request_finished, request=response.request)

    def process_spider_output(self, response: Any, result: Any, spider: Spider | None = None) -> Any:
        produced_item = False
        for output in result:
            if not isinstance(output, Request):
                produced_item = True
            yield output
        if not produced_item:
            self.crawler.signals.send_catch_log(request_finished, request=response.request)

    def process_spider_exception(self, response: Any, exception: Exception, spider: Spider | None = None) -> None:
        self.crawler.signals.send_catch_log(request_finished, request=response.request)


def frontier_settings(redis_url: str) -> dict[str, Any]:
    """Settings that switch a crawl onto the shared Redis frontier."""
    return {
        "NEWSMON_REDIS_URL": redis_url,
        "SCHEDULER": "crawler.frontier.LeasedScheduler",
        "SCHEDULER_PERSIST": True,
        "SPIDER_MIDDLEWARES": {"crawler.frontier.FrontierAckMiddleware": 10},
        # every response waiting for the pipelines holds a lease: keep that backlog small,
        # so a killed worker leaves little to redo (measured: ~560 extra downloads per
        # kill of two workers at Scrapy's 5 MB default on 3-6 KB pages)
        "SCRAPER_SLOT_MAX_ACTIVE_SIZE": 1_000_000,
    }




