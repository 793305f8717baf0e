"""Candidate findings: (subject, object) pairs of a sentence, and what is known of each.

The relation classifier (:mod:`miner.pipeline.relation_pipe`) decides every pair that
:func:`sentence_pairs` proposes; the candidates come from data, the decision from the
model:

- objects are the outcomes, biomarkers and conditions of the sentence;
- subjects are the sentence's interventions (any order: "pain was reduced by yoga"),
  and its conditions, biomarkers and outcomes written before the object (associations
  read left to right);
- and, as *arm* subjects, the article's main interventions that the sentence does not
  name ("pain fell more in the exercise group" names none; "no difference between
  groups" neither): the model decides whether the sentence is about them.

:func:`pair_features` gives the sparse features of a pair: the words between and around
it, where the cue words (``models/patterns/relations.json``) fall relative to it,
comparators before the subject ("than", "compared with"), negation, the statistics
after the object, the section, the types, what the lexicon says (control arm, class
word, valence) and, for arm subjects, the arm's rank. All plain data: a pair is built
from mention records, not spaCy objects.
"""

from __future__ import annotations

import bisect
import re
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from miner.pipeline.cues import Rules
from miner.pipeline.records import EntityMention

OBJECT_TYPES = ("outcome", "biomarker", "condition")
SUBJECT_TYPES = ("intervention", "condition", "biomarker", "outcome")
MAX_ARMS = 3
MAX_PAIRS = 80


@dataclass(frozen=True)
class MentionRef:
    """A mention as the classifier sees it (offsets into the article's text)."""

    start: int
    end: int
    token_start: int
    token_end: int
    type: str
    concept: str
    text: str
    flags: frozenset[str] = frozenset()  # control, class, valence=good|bad (the lexicon's)

    @classmethod
    def from_mention(cls, mention: EntityMention, flags: Iterable[str] = ()) -> MentionRef:
        return cls(mention.start, mention.end, mention.token_start, mention.token_end, mention.type,
                   mention.id, mention.text, frozenset(flags))


@dataclass(frozen=True)
class Arm:
    """One of the article's main interventions, ranked by how much the article names it."""

    concept: str
    rank: int
    mention: MentionRef  # its first mention, which stands for it in a sentence that does not name it
    words: frozenset[str] = frozenset()  # the content words of its mentions ("exercise group" refers to it)
    previous: bool = False  # named in the previous sentence ("The rats swam. They showed less pain.")


@dataclass(frozen=True)
class Pair:
    """A candidate finding of one sentence."""

    sentence: tuple[int, int]  # character offsets
    tokens: tuple[int, int]  # token offsets of the sentence
    subject: MentionRef  # for an arm, its first mention in the article
    object: MentionRef
    arm: Arm | None = None  # set when the sentence does not name the subject

    @property
    def key(self) -> tuple[int, str, str]:
        return (self.sentence[0], self.subject.concept, self.object.concept)


def article_arms(mentions: Sequence[MentionRef], limit: int = MAX_ARMS) -> list[Arm]:
    """The article's interventions that are not control arms, most mentioned first
    (mentions in the first 3,000 characters count three times: the title and abstract
    name the tested arms)."""
    counts: Counter[str] = Counter()
    first: dict[str, MentionRef] = {}
    words: dict[str, set[str]] = {}
    for mention in mentions:
        if mention.type != "intervention" or "control" in mention.flags:
            continue
        counts[mention.concept] += 3 if mention.start < 3000 else 1
        first.setdefault(mention.concept, mention)
        words.setdefault(mention.concept, set()).update(content_words(mention.text))
    ranked = sorted(counts, key=lambda c: (-counts[c], first[c].start))[:limit]
    # A word shared by two arms ("training" in "aerobic training" and "resistance training")
    # does not tell them apart.
    shared = Counter(w for c in ranked for w in words[c])
    return [Arm(c, i, first[c], frozenset(w for w in words[c] if shared[w] == 1)) for i, c in enumerate(ranked)]


#: The rank given to an arm that only the previous sentence names.
PREVIOUS_RANK = 9


