"""What went wrong, in one line with what to do: YouTube's errors mapped to the toolkit's."""

from __future__ import annotations

import http.client
import json
from dataclasses import dataclass
from typing import Any

import httplib2
from google.auth import exceptions as auth_exceptions
from googleapiclient.errors import HttpError

from contract.errors import InputError, PublishError, ToolkitError
from contract.reporting import redact

RETRY_STATUS = frozenset({408, 429, 500, 502, 503, 504})
RETRY_REASONS = frozenset({"rateLimitExceeded", "userRateLimitExceeded", "backendError", "internalError"})
TRANSPORT_ERRORS: tuple[type[BaseException], ...] = (
    httplib2.HttpLib2Error,
    http.client.HTTPException,
    OSError,  # connection reset, broken pipe, socket timeout, TLS errors
    auth_exceptions.TransportError,
)
RESUME_HINT = "run the same command again; it resumes where it stopped and never uploads twice"


class LoginServerUnreachable(PublishError):
    """The token endpoint (`token_uri`) could not be reached to refresh the access token.

    Not YouTube, and not worth the long backoff of an upload: said at once, as what it is."""


@dataclass(frozen=True)
class ApiProblem:
    status: int
    reason: str
    message: str


def api_problem(error: HttpError) -> ApiProblem:
    """Status, machine reason and human message from Google's JSON error body."""
    status = int(getattr(error.resp, "status", 0) or 0)
    reason, message = "", ""
    content: Any = error.content
    try:
        data = json.loads(content.decode("utf-8") if isinstance(content, bytes) else content)
        body = data.get("error", {}) if isinstance(data, dict) else {}
        if isinstance(body, dict):
            message = str(body.get("message") or "")
            details = body.get("errors") or []
            if details and isinstance(details[0], dict):
                reason = str(details[0].get("reason") or "")
                message = message or str(details[0].get("message") or "")
        elif isinstance(body, str):  # OAuth-style {"error": "invalid_grant"}
            reason = body
    except (ValueError, AttributeError, UnicodeDecodeError, TypeError):
        pass
    if not message:
        message = (getattr(error.resp, "reason", "") or http.client.responses.get(status, "")).strip()
    return ApiProblem(status, reason, redact(message.strip()))


def is_transient(error: BaseException) -> bool:
    """Worth retrying with backoff: 5xx, 429, rate limits, dropped connections, timeouts."""
    if isinstance(error, HttpError):
        problem = api_problem(error)
        return problem.status in RETRY_STATUS or (problem.status == 403 and problem.reason in RETRY_REASONS)
    if isinstance(error, auth_exceptions.RefreshError):
        return bool(getattr(error, "retryable", False))
    return isinstance(error, TRANSPORT_ERRORS)


def describe(error: BaseException) -> str:
    """A short description of a transient error for retry messages."""
    if isinstance(error, HttpError):
        problem = api_problem(error)
        return f"HTTP {problem.status}" + (f" {problem.reason}" if problem.reason else "")
    text = str(error) or type(error).__name__
    return redact(f"{type(error).__name__}: {text}" if text != type(error).__name__ else text)


def login_hint(account: str, first_time: bool = False) -> str:
    """What to run to (re)create the login named `account` ("profile:NAME" or "token-file:PATH").

    The one place that says how to log in, for every message that needs it."""
    if account.startswith("token-file:"):
        return (
            "create a fresh token file (`upload --login --profile NAME` writes one in the "
            "config folder) and pass it with --token-file, or use --profile"
        )
    profile = account.split(":", 1)[1] if ":" in account else "default"
    option = "" if profile == "default" else f" --profile {profile}"
    if first_time:
        return (
            f"run `upload --login{option} --client-secrets FILE` to log in "
            "(FILE: your OAuth client's JSON; see docs/publishing.md)"
        )
    return f"run `upload --login{option}` to log in again"


