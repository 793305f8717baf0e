"""Relations: who does what to whom, sentence by sentence (pure rules, then the component).

For each sentence with a target (an outcome, biomarker or condition) and a trigger
("reduced", "lower ... than", "improved", "no significant difference", "associated
with"), :func:`extract_sentence_relations` finds

- the **object**: each target governed by a trigger (coordinated targets each get the
  finding; a condition that only names the population, "patients with knee OA", does
  not);
- the **subject**: the tested intervention in the sentence (not the comparator after
  "than"/"compared with", not a control group), a group name defined in the text, a
  group reference ("the intervention group") or a subject carried over from the
  previous sentence or the article; a biomarker or condition for associations and
  relative clauses ("HSP27, which lowers cytokines");
- the **direction** (decreases / increases / no_effect / associated_with), with
  "improved" read through the object's valence ("improved pain" decreases pain,
  "improved function" increases it), comparatives inverted when the control group is
  the one that had more, and negation/no-effect cues ("did not significantly reduce");
- hedging, species, anatomy, the effect size and p-value stated for that object.

The cue words are data: ``models/patterns/relations.json``.
"""

from __future__ import annotations

import bisect
import json
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any, NamedTuple

from spacy.language import Language
from spacy.tokens import Doc

from miner.errors import LexiconError
from miner.pipeline import extensions
from miner.pipeline.caseless import lower_pattern
from miner.pipeline.context import (
    CONTROL_IDS,
    article_species,
    main_condition,
    main_interventions,
    study_type,
)
from miner.pipeline.lexicon import Lexicon, default_lexicon_path, default_models_dir
from miner.pipeline.study import article_study_context, evidence_context

TARGET_TYPES = ("outcome", "biomarker", "condition")
DIRECTIONAL = ("decrease", "increase", "improve", "worsen")
_CATEGORIES = (
    "decrease", "increase", "improve", "worsen", "no_effect", "association", "effect_of",
    "negation", "hedge", "comparator_before", "population_before", "within_group",
    "group_reference", "comparison_cue", "purpose", "clause_break", "weak", "co_intervention",
    "non_significance",
)
_BAD_WORDS = re.compile(
    r"pain|ache|disab|fatigue|symptom|stiff|anxi|depress|severity|distress|catastroph|"
    r"fear|kinesiophob|injur|adverse|side.?effect|complication|inflamm|impact|hyperalg|"
    r"allodyn|tender|spasm|discomfort|cost|dose|consumption|use|time to|duration of|"
    r"risk|incidence|sleepiness|insomnia|swelling|edema|oedema|nausea|vomit", re.I)
_SIGNIFICANCE = re.compile(r"\bsignifican|\bp\s?[<=>≤]|\b95\s?%\s?CI\b|\bdiffer", re.I)
_RELATIVE = re.compile(r"\s*,?\s*(?:which|that|who)\b", re.I)
_BE_BEFORE = re.compile(r"\b(?:was|were|is|are|be|been|being|became|remained|appeared|seemed)\s+(?:\w+ly\s+|not\s+)?(?:\w+ly\s+)?$", re.I)
_BETWEEN = re.compile(r"\b(?:between|among)\s+(?:the\s+)?(?=[\w+-]+(?:\s+[\w+-]+){0,6}\s+(?:and|or|vs\.?|versus)\s)", re.I)
_ADJECTIVE_AFTER = re.compile(r"\s+(?:[a-z]+(?:ed|ive|ful|ous|able|ible|ic|al|ant|ent)|likely|often|frequent|common|rapid|quickly|severe)\b", re.I)
_CHANGE_NOUN = re.compile(r"\b(?:improvements?|reductions?|decreases?|increases?|changes?|gains?|declines?|relief|benefits?)\b", re.I)
_VERB_BEFORE = re.compile(r"\b(?:to|help|helps|helped|can|could|may|might|will|would|did|does|do|should|significantly|markedly|further)\s+$", re.I)
_BE_VERB = re.compile(r"\b(?:was|were|is|are|been|became|remained)\b", re.I)
_AMOUNT_BEFORE = re.compile(r"(?:\d\s?%|\d(?:-|\s)?fold|\bsignificantly|\bmarkedly|\bslightly|\bmuch|\bfar)\s*$", re.I)
_MEASURE_LINK = re.compile(r"\s*(?:,\s*)?(?:\(|on\s+(?:the|a)\s+|by\s+(?:the|a)\s+|using\s+(?:the|a)\s+|with\s+the\s+|"
                           r"(?:as\s+)?(?:measured|assessed|evaluated|rated|scored)\s+(?:by|with|on|using)\s+(?:the|a)?\s*|"
                           r"according\s+to\s+(?:the)?\s*)(?:[\w-]+\s+){0,3}?$", re.I)
_THAN_AFTER = re.compile(r"\s*(?:[\w-]+\s+){0,6}?than\b", re.I)
_CONTINUATION = re.compile(
    r"\b(?:also|these|this|those|they|their|them|the (?:rats|mice|animals|patients|participants|subjects|"
    r"women|men|group|groups)|both|further(?:more)?|in addition|additionally|moreover|similarly|likewise)\b", re.I)


# ----------------------------------------------------------------------------- rules

class Cue(NamedTuple):
    """A cue found in a sentence: local character offsets and its category."""

    start: int
    end: int
    text: str
    category: str


class Rules:
    """Compiled cue patterns, one regular expression per category."""

    def __init__(self, patterns: dict[str, list[str]]) -> None:
        missing = [c for c in _CATEGORIES if c not in patterns]
        if missing:
            raise LexiconError(f"relation patterns lack the categories: {', '.join(missing)}")
        self.regex: dict[str, re.Pattern[str]] = {}
        self._lower: dict[str, re.Pattern[str]] = {}
        for category in _CATEGORIES:
            items = patterns[category]
            if not isinstance(items, list) or not all(isinstance(i, str) for i in items):
                raise LexiconError(f"relation patterns: '{category}' must be a list of strings")
            try:
                ordered = sorted(items, key=len, reverse=True)
                body = "|".join(f"(?:{item})" for item in ordered)
                source = rf"(?<![\w-])(?:{body})(?![\w-])"
                self.regex[category] = re.compile(source, re.I)
                # The same expression in lower case, run on the lower-cased text: the
                # same matches, several times faster than a case-insensitive scan.
                self._lower[category] = re.compile(lower_pattern(source))
            except re.error as exc:
                raise LexiconError(f"relation patterns: bad expression in '{category}': {exc}") from None
        self._text: str | None = None
        self._lowered: str | None = None

    def _scan(self, category: str, text: str) -> tuple[re.Pattern[str], str]:
        """The pattern to run and the text to run it on (the lower-cased copy when it
        keeps every offset, which it does for all but a few exotic characters)."""
        if text is not self._text:
            lowered = text.lower()
            self._text, self._lowered = text, lowered if len(lowered) == len(text) else None
        if self._lowered is None:
            return self.regex[category], text
        return self._lower[category], self._lowered

    def find(self, category: str, text: str, start: int = 0, end: int | None = None) -> list[Cue]:
        end = len(text) if end is None else end
        pattern, haystack = self._scan(category, text)
        return [Cue(m.start(), m.end(), text[m.start():m.end()], category) for m in pattern.finditer(haystack, start, end)]

    def search(self, category: str, text: str, start: int = 0, end: int | None = None) -> bool:
        end = len(text) if end is None else end
        pattern, haystack = self._scan(category, text)
        return pattern.search(haystack, start, end) is not None

    @classmethod
    def load(cls, path: Path | str | None = None) -> Rules:
        return _load_rules(str(Path(path) if path else default_models_dir() / "patterns" / "relations.json"))


