"""Caption rules (BBC and Netflix): the cue planner on synthetic phrases, and every cue of every
example's rendered .srt and .vtt checked against the rules."""

from __future__ import annotations

import html
import json
from pathlib import Path

import numpy as np
import pytest
import srt
from hypothesis import given
from hypothesis import strategies as st

from render.cache import Cache
from render.caption_lines import FORBIDDEN, break_score, cut_timings, split_offsets
from render.captions import (
    CHAIN,
    LINGER,
    MAX_CPS,
    MAX_SECONDS,
    MIN_GAP,
    MIN_SECONDS,
    TOLERANCE,
    Cue,
    SpokenPhrase,
    cps,
    plan_cues,
    reading_chars,
    to_srt,
    to_vtt,
    wrap,
)
from render.loader import load_script
from render.narration import read_wav, wav_seconds
from render.planning import effective_video, plan_captions, plan_scenes
from render.speech import prepare_speech
from tests.helpers import REPO, make_project

EXAMPLES = sorted((REPO / "scripts").glob("*.yaml"))
CPS = 14.0  # characters a second of a comfortable synthetic voice


def said(text: str, start: float, speed: float = CPS, **fields: object) -> SpokenPhrase:
    """A phrase spoken at `speed` characters a second from `start`."""
    return SpokenPhrase(text=text, start=start, seconds=round(len(text) / speed, 3), **fields)  # type: ignore[arg-type]


def one_line(cue: Cue) -> str:
    return cue.text.replace("\n", " ")


def assert_cues_follow_the_rules(cues: list[Cue], end: float, gap: float = MIN_GAP) -> None:
    for k, cue in enumerate(cues):
        lines = cue.text.split("\n")
        assert len(lines) <= 2 and all(len(line) <= 42 for line in lines), cue
        assert MIN_SECONDS - 1e-3 <= cue.end - cue.start <= MAX_SECONDS + 1e-3, cue
        assert cps(cue) <= MAX_CPS + 0.05, cue
        assert 0 <= cue.start < cue.end <= end + 1e-3, cue
        if k + 1 < len(cues):
            assert cue.end <= cues[k + 1].start - gap + 1e-3, (cue, cues[k + 1])


# -- reading speed and line breaks ---------------------------------------------------------------


def test_reading_speed_counts_every_character_but_line_breaks() -> None:
    assert reading_chars("Bonjour à tous,\nvoici notre banque.") == len("Bonjour à tous,") + len("voici notre banque.")
    assert cps(Cue(1.0, 3.0, "Vingt caractères ici")) == pytest.approx(10.0)  # spaces count


@pytest.mark.parametrize(
    ("text", "language", "lines"),
    [
        (
            "Nous finançons les familles et les artisans de toute la région",
            "fr",
            ["Nous finançons les familles", "et les artisans de toute la région"],
        ),
        (
            "Vous m'écrivez quand vous voulez, et je vous réponds.",
            "fr",
            ["Vous m'écrivez quand vous voulez,", "et je vous réponds."],
        ),
        ("Sophie préfère écrire plutôt que téléphoner.", "fr", ["Sophie préfère écrire", "plutôt que téléphoner."]),
        (
            "L'an dernier, nous avons accompagné plus de 12 500 projets ici même.",
            "fr",
            ["L'an dernier, nous avons accompagné", "plus de 12 500 projets ici même."],
        ),
        (
            "Un taux de 3,5 % pour nos clients fidèles, et des frais réduits.",
            "fr",
            ["Un taux de 3,5 % pour nos clients fidèles,", "et des frais réduits."],
        ),
        (
            "Your adviser answers your messages during the day and in the evening",
            "en",
            ["Your adviser answers your messages", "during the day and in the evening"],
        ),
        ("We chose the chat rather than another phone line for you.", "en", None),
    ],
)
def test_lines_break_at_natural_places(text: str, language: str, lines: list[str] | None) -> None:
    broken = wrap(text, language=language).split("\n")
    if lines is not None:
        assert broken == lines
    assert len(broken) == 2 and all(len(line) <= 42 for line in broken)
    first, second = broken[0].split(" "), broken[1].split(" ")
    assert break_score(first[-1], second[0], language, second[1] if len(second) > 1 else "") < FORBIDDEN


