"""OAuth for YouTube: the installed-app login, per-profile token files, refresh and save-back.

Token files use google-auth's authorized-user JSON (``Credentials.to_json()``),
always with ``token_uri``; they are written atomically with mode 0600.
"""

from __future__ import annotations

import http.client
import json
import os
import re
import stat
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import google.oauth2.credentials
import httplib2
import platformdirs
from google.auth import exceptions as auth_exceptions

from contract import reporting
from contract.errors import InputError, PublishError
from contract.files import atomic_write_text
from upload.defaults import DEFAULT_PROFILE as DEFAULT_PROFILE  # re-exported: callers name it auth.DEFAULT_PROFILE
from upload.errors import LoginServerUnreachable, describe, login_hint

APP_NAME = "explainer-toolkit"
GOOGLE_TOKEN_URI = "https://oauth2.googleapis.com/token"
# youtube.upload: videos.insert and thumbnails.set; youtube.force-ssl: captions, playlists,
# videos.list/update.
SCOPES = [
    "https://www.googleapis.com/auth/youtube.upload",
    "https://www.googleapis.com/auth/youtube.force-ssl",
]
PROFILE_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$")
LOGIN_TIMEOUT_SECONDS = 300


def config_dir() -> Path:
    """The user's config folder for the toolkit (platformdirs; honours XDG_CONFIG_HOME)."""
    return platformdirs.user_config_path(APP_NAME, appauthor=False)


def check_profile(profile: str) -> str:
    if not PROFILE_NAME.match(profile):
        raise InputError(
            f"{profile!r} is not a valid profile name",
            hint="use letters, digits, '.', '_' or '-', for example `work` or `channel-2`",
        )
    return profile


def profile_token_path(profile: str) -> Path:
    """Where `upload --login --profile NAME` caches the token."""
    return config_dir() / "youtube" / f"{check_profile(profile)}.json"


_UNREACHABLE = (OSError, httplib2.HttpLib2Error, http.client.HTTPException, auth_exceptions.TransportError)


class SavingCredentials(google.oauth2.credentials.Credentials):
    """Credentials that write themselves back to their token file after every refresh."""

    token_file: Path | None = None

    def refresh(self, request: Any) -> None:
        try:
            super().refresh(request)  # type: ignore[no-untyped-call]
        except _UNREACHABLE as error:
            # raised from inside an API call, it would otherwise read as "lost the connection
            # to YouTube" and be retried for minutes
            parts = urlsplit(self.token_uri or "")
            raise LoginServerUnreachable(
                f"cannot reach the login server {parts.scheme}://{parts.netloc} to refresh the "
                f"YouTube token ({describe(error)})",
                hint="check the network connection and the token file's token_uri "
                f"(Google's is {GOOGLE_TOKEN_URI}), then run the same command again",
            ) from None
        reporting.register_secret(self.token, self.refresh_token)
        if self.token_file is not None:
            save_credentials(self, self.token_file)


@dataclass
class LoadedCredentials:
    credentials: SavingCredentials
    path: Path
    account: str  # the ledger's name for this login: "profile:NAME" or "token-file:/abs/path"
    profile: str | None
    warnings: list[str] = field(default_factory=list)  # to show the user (a token file others can read)


def _parse_expiry(value: Any) -> datetime | None:
    # google-auth keeps naive UTC datetimes; to_json() writes them with a trailing Z.
    if not value:
        return None
    try:
        return datetime.strptime(str(value).rstrip("Z").split(".")[0], "%Y-%m-%dT%H:%M:%S")
    except ValueError:
        return None


def credentials_from_info(info: dict[str, Any], path: Path | None = None) -> SavingCredentials:
    """Credentials from authorized-user JSON, keeping its `token_uri`.

    Unlike ``Credentials.from_authorized_user_info`` (which always points refresh at
    Google's endpoint and treats a token without expiry as expired), a custom
    `token_uri` is honoured, and a token without expiry is used until the server
    answers 401, then refreshed."""
    if not isinstance(info, dict) or not (info.get("token") or info.get("refresh_token")):
        raise ValueError("it holds neither a token nor a refresh_token")
    reporting.register_secret(info.get("token"), info.get("refresh_token"), info.get("client_secret"))
    scopes = info.get("scopes")
    if isinstance(scopes, str):
        scopes = scopes.split()
    credentials = SavingCredentials(  # type: ignore[no-untyped-call]
        token=info.get("token"),
        refresh_token=info.get("refresh_token"),
        token_uri=info.get("token_uri") or GOOGLE_TOKEN_URI,
        client_id=info.get("client_id"),
        client_secret=info.get("client_secret"),
        scopes=scopes,
        quota_project_id=info.get("quota_project_id"),
        expiry=_parse_expiry(info.get("expiry")),
        rapt_token=info.get("rapt_token"),
        account=info.get("account") or "",
    )
    credentials.token_file = path
    return credentials


def save_credentials(credentials: google.oauth2.credentials.Credentials, path: Path) -> None:
    """Write the authorized-user JSON atomically with mode 0600."""
    info = json.loads(credentials.to_json())  # type: ignore[no-untyped-call]
    info.setdefault("token_uri", credentials.token_uri or GOOGLE_TOKEN_URI)
    atomic_write_text(Path(path), json.dumps(info, indent=2) + "\n", mode=0o600)