def with_previous(arms: Sequence[Arm], previous: Sequence[MentionRef]) -> list[Arm]:
    """The study's arms, and the interventions the previous sentence named, as candidate
    subjects of a sentence that may speak of them without naming them."""
    named = {m.concept: m for m in previous}
    out = [Arm(a.concept, a.rank, a.mention, a.words, a.concept in named) for a in arms]
    known = {a.concept for a in arms}
    for concept, mention in named.items():
        if concept not in known:
            out.append(Arm(concept, PREVIOUS_RANK, mention, frozenset(content_words(mention.text)), True))
    return out


_CONTENT = re.compile(r"[a-z][a-z-]{3,}")
_FUNCTION_WORDS = frozenset({"with", "without", "plus", "alone", "only", "group", "groups", "arm", "arms", "from",
                             "that", "this", "than", "into", "after", "before", "during", "their", "both", "each"})


def content_words(text: str) -> set[str]:
    """The lowercased words of four or more letters of a mention, but function words."""
    return {w for w in _CONTENT.findall(text.lower()) if w not in _FUNCTION_WORDS}


def _closest(subjects: list[MentionRef], objects: list[MentionRef]) -> tuple[MentionRef, MentionRef]:
    return min(((s, o) for s in subjects for o in objects),
               key=lambda p: (abs(p[0].token_start - p[1].token_start), p[1].token_start))


def sentence_pairs(sentence: tuple[int, int], tokens: tuple[int, int], mentions: Sequence[MentionRef],
                   arms: Sequence[Arm] = ()) -> list[Pair]:
    """Every candidate (subject, object) pair of one sentence, one per pair of concepts."""
    by_concept: dict[str, list[MentionRef]] = {}
    for mention in mentions:
        by_concept.setdefault(mention.concept, []).append(mention)
    # A control arm ("sedentary rats", "usual care") is what a finding compares with, never its object.
    # Nor is the population ("patients with fibromyalgia"), unless the sentence also names it otherwise.
    objects = [c for c, ms in by_concept.items() if ms[0].type in OBJECT_TYPES and "control" not in ms[0].flags
               and not all("population" in m.flags for m in ms)]
    pairs: list[Pair] = []
    for obj in objects:
        for subj, subject_mentions in by_concept.items():
            if subj == obj or subject_mentions[0].type not in SUBJECT_TYPES or "control" in subject_mentions[0].flags:
                continue  # nor is a control arm a finding's subject: the arm compared with it is
            s, o = _closest(subject_mentions, by_concept[obj])
            if s.type != "intervention" and s.start >= o.start:
                continue
            pairs.append(Pair(sentence, tokens, s, o))
        o_first = by_concept[obj][0]
        for arm in arms:
            if arm.concept not in by_concept:
                pairs.append(Pair(sentence, tokens, arm.mention, o_first, arm))
    pairs.sort(key=lambda p: (p.arm is not None, abs(p.subject.token_start - p.object.token_start)))
    return pairs[:MAX_PAIRS]


# ----------------------------------------------------------------------------- features

_COMPARATOR = re.compile(r"\b(?:than|compared (?:with|to)|in comparison (?:with|to)|versus|vs\.?|relative to)(?!\w)", re.I)
_BETWEEN = re.compile(r"\b(?:between|among|across)\b", re.I)
_GROUP = re.compile(r"\bgroups?\b|\barms?\b", re.I)
_BOTH = re.compile(r"\b(?:both|all|either|each)\b", re.I)
_P_VALUE = re.compile(r"\bp\s?(?:value\s?)?(?P<op>[<>=≤≥]|&lt;|&gt;)\s?(?P<v>0?[.·]\d+|1(?:\.0+)?)", re.I)
_NS = re.compile(r"\bn\.?s\.?\b|\bnot significant|\bnon-?significant", re.I)
_CATEGORIES = ("decrease", "increase", "improve", "worsen", "no_effect", "association", "effect_of", "negation",
               "hedge", "within_group", "group_reference", "comparison_cue", "purpose", "weak", "co_intervention",
               "non_significance", "population_before")