@pytest.mark.parametrize(
    ("left", "right", "language"),
    [
        ("les", "familles", "fr"),  # an article
        ("de", "la", "fr"),  # a preposition
        ("d'un", "projet", "fr"),  # an elided article
        ("et", "nous", "fr"),  # a conjunction
        ("3,5", "%", "fr"),  # a number and its unit
        ("12", "500", "fr"),  # a number's digit groups
        ("20", "euros", "fr"),
        ("Bonjour", "!", "fr"),  # French spacing before ! ? : ;
        ("«", "notre", "fr"),  # an opening quote
        ("parce", "que", "fr"),  # a locution
        ("the", "bank", "en"),
        ("of", "the", "en"),
        ("and", "we", "en"),
        ("15", "km", "en"),
    ],
)
def test_never_break_after_an_article_a_preposition_or_inside_a_number(left: str, right: str, language: str) -> None:
    assert break_score(left, right, language) >= FORBIDDEN


def test_breaks_after_punctuation_and_before_conjunctions_are_preferred() -> None:
    assert break_score("région,", "depuis", "fr") < break_score("familles", "et", "fr") < break_score("x", "y", "fr")
    assert break_score("familles", "et", "fr") < break_score("familles", "de", "fr") < break_score("nos", "x", "fr")
    assert break_score("day", "and", "en") < break_score("day", "in", "en") < break_score("day", "night", "en")


def test_wrap_keeps_the_planners_lines() -> None:
    planned = "Bonjour !\nVoici notre banque et ses conseillers."
    assert wrap(planned) == planned
    parsed = list(srt.parse(to_srt([Cue(0.5, 2.5, planned)])))
    assert parsed[0].content == planned
    assert planned in to_vtt([Cue(0.5, 2.5, planned)], "fr")


# -- the planner ---------------------------------------------------------------------------------


def test_a_phrase_becomes_one_cue_at_its_words() -> None:
    phrase = said("Notre métier tient en trois gestes simples.", 1.0)
    plan = plan_cues([phrase], end=10.0, language="fr")
    assert [one_line(c) for c in plan.cues] == [phrase.text]
    cue = plan.cues[0]
    assert cue.start == pytest.approx(1.0)
    assert cue.end == pytest.approx(1.0 + phrase.seconds + LINGER, abs=1e-3)  # it stays up into the pause
    assert plan.warnings == []


def test_a_long_phrase_is_cut_at_its_best_break_and_each_part_starts_with_its_words() -> None:
    text = (
        "Wherever you live, in town or in the countryside, your adviser is one message away "
        "from you and from your family."
    )
    cut = text.index("your adviser")
    phrase = SpokenPhrase(text, start=2.0, seconds=7.5, known=((cut, 3.9),))  # measured: the words before it
    assert cut in split_offsets(text, "en") and (cut, text[cut:], True) in cut_timings(text, "en")
    plan = plan_cues([phrase], end=20.0, language="en")
    assert [one_line(c) for c in plan.cues] == [text[:cut].strip(), text[cut:]]
    assert plan.cues[1].start == pytest.approx(2.0 + 3.9, abs=0.1)
    assert_cues_follow_the_rules(plan.cues, 20.0)


def test_without_a_measured_time_a_cut_is_timed_by_its_characters() -> None:
    text = "Nous finançons les familles, les artisans et les entreprises de toute notre belle région."
    phrase = SpokenPhrase(text, start=0.0, seconds=6.0)
    plan = plan_cues([phrase], end=12.0, language="fr")
    assert len(plan.cues) == 2
    first_words = one_line(plan.cues[1])
    offset = text.index(first_words)
    assert plan.cues[1].start == pytest.approx(6.0 * offset / len(text), abs=1e-3)
    assert " ".join(one_line(c) for c in plan.cues) == text


def test_short_neighbours_merge_when_they_would_go_too_fast() -> None:
    fast = 19.0  # characters a second: alone, "Oui." cannot be read in a 1 s cue before the next one
    first = said("Oui.", 1.0, fast)
    second = said("Nous sommes là pour vous, chaque jour.", first.start + first.seconds + 0.25, fast)
    plan = plan_cues([first, second], end=10.0, language="fr")
    assert [one_line(c) for c in plan.cues] == ["Oui. Nous sommes là pour vous, chaque jour."]
    assert plan.cues[0].start == pytest.approx(first.start)
    assert_cues_follow_the_rules(plan.cues, 10.0)


