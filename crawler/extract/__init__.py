"""html → article fields (trafilatura + Chinese cleanup rules, documents, e-paper pages)."""

from crawler.extract.article import Extraction, ExtractionError, extract_article
from crawler.extract.document import extract_document
from crawler.extract.epaper import EpaperArticle, EpaperPage, split_epaper

__all__ = [
    "EpaperArticle",
    "EpaperPage",
    "Extraction",
    "ExtractionError",
    "extract_article",
    "extract_document",
    "split_epaper",
]
