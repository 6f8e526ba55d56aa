"""The daily digest: select → render (Jinja2 templates) → send (SMTP).

The daemon and `newsmon digest` both call :func:`run_digest`.
"""

from digest.config import DigestConfig, DigestConfigError, SmtpConfig
from digest.run import DigestResult, run_digest
from digest.select import Digest, daily_window, default_digest_date

__all__ = [
    "Digest",
    "DigestConfig",
    "DigestConfigError",
    "DigestResult",
    "SmtpConfig",
    "daily_window",
    "default_digest_date",
    "run_digest",
]
