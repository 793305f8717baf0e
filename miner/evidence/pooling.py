"""Effect sizes across studies: normalised, then pooled (pure functions).

Each article's effect for a finding is put on a scale where studies can be combined:
ratio measures (odds, risk, hazard ratios) on the log scale, standardized mean
differences as they are, mean differences only with the same unit, percent and fold
changes as signed values. When two or more articles give comparable effects with known
variances (from their 95% confidence intervals, or from group means, SDs and sizes),
they are pooled by random-effects inverse-variance weighting (DerSimonian and Laird),
with Cochran's Q, tau² and I²; without variances, the median and range are given, and
the method says which.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from statistics import median
from typing import Any

Z95 = 1.959963984540054
_RATIOS = {"odds_ratio": "log_odds_ratio", "risk_ratio": "log_risk_ratio", "hazard_ratio": "log_hazard_ratio"}


@dataclass(frozen=True)
class Estimate:
    """One article's effect on a poolable scale."""

    article: str
    kind: str
    value: float
    variance: float | None = None
    unit: str | None = None


def hedges_g(mean1: float, sd1: float, n1: int, mean2: float, sd2: float, n2: int) -> tuple[float, float]:
    """Hedges' g of group 1 against group 2 and its variance (small-sample corrected).

    >>> g, v = hedges_g(10.0, 2.0, 20, 12.0, 2.0, 20)
    >>> round(g, 3), round(v, 4)
    (-0.98, 0.1081)
    """
    pooled = math.sqrt(((n1 - 1) * sd1 ** 2 + (n2 - 1) * sd2 ** 2) / (n1 + n2 - 2))
    d = (mean1 - mean2) / pooled
    j = 1 - 3 / (4 * (n1 + n2) - 9)
    variance_d = (n1 + n2) / (n1 * n2) + d ** 2 / (2 * (n1 + n2))
    return j * d, j ** 2 * variance_d


def normalise(effect: dict[str, Any] | None, article: str, relation: str | None = None) -> Estimate | None:
    """An article's effect size on a poolable scale, or None (p-values, sample sizes,
    correlations and effects without a value are not pooled). A percent change whose
    text gives no direction takes the finding's (``relation``: "decreases" makes it
    negative)."""
    if not effect or effect.get("value") is None:
        return None
    kind, value = effect.get("kind"), float(effect["value"])
    low, high = effect.get("low"), effect.get("high")
    if kind in _RATIOS:
        if value <= 0:
            return None
        variance = None
        if low is not None and high is not None and 0 < low < high:
            variance = ((math.log(high) - math.log(low)) / (2 * Z95)) ** 2
        return Estimate(article, _RATIOS[kind], math.log(value), variance)
    if kind in ("smd", "mean_difference"):
        variance = ((high - low) / (2 * Z95)) ** 2 if low is not None and high is not None and high > low else None
        return Estimate(article, kind, value, variance, effect.get("unit") if kind == "mean_difference" else None)
    if kind == "percent_change":
        direction = effect.get("direction") or {"decreases": "decrease", "increases": "increase"}.get(relation or "")
        signed = -abs(value) if direction == "decrease" else value
        return Estimate(article, kind, signed)
    if kind == "fold_change" and value > 0:
        return Estimate(article, "log_fold_change", math.log(value))
    return None


def random_effects(values: Sequence[float], variances: Sequence[float]) -> dict[str, float]:
    """DerSimonian–Laird random-effects pooling: estimate, SE, 95% CI, Q, tau², I² (%)."""
    weights = [1 / v for v in variances]
    total = sum(weights)
    fixed = sum(w * y for w, y in zip(weights, values)) / total
    q = sum(w * (y - fixed) ** 2 for w, y in zip(weights, values))
    df = len(values) - 1
    c = total - sum(w * w for w in weights) / total
    tau2 = max(0.0, (q - df) / c) if c > 0 else 0.0
    star = [1 / (v + tau2) for v in variances]
    estimate = sum(w * y for w, y in zip(star, values)) / sum(star)
    se = math.sqrt(1 / sum(star))
    i2 = max(0.0, (q - df) / q) * 100 if q > 0 else 0.0
    return {"estimate": estimate, "se": se, "low": estimate - Z95 * se, "high": estimate + Z95 * se,
            "q": q, "tau2": tau2, "i2": i2}


def pool(estimates: Iterable[Estimate]) -> dict[str, Any] | None:
    """The pooled effect of the largest group of comparable estimates (one per article),
    or None when fewer than two articles give comparable ones."""
    groups: dict[tuple[str, str | None], dict[str, Estimate]] = defaultdict(dict)
    for estimate in estimates:
        chosen = groups[(estimate.kind, estimate.unit)]
        previous = chosen.get(estimate.article)
        if previous is None or (previous.variance is None and estimate.variance is not None):
            chosen[estimate.article] = estimate  # one per article, with a variance if it has one
    usable = {key: list(group.values()) for key, group in groups.items() if len(group) >= 2}
    if not usable:
        return None
    (kind, unit), chosen = max(usable.items(), key=lambda item: (sum(e.variance is not None for e in item[1]),
                                                                  len(item[1])))
    with_variance = [e for e in chosen if e.variance is not None and e.variance > 0]
    log_scale = kind.startswith("log_")
    back = math.exp if log_scale else (lambda x: x)
    scale = kind[4:] if log_scale else kind
    if len(with_variance) >= 2:
        result = random_effects([e.value for e in with_variance], [e.variance for e in with_variance])  # type: ignore[misc]
        return {
            "method": "random effects (DerSimonian-Laird), inverse variance",
            "kind": scale, "unit": unit, "k": len(with_variance),
            "articles": sorted(e.article for e in with_variance),
            "estimate": round(back(result["estimate"]), 4), "low": round(back(result["low"]), 4),
            "high": round(back(result["high"]), 4), "i2": round(result["i2"], 1), "tau2": round(result["tau2"], 4),
            "q": round(result["q"], 3), "scale": "log" if log_scale else "linear",
        }
    values = sorted(back(e.value) for e in chosen)
    return {
        "method": "median and range (variances unknown)",
        "kind": scale, "unit": unit, "k": len(chosen), "articles": sorted(e.article for e in chosen),
        "estimate": round(median(values), 4), "low": round(values[0], 4), "high": round(values[-1], 4),
    }
