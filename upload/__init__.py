"""Publishing rendered videos to YouTube (the `upload` command and `render --publish`)."""

from upload.publish import PublishOptions, PublishResult, publish_build

__all__ = ["PublishOptions", "PublishResult", "publish_build"]