def test_neighbours_that_read_well_alone_stay_apart() -> None:
    first = said("Notre métier tient en trois gestes.", 1.0)
    second = said("D'abord, écouter vos projets.", first.start + first.seconds + 0.5)
    plan = plan_cues([first, second], end=10.0, language="fr")
    assert [one_line(c) for c in plan.cues] == [first.text, second.text]


def test_phrases_of_two_scenes_or_two_voices_never_share_a_cue() -> None:
    fast = 24.0
    a = said("Oui.", 1.0, fast, speaker="karim")
    b = said("Bien sûr !", a.start + a.seconds + 0.3, fast, speaker="claire")
    c = said("Merci.", b.start + b.seconds + 0.3, fast, speaker="claire", scene=1)
    plan = plan_cues([a, b, c], end=10.0, language="fr")
    assert [one_line(cue) for cue in plan.cues] == ["Oui.", "Bien sûr !", "Merci."]


def test_a_cue_stays_into_the_pause_and_closes_short_gaps() -> None:
    first = said("Le tchat, pour écrire.", 1.0)
    close = said("Le téléphone, pour parler.", first.start + first.seconds + LINGER + CHAIN / 2)
    plan = plan_cues([first, close], end=20.0, language="fr")
    assert plan.cues[0].end == pytest.approx(close.start - MIN_GAP, abs=1e-3)  # chained: no flicker
    far = said("Le téléphone, pour parler.", first.start + first.seconds + 3.0)
    plan = plan_cues([first, far], end=20.0, language="fr")
    assert plan.cues[0].end == pytest.approx(first.start + first.seconds + LINGER, abs=1e-3)


def test_a_cue_never_outlasts_seven_seconds_nor_the_video() -> None:
    slow = said("Un mot, puis un long silence.", 1.0, speed=4.0)  # 7.25 s of very slow speech
    plan = plan_cues([slow], end=9.0, language="fr")
    assert len(plan.cues) == 2 and all(c.end - c.start <= MAX_SECONDS + 1e-3 for c in plan.cues)
    last = said("Au revoir.", 5.0)
    plan = plan_cues([last], end=5.4, language="fr")
    assert plan.cues[0].end == pytest.approx(5.4)  # not past the end of the video


def test_a_cue_of_a_few_letters_stays_one_second() -> None:
    plan = plan_cues([said("Oui.", 1.0, 20.0)], end=10.0, language="fr")
    assert plan.cues[0].end - plan.cues[0].start == pytest.approx(MIN_SECONDS, abs=1e-3)


phrase_texts = st.lists(
    st.sampled_from(
        [
            "Bonjour !",
            "Oui.",
            "Notre métier tient en trois gestes simples.",
            "Ensuite, financer les familles, les artisans et les entreprises de la région.",
            "L'an dernier, nous avons accompagné plus de 12 500 projets ici même, dans nos agences.",
            "Vous pouvez nous appeler, nous écrire par SMS, ou utiliser le tchat avec votre conseiller.",
            "Et vous ?",
        ]
    ),
    min_size=1,
    max_size=8,
)


