"""Where a caption's text may break: between its two lines, and between two cues of one phrase.

The rules are the BBC's and Netflix's subtitle guidelines: break after punctuation, or before a
conjunction or a preposition; never leave an article, a preposition or a conjunction at the end
of a line; never part a number from its unit or its digit groups ("3,5 %", "12 500"), an opening quote from
its word or a French "!"/"?"/":" from the word before it. The word lists are French and English;
another language gets the punctuation and number rules only.

A break is scored (lower is better), so the best of several possible breaks is chosen and a
text with no good break still gets the least bad one.
"""

from __future__ import annotations

import math
import re
import textwrap
from collections.abc import Sequence
from functools import lru_cache

from render.narration import CAPTION_LINE

MAX_LINES = 2

# scores of a break between two words
SENTENCE = 0.0  # after . ! ? …
CLAUSE = 1.0  # after , ; : and closing marks
BEFORE_CONJUNCTION = 2.0
BEFORE_PREPOSITION = 3.0
PLAIN = 5.0
AVOID = 8.0  # after a subject pronoun or a number: allowed, not liked
FORBIDDEN = 100.0  # after an article, preposition or conjunction; inside "3,5 %": only if nothing else fits

IMBALANCE = 0.1  # per character of difference between two lines


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


_FRENCH_NO_END = _words("""
    le la les l' un une des du de d' au aux ce cet cette ces mon ma mes ton ta tes son sa ses notre nos
    votre vos leur leurs quel quelle quels quelles chaque plusieurs tout toute tous toutes aucun aucune
    à en dans par pour sur sous avec sans chez vers entre contre depuis pendant selon malgré parmi dès
    jusqu' jusqu'à près afin
    et ou mais donc ni car que qu' qui quand lorsque lorsqu' si puisque comme dont où
    ne n' se s' me m' te t' je j' y
    """)
_FRENCH_AVOID = _words("tu il elle on nous vous ils elles est sont a ont va vont peut plus très")
_FRENCH_CONJUNCTIONS = _words("et ou mais donc ni car que qu' qui quand lorsque lorsqu' si puisque comme dont où")
_FRENCH_PREPOSITIONS = _words(
    "à au aux de d' du des en dans par pour sur sous avec sans chez vers entre contre depuis pendant "
    "selon malgré parmi dès jusqu' jusqu'à près afin"
)

_ENGLISH_NO_END = _words("""
    a an the this these those my your his her its our their some any each every no
    of to in on at for with by from into onto about over under between through during without within
    across against among around as than via per
    and or but nor so yet because if when while although though unless whereas which who whom whose where
    """)
_ENGLISH_AVOID = _words("i you he she it we they is are was were will can be has have that not very")
_ENGLISH_CONJUNCTIONS = _words(
    "and or but nor so yet because if when while although though unless whereas which who whom whose where that"
)
_ENGLISH_PREPOSITIONS = _words(
    "of to in on at for with by from into onto about over under between through during without within "
    "across against among around as than via per"
)

# two words that open a clause or a quantity together: a break goes before the first, never between
LOCUTIONS = frozenset(
    tuple(pair.split())
    for pair in (
        "parce que",
        "plutôt que",
        "afin de",
        "afin que",
        "ainsi que",
        "alors que",
        "tandis que",
        "bien que",
        "pendant que",
        "dès que",
        "sans que",
        "avant de",
        "avant que",
        "après avoir",
        "plus de",
        "moins de",
        "au moins",
        "rather than",
        "more than",
        "less than",
        "at least",
        "up to",
        "so that",
        "even though",
        "even if",
        "such as",
        "as well",
        "in order",
        "as soon",
    )
)

_WORDS: dict[str, tuple[frozenset[str], frozenset[str], frozenset[str], frozenset[str]]] = {
    "fr": (_FRENCH_NO_END, _FRENCH_AVOID, _FRENCH_CONJUNCTIONS, _FRENCH_PREPOSITIONS),
    "en": (_ENGLISH_NO_END, _ENGLISH_AVOID, _ENGLISH_CONJUNCTIONS, _ENGLISH_PREPOSITIONS),
}
_NO_WORDS: tuple[frozenset[str], ...] = (frozenset(), frozenset(), frozenset(), frozenset())

