"""Scrapy settings of the project (scrapy.cfg points here); the CLI starts from the same ones."""

from __future__ import annotations

from scrapy.settings import default_settings

from aggregator.settings import Settings

_settings = Settings.from_env()

BOT_NAME = "syndication-aggregator"
SPIDER_MODULES = ["spiders"]
NEWSPIDER_MODULE = "spiders"

USER_AGENT = _settings.user_agent
ROBOTSTXT_OBEY = True

# Politeness: a few requests per host at a time, adapted to the server's latency.
CONCURRENT_REQUESTS = 16
# Items a response yields are handed to the pipeline's writer thread at once; Scrapy starts one
# task per allowed concurrent item for every response, so a small number saves that work.
CONCURRENT_ITEMS = 8
# Waiting requests on disk, in a folder of the crawl's own: memory does not grow with the web.
SCHEDULER = "aggregator.crawl.scheduler.DiskQueueScheduler"
# ... except the first few thousand, kept in memory (a few MB), which spares most requests the disk.
AGGREGATOR_QUEUE_IN_MEMORY = 2000
CONCURRENT_REQUESTS_PER_DOMAIN = _settings.concurrency_per_host
AUTOTHROTTLE_ENABLED = True
AUTOTHROTTLE_START_DELAY = 0.0
AUTOTHROTTLE_TARGET_CONCURRENCY = float(_settings.concurrency_per_host)
DOWNLOAD_DELAY = 0.0
DOWNLOAD_TIMEOUT = _settings.download_timeout
DOWNLOAD_MAXSIZE = _settings.max_body_size
DOWNLOAD_WARNSIZE = 0
RETRY_TIMES = 2
# A proxy's refusal to open a tunnel (an https URL through a plain HTTP proxy) is an answer,
# not a transient failure: retrying it only hammers the proxy.
RETRY_EXCEPTIONS = [e for e in default_settings.RETRY_EXCEPTIONS if not str(e).endswith("TunnelError")]
HTTPPROXY_ENABLED = True  # honours http_proxy / https_proxy / no_proxy
# Redirects: at most 5 hops; a loop or a longer chain is recorded with its chain (crawl/redirects.py).
REDIRECT_MAX_TIMES = 5
# A body cut short is handed over flagged, then retried or recorded with its sizes (crawl/truncation.py).
DOWNLOAD_FAIL_ON_DATALOSS = False
DOWNLOADER_MIDDLEWARES = {
    # First of all (before robots.txt, retries, redirects and the proxy): every request and
    # every redirect hop is judged by its target host (aggregator.crawl.guard).
    "aggregator.crawl.guard.NetworkGuardMiddleware": 50,
    "scrapy.downloadermiddlewares.httpproxy.HttpProxyMiddleware": None,
    "aggregator.crawl.transport.CachingHttpProxyMiddleware": 750,
    # robots.txt per RFC 9309: 4xx allows all, 5xx or no answer holds the host back (crawl/robots.py).
    "scrapy.downloadermiddlewares.robotstxt.RobotsTxtMiddleware": None,
    "aggregator.crawl.robots.Rfc9309RobotsTxtMiddleware": 100,
    "scrapy.downloadermiddlewares.redirect.RedirectMiddleware": None,
    "aggregator.crawl.redirects.ChainCheckedRedirectMiddleware": 600,
    "scrapy.downloadermiddlewares.redirect.MetaRefreshMiddleware": None,
    "aggregator.crawl.redirects.ChainCheckedMetaRefreshMiddleware": 580,
    # Before decompression (590): sizes on the wire.
    "aggregator.crawl.truncation.TruncatedBodyMiddleware": 595,
}
DOWNLOAD_HANDLERS = {
    "http": "aggregator.crawl.transport.PooledHTTPDownloadHandler",
    "https": "aggregator.crawl.transport.PooledHTTPDownloadHandler",
}
# Direct connections are judged again by the address they are about to use (DNS rebinding).
TWISTED_DNS_RESOLVER = "aggregator.crawl.guard.GuardedResolver"
COOKIES_ENABLED = False
# No server of any kind in a crawl: neither the telnet console nor the remote-control HTTP API.
TELNETCONSOLE_ENABLED = False
REMOTE_CONTROL_ENABLED = False
LOG_LEVEL = "INFO"

ITEM_PIPELINES = {"aggregator.crawl.pipeline.StoragePipeline": 300}
EXTENSIONS = {
    "aggregator.crawl.extension.ProcessWhileCrawling": 500,
    "aggregator.crawl.progress.CrawlProgressExtension": 510,
    "scrapy.extensions.telnet.TelnetConsole": None,
    # Quick 404s lower a host's delay like 200s do: dead links must not stall a crawl (crawl/throttle.py).
    "scrapy.extensions.throttle.AutoThrottle": None,
    "aggregator.crawl.throttle.AnswerAwareAutoThrottle": 0,
}

AGGREGATOR_DATABASE_URL = _settings.database_url
AGGREGATOR_ALLOW_PRIVATE_NETWORKS = _settings.allow_private_networks
AGGREGATOR_PROCESS_JOBS = 0  # 0: one process per core
AGGREGATOR_PROCESS = True  # False: fetch only, pages stay waiting for processing (queued jobs)
AGGREGATOR_PROCESS_WHILE_CRAWLING = True  # False: process once the crawl has fetched everything
AGGREGATOR_PROGRESS = None  # a progress reporter (aggregator.crawl.progress), set by `aggregator crawl`
AGGREGATOR_MAX_LISTING_PAGES = 50
AGGREGATOR_MIN_POLL_MINUTES = _settings.min_poll_minutes
AGGREGATOR_MAX_POLL_HOURS = _settings.max_poll_hours
AGGREGATOR_MAX_BACKOFF_HOURS = _settings.max_poll_hours

REQUEST_FINGERPRINTER_IMPLEMENTATION = "2.7"
TWISTED_REACTOR = "twisted.internet.asyncioreactor.AsyncioSelectorReactor"
FEED_EXPORT_ENCODING = "utf-8"