def check_private(path: Path, ours: bool) -> str | None:
    """A warning if other users can read the token file; `ours` (a profile's file): fix it.

    Anyone who can read the token can publish on the channel."""
    if os.name == "nt":  # no POSIX modes; the user's profile folder is private
        return None
    try:
        info = path.stat()
    except OSError:
        return None
    mode = stat.S_IMODE(info.st_mode)
    if not mode & 0o077:
        return None
    if ours and info.st_uid == os.getuid():
        try:
            os.chmod(path, 0o600)
        except OSError:
            pass
        else:
            return f"{path} was readable by other users (mode {mode:04o}); its mode is now 0600"
    return (
        f"{path} is readable by other users (mode {mode:04o}), and the token in it lets anyone "
        f"publish on the channel; run `chmod 600 {path}`"
    )


def load_credentials(profile: str | None, token_file: Path | None) -> LoadedCredentials:
    """The credentials for `--token-file` (if given) or for a profile's cached login."""
    if token_file is not None:
        path = Path(token_file).expanduser().absolute()
        account = f"token-file:{path}"
        missing_hint = "pass the path of an authorized-user JSON file (what `upload --login` writes)"
    else:
        profile = profile or DEFAULT_PROFILE
        path = profile_token_path(profile)
        account = f"profile:{profile}"
        missing_hint = login_hint(account, first_time=True)
    if not path.is_file():
        what = f"token file {path}" if token_file is not None else f"no YouTube login for profile {profile!r} ({path})"
        raise InputError(f"{what} does not exist" if token_file is not None else what, hint=missing_hint)
    try:
        info = json.loads(path.read_text(encoding="utf-8"))
        credentials = credentials_from_info(info, path)
    except (OSError, UnicodeDecodeError, json.JSONDecodeError, ValueError) as error:
        detail = error.args[0] if isinstance(error, ValueError) and error.args else type(error).__name__
        raise InputError(
            f"{path} is not a usable token file ({reporting.redact(str(detail))})",
            hint=missing_hint,
        ) from None
    warning = check_private(path, ours=token_file is None)
    return LoadedCredentials(
        credentials, path, account, None if token_file is not None else profile, [warning] if warning else []
    )


def find_client_secrets(path: Path | None) -> Path:
    """The OAuth client secrets file: `--client-secrets`, else `<config>/client_secret.json`."""
    hint = (
        "create an OAuth client ID of type 'Desktop app' in Google Cloud Console "
        "(APIs & Services > Credentials), download its JSON and pass it with --client-secrets PATH"
    )
    if path is None:
        default = config_dir() / "client_secret.json"
        if default.is_file():
            return default
        raise InputError("no OAuth client secrets file given for the login", hint=hint)
    path = Path(path).expanduser()
    if not path.is_file():
        raise InputError(f"client secrets file {path} does not exist", hint=hint)
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError):
        raise InputError(f"{path} is not a client secrets JSON file", hint=hint) from None
    if not isinstance(data, dict) or "installed" not in data:
        kind = next(iter(data), "?") if isinstance(data, dict) and data else "?"
        raise InputError(
            f"{path} is not a desktop-app client secrets file (its type is {kind!r}, expected 'installed')",
            hint=hint,
        )
    reporting.register_secret(data["installed"].get("client_secret"))
    return path


def login(
    profile: str,
    client_secrets: Path | None,
    open_browser: bool | None = None,
    port: int = 0,
    timeout: float = LOGIN_TIMEOUT_SECONDS,
    echo: Any = print,
) -> Path:
    """Run the installed-app OAuth flow (loopback redirect) and cache the token for `profile`.

    Returns the token file path."""
    import webbrowser

    from google_auth_oauthlib.flow import InstalledAppFlow

    check_profile(profile)
    secrets_path = find_client_secrets(client_secrets)
    if open_browser is None:
        try:
            webbrowser.get()
            open_browser = True
        except webbrowser.Error:
            open_browser = False
    # With granular consent the user may untick a scope; oauthlib would then raise a bare
    # Warning. Accept the answer and check the granted scopes below instead.
    os.environ.setdefault("OAUTHLIB_RELAX_TOKEN_SCOPE", "1")
    flow = InstalledAppFlow.from_client_secrets_file(str(secrets_path), scopes=SCOPES)
    try:
        credentials = flow.run_local_server(
            host="localhost",
            port=port,
            open_browser=open_browser,
            authorization_prompt_message="Open this address in a browser to log in to YouTube "
            "(choose the channel for profile " + repr(profile) + "):\n{url}",
            success_message="Logged in: you can close this tab and return to the terminal.",
            timeout_seconds=timeout,
            access_type="offline",
            prompt="consent",
        )
    except Exception as error:  # oauthlib, network, timeout: one line, never the secrets
        if isinstance(error, KeyboardInterrupt):  # pragma: no cover - not an Exception
            raise
        detail = getattr(error, "description", None) or getattr(error, "error", None) or type(error).__name__
        if type(error).__name__ == "WSGITimeoutError":
            detail = f"no answer from the browser within {int(timeout)} s"
        raise PublishError(
            f"the YouTube login failed: {reporting.redact(str(detail))}",
            hint="run `upload --login` again and approve the access in the browser",
        ) from None
    reporting.register_secret(credentials.token, credentials.refresh_token, credentials.client_secret)
    granted = flow.oauth2session.token.get("scope") or []
    granted = set(granted.split() if isinstance(granted, str) else granted)
    missing = [scope.rsplit("/", 1)[-1] for scope in SCOPES if granted and scope not in granted]
    if missing:
        raise PublishError(
            f"the login did not grant {', '.join(missing)} (needed to upload and manage videos)",
            hint="run `upload --login` again and allow every access asked",
        )
    if not credentials.refresh_token:
        raise PublishError(
            "Google returned no refresh token, so the login would expire within an hour",
            hint="remove the app's access at https://myaccount.google.com/permissions and run `upload --login` again",
        )
    path = profile_token_path(profile)
    save_credentials(credentials, path)
    echo(f"logged in: profile {profile!r} saved to {path}")
    return path