_DIGIT = re.compile(r"\d")


def _word(text: str) -> str:
    word = text.lower()
    return "#" if _DIGIT.search(word) else word


def _bucket(n: int) -> str:
    return "0" if n <= 0 else "1" if n == 1 else "2-3" if n <= 3 else "4-6" if n <= 6 else "7-10" if n <= 10 \
        else "11-20" if n <= 20 else "21+"


def _p_values(text: str) -> list[tuple[int, bool]]:
    """(offset, significant) of each p-value in a sentence."""
    out = []
    for match in _P_VALUE.finditer(text):
        value = float(match.group("v").replace("·", "."))
        op = match.group("op")
        significant = value <= 0.05 if op in ("<", "≤", "&lt;") else value < 0.05 if op == "=" else False
        out.append((match.start(), significant))
    return out


class SentenceFeatures:
    """What a sentence says once, for all its pairs: its words, cues and statistics."""

    def __init__(self, text: str, start: int, words: Sequence[tuple[int, int]], cues: Rules,
                 section: str | None) -> None:
        self.text = text
        self.start = start
        self.words = words  # (start, end) of each token, relative to the sentence
        self._starts = [a for a, b in words if text[a:b].strip()]
        self._forms = [_word(text[a:b]) for a, b in words if text[a:b].strip()]
        self.positions: dict[str, list[int]] = {}
        for index, form in enumerate(self._forms):
            self.positions.setdefault(form, []).append(index)
        self.section = section or "none"
        self.cues = [(c.start, c.end, c.category) for category in _CATEGORIES for c in cues.find(category, text)]
        self.comparators = [m.start() for m in _COMPARATOR.finditer(text)]
        self.betweens = [m.start() for m in _BETWEEN.finditer(text)]
        self.p_values = _p_values(text)
        self.ns = bool(_NS.search(text))
        self.respectively = "respectively" in text.lower()
        self.both = bool(_BOTH.search(text))
        self.group = bool(_GROUP.search(text))

    def word_index(self, offset: int) -> int:
        """The index of the first word starting at or after ``offset``."""
        return bisect.bisect_left(self._starts, offset)

    def tokens_between(self, start: int, end: int) -> list[str]:
        """The words whose start lies in [start, end) (sentence-relative characters)."""
        return self._forms[bisect.bisect_left(self._starts, start):bisect.bisect_left(self._starts, end)]


_DIRECTIONS = ("decrease", "increase", "improve", "worsen", "no_effect", "association")


def nearest_cue(cues: Sequence[tuple[int, int, str]], start: int, end: int,
                categories: Sequence[str] = _DIRECTIONS) -> tuple[int, int, str] | None:
    """The cue of ``categories`` closest to the span [start, end) (sentence-relative
    characters; a cue inside the span counts as distance 0); of two as close, the
    longer ("did not significantly reduce" over the "reduce" inside it)."""
    best, best_key = None, None
    for cue in cues:
        if cue[2] not in categories:
            continue
        key = (max(0, start - cue[1], cue[0] - end), -(cue[1] - cue[0]))
        if best_key is None or key < best_key:
            best, best_key = cue, key
    return best


def _negated(cues: Sequence[tuple[int, int, str]], cue: tuple[int, int, str]) -> bool:
    """A negation cue ends at most 12 characters before ``cue`` ("did not reduce")."""
    return any(c[2] == "negation" and 0 <= cue[0] - c[1] <= 12 for c in cues)


def _head_words(mention: MentionRef) -> list[str]:
    words = [w for w in _CONTENT.findall(mention.text.lower())]
    return words[-2:]


