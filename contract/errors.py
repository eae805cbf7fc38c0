"""The toolkit's errors: the message is the user's message, the class sets the exit code."""

from __future__ import annotations

from collections.abc import Sequence
from enum import IntEnum

from contract.problems import Problem


class ExitCode(IntEnum):
    OK = 0
    FAILURE = 1
    BAD_INPUT = 2
    INTERRUPTED = 130


class ToolkitError(Exception):
    """Base class. `str(error)` is printed after 'ERROR'; `hint` says what to do."""

    exit_code: ExitCode = ExitCode.FAILURE

    def __init__(self, message: str, hint: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint

    def lines(self) -> list[str]:
        """The lines to show the user (without the 'ERROR' prefix)."""
        return [self.message] + ([f"hint: {self.hint}"] if self.hint else [])

    def __reduce__(self) -> tuple[object, ...]:
        # errors cross from render workers to the parent by pickling; subclasses take other
        # constructor arguments, so rebuild from the instance's state, not by calling __init__
        return (_rebuild, (type(self), self.args, self.__dict__))


def _rebuild(cls: type[ToolkitError], args: tuple[object, ...], state: dict[str, object]) -> ToolkitError:
    error = cls.__new__(cls)
    Exception.__init__(error, *args)
    error.__dict__.update(state)
    return error


class InputError(ToolkitError):
    """The user's input is wrong (script, file, option): exit code 2."""

    exit_code = ExitCode.BAD_INPUT


class ScriptError(InputError):
    """One or more problems in a script (:class:`~contract.problems.Problem`), each printed on its own line."""

    def __init__(self, problems: Sequence[Problem]) -> None:
        super().__init__("\n".join(str(p) for p in problems))
        self.problems = list(problems)

    def lines(self) -> list[str]:
        return [str(p) for p in self.problems]


class EnvironmentProblem(ToolkitError):
    """Something missing or broken on the machine (espeak-ng, a font, a full disk): exit code 1."""


class RenderFailure(ToolkitError):
    """A render step failed for a reason that is not the script's fault."""


class PublishError(ToolkitError):
    """Publishing to YouTube failed: exit code 1."""
