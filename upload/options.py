"""What a publish is asked to do (`PublishOptions`) and what it did (`PublishResult`)."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

from contract.errors import InputError
from upload.defaults import CHUNK_UNIT, DEFAULT_CHUNK_SIZE, DEFAULT_PROFILE, DEFAULT_TIMEOUT

Action = Literal["uploaded", "updated", "unchanged", "dry-run"]


@dataclass
class PublishOptions:
    """How to publish; the same fields as the `upload` command's options."""

    profile: str | None = None  # login profile (one per channel); default "default"
    token_file: Path | None = None  # authorized-user JSON to use instead of a profile
    api_endpoint: str | None = None  # API root; default $YOUTUBE_API_ENDPOINT or Google's
    dry_run: bool = False  # print the requests, send nothing, need no credentials
    verbose: bool = False  # a dry run also lists every raw request
    force_new: bool = False  # upload again even if the ledger shows this content published
    client_secrets: Path | None = None  # with no cached login for the profile: log in first
    chunk_size: int = DEFAULT_CHUNK_SIZE  # bytes per upload PUT, a multiple of 256 KiB
    timeout: float = DEFAULT_TIMEOUT  # seconds per HTTP request
    attempts: int = 8  # tries per failing request before giving up
    backoff_base: float = 1.0  # first retry waits 0.5–1 s, then doubles (capped at 64 s)
    db: str | None = None  # the records database URL; default $RENDER_AUDIT_DB or <project>/.render/audit.sqlite

    def check(self) -> None:
        if self.chunk_size <= 0 or self.chunk_size % CHUNK_UNIT:
            raise InputError(
                f"the chunk size {self.chunk_size} is not a positive multiple of 256 KiB (262144 bytes)",
                hint="use for example --chunk-size 8388608 (8 MiB)",
            )
        if self.timeout <= 0:
            raise InputError("the timeout must be a positive number of seconds")
        if self.attempts < 1:
            raise InputError("the number of attempts must be at least 1")
        if self.profile is not None:
            from upload import auth  # Google's libraries: only once a profile is used

            auth.check_profile(self.profile)
        if self.token_file is not None and self.profile is not None:
            raise InputError("give either --token-file or --profile, not both")

    @property
    def account(self) -> str:
        """The ledger's name for the login (which channel the video went to)."""
        if self.token_file is not None:
            return f"token-file:{Path(self.token_file).expanduser().absolute()}"
        return f"profile:{self.profile or DEFAULT_PROFILE}"


@dataclass
class PublishResult:
    action: Action
    video_id: str | None
    url: str | None
    channel_id: str | None = None
    ledger: Path | None = None
    privacy: str | None = None
    warnings: list[str] = field(default_factory=list)
    requests: list[str] = field(default_factory=list)  # the dry run's listing of raw requests
    summary: list[str] = field(default_factory=list)  # the dry run's plain summary
