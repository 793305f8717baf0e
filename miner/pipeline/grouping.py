"""Which mentions of an article name the same concept (pure functions and the model).

Authors name one thing several ways: "codeine" and "codeine phosphate", "Pilates" and
"Pilates training", "chronic constriction injury" and "CCI", "pain" and "pain
intensity" - and two different things alike ("incision length", "total incision
length"). Whether two surface forms are one concept is learned from the annotated
articles (each gold concept lists its mentions): :func:`form_pair_features` describes a
pair of forms (shared and extra words, heads, lexicon ids, abbreviations, initials,
types); a linear model over them (``miner.FormPairScorer.v1``) scores the pair; and
:func:`group_forms` joins the forms by average linkage over those scores. An arm label
("group B", "the control group") names an arm without its words, so it is paired with
the interventions its sentences join it to (:func:`arm_links`: "group B (laser)",
"group B received laser") and joins the best-scored one's group.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import lru_cache

import spacy
from spacy.strings import get_string_id
from thinc.api import Logistic, Model, SparseLinear, chain

from miner.text import content_words

_WORDS = re.compile(r"[A-Za-z\u0370-\u03ff]+|\d+")


@dataclass(frozen=True)
class Form:
    """A distinct surface form of an article's mentions."""

    text: str
    type: str
    concept: str | None = None  # the lexicon's id for it, if any
    count: int = 1
    long_forms: frozenset[str] = frozenset()  # when the article defines it as a short form of these
    inner: frozenset[str] = frozenset()  # lexicon ids of the concepts named inside it
    links: frozenset[tuple[str, str]] = frozenset()  # (another form, how the sentence joins them): see arm_links


def _words(text: str) -> list[str]:
    return [w.lower() for w in _WORDS.findall(text)]


def _initials(text: str) -> str:
    return "".join(w[0] for w in _WORDS.findall(text) if w[:1].isalpha()).lower()


def _bucket(value: float) -> str:
    return "0" if value <= 0 else "lo" if value < 0.34 else "mid" if value < 0.67 else "hi" if value < 1 else "1"


@lru_cache(maxsize=65536)
def _content(text: str) -> frozenset[str]:
    return content_words(text)


def _acronym(text: str) -> str | None:
    letters = re.sub(r"[^A-Za-z]", "", text)
    return letters.lower() if 2 <= len(letters) <= 8 and letters.isupper() else None


_GROUP_REFERENCE = re.compile(
    r"^(?:the\s+|both\s+)?(?:(?:experimental|intervention|treatment|treated|study|active|trial|exercise|exercised|"
    r"training|trained|test|index)\s+)+(?:groups?|arms?|participants|patients|subjects|condition)$", re.I)
#: How many of the article's most named interventions a group reference is compared with.
ARMS_FOR_REFERENCES = 3


def group_reference(form: Form) -> bool:
    """A form that names an arm by its role, not by what it received: "the experimental
    group", "intervention arm", "exercise group"."""
    return form.type == "intervention" and bool(_GROUP_REFERENCE.match(form.text.strip()))


_ARM_LABEL = re.compile(
    r"^(?:the\s+)?(?:(?:groups?|arms?|cohorts?)\s*(?:[A-Z]{1,2}\d?|[IVX]+|\d+|one|two|three|four)|"
    r"(?:[A-Z]{1,2}|[IVX]+|\d+)\s*(?:groups?|arms?)|"
    r"(?:control|comparison|comparator|reference|usual[- ]care|sham|placebo|non-?exercise|untreated)\s*"
    r"(?:groups?|arms?|conditions?|subjects|participants|patients)|controls?|comparison)$", re.I)


def arm_label(form: Form) -> bool:
    """A form that labels an arm without saying what it received: a role ("the
    experimental group", :func:`group_reference`), a letter or number ("group B",
    "arm II") or a control ("the control group")."""
    return form.type == "intervention" and (group_reference(form) or bool(_ARM_LABEL.match(form.text.strip())))


#: How the words between an arm label and an intervention of one sentence join them.
_JOINS = (
    ("paren", re.compile(r"^\s*[(\[]\s*(?:n\s*=\s*\d+\s*[,;:]?\s*)?(?:the\s+)?$", re.I)),
    ("close", re.compile(r"^\s*[)\]]?\s*[,:=]\s*(?:the\s+)?$")),
    ("verb", re.compile(r"^[^.;()]{0,60}?\b(?:receiv\w*|underw\w*|undergo\w*|perform\w*|treated|given|"
                        r"assigned|allocated|randomi[sz]ed|consist\w*|did|practi[cs]\w*|took|took part|"
                        r"participat\w*|completed|followed|engaged|subjected|exposed|had|using|used|with)\b"
                        r"[^.;()]{0,40}$", re.I)),
    ("paren_after", re.compile(r"^[^.;()]{0,60}[(\[]\s*(?:the\s+)?$")),  # "saline at the same rate (control group)"
)
_NEAR_CHARS = 80


