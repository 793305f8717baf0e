"""Findings as records: the effect size, p-value, species, anatomy and hedging that a
sentence gives a decided pair (pure functions, no spaCy).

:func:`attach_effect` picks the statistic a sentence states for one object: one
between the cue and the object ("30-50% reduction in pain"), else the first after the
object and before the next object, else the one after the list the object is in ("A,
B and C at P < 0.05"), in order where the sentence says "respectively", else the
sentence's only one. :func:`finding_record` writes the plain record that
``doc._.miner_relations`` holds.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Sequence
from typing import Any

from miner.pipeline.cues import Cue, Rules
from miner.pipeline.effects import parse_effect_size
from miner.pipeline.records import EntityMention

TARGET_TYPES = ("outcome", "biomarker", "condition")

_SIZE_KINDS = ("percent_change", "fold_change", "mean_difference", "smd", "odds_ratio", "risk_ratio",
               "hazard_ratio", "correlation", "ci")


def _list_end_factory(text: str, offset: int):
    """A function giving where the coordinated list of targets that contains a target ends."""

    def list_end(target: EntityMention, mentions: Sequence[EntityMention]) -> int | None:
        chain = sorted((m for m in mentions if m.type in TARGET_TYPES and m.start >= target.start),
                       key=lambda m: m.start)
        end = None
        for previous, current in zip(chain, chain[1:]):
            gap = text[previous.end - offset:current.start - offset]
            if not _LIST_GAP.fullmatch(gap):
                break
            end = current.end
        return end

    return list_end


_LIST_GAP = re.compile(r"(?:\s*\([^()]*\))?\s*(?:,|;|and|or|,\s*and|,\s*or|as well as)\s*(?:the\s+)?", re.I)


def attach_effect(target: EntityMention, cue_start: int, offset: int, mentions: Sequence[EntityMention],
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
    others = sorted(m.start for m in mentions
                    if m.type in TARGET_TYPES and m.start > target.end
                    and not (m.start - target.end <= 3 and "(" in _between(target.end, m.start)))
    limit = others[0] if others else None
    chain_end = _list_end(target, mentions)
    trigger_abs = cue_start

    earlier = [m.end for m in mentions if m.type in TARGET_TYPES
               and trigger_abs <= m.start and m.end <= target.start and m is not target]

    targets_in_order = sorted((m for m in mentions if m.type in TARGET_TYPES), key=lambda m: m.start)

    def pick(kinds: tuple[str, ...]) -> dict[str, Any] | None:
        pool = [e for e in effects if e["kind"] in kinds]
        if not pool:
            return None
        # "A and B fell (P = .42 and P = .37, respectively)": in order.
        if respectively and len(pool) >= 2:
            listed = [m for m in targets_in_order if m.end <= pool[0]["start"]][-len(pool):]
            if len(listed) == len(pool) and any(m is target for m in listed):
                return pool[[id(m) for m in listed].index(id(target))]
        lo = min(trigger_abs, target.start)
        between = [] if earlier else [e for e in pool if lo <= e["start"] <= max(trigger_abs, target.start)]
        if between:
            return between[-1]
        after = [e for e in pool if e["start"] >= target.end and (limit is None or e["start"] < limit)]
        if after:
            return after[0]
        if chain_end is not None:
            # "VO2max, SBP and DBP at P < 0.05": the statistic after a list is the list's.
            beyond = [m.start for m in mentions if m.type in TARGET_TYPES and m.start > chain_end]
            stop = min(beyond) if beyond else None
            shared = [e for e in pool if e["start"] >= chain_end and (stop is None or e["start"] < stop)]
            if shared:
                return shared[0]
        if len(pool) == 1:
            return pool[0]
        before = [e for e in pool if e["end"] <= target.start]
        return before[-1] if before and not others else None

    size = pick(_SIZE_KINDS)
    p = pick(("p_value",))
    effect = None
    if size is not None:
        effect = {k: size.get(k) for k in ("text", "kind", "value", "low", "high", "unit", "start", "end")}
    return effect, (p["text"] if p else None)


_DIRECTIONAL = ("decrease", "increase", "improve", "worsen", "no_effect", "association")
_RELATIVE_SCOPE = re.compile(r",\s*(?:which|that|who)\b|;", re.I)
_FRAMING = re.compile(r"suggest|indicat|hypothes|may|might|could|possibl|likely|appear|seem", re.I)


def cue_before(text: str, offset: int, target: EntityMention, rules: Rules) -> int:
    """Where the cue that governs ``target`` starts (absolute offset): the nearest
    directional cue word before it in its clause, else the target itself."""
    local = target.start - offset
    breaks = [c.end for c in rules.find("clause_break", text, 0, local)]
    floor = max(breaks) if breaks else 0
    best = None
    for category in _DIRECTIONAL:
        for cue in rules.find(category, text, floor, local):
            if best is None or cue.start > best:
                best = cue.start
    return offset + best if best is not None else target.start


def denied_association(text: str, offset: int, target: EntityMention, rules: Rules) -> bool:
    """An association cue negated right before it in the target's clause ("was not
    associated with", "no correlation between"): the sentence denies an association
    (the gold format's ``negated``), rather than reporting a null effect of a treatment."""
    local = target.start - offset
    breaks = sorted(c.start for c in rules.find("clause_break", text))
    index = bisect.bisect_right(breaks, local) - 1
    start = breaks[index] if index >= 0 else 0
    stop = next((b for b in breaks if b > local), len(text))
    negations = rules.find("negation", text, start, stop)
    for cue in rules.find("association", text, start, stop):
        if any(0 <= cue.start - n.end <= 12 for n in negations):
            return True
    return False


def not_significant(text: str, offset: int, target: EntityMention, p_value: str | None, rules: Rules) -> bool:
    """Whether the sentence says that the difference it reports for ``target`` is not
    significant: the p-value given for the target is above 0.05 ("p = 0.21", "p > 0.05"),
    or, with no p-value of its own, a statement of non-significance follows it ("...,
    but this difference was not significant"). A difference that is not significant is
    no effect, whatever its direction."""
    stated = parse_effect_size(p_value) if p_value else None
    if stated is not None and stated.kind == "p_value":
        if stated.comparator in ("<", "≤"):
            return False
        return stated.value > 0.05 if stated.comparator == "=" else stated.value >= 0.05
    local = target.end - offset
    return bool(rules.find("non_significance", text, local))


def hedged(text: str, offset: int, target: EntityMention, rules: Rules) -> bool:
    """A speculation cue (may, could, suggests, a trend toward...) before the target in
    its own clause, or one that frames the whole sentence ("This suggests that...")."""
    local = target.start - offset
    hedges = rules.find("hedge", text)
    if any(h.start < 40 and _FRAMING.match(h.text) for h in hedges):
        return True
    breaks = sorted({c.start for c in rules.find("clause_break", text)} | {m.start() for m in _RELATIVE_SCOPE.finditer(text)})
    index = bisect.bisect_right(breaks, local) - 1
    start = breaks[index] if index >= 0 else 0
    return any(start <= h.start < local for h in hedges)


def finding_record(*, text: str, offset: int, subject: EntityMention, target: EntityMention, relation: str,
                   negated: bool, hedge: bool, mentions: Sequence[EntityMention], effects: Sequence[dict[str, Any]],
                   rules: Rules, section: str | None, species: Sequence[str], confidence: float,
                   subject_source: str) -> dict[str, Any]:
    """The record of one finding of one sentence (an item of ``doc._.miner_relations``)."""
    sentence_species = next((m.id for m in mentions if m.type == "species"), None)
    anatomy_mentions = [m for m in mentions if m.type == "anatomy"]
    anatomy = min(anatomy_mentions, key=lambda m: abs(m.start - target.start)) if anatomy_mentions else None
    cue = cue_before(text, offset, target, rules)
    effect, p_value = attach_effect(target, cue, offset, mentions, effects,
                                    respectively="respectively" in text.lower(), text=text)
    named = subject_source == "sentence"
    return {
        "subject": subject.id,
        "subject_name": subject.name,
        "subject_type": subject.type,
        "subject_text": subject.text if named else "",
        "subject_start": subject.start if named else -1,
        "subject_end": subject.end if named else -1,
        "subject_source": subject_source,
        "object": target.id,
        "object_name": target.name,
        "object_type": target.type,
        "object_text": target.text,
        "object_start": target.start,
        "object_end": target.end,
        "relation": relation,
        "trigger": text[cue - offset:cue - offset + 30].split(" ")[0] if cue != target.start else None,
        "trigger_start": cue,
        "sentence": text,
        "start": offset,
        "end": offset + len(text),
        "negated": negated,
        "hedged": hedge,
        "effect": effect,
        "p_value": p_value,
        "species": sentence_species or (species[0] if species else None),
        "anatomy": anatomy.id if anatomy else None,
        "anatomy_name": anatomy.name if anatomy else None,
        "section": section,
        "confidence": round(max(0.05, min(1.0, confidence)), 3),
    }