# what follows a number as its unit: symbols, units, and the words that count
UNITS = _words("""
    % ‰ € $ £ ¥ ° °c k€ m€ md€ km m cm mm kg g t h min s ms l ml kwh
    pour pourcent percent per cent ans an mois jours jour semaines semaine heures heure minutes minute
    secondes seconde euros euro dollars dollar livres points point fois mille million millions milliard
    milliards years year months month weeks week days day hours hour seconds second pounds pound
    thousand billion times
    """)
_ABBREVIATIONS = _words("m. mme mlle dr. dr mr. mr mrs. mrs ms. st. p. n° no. nº")
_NUMBER = re.compile(r"^[+\-−]?[\d.,\u00a0\u202f]*\d[\d.,]*$")
_DIGIT_GROUP = re.compile(r"^\d{3}(?:[.,]\d+)?[.,;:!?…]*$")
_OPENING = ("«", "(", "[", "“", "‘", "¿", "¡")  # a mark that belongs to the word after it
_DASHES = ("—", "–", "-")
_SENTENCE_END = (".", "!", "?", "…")
_CLAUSE_END = (",", ";", ":", "»", ")", "”", '"', "—", "–")
_CURRENCY = _words("€ $ £ ¥")
_EDGE = "«»“”‘’\"'()[]¿¡.,;:!?…"


def _base(language: str) -> str:
    return language.split("-")[0].lower()


def _key(word: str) -> str:
    """A word as the lists hold it: lower case, without surrounding quotes or punctuation, and
    after an elision its last part ("d'un" is "un", "qu'il" is "il"; "l'" stays "l'")."""
    core = word.lower().replace("’", "'").strip(_EDGE.replace("'", ""))
    if "'" in core.rstrip("'"):
        core = core.rsplit("'", 1)[1]
    return core


def _punctuation_only(word: str) -> bool:
    return not any(c.isalnum() for c in word)


def break_score(left: str, right: str, language: str, then: str = "") -> float:
    """How good a break is between the word `left` and the word `right` (followed by `then`),
    lower is better."""
    glued = _glued(left, right)
    if glued is not None:
        return glued
    if left.endswith(_SENTENCE_END):
        return SENTENCE
    if left.endswith(_CLAUSE_END):
        return CLAUSE
    no_end, avoid, conjunctions, prepositions = _WORDS.get(_base(language), _NO_WORDS)
    left_key, right_key = _key(left), _key(right)
    if left_key in no_end or left.endswith(("'", "’")):  # an article (also elided: "l'", "d'un")
        return FORBIDDEN
    if right_key in conjunctions or (right_key, _key(then)) in LOCUTIONS:
        return BEFORE_CONJUNCTION
    if right_key in prepositions:
        return BEFORE_PREPOSITION
    if left_key in avoid:
        return AVOID
    return PLAIN


def _glued(left: str, right: str) -> float | None:
    """The score of a break that typography or sense forbids ("Bonjour !", "« notre", "3,5 %",
    "12 500", "€ 20", "M. Dupont", "parce que"), or of one after a number; None for any other."""
    if _punctuation_only(right) and not right.startswith(_OPENING + _DASHES + ('"',)):
        return FORBIDDEN
    if left.endswith(_OPENING) or left in _CURRENCY or left.lower() in _ABBREVIATIONS:
        return FORBIDDEN
    if left.endswith((*_SENTENCE_END, *_CLAUSE_END)):
        return None
    if _NUMBER.match(left.rstrip("%")):
        if _key(right) in UNITS or _DIGIT_GROUP.match(right) or right.startswith(("%", "‰", "€")):
            return FORBIDDEN
        return AVOID
    if (_key(left), _key(right)) in LOCUTIONS:
        return FORBIDDEN
    return None


def _breaks(words: Sequence[str], language: str) -> list[float]:
    """break_score between words[i - 1] and words[i], at index i (index 0 unused)."""
    following = [*words[2:], "", ""]
    return [0.0] + [break_score(words[i - 1], words[i], language, following[i - 1]) for i in range(1, len(words))]