def join_kind(between: str, label_first: bool) -> str | None:
    """How ``between`` (the text from one mention's end to the other's start) joins an
    arm label and an intervention: ``paren`` ("group B (laser)", "laser (group B)"),
    ``close`` ("group B: laser"), ``verb`` ("group B received laser"; the label
    first), ``paren_after`` ("laser at 10 J (group B)"), ``near`` (a few words apart),
    else None."""
    for kind, pattern in _JOINS:
        if (kind != "verb" or label_first) and (kind != "paren_after" or not label_first) and pattern.match(between):
            return kind
    return "near" if len(between) <= _NEAR_CHARS and not re.search(r"[.;]\s", between) else None


def arm_links(text: str, mentions: Sequence[tuple[int, int, str, str]],
              sentence_of: Callable[[int], int]) -> dict[str, set[tuple[str, str]]]:
    """Arm label form -> {(intervention form, join)} for the labels and interventions
    that one sentence names together (``mentions``: start, end, text, type, in text
    order). A join through another intervention between them is marked ``+other``."""
    out: dict[str, set[tuple[str, str]]] = {}
    label = [m[3] == "intervention" and arm_label(Form(m[2], m[3])) for m in mentions]
    arms = [j for j, m in enumerate(mentions) if m[3] == "intervention" and not label[j]]
    if not arms or not any(label):
        return out
    sentence = [sentence_of(m[0]) for m in mentions]
    for i in (i for i, is_label in enumerate(label) if is_label):
        for j in arms:
            if sentence[j] != sentence[i]:
                continue
            lo, hi = (i, j) if i < j else (j, i)
            join = join_kind(text[mentions[lo][1]:mentions[hi][0]], label_first=i < j)
            if join is None:
                continue
            other = mentions[j][2]
            between = any(lo < k < hi and mentions[k][2] != other for k in arms)
            out.setdefault(mentions[i][2], set()).add((other, join + ("+other" if between else "")))
    return out


def link_pairs(forms: Sequence[Form]) -> list[tuple[int, int]]:
    """Each arm label with the interventions its sentences join it to (:func:`arm_links`)."""
    index = {f.text: i for i, f in enumerate(forms)}
    pairs = set()
    for i, form in enumerate(forms):
        for other, _ in form.links:
            j = index.get(other)
            if j is not None and j != i:
                pairs.add((min(i, j), max(i, j)))
    return sorted(pairs)


def reference_pairs(forms: Sequence[Form]) -> list[tuple[int, int]]:
    """Each group reference with the article's most named interventions (which the
    authors' "experimental group" may stand for)."""
    references = [i for i, f in enumerate(forms) if group_reference(f)]
    if not references:
        return []
    arms = _arm_order(forms)[:ARMS_FOR_REFERENCES]
    return sorted({(min(r, a), max(r, a)) for r in references for a in arms})


def _arm_order(forms: Sequence[Form]) -> list[int]:
    return sorted((i for i, f in enumerate(forms) if f.type == "intervention" and not group_reference(f)),
                  key=lambda i: (-forms[i].count, i))


def pair_rows(forms: Sequence[Form], pairs: Sequence[tuple[int, int]]) -> list[list[str]]:
    """The features of each pair of forms, with the arms' ranks for group references."""
    rank = {index: r for r, index in enumerate(_arm_order(forms))}
    return [form_pair_features(forms[i], forms[j], rank.get(j if group_reference(forms[i]) else i))
            for i, j in pairs]


