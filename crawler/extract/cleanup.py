"""Remove the boilerplate that survives trafilatura, with the rules in rules/cleanup.yaml.

Each function takes text and returns text; the rule table is loaded once per process.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Literal

import yaml

from crawler.extract.text import nfkc, to_simplified

logger = logging.getLogger(__name__)

RULES_FILE = Path(__file__).with_name("rules") / "cleanup.yaml"
Scope = Literal["line", "tail", "edge"]
_SCOPES = ("line", "tail", "edge")
_SENTENCE = re.compile(r"[。！？!?][”’」』)）]?\s*$|[。！？][^。！？]+[。！？]")


class RuleError(ValueError):
    """The rule file is malformed; the message names the file, the rule and the reason."""


@dataclass(frozen=True)
class Rule:
    name: str
    reason: str
    scope: Scope
    pattern: re.Pattern[str]
    max_line: int | None = None


@dataclass(frozen=True)
class RuleSet:
    rules: tuple[Rule, ...]
    tail_after: float
    max_line: int


def load_rules(path: Path = RULES_FILE) -> RuleSet:
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        raise RuleError(f"{path}: cannot read rules ({exc})") from exc
    rules = []
    for index, raw in enumerate(data.get("rules") or []):
        where = f"{path}: rules[{index}]"
        name = raw.get("name")
        if not name or not raw.get("reason"):
            raise RuleError(f"{where}: every rule needs a name and a reason")
        if raw.get("scope") not in _SCOPES:
            raise RuleError(f"{where} ({name}): scope must be one of {', '.join(_SCOPES)}")
        try:
            pattern = re.compile(raw["pattern"], re.IGNORECASE)
        except (KeyError, re.error) as exc:
            raise RuleError(f"{where} ({name}): bad pattern ({exc})") from exc
        limit = raw.get("max_line")
        rules.append(Rule(name, raw["reason"], raw["scope"], pattern,
                          int(limit) if limit is not None else None))
    return RuleSet(tuple(rules), float(data.get("tail_after", 0.4)), int(data.get("max_line", 60)))


@lru_cache(maxsize=4)
def default_rules(path: Path = RULES_FILE) -> RuleSet:
    return load_rules(path)


def _matching_form(text: str) -> list[str]:
    """Lines as the rules see them: Simplified, full-width folded, stripped."""
    folded = nfkc(to_simplified(text))
    lines = [line.strip() for line in folded.split("\n")]
    if len(lines) != text.count("\n") + 1:  # a conversion that changed line structure
        lines = [nfkc(to_simplified(x)).strip() for x in text.split("\n")]
    return lines


def matching_rule(line: str, scope: Scope, rules: RuleSet | None = None) -> Rule | None:
    """The first rule of `scope` that matches one line (already in matching form)."""
    ruleset = rules or default_rules()
    for rule in ruleset.rules:
        if rule.scope != scope:
            continue
        if scope != "tail" and len(line) > (rule.max_line or ruleset.max_line):
            continue
        if rule.pattern.search(line):
            return rule
    return None


def _edge_junk(line: str, ruleset: RuleSet) -> bool:
    return not line or matching_rule(line, "edge", ruleset) is not None or (
        matching_rule(line, "line", ruleset) is not None
    )


def apply_rules(text: str, rules: RuleSet | None = None) -> str:
    """Drop boilerplate lines: `line` rules anywhere, `tail` rules late, `edge` rules at edges."""
    ruleset = rules or default_rules()
    original = text.split("\n")
    seen = _matching_form(text)
    total = sum(len(x) for x in seen) or 1
    keep = [True] * len(original)
    done = 0
    for index, line in enumerate(seen):
        if line and done / total >= ruleset.tail_after:
            rule = matching_rule(line, "tail", ruleset)
            # a tail rule opens a block; a sentence that only contains the words is prose
            if rule is not None and (rule.pattern.match(line) or not _SENTENCE.search(line)):
                logger.debug("cleanup: %s cuts the text at line %d", rule.name, index)
                for later in range(index, len(original)):
                    keep[later] = False
                break
        done += len(line)
        if line and matching_rule(line, "line", ruleset) is not None:
            keep[index] = False
    # edges: leading and trailing runs of navigation / contact lines
    start, end = 0, len(original)
    while start < end and (not keep[start] or _edge_junk(seen[start], ruleset)):
        start += 1
    while end > start and (not keep[end - 1] or _edge_junk(seen[end - 1], ruleset)):
        end -= 1
    lines = [original[i] for i in range(start, end) if keep[i]]
    return "\n".join(lines).strip()
