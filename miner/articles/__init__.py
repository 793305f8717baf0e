"""Articles: the records miner mines, and the readers that make them from files."""

from miner.articles.model import Article, Section, make_article_id
from miner.articles.readers import iter_articles, iter_folder, read_path
from miner.articles.sections import detect_sections, section_kind

__all__ = [
    "Article",
    "Section",
    "detect_sections",
    "iter_articles",
    "iter_folder",
    "make_article_id",
    "read_path",
    "section_kind",
]