def candidate_pairs(forms: Sequence[Form]) -> list[tuple[int, int]]:
    """The pairs of :func:`related` forms (i < j), found through an index of their
    words, ids, defined abbreviations and initials rather than by trying every pair,
    the group references with the main arms (:func:`reference_pairs`) and the arm labels
    with the interventions their sentences join them to (:func:`link_pairs`)."""
    by_key: dict[tuple[str, str], list[int]] = {}
    for index, form in enumerate(forms):
        keys = {("w", w) for w in _content(form.text)}
        if form.concept is not None:
            keys.add(("id", form.concept))
        keys |= {("id", cid) for cid in form.inner}
        keys.add(("text", form.text))
        keys |= {("text", long) for long in form.long_forms}
        acronym = _acronym(form.text)
        if acronym:
            keys.add(("initials", acronym))
        initials = _initials(form.text)
        if len(initials) >= 2:
            keys.add(("initials", initials))
        for key in keys:
            by_key.setdefault(key, []).append(index)
    pairs: set[tuple[int, int]] = set()
    for members in by_key.values():
        if len(members) > 1:
            for x in range(len(members)):
                for y in range(x + 1, len(members)):
                    i, j = members[x], members[y]
                    if i != j and related(forms[i], forms[j]):
                        pairs.add((min(i, j), max(i, j)))
    pairs.update(reference_pairs(forms))
    pairs.update(link_pairs(forms))
    return sorted(pairs)


def related(a: Form, b: Form) -> bool:
    """Whether the pair is worth scoring: a shared content word, the same lexicon id,
    a defined abbreviation, or initials that spell the other form."""
    if a.concept is not None and a.concept == b.concept:
        return True
    if b.text in a.long_forms or a.text in b.long_forms:
        return True
    if (a.concept is not None and a.concept in b.inner) or (b.concept is not None and b.concept in a.inner):
        return True
    if _content(a.text) & _content(b.text):
        return True
    for short, long in ((a, b), (b, a)):
        letters = re.sub(r"[^A-Za-z]", "", short.text)
        if 2 <= len(letters) <= 8 and letters.isupper() and letters.lower() == _initials(long.text):
            return True
    return False


def form_pair_features(a: Form, b: Form, arm_rank: int | None = None) -> list[str]:
    """The features of a pair of forms (order-free: the shorter form first). A group
    reference and an arm also get the reference's role word and the arm's rank among
    the article's interventions (``arm_rank``)."""
    if (len(a.text), a.text) > (len(b.text), b.text):
        a, b = b, a
    for label, arm in ((a, b), (b, a)):
        joins = sorted(join for other, join in label.links if other == arm.text)
        if joins and arm_label(label) and not arm_label(arm):
            feats = ["arm_link", *(f"join={join}" for join in joins), f"joins={min(len(joins), 3)}",
                     f"label_kind={'role' if group_reference(label) else 'named'}",
                     f"arm_count={min(arm.count, 4)}", f"label_count={min(label.count, 4)}"]
            if arm.concept is not None:
                feats.append("arm_known")
            if any(not join.endswith("+other") and join != "near" for join in joins):
                feats.append("direct_join")
            return feats
    for reference, arm in ((a, b), (b, a)):
        if group_reference(reference) and not group_reference(arm):
            words = [w.lower() for w in _WORDS.findall(reference.text)]
            feats = ["group_reference", f"reference_arm_rank={arm_rank}"]
            feats += [f"reference_word={w}" for w in words if w not in ("the", "both")]
            shared = set(words) & {w.lower() for w in _WORDS.findall(arm.text)}
            feats += [f"reference_shared={w}" for w in shared] or ["reference_shares_nothing"]
            if arm.concept is not None:
                feats.append("reference_arm_known")
            return feats
    wa, wb = _content(a.text), _content(b.text)
    types = "_".join(sorted((a.type, b.type)))
    feats = [f"types={types}", f"same_type={a.type == b.type}"]
    if a.concept is not None and b.concept is not None:
        feats.append("same_id" if a.concept == b.concept else "other_ids")
        if a.concept != b.concept:
            feats.append(f"other_ids_{types}")
    elif a.concept is not None or b.concept is not None:
        feats.append("one_id")
    if b.text in a.long_forms or a.text in b.long_forms:
        feats.append("defined_abbreviation")
    for outer, named in ((a, b), (b, a)):
        if named.concept is not None and named.concept in outer.inner:
            feats += ["names_inside", f"names_inside_{outer.type}_{named.type}",
                      f"names_inside_len={min(len(_words(outer.text)), 4)}"]
    letters = re.sub(r"[^A-Za-z]", "", a.text)
    if letters.isupper() and len(letters) >= 2:
        feats.append("a_acronym")
        if letters.lower() == _initials(b.text):
            feats.append("initials")
    union = wa | wb
    shared = wa & wb
    jaccard = len(shared) / len(union) if union else 0.0
    feats.append(f"jaccard={_bucket(jaccard)}")
    feats.append(f"jaccard_{types}={_bucket(jaccard)}")
    if wa and wa == wb:
        feats.append("same_words")
    elif wa and wa < wb:
        feats.append("a_in_b")
        feats.append(f"a_in_b_{b.type}")
        extra = wb - wa
        feats.append(f"extra_n={min(len(extra), 3)}")
        feats += [f"extra={w}" for w in extra]
        feats += [f"extra_{b.type}={w}" for w in extra]
        ta, tb = _words(a.text), _words(b.text)
        if ta and tb and tb[:len(ta)] == ta:
            feats.append("b_starts_with_a")
        if ta and tb and tb[-len(ta):] == ta:
            feats.append("b_ends_with_a")
    elif shared:
        feats += [f"differ={w}" for w in (wa ^ wb)]
    ta, tb = _words(a.text), _words(b.text)
    if ta and tb and ta[-1] == tb[-1]:
        feats.append("same_head")
    if ta and tb and ta[0] == tb[0]:
        feats.append("same_first")
    feats.append(f"lens={min(len(ta), 4)}_{min(len(tb), 4)}")
    return feats


