"""The digest tests' fixtures (a database with stories, a real SMTP server), for the digest cases here."""

from tests.digest.conftest import db, smtp

__all__ = ["db", "smtp"]
