"""Child processes (crawls, the digest): a wall-clock limit each, and a clean stop for all.

A child is stopped the way Scrapy expects: SIGTERM (the spider closes, pipelines flush,
the crawl run is recorded), a second SIGTERM if it is still there after a while (Scrapy
then stops at once), and SIGKILL only as the last resort.
"""

from __future__ import annotations

import contextlib
import logging
import signal
import subprocess
import sys
import threading
import time
from dataclasses import dataclass
from datetime import UTC, datetime

logger = logging.getLogger(__name__)

FORCED_STOP_WAIT = 5.0  # after the second SIGTERM, before SIGKILL


@dataclass
class ChildResult:
    name: str
    pid: int
    started_at: datetime
    returncode: int
    status: str  # finished, crashed, timeout, shutdown, killed


class _Child:
    def __init__(self, name: str, process: subprocess.Popen[bytes], started_at: datetime) -> None:
        self.name = name
        self.process = process
        self.started_at = started_at
        self.stopped_for: str | None = None  # why we stopped it: timeout or shutdown
        self.killed = False


class Children:
    """The daemon's running children; thread-safe, since each job runs in its own thread."""

    def __init__(self, stop_timeout: float) -> None:
        self.stop_timeout = stop_timeout
        self._lock = threading.Lock()
        self._running: dict[int, _Child] = {}
        self._accepting = True
        self._changed = threading.Condition(self._lock)

    def run(self, name: str, argv: list[str], timeout: float,
            env: dict[str, str] | None = None) -> ChildResult | None:
        """Run a child to its end (or its time limit); None once the daemon is stopping."""
        with self._lock:
            if not self._accepting:
                logger.info("%s: not started, the daemon is stopping", name)
                return None
            started_at = datetime.now(UTC)
            # a session of its own: Ctrl-C in the daemon's terminal must not reach the
            # children directly; the daemon decides when and how they stop
            process = subprocess.Popen(argv, stdout=sys.stderr.fileno(), env=env,
                                       start_new_session=True)
            child = _Child(name, process, started_at)
            self._running[process.pid] = child
        logger.info("%s: started child pid %d", name, process.pid)
        try:
            try:
                process.wait(timeout=timeout or None)
            except subprocess.TimeoutExpired:
                logger.warning("%s: pid %d exceeded its %.0fs limit; stopping it",
                               name, process.pid, timeout)
                child.stopped_for = child.stopped_for or "timeout"
                self._stop(child)
        finally:
            with self._changed:
                self._running.pop(process.pid, None)
                self._changed.notify_all()
        returncode = process.returncode
        if child.killed:
            status = "killed"
        elif child.stopped_for:
            status = child.stopped_for
        else:
            status = "finished" if returncode == 0 else "crashed"
        log = logger.info if status == "finished" else logger.warning
        log("%s: pid %d ended (%s, exit code %s)", name, process.pid, status, returncode)
        return ChildResult(name, process.pid, started_at, returncode, status)

    def _stop(self, child: _Child) -> None:
        process = child.process
        for attempt, wait in enumerate((self.stop_timeout, min(FORCED_STOP_WAIT, self.stop_timeout))):
            if process.poll() is not None:
                return
            if attempt:
                logger.warning("%s: pid %d still running; forcing it", child.name, process.pid)
            _signal(process, signal.SIGTERM)
            try:
                process.wait(timeout=wait)
                return
            except subprocess.TimeoutExpired:
                pass
        logger.error("%s: pid %d does not stop; killing it", child.name, process.pid)
        child.killed = True
        _signal(process, signal.SIGKILL)
        process.wait()

    def stop_all(self, grace: float, force: threading.Event) -> None:
        """Accept no new children; let running ones finish within `grace` seconds (or until
        `force` is set), then stop the rest and wait for them."""
        deadline = time.monotonic() + grace
        with self._changed:
            self._accepting = False
            if self._running:
                logger.info("waiting up to %.0fs for %d running child(ren): %s", grace,
                            len(self._running), ", ".join(c.name for c in self._running.values()))
            while self._running and not force.is_set():
                left = deadline - time.monotonic()
                if left <= 0:
                    break
                self._changed.wait(min(left, 0.2))
            remaining = list(self._running.values())
        for child in remaining:
            child.stopped_for = "shutdown"
        stoppers = [threading.Thread(target=self._stop, args=(c,), daemon=True) for c in remaining]
        for thread in stoppers:
            thread.start()
        for thread in stoppers:
            thread.join()

    def count(self) -> int:
        with self._lock:
            return len(self._running)


def _signal(process: subprocess.Popen[bytes], signum: int) -> None:
    # send_signal skips a child already reaped, whose pid may belong to another process now
    with contextlib.suppress(ProcessLookupError):
        process.send_signal(signum)
