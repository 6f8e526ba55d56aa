"""The daemon behind `scheduler.py` and `newsmon daemon`: schedules crawls, the digest and
housekeeping; runs each crawl as a child process; one daemon per database."""
