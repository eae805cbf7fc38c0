"""The lines that link a video to its other language variants ("English version: https://youtu.be/ID").

Each line is written in the language of the video whose description it ends, and names the
language of the video it links to: the French video says "Version anglaise : …", the English
one "French version: …". A language missing from the table below is named by its tag
("Version pt : …"); a description in a language the table lacks is linked in English.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from contract.errors import InputError
from contract.script import DESCRIPTION_MAX_BYTES, Publish

NOT_PUBLISHED = "(not yet published)"  # a dry run's stand-in for a video that has no id yet
ID_LENGTH = 11  # YouTube's video ids: 11 characters (the length is checked before any upload)

# description language -> (the label, with {name} for the other language; the names of the languages)
_LABELS: dict[str, tuple[str, dict[str, str]]] = {
    "en": (
        "{name} version",
        {
            "en": "English",
            "fr": "French",
            "es": "Spanish",
            "ca": "Catalan",
            "eu": "Basque",
            "de": "German",
            "it": "Italian",
        },
    ),
    "fr": (
        "Version {name}",
        {
            "en": "anglaise",
            "fr": "française",
            "es": "espagnole",
            "ca": "catalane",
            "eu": "basque",
            "de": "allemande",
            "it": "italienne",
        },
    ),
    "es": (
        "Versión en {name}",
        {
            "en": "inglés",
            "fr": "francés",
            "es": "español",
            "ca": "catalán",
            "eu": "euskera",
            "de": "alemán",
            "it": "italiano",
        },
    ),
    "ca": (
        "Versió en {name}",
        {
            "en": "anglès",
            "fr": "francès",
            "es": "castellà",
            "ca": "català",
            "eu": "basc",
            "de": "alemany",
            "it": "italià",
        },
    ),
    "eu": (
        "{name} bertsioa",
        {
            "en": "Ingelesezko",
            "fr": "Frantsesezko",
            "es": "Gaztelaniazko",
            "ca": "Katalanezko",
            "eu": "Euskarazko",
            "de": "Alemanezko",
            "it": "Italierazko",
        },
    ),
    "de": (
        "{name} Fassung",
        {
            "en": "Englische",
            "fr": "Französische",
            "es": "Spanische",
            "ca": "Katalanische",
            "eu": "Baskische",
            "de": "Deutsche",
            "it": "Italienische",
        },
    ),
    "it": (
        "Versione {name}",
        {
            "en": "inglese",
            "fr": "francese",
            "es": "spagnola",
            "ca": "catalana",
            "eu": "basca",
            "de": "tedesca",
            "it": "italiana",
        },
    ),
}


def _primary(tag: str) -> str:
    return tag.split("-", 1)[0].lower()


def link_label(description_language: str, linked_language: str) -> str:
    """How a video in `description_language` names its variant in `linked_language`."""
    template, names = _LABELS.get(_primary(description_language), _LABELS["en"])
    name = names.get(_primary(linked_language))
    if name is None:
        name = linked_language  # not in the table: the tag itself
    elif "-" in linked_language:
        name = f"{name} ({linked_language})"  # en-GB and en-US stay apart
    return template.format(name=name)


def link_line(description_language: str, linked_language: str, url: str | None) -> str:
    """`English version: https://youtu.be/ID`, `Version anglaise : …` (French puts a space before the colon)."""
    colon = " :" if _primary(description_language) == "fr" else ":"
    return f"{link_label(description_language, linked_language)}{colon} {url or NOT_PUBLISHED}"


def described(description: str, lines: Sequence[str]) -> str:
    """The description with the link lines after it, a blank line between."""
    return "\n\n".join(part for part in (description.rstrip(), "\n".join(lines)) if part)


def with_links(publish: Publish, lines: Sequence[str], folder: Path | str) -> Publish:
    """The publish data with the link lines at the end of its description; too long: bad input."""
    description = described(publish.description, lines)
    size = len(description.encode("utf-8"))
    if size > DESCRIPTION_MAX_BYTES:
        over = size - DESCRIPTION_MAX_BYTES
        raise InputError(
            f"{folder}: with the links to the other language versions ({len(lines)} line(s)), the description "
            f"would be {size} bytes; YouTube allows {DESCRIPTION_MAX_BYTES}",
            hint=f"shorten the script's `publish.description` in this language by at least {over} bytes and render "
            "again, or publish the folders one by one without --all (no links)",
        )
    return publish.model_copy(update={"description": description})
