"""The lexicon: whole words, one pass, literal values (issue 16, items 4 and 5)."""

from __future__ import annotations

import time

from render.narration import spoken_form


def test_lexicon_replaces_whole_words_longest_first() -> None:
    lexicon = {"TOOKAM": "tou kam", "TOOKAM Pro": "tou kam pro"}
    assert spoken_form("TOOKAM Pro et TOOKAM, pas TOOKAMS.", lexicon) == "tou kam pro et tou kam, pas TOOKAMS."


def test_a_backslash_in_a_value_is_kept_literally() -> None:
    assert spoken_form("Voici TOOKAM.", {"TOOKAM": "tou\\kam"}) == "Voici tou\\kam."
    assert spoken_form("Le docteur DR arrive.", {"DR": "\\1 docteur"}) == "Le docteur \\1 docteur arrive."


def test_substituted_text_is_never_scanned_again() -> None:
    # each value holds every key several times: repeated passes would grow it ×10 per key
    keys = [f"k{i}" for i in range(10)]
    lexicon = {k: " ".join(keys * 2) for k in keys}
    started = time.perf_counter()
    said = spoken_form("k0 k1", lexicon)
    assert time.perf_counter() - started < 1.0
    assert said == f"{lexicon['k0']} {lexicon['k1']}"
    assert spoken_form("a b", {"a": "b", "b": "a"}) == "b a"  # a swap, not a round trip


def test_an_empty_key_inserts_nothing() -> None:
    assert spoken_form("a, b.", {"": "X"}) == "a, b."
