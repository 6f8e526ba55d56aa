"""`newsmon import`: JSON lines through the crawl's own stages; bad lines named and skipped."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

TEXT = "深圳市慈善会联合多家社会组织开展助老志愿服务活动，为社区独居老人送去温暖和陪伴。" * 4


def newsmon(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "newsmon", *args], capture_output=True, text=True,
                          timeout=180)


def test_import_stores_good_lines_reports_bad_ones_and_folds_reprints(tmp_path: Path, db_url: str) -> None:
    lines = [
        json.dumps({"url": "http://a.example/x/1.html?utm_source=feed", "title": "助老活动",
                    "text": TEXT, "published_at": "2026-11-20T08:00:00+08:00", "source": "a",
                    "author": "张三"}, ensure_ascii=False),
        "{not json",
        json.dumps({"url": "http://b.example/y/2.html", "title": "缺正文"}, ensure_ascii=False),
        # a news-please record carrying the same story on another site
        json.dumps({"url": "http://b.example/y/3.html", "title": "转载：助老活动", "maintext": TEXT,
                    "date_publish": "2026-11-21 09:00:00", "source_domain": "b.example",
                    "authors": ["李四"]}, ensure_ascii=False),
    ]
    archive = tmp_path / "archive.jsonl"
    archive.write_text("\n".join(lines) + "\n", encoding="utf-8")

    result = newsmon("--db", db_url, "import", str(archive))
    assert result.returncode == 0, result.stderr
    assert f"{archive}:2: skipped:" in result.stderr
    assert f"{archive}:3: skipped: missing field(s): text" in result.stderr

    out = newsmon("--db", db_url, "articles", "--format", "jsonl").stdout
    records = {r["url"]: r for r in map(json.loads, out.splitlines())}
    assert set(records) == {"http://a.example/x/1.html?utm_source=feed", "http://b.example/y/3.html"}
    original = records["http://a.example/x/1.html?utm_source=feed"]
    reprint = records["http://b.example/y/3.html"]
    assert original["canonical_url"] == "http://a.example/x/1.html"
    assert original["story_id"] == reprint["story_id"]
    assert original["is_representative"] and not reprint["is_representative"]
    assert reprint["author"] == "李四" and reprint["source"] == "b.example"

    again = newsmon("--db", db_url, "import", str(archive))
    assert again.returncode == 0
    out = newsmon("--db", db_url, "articles", "--format", "jsonl").stdout
    assert len(out.splitlines()) == 2  # importing twice stores nothing twice

    stories = [json.loads(line) for line in
               newsmon("--db", db_url, "stories", "--min-size", "2", "--format", "jsonl").stdout.splitlines()]
    assert len(stories) == 1
    assert stories[0]["sources"] == ["a", "b.example"]
    assert stories[0]["representative"] == "http://a.example/x/1.html?utm_source=feed"
    assert stories[0]["first_published_at"].startswith("2026-11-20T00:00")
