"""The tokenizer: scispaCy's rule tokenizer, with miner's token normalisation.

Registered as ``miner.tokenizer.v1`` in spaCy's tokenizer registry (and through the
``spacy_tokenizers`` entry point), so a pipeline config names it and loads it without
importing miner first.
"""

from __future__ import annotations

from collections.abc import Callable
from types import SimpleNamespace

import spacy
from spacy.attrs import NORM
from spacy.language import Language
from spacy.tokenizer import Tokenizer

from miner.text import norm_word


def install_norms(nlp: Language) -> None:
    """Make :func:`~miner.text.norm_word` the NORM of every lexeme.

    The getter runs once per distinct word of the vocabulary, not once per token.
    """
    nlp.vocab.lex_attr_getters[NORM] = norm_word
    # Lexemes created before this point (none in a fresh pipeline) keep their norm.


@spacy.registry.tokenizers("miner.tokenizer.v1")
def create_tokenizer() -> Callable[[Language], Tokenizer]:
    """scispaCy's ``combined_rule_tokenizer`` with :func:`norm_word` as token NORM."""

    def make(nlp: Language) -> Tokenizer:
        from scispacy.custom_tokenizer import combined_rule_tokenizer

        install_norms(nlp)
        if not hasattr(nlp, "tokenizer"):
            # combined_rule_tokenizer reads nlp.tokenizer.token_match, which does not
            # exist yet while the Language is being built from a config.
            nlp.tokenizer = SimpleNamespace(token_match=nlp.Defaults.token_match)
        return combined_rule_tokenizer(nlp)

    return make
