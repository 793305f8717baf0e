"""Effect sizes: parsing as a pure function, no spaCy."""

from __future__ import annotations

import pytest

from miner.pipeline.effects import find_effects, parse_effect_size, to_number


@pytest.mark.parametrize(
    ("text", "kind", "value", "low", "high"),
    [
        ("HR 0.72 (95% CI 0.61–0.85)", "hazard_ratio", 0.72, 0.61, 0.85),
        ("SMD −0.6 (95% CI −0.9 to −0.3)", "smd", -0.6, -0.9, -0.3),
        ("a 30-50% reduction in pain", "percent_change", 40.0, 30.0, 50.0),
        ("OR = 2.1, 95% CI 1.2-3.4", "odds_ratio", 2.1, 1.2, 3.4),
        ("relative risk 0.80 (95% CI 0.66 to 0.97)", "risk_ratio", 0.80, 0.66, 0.97),
        ("mean difference −2.2 points, 95% CI −3.4 to −1.0", "mean_difference", -2.2, -3.4, -1.0),
        ("adjusted difference 2.3 (95% CI -4.6 - 9.2)", "mean_difference", 2.3, -4.6, 9.2),
        ("7.5 (95% confidence interval (CI) 3.1–11.9)", "mean_difference", 7.5, 3.1, 11.9),
        ("Cohen's d = 0.8", "smd", 0.8, None, None),
        ("Hedges' g 0.45 (95% CI 0.20 to 0.70)", "smd", 0.45, 0.20, 0.70),
        ("a 2.5-fold increase", "fold_change", 2.5, None, None),
        ("r = −0.339", "correlation", -0.339, None, None),
        ("p < 0.05", "p_value", 0.05, None, None),
        ("P=.003", "p_value", 0.003, None, None),
        ("P = 0·04", "p_value", 0.04, None, None),
        ("n = 30", "sample_size", 30, None, None),
        # An estimate and its interval without the words "confidence interval".
        ("a change of −1.49 (−3.73 to 0.75) points", "mean_difference", -1.49, -3.73, 0.75),
        ("1.2 (0.5, 1.9) kg", "mean_difference", 1.2, 0.5, 1.9),
        ("OR 0.71 (0.54–0.94)", "odds_ratio", 0.71, 0.54, 0.94),
        ("weight fell by −15 %", "percent_change", -15.0, None, None),
        ("a rise of +18%", "percent_change", 18.0, None, None),
        ("2.2 times more likely", "fold_change", 2.2, None, None),
        ("three times lower", "fold_change", 3.0, None, None),
        ("partial η2 = 0.122", "other", 0.122, None, None),
        ("R2 = 0.21", "correlation", 0.21, None, None),
        ("ps < 0.05", "p_value", 0.05, None, None),
        ("P-value: .222", "p_value", 0.222, None, None),
        ("p for trend = 0.052", "p_value", 0.052, None, None),
        ("Forty-seven participants", "sample_size", 47, None, None),
    ],
)
def test_parse_effect_size(text, kind, value, low, high):
    effect = parse_effect_size(text)
    assert effect is not None, text
    assert effect.kind == kind
    assert effect.value == pytest.approx(value)
    assert effect.low == (pytest.approx(low) if low is not None else None)
    assert effect.high == (pytest.approx(high) if high is not None else None)


def test_percent_change_direction_and_unit():
    down = parse_effect_size("decreased by 35%")
    up = parse_effect_size("40% higher")
    assert (down.kind, down.direction, down.unit) == ("percent_change", "decrease", "%")
    assert (up.kind, up.direction) == ("percent_change", "increase")


def test_bare_numbers_are_not_effects():
    assert parse_effect_size("at 12 weeks") is None
    # "or" and "hr" in lower case are words, not odds or hazard ratios
    assert parse_effect_size("patients attended 3 or 4 sessions per week") is None
    assert parse_effect_size("walking for 1 hr 3 times a week") is None
    assert parse_effect_size("Odds Ratio 1.5").kind == "odds_ratio"
    assert parse_effect_size("95% Confidence Interval 1.2 to 3.4").kind == "ci"
    assert parse_effect_size("45% of participants were women") is None
    assert parse_effect_size("p = 3") is None  # not a probability


def test_not_significant_without_a_value():
    [effect] = find_effects("Pain did not change (N.S.).")
    assert (effect.kind, effect.text, effect.value) == ("p_value", "N.S.", None)
    assert find_effects("the NS group") == []  # a name, not a statistic
    # An abbreviation being defined is not a statistic; "not significant (NS)" is one.
    assert find_effects("Rats received normal saline (NS) or morphine.") == []
    assert [e.text for e in find_effects("The difference was not significant (NS).")] == ["NS"]


def test_eta_squared_is_not_read_inside_beta():
    assert find_effects("beta2 = 0.3") == []
    assert [e.kind for e in find_effects("eta squared = 0.2")] == ["other"]


def test_a_median_and_its_range_is_not_an_estimate():
    # An interval without a name counts only when it looks like a confidence interval:
    # the value inside it, with a sign or decimals.
    assert find_effects("Patients aged 45 (30-60) years") == []
    assert find_effects("pain 5.1 (6.0 to 7.2)") == []  # the value outside its interval
    assert [e.kind for e in find_effects("0.71 (0.54–0.94)")] == ["mean_difference"]


def test_find_effects_offsets_and_no_overlaps():
    text = "Pain fell (mean difference −1.9 points, 95% CI −2.8 to −1.0; p < 0.001) in 91 patients."
    effects = find_effects(text, offset=100)
    kinds = [e.kind for e in effects]
    assert kinds == ["mean_difference", "p_value", "sample_size"]
    for effect in effects:
        assert text[effect.start - 100:effect.end - 100] == effect.text
    assert effects[0].text == "mean difference −1.9 points, 95% CI −2.8 to −1.0"


def test_effect_text_keeps_balanced_brackets():
    effect = parse_effect_size("(SMD −0.45, 95% CI −0.81 to −0.09)")
    assert effect.text == "SMD −0.45, 95% CI −0.81 to −0.09"


def test_to_number_forms():
    assert to_number("−0.6") == -0.6
    assert to_number("0·72") == 0.72
    assert to_number("1,234") == 1234
    assert to_number("Sixty-one") == 61
    assert to_number("pain") is None
