"""The spool: a durable local queue for articles the database would not take.

When the database is away (server down, file locked past the busy timeout, read-only),
the store stage appends the batch here instead of losing it, and writes the spool back
at its next successful batch, at spider close, or at the next crawl's start. Writing is
idempotent (ON CONFLICT DO NOTHING on the canonical URL), so a spool written twice (a
crash between the write and the truncation) still ends in one row per article.

Format: one JSON object per line (an `ArticleItem`), appended and fsync'ed; a line cut
short by a crash is skipped with a warning, every complete line is kept.
"""

from __future__ import annotations

import base64
import dataclasses
import hashlib
import json
import logging
import os
import threading
from collections.abc import Callable, Sequence
from datetime import datetime
from pathlib import Path
from typing import Any

from sqlalchemy.engine import make_url

from crawler.items import ArticleItem, CategoryScore

logger = logging.getLogger(__name__)


def default_spool_path(db_url: str, spool_dir: str | None = None) -> Path:
    """Beside a SQLite file (`var/newsmon.db` → `var/spool/newsmon.jsonl`); for a server
    database, `var/spool/<backend>-<hash of the URL>.jsonl` under the working directory."""
    url = make_url(db_url)
    name = f"{url.get_backend_name()}-{hashlib.sha1(url.render_as_string().encode()).hexdigest()[:12]}"
    folder = Path(spool_dir) if spool_dir else Path("var") / "spool"
    if url.get_backend_name() == "sqlite" and url.database and url.database != ":memory:":
        database = Path(url.database)
        folder = Path(spool_dir) if spool_dir else database.parent / "spool"
        name = database.stem
    return folder / f"{name}.jsonl"


def _encode(value: Any) -> Any:
    if isinstance(value, datetime):
        return {"$dt": value.isoformat()}
    if isinstance(value, bytes):
        return {"$b64": base64.b64encode(value).decode("ascii")}
    if isinstance(value, list):
        return [_encode(v) for v in value]
    if isinstance(value, dict):
        return {k: _encode(v) for k, v in value.items()}
    return value


def _decode(value: Any) -> Any:
    if isinstance(value, dict):
        if set(value) == {"$dt"}:
            return datetime.fromisoformat(value["$dt"])
        if set(value) == {"$b64"}:
            return base64.b64decode(value["$b64"])
        return {k: _decode(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_decode(v) for v in value]
    return value


def item_to_line(item: ArticleItem) -> str:
    return json.dumps(_encode(dataclasses.asdict(item)), ensure_ascii=False)


def item_from_line(line: str) -> ArticleItem:
    fields = _decode(json.loads(line))
    fields["categories"] = [CategoryScore(**c) for c in fields.get("categories", [])]
    return ArticleItem(**fields)


class Spool:
    """Append-only JSONL of articles waiting for the database; safe across threads."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._lock = threading.Lock()

    def append(self, items: Sequence[ArticleItem]) -> None:
        if not items:
            return
        self.path.parent.mkdir(parents=True, exist_ok=True)
        data = "".join(item_to_line(item) + "\n" for item in items).encode("utf-8")
        with self._lock, open(self.path, "ab") as spool:
            spool.write(data)
            spool.flush()
            os.fsync(spool.fileno())

    def __len__(self) -> int:
        try:
            with open(self.path, "rb") as spool:
                return sum(1 for line in spool if line.endswith(b"\n"))
        except FileNotFoundError:
            return 0

    def load(self) -> list[ArticleItem]:
        items: list[ArticleItem] = []
        try:
            text = self.path.read_text(encoding="utf-8")
        except FileNotFoundError:
            return items
        for number, line in enumerate(text.splitlines(keepends=True), start=1):
            if not line.endswith("\n"):
                logger.warning("%s: line %d was cut short (a crash while spooling); skipped",
                               self.path, number)
                continue
            try:
                items.append(item_from_line(line))
            except (ValueError, TypeError) as exc:
                logger.warning("%s: line %d unreadable, skipped: %s", self.path, number, exc)
        return items

    def drain(self, write: Callable[[list[ArticleItem]], Any], batch_size: int = 100) -> int:
        """Write every spooled article with `write`, then empty the spool; the count written.

        If `write` fails the spool is left whole (written again next time: idempotent).
        """
        with self._lock:
            items = self.load()
            if not items:
                return 0
            for start in range(0, len(items), batch_size):
                write(items[start:start + batch_size])
            self.path.unlink(missing_ok=True)
        logger.info("wrote %d spooled articles from %s", len(items), self.path)
        return len(items)
