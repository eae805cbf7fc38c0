"""Publishing rendered videos to YouTube (the `upload` command and `render --publish`)."""

from typing import Any

__all__ = ["PublishOptions", "PublishResult", "publish_build"]


def __getattr__(name: str) -> Any:  # imported when used: `render` starts without Google's libraries
    if name in __all__:
        from upload import publish

        return getattr(publish, name)
    raise AttributeError(f"module 'upload' has no attribute {name!r}")