def direction_features(obj: MentionRef, sentence: SentenceFeatures, valence: str) -> list[str]:
    """The direction cue closest to the object, where it is, whether it is negated, and
    with the object's own last words (so that the model learns which outcomes are
    better lower: "pain improved" is a decrease) and its lexicon valence."""
    base = sentence.start
    o0, o1 = obj.start - base, obj.end - base
    cue = nearest_cue(sentence.cues, o0, o1)
    if cue is None:
        return ["dir=none"]
    where = "pre" if cue[1] <= o0 else "post" if cue[0] >= o1 else "in"
    gap = max(0, o0 - cue[1], cue[0] - o1)
    distance = "near" if gap <= 25 else "mid" if gap <= 60 else "far"
    negated = "neg" if _negated(sentence.cues, cue) else "pos"
    category = cue[2]
    feats = [f"dir={category}", f"dir_w={category}_{where}_{distance}", f"dir_n={category}_{negated}",
             f"dir_nv={category}_{negated}_{valence}", f"dir_wv={category}_{where}_{valence}"]
    feats += [f"dir_ow={category}_{negated}_{w}" for w in _head_words(obj)]
    cue_word = _word(sentence.text[cue[0]:cue[1]])
    feats += [f"dir_cw={cue_word}", f"dir_cwo={cue_word}_{where}"]
    feats += [f"dir_cw_ow={cue_word}_{w}" for w in _head_words(obj)[-1:]]
    inner = sentence.tokens_between(cue[1], o0) if where == "pre" else sentence.tokens_between(o1, cue[0])
    if len(inner) <= 6:
        feats += [f"dir_bw={w}" for w in inner]
    # "lower in the control group than ...": the comparator's side of the control arm
    # turns the direction round.
    side = _control_side(sentence)
    if side:
        feats += [f"ctrl={side}", f"ctrl_dir={side}_{category}_{negated}"]
    return feats


_CONTROL_WORDS = ("control", "controls", "placebo", "sham", "usual")


def _control_side(sentence: SentenceFeatures) -> str | None:
    """Where a control word stands relative to the sentence's first comparator
    ("than", "compared with"): right after it, before it, or None (no comparator or
    no control word)."""
    if not sentence.comparators:
        return None
    places = _word_places(sentence, _CONTROL_WORDS)
    if not places:
        return None
    comparator = sentence.word_index(sentence.comparators[0])
    if any(0 <= i - comparator <= 4 for i in places):
        return "after_cmp"
    return "before_cmp" if any(i < comparator for i in places) else "far_after_cmp"


def _valence(mention: MentionRef) -> str:
    return next((f.split("=", 1)[1] for f in mention.flags if f.startswith("valence=")), "none")


def object_features(obj: MentionRef, sentence: SentenceFeatures, others: Sequence[MentionRef]) -> list[str]:
    """The sparse features of a (sentence, object) instance: does the sentence state a
    result about this object, and which way?"""
    base = sentence.start
    o0, o1 = obj.start - base, obj.end - base
    valence = _valence(obj)
    feats = [f"ot={obj.type}", f"sec={sentence.section}", f"sec_ot={sentence.section}_{obj.type}", f"oval={valence}"]
    if "class" in obj.flags:
        feats.append("o_class")
    interventions = {m.concept for m in others if m.type == "intervention"}
    objects = {m.concept for m in others if m.type in OBJECT_TYPES}
    feats += [f"nint={min(len(interventions), 3)}", f"nobj={min(len(objects), 4)}"]
    if any(m.type == "intervention" and m.start < obj.start for m in others):
        feats.append("int_before")
    if any(m.type == "intervention" and m.start > obj.start for m in others):
        feats.append("int_after")
    words = sentence.tokens_between(0, len(sentence.text))
    feats.append(f"len={_bucket(len(words))}")
    if words:
        feats.append(f"first={words[0]}")
    feats += [f"w={w}" for w in set(words)]
    feats += [f"o_pre={w}" for w in sentence.tokens_between(max(0, o0 - 40), o0)[-3:]]
    feats += [f"o_post={w}" for w in sentence.tokens_between(o1, o1 + 40)[:3]]
    pre = sentence.tokens_between(max(0, o0 - 40), o0)[-2:]
    if pre:
        feats.append(f"o_pre2={'_'.join(pre)}")
    for c0, c1, category in sentence.cues:
        where = "pre" if c1 <= o0 else "post" if c0 >= o1 else "in"
        near = abs(c0 - o1) <= 25 or abs(o0 - c1) <= 25
        feats.append(f"cue={category}_{where}")
        feats.append(f"cue_val={category}_{where}_{valence}")
        if near:
            feats.append(f"cue_near={category}_{where}")
            feats.append(f"cue_near_val={category}_{where}_{valence}")
    feats += statistics_features(sentence, o1)
    if sentence.comparators:
        feats.append("comparator")
    feats += direction_features(obj, sentence, valence)
    return feats


