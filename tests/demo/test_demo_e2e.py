"""End to end: `newsmon demo` crawls the bundled sites and the articles land in the database."""

from __future__ import annotations

import json
import subprocess
import sys
from collections import defaultdict
from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parents[2]


def newsmon(*args: str) -> str:
    result = subprocess.run([sys.executable, "-m", "newsmon", *args], capture_output=True,
                            text=True, timeout=170, cwd=REPO_ROOT)
    assert result.returncode == 0, result.stderr[-3000:]
    return result.stdout


@pytest.mark.slow
def test_demo_stores_the_sample_articles_decoded_once_with_reprints(tmp_path: Path) -> None:
    db_url = f"sqlite:///{tmp_path / 'demo.db'}"
    printed = newsmon("--db", db_url, "demo")
    assert "pages/s" in printed and "articles/s" in printed
    assert f"--db {db_url} articles" in printed

    records = [json.loads(line) for line in
               newsmon("--db", db_url, "articles", "--format", "jsonl").splitlines() if line.strip()]
    assert len(records) >= 20
    by_path = {r["canonical_url"].split("/", 3)[3]: r for r in records}
    assert len(by_path) == len(records)  # each page stored once

    # GBK pages: charset only in the HTTP header, only in <meta>; a Big5 page on the mirror
    assert "伊爱基金" in by_path["html/cishan/17983.html"]["text"]
    assert "残疾儿童康复联合体" in by_path["html/shzz/17982.html"]["text"]
    mirror_big5 = by_path["gongyi/2024/0501/content_50103.html"]["text"]
    assert "伊爱基金" in mirror_big5 or "伊愛基金" in mirror_big5

    # the mirror's reprints join the originals' stories
    sources_per_story: dict[int, set[str]] = defaultdict(set)
    for record in records:
        sources_per_story[record["story_id"]].add(record["source"])
    assert sum(1 for s in sources_per_story.values() if {"demo-gongyi", "demo-mirror"} <= s) >= 3
    # the seed 002 original in Simplified script, without the mirror's pinyin artefacts
    original = by_path["html/huanbao/15120.html"]
    assert "长三角区域生态环境宣教联盟" in original["text"] and "(qū)" not in original["text"]
    assert any(r["source"] == "demo-docs" for r in records)
