from __future__ import annotations

from pathlib import Path

import pytest

from classify import TaxonomyError, load_taxonomy
from classify.taxonomy import parse_taxonomy

DEFAULT_IDS = [
    "environment", "rural", "health", "elderly", "disability", "children_education", "women",
    "disaster_emergency", "culture", "volunteering", "sector_governance",
    "corporate_philanthropy", "animal",
]


def test_default_taxonomy_has_the_stable_category_ids_with_chinese_names():
    taxonomy = load_taxonomy()
    assert taxonomy.category_ids() == DEFAULT_IDS
    assert taxonomy.names["environment"] == "生态环保"
    assert taxonomy.names["corporate_philanthropy"] == "企业与互联网公益"


def _cat(terms):
    return {"categories": [{"id": "health", "name": "医疗健康", "terms": terms}]}


def test_bad_weight_is_reported_with_file_category_and_index():
    with pytest.raises(TaxonomyError) as err:
        parse_taxonomy(_cat(["义诊", "医疗", "患者", {"term": "筛查", "weight": "high"}]))
    assert str(err.value) == "taxonomy.yaml: category 'health': terms[3]: weight must be a number"


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        ({"categories": []}, "categories must be a non-empty list"),
        ({"categories": [{"id": "Bad Id", "name": "x", "terms": ["a"]}]}, "categories[0]: id"),
        ({"categories": [{"id": "x", "terms": ["a"]}]}, "category 'x': name"),
        ({"categories": [{"id": "x", "name": "甲"}]}, "category 'x': terms is missing"),
        (_cat([""]), "category 'health': terms[0]: term must be a non-empty string"),
    ],
)
def test_malformed_taxonomies_name_the_place(raw, message):
    with pytest.raises(TaxonomyError, match=message.replace("[", r"\[").replace("]", r"\]")):
        parse_taxonomy(raw)


def test_user_can_add_a_category_without_code(tmp_path: Path, classifier):
    from classify import Classifier

    text = Path(load_taxonomy().source).name  # keeps the default file untouched
    assert text == "taxonomy.yaml"
    custom = tmp_path / "taxonomy.yaml"
    custom.write_text(
        "categories:\n  - id: oceans\n    name: 海洋\n    terms: [{term: 海洋垃圾, weight: 3}, 珊瑚]\n",
        encoding="utf-8",
    )
    result = Classifier.load(custom).classify("志愿者清理海洋垃圾，保护珊瑚。", title="海洋垃圾清理")
    assert result.primary == "oceans"


def test_unreadable_taxonomy_names_the_path(tmp_path: Path):
    with pytest.raises(TaxonomyError, match="cannot read"):
        load_taxonomy(tmp_path / "missing.yaml")


def test_a_term_listed_twice_in_one_category_is_an_error():
    with pytest.raises(TaxonomyError, match=r"category 'health': terms\[2\]: term '义诊' is listed twice"):
        parse_taxonomy(_cat(["义诊", "医疗", "義診"]))  # Traditional spelling of the same term


def test_primary_weight_must_be_positive():
    raw = _cat(["义诊"])
    raw["categories"][0]["primary_weight"] = 0
    with pytest.raises(TaxonomyError, match="category 'health': primary_weight must be above 0"):
        parse_taxonomy(raw)


def test_negative_terms_cancel_a_shorter_match(tmp_path: Path):
    from classify import Classifier

    custom = tmp_path / "taxonomy.yaml"
    custom.write_text(
        "categories:\n  - id: volunteering\n    name: 志愿服务\n"
        "    terms: [{term: 志愿, weight: 3}, {term: 志愿填报, weight: -1}]\n",
        encoding="utf-8",
    )
    classifier = Classifier.load(custom)
    assert classifier.classify("志愿者清扫街道", "志愿").primary == "volunteering"
    assert classifier.classify("考生志愿填报开始", "志愿填报").primary is None