def statistics_features(sentence: SentenceFeatures, after: int) -> list[str]:
    """What the sentence's statistics say: the first p-value after ``after`` (a
    character offset), whether any is significant, "not significant" words, and
    "respectively"."""
    feats = []
    following = [sig for p, sig in sentence.p_values if p >= after]
    if following:
        feats.append(f"p_after={'sig' if following[0] else 'ns'}")
    feats.append(f"p_any={'sig' if any(sig for _, sig in sentence.p_values) else 'ns' if sentence.p_values else 'none'}")
    if sentence.ns:
        feats.append("ns_words")
    if sentence.respectively:
        feats.append("respectively")
    return feats


def _word_places(sentence: SentenceFeatures, words: Iterable[str]) -> list[int]:
    return sorted(i for w in words for i in sentence.positions.get(w, ()))


def arm_reference_features(arm: Arm, arms: Sequence[Arm], sentence: SentenceFeatures) -> list[str]:
    """How a sentence that does not name an arm may still point at it: its words
    ("the aerobic group" for aerobic training), right after a comparator ("than the
    aerobic group": the comparator) or before "group"; another arm's words instead."""
    feats = [f"arm_count={min(len(arms), 3)}"]
    places = _word_places(sentence, arm.words)
    if places:
        feats.append("arm_word")
        forms = sentence._forms
        if any(w in ("group", "groups", "arm", "arms") for i in places for w in forms[i + 1:i + 3]):
            feats.append("arm_word_group")
        cmp_words = [sentence.word_index(c) for c in sentence.comparators]
        if any(0 < i - c <= 3 for i in places for c in cmp_words):
            feats.append("arm_word_after_cmp")
        elif cmp_words and all(i < c for i in places for c in cmp_words):
            feats.append("arm_word_before_cmp")
    elif any(_word_places(sentence, other.words) for other in arms if other.concept != arm.concept):
        feats.append("other_arm_word")
    return feats