@lru_cache(maxsize=4096)
def layout(text: str, language: str, width: int = CAPTION_LINE) -> tuple[tuple[str, ...], float] | None:
    """The best lines for one cue (one line when it fits, else two) and their score, or None when
    the text cannot fit two lines of `width` characters."""
    text = " ".join(text.split())
    if len(text) <= width:
        return (text,), 0.0
    words = text.split(" ")
    scores = _breaks(words, language)
    best: tuple[tuple[str, ...], float] | None = None
    for i in range(1, len(words)):
        first, second = " ".join(words[:i]), " ".join(words[i:])
        if len(first) > width or len(second) > width:
            continue
        score = scores[i] + IMBALANCE * abs(len(first) - len(second))
        if best is None or score < best[1]:
            best = (first, second), score
    return best


def lines_of(text: str, language: str = "", width: int = CAPTION_LINE) -> list[str]:
    """The lines a cue shows: its own line breaks when it has them, else the best layout, else
    (a word longer than a line) a plain wrap."""
    if "\n" in text:
        return text.split("\n")
    found = layout(text, language, width)
    if found is not None:
        return list(found[0])
    return textwrap.wrap(text, width=width, break_long_words=False, break_on_hyphens=False) or [text]


PIECE = 10.0  # one more cue for a phrase
SHORT_PIECE = 24  # characters: a shorter piece of a split phrase is a flash on screen
SHORT_COST = 0.3  # per character under SHORT_PIECE


def split_offsets(text: str, language: str, width: int = CAPTION_LINE) -> list[int]:
    """Where a phrase too long for one cue is likely cut (the planner decides, knowing the times):
    character offsets of each new cue's first word, empty when the phrase fits one cue. Cuts fall
    at the best breaks, each piece fitting two lines of `width` (a dynamic programme over the word
    boundaries); `text` has single spaces between its words, as phrases do."""
    words = text.split(" ")
    starts = [0]
    for word in words[:-1]:
        starts.append(starts[-1] + len(word) + 1)
    ends = [s + len(w) for s, w in zip(starts, words, strict=True)]

    def piece_cost(i: int, j: int) -> float | None:
        """Words i..j-1 as one cue: its cost, or None when they do not fit one."""
        piece = text[starts[i] : ends[j - 1]]
        found = layout(piece, language, width)
        if found is None:
            return None
        return PIECE + found[1] * 0.2 + SHORT_COST * max(0, SHORT_PIECE - len(piece))

    n = len(words)
    if piece_cost(0, n) is not None:
        return []
    scores = _breaks(words, language)
    cost = [0.0] + [math.inf] * n
    back = [0] * (n + 1)
    for j in range(1, n + 1):
        for i in range(j - 1, -1, -1):
            if ends[j - 1] - starts[i] > MAX_LINES * (width + 1):
                break
            own = piece_cost(i, j) if cost[i] < math.inf else None
            if own is not None and cost[i] + own + 2 * scores[i] < cost[j]:
                cost[j], back[j] = cost[i] + own + 2 * scores[i], i
        if cost[j] == math.inf:  # nothing that fits ends here (a word longer than a cue): one word alone
            cost[j], back[j] = cost[j - 1] + PIECE + FORBIDDEN, j - 1
    cuts: list[int] = []
    j = n
    while j > 0:
        j = back[j]
        if j:
            cuts.append(starts[j])
    return sorted(cuts)


def cut_timings(text: str, language: str) -> list[tuple[int, str, bool]]:
    """Where a cue may well start inside a phrase, and the words whose measured length times it:
    (offset, words, from the end). Such offsets are each clause mark, and where
    :func:`split_offsets` cuts a phrase too long for one cue. After a clause mark the voice
    pauses before the next word, so it is timed by the words after it (the phrase's length less
    theirs); elsewhere by the words before it (they end where the next word starts)."""
    words = text.split(" ")
    pauses, at = set(), 0
    for k in range(1, len(words)):
        at += len(words[k - 1]) + 1
        if break_score(words[k - 1], words[k], language, words[k + 1] if k + 1 < len(words) else "") <= CLAUSE:
            pauses.add(at)
    timings = []
    for offset in sorted(pauses | set(split_offsets(text, language))):
        if offset in pauses:
            timings.append((offset, text[offset:].strip(), True))
        else:
            timings.append((offset, text[:offset].strip(), False))
    return [t for t in timings if t[1]]
