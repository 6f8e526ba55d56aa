"""`newsmon sources list|check`: show and validate the source registry."""

from __future__ import annotations

import click

from crawler.sources import SourcesError, load_sources
from newsmon.context import EXIT_USAGE, AppContext, pass_app


@click.group("sources")
def command() -> None:
    """Show and validate the sources registry."""


@command.command("list")
@click.option("--all", "include_disabled", is_flag=True, help="Include disabled sources.")
@pass_app
def list_sources(app: AppContext, include_disabled: bool) -> None:
    """Print the registry: id, name, schedule, and where each source is crawled from."""
    registry = app.registry()
    click.echo(f"{'id':<24} {'name':<28} {'schedule':<14} feeds starts sitemaps patterns")
    for source in registry.select(include_disabled=include_disabled):
        flag = "" if source.enabled else " (disabled)"
        click.echo(
            f"{source.id:<24} {source.name[:26]:<28} {source.schedule:<14} "
            f"{len(source.feeds):>5} {len(source.start_urls):>6} {len(source.sitemaps):>8} "
            f"{'yes' if source.article_patterns else 'auto':>8}{flag}"
        )
    click.echo(f"{len(registry.sources)} sources in {registry.path}")


@command.command("check")
@click.argument("file", required=False, type=click.Path(dir_okay=False))
@pass_app
def check_sources(app: AppContext, file: str | None) -> None:
    """Validate FILE (default: the configured sources file); exit 2 on any error."""
    path = file or app.sources_file
    try:
        registry = load_sources(path)
    except SourcesError as exc:
        for problem in exc.problems:
            click.echo(problem, err=True)
        click.echo(f"{len(exc.problems)} error(s)", err=True)
        raise SystemExit(EXIT_USAGE) from None
    click.echo(f"{registry.path}: {len(registry.sources)} sources, all valid")
