"""One digest run: select → render → (write HTML) → claim the date → send → record.

The date is claimed in the database before SMTP is touched ('sending') and marked 'sent'
after, so a date is sent once even across restarts; see storage.digest.claim_digest_run
for how a run left 'sending' by a crashed process is taken over.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from email.utils import make_msgid, parseaddr
from pathlib import Path

from digest.config import DigestConfig, parse_recipients
from digest.render import build_message, render_html, subject
from digest.select import Digest, daily_window, default_digest_date, select_digest, since_window
from digest.send import SendError, send_message
from storage.db import Database
from storage.digest import claim_digest_run, finish_digest_run
from storage.health import SourceLike

logger = logging.getLogger(__name__)

# Longer than the worst case of one send with retries (attempts × timeout + backoff), so a
# run still 'sending' after this was left by a crashed process.
STALE_SENDING = timedelta(minutes=10)


@dataclass(frozen=True)
class DigestResult:
    """What a run did. `status`: "sent", "skipped" (already sent or being sent),
    "empty" (nothing new and NEWSMON_DIGEST_SEND_EMPTY=0), "rendered" (not asked to send)
    or "failed" (`reason` says why)."""

    status: str
    digest: Digest
    subject: str
    recipients: tuple[str, ...] = ()
    message_id: str | None = None
    run_id: int | None = None
    reason: str | None = None
    attempts: int = 0
    out: Path | None = None

    @property
    def sent(self) -> bool:
        return self.status == "sent"

    @property
    def ok(self) -> bool:
        """False only when a send was asked for and did not happen for a bad reason."""
        return self.status != "failed"


def _registry_sources() -> tuple[Sequence[SourceLike], dict[str, str]]:
    from crawler.sources import SourcesError, load_sources

    try:
        registry = load_sources()
    except SourcesError as exc:
        logger.warning("digest: no sources registry (%s); showing source ids", exc)
        return (), {}
    return registry.select(), {s.id: s.name for s in registry.sources}


def _message_domain(sender: str) -> str:
    address = parseaddr(sender)[1]
    return address.rpartition("@")[2] or "newsmon.local"


def run_digest(
    db: Database,
    *,
    date: date | str | None = None,
    since: datetime | None = None,
    send: bool = True,
    to: Sequence[str] | None = None,
    force: bool = False,
    out: str | Path | None = None,
    config: DigestConfig | None = None,
    sources: Sequence[SourceLike] | None = None,
    source_names: dict[str, str] | None = None,
    now: datetime | None = None,
    sleep: Callable[[float], None] = time.sleep,
) -> DigestResult:
    """Build the digest of `date` (default: the latest digest time) or of [since, now).

    `sources` (crawler.sources.Source objects) feed the health section and `source_names`
    the display names; both default to the sources registry. Raises DigestConfigError for
    unusable settings; every delivery problem is a "failed" result instead.
    """
    config = config or DigestConfig.from_env()
    now = now or datetime.now(UTC)
    if since is not None:
        window = since_window(since, now, config)
    else:
        day = datetime.strptime(date, "%Y-%m-%d").date() if isinstance(date, str) else date
        window = daily_window(day or default_digest_date(now, config), config)
    if sources is None or source_names is None:
        loaded_sources, loaded_names = _registry_sources()
        sources = loaded_sources if sources is None else sources
        source_names = loaded_names if source_names is None else source_names
    digest = select_digest(db, window, config, sources=sources,
                           source_names=source_names, now=now)
    title = subject(digest)
    out_path = Path(out) if out else None
    if out_path:
        out_path.parent.mkdir(parents=True, exist_ok=True)
        out_path.write_text(render_html(digest), encoding="utf-8")
    if not send:
        return DigestResult("rendered", digest, title, out=out_path)
    recipients = parse_recipients(list(to), "--to") if to else config.recipients
    if not recipients:
        return DigestResult("failed", digest, title, out=out_path,
                            reason="no recipients: set NEWSMON_DIGEST_TO or pass --to")
    if digest.count == 0 and not config.send_empty:
        return DigestResult("empty", digest, title, recipients, out=out_path,
                            reason="nothing new and NEWSMON_DIGEST_SEND_EMPTY=0")
    claim = claim_digest_run(
        db, window.label, message_id=make_msgid("digest", domain=_message_domain(config.sender)),
        recipients=list(recipients), article_count=digest.count, now=now, force=force,
        stale_after=STALE_SENDING,
    )
    if claim.run_id is None:
        return DigestResult("skipped", digest, title, recipients, claim.message_id,
                            reason=claim.skipped, out=out_path)
    if claim.resumed:
        logger.warning("digest: taking over the digest of %s left 'sending' by a stopped "
                       "process; re-using Message-ID %s", window.label, claim.message_id)
    assert claim.message_id is not None
    message = build_message(digest, sender=config.sender, recipients=list(recipients),
                            message_id=claim.message_id, now=now)
    try:
        report = send_message(message, config.smtp, sleep=sleep)
    except SendError as exc:
        finish_digest_run(db, claim.run_id, status="failed", finished_at=datetime.now(UTC),
                          error=str(exc))
        logger.error("digest: the digest of %s was not sent: %s", window.label, exc)
        return DigestResult("failed", digest, title, recipients, claim.message_id, claim.run_id,
                            reason=str(exc), attempts=exc.attempts, out=out_path)
    except BaseException as exc:
        finish_digest_run(db, claim.run_id, status="failed", finished_at=datetime.now(UTC),
                          error=f"{type(exc).__name__}: {exc}")
        raise
    note = ("refused: " + "; ".join(f"{a} ({r})" for a, r in report.refused.items())
            if report.refused else None)
    finish_digest_run(db, claim.run_id, status="sent", finished_at=datetime.now(UTC), error=note)
    logger.info("digest: sent the digest of %s (%d stories) to %d recipient(s)",
                window.label, digest.count, len(recipients))
    return DigestResult("sent", digest, title, recipients, claim.message_id, claim.run_id,
                        reason=note, attempts=report.attempts, out=out_path)
