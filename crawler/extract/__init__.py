"""html → article fields (trafilatura + Chinese cleanup rules, documents)."""

from crawler.extract.article import Extraction, ExtractionError, extract_article
from crawler.extract.document import extract_document

__all__ = ["Extraction", "ExtractionError", "extract_article", "extract_document"]
