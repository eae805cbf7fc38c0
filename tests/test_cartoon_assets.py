"""Names with "did you mean", the bundled props, licences and credits."""

from __future__ import annotations

from pathlib import Path

import pytest

from contract.errors import ExitCode, InputError
from scenes.cartoon.colour import Palette
from scenes.cartoon.credits import LICENCES, credits_for
from scenes.cartoon.names import UnknownName
from scenes.cartoon.props import PROPS_DIR, find_prop, prop_names
from scenes.cartoon.settings import setting_svg
from scenes.cartoon.styles import Pose, character_svg, make_character, style_info, style_names

ASSETS = Path(__file__).resolve().parents[1] / "assets"


@pytest.mark.parametrize(
    ("call", "closest"),
    [
        (lambda: make_character("a", "toon-hed"), "toon-head"),
        (lambda: make_character("a", "notionist"), "notionists"),
        (lambda: make_character("a", "toon-head", look={"hiar": "bun"}), "hair"),
        (lambda: make_character("a", "toon-head", look={"hair": "bunn"}), "bun"),
        (lambda: make_character("a", "notionists", look={"glases": "variant01"}), "glasses"),
        (lambda: find_prop("money-bg"), "money-bag"),
        (lambda: find_prop("potted-plnt"), "potted-plant"),
        (lambda: setting_svg("agence", Palette(), 10, 10), "agency"),
        (lambda: character_svg(make_character("a"), Pose(expression="hapy")), "happy"),
    ],
)
def test_unknown_names_suggest_the_closest(call: object, closest: str) -> None:
    with pytest.raises(UnknownName) as caught:
        call()  # type: ignore[operator]
    error = caught.value
    assert closest in error.suggestions
    assert f"did you mean {closest!r}" in str(error) or f"{closest!r}" in str(error)
    assert isinstance(error, InputError) and error.exit_code == ExitCode.BAD_INPUT


def test_avataaars_is_not_bundled() -> None:
    with pytest.raises(UnknownName, match="licence"):
        make_character("a", "avataaars")


def test_styles_offer_every_state_deterministically() -> None:
    assert style_names() == ["notionists", "toon-head"]
    for style in style_names():
        info = style_info(style)
        assert info.options and "hair" in info.options
        one = make_character("claire", style, clothes="#00703C")
        assert one == make_character("claire", style, clothes="#00703C")
        pictures = set()
        for pose in (Pose(), Pose(eyes="closed"), Pose(mouth="half"), Pose(mouth="open"), Pose(gesture="wave")):
            svg = character_svg(one, pose)
            assert svg.startswith("<svg") and "#00703C".lower() in svg.lower()
            pictures.add(svg)
        assert len(pictures) == 5  # each state is its own picture
        assert make_character("paul", style) != one  # another name, another face


def test_required_props_exist_with_their_files() -> None:
    names = prop_names()
    required = ["money-bag", "house", "handshake", "potted-plant", "mobile-phone", "laptop", "calendar"]
    useful = ["office-worker", "tools", "bank", "credit-card", "chat-bubble", "euro", "key", "light-bulb"]
    assert set(required + useful) <= set(names)
    assert len(names) >= 19
    for name in names:
        prop = find_prop(name)
        assert prop.path.parent == PROPS_DIR and prop.path.read_text().startswith("<svg")
    assert find_prop("chat").name == "chat-bubble"  # aliases work


def test_credits_name_each_asset_with_its_licence() -> None:
    credits = credits_for(styles=["toon-head", "notionists"], settings=["agency"], props=["money-bag", "chat"])
    text = credits.text()
    for needle in (
        "toon-head",
        "Johan Melin",
        "CC BY 4.0",
        "notionists",
        "Zoish",
        "CC0 1.0",
        "agency",
        "money-bag",
        "chat-bubble",
        "MIT",
    ):
        assert needle in text, needle
    assert len(credits.lines) == 5
    assert credits.attribution_required
    for file in credits.licence_files:
        assert (ASSETS / file).stat().st_size > 1000
    assert not credits_for(styles=["notionists"], settings=["home"], props=["key"]).attribution_required
    assert credits_for().lines == ()


def test_every_licence_text_is_in_assets() -> None:
    for licence in LICENCES.values():
        text = (ASSETS / licence.file).read_text(encoding="utf-8")
        assert {"CC-BY-4.0": "Attribution 4.0 International", "CC0-1.0": "CC0 1.0 Universal", "MIT": "MIT License"}[
            licence.spdx
        ] in text
