"""Labelled articles for training and evaluation (JSON lines).

Each line carries the labels and either the `text` itself or a reference into the shared
data folder (real texts are read in place, never copied into the repository):

    {"id": "seed-001-b", "source": "seeds/001_….txt", "lines": [[73, 83]], "title": "…",
     "primary": "disability", "categories": ["disability", "children_education"],
     "relevant": true}
    {"id": "cwced-3832838a", "source": "data/extraction/cwced-3832838a.json",
     "primary": "not_welfare", "relevant": false}
    {"id": "qq-11", "source": "data/feeds/rssp-encoding-gb2312-xml.json", "item": 11, …}

Optional: `lang` (default "zh"; other languages are labelled not_welfare), `note` (why a
questionable label was chosen). Guidelines: tests/data/LABELS.md.
"""

from __future__ import annotations

import json
import zlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

NOT_WELFARE = "not_welfare"


HOLDOUT_SHARE = 5  # one article in five, chosen by a hash of its id, is held out


def is_holdout(article_id: str) -> bool:
    """The fixed held-out split: stable across runs and file order, and independent of
    the labels, so rules and model are judged on articles nobody tuned them on."""
    return zlib.crc32(article_id.encode("utf-8")) % HOLDOUT_SHARE == 0


class LabelsError(ValueError):
    """A labels file line is malformed or its source is missing; the message says where."""


@dataclass
class LabelledArticle:
    id: str
    text: str
    primary: str  # a category id, or NOT_WELFARE
    title: str | None = None
    categories: list[str] = field(default_factory=list)
    relevant: bool = True
    script: str | None = None
    regions: list[str] | None = None
    organizations: list[str] | None = None
    lang: str = "zh"


def default_shared_dir(labels_path: Path) -> Path:
    """The `shared` folder beside the repository root that holds the labels file."""
    for parent in labels_path.resolve().parents:
        candidate = parent / ".." / "shared"
        if (parent / "pyproject.toml").exists() and candidate.is_dir():
            return candidate.resolve()
    return labels_path.resolve().parent


def load_labels(path: str | Path, shared_dir: str | Path | None = None) -> list[LabelledArticle]:
    path = Path(path)
    shared = Path(shared_dir) if shared_dir else default_shared_dir(path)
    articles: list[LabelledArticle] = []
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except OSError as exc:
        raise LabelsError(f"{path}: cannot read ({exc.strerror or exc})") from exc
    for number, line in enumerate(lines, 1):
        if not line.strip():
            continue
        where = f"{path.name}:{number}"
        try:
            row = json.loads(line)
        except json.JSONDecodeError as exc:
            raise LabelsError(f"{where}: not JSON ({exc.msg})") from exc
        articles.append(_article(row, shared, where))
    return articles


def _article(row: dict[str, Any], shared: Path, where: str) -> LabelledArticle:
    relevant = bool(row.get("relevant", row.get("primary") != NOT_WELFARE))
    primary = row.get("primary") or NOT_WELFARE
    if not relevant:
        primary = NOT_WELFARE
    title, text = row.get("title"), row.get("text")
    if text is None:
        title, text = _resolve(row, shared, where, title)
    return LabelledArticle(
        id=str(row.get("id", where)),
        text=text,
        title=title,
        primary=primary,
        categories=list(row.get("categories") or ([] if primary == NOT_WELFARE else [primary])),
        relevant=relevant,
        script=row.get("script"),
        regions=row.get("regions"),
        organizations=row.get("organizations"),
        lang=str(row.get("lang", "zh")),
    )


def _resolve(
    row: dict[str, Any], shared: Path, where: str, title: str | None
) -> tuple[str | None, str]:
    source = row.get("source")
    if not source:
        raise LabelsError(f"{where}: needs `text` or `source`")
    file = shared / source
    if not file.exists():
        raise LabelsError(f"{where}: source {file} does not exist")
    if "lines" in row:
        all_lines = file.read_text(encoding="utf-8").splitlines()
        picked = [ln for a, b in row["lines"] for ln in all_lines[a - 1 : b]]
        return title, "\n".join(picked)
    data = json.loads(file.read_text(encoding="utf-8"))
    if "item" in row:
        item = data["expected"]["feed"]["items"][row["item"]]
        return title or item.get("title"), item.get("content") or item.get("contentSnippet", "")
    return title or data.get("title"), data.get("text") or ""
