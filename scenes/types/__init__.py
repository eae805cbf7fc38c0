"""The built-in scene types; importing this package registers them."""

from scenes.types import (  # noqa: F401
    bullets,
    closing,
    comparison,
    image,
    quote,
    statistic,
    timeline,
    title,
)