def hashed(batch: Sequence[list[str]]):
    """Feature strings -> the (keys, values, lengths) input of a thinc ``SparseLinear``."""
    import numpy

    keys = numpy.asarray([get_string_id(f) for feats in batch for f in feats], dtype="uint64")
    values = numpy.ones(len(keys), dtype="float32")
    lengths = numpy.asarray([len(feats) for feats in batch], dtype="int32")
    return keys, values, lengths


def group_forms(forms: Sequence[Form], score: Callable[[list[tuple[int, int]]], Sequence[float]],
                threshold: float = 0.5) -> list[list[int]]:
    """Groups of forms (indices) that name one concept. First average-linkage
    clustering of the forms that say what they name, merging while the mean score
    between two groups is above ``threshold`` (forms with the same lexicon id start in
    one group; unrelated pairs score 0); then each group of arm labels alone ("group B",
    "the control group") joins the group it scores best with through one of its forms,
    if that score is above ``threshold``: a label stands for an arm wherever the
    article names it once."""
    pairs = candidate_pairs(forms)
    scores = list(score(pairs)) if pairs else []
    label = [arm_label(f) for f in forms]
    group_of = list(range(len(forms)))
    members: dict[int, list[int]] = {i: [i] for i in range(len(forms))}
    first: dict[str, int] = {}
    for index, form in enumerate(forms):
        if form.concept is None:
            continue
        if form.concept in first:
            target = first[form.concept]
            members[target].append(index)
            del members[index]
            group_of[index] = target
        else:
            first[form.concept] = index
    # Sum of pair scores between groups (only groups with a scored pair between them).
    sums: dict[tuple[int, int], float] = {}
    for (i, j), value in zip(pairs, scores):
        g, h = group_of[i], group_of[j]
        if g != h and label[i] == label[j]:
            key = (min(g, h), max(g, h))
            sums[key] = sums.get(key, 0.0) + float(value)
    while sums:
        (g, h), total = max(sums.items(), key=lambda item: item[1] / (len(members[item[0][0]]) * len(members[item[0][1]])))
        if total / (len(members[g]) * len(members[h])) <= threshold:
            break
        members[g].extend(members.pop(h))
        for index in members[g]:
            group_of[index] = g
        merged: dict[tuple[int, int], float] = {}
        for (x, y), value in sums.items():
            x, y = (g if x == h else x), (g if y == h else y)
            if x != y:
                key = (min(x, y), max(x, y))
                merged[key] = merged.get(key, 0.0) + value
        sums = merged
    # Arm labels: each group of labels alone to the group of its best-scored arm.
    best: dict[int, tuple[float, int]] = {}
    for (i, j), value in zip(pairs, scores):
        if label[i] == label[j]:
            continue
        labelled, arm = (i, j) if label[i] else (j, i)
        g, h = group_of[labelled], group_of[arm]
        if g == h or not all(label[m] for m in members[g]) or all(label[m] for m in members[h]):
            continue
        if value > threshold and value > best.get(g, (0.0, -1))[0]:
            best[g] = (float(value), h)
    for g, (_, h) in best.items():
        members[h].extend(members.pop(g))
    return [sorted(group) for group in members.values()]


@spacy.registry.architectures("miner.FormPairScorer.v1")
def form_pair_scorer(length: int = 2 ** 17) -> Model:
    """A linear model over hashed pair features, with a sigmoid: P(same concept)."""
    return chain(SparseLinear(nO=1, length=length), Logistic())
