"""The lexicon: concepts and their terms, loaded from ``models/lexicon/`` (no spaCy).

``concepts.tsv`` (built by ``scripts/build_lexicons.py``) has one row per concept:
``id, type, name, terms, abbrevs, flags, xrefs``. Terms are matched anywhere; upper-case
acronyms among them are matched case-sensitively; ``abbrevs`` are short forms that
are used only when an article defines them ("chronic constriction injury (CCI)").
"""

from __future__ import annotations

import csv
import hashlib
import json
import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

from miner.errors import LexiconError
from miner.evidence.model import Concept
from miner.text import norm_text

TYPES = ("intervention", "condition", "biomarker", "outcome", "species", "anatomy")
_COLUMNS = ["id", "type", "name", "terms", "abbrevs", "flags", "xrefs"]
#: Flags that give a concept a role which the rules reason about: ``control`` (a comparator
#: arm, never the tested intervention), ``generic`` (a broad intervention, "exercise", that a
#: more specific tested one wins over), ``human`` (the species of people, who are named all
#: through a paper whatever it studies).
ROLES = ("control", "generic", "human")
_CURIE = re.compile(r"^(MESH:D\d+|MESH:C\d+|HGNC:\d+|NCBITaxon:\d+|MINER:[a-z0-9][a-z0-9-]*)$")


@dataclass(frozen=True)
class Entry:
    """A vocabulary entry: a concept (:class:`miner.evidence.model.Concept`, its id, name
    and type) with the terms and abbreviations that name it, its flags and cross-references.

    Flags (from ``models/curated/concepts.tsv``) say what the code needs to know of a
    concept: ``valence=good|bad``, ``parent=<id>``, ``class`` (a word for a group of
    concepts), ``curated``, ``specimen``, and the roles of :data:`ROLES`.
    """

    concept: Concept
    terms: tuple[str, ...] = ()
    abbrevs: tuple[str, ...] = ()
    flags: frozenset[str] = frozenset()
    xrefs: tuple[str, ...] = ()

    @property
    def id(self) -> str:
        return self.concept.id

    @property
    def name(self) -> str:
        return self.concept.name

    @property
    def type(self) -> str:
        return self.concept.type

    def flag_values(self, key: str) -> list[str]:
        """The values of the flags ``key=value``, sorted ("mesh" -> ["Rats"])."""
        prefix = key + "="
        return sorted(flag[len(prefix):] for flag in self.flags if flag.startswith(prefix))

    @property
    def valence(self) -> str | None:
        """"good", "bad" or None: what an improvement of it means."""
        values = self.flag_values("valence")
        return values[0] if values else None

    @property
    def parent(self) -> str | None:
        values = self.flag_values("parent")
        return values[0] if values else None

    @property
    def is_class(self) -> bool:
        return "class" in self.flags


_JUNCTION = re.compile(r"(?<=[\w\u0370-\u03ff])([- ])(?=[\w\u0370-\u03ff])")
_SHORT_PART = re.compile(r"^(?:\d+[a-z]?|[A-Za-z]|alpha|beta|gamma|delta|kappa|[\u0370-\u03ff])$", re.I)
MAX_VARIANT_JUNCTIONS = 4


def term_variants(term: str, every_junction: bool = False) -> list[str]:
    """Spellings of a term that tokenize differently: "heat shock protein 27" is also
    written "heat-shock protein-27", and "TNF-alpha" also "TNF alpha".

    A junction between two words may be a space or a hyphen; hyphens already match
    their joined form through :func:`~miner.text.norm_word`. Junctions
    that vary are hyphens, and spaces next to a number, a letter or a Greek letter
    ("protein 27", "type 2") - or every junction when ``every_junction``.

    >>> sorted(term_variants("TNF-alpha"))
    ['TNF alpha', 'TNF-alpha']
    """
    parts = _JUNCTION.split(term)
    words, seps = parts[0::2], parts[1::2]
    varying = []
    for index, sep in enumerate(seps):
        left, right = words[index].split(" ")[-1], words[index + 1].split(" ")[0]
        if sep == "-" or every_junction or _SHORT_PART.match(left) or _SHORT_PART.match(right):
            varying.append(index)
    varying = varying[:MAX_VARIANT_JUNCTIONS]
    out = set()
    for mask in range(1 << len(varying)):
        chosen = list(seps)
        for bit, index in enumerate(varying):
            chosen[index] = "-" if mask >> bit & 1 else " "
        text = words[0] + "".join(sep + word for sep, word in zip(chosen, words[1:]))
        out.add(text)
    out.add(term)
    return sorted(out)


def is_case_sensitive(term: str) -> bool:
    """Acronym-like terms ('VAS', 'IL-6', 'CRP') must match in upper case."""
    letters = re.sub(r"(alpha|beta|gamma|delta|kappa)", "", term)
    letters = re.sub(r"[^A-Za-z]", "", letters)
    return len(letters) >= 2 and letters.isupper() and " " not in term.strip()


def case_key(text: str) -> str:
    """The upper-case letters and digits of a surface form ('IL-1β' -> 'IL1')."""
    return re.sub(r"[^A-Z0-9]", "", text)


