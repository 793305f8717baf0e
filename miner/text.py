"""Normalisation of words and terms (pure functions, no spaCy).

The same :func:`norm_word` is the ``NORM`` of every token (set as the vocabulary's
lexeme getter, so it runs once per distinct word) and of every lexicon term, so that
"TNF-α", "TNF-alpha" and "Tnfα", "tumour" and "tumor", "cytokines" and "cytokine"
meet in the matcher.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

GREEK = {
    "α": "alpha", "β": "beta", "γ": "gamma", "δ": "delta", "ε": "epsilon", "ζ": "zeta",
    "η": "eta", "θ": "theta", "ι": "iota", "κ": "kappa", "λ": "lambda", "μ": "mu",
    "ν": "nu", "ξ": "xi", "π": "pi", "ρ": "rho", "σ": "sigma", "τ": "tau", "υ": "upsilon",
    "φ": "phi", "χ": "chi", "ψ": "psi", "ω": "omega",
    "Α": "alpha", "Β": "beta", "Γ": "gamma", "Δ": "delta", "Κ": "kappa",
    "ϐ": "beta", "ß": "beta", "µ": "mu",
}
_GREEK_RE = re.compile("|".join(map(re.escape, GREEK)))

# British -> American spellings that matter in this literature (whole-word stems).
_SPELLING = [
    (re.compile(r"our(s?)$"), r"or\1", ("behaviour", "tumour", "favour", "colour", "labour",
                                        "humour", "odour", "vigour", "rigour")),
    (re.compile(r"^oedem"), "edem", None),
    (re.compile(r"^oestr"), "estr", None),
    (re.compile(r"^oesophag"), "esophag", None),
    (re.compile(r"^haem"), "hem", None),
    (re.compile(r"^anaem"), "anem", None),
    (re.compile(r"^ischaem"), "ischem", None),
    (re.compile(r"^paed"), "ped", None),
    (re.compile(r"^orthopaed"), "orthoped", None),
    (re.compile(r"^leucocyt"), "leukocyt", None),
    (re.compile(r"^leukaem"), "leukem", None),
    (re.compile(r"^diarrhoe"), "diarrhe", None),
    (re.compile(r"^dyspnoe"), "dyspne", None),
    (re.compile(r"^foet"), "fet", None),
    (re.compile(r"^programme(s?)$"), r"program\1", None),
    (re.compile(r"^centre(s?)$"), r"center\1", None),
    (re.compile(r"^fibre(s?)$"), r"fiber\1", None),
    (re.compile(r"isation(s?)$"), r"ization\1", None),
    (re.compile(r"^randomis"), "randomiz", None),
    (re.compile(r"^minimis"), "minimiz", None),
    (re.compile(r"^characteris"), "characteriz", None),
]

#: Substrings without which no spelling rule above can apply (a cheap test first).
_SPELLING_HINTS = ("our", "oe", "haem", "anaem", "paed", "leuc", "leuk", "foet", "programme", "centre",
                   "fibre", "isation", "randomis", "minimis", "characteris")
_INNER_MARKS = re.compile(r"(?<=\w)[-\u2010\u2011\u2012\u2013./](?=\w)")

_KEEP_S = ("ss", "us", "is", "ys", "as", "os", "'s", "ics", "ous", "sis", "itis", "osis")
_PUNCT_ONLY = re.compile(r"^[\W_]+$")


@lru_cache(maxsize=200_000)
def norm_word(word: str) -> str:
    """The normal form of one token.

    Lower-cased, NFKC, Greek letters spelled out, hyphens and dots inside the word
    dropped, British spellings made American, and a plural ``-s``/``-ies`` made
    singular. Idempotent: ``norm_word(norm_word(w)) == norm_word(w)``.

    >>> norm_word("TNF-α"), norm_word("Tumours"), norm_word("cytokines")
    ('tnfalpha', 'tumor', 'cytokine')
    """
    if word.isascii():
        text = word
        shout = len(text) >= 2 and text.isupper()
        text = text.lower()
    else:
        text = unicodedata.normalize("NFKC", word)
        shout = len(text) >= 2 and text.isupper()
        text = _GREEK_RE.sub(lambda m: GREEK[m.group(0)], text).lower()
    if _PUNCT_ONLY.match(text):
        return text.replace("\u2010", "-").replace("\u2011", "-").replace("\u2013", "-")
    if not text.isalnum():
        text = _INNER_MARKS.sub("", text).replace("\u2019", "'")
    if any(hint in text for hint in _SPELLING_HINTS):
        for pattern, repl, only in _SPELLING:
            if only is not None and not any(text.startswith(w[:-3]) for w in only):
                continue
            text = pattern.sub(repl, text)
    return text if shout else singular(text)


def singular(word: str) -> str:
    """A crude singular, the same for the lexicon and the text.

    >>> singular("therapies"), singular("rats"), singular("diabetes"), singular("analysis")
    ('therapy', 'rat', 'diabete', 'analysis')
    """
    if len(word) <= 3 or not word.isalpha():
        return word
    if word.endswith("ies") and len(word) > 4:
        return word[:-3] + "y"
    if word.endswith("s") and not word.endswith(_KEEP_S):
        return word[:-1]
    return word


def norm_text(text: str) -> str:
    """Normal form of a phrase split on white space (for dictionary keys)."""
    return " ".join(n for n in (norm_word(w) for w in re.findall(r"[\w\u0370-\u03ff]+(?:[-'./][\w\u0370-\u03ff]+)*|[^\w\s]", text)) if n and not _PUNCT_ONLY.match(n))


def spell_out_greek(text: str) -> str:
    """Replace Greek letters with their names ("TNF-α" -> "TNF-alpha")."""
    return _GREEK_RE.sub(lambda m: GREEK[m.group(0)], text)


STOPWORDS = frozenset(
    """a an the of in on at to for from by with without and or nor but as than then that
    this these those which who whom whose what when where while is are was were be been
    being has have had do does did not no its it their there they them he she his her
    our we us you your i me my vs versus via per into onto over under between among after
    before during within about against both either neither each all any some such only
    also more most less least very so too can could may might must shall should will
    would group groups""".split()
)


def content_words(text: str) -> frozenset[str]:
    """Normalised content words of a name ("Pain intensity (VAS)" -> {pain, intensity, vas})."""
    return frozenset(w for w in norm_text(text).split() if w not in STOPWORDS and not w.isdigit()
                     and not _PUNCT_ONLY.match(w))