def pair_features(pair: Pair, sentence: SentenceFeatures, others: Sequence[MentionRef],
                  arms: Sequence[Arm] = ()) -> list[str]:
    """The sparse features of one pair (strings; the model hashes them); ``arms`` are
    the article's main interventions (:func:`article_arms`)."""
    base = sentence.start
    s, o = pair.subject, pair.object
    o0, o1 = o.start - base, o.end - base
    feats = [f"ot={o.type}", f"sec={sentence.section}", f"sec_ot={sentence.section}_{o.type}"]
    valence = next((f.split("=", 1)[1] for f in o.flags if f.startswith("valence=")), "none")
    feats.append(f"oval={valence}")
    if "class" in o.flags:
        feats.append("o_class")
    interventions = {m.concept for m in others if m.type == "intervention"}
    objects = {m.concept for m in others if m.type in OBJECT_TYPES}
    feats += [f"nint={min(len(interventions), 3)}", f"nobj={min(len(objects), 4)}"]
    if pair.arm is not None:
        feats += ["arm", f"arm_rank={pair.arm.rank}", f"arm_ot={pair.arm.rank}_{o.type}",
                  f"arm_nint={min(len(interventions), 2)}", f"arm_sec={sentence.section}"]
        if pair.arm.previous:
            feats += ["arm_previous", f"arm_previous_rank={pair.arm.rank}", f"arm_previous_nint={min(len(interventions), 2)}"]
        left, right = o0, o1
        feats += [f"v_pre={w}" for w in sentence.tokens_between(max(0, o0 - 40), o0)[-3:]]
        feats += [f"v_post={w}" for w in sentence.tokens_between(o1, o1 + 40)[:3]]
        feats += [f"v_w={w}" for w in set(sentence.tokens_between(0, len(sentence.text)))]
        if sentence.group:
            feats.append("arm_group_word")
        if sentence.both:
            feats.append("arm_both")
        if any(b < o0 for b in sentence.betweens):
            feats.append("arm_between_before_obj")
        feats += [f"{f}_{pair.arm.rank}" for f in arm_reference_features(pair.arm, arms, sentence)]
        order = "arm"
    else:
        s0, s1 = s.start - base, s.end - base
        feats += [f"st={s.type}", f"st_ot={s.type}_{o.type}"]
        if "control" in s.flags:
            feats.append("s_control")
        if "class" in s.flags:
            feats.append("s_class")
        rank = next((a.rank for a in arms if a.concept == s.concept), None)
        feats.append(f"s_arm={rank}" if rank is not None else f"s_notarm={s.type}")
        if s.type == "intervention":
            earlier = {m.concept for m in others if m.type == "intervention" and m.start < s.start}
            feats.append(f"s_int_index={min(len(earlier), 2)}")
        if any(w in ("group", "groups", "arm", "arms") for w in sentence.tokens_between(s1, s1 + 12)):
            feats.append("s_group")
        left, right = (s0, o1) if s0 < o0 else (o0, s1)
        inner_start, inner_end = (s1, o0) if s0 < o0 else (o1, s0)
        order = "so" if s0 < o0 else "os"
        between = sentence.tokens_between(inner_start, inner_end)
        feats += [f"order={order}", f"dist={_bucket(len(between))}", f"order_st={order}_{s.type}"]
        if len(between) <= 12:
            feats += [f"bw={w}" for w in between]
            feats += [f"bw2={a}_{b}" for a, b in zip(between, between[1:])]
        else:
            feats += ["bw_long"] + [f"bw_far={w}" for w in between[:4] + between[-4:]]
        feats += [f"s_pre={w}" for w in sentence.tokens_between(max(0, s0 - 40), s0)[-2:]]
        feats += [f"s_post={w}" for w in sentence.tokens_between(s1, s1 + 30)[:2]]
        feats += [f"o_pre={w}" for w in sentence.tokens_between(max(0, o0 - 40), o0)[-2:]]
        feats += [f"o_post={w}" for w in sentence.tokens_between(o1, o1 + 30)[:2]]
        # Comparators: the arm after "than" / "compared with" is the comparator.
        for c in sentence.comparators:
            if c < s0 and s0 - c <= 45:
                feats.append("s_after_cmp")
            elif c >= s1 and c - s1 <= 60:
                feats.append("cmp_after_s")
        if any(b < s0 and s0 - b <= 40 for b in sentence.betweens):
            feats.append("s_after_between")
        other_arms = [m for m in others if m.type == "intervention" and m.concept != s.concept]
        if other_arms:
            feats.append("other_arm")
            if any(m.start - base < s0 for m in other_arms):
                feats.append("other_arm_before_s")
            if any(inner_start <= m.start - base < inner_end for m in other_arms):
                feats.append("other_arm_between")
        if any(inner_start <= m.start - base < inner_end for m in others
               if m.type in OBJECT_TYPES and m.concept != o.concept):
            feats.append("other_obj_between")
    # Cue words by where they are relative to the pair.
    for c0, c1, category in sentence.cues:
        if c1 <= left:
            where = "pre"
        elif c0 >= right:
            where = "post"
        else:
            where = "in"
        feats.append(f"cue={category}_{where}")
        feats.append(f"cue_{order}={category}_{where}")
        if abs(c0 - o1) <= 25 or abs(o0 - c1) <= 25:
            feats.append(f"cue_near_o={category}")
            feats.append(f"cue_near_o_val={category}_{valence}")
    # Statistics after the object, before the next object.
    feats += statistics_features(sentence, o1)
    return feats
