"""Property-based tests: no input makes the effect-size parser or the readers crash or hang.

The strategies mix the vocabulary these functions look for (numbers in every notation,
dashes, "95% CI", "p <", ratios, units, HTML tags, JSON fields) with arbitrary text
and bytes, so that the examples land where the regular expressions and parsers have
to make decisions. Every example has a deadline: a pattern that backtracks
catastrophically fails the test instead of hanging it.

``MINER_FUZZ_EXAMPLES`` raises the number of examples per property for a longer fuzz
run (the counts in the issue note come from ``MINER_FUZZ_EXAMPLES=5000``).
"""

from __future__ import annotations

import json
import os
from datetime import timedelta
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from miner.articles.model import Article
from miner.articles.readers import READERS, decode_bytes, read_path
from miner.errors import ReadError
from miner.pipeline.effects import Effect, find_effects, parse_effect_size, to_number

EXAMPLES = int(os.environ.get("MINER_FUZZ_EXAMPLES", "150"))
FUZZ = settings(
    max_examples=EXAMPLES,
    deadline=timedelta(seconds=2),
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
    derandomize=EXAMPLES <= 150,  # the default run is the same every time; a fuzz run is not
)

# ----------------------------------------------------------------------------- effect sizes

_TOKENS = [
    "0.72", "−0.6", "-1.2", "0·45", "1,234", "12", "95%", "99.9%", "%", "CI", "95% CI",
    "(", ")", "[", "]", "–", "—", "-", " to ", ",", ";", ":", "=", "<", ">", "≤", "≥",
    "&lt;", "p", "P", "p-value", "n =", "N=", "SMD", "MD", "OR", "RR", "HR", "d =", "g =",
    "r =", "ρ", "fold", "-fold", "reduction", "decrease", "increase", "higher", "by",
    "approximately", "twenty-five", "hundred", "mg/dL", "pg/mL", "points", "mm Hg",
    "patients", "rats", "mice", "odds ratio", "hazard ratio", "risk ratio",
    "confidence interval", "Cohen's d", "Hedges' g", "effect size", "ns", " ", " ", "\n",
]

effect_text = st.one_of(
    st.lists(st.sampled_from(_TOKENS), max_size=40).map(" ".join),
    st.lists(st.sampled_from(_TOKENS), max_size=60).map("".join),
    st.text(max_size=300),
    st.lists(st.one_of(st.sampled_from(_TOKENS), st.text(max_size=8)), max_size=40).map("".join),
)


def _check_effect(effect: Effect, text: str, offset: int) -> None:
    assert 0 <= effect.start - offset <= effect.end - offset <= len(text)
    assert text[effect.start - offset: effect.end - offset] == effect.text
    assert effect.kind in {
        "percent_change", "fold_change", "mean_difference", "smd", "odds_ratio",
        "risk_ratio", "hazard_ratio", "correlation", "p_value", "ci", "sample_size",
    }
    for number in (effect.value, effect.low, effect.high):
        assert number is None or isinstance(number, float)
    assert effect.direction in (None, "decrease", "increase")


@FUZZ
@given(text=effect_text, offset=st.integers(min_value=0, max_value=10_000))
def test_find_effects_never_crashes_and_reports_true_spans(text, offset):
    effects = find_effects(text, offset)
    for effect in effects:
        _check_effect(effect, text, offset)
    # found without overlaps, in order
    for first, second in zip(effects, effects[1:]):
        assert first.end <= second.start


@FUZZ
@given(text=effect_text)
def test_parse_effect_size_is_one_of_the_effects_found(text):
    effect = parse_effect_size(text)
    found = find_effects(text)
    assert (effect is None) == (not found)
    if effect is not None:
        assert effect in found


@FUZZ
@given(text=st.one_of(st.text(max_size=40), st.sampled_from(_TOKENS)))
def test_to_number_returns_a_float_or_none(text):
    value = to_number(text)
    assert value is None or isinstance(value, float)


