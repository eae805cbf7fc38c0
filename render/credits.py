"""`credits.txt` and the YouTube description's attribution: the cartoon assets a video uses, with their licences."""

from __future__ import annotations

from contract.scene_types.cast import prop_placement
from contract.script import DESCRIPTION_MAX_BYTES, Publish, Script

CREDITS_NAME = "credits.txt"


def used_assets(script: Script) -> tuple[list[str], list[str], list[str]]:
    """(styles, settings, props) the video shows, each once."""
    styles: dict[str, None] = {}
    settings: dict[str, None] = {}
    props: dict[str, None] = {}
    for scene in script.scenes:
        for name in scene.cast_names():
            member = script.cast.get(name)
            styles[member.style if member else "toon-head"] = None
        if scene.setting is not None:  # drawn behind the scene, with or without a character
            settings[scene.setting] = None
        for ref in getattr(scene, "props", None) or []:
            props[prop_placement(ref).name] = None
    return list(styles), list(settings), list(props)


def credits_text(script: Script) -> tuple[str, bool]:
    """The credits file's text ("" when no cartoon asset is used) and whether a licence asks for attribution."""
    from scenes.cartoon import credits_for

    styles, settings, props = used_assets(script)
    if not (styles or settings or props):
        return "", False
    credits = credits_for(styles=styles, settings=settings, props=props)
    return credits.text(), credits.attribution_required


def publish_with_credits(publish: Publish, script: Script) -> Publish:
    """The publish data with the credits appended to the description when a licence asks for attribution."""
    text, attribution = credits_text(script)
    if not attribution:
        return publish
    block = "Crédits des illustrations :\n" if script.language.lower().startswith("fr") else "Illustration credits:\n"
    description = "\n\n".join(part for part in (publish.description.rstrip(), block + text.strip()) if part)
    if len(description.encode("utf-8")) > DESCRIPTION_MAX_BYTES:  # YouTube's limit: the credits file still has all
        description = description.encode("utf-8")[:DESCRIPTION_MAX_BYTES].decode("utf-8", "ignore")
    return publish.model_copy(update={"description": description})
