"""The `newsmon` command line: one entry point per use, each subcommand in newsmon/commands/."""

from __future__ import annotations

import click

from newsmon.context import make_context

# Subcommand modules; each defines `command` (a click command or group) or `commands`.
COMMAND_MODULES = [
    "newsmon.commands.init",
    "newsmon.commands.sources",
    "newsmon.commands.crawl",
    "newsmon.commands.articles",
    "newsmon.commands.extract",
    "newsmon.commands.reprocess",
    "newsmon.commands.imports",
    "newsmon.commands.stories",
    "newsmon.commands.distributed",
    "newsmon.commands.demo",
    "newsmon.commands.digest",
    "newsmon.commands.daemon",
    "newsmon.commands.status",
    "newsmon.commands.classify",
    "newsmon.commands.reclassify",
]


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.option("--db", "db", metavar="URL", help="SQLAlchemy database URL "
              "(default: $NEWSMON_DATABASE_URL or sqlite:///var/newsmon.db).")
@click.option("--sources-file", metavar="FILE", help="Sources registry "
              "(default: $NEWSMON_SOURCES or config/sources.yaml).")
@click.option("-v", "--verbose", count=True, help="More logging (-vv for debug).")
@click.pass_context
def main(ctx: click.Context, db: str | None, sources_file: str | None, verbose: int) -> None:
    """newsmon: monitor Chinese public-welfare news (公益/慈善/社会组织/生态环保)."""
    ctx.obj = make_context(db, sources_file, verbose)


def _register() -> None:
    import importlib

    for module_name in COMMAND_MODULES:
        module = importlib.import_module(module_name)
        for command in getattr(module, "commands", None) or [module.command]:
            main.add_command(command)


_register()
