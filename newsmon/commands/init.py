"""`newsmon init`: create or upgrade the database schema."""

from __future__ import annotations

import click

from newsmon.context import AppContext, pass_app


@click.command("init")
@pass_app
def command(app: AppContext) -> None:
    """Create or upgrade the database schema (Alembic migrations)."""
    db = app.database()
    click.echo(f"schema up to date: {db.safe_url}")
