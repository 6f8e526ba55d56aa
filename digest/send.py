"""Send: deliver a message over SMTP, retrying transient failures with exponential backoff.

Transient: connection refused/reset/timed out, a dropped connection, any 4xx reply.
Permanent: 5xx replies (bad sender, unknown recipients, authentication refused), TLS
certificate errors. The password is passed to the server and to nothing else.
"""

from __future__ import annotations

import logging
import smtplib
import ssl
import time
from collections.abc import Callable
from dataclasses import dataclass
from email.message import EmailMessage

from digest.config import SmtpConfig

logger = logging.getLogger(__name__)


class SendError(Exception):
    """The message was not delivered; `transient` tells whether a later retry may work."""

    def __init__(self, message: str, *, transient: bool, attempts: int) -> None:
        super().__init__(message)
        self.transient = transient
        self.attempts = attempts


@dataclass(frozen=True)
class SendReport:
    attempts: int
    refused: dict[str, str]  # recipients the server refused while accepting the others


def _reply_code(exc: BaseException) -> int | None:
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        codes = [code for code, _ in exc.recipients.values()]
        # retry only if every refusal was temporary
        return max(codes) if codes else None
    code = getattr(exc, "smtp_code", None)
    return code if isinstance(code, int) else None


def is_transient(exc: BaseException) -> bool:
    if isinstance(exc, ssl.SSLCertVerificationError):
        return False
    code = _reply_code(exc)
    if code is not None and code > 0:
        return 400 <= code < 500
    if isinstance(exc, smtplib.SMTPServerDisconnected):
        return True
    # other SMTPExceptions without a reply code (e.g. STARTTLS not supported) will not heal
    return isinstance(exc, OSError) and not isinstance(exc, smtplib.SMTPException)


def describe(exc: BaseException) -> str:
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        return "all recipients refused: " + "; ".join(
            f"{addr}: {code} {_text(msg)}" for addr, (code, msg) in exc.recipients.items())
    code = _reply_code(exc)
    if code is not None and code > 0:
        return f"SMTP {code} {_text(getattr(exc, 'smtp_error', b''))}".strip()
    return f"{type(exc).__name__}: {exc}"


def _text(value: bytes | str) -> str:
    return value.decode("utf-8", "replace") if isinstance(value, bytes) else str(value)


def _deliver(message: EmailMessage, config: SmtpConfig) -> dict[str, str]:
    context = ssl.create_default_context()
    client: smtplib.SMTP
    if config.ssl:
        client = smtplib.SMTP_SSL(config.host, config.port, timeout=config.timeout, context=context)
    else:
        client = smtplib.SMTP(config.host, config.port, timeout=config.timeout)
    with client:
        client.ehlo_or_helo_if_needed()
        if config.starttls:
            client.starttls(context=context)
            client.ehlo()
        if config.user:
            client.login(config.user, config.password or "")
        refused = client.send_message(message)
    return {addr: f"{code} {_text(msg)}" for addr, (code, msg) in refused.items()}


def send_message(
    message: EmailMessage,
    config: SmtpConfig,
    *,
    sleep: Callable[[float], None] = time.sleep,
) -> SendReport:
    """Deliver `message`; raise :class:`SendError` when it could not be delivered."""
    for attempt in range(1, config.attempts + 1):
        try:
            refused = _deliver(message, config)
        except (smtplib.SMTPException, OSError) as exc:
            transient = is_transient(exc)
            reason = describe(exc)
            if not transient or attempt == config.attempts:
                final = "gave up after" if transient else "permanent failure on"
                raise SendError(f"{config.host}:{config.port}: {reason} "
                                f"({final} attempt {attempt}/{config.attempts})",
                                transient=transient, attempts=attempt) from exc
            delay = config.retry_delay * 2 ** (attempt - 1)
            logger.warning("digest: SMTP %s:%s attempt %d/%d failed (%s); retrying in %.1fs",
                           config.host, config.port, attempt, config.attempts, reason, delay)
            sleep(delay)
        else:
            if refused:
                logger.warning("digest: some recipients were refused: %s", refused)
            return SendReport(attempt, refused)
    raise AssertionError("unreachable: attempts >= 1")
