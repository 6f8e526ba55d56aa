"""newsmon's own Scrapy signals."""

# A request is finished without an item: its callback's links are queued, or its errback
# counted the final failure. The Redis frontier acknowledges the request's lease then.
request_finished = object()
