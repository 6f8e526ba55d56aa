"""Scrapy settings for newsmon (`scrapy crawl feeds|sites` and `newsmon crawl` share them)."""

import os

BOT_NAME = "newsmon"
SPIDER_MODULES = ["crawler.spiders"]
NEWSPIDER_MODULE = "crawler.spiders"

# An honest User-Agent that names the project and where to read about it.
USER_AGENT = "newsmon/0.1 (+https://github.com/newsmon/newsmon; public-welfare news monitor)"
ROBOTSTXT_OBEY = True
# seen requests in 8 bytes each instead of ~85: the one set that grows with every page
DUPEFILTER_CLASS = "crawler.dupefilter.CompactDupeFilter"

# Politeness: AutoThrottle adapts the delay to each server's latency; per-domain caps hold
# even when many sources share a host.
CONCURRENT_REQUESTS = 32
CONCURRENT_REQUESTS_PER_DOMAIN = 4
# Scrapy starts this many asyncio tasks for every response's output, whatever it holds; an
# article page yields one item, so 100 (the default) meant ~100 idle tasks per page in
# flight: ~50 MB and measurable reactor time on a busy crawl, for no parallelism
CONCURRENT_ITEMS = 8
DOWNLOAD_DELAY = 0.5
AUTOTHROTTLE_ENABLED = True
AUTOTHROTTLE_START_DELAY = 1.0
AUTOTHROTTLE_MAX_DELAY = 30.0
AUTOTHROTTLE_TARGET_CONCURRENCY = 2.0

DOWNLOAD_TIMEOUT = 30
DOWNLOAD_MAXSIZE = 20 * 1024 * 1024
DOWNLOAD_WARNSIZE = 5 * 1024 * 1024
RETRY_ENABLED = True
RETRY_TIMES = 2
REDIRECT_MAX_TIMES = 10
DEPTH_LIMIT = 25  # a backstop; each source has its own max_depth (<= 20)
COOKIES_ENABLED = False
TELNETCONSOLE_ENABLED = False
REMOTE_CONTROL_ENABLED = False
REACTOR_THREADPOOL_MAXSIZE = 16
LOG_LEVEL = os.environ.get("NEWSMON_LOG_LEVEL", "INFO")
# a dropped item is counted by reason in the stats; its repr holds the raw page
DEFAULT_DROPITEM_LOG_LEVEL = "DEBUG"

# Hostile servers: only http(s), never private/loopback/link-local addresses (crawler/guard.py;
# opt in per source with allow_private_addresses or with NEWSMON_ALLOW_PRIVATE_ADDRESSES=1).
DOWNLOAD_HANDLERS = {"file": None, "data": None, "ftp": None, "s3": None}
TWISTED_DNS_RESOLVER = "crawler.guard.GuardedResolver"

DOWNLOADER_MIDDLEWARES = {
    "crawler.guard.AddressGuardMiddleware": 50,
    "scrapy.downloadermiddlewares.robotstxt.RobotsTxtMiddleware": None,
    "crawler.middlewares.RobotsTxtMiddleware": 100,  # RFC 9309: unreachable means disallow
    "crawler.middlewares.StoredArticleFilter": 540,
    "crawler.middlewares.RetryAfterMiddleware": 555,  # sees 429/503 before RetryMiddleware (550)
    "crawler.middlewares.ConditionalGetMiddleware": 560,
}

ITEM_PIPELINES = {
    "pipelines.extract.ExtractPipeline": 100,
    "pipelines.validate.ValidatePipeline": 150,
    "pipelines.normalize.NormalizePipeline": 200,
    "pipelines.dedup.DedupPipeline": 300,
    "pipelines.classify.ClassifyPipeline": 400,
    "pipelines.store.StorePipeline": 500,
}

EXTENSIONS = {
    "crawler.extensions.CrawlRunRecorder": 500,
    "crawler.extensions.PromptIdleCheck": 510,
    "crawler.extensions.ReactorLagMonitor": 520,
    "crawler.memory.HeapKeeper": 530,
}

# newsmon's own settings (environment variables override the defaults)
NEWSMON_DATABASE_URL = os.environ.get("NEWSMON_DATABASE_URL", "sqlite:///var/newsmon.db")
NEWSMON_SOURCES = os.environ.get("NEWSMON_SOURCES", "")
NEWSMON_EXTRACT_WORKERS = int(os.environ.get("NEWSMON_EXTRACT_WORKERS", "0"))  # 0: one per core
NEWSMON_STORE_BATCH_SIZE = 100
NEWSMON_STORE_FLUSH_SECONDS = 2.0
NEWSMON_RETRY_AFTER_MAX = 60.0  # a longer Retry-After: leave that page to the next crawl
NEWSMON_FEED_MAX_ENTRIES = 5000  # a feed's entries beyond this are counted, not read
NEWSMON_KEEP_RAW_HTML = True
NEWSMON_MIN_TEXT_LENGTH = 50
# the per-crawl memories (URLs and texts just passed, stored-URL answers) keep this many
# latest entries, so memory stays flat on a long crawl; the database answers for older ones
NEWSMON_RECENT_CACHE_SIZE = int(os.environ.get("NEWSMON_RECENT_CACHE_SIZE", "5000"))
# pending requests in disk queues (a temporary JOBDIR when the crawl has none)
NEWSMON_QUEUE_ON_DISK = True
# glibc heap: one malloc arena (0: glibc's default of 8 per core) and free pages handed
# back every 30 s (0: never), so freed page buffers do not pile up (crawler/memory.py)
NEWSMON_MALLOC_ARENA_MAX = int(os.environ.get("NEWSMON_MALLOC_ARENA_MAX", "1"))
NEWSMON_MALLOC_TRIM_SECONDS = float(os.environ.get("NEWSMON_MALLOC_TRIM_SECONDS", "30"))
NEWSMON_TAXONOMY = os.environ.get("NEWSMON_TAXONOMY", "")  # empty: config/taxonomy.yaml
NEWSMON_CLASSIFIER_MODEL = os.environ.get("NEWSMON_CLASSIFIER_MODEL", "")
NEWSMON_IRRELEVANT = os.environ.get("NEWSMON_IRRELEVANT", "flag")  # or "drop"
# the shared frontier and near-duplicate index when scaling out (see docs/deploy.md)
NEWSMON_REDIS_URL = os.environ.get("NEWSMON_REDIS_URL", "")
