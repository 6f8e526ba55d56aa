"""The daemon: lock the database, schedule the jobs, react to signals, stop cleanly.

Signals: SIGTERM/SIGINT stop taking new jobs, let running crawls finish within
NEWSMON_SHUTDOWN_GRACE seconds, then stop them (a second signal skips the grace);
SIGHUP re-reads the sources registry and reschedules (a broken file keeps the old one).
"""

from __future__ import annotations

import logging
import os
import signal
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path
from types import FrameType

from apscheduler.executors.pool import ThreadPoolExecutor
from apscheduler.schedulers.background import BackgroundScheduler
from apscheduler.triggers.cron import CronTrigger

from crawler.sources import Registry, SourcesError, load_sources
from newsmon.daemon.children import Children
from newsmon.daemon.lock import DaemonLock, DaemonLockError
from newsmon.daemon.plan import CrawlJobSpec, first_runs, make_trigger, plan_crawl_jobs
from newsmon.daemon.settings import DaemonSettings
from newsmon.daemon.upkeep import digest_is_overdue, run_housekeeping
from storage.db import Database, DatabaseError
from storage.schedule import close_abandoned_runs, close_child_runs, last_finished_runs

logger = logging.getLogger(__name__)

REPO_ROOT = Path(__file__).resolve().parents[2]
EXIT_OK, EXIT_FAILED, EXIT_USAGE = 0, 1, 2


