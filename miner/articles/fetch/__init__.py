"""Fetching articles from PubMed (E-utilities), PMC (BioC API, JATS) and Europe PMC.

Each client writes what it fetches into a folder, one file per article, in a format
that :mod:`miner.articles.readers` reads; ``miner mine FOLDER`` mines it.
"""

from miner.articles.fetch.eutils import FetchReport, PubMed
from miner.articles.fetch.europepmc import EuropePMC
from miner.articles.fetch.http import Http, RateLimiter
from miner.articles.fetch.pmc import PMC, ids_from_pubmed_folder, split_ids

__all__ = ["EuropePMC", "FetchReport", "Http", "PMC", "PubMed", "RateLimiter", "ids_from_pubmed_folder",
           "split_ids"]