def test_long_runs_of_the_parser_s_own_vocabulary_finish_quickly():
    """Inputs built to make nested optional groups backtrack: they must still finish."""
    for piece in ("1 ", "1-", "1,", "95% ", "CI ", "( ", "- ", "0.5 to ", "p < ", "−"):
        text = piece * 4000
        find_effects(text)  # the deadline-free path: a hang here times out the suite


# ----------------------------------------------------------------------------- readers

_HTML_PIECES = [
    "<html>", "</html>", "<head>", "<title>", "</title>", "<body>", "</body>", "<p>", "</p>",
    "<h2>", "</h2>", "<script>", "</script>", "<style>", "</style>", "<!--", "-->", "<![CDATA[",
    "]]>", "<meta name=\"citation_pmid\" content=\"", "\">", "&amp;", "&alpha;", "&#x3b1;",
    "&#0;", "&bogus;", "<", ">", "\"", "'", "Methods", "Results", "TNF-α", "\x00", "\ufeff",
]
_JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=True) | st.text(max_size=30),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(
        st.sampled_from(["title", "abstract", "text", "body", "pmid", "pmcid", "doi", "year",
                         "journal", "sections", "label", "content", "x", "documents", "passages",
                         "infons", "offset", "section_type", "type", "abstractText", "pubYear", "resultList",
                         "result", "meshHeadingList", "pubTypeList", "source", "id"]) | st.text(max_size=5),
        inner, max_size=5),
    max_leaves=20,
)

_SOURCES = Path(__file__).resolve().parent.parent / "fixtures" / "sources"
_STRUCTURED = [path.read_bytes() for path in sorted(_SOURCES.iterdir())]


@st.composite
def mutated_source(draw):
    """A real-format file (PubMed, JATS, BioC, Europe PMC) cut, spliced or corrupted."""
    data = draw(st.sampled_from(_STRUCTURED))
    start = draw(st.integers(0, len(data)))
    end = draw(st.integers(start, len(data)))
    insert = draw(st.one_of(st.binary(max_size=20), st.sampled_from(
        [b"<", b"</", b"&", b"&#0;", b"<!ENTITY x 'y'>", b"]]>", b"\x00", b"{", b"}", b'"', b"<sec>", b"</p>"])))
    return data[:start] + insert + data[end:]


file_bytes = st.one_of(
    mutated_source(),
    st.binary(max_size=2000),
    st.text(max_size=1000).map(lambda t: t.encode("utf-8", "surrogatepass")),
    st.text(max_size=500).map(lambda t: t.encode("utf-16", "surrogatepass")),
    st.text(alphabet=st.characters(max_codepoint=255), max_size=500).map(lambda t: t.encode("latin-1")),
    st.lists(st.sampled_from(_HTML_PIECES) | st.text(max_size=10), max_size=60)
    .map(lambda parts: "".join(parts).encode("utf-8", "surrogatepass")),
    _JSON_VALUES.map(lambda v: json.dumps(v).encode()),
    st.lists(_JSON_VALUES.map(json.dumps) | st.text(max_size=20), max_size=8)
    .map(lambda lines: "\n".join(lines).encode("utf-8", "surrogatepass")),
)


@pytest.fixture(scope="module")
def scratch(tmp_path_factory):
    return tmp_path_factory.mktemp("fuzz")


@FUZZ
@given(data=file_bytes, suffix=st.sampled_from(sorted(READERS) + [".pdf", ""]))
def test_readers_yield_articles_or_read_errors_never_exceptions(scratch, data, suffix):
    path = Path(scratch) / f"input{suffix}"
    path.write_bytes(data)
    for result in read_path(path, path.name):
        assert isinstance(result, (Article, ReadError))
        if isinstance(result, ReadError):
            # a one-line message that names the file
            assert result.path.startswith(path.name)
            assert "\n" not in str(result)
        else:
            assert result.id and isinstance(result.text, str) and result.text.strip()
            for section in result.sections:
                assert 0 <= section.start <= section.end <= len(result.text)


@FUZZ
@given(data=st.binary(max_size=3000))
def test_decode_bytes_returns_text_or_says_why_not(data):
    try:
        text = decode_bytes(data, "x.txt")
    except ReadError as error:
        assert error.path == "x.txt" and str(error)
    else:
        assert isinstance(text, str) and text.strip()
