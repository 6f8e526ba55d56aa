"""PDF and DOCX documents (policy papers, annual reports, e-paper pages) → article fields."""

from __future__ import annotations

import io
import logging

from crawler.extract.article import Extraction, ExtractionError, clean_text
from crawler.extract.text import detect_script, reflow

logger = logging.getLogger(__name__)

PDF_TYPES = ("application/pdf", "application/x-pdf")
DOCX_TYPES = ("application/vnd.openxmlformats-officedocument.wordprocessingml.document",)


def _kind(body: bytes, url: str | None, content_type: str | None) -> str:
    ctype = (content_type or "").split(";")[0].strip().lower()
    path = (url or "").split("?")[0].lower()
    if body.startswith(b"%PDF") or ctype in PDF_TYPES or path.endswith(".pdf"):
        return "pdf"
    if body.startswith(b"PK") or ctype in DOCX_TYPES or path.endswith(".docx"):
        return "docx"
    raise ExtractionError(f"{url or 'document'}: not a PDF or DOCX ({content_type or 'no type'})")


def _pdf(body: bytes) -> tuple[str, str | None]:
    from pypdf import PdfReader

    try:
        reader = PdfReader(io.BytesIO(body))
        pages = [page.extract_text() or "" for page in reader.pages]
        title = reader.metadata.title if reader.metadata else None
    except Exception as exc:  # damaged PDFs raise many different errors
        raise ExtractionError(f"unreadable PDF ({exc})") from exc
    # PDF text is column-wrapped: every page is re-flowed into paragraphs
    return "\n".join(reflow(page) for page in pages), title


def _docx(body: bytes) -> tuple[str, str | None]:
    import docx

    try:
        document = docx.Document(io.BytesIO(body))
    except Exception as exc:  # damaged archives raise many different errors
        raise ExtractionError(f"unreadable DOCX ({exc})") from exc
    lines = [p.text for p in document.paragraphs]
    for table in document.tables:
        for row in table.rows:
            lines.append(" ".join(cell.text.strip() for cell in row.cells if cell.text.strip()))
    return "\n".join(lines), document.core_properties.title or None


def extract_document(body: bytes, url: str | None, content_type: str | None) -> Extraction:
    """Text of a PDF or DOCX, cleaned like an article; `kind` is "document"."""
    kind = _kind(body, url, content_type)
    raw, title = _pdf(body) if kind == "pdf" else _docx(body)
    text = clean_text(raw)
    if len(text) < 20:
        raise ExtractionError(f"{url or 'document'}: {kind} holds no text ({len(text)} characters)")
    first = text.split("\n", 1)[0].strip()
    return Extraction(
        text=text,
        title=(title or "").strip() or (first if len(first) <= 60 else None),
        script=detect_script(text),
        kind="document",
    )