class Daemon:
    def __init__(self, db_url: str, sources_file: Path, settings: DaemonSettings) -> None:
        self.db_url = db_url
        self.sources_file = sources_file
        self.settings = settings
        self.children = Children(settings.child_stop_timeout)
        self.stopping = threading.Event()
        self.force = threading.Event()
        self.reload_requested = threading.Event()
        self.db: Database | None = None
        self.registry: Registry | None = None
        self.scheduler: BackgroundScheduler | None = None
        self._active_jobs = 0
        self._crawling: set[str] = set()  # source ids whose crawl child is running
        self._jobs_changed = threading.Condition()

    # -- life cycle ------------------------------------------------------------------
    def run(self) -> int:
        try:
            self.db = Database(self.db_url)
        except DatabaseError as exc:
            logger.error("%s", exc)
            return EXIT_USAGE
        lock = DaemonLock(self.db)
        try:
            lock.acquire()
        except DaemonLockError as exc:
            logger.error("%s", exc)
            return EXIT_FAILED
        except Exception as exc:  # e.g. the server is down
            logger.error("cannot lock %s: %s", self.db.safe_url, exc)
            return EXIT_USAGE
        try:
            try:
                self.db.migrate()  # under the lock: two daemons never migrate at once
            except DatabaseError as exc:
                logger.error("%s", exc)
                return EXIT_USAGE
            try:
                self.registry = load_sources(self.sources_file)
            except SourcesError as exc:
                logger.error("cannot start: %s", exc)
                return EXIT_USAGE
            return self._serve()
        finally:
            lock.release()
            self.db.dispose()

    def _serve(self) -> int:
        assert self.db is not None and self.registry is not None
        abandoned = close_abandoned_runs(
            self.db, datetime.now(UTC) - timedelta(seconds=2 * self.settings.crawl_timeout + 60))
        if abandoned:
            logger.info("marked %d crawl run(s) left 'running' by dead processes as abandoned", abandoned)
        self._install_signals()
        self.scheduler = BackgroundScheduler(
            timezone=self.settings.timezone,
            # crawls have threads of their own, so many due crawls never hold up the digest
            executors={"default": ThreadPoolExecutor(2),
                       "crawls": ThreadPoolExecutor(self.settings.max_parallel_crawls)},
            job_defaults={"coalesce": True, "max_instances": 1,
                          "misfire_grace_time": int(self.settings.misfire_grace) or None},
        )
        self._apply_plan(self.registry)
        self._schedule_upkeep()
        self.scheduler.start()
        logger.info("newsmon daemon pid %d running on %s with %d source(s) from %s",
                    os.getpid(), self.db.safe_url, len(self.registry.select()), self.sources_file)
        while not self.stopping.wait(0.5):
            if self.reload_requested.is_set():
                self.reload_requested.clear()
                self.reload()
        self._shutdown()
        return EXIT_OK

    def _shutdown(self) -> None:
        assert self.scheduler is not None
        logger.info("stopping: no new jobs; running crawls get %.0fs to finish",
                    self.settings.shutdown_grace)
        self.scheduler.shutdown(wait=False)
        self.children.stop_all(self.settings.shutdown_grace, self.force)
        # let each job record how its child ended before the lock is let go
        with self._jobs_changed:
            self._jobs_changed.wait_for(lambda: self._active_jobs == 0,
                                        timeout=self.settings.child_stop_timeout + 30)
        logger.info("newsmon daemon stopped")

    def _install_signals(self) -> None:
        def stop(signum: int, _frame: FrameType | None) -> None:
            if self.stopping.is_set():
                logger.warning("%s again: stopping running crawls now",
                               signal.Signals(signum).name)
                self.force.set()
            self.stopping.set()

        def reload(_signum: int, _frame: FrameType | None) -> None:
            self.reload_requested.set()

        signal.signal(signal.SIGTERM, stop)
        signal.signal(signal.SIGINT, stop)
        signal.signal(signal.SIGHUP, reload)

    # -- scheduling ------------------------------------------------------------------
    def reload(self) -> None:
        try:
            registry = load_sources(self.sources_file)
        except SourcesError as exc:
            logger.error("SIGHUP: keeping the previous sources; %s", exc)
            return
        self.registry = registry
        logger.info("SIGHUP: re-read %s (%d enabled sources)", self.sources_file,
                    len(registry.select()))
        self._apply_plan(registry)

    def _apply_plan(self, registry: Registry) -> None:
        """(Re)schedule one job per (group, schedule); unchanged jobs keep their timing."""
        assert self.scheduler is not None and self.db is not None
        specs = {spec.job_id: spec for spec in plan_crawl_jobs(registry)}
        for job in self.scheduler.get_jobs():
            if job.id.startswith("crawl:") and job.id not in specs:
                job.remove()
                logger.info("job %s removed (no enabled sources left in it)", job.id)
        all_ids = [i for spec in specs.values() for i in spec.source_ids]
        now = datetime.now(UTC)
        last = {i: (run.started_at if run else None)
                for i, run in last_finished_runs(self.db, all_ids).items()}
        with self._jobs_changed:
            # a source being crawled right now is not overdue: no second crawl beside it
            last.update(dict.fromkeys(self._crawling & set(all_ids), now))
        for spec in specs.values():
            existing = self.scheduler.get_job(spec.job_id)
            if existing is not None and existing.args == (spec,):
                continue
            first, catch_up = first_runs(spec, last, now)
            trigger = make_trigger(spec.schedule, spec.timezone,
                                   first if spec.interval_seconds is not None else None)
            self.scheduler.add_job(self._crawl, trigger, args=(spec,), id=spec.job_id,
                                   name=spec.job_id, next_run_time=first, replace_existing=True,
                                   executor="crawls")
            logger.info("job %s (%s): %s, first run %s", spec.job_id, ", ".join(spec.source_ids),
                        spec.schedule, self._when(first, now))
            if catch_up:
                once = replace(spec, job_id=f"catch-up:{spec.job_id}", source_ids=catch_up)
                self.scheduler.add_job(self._crawl, "date", run_date=now, args=(once,),
                                       id=once.job_id, name=once.job_id, replace_existing=True,
                                       executor="crawls")
                logger.info("job %s: %s overdue, crawled once now", once.job_id, ", ".join(catch_up))

    def _when(self, moment: datetime, now: datetime) -> str:
        if moment <= now:
            return "now (overdue)"
        return moment.astimezone(self.settings.timezone).isoformat(timespec="seconds")

    def _schedule_upkeep(self) -> None:
        assert self.scheduler is not None and self.db is not None
        tz = self.settings.timezone
        digest_time = self.settings.digest_time
        if digest_time is not None:
            trigger = CronTrigger(hour=digest_time.hour, minute=digest_time.minute, timezone=tz)
            overdue = digest_is_overdue(self.db, digest_time, tz)
            self.scheduler.add_job(self._digest, trigger, id="digest", name="digest",
                                   misfire_grace_time=3600,
                                   **({"next_run_time": datetime.now(UTC)} if overdue else {}))
            logger.info("digest daily at %s %s%s", digest_time.strftime("%H:%M"), tz.key,
                        " (today's is overdue: sending now)" if overdue else "")
        if self.settings.housekeeping_time is not None:
            at = self.settings.housekeeping_time
            self.scheduler.add_job(self._housekeeping,
                                   CronTrigger(hour=at.hour, minute=at.minute, timezone=tz),
                                   id="housekeeping", name="housekeeping", misfire_grace_time=3600)

    # -- jobs (run in the scheduler's worker threads) ---------------------------------
    def _newsmon_argv(self, *args: str) -> list[str]:
        return [sys.executable, "-m", "newsmon", "--db", self.db_url,
                "--sources-file", str(self.sources_file), *args]

    def _child_env(self) -> dict[str, str]:
        env = dict(os.environ)
        env["PYTHONPATH"] = os.pathsep.join(p for p in (str(REPO_ROOT), env.get("PYTHONPATH")) if p)
        return env

    @contextmanager
    def _job(self) -> Iterator[None]:
        with self._jobs_changed:
            self._active_jobs += 1
        try:
            yield
        finally:
            with self._jobs_changed:
                self._active_jobs -= 1
                self._jobs_changed.notify_all()

    def _crawl(self, spec: CrawlJobSpec) -> None:
        if self.stopping.is_set() or self.db is None:
            return
        with self._jobs_changed:
            self._crawling.update(spec.source_ids)
        try:
            with self._job():
                self._run_crawl(spec, self.db)
        finally:
            with self._jobs_changed:
                self._crawling.difference_update(spec.source_ids)

    def _run_crawl(self, spec: CrawlJobSpec, db: Database) -> None:
        if self.settings.redis_url:
            self._seed(spec, db, self.settings.redis_url)
            return
        argv = self._newsmon_argv("crawl", "--sources", ",".join(spec.source_ids))
        for setting in self.settings.crawl_settings:
            argv += ["--setting", setting]
        result = self.children.run(spec.job_id, argv, self.settings.crawl_timeout, self._child_env())
        if result is None or result.status == "finished":
            return
        # the child records its own run when it can (also when stopped with SIGTERM);
        # what it left 'running', or never recorded, is recorded here with the reason
        closed = close_child_runs(db, pid=result.pid, since=result.started_at,
                                  sources=list(spec.source_ids), status=result.status)
        if closed:
            logger.warning("%s: recorded %d crawl run(s) as %s; retried at the next slot",
                           spec.job_id, closed, result.status)

    def _seed(self, spec: CrawlJobSpec, db: Database, redis_url: str) -> None:
        """Scale-out mode: queue the sources' start requests in the shared frontier for
        the `newsmon worker` processes; recorded as a crawl run of spider 'seed', so the
        schedule and the catch-up after downtime hold as in single-machine mode."""
        from crawler.frontier import Frontier
        from newsmon.distributed import seed_frontier
        from storage.runs import finish_crawl_run, start_crawl_run

        assert self.registry is not None
        sources = [s for s in self.registry.sources if s.id in spec.source_ids]
        run_id = start_crawl_run(db, "seed", list(spec.source_ids), os.getpid())
        try:
            queued, skipped = seed_frontier(Frontier.from_url(redis_url), sources)
        except Exception as exc:  # Redis down: recorded, retried at the next slot
            logger.error("%s: seeding failed: %s", spec.job_id, exc)
            finish_crawl_run(db, run_id, status="failed", pages=0, items_stored=0, dropped={},
                             errors=1, per_source={})
            return
        logger.info("%s: queued %d start request(s) (%d already waiting)", spec.job_id, queued, skipped)
        finish_crawl_run(db, run_id, status="finished", pages=0, items_stored=0, dropped={},
                         errors=0, per_source={s: {"seeded": queued} for s in spec.source_ids})

    def _digest(self) -> None:
        """The digest runs as `newsmon digest --send` in a child: the same time limit and
        clean stop as a crawl, and the digest's own record keeps a date from being sent twice."""
        if self.stopping.is_set():
            return
        with self._job():
            self.children.run("digest", self._newsmon_argv("digest", "--send"),
                              self.settings.crawl_timeout, self._child_env())

    def _housekeeping(self) -> None:
        if self.stopping.is_set() or self.db is None:
            return
        with self._job():
            run_housekeeping(self.db, self.settings.raw_retention_days)


def configure_logging(verbosity: int) -> None:
    """Timestamped logs on stderr (the daemon's journal)."""
    logging.basicConfig(level=logging.DEBUG if verbosity else logging.INFO, stream=sys.stderr,
                        format="%(asctime)s %(levelname)s %(name)s: %(message)s", force=True)
    if not verbosity:
        # APScheduler and Alembic log routine steps at INFO; the daemon logs what matters itself
        for name in ("apscheduler", "alembic"):
            logging.getLogger(name).setLevel(logging.WARNING)


def run_daemon(db_url: str, sources_file: Path, settings: DaemonSettings | None = None) -> int:
    return Daemon(db_url, sources_file, settings or DaemonSettings.from_env()).run()
