"""Publishing constants that the command-line options need, importable without Google's libraries
(`render` builds its `--publish` options from them at every start)."""

ENDPOINT_ENV = "YOUTUBE_API_ENDPOINT"  # send every request to this server root instead of Google's
DEFAULT_TIMEOUT = 60.0  # seconds per HTTP request
CHUNK_UNIT = 256 * 1024  # resumable uploads take chunks in multiples of 256 KiB
DEFAULT_CHUNK_SIZE = 32 * CHUNK_UNIT  # 8 MiB
DEFAULT_PROFILE = "default"  # the login profile when none is named