@given(
    texts=phrase_texts,
    rates=st.lists(st.floats(min_value=8.0, max_value=30.0), min_size=8, max_size=8),
    pauses=st.lists(st.floats(min_value=0.2, max_value=2.5), min_size=8, max_size=8),
    speakers=st.lists(st.sampled_from([None, "claire"]), min_size=8, max_size=8),
)
def test_cues_never_overlap_and_start_with_their_words(
    texts: list[str], rates: list[float], pauses: list[float], speakers: list[str | None]
) -> None:
    phrases, t = [], 0.6
    for k, text in enumerate(texts):
        phrases.append(said(text, round(t, 3), rates[k], speaker=speakers[k]))
        t += phrases[-1].seconds + pauses[k]
    end = t + 0.5
    plan = plan_cues(phrases, end=end, language="fr")
    cues = plan.cues
    assert " ".join(one_line(c) for c in cues) == " ".join(texts)  # every word, in order, once
    for k, cue in enumerate(cues):
        lines = cue.text.split("\n")
        assert len(lines) <= 2 and all(len(line) <= 42 for line in lines)
        assert cue.end - cue.start <= MAX_SECONDS + 1e-3
        assert cue.end <= end + 1e-3
        if k + 1 < len(cues):
            assert cue.end <= cues[k + 1].start - MIN_GAP + 1e-3
    # each cue starts within 0.1 s of its first word: at a phrase's start, or inside one at the
    # time its characters give (no word timing here)
    said_at = {}
    for phrase in phrases:
        for offset in [0] + [i + 1 for i, c in enumerate(phrase.text) if c == " "]:
            said_at.setdefault(round(phrase.start + phrase.time_at(offset), 3), phrase)
    for cue in cues:
        assert min(abs(cue.start - at) for at in said_at) <= 0.1, cue
    # a cue that cannot be read in time is counted in a warning
    unreadable = [c for c in cues if max(MIN_SECONDS, reading_chars(c.text) / MAX_CPS) - (c.end - c.start) > TOLERANCE]
    assert len(unreadable) == sum(w.count for w in plan.warnings)


def test_a_cue_cut_inside_real_speech_starts_when_the_voice_resumes(tmp_path: Path) -> None:
    """Real espeak-ng speech (nothing rendered): a cut after a comma is timed by the measured
    words after it, so the cue starts when the sound comes back after the comma's pause."""
    project = make_project(tmp_path / "project")
    script = project / "scripts" / "essai.yaml"
    text = "Ensuite, financer les familles, les artisans et les entreprises de la région."  # 2 x 42 won't hold it
    script.write_text(
        f"title: Essai\nlanguage: fr\nvoice: {{rate: 155}}\nscenes:\n  - type: title\n    title: Essai\n"
        f'    narration: "{text}"\n',
        encoding="utf-8",
    )
    loaded = load_script(script)
    _, wavs, _ = prepare_speech(loaded, Cache(tmp_path / "cache"), lambda _: None)
    seconds = {key: wav_seconds(path) for key, path in wavs.items()}
    video = effective_video(loaded.script, preview=True)
    planned = plan_scenes(loaded, video, seconds)
    cues = plan_captions(loaded.script, planned, video.fps, seconds).cues
    phrase = planned[0].timing.phrases[0]
    start = planned[0].start_frame / video.fps + phrase.start
    assert len(cues) == 2 and " ".join(one_line(c) for c in cues) == text
    samples, rate = read_wav(wavs[text])
    window = int(0.01 * rate)
    loud = [np.abs(samples[i : i + window].astype(int)).max() > 300 for i in range(0, samples.size - window, window)]
    cut = cues[1].start - start
    pause = [k for k in range(int((cut - 0.35) / 0.01), int((cut + 0.1) / 0.01)) if not loud[k]]
    assert pause, "no pause in the speech before the second cue"
    resumes = (pause[-1] + 1) * 0.01
    assert abs(cut - resumes) <= 0.1, (cut, resumes)


# -- the warning ---------------------------------------------------------------------------------


def test_narration_faster_than_it_can_be_read_is_named_with_a_rate_that_fixes_it() -> None:
    texts = [
        "Nous croyons qu'une banque doit parler la langue de ses clients.",
        "C'est pour cela que nous expliquons tout, simplement et sans jargon.",
        "Et nous prenons le temps de répondre à chacune de vos questions.",
    ]
    rate = 170

    def narrated(words_a_minute: int) -> tuple[list[SpokenPhrase], float]:
        speed = 26.0 * words_a_minute / rate  # characters a second: speech time goes as 1 / rate
        phrases, t = [], 1.0
        for text in texts:
            phrases.append(said(text, t, speed, scene=3, where='scenes[3] (quote "Nos valeurs")', rate=words_a_minute))
            t += phrases[-1].seconds + 0.25
        return phrases, t  # the scene ends as the voice does

    plan = plan_cues(*narrated(rate), language="fr")
    assert len(plan.warnings) == 1
    warning = plan.warnings[0]
    assert (warning.scene, warning.speaker, warning.rate, warning.count) == (3, None, rate, 3)
    assert warning.worst_cps > MAX_CPS
    message = str(warning)
    assert message.startswith('scenes[3] (quote "Nos valeurs"): 3 caption(s) too fast to read')
    assert f"voice: {{rate: {warning.suggested_rate}}}" in message
    assert warning.suggested_rate < rate and warning.suggested_rate % 5 == 0
    phrases, end = narrated(warning.suggested_rate)
    again = plan_cues(phrases, end, language="fr")
    assert again.warnings == []  # the suggested rate brings every cue under 20 characters a second
    assert_cues_follow_the_rules(again.cues, end)