def explain(error: BaseException, action: str, account: str = "profile:default") -> ToolkitError:
    """The toolkit error for an exception raised while doing `action` ("uploading the video")."""
    if isinstance(error, ToolkitError):
        return error
    if isinstance(error, auth_exceptions.RefreshError):
        return PublishError(
            "the YouTube login was refused: the token has expired or been revoked",
            hint=login_hint(account),
        )
    if isinstance(error, HttpError):
        return _explain_http(api_problem(error), action, account)
    if isinstance(error, TRANSPORT_ERRORS):
        return PublishError(
            f"lost the connection to YouTube while {action} ({describe(error)})",
            hint="check the network, then " + RESUME_HINT,
        )
    return PublishError(
        redact(f"unexpected error while {action}: {type(error).__name__}: {error}"),
        hint=RESUME_HINT,
    )


def _explain_http(problem: ApiProblem, action: str, account: str) -> ToolkitError:
    status, reason, message = problem.status, problem.reason, problem.message
    detail = f"{message} ({reason or status})" if message else f"HTTP {status} {reason}".strip()
    if reason in ("quotaExceeded", "dailyLimitExceeded"):
        return PublishError(
            f"the YouTube API quota of this Google Cloud project is used up ({reason}) while {action}",
            hint="the quota resets at midnight Pacific time; run the same command again after that "
            "(finished steps are not repeated)",
        )
    if reason == "uploadLimitExceeded":
        return PublishError(
            "this channel has reached YouTube's upload limit (uploadLimitExceeded)",
            hint="the limit counts uploads per channel over 24 hours; run the same command again tomorrow",
        )
    if reason == "youtubeSignupRequired":
        return PublishError(
            "the Google account of this login has no YouTube channel (youtubeSignupRequired)",
            hint="create the channel on youtube.com, then " + login_hint(account),
        )
    if status == 401 or reason in ("authError", "unauthorized", "invalid_grant"):
        return PublishError(
            "the YouTube login was refused: the token has expired or been revoked",
            hint=login_hint(account),
        )
    if status == 403 and "thumbnail" in action:
        return PublishError(
            f"YouTube refused the custom thumbnail: {detail}",
            hint="custom thumbnails need a verified channel (https://www.youtube.com/verify); "
            "verify it, then run the same command again",
        )
    if status == 400 and reason.startswith("invalid"):
        return InputError(
            f"YouTube refused the metadata while {action}: {detail}",
            hint="fix the script's publish block, render again, then upload",
        )
    if status == 403 and reason in ("insufficientPermissions", "ACCESS_TOKEN_SCOPE_INSUFFICIENT"):
        return PublishError(
            f"the login lacks a permission needed for {action}: {detail}",
            hint=login_hint(account) + " and grant every access asked",
        )
    if status == 403 and reason in ("accessNotConfigured", "SERVICE_DISABLED"):
        return PublishError(
            f"the YouTube Data API is not enabled for this Google Cloud project: {detail}",
            hint="enable 'YouTube Data API v3' in Google Cloud Console for the project of your client secrets",
        )
    if status in RETRY_STATUS or (status == 403 and reason in RETRY_REASONS):
        return PublishError(f"YouTube kept failing while {action}: {detail}", hint=RESUME_HINT)
    return PublishError(f"YouTube refused {action}: {detail}", hint="see the message above; " + RESUME_HINT)


def is_fatal(error: BaseException) -> bool:
    """Errors that stop every later step too: quota used up, login refused."""
    if isinstance(error, LoginServerUnreachable):
        return True
    if isinstance(error, auth_exceptions.RefreshError):
        return not getattr(error, "retryable", False)
    if isinstance(error, HttpError):
        problem = api_problem(error)
        return problem.status == 401 or problem.reason in (
            "quotaExceeded",
            "dailyLimitExceeded",
            "authError",
            "youtubeSignupRequired",
        )
    return False


def forced_private(requested: str, actual: str | None) -> PublishError | None:
    """YouTube keeps videos uploaded by unverified API projects private whatever was asked."""
    if requested == "private" or actual != "private":
        return None
    return PublishError(
        f"YouTube made the video private instead of {requested}: the API project is unverified "
        "(videos uploaded by unverified API projects created after 28 July 2020 stay private)",
        hint="have the project audited (https://support.google.com/youtube/contact/yt_api_form), "
        "or change the visibility by hand in YouTube Studio",
    )
