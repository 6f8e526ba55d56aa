"""Bad configuration and bad arguments: one line naming the file, the place and the reason; exit 2."""

from __future__ import annotations

import logging
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.reliability.helpers import REPO_ROOT

GOOD_SOURCE = "sources:\n  - id: good\n    name: 好\n    feeds: ['https://example.org/rss.xml']\n"

BAD_SOURCES = {
    "not_yaml": ("sources: [\n", "not valid YAML"),
    "empty": ("", "the file is empty"),
    "not_a_list": ("sources: {id: a}\n", "'sources' must be a list"),
    "unknown_top_level_key": ("sources: []\ncolour: red\n", "unknown top-level key(s): colour"),
    "unknown_source_key": ("sources:\n  - id: a\n    name: A\n    colour: red\n", "source 'a': colour: unknown field"),
    "missing_name": ("sources:\n  - id: a\n", "source 'a': name: required field is missing"),
    "bad_url": ("sources:\n  - id: a\n    name: A\n    feeds: ['file:///etc/passwd']\n",
                "feeds[0]: 'file:///etc/passwd' is not an http(s) URL"),
    "bad_regex": ("sources:\n  - id: a\n    name: A\n    article_patterns: ['(unclosed']\n",
                  "article_patterns[0]: bad regex"),
    "nested_quantifier_regex": ("sources:\n  - id: a\n    name: A\n    follow_patterns: ['/(a+)+$']\n",
                                "follow_patterns[0]: regex has a nested quantifier"),
    "backtracking_alternation_regex": ("sources:\n  - id: a\n    name: A\n    article_patterns: ['^(?:[a-z]|a)*$']\n",
                                       "article_patterns[0]: regex takes over"),
    "duplicate_id": (GOOD_SOURCE + "  - id: good\n    name: 又\n", "source 'good': id: duplicate id"),
    "bad_schedule": ("sources:\n  - id: a\n    name: A\n    schedule: every tuesday\n", "schedule:"),
}


@pytest.fixture(autouse=True)
def _keep_root_logging() -> Iterator[None]:
    """The CLI sets the root handlers' levels; other tests in this process rely on theirs."""
    root = logging.getLogger()
    saved = (root.level, [(h, h.level) for h in root.handlers])
    yield
    root.setLevel(saved[0])
    for handler, level in saved[1]:
        handler.setLevel(level)


def newsmon(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    """Run the CLI in this process (fast); `newsmon_process` checks the real exit code once."""
    from click.testing import CliRunner

    from newsmon.cli import main

    result = CliRunner().invoke(main, list(args), env=env)
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        raise result.exception
    return subprocess.CompletedProcess(list(args), result.exit_code, result.stdout, result.stderr)


def newsmon_process(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "newsmon", *args], capture_output=True, text=True,
                          timeout=60, cwd=REPO_ROOT, env=dict(os.environ))


def assert_one_line_exit_2(result: subprocess.CompletedProcess[str], *expected: str) -> None:
    assert result.returncode == 2, (result.returncode, result.stdout, result.stderr)
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("newsmon: ")
    for text in expected:
        assert text in lines[0], (text, lines[0])
    assert "Traceback" not in result.stderr


@pytest.mark.parametrize("case", sorted(BAD_SOURCES))
def test_malformed_sources_file_crawl_exits_2_naming_the_problem(case: str, tmp_path: Path) -> None:
    content, expected = BAD_SOURCES[case]
    sources = tmp_path / "sources.yaml"
    sources.write_text(content, encoding="utf-8")
    result = newsmon("--db", f"sqlite:///{tmp_path / 'db.sqlite'}", "--sources-file", str(sources), "crawl")
    assert_one_line_exit_2(result, expected, "sources.yaml")


def test_sources_check_reports_every_problem_and_exits_2(tmp_path: Path) -> None:
    sources = tmp_path / "sources.yaml"
    sources.write_text("sources:\n  - id: a\n    name: A\n    colour: red\n    article_patterns: ['(x']\n",
                       encoding="utf-8")
    result = newsmon("--sources-file", str(sources), "sources", "check")
    assert result.returncode == 2
    output = result.stdout + result.stderr
    assert "colour: unknown field" in output and "article_patterns[0]: bad regex" in output


@pytest.mark.parametrize("content, expected", [
    ("categories: [\n", "not valid YAML"),
    ("categories:\n  - name: x\n    colour: 1\n", "categories[0]"),
])
def test_malformed_taxonomy_crawl_exits_2(content: str, expected: str, tmp_path: Path) -> None:
    taxonomy = tmp_path / "taxonomy.yaml"
    taxonomy.write_text(content, encoding="utf-8")
    sources = tmp_path / "sources.yaml"
    sources.write_text(GOOD_SOURCE, encoding="utf-8")
    result = newsmon("--db", f"sqlite:///{tmp_path / 'db.sqlite'}", "--sources-file", str(sources), "crawl",
                     env={"NEWSMON_TAXONOMY": str(taxonomy)})
    assert_one_line_exit_2(result, "taxonomy", expected)


@pytest.mark.parametrize("db_url, expected", [
    ("notaurl://", "cannot use database URL"),
    ("sqlite:///{tmp}/a-file/newsmon.db", "cannot create the folder"),  # unwritable path: a file in the way
    ("postgresql://nobody@127.0.0.1:1/none", "cannot reach database"),
    ("::::", "database URL"),
])
@pytest.mark.parametrize("command", [("articles",), ("crawl",)])
def test_bad_database_url_or_path_exits_2(db_url: str, expected: str, command: tuple[str, ...],
                                          tmp_path: Path) -> None:
    (tmp_path / "a-file").write_text("not a folder", encoding="utf-8")
    sources = tmp_path / "sources.yaml"
    sources.write_text(GOOD_SOURCE, encoding="utf-8")
    result = newsmon("--db", db_url.format(tmp=tmp_path), "--sources-file", str(sources), *command)
    assert_one_line_exit_2(result, expected)


def test_unknown_source_id_exits_2(tmp_path: Path) -> None:
    sources = tmp_path / "sources.yaml"
    sources.write_text(GOOD_SOURCE, encoding="utf-8")
    result = newsmon("--db", f"sqlite:///{tmp_path / 'db.sqlite'}", "--sources-file", str(sources),
                     "crawl", "--sources", "nope")
    assert_one_line_exit_2(result, "unknown source id(s): nope")


def test_real_process_exit_code_is_2(tmp_path: Path) -> None:
    sources = tmp_path / "sources.yaml"
    sources.write_text(BAD_SOURCES["unknown_source_key"][0], encoding="utf-8")
    result = newsmon_process("--db", f"sqlite:///{tmp_path / 'db.sqlite'}", "--sources-file", str(sources), "crawl")
    assert_one_line_exit_2(result, "colour: unknown field")
