#!/usr/bin/env python
"""The effect tagger and the attachment rule alone, on the annotated relations of train/.

For each annotated relation with an effect, its sentence is searched with
:func:`miner.pipeline.effects.find_effects` and the relation's object (found by the
annotated mention texts, the longest where they overlap) is given its statistic by
:func:`miner.pipeline.findings.attach_effect`, exactly as a mined finding is. Counted:
the relations whose effect the tagger finds at all in the sentence, and those whose
attached effect or p-value overlaps the annotated one (the evaluator's
:func:`miner.evaluate.scoring.effect_overlaps`) - the ceiling of effect attachment when
the finding itself is right. Split by the folds of ``outputs/training/folds.json``
(``--folds 3,4``: the other folds and these, e.g. the folds read while writing patterns
and the folds left unread). Never reads the dev set.

    python scripts/effect_attachment.py --shared ../shared [--folds 3,4] [--misses N]
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def _mentions(sentence: str, offset: int, entities: list[dict]) -> list:
    """The annotated mentions in ``sentence`` (as the training corpus places them), as
    records the attachment rule reads."""
    from miner.pipeline.records import EntityMention
    from miner.training.gold import mention_places

    return [EntityMention(offset + p.start, offset + p.end, 0, 0, sentence[p.start:p.end], p.type, p.concept,
                          p.concept, "gold") for p in mention_places(sentence, entities)]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--shared", type=Path, default=ROOT.parent / "shared")
    parser.add_argument("--work", type=Path, default=ROOT / "outputs" / "training")
    parser.add_argument("--folds", default="3,4", help="folds reported apart from the others")
    parser.add_argument("--misses", type=int, default=0, help="print this many misses")
    args = parser.parse_args()

    from miner.evaluate.scoring import effect_overlaps
    from miner.pipeline.cues import Rules
    from miner.pipeline.effects import find_effects
    from miner.pipeline.findings import attach_effect, cue_before
    from miner.training.gold import load_annotations, locate_sentence

    train = args.shared / "corpora" / "evidence_inference_exercise" / "train"
    folds_file = args.work / "folds.json"
    folds = json.loads(folds_file.read_text()) if folds_file.exists() else {}
    apart = {int(f) for f in args.folds.split(",") if f}
    rules = Rules.load()
    counts: dict[str, Counter] = {"other folds": Counter(), f"folds {args.folds}": Counter()}
    misses = []
    for annotation in load_annotations(train):
        group = counts[f"folds {args.folds}" if folds.get(annotation.article) in apart else "other folds"]
        for relation in annotation.relations:
            if not relation.get("effect"):
                continue
            group["relations with an effect"] += 1
            place = locate_sentence(annotation.text, relation["sentence"])
            if place is None:
                continue
            offset, end = place
            sentence = annotation.text[offset:end]
            effects = [e.to_dict() for e in find_effects(sentence, offset)]
            if not effect_overlaps(relation["effect"], [e["text"] for e in effects]):
                misses.append(("not tagged", relation["effect"], sentence))
                continue
            group["tagged"] += 1
            mentions = _mentions(sentence, offset, annotation.entities)
            target = next((m for m in mentions if m.id == relation["object"]), None)
            if target is None:
                continue
            cue = cue_before(sentence, offset, target, rules)
            effect, p_value = attach_effect(target, cue, offset, mentions, effects,
                                            respectively="respectively" in sentence.lower(), text=sentence)
            if effect_overlaps(relation["effect"], [(effect or {}).get("text"), p_value]):
                group["attached"] += 1
            else:
                misses.append(("attached another", relation["effect"], sentence))
    for name, group in counts.items():
        total = group["relations with an effect"] or 1
        print(f"{name}: {group['relations with an effect']} relations with an effect; tagged in the sentence "
              f"{group['tagged']} ({group['tagged'] / total:.3f}); attached {group['attached']} "
              f"({group['attached'] / total:.3f})")
    for kind, effect, sentence in misses[:args.misses]:
        print(f"- {kind}: {effect!r} in {sentence[:160]!r}")


if __name__ == "__main__":
    main()