@lru_cache(maxsize=4)
def _load_rules(path: str) -> Rules:
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise LexiconError(f"{path}: relation patterns not found") from None
    except json.JSONDecodeError as exc:
        raise LexiconError(f"{path}: invalid JSON ({exc.msg}, line {exc.lineno})") from None
    return Rules({k: v for k, v in data.items() if not k.startswith("_")})


# ----------------------------------------------------------------------------- context

@dataclass
class SentenceContext:
    """What a sentence may fall back on: the article's and the previous sentences'."""

    main_interventions: list[str] = field(default_factory=list)
    species: list[str] = field(default_factory=list)
    previous_subjects: list[dict[str, Any]] = field(default_factory=list)
    section: str | None = None
    group_names: dict[str, list[str]] = field(default_factory=dict)  # short form -> intervention ids
    names: dict[str, str] = field(default_factory=dict)  # concept id -> name
    lookup: Any = None  # text -> Concept | None (the lexicon), for concepts named inside words
    types: dict[str, str] = field(default_factory=dict)  # concept id -> type
    valence: dict[str, str] = field(default_factory=dict)  # concept id -> good/bad
    classes: set[str] = field(default_factory=set)  # ids of class words ("cytokines")


def object_valence(mention: dict[str, Any], ctx: SentenceContext) -> str | None:
    """'bad' when less of it is better (pain, disability, disease), 'good' when more is."""
    known = ctx.valence.get(mention["id"])
    if known:
        return known
    if mention["type"] == "condition":
        return "bad"
    words = f"{mention['text']} {mention.get('name', '')}"
    if _BAD_WORDS.search(words):
        return "bad"
    if mention["type"] == "outcome":
        return "good"
    return None


# ----------------------------------------------------------------------------- extraction

@dataclass
class _Candidate:
    """A finding before it is written out: who, what, which cue, which relation."""

    subject: dict[str, Any]
    target: dict[str, Any]
    trigger: Cue
    relation: str
    negated: bool


