"""Locale-aware number formatting for the statistic scene (no Babel needed for our few locales)."""

from __future__ import annotations

from decimal import Decimal

NNBSP = "\u202f"  # narrow no-break space: the French thousands separator

# language -> (thousands separator, decimal mark)
_SEPARATORS: dict[str, tuple[str, str]] = {
    "en": (",", "."),
    "fr": (NNBSP, ","),
    "de": (".", ","),
    "es": (".", ","),
    "it": (".", ","),
    "pt": (".", ","),
    "nl": (".", ","),
}


def separators(language: str) -> tuple[str, str]:
    """(thousands, decimal) for a BCP-47 tag; fr-CA, fr-BE... use the French ones."""
    base = (language or "en").split("-")[0].split("_")[0].lower()
    return _SEPARATORS.get(base, _SEPARATORS["en"])


def decimals_of(value: float) -> int:
    """0 for a whole number, else as many decimals as the value has, at most 2."""
    if float(value).is_integer():
        return 0
    exponent = Decimal(repr(float(value))).normalize().as_tuple().exponent
    digits = -exponent if isinstance(exponent, int) else 2
    return max(0, min(2, digits))


def format_number(value: float, decimals: int, language: str = "en") -> str:
    """``12500, 0, "fr"`` -> ``"12 500"`` (narrow no-break space); ``4.5, 1, "fr"`` -> ``"4,5"``."""
    thousands, mark = separators(language)
    text = f"{abs(value):,.{decimals}f}"
    whole, _, frac = text.partition(".")
    whole = whole.replace(",", thousands)
    sign = "-" if value < 0 and float(text.replace(",", "")) != 0 else ""
    return sign + whole + (mark + frac if frac else "")


def is_wordy(affix: str) -> bool:
    """A prefix/suffix that reads as words ("projets", "plus de"), not a unit symbol ("€", "M€")."""
    return " " in affix.strip() or sum(c.isalpha() for c in affix) >= 4
