"""The built-in scene builders; importing this package registers them (one module per type)."""

from scenes.types import (  # noqa: F401
    bullets,
    closing,
    comparison,
    dialogue,
    image,
    presenter,
    quote,
    statistic,
    timeline,
    title,
)