class _Sentence:
    """A sentence with its word positions, for distances in words."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.word_starts = [m.start() for m in re.finditer(r"\S+", text)]

    def word_index(self, char: int) -> int:
        return bisect.bisect_right(self.word_starts, char)

    def gap(self, end: int, start: int) -> int:
        """How many words start in ``[end, start)``: the words between two spans."""
        if start < end:
            return -1
        return bisect.bisect_left(self.word_starts, start) - bisect.bisect_left(self.word_starts, end)


def _local(mention: dict[str, Any], offset: int) -> tuple[int, int]:
    return mention["start"] - offset, mention["end"] - offset


def _overlaps(a: tuple[int, int], b: tuple[int, int]) -> bool:
    return a[0] < b[1] and b[0] < a[1]


def extract_sentence_relations(
    text: str,
    offset: int,
    mentions: Sequence[dict[str, Any]],
    effects: Sequence[dict[str, Any]],
    rules: Rules,
    ctx: SentenceContext,
) -> list[dict[str, Any]]:
    """The findings a sentence states.

    Parameters
    ----------
    text
        The sentence.
    offset
        Character offset of the sentence in the article (mentions and effects use
        article offsets, and so do the returned findings).
    mentions
        Entity mentions in the sentence: dicts with start, end, text, type, id, name.
    effects
        Effect sizes in the sentence (:class:`miner.pipeline.effects.Effect` dicts).
    rules
        The cue patterns.
    ctx
        Article-level fallbacks; ``ctx.previous_subjects`` is updated.
    """
    sentence = _Sentence(text)
    if _HEADING.match(text):
        return []
    mentions = _arm_roles(text, offset, mentions)
    rel = [m for m in mentions if m["type"] not in ("species", "anatomy")]
    interventions = [m for m in rel if m["type"] == "intervention"]
    group_uses = _group_name_uses(text, offset, ctx, mentions)
    targets_all = _drop_measures(text, offset, [m for m in rel if m["type"] in TARGET_TYPES], ctx)
    asides = [(a.start(), a.end()) for a in re.finditer(r"\([^()]*\)", text)]
    seen_ids: set[str] = set()
    kept_targets = []
    for target in targets_all:
        start = _local(target, offset)[0]
        if target["id"] in seen_ids and any(a < start < b for a, b in asides):
            continue  # "(P value of refractive error ...)": a restatement in an aside
        seen_ids.add(target["id"])
        kept_targets.append(target)
    targets_all = kept_targets
    if not targets_all:
        _remember(ctx, interventions + group_uses)
        return []
    has_result_cue = bool(_SIGNIFICANCE.search(text)) or any(e["kind"] == "p_value" for e in effects)
    if ctx.section == "methods" and not has_result_cue:
        _remember(ctx, interventions + group_uses)
        return []
    if rules.search("purpose", text) and not has_result_cue:
        _remember(ctx, interventions + group_uses)
        return []

    spans = [_local(m, offset) for m in mentions]
    triggers = _triggers(text, rules, spans, sentence, targets_all, offset)
    if not triggers:
        _remember(ctx, interventions + group_uses)
        return []
    breaks = [c.start for c in rules.find("clause_break", text)]

    def clause(pos: int) -> int:
        return bisect.bisect_right(breaks, pos)

    interventions = [_specific_arm(text, offset, m, ctx) for m in interventions]
    comparators = _comparators(text, offset, interventions + group_uses, rules)
    subjects_here = [m for m in interventions + group_uses if id(m) not in comparators]
    population = _population(text, offset, targets_all, rules)
    case_group = None if subjects_here else _case_group(text, offset, interventions, targets_all, population)
    if subjects_here and _parallel_arms(text, offset, interventions, rules):
        _remember(ctx, subjects_here)
        return []
    within = rules.search("within_group", text) and not _between_groups(text)
    comparison = rules.search("comparison_cue", text)
    hedges = rules.find("hedge", text)
    scope_breaks = sorted(set(breaks) | {m.start() for m in _RELATIVE_SCOPE.finditer(text)})

    def hedged_at(trigger: Cue) -> bool:
        """A hedge before the trigger in its own clause ("may reduce", "HSP27, which could
        lower"), or one that frames the whole sentence ("This suggests that...")."""
        start = scope_breaks[bisect.bisect_right(scope_breaks, trigger.start) - 1] if scope_breaks and \
            scope_breaks[0] <= trigger.start else 0
        return any(start <= h.start < trigger.start for h in hedges) or any(
            h.start < 40 and _FRAMING.match(h.text) for h in hedges)
    not_significant = rules.find("non_significance", text)

    candidates: list[_Candidate] = []
    used_subjects: list[dict[str, Any]] = []
    for target in targets_all:
        if id(target) in population or target is case_group:
            continue
        t_start, t_end = _local(target, offset)
        trigger = _governing_trigger(triggers, t_start, t_end, clause, sentence,
                                     [_local(m, offset)[1] for m in rel if m is not target])
        if trigger is None:
            continue
        if within and trigger.category != "association":
            continue
        relation = _direction(trigger, target, ctx)
        if relation is None:
            continue
        negated = False
        if trigger.category in ("association", "effect_of"):
            subjects = _association_subject(text, offset, trigger, rel, target, clause)
            if not subjects:
                continue
            negated = any(0 <= trigger.start - c.end <= 12 for c in rules.find("negation", text))
            if negated and trigger.category == "effect_of":
                relation, negated = "no_effect", False
        elif case_group is not None:
            # A case-control comparison: the condition is associated with the outcome.
            subjects = [case_group]
            negated = relation == "no_effect"
            relation = "associated_with"
            for subject in subjects:
                subject.setdefault("_source", "sentence")
        else:
            subjects = _subjects(text, offset, trigger, target, subjects_here, rel, clause, sentence)
            source = "sentence"
            if not subjects:
                subjects, source = _fallback_subjects(text, rules, ctx, comparison, has_result_cue)
            if not subjects:
                continue
            if trigger.category == "weak" or trigger.text.lower() in ("higher", "lower", "greater", "less", "more", "fewer"):
                if _control_had_more(text, offset, trigger, interventions + group_uses, comparators):
                    relation = {"increases": "decreases", "decreases": "increases"}.get(relation, relation)
            for subject in subjects:
                subject.setdefault("_source", source)
        if relation in ("decreases", "increases") and any(c.start >= trigger.end for c in not_significant):
            relation = "no_effect"  # "...was greater with X, but the difference was not significant"
        for subject in subjects:
            if subject["id"] == target["id"]:
                continue
            candidates.append(_Candidate(subject, target, trigger, relation, negated))
            used_subjects.append(subject)
    candidates += _pronoun_clauses(text, offset, triggers, breaks, clause, targets_all, population, candidates, ctx)
    candidates += _compound_modifiers(mentions, offset, ctx)
    _remember(ctx, used_subjects or interventions + group_uses)
    findings = []
    for candidate in _dedupe(candidates):
        finding = _finding(text, offset, candidate.subject, candidate.target, candidate.trigger, candidate.relation,
                           candidate.negated, hedged_at(candidate.trigger), mentions, effects, ctx)
        if finding["relation"] in ("decreases", "increases") and _not_significant_p(finding["p_value"]):
            finding["relation"] = "no_effect"
        findings.append(finding)
    return findings


_RELATIVE_SCOPE = re.compile(r",\s*(?:which|that|who)\b|;", re.I)
_FRAMING = re.compile(r"suggest|indicat|hypothes|may|might|could|possibl|likely|appear|seem", re.I)
_OVERRULED = re.compile(r"\s*(?:however|but|nevertheless|nonetheless|yet)\b", re.I)
_PRONOUN_START = re.compile(r"[;,]?\s*(?:however|but|whereas|while|yet|and)?,?\s*(?:they|these|those|both|it|all of them)\b",
                            re.I)


def _pronoun_clauses(text: str, offset: int, triggers: list[Cue], breaks: list[int], clause, targets: list[dict[str, Any]],
                     population: set[int], candidates: list[_Candidate], ctx: SentenceContext) -> list[_Candidate]:
    """"X and Y did not differ between A and B; however, they were lower than in the
    control group": a clause whose subject is a pronoun speaks of the previous clause's
    objects, with the previous clause's subjects."""
    out: list[_Candidate] = []
    for cue in triggers:
        index = clause(cue.start)
        if index == 0 or any(clause(_local(t, offset)[0]) == index for t in targets):
            continue
        if not _PRONOUN_START.match(text, breaks[index - 1]):
            continue
        previous = [t for t in targets if clause(_local(t, offset)[0]) == index - 1 and id(t) not in population]
        for target in previous:
            relation = _direction(cue, target, ctx)
            if relation is None:
                continue
            for earlier in [c for c in candidates if c.target["id"] == target["id"]]:
                out.append(_Candidate(earlier.subject, target, cue, relation, False))
    return out


GENERIC_ARMS = frozenset({"MESH:D015444", "MESH:D005081", "MESH:D013812"})
_GROUP_AFTER = re.compile(r"\s*(?:-|\s)?(?:training\s+|intervention\s+|therapy\s+|programs?\s+|programmes?\s+)?(?:groups?|arms?|condition|participants|patients|subjects|rats|mice|animals)\b", re.I)


def _specific_arm(text: str, offset: int, mention: dict[str, Any], ctx: SentenceContext) -> dict[str, Any]:
    """"the exercise group" means the article's tested exercise, when it has a more
    specific one ("aerobic exercise"): use that concept."""
    if mention["id"] not in GENERIC_ARMS or not ctx.main_interventions:
        return mention
    main = ctx.main_interventions[0]
    if main in GENERIC_ARMS or main == mention["id"]:
        return mention
    if not _GROUP_AFTER.match(text, _local(mention, offset)[1]) and mention["text"].lower() not in ("exercise", "training", "exercisers", "exercised", "exercising"):
        return mention
    return {**mention, "id": main, "name": ctx.names.get(main, main), "_generic": mention["id"]}


_ARM_ROLE = re.compile(r"\s*(?:-|\s)?(?:(?:intervention\s+|treatment\s+|training\s+|therapy\s+|program(?:me)?\s+)?"
                       r"(?:groups?|arms?|cohorts?)|intervention|program(?:me)?)\b", re.I)
_IN_THE_BEFORE = re.compile(r"\b(?:in|for|with)\s+the\s+$", re.I)
_COMPARED_AFTER = re.compile(r"\s*,?\s*(?:compared\s+(?:with|to)|versus|vs\.?|than|relative\s+to)\b", re.I)
_HEADING = re.compile(r"^[^a-z]*:?\s*$|^.{0,80}:\s*$", re.S)


def _arm_roles(text: str, offset: int, mentions: Sequence[dict[str, Any]]) -> list[dict[str, Any]]:
    """A concept named as a study group ("the WL group", "the diabetic group") is an arm
    here, whatever its type elsewhere."""
    out = []
    for mention in mentions:
        start, end = _local(mention, offset)
        if mention["type"] in ("condition", "outcome", "biomarker") and (
                _ARM_ROLE.match(text, end)
                or (_IN_THE_BEFORE.search(text, max(0, start - 12), start) and _COMPARED_AFTER.match(text, end))):
            mention = {**mention, "type": "intervention", "_role": mention["type"]}
        out.append(mention)
    return out


def _drop_measures(text: str, offset: int, targets: list[dict[str, Any]], ctx: SentenceContext) -> list[dict[str, Any]]:
    """An instrument named right after an outcome measures it, and is not a second
    finding: "pain intensity on the VAS", "disability (ODI)". A class word right before
    its members names them, and is not a finding of its own: "the cytokines TNF-α
    and IL-1β"."""
    out: list[dict[str, Any]] = []
    for mention in targets:
        if out and out[-1]["type"] == "condition" and mention["type"] == "outcome" and re.fullmatch(
                r"[\s-]*", text[_local(out[-1], offset)[1]:_local(mention, offset)[0]]):
            out.pop()  # "mucositis pain": the condition qualifies the outcome
        if out and out[-1]["id"] == mention["id"] and re.fullmatch(
                r"\s*[(\[]\s*", text[_local(out[-1], offset)[1]:_local(mention, offset)[0]]):
            continue  # "ankylosing spondylitis (AS)": one mention
        if out and out[-1]["id"] in ctx.classes and mention["type"] == out[-1]["type"]:
            between = text[_local(out[-1], offset)[1]:_local(mention, offset)[0]]
            if re.fullmatch(r"\s*(?:,|\(|:|such as|including|like|namely|e\.g\.,?)?\s*", between):
                out.pop()
        if out and mention["type"] == "outcome" and out[-1]["type"] in ("outcome", "condition"):
            previous = out[-1]
            between = text[_local(previous, offset)[1]:_local(mention, offset)[0]]
            if _MEASURE_LINK.fullmatch(between):
                previous.setdefault("measure", mention["text"])
                continue
        out.append(mention)
    return out


def _recalled(ctx: SentenceContext) -> list[dict[str, Any]]:
    """Fresh copies of the remembered subjects, without the working ("_") keys."""
    return [{k: v for k, v in s.items() if not k.startswith("_")} for s in ctx.previous_subjects]


def _remember(ctx: SentenceContext, subjects: list[dict[str, Any]]) -> None:
    real = [s for s in subjects if s["type"] == "intervention" and s["id"] not in CONTROL_IDS]
    if real:
        ctx.previous_subjects = real  # copied (without working keys) only when used: _recalled()


def _group_name_uses(text: str, offset: int, ctx: SentenceContext, mentions: Sequence[dict[str, Any]]) -> list[dict[str, Any]]:
    """Uses of group names defined in the text ("CCISE") as intervention mentions."""
    uses = []
    taken = [(m["start"], m["end"]) for m in mentions]
    for short, members in ctx.group_names.items():
        for match in re.finditer(rf"(?<![\w-]){re.escape(short)}(?![\w-])", text):
            span = (offset + match.start(), offset + match.end())
            if any(_overlaps(span, t) for t in taken):
                continue
            for cid in members:
                uses.append({"start": span[0], "end": span[1], "text": short, "type": "intervention",
                             "id": cid, "name": ctx.names.get(cid, cid), "_group": short})
    return uses


def _triggers(text: str, rules: Rules, spans: list[tuple[int, int]], sentence: _Sentence,
              targets: list[dict[str, Any]], offset: int) -> list[Cue]:
    """Direction, no-effect and association cues, outside entity mentions."""
    found: list[Cue] = []
    asides = [(m.start(), m.end()) for m in re.finditer(r"\([^()]*\)", text)]
    target_spans = [_local(t, offset) for t in targets]
    for category in ("no_effect", "association", "effect_of", *DIRECTIONAL):
        for cue in rules.find(category, text):
            if any(_overlaps((cue.start, cue.end), s) for s in spans):
                continue
            aside = next((a for a in asides if a[0] < cue.start and cue.end < a[1]), None)
            if aside and not any(aside[0] < t0 < aside[1] for t0, _ in target_spans):
                continue  # "(whichever was higher)": an aside, not the finding
            found.append(cue)
    weak = {(c.start, c.end) for c in rules.find("weak", text)}
    target_starts = sorted(_local(t, offset)[0] for t in targets)
    kept: list[Cue] = []
    for cue in sorted(found, key=lambda c: (c.start, -(c.end - c.start))):
        if kept and _overlaps((cue.start, cue.end), (kept[-1].start, kept[-1].end)):
            continue
        if (cue.start, cue.end) in weak:
            near_target = any(0 <= sentence.gap(cue.end, s) <= 3 for s in target_starts if s >= cue.end)
            predicative = any(
                0 <= sentence.gap(e, cue.start) <= 6 and _BE_VERB.search(text, e, cue.start)
                for e in (_local(t, offset)[1] for t in targets))
            if not (near_target or predicative or _THAN_AFTER.match(text, cue.end)
                    or _BE_BEFORE.search(text, 0, cue.start) or _VERB_BEFORE.search(text, 0, cue.start)
                    or _AMOUNT_BEFORE.search(text, 0, cue.start)):
                continue
            if re.match(r"\s*(?:[\w-]+\s+){0,6}?than\s+(?:\d|expected|anticipated|predicted|previously|usual|before|ever|once)", text[cue.end:], re.I):
                continue  # "more than 30 patients", "more than expected"
            if _ADJECTIVE_AFTER.match(text, cue.end):
                continue  # "more effective", "less studied": an intensifier, not a direction
            cue = Cue(cue.start, cue.end, cue.text, cue.category)
        kept.append(cue)
    strong_nouns = [(c.start, c.end) for c in kept if (c.start, c.end) not in weak and _CHANGE_NOUN.fullmatch(c.text)]
    if strong_nouns:
        # "greater reduction in pain", "improvements in X were greater": the comparative
        # grades the change, the change noun gives the direction.
        breaks = [cue.start for cue in rules.find("clause_break", text)]
        def clause_of(pos: int) -> int:
            return bisect.bisect_right(breaks, pos)
        noun_clauses = {clause_of(a) for a, _ in strong_nouns}
        kept = [c for c in kept if not ((c.start, c.end) in weak and clause_of(c.start) in noun_clauses)]
    # A no-effect cue right before a direction trigger takes it over ("did not reduce").
    merged: list[Cue] = []
    starts = sorted(_local(t, offset)[0] for t in targets)
    for cue in kept:
        gap = sentence.gap(merged[-1].end, cue.start) if merged else -1
        no_target_between = merged and not any(merged[-1].end <= t < cue.start for t in starts)
        if merged and merged[-1].category == "no_effect" and cue.category in DIRECTIONAL + ("effect_of",) \
                and (0 <= gap <= 2 or (0 <= gap <= 6 and no_target_between and _CHANGE_NOUN.fullmatch(cue.text))):
            previous = merged.pop()
            cue = Cue(previous.start, cue.end, text[previous.start:cue.end], "no_effect")
        merged.append(cue)
    return merged


def _comparators(text: str, offset: int, interventions: list[dict[str, Any]], rules: Rules) -> set[int]:
    """Interventions that are not the tested arm: the comparison ("than X", "compared
    with X"), a control group, or a co-intervention ("as an adjunct to X")."""
    out: set[int] = set()
    secondary: set[int] = set()
    for mention in interventions:
        start, _ = _local(mention, offset)
        if mention["id"] in CONTROL_IDS:
            out.add(id(mention))
            continue
        before = text[max(0, start - 40):start]
        for cue in rules.find("comparator_before", before):
            if cue.end >= len(before) - 1 and cue.text.lower().split()[0] in (
                    "than", "compared", "comparison", "versus", "vs", "vs.", "relative", "over", "against", "in"):
                out.add(id(mention))
        for cue in rules.find("co_intervention", before):
            if cue.end >= len(before) - 1:
                secondary.add(id(mention))
    real = [m for m in interventions if id(m) not in out]
    # A co-intervention is a subject only when nothing else is.
    if any(id(m) not in secondary for m in real):
        out |= secondary
    return out


def _case_group(text: str, offset: int, interventions: list[dict[str, Any]], targets: list[dict[str, Any]],
                population: set[int]) -> dict[str, Any] | None:
    """"lower in patients with myalgia than in healthy controls": with only a control
    group to compare with, the condition of the cases is the subject."""
    controls = [m for m in interventions if m["id"] in CONTROL_IDS]
    if not controls:
        return None
    control = controls[-1]
    before = text[:_local(control, offset)[0]]
    if not re.search(r"\b(?:than|compared (?:with|to)|versus|vs\.?|and|between)\s+(?:the\s+|in\s+|healthy\s+|matched\s+)*$", before, re.I):
        return None
    conditions = [m for m in targets if m["type"] == "condition" and m["end"] <= control["start"]]
    if not conditions:
        return None
    in_population = [m for m in conditions if id(m) in population]
    return (in_population or conditions)[-1]


def _parallel_arms(text: str, offset: int, interventions: list[dict[str, Any]], rules: Rules) -> bool:
    """"... was 12.9 in the arthroscopy group and 11.4 in the control group": each arm
    described on its own, with no comparison stated, is not a between-group finding."""
    controls = [m for m in interventions if m["id"] in CONTROL_IDS]
    arms = [m for m in interventions if m["id"] not in CONTROL_IDS]
    if not controls or not arms:
        return False
    if re.search(r"\b(?:than|compared|comparison|versus|vs\b|differ\w*|significan\w*|between|relative|favou?r|"
                 r"superior|inferior|more|less|greater|better|worse|higher|lower|only|but|whereas|while|not)\b",
                 text, re.I):
        return False
    return any(e for e in re.finditer(r"\bin the\b", text, re.I)) and len(re.findall(r"\bin the\b", text, re.I)) >= 2


def _population(text: str, offset: int, targets: list[dict[str, Any]], rules: Rules) -> set[int]:
    """Conditions that name who was studied ("in patients with knee OA"), not an outcome."""
    out: set[int] = set()
    for mention in targets:
        if mention["type"] != "condition":
            continue
        start, end = _local(mention, offset)
        before = text[max(0, start - 60):start]
        for cue in rules.find("population_before", before):
            if len(before.rstrip()) - cue.end <= 1 or before[cue.end:].strip() == "":
                out.add(id(mention))
                break
        after = text[end:end + 30].lower()
        if re.match(r"^\s*(?:patients|subjects|participants|rats|mice|animals|women|men|adults|group|model)\b", after):
            out.add(id(mention))
        if re.match(r"^-(?:induced|related|associated)", text[end:end + 12]):
            out.add(id(mention))
        # "pain in fibromyalgia", "TNF-α in diabetic rats": the condition after another target.
        if re.search(r"\b(?:in|of|among|with)\s+(?:the\s+|a\s+)?(?:[\w-]+\s+)?$", before) and any(
                0 <= start - _local(other, offset)[1] <= 25 and other is not mention
                and _local(other, offset)[1] <= start for other in targets):
            out.add(id(mention))
    return out


def _between_groups(text: str) -> bool:
    return bool(re.search(r"\bbetween(?:[- ](?:the|both|all|two|three|these|study|treatment|intervention))*[- ]groups?\b|\bbetween[- ]group\b|\bthan\b|\bcompared (?:with|to) (?:the )?(?:control|placebo|usual|sham|wait)|\bintergroup\b|\bgroup differences?\b", text, re.I))


#: Words that name giving a substance: "vitamin C supplementation" tests vitamin C.
_ADMINISTRATION = re.compile(r"(?:supplement\w*|administration|infusions?|injections?)$", re.I)
_ADMINISTRABLE = ("biomarker", "other")


def _administered(mentions: list[dict[str, Any]], text: str) -> list[dict[str, Any]]:
    """Merge "<substance> supplementation/administration/infusion" into one intervention
    mention of the substance: the substance is what was tested, not "supplements"."""
    out: list[dict[str, Any]] = []
    for mention in mentions:
        previous = out[-1] if out else None
        if (previous is not None and mention["type"] == "intervention" and previous["type"] in _ADMINISTRABLE
                and _ADMINISTRATION.match(mention["text"]) and 0 <= mention["start"] - previous["end"] <= 1
                and text[previous["end"]:mention["start"]] in ("", " ", "-")):
            out[-1] = {**previous, "type": "intervention", "end": mention["end"],
                       "text": text[previous["start"]:mention["end"]]}
            continue
        out.append(mention)
    return out


def _governing_trigger(triggers: list[Cue], t_start: int, t_end: int, clause, sentence: _Sentence,
                       entity_ends: list[int]) -> Cue | None:
    """The trigger that speaks about a target: the nearest one in its clause; an
    association ("X was associated with more severe Y") governs what follows it."""
    same = [c for c in triggers if clause(c.start) == clause(t_start)]
    # "pain reduction was similar among groups": the predicate, not the noun, says it.
    predicative = [c for c in same if c.category == "no_effect" and c.start >= t_end
                   and re.fullmatch(r"\s*(?:[\w-]+\s+){0,2}?(?:was|were|is|are|did|remained|appeared)\s+(?:\w+ly\s+)?",
                                    sentence.text[t_end:c.start], re.I)]
    if predicative:
        return predicative[0]
    association = [c for c in same if c.category == "association" and c.end <= t_start
                   and any(end <= c.start and clause(end - 1) == clause(c.start) for end in entity_ends)]
    if association and not any(c.category in DIRECTIONAL + ("no_effect",) and association[-1].end <= c.start < t_start
                               for c in same):
        # "associated with a resistin concentration reduction": the change noun right
        # after the target says which way it went.
        nominal = [c for c in same if c.category in ("decrease", "increase") and c.start >= t_end
                   and re.fullmatch(r"\s*(?:(?:concentrations?|levels?|values?|scores?)\s+)?",
                                    sentence.text[t_end:c.start], re.I)
                   and re.match(r"(?:reductions?|decreases?|declines?|increases?|elevations?|rises?)\b", c.text, re.I)]
        return nominal[0] if nominal else association[-1]
    pool = same  # a trigger across "but", "except", "whereas" speaks of something else
    best: tuple[float, Cue] | None = None
    for cue in pool:
        if cue.end <= t_start:
            distance = sentence.gap(cue.end, t_start)
            score = distance
        else:
            distance = sentence.gap(t_end, cue.start)
            score = distance + 0.5  # prefer the trigger before the target on ties
        if cue.category == "no_effect" and cue.start > t_end:
            score -= 0.25
        if best is None or score < best[0]:
            best = (score, cue)
    if best is None or best[0] > 25:
        return None
    return best[1]


def _direction(trigger: Cue, target: dict[str, Any], ctx: SentenceContext) -> str | None:
    category = trigger.category
    if category == "weak":
        lowered = trigger.text.lower()
        category = ("decrease" if re.match(r"less|fewer|lower|smaller|los|slow|fell|fall|drop", lowered)
                    else "improve" if re.match(r"better|benefi|help|favo", lowered)
                    else "worsen" if re.match(r"worse|poorer", lowered)
                    else "increase")
    if category == "decrease":
        return "decreases"
    if category == "increase":
        return "increases"
    if category == "no_effect":
        return "no_effect"
    if category in ("association", "effect_of"):
        return "associated_with"
    valence = object_valence(target, ctx)
    if valence is None:
        return "associated_with"
    better = category == "improve"
    if valence == "bad":
        return "decreases" if better else "increases"
    return "increases" if better else "decreases"


def _subjects(text: str, offset: int, trigger: Cue, target: dict[str, Any], candidates: list[dict[str, Any]],
              rel: list[dict[str, Any]], clause, sentence: _Sentence) -> list[dict[str, Any]]:
    """The tested arms that the trigger speaks about."""
    # A biomarker in a relative clause acts itself: "HSP27, which could lower cytokines".
    left = [m for m in rel if _local(m, offset)[1] <= trigger.start and m is not target
            and clause(_local(m, offset)[0]) == clause(trigger.start)]
    if left:
        nearest = max(left, key=lambda m: m["end"])
        if nearest["type"] in ("biomarker",) and _RELATIVE.match(text, _local(nearest, offset)[1]):
            between = text[_local(nearest, offset)[1]:trigger.start]
            if not any(_local(c, offset)[0] >= _local(nearest, offset)[1] and _local(c, offset)[1] <= trigger.start
                       for c in candidates) and len(between.split()) <= 8:
                return [nearest]
    if not candidates:
        return []
    between = _BETWEEN.search(text)
    if between:
        inside = [c for c in candidates if between.start() <= _local(c, offset)[0] < between.end() + 60]
        if inside:
            return [min(inside, key=lambda m: m["start"])]
    in_clause = [c for c in candidates if clause(_local(c, offset)[0]) == clause(trigger.start)]
    pool = in_clause or candidates
    # The grammatical subject comes first ("Yoga ... reduced pain", "Compared with X,
    # the Y group had less pain"); with none before the trigger, the nearest after it
    # ("pain was lower in the yoga group").
    before = [c for c in pool if _local(c, offset)[1] <= trigger.start]
    if before:
        first = min(before, key=lambda m: m["start"])
    else:
        first = min(pool, key=lambda m: abs(_local(m, offset)[0] - trigger.start))
    chosen = [first]
    seen = {first["id"]}
    # Coordinated arms ("swimming and treadmill running reduced...") are all subjects.
    for other in sorted(pool, key=lambda m: m["start"]):
        if other["id"] in seen:
            continue
        a, b = sorted([chosen[-1], other], key=lambda m: m["start"])
        gap = text[_local(a, offset)[1]:_local(b, offset)[0]]
        if re.fullmatch(r"\s*(?:,|and|or|,\s*and|/|&)\s*(?:the\s+)?", gap, re.I):
            chosen.append(other)
            seen.add(other["id"])
    return chosen


def _association_subject(text: str, offset: int, trigger: Cue, rel: list[dict[str, Any]],
                         target: dict[str, Any], clause) -> list[dict[str, Any]]:
    """For "X is associated with Y" and "the effect of X on Y": X."""
    t_start = _local(target, offset)[0]
    if trigger.category == "effect_of":
        after = [m for m in rel if trigger.end <= _local(m, offset)[0] < t_start and m is not target]
        interventions = [m for m in after if m["type"] == "intervention"]
        return interventions[:1]
    if t_start < trigger.start:
        # "X is associated with Y": the left side is the subject; an object on the left
        # only for an intervention on the right ("pain was related to the training").
        right = [m for m in rel if _local(m, offset)[0] >= trigger.end and m is not target
                 and m["type"] == "intervention" and clause(_local(m, offset)[0]) == clause(trigger.start)]
        return sorted(right, key=lambda m: m["start"])[:1]
    left = [m for m in rel if _local(m, offset)[1] <= trigger.start and m is not target
            and clause(_local(m, offset)[0]) == clause(trigger.start)]
    if not left:
        return []
    interventions = [m for m in left if m["type"] == "intervention"]
    return [max(interventions or left, key=lambda m: m["end"])]


def _fallback_subjects(text: str, rules: Rules, ctx: SentenceContext, comparison: bool,
                       has_result_cue: bool) -> tuple[list[dict[str, Any]], str]:
    """A subject from outside the sentence, when the sentence clearly refers to one."""
    if ctx.main_interventions and rules.search("group_reference", text):
        return [_context_subject(cid, ctx) for cid in ctx.main_interventions[:1]], "article"
    if ctx.previous_subjects and _CONTINUATION.search(text):
        return _recalled(ctx), "previous"
    if ctx.section in ("background", "methods", "discussion"):
        return [], "none"  # an introduction's claims are not this study's arm
    if ctx.main_interventions and comparison and (has_result_cue or ctx.section in ("results", "conclusions", None)):
        return [_context_subject(cid, ctx) for cid in ctx.main_interventions[:1]], "article"
    if ctx.section in ("results", "conclusions") and (has_result_cue or ctx.previous_subjects):
        if ctx.previous_subjects:
            return _recalled(ctx), "previous"
        if ctx.main_interventions:
            return [_context_subject(cid, ctx) for cid in ctx.main_interventions[:1]], "article"
    return [], "none"


def _context_subject(cid: str, ctx: SentenceContext) -> dict[str, Any]:
    return {"id": cid, "type": "intervention", "name": ctx.names.get(cid, cid), "text": "",
            "start": -1, "end": -1}


def _control_had_more(text: str, offset: int, trigger: Cue, arms: list[dict[str, Any]], comparators: set[int]) -> bool:
    """"pain was higher in the control group than in the exercise group": invert."""
    after = [m for m in arms if 0 <= _local(m, offset)[0] - trigger.end <= 45]
    if not after:
        return False
    first = min(after, key=lambda m: m["start"])
    if first["id"] not in CONTROL_IDS and id(first) not in comparators:
        return False
    rest = text[_local(first, offset)[1]:]
    than = re.search(r"\bthan\b|\bcompared (?:with|to)\b|\bversus\b|\bvs\b", rest, re.I)
    if not than:
        return False
    return any(m["id"] not in CONTROL_IDS and _local(m, offset)[0] >= _local(first, offset)[1] + than.start()
               for m in arms)


def _finding(text: str, offset: int, subject: dict[str, Any], target: dict[str, Any], trigger: Cue,
             relation: str, negated: bool, hedged: bool, mentions: Sequence[dict[str, Any]],
             effects: Sequence[dict[str, Any]], ctx: SentenceContext) -> dict[str, Any]:
    species = next((m["id"] for m in mentions if m["type"] == "species"), None)
    if species is None and ctx.species:
        species = ctx.species[0]
    anatomy_mentions = [m for m in mentions if m["type"] == "anatomy"]
    anatomy = None
    if anatomy_mentions:
        anatomy = min(anatomy_mentions, key=lambda m: abs(m["start"] - target["start"]))
    effect, p_value = attach_effect(target, trigger, offset, mentions, effects,
                                    respectively="respectively" in text.lower(), text=text)
    source = subject.get("_source", "sentence")
    confidence = 0.9 if source == "sentence" else 0.7 if source == "previous" else 0.6
    if hedged:
        confidence -= 0.2
    if ctx.section in ("background", "discussion"):
        confidence -= 0.1
    return {
        "subject": subject["id"],
        "subject_name": subject.get("name", subject["id"]),
        "subject_type": subject["type"],
        "subject_text": subject.get("text", ""),
        "subject_start": subject.get("start", -1),
        "subject_end": subject.get("end", -1),
        "subject_source": source,
        "object": target["id"],
        "object_name": target.get("name", target["id"]),
        "object_type": target["type"],
        "object_text": target["text"],
        "object_start": target["start"],
        "object_end": target["end"],
        "relation": relation,
        "trigger": trigger.text,
        "trigger_start": offset + trigger.start,
        "sentence": text,
        "start": offset,
        "end": offset + len(text),
        "negated": negated,
        "hedged": bool(hedged),
        "effect": effect,
        "p_value": p_value,
        "species": species,
        "anatomy": anatomy["id"] if anatomy else None,
        "anatomy_name": anatomy["name"] if anatomy else None,
        "section": ctx.section,
        "confidence": round(max(0.1, min(1.0, confidence)), 2),
    }


_SIZE_KINDS = ("percent_change", "fold_change", "mean_difference", "smd", "odds_ratio", "risk_ratio",
               "hazard_ratio", "correlation", "ci")


def _list_end_factory(text: str, offset: int):
    """A function giving where the coordinated list of targets that contains a target ends."""

    def list_end(target: dict[str, Any], mentions: Sequence[dict[str, Any]]) -> int | None:
        chain = sorted((m for m in mentions if m["type"] in TARGET_TYPES and m["start"] >= target["start"]),
                       key=lambda m: m["start"])
        end = None
        for previous, current in zip(chain, chain[1:]):
            gap = text[previous["end"] - offset:current["start"] - offset]
            if not _LIST_GAP.fullmatch(gap):
                break
            end = current["end"]
        return end

    return list_end


_LIST_GAP = re.compile(r"(?:\s*\([^()]*\))?\s*(?:,|;|and|or|,\s*and|,\s*or|as well as)\s*(?:the\s+)?", re.I)


def attach_effect(target: dict[str, Any], trigger: Cue, offset: int, mentions: Sequence[dict[str, Any]],
                  effects: Sequence[dict[str, Any]], respectively: bool = False,
                  text: str = "") -> tuple[dict[str, Any] | None, str | None]:
    """The effect size and p-value that a sentence states for one target.

    Preference: an effect between the trigger and the target ("30-50% reduction in
    pain"), else the first after the target and before the next target, else the one
    after the list the target is in, else the only one of the sentence.
    """

    def _between(a: int, b: int) -> str:
        return text[a - offset:b - offset] if text else ""

    _list_end = _list_end_factory(text, offset) if text else (lambda t, m: None)
    # A mention in brackets right after the target restates it ("inflammation (CRP)").
    others = sorted(m["start"] for m in mentions
                    if m["type"] in TARGET_TYPES and m["start"] > target["end"]
                    and not (m["start"] - target["end"] <= 3 and "(" in _between(target["end"], m["start"])))
    limit = others[0] if others else None
    chain_end = _list_end(target, mentions)
    trigger_abs = offset + trigger.start

    earlier = [m["end"] for m in mentions if m["type"] in TARGET_TYPES
               and trigger_abs <= m["start"] and m["end"] <= target["start"] and m is not target]

    targets_in_order = sorted((m for m in mentions if m["type"] in TARGET_TYPES), key=lambda m: m["start"])

    def pick(kinds: tuple[str, ...]) -> dict[str, Any] | None:
        pool = [e for e in effects if e["kind"] in kinds]
        if not pool:
            return None
        # "A and B fell (P = .42 and P = .37, respectively)": in order.
        if respectively and len(pool) >= 2:
            listed = [m for m in targets_in_order if m["end"] <= pool[0]["start"]][-len(pool):]
            if len(listed) == len(pool) and any(m is target for m in listed):
                return pool[[id(m) for m in listed].index(id(target))]
        lo = min(trigger_abs, target["start"])
        between = [] if earlier else [e for e in pool if lo <= e["start"] <= max(trigger_abs, target["start"])]
        if between:
            return between[-1]
        after = [e for e in pool if e["start"] >= target["end"] and (limit is None or e["start"] < limit)]
        if after:
            return after[0]
        if chain_end is not None:
            # "VO2max, SBP and DBP at P < 0.05": the statistic after a list is the list's.
            beyond = [m["start"] for m in mentions if m["type"] in TARGET_TYPES and m["start"] > chain_end]
            stop = min(beyond) if beyond else None
            shared = [e for e in pool if e["start"] >= chain_end and (stop is None or e["start"] < stop)]
            if shared:
                return shared[0]
        if len(pool) == 1:
            return pool[0]
        before = [e for e in pool if e["end"] <= target["start"]]
        return before[-1] if before and not others else None

    size = pick(_SIZE_KINDS)
    p = pick(("p_value",))
    effect = None
    if size is not None:
        effect = {k: size.get(k) for k in ("text", "kind", "value", "low", "high", "unit", "start", "end")}
    return effect, (p["text"] if p else None)


def _not_significant_p(p_value: str | None) -> bool:
    """"p = 0.21", "P > 0.05": the stated difference is not significant."""
    if not p_value:
        return False
    match = re.search(r"([<>=≤≥]|of|was)\s*(\d*[.·]\d+|\d+)", p_value)
    if not match:
        return "NS" in p_value
    value = float(match.group(2).replace("·", "."))
    if match.group(1) in ("<", "≤"):
        return value > 0.05  # "P < 0.1": marginal at best
    return value > 0.05


_COMPOUND = re.compile(r"^(?P<x>[A-Za-z][\w ]*?)-(?P<verb>promoting|inducing|producing|increasing|enhancing|"
                       r"reducing|lowering|suppressing|inhibiting|relieving|attenuating)\b", re.I)
_PRO_ANTI = re.compile(r"^(?P<sign>pro|anti)-?(?P<x>inflammatory)\b", re.I)
_ADJECTIVE_NOUN = {"inflammatory": "inflammation"}


def _compound_modifiers(mentions: Sequence[dict[str, Any]], offset: int, ctx: SentenceContext) -> list[_Candidate]:
    """"inflammation-promoting cytokines", "pro-inflammatory cytokines": the name itself
    says what the concept does to another ("cytokines increase inflammation")."""
    if ctx.lookup is None:
        return []
    out = []
    for mention in mentions:
        if mention["type"] not in ("biomarker", "intervention"):
            continue
        text = mention["text"]
        match = _COMPOUND.match(text)
        if match:
            name = match.group("x")
            relation = "increases" if match.group("verb").lower() in (
                "promoting", "inducing", "producing", "increasing", "enhancing") else "decreases"
        else:
            match = _PRO_ANTI.match(text)
            if not match:
                continue
            name = _ADJECTIVE_NOUN[match.group("x").lower()]
            relation = "increases" if match.group("sign").lower() == "pro" else "decreases"
        concept = ctx.lookup(name)
        if concept is None or concept.id == mention["id"]:
            continue
        target = {"id": concept.id, "name": concept.name, "type": concept.type, "text": match.group(0),
                  "start": mention["start"], "end": mention["start"] + len(match.group(0))}
        cue = Cue(mention["start"] - offset, mention["end"] - offset, match.group(0), "compound")
        out.append(_Candidate({**mention, "_source": "sentence"}, target, cue, relation, False))
    return out


def _dedupe(candidates: list[_Candidate]) -> list[_Candidate]:
    """One finding per subject and object in a sentence. Where two clauses disagree
    ("pain reduction was less with X, but similar among groups at 72 hours"), the later
    statement is the sentence's conclusion."""
    chosen: dict[tuple[str, str], _Candidate] = {}
    for candidate in candidates:
        key = (candidate.subject["id"], candidate.target["id"])
        previous = chosen.get(key)
        if previous is None or (previous.relation != candidate.relation
                                and candidate.trigger.start > previous.trigger.start):
            chosen[key] = candidate
    return sorted(chosen.values(), key=lambda c: (c.target["start"], c.subject["id"]))


# ----------------------------------------------------------------------------- component

class RelationExtractor:
    """Finds the findings of each sentence into ``doc._.miner_relations``."""

    def __init__(self, nlp: Language, name: str, patterns: str = "", lexicon: str = "") -> None:
        self.name = name
        self.rules = Rules.load(patterns or None)
        self.lexicon = Lexicon.load(lexicon or default_lexicon_path())

    def __call__(self, doc: Doc) -> Doc:
        full_text = extensions.doc_text(doc)
        mentions = _administered(sorted(extensions.get(doc, "miner_entities"), key=lambda m: m["start"]), full_text)
        effects = sorted(extensions.get(doc, "miner_effects"), key=lambda e: e["start"])
        article = extensions.get(doc, "miner_article")
        sections = article.get("sections") or []
        relations = extensions.get(doc, "miner_relations")
        relations.clear()
        ctx = self.context(doc, full_text, mentions, sections, article.get("title"))
        starts = [m["start"] for m in mentions]
        effect_starts = [e["start"] for e in effects]
        section_starts = [s["start"] for s in sections]
        last_section = None
        previous: list[dict[str, Any]] = []
        for lo, hi in extensions.sentence_bounds(doc):
            hi = lo + len(full_text[lo:hi].rstrip())
            i, j = bisect.bisect_left(starts, lo), bisect.bisect_left(starts, hi)
            sent_mentions = mentions[i:j]
            index = bisect.bisect_right(section_starts, lo) - 1
            section = sections[index] if index >= 0 and lo < sections[index]["end"] else None
            if section is not last_section:
                ctx.previous_subjects = []
                last_section = section
            ctx.section = section["kind"] if section else None
            if ctx.section == "title":
                ctx.section = "title"
            if not any(m["type"] in TARGET_TYPES for m in sent_mentions):
                text = full_text[lo:hi]
                if previous and _OVERRULED.match(text) and self.rules.search("non_significance", text):
                    # "X fell in the Y group. However, compared with controls the change was not
                    # significant.": the between-group result overrules the within-group one.
                    for finding in previous:
                        if finding["relation"] in ("decreases", "increases"):
                            finding["relation"] = "no_effect"
                if sent_mentions:
                    _remember(ctx, [m for m in sent_mentions if m["type"] == "intervention"])
                previous = []
                continue
            a, b = bisect.bisect_left(effect_starts, lo), bisect.bisect_left(effect_starts, hi)
            text = full_text[lo:hi]
            found = extract_sentence_relations(text, lo, sent_mentions, effects[a:b], self.rules, ctx)
            relations.extend(found)
            previous = found
        if relations:
            study = article_study_context(full_text, sections)
            head_end = next((s["start"] for s in sections if s["label"].upper().startswith("BODY")), 3000)
            study["condition"] = main_condition(mentions, head_end)
            for relation in relations:
                relation["context"] = evidence_context(study, relation["sentence"], relation.get("section"),
                                                       relation.get("effect"))
        return doc

    def context(self, doc: Doc, text: str, mentions: list[dict[str, Any]], sections: list[dict[str, Any]],
                title: str | None) -> SentenceContext:
        """Article-level fallbacks; also written to ``doc._.miner_context``."""
        head_end = next((s["start"] for s in sections if s["label"].upper().startswith("BODY")), None)
        if head_end is None:
            head_end = 3000  # no structure: the first few paragraphs stand for the abstract
        species = article_species(mentions)
        ctx = SentenceContext(main_interventions=main_interventions(mentions, head_end), species=species,
                              lookup=self.lexicon.lookup)
        for mention in mentions:
            ctx.names.setdefault(mention["id"], mention["name"])
            ctx.types.setdefault(mention["id"], mention["type"])
            concept = self.lexicon.get(mention["id"])
            if concept is not None and concept.valence:
                ctx.valence[mention["id"]] = concept.valence
            if concept is not None and concept.is_class:
                ctx.classes.add(mention["id"])
        for definition in extensions.get(doc, "miner_abbreviations"):
            if definition.get("id") is None:
                members = [cid for cid in definition.get("members", [])
                           if ctx.types.get(cid) == "intervention" or
                           (self.lexicon.get(cid) is not None and self.lexicon[cid].type == "intervention")]
                if members:
                    ctx.group_names[definition["short"]] = members
                    for cid in members:
                        if cid not in ctx.names and self.lexicon.get(cid) is not None:
                            ctx.names[cid] = self.lexicon[cid].name
        summary = extensions.get(doc, "miner_context")
        summary.update({
            "main_interventions": ctx.main_interventions,
            "species": species,
            "study_type": study_type(text, title, species, bool(sections)),
            "group_names": ctx.group_names,
        })
        return ctx


@Language.factory(
    "miner_relations",
    default_config={"patterns": "", "lexicon": ""},
    requires=["doc._.miner_entities", "doc._.miner_effects"],
    assigns=["doc._.miner_relations", "doc._.miner_context"],
)
def make_relation_extractor(nlp: Language, name: str, patterns: str, lexicon: str) -> RelationExtractor:
    """Rule-based relations between interventions, biomarkers, conditions and outcomes."""
    return RelationExtractor(nlp, name, patterns=patterns, lexicon=lexicon)
