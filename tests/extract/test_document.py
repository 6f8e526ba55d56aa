"""DOCX and PDF documents come out as cleaned text of kind "document"."""

from __future__ import annotations

import io

import docx
import pytest

from crawler.extract import ExtractionError, extract_document


def test_docx_share_site_banner_is_removed() -> None:
    document = docx.Document()
    for line in ["实施方案.docx",
                 "《实施方案.docx》由会员分享,可在线阅读,更多相关《实施方案.docx(14页珍藏版)》请在冰豆网上搜索。",
                 "实施方案", "为贯彻落实行动计划精神，进一步增强我市市民生态文明意识，制定本实施方案。"]:
        document.add_paragraph(line)
    buffer = io.BytesIO()
    document.save(buffer)
    result = extract_document(buffer.getvalue(), "https://example.org/a.docx", None)
    assert result.kind == "document"
    assert "冰豆网" not in result.text and ".docx" not in result.text
    assert "制定本实施方案。" in result.text


def test_not_a_document_names_the_url() -> None:
    with pytest.raises(ExtractionError, match=r"example\.org/a\.html"):
        extract_document(b"<html></html>", "https://example.org/a.html", "text/html")
