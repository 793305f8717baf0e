"""Scoring miner against gold annotations and Evidence Inference prompts."""

from miner.evaluate.scoring import (
    GoldReport,
    Predictions,
    PromptReport,
    load_gold,
    load_prompts,
    score_gold,
    score_prompts,
)

__all__ = ["GoldReport", "Predictions", "PromptReport", "load_gold", "load_prompts", "score_gold", "score_prompts"]
