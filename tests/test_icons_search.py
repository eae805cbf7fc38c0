"""Icon search in English and French (`render icons`), and suggestions for an unknown icon name."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

from contract.scene_errors import UnknownIcon
from render.cli import group
from scenes.icons import (
    FRENCH_KEYWORDS,
    _fa_root,
    _read_icons_yml,
    find_icon,
    fold,
    french_keywords,
    icon_metadata,
    icon_names,
    search_icons,
)


def first(query: str) -> str:
    return search_icons(query, limit=1)[0].name


@pytest.mark.parametrize(
    ("query", "icon"),
    [
        ("maison", "house"),
        ("banque", "building-columns"),
        ("téléphone", "phone"),
        ("telephone", "phone"),  # accents optional
        ("TÉLÉPHONE", "phone"),
        ("pourcentage", "percent"),
        ("poignée de main", "handshake"),
        ("rendez-vous", "calendar-check"),
        ("cœur", "heart"),
        ("coeur", "heart"),
        ("clé", "key"),
        ("cadenas", "lock"),
        ("épargne", "piggy-bank"),
        ("tracteur", "tractor"),
        ("planète", "earth-europe"),
        ("idée", "lightbulb"),
        ("cartes", "credit-card"),  # a plural finds its singular
        ("étoile", "star"),
        ("horloge", "clock"),
        ("euro", "euro-sign"),
        ("tchat", "comments"),
        ("voiture", "car"),
        ("house", "house"),  # English: the name itself first
        ("handshake", "handshake"),
        ("home", "house"),  # a Font Awesome alias
        ("bank", "building-columns"),
        ("residence", "house"),  # a Font Awesome search term
    ],
)
def test_a_word_finds_its_icon(query: str, icon: str) -> None:
    assert first(query) == icon


def test_results_carry_english_and_french_keywords() -> None:
    house = search_icons("maison", limit=3)
    assert [m.name for m in house][:2] == ["house", "house-chimney"]
    assert "residence" in house[0].keywords and "maison" in house[0].french
    assert all(m.name in icon_names() for m in search_icons("argent"))


def test_several_words_search_together() -> None:
    names = [m.name for m in search_icons("maison banque", limit=6)]
    assert {"house", "building-columns"} <= set(names)


def test_an_english_word_finds_names_that_hold_it() -> None:
    names = [m.name for m in search_icons("chart", limit=10)]
    assert "chart-line" in names and "chart-pie" in names


def test_nothing_found_and_everything() -> None:
    assert search_icons("zzqxw") == []
    assert len(search_icons("", limit=None)) == len(icon_names())


def test_unknown_icon_suggests_what_the_word_means_first() -> None:
    with pytest.raises(UnknownIcon) as caught:
        find_icon("maison")
    assert caught.value.suggestions[0] == "house"
    assert "mastodon" not in caught.value.suggestions
    with pytest.raises(UnknownIcon) as caught:
        find_icon("poignée de main")
    assert caught.value.suggestions[0] == "handshake"
    with pytest.raises(UnknownIcon) as caught:
        find_icon("handshak")  # a typo still gets the names spelt alike
    assert caught.value.suggestions[0] == "handshake"


# --- the French table ----------------------------------------------------------------------

# Words the brief named; each must find something.
_WORDS = (
    "argent euro carte crédit prêt épargne conseiller client rendez-vous agence sécurité cadenas calendrier "
    "email tchat message famille voiture maison clé entreprise agriculture tracteur arbre planète graphique "
    "cible idée main cœur étoile horloge banque téléphone pourcentage"
)
BANK_WORDS = _WORDS.split()


def test_french_table_names_real_icons_once_each() -> None:
    document = yaml.compose(FRENCH_KEYWORDS.read_text(encoding="utf-8"))
    assert isinstance(document, yaml.MappingNode)
    keys = [fold(key.value) for key, _ in document.value]
    assert len(keys) == len(set(keys)), "a French word is listed twice (accents and case are ignored)"
    raw = yaml.safe_load(FRENCH_KEYWORDS.read_text(encoding="utf-8"))
    known = set(icon_names())
    unknown = {name for names in raw.values() for name in names if name not in known}
    assert not unknown, f"not Font Awesome Free icon names: {sorted(unknown)}"
    assert all(len(names) == len(set(names)) for names in raw.values())
    assert len(french_keywords()) >= 300
    for word in BANK_WORDS:
        assert search_icons(word, limit=1), word
    assert "CC0" in FRENCH_KEYWORDS.read_text(encoding="utf-8")  # its licence note


def test_metadata_line_reader_matches_a_full_yaml_parse() -> None:
    path: Path = _fa_root() / "metadata" / "icons.yml"
    full = yaml.load(path.read_text(encoding="utf-8"), Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
    with path.open(encoding="utf-8") as lines:
        quick = {info.name: info for info in _read_icons_yml(lines)}
    assert set(quick) == {str(name) for name in full}
    for name, entry in full.items():
        info = quick[str(name)]
        assert info.label == str(entry.get("label", ""))
        assert list(info.terms) == [str(t) for t in (entry.get("search") or {}).get("terms") or []]
        assert list(info.aliases) == [str(a) for a in (entry.get("aliases") or {}).get("names") or []]
    assert icon_metadata()["house"].terms  # and the cached index has them


# --- the command ---------------------------------------------------------------------------


def run(*args: str) -> str:
    result = CliRunner().invoke(group, ["icons", *args], prog_name="render", catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return result.output


def test_render_icons_in_french() -> None:
    lines = run("maison").splitlines()
    assert lines[0].split()[0] == "house" and "residence" in lines[0] and "maison" in lines[0]
    assert run("poignée", "de", "main").splitlines()[0].startswith("handshake ")
    assert run("téléphone", "--limit", "2").count("\n") == 2


def test_render_icons_lists_all_and_says_when_nothing_matches() -> None:
    assert len(run().splitlines()) == len(icon_names())
    assert "no icon found for 'zzqxw'" in run("zzqxw")
    assert "[brands]" in run("youtube", "--limit", "1")
