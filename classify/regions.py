"""Regions mentioned in an article: provinces, prefecture-level cities, regional groupings.

Names come from the gazetteer data file classify/data/regions.yaml; the result uses each
region's full name (吉林省 and 吉林市 stay distinct), most-mentioned first, followed by the
provinces of mentioned cities that the text did not name itself.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from classify.matcher import TermIndex

DEFAULT_GAZETTEER = Path(__file__).resolve().parent / "data" / "regions.yaml"
_CITY_SUFFIX = re.compile(r"(市|地区|盟)$")


class GazetteerError(ValueError):
    """The gazetteer file is malformed; the message names the place."""


@dataclass(frozen=True)
class Gazetteer:
    alias_to_region: dict[str, str]  # every matchable spelling -> full name
    parent: dict[str, str]  # city full name -> province full name
    index: TermIndex

    def find(self, text: str) -> list[str]:
        """Regions in `text` (prepared: Simplified, no whitespace), most-mentioned first."""
        counts: Counter[str] = Counter()
        first_seen: dict[str, int] = {}
        for pos, alias in self.index.longest(text):
            region = self.alias_to_region[alias]
            counts[region] += 1
            first_seen.setdefault(region, pos)
        ranked = sorted(counts, key=lambda r: (-counts[r], first_seen[r]))
        implied = [self.parent[r] for r in ranked if r in self.parent]
        for province in implied:
            if province not in counts:
                counts[province] = 0
                ranked.append(province)
        return ranked


def load_gazetteer(path: str | Path | None = None) -> Gazetteer:
    path = Path(path) if path else DEFAULT_GAZETTEER
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        raise GazetteerError(f"{path}: cannot load gazetteer ({exc})") from exc
    return build_gazetteer(raw, path.name)


def build_gazetteer(raw: Any, where: str = "regions.yaml") -> Gazetteer:
    if not isinstance(raw, dict) or not isinstance(raw.get("provinces"), list):
        raise GazetteerError(f"{where}: needs a 'provinces' list")
    no_short = set(raw.get("no_short_form") or [])
    aliases: dict[str, str] = {}
    parent: dict[str, str] = {}
    province_aliases: set[str] = set()
    for i, province in enumerate(raw["provinces"]):
        name = province.get("name") if isinstance(province, dict) else None
        if not isinstance(name, str) or not name:
            raise GazetteerError(f"{where}: provinces[{i}]: name is missing")
        for alias in [name, *province.get("aliases", [])]:
            aliases[alias] = name
            province_aliases.add(alias)
    for province in raw["provinces"]:
        for j, entry in enumerate(province.get("cities") or []):
            if not isinstance(entry, str) or not entry:
                raise GazetteerError(
                    f"{where}: province '{province['name']}': cities[{j}]: must be a name"
                )
            full, _, short = entry.partition("|")
            short = short or _CITY_SUFFIX.sub("", full)
            parent[full] = province["name"]
            aliases.setdefault(full, full)
            usable = len(short) >= 2 and short != full and short not in no_short
            if usable and short not in province_aliases:
                aliases.setdefault(short, full)
    for k, group in enumerate(raw.get("groupings") or []):
        name = group.get("name") if isinstance(group, dict) else None
        if not isinstance(name, str):
            raise GazetteerError(f"{where}: groupings[{k}]: name is missing")
        for alias in [name, *group.get("aliases", [])]:
            aliases[alias] = name
    return Gazetteer(alias_to_region=aliases, parent=parent, index=TermIndex(aliases))