@dataclass
class Lexicon:
    """Entries by concept id, and an index from normalised term to concept id."""

    concepts: dict[str, Entry]
    path: Path | None = None
    digest: str = ""
    _by_norm: dict[str, str] = field(default_factory=dict, repr=False)
    _flagged: dict[str, frozenset[str]] = field(default_factory=dict, repr=False)

    def __post_init__(self) -> None:
        if not self._by_norm:
            for concept in self.concepts.values():
                for term in (concept.name, *concept.terms):
                    self._by_norm.setdefault(norm_text(term), concept.id)

    def __len__(self) -> int:
        return len(self.concepts)

    def __getitem__(self, concept_id: str) -> Entry:
        return self.concepts[concept_id]

    def get(self, concept_id: str) -> Entry | None:
        return self.concepts.get(concept_id)

    def lookup(self, text: str) -> Entry | None:
        """The concept whose term or name has the normal form of ``text``, if any."""
        cid = self._by_norm.get(norm_text(text))
        return self.concepts.get(cid) if cid else None

    def flagged(self, flag: str) -> frozenset[str]:
        """The ids of the concepts with ``flag`` (one of :data:`ROLES`, or any other flag)."""
        ids = self._flagged.get(flag)
        if ids is None:
            ids = self._flagged[flag] = frozenset(cid for cid, entry in self.concepts.items() if flag in entry.flags)
        return ids

    def the_one(self, flag: str) -> str:
        """The id of the one concept with ``flag`` ("human"); a :class:`~miner.errors.LexiconError`
        if the lexicon flags none or several."""
        ids = self.flagged(flag)
        if len(ids) != 1:
            raise LexiconError(f"{self.path}: expected one concept flagged '{flag}', found {len(ids)}"
                               + (f" ({', '.join(sorted(ids))})" if ids else ""))
        return next(iter(ids))

    def terms(self) -> list[tuple[str, str]]:
        """Every (term, concept id) pair to be matched anywhere, spelling variants included."""
        out = []
        for concept in self.concepts.values():
            every = "curated" in concept.flags
            seen: set[str] = set()
            for term in concept.terms:
                for variant in term_variants(term, every_junction=every and len(term.split()) <= 5):
                    if variant not in seen:
                        seen.add(variant)
                        out.append((variant, concept.id))
        return out

    @classmethod
    def load(cls, path: Path | str) -> Lexicon:
        """Read and validate a lexicon directory (or its ``concepts.tsv``)."""
        return _load_cached(str(Path(path).resolve()))


@lru_cache(maxsize=4)
def _load_cached(path_str: str) -> Lexicon:
    path = Path(path_str)
    files = sorted(path.glob("*.tsv")) if path.is_dir() else [path]
    if not files or not all(f.is_file() for f in files):
        raise LexiconError(f"{path}: no lexicon found (expected concepts.tsv); run 'make lexicons'")
    digest = hashlib.sha1()
    concepts: dict[str, Entry] = {}
    for file in files:
        data = file.read_bytes()
        digest.update(data)
        lines = [line for line in data.decode("utf-8").splitlines() if line and not line.startswith("#")]
        reader = csv.reader(lines, delimiter="\t", quoting=csv.QUOTE_NONE, escapechar="\\")
        header = next(reader, None)
        if header != _COLUMNS:
            raise LexiconError(f"{file}: expected the columns {', '.join(_COLUMNS)}")
        for number, row in enumerate(reader, 2):
            if len(row) != len(_COLUMNS):
                raise LexiconError(f"{file}: row {number} has {len(row)} columns, not {len(_COLUMNS)}")
            cid, kind, name, terms, abbrevs, flags, xrefs = row
            if not _CURIE.match(cid):
                raise LexiconError(f"{file}: row {number}: '{cid}' is not a concept id (CURIE)")
            if kind not in TYPES:
                raise LexiconError(f"{file}: row {number}: unknown type '{kind}'")
            concepts[cid] = Entry(
                Concept(cid, name, kind),
                terms=tuple(t for t in terms.split("|") if t),
                abbrevs=tuple(t for t in abbrevs.split("|") if t),
                flags=frozenset(f for f in flags.split(",") if f),
                xrefs=tuple(x for x in xrefs.split("|") if x),
            )
    return Lexicon(concepts, path=path, digest=digest.hexdigest())


def read_patterns(path: Path | str, what: str) -> Any:
    """The JSON data of a patterns file under ``models/patterns/``; a missing or broken
    file is one :class:`~miner.errors.LexiconError` naming it (``what``: "relation
    patterns", "species patterns")."""
    try:
        return json.loads(Path(path).read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise LexiconError(f"{path}: {what} not found") from None
    except json.JSONDecodeError as exc:
        raise LexiconError(f"{path}: invalid JSON ({exc.msg}, line {exc.lineno})") from None


#: A file that every models folder holds (the trained pipeline's spaCy config), by which
#: :func:`default_models_dir` recognises one.
MODELS_MARKER = Path("pipeline") / "config.cfg"


def default_models_dir() -> Path:
    """The folder of the trained pipeline, lexicons and patterns.

    ``$MINER_MODELS`` if set; else ``models/`` of the source checkout that miner runs from
    (an editable install); else the installed package ``miner_models`` (a wheel carries
    ``models/`` under that name). A folder counts if it holds :data:`MODELS_MARKER`.
    """
    import os
    from importlib.util import find_spec

    env = os.environ.get("MINER_MODELS")
    if env:
        return Path(env)
    checkout = Path(__file__).resolve().parents[2]
    if (checkout / "pyproject.toml").is_file() and (checkout / "models" / MODELS_MARKER).is_file():
        return checkout / "models"
    spec = find_spec("miner_models")
    for location in (spec.submodule_search_locations or []) if spec else []:
        if (Path(location) / MODELS_MARKER).is_file():
            return Path(location)
    raise LexiconError(f"miner's models are missing (no models/ beside {checkout / 'miner'}, no package "
                       "miner_models); reinstall miner or set MINER_MODELS to the models folder")


def default_lexicon_path() -> Path:
    return default_models_dir() / "lexicon"
