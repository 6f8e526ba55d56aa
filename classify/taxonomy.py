"""The topic taxonomy (config/taxonomy.yaml): loading and validation.

Errors name the file, the category and the field, e.g.
``taxonomy.yaml: category 'health': terms[3]: weight must be a number``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from classify.text import prepare

DEFAULT_TAXONOMY = Path(__file__).resolve().parents[1] / "config" / "taxonomy.yaml"
_ID = re.compile(r"^[a-z][a-z0-9_]*$")


class TaxonomyError(ValueError):
    """taxonomy.yaml is missing, unreadable or malformed; the message says where."""


@dataclass(frozen=True)
class Term:
    text: str  # Simplified, as matched against prepared article text
    weight: float


@dataclass(frozen=True)
class Category:
    id: str
    name: str
    terms: tuple[Term, ...]
    reason: str = ""
    # multiplies the category's score: below 1 for categories about who gives (companies,
    # the charity sector) that most field stories also touch, so the field wins a near tie
    primary_weight: float = 1.0


@dataclass(frozen=True)
class Taxonomy:
    categories: tuple[Category, ...]
    relevance_terms: tuple[Term, ...] = ()
    off_topic_terms: tuple[Term, ...] = ()
    title_weight: float = 3.0
    min_score: float = 2.0
    relevance_threshold: float = 0.5
    relevance_evidence: float = 6.5
    off_topic_factor: float = 0.5
    min_length: float = 300.0
    source: str = "taxonomy.yaml"
    names: dict[str, str] = field(default_factory=dict)

    def category_ids(self) -> list[str]:
        return [c.id for c in self.categories]


def load_taxonomy(path: str | Path | None = None) -> Taxonomy:
    """Read and validate a taxonomy file; raise :class:`TaxonomyError` naming the place."""
    path = Path(path) if path else DEFAULT_TAXONOMY
    where = path.name
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise TaxonomyError(f"{path}: cannot read ({exc.strerror or exc})") from exc
    except yaml.YAMLError as exc:
        raise TaxonomyError(f"{where}: not valid YAML ({exc})") from exc
    return parse_taxonomy(raw, where)


def parse_taxonomy(raw: Any, where: str = "taxonomy.yaml") -> Taxonomy:
    if not isinstance(raw, dict):
        raise TaxonomyError(f"{where}: top level must be a mapping")
    cats_raw = raw.get("categories")
    if not isinstance(cats_raw, list) or not cats_raw:
        raise TaxonomyError(f"{where}: categories must be a non-empty list")
    categories: list[Category] = []
    seen: set[str] = set()
    for index, item in enumerate(cats_raw):
        categories.append(_category(item, index, where, seen))
    relevance = raw.get("relevance") or {}
    if not isinstance(relevance, dict):
        raise TaxonomyError(f"{where}: relevance must be a mapping")
    return Taxonomy(
        categories=tuple(categories),
        relevance_terms=_terms(relevance.get("terms", []), f"{where}: relevance: terms"),
        off_topic_terms=_terms(relevance.get("off_topic", []), f"{where}: relevance: off_topic"),
        title_weight=_number(raw.get("title_weight", 3.0), f"{where}: title_weight"),
        min_score=_number(raw.get("min_score", 2.0), f"{where}: min_score"),
        relevance_threshold=_number(
            relevance.get("threshold", 0.5), f"{where}: relevance: threshold"
        ),
        relevance_evidence=_number(
            relevance.get("evidence", 6.5), f"{where}: relevance: evidence"
        ),
        off_topic_factor=_number(
            relevance.get("off_topic_factor", 0.5), f"{where}: relevance: off_topic_factor"
        ),
        min_length=max(1.0, _number(
            relevance.get("min_length", 300), f"{where}: relevance: min_length"
        )),
        source=where,
        names={c.id: c.name for c in categories},
    )


def _category(item: Any, index: int, where: str, seen: set[str]) -> Category:
    if not isinstance(item, dict):
        raise TaxonomyError(f"{where}: categories[{index}]: must be a mapping")
    cat_id = item.get("id")
    if not isinstance(cat_id, str) or not _ID.match(cat_id):
        raise TaxonomyError(
            f"{where}: categories[{index}]: id must be lower-case letters, digits and _"
        )
    place = f"{where}: category '{cat_id}'"
    if cat_id in seen:
        raise TaxonomyError(f"{place}: id is used twice")
    seen.add(cat_id)
    name = item.get("name")
    if not isinstance(name, str) or not name.strip():
        raise TaxonomyError(f"{place}: name must be a non-empty string")
    if "terms" not in item:
        raise TaxonomyError(f"{place}: terms is missing")
    terms = _terms(item["terms"], f"{place}: terms")
    if not terms:
        raise TaxonomyError(f"{place}: terms must not be empty")
    reason = item.get("reason", "")
    weight = _number(item.get("primary_weight", 1.0), f"{place}: primary_weight")
    if weight <= 0:
        raise TaxonomyError(f"{place}: primary_weight must be above 0")
    return Category(id=cat_id, name=name.strip(), terms=terms, reason=str(reason),
                    primary_weight=weight)


def _terms(raw: Any, place: str) -> tuple[Term, ...]:
    if not isinstance(raw, list):
        raise TaxonomyError(f"{place}: must be a list")
    terms: list[Term] = []
    seen: set[str] = set()
    for i, entry in enumerate(raw):
        text: Any
        if isinstance(entry, str):
            text, weight = entry, 1.0
        elif isinstance(entry, dict):
            text = entry.get("term")
            weight_raw = entry.get("weight", 1.0)
            if isinstance(weight_raw, bool) or not isinstance(weight_raw, int | float):
                raise TaxonomyError(f"{place}[{i}]: weight must be a number")
            weight = float(weight_raw)
        else:
            raise TaxonomyError(f"{place}[{i}]: must be a string or a {{term, weight}} mapping")
        if not isinstance(text, str) or not prepare(text):
            raise TaxonomyError(f"{place}[{i}]: term must be a non-empty string")
        term = prepare(text)
        if term in seen:
            raise TaxonomyError(f"{place}[{i}]: term '{term}' is listed twice")
        seen.add(term)
        terms.append(Term(text=term, weight=weight))
    return tuple(terms)


def _number(value: Any, place: str) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise TaxonomyError(f"{place}: must be a number")
    return float(value)