def test_a_cast_members_voice_is_the_one_to_slow() -> None:
    fast = said("J'ai vu qu'il y a un nouveau tchat, je dois l'utiliser ?", 1.0, 30.0, speaker="sophie", rate=175)
    after = said("Pas du tout.", fast.start + fast.seconds + 0.3, speaker="thomas")
    warning = plan_cues([fast, after], end=10.0, language="fr").warnings[0]
    assert warning.speaker == "sophie"
    assert f"cast: {{sophie: {{voice: {{rate: {warning.suggested_rate}}}}}}}" in str(warning)


def test_a_recording_too_fast_to_read_gets_no_rate_to_set() -> None:
    fast = said("J'ai vu qu'il y a un nouveau tchat, je dois l'utiliser ?", 1.0, 30.0, rate=0)
    warning = plan_cues([fast], end=fast.start + fast.seconds + 0.2, language="fr").warnings[0]
    assert "rate" not in str(warning).split(";")[-1] and "record" in str(warning)


# -- every example, rendered -----------------------------------------------------------------------


def _vtt_cues(text: str) -> list[srt.Subtitle]:
    header, body = text.split("\n\n", 1)
    assert header.startswith("WEBVTT")
    return [
        srt.Subtitle(s.index, s.start, s.end, html.unescape(s.content)) for s in srt.parse(body)
    ]  # the srt parser reads WebVTT's cue blocks once the header is off


@pytest.mark.e2e  # four whole videos rendered by `render --preview` (40 s to 2 min on 2 cores)
@pytest.mark.parametrize("script", EXAMPLES, ids=[p.stem for p in EXAMPLES])
def test_every_cue_of_every_example_follows_the_rules(
    script: Path, rendered_examples: dict[str, tuple[Path, str]]
) -> None:
    folder, log = rendered_examples[script.stem]
    manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    lang = manifest["language"]
    cues = list(srt.parse((folder / f"{script.stem}.{lang}.srt").read_text(encoding="utf-8")))
    vtt = _vtt_cues((folder / f"{script.stem}.{lang}.vtt").read_text(encoding="utf-8"))
    assert [(c.start, c.end, c.content) for c in vtt] == [(c.start, c.end, c.content) for c in cues]
    assert "too fast to read" not in log, log

    planned = [Cue(c.start.total_seconds(), c.end.total_seconds(), c.content) for c in cues]
    assert_cues_follow_the_rules(planned, manifest["duration"])
    for cue in planned:  # lines broken at natural places
        lines = cue.text.split("\n")
        if len(lines) == 2:
            first, second = lines[0].split(" "), lines[1].split(" ")
            assert break_score(first[-1], second[0], lang, second[1] if len(second) > 1 else "") < FORBIDDEN, cue

    phrases = [p for scene in manifest["scenes"] for p in scene["phrases"]]
    text = " ".join(p["text"] for p in phrases)
    assert " ".join(one_line(c) for c in planned) == text  # every word, in order, once
    # each cue starts with its words: at its phrase's start, or inside the phrase it cuts
    owners, at = [], 0  # (where each phrase starts in `text`, the phrase)
    for p in phrases:
        owners.append((at, p))
        at += len(p["text"]) + 1
    position = 0
    for cue in planned:
        position = text.index(one_line(cue), position)
        start, phrase = max((o for o in owners if o[0] <= position), key=lambda o: o[0])
        if position == start:
            assert cue.start == pytest.approx(phrase["start"], abs=0.01), cue
        else:
            assert phrase["start"] < cue.start < phrase["start"] + phrase["seconds"], cue
        position += len(one_line(cue))
