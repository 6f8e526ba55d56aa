"""The source registry: the shipped default loads; every problem names file, source, field."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from crawler.sources import SourcesError, load_sources, parse_interval


def run_newsmon(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "newsmon", *args], capture_output=True, text=True,
                          timeout=60)


def test_default_registry_has_real_public_welfare_sources() -> None:
    registry = load_sources()
    assert len(registry.sources) >= 15
    ids = {s.id for s in registry.sources}
    assert {"gongyishibao", "people-gongyi", "sina-gongyi", "xinhua-gongyi"} <= ids
    assert all(s.start_urls or s.feeds or s.sitemaps for s in registry.sources)


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "sources.yaml"
    path.write_text(text, encoding="utf-8")
    return path


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        ("sources:\n  - id: a\n    name: A\n    article_patterns: ['(unclosed']\n",
         "source 'a': article_patterns[0]: bad regex"),
        ("sources:\n  - id: a\n    name: A\n    schedule: every tuesday\n",
         "source 'a': schedule:"),
        ("sources:\n  - id: a\n    name: A\n    colour: red\n", "source 'a': colour: unknown field"),
        ("sources:\n  - id: a\n", "source 'a': name: required field is missing"),
        ("sources:\n  - id: a\n    name: A\n    feeds: [ftp://x/rss]\n", "source 'a': feeds[0]:"),
        ("sources:\n  - id: a\n    name: A\n    follow_patterns: ['(a+)+$']\n",
         "source 'a': follow_patterns[0]: regex has a nested quantifier"),
        ("sources: [\n", "not valid YAML (line"),
        ("sources:\n  - {id: a, name: A}\n  - {id: a, name: B}\n", "source 'a': id: duplicate id"),
    ],
)
def test_problems_name_file_source_field_and_reason(tmp_path: Path, body: str, expected: str) -> None:
    with pytest.raises(SourcesError) as error:
        load_sources(write(tmp_path, body))
    assert any(expected in p and p.startswith("sources.yaml") for p in error.value.problems), error.value.problems


def test_every_error_is_reported_not_just_the_first(tmp_path: Path) -> None:
    path = write(tmp_path, "sources:\n  - {id: a, name: A, max_depth: -1}\n  - {id: b, name: B, schedule: '99 * * *'}\n")
    with pytest.raises(SourcesError) as error:
        load_sources(path)
    assert len(error.value.problems) == 2


def test_schedules() -> None:
    assert parse_interval("30m") == 1800
    assert parse_interval("2h") == 7200
    assert parse_interval("*/5 * * * *") is None


def test_sources_check_cli_exit_codes(tmp_path: Path) -> None:
    good = run_newsmon("sources", "check")
    assert good.returncode == 0, good.stderr
    bad = run_newsmon("sources", "check", str(write(tmp_path, "sources:\n  - id: a\n    name: A\n    max_depth: x\n")))
    assert bad.returncode == 2
    assert "sources.yaml: source 'a': max_depth:" in bad.stderr


def test_sources_list_cli_prints_the_registry() -> None:
    result = run_newsmon("sources", "list")
    assert result.returncode == 0, result.stderr
    assert "gongyishibao" in result.stdout and "公益时报" in result.stdout
