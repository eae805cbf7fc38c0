"""`render lint SCRIPT.yaml ...`: what will make the videos worse, before anything is rendered.

The checks are in :mod:`render.lint`; this module loads the scripts as `render check` does (an
invalid script gets the same messages and exit 2), prints the findings and picks the exit code.
"""

from __future__ import annotations

import json
from pathlib import Path

import click

from contract.errors import InputError
from render.commands._common import CONTEXT, cache_dir_option, debug_option, finish, scripts_argument
from render.commands.check import load_all


def lint_scripts(
    scripts: tuple[Path, ...], *, strict: bool, as_json: bool, estimate: bool, cache_dir: Path | None
) -> None:
    from render.lint import estimate_speech, language_drift, lint_report, summary

    def log(line: str) -> None:
        click.echo(line, err=True)  # speech synthesis progress; stdout holds only the findings

    linted = []
    for loaded in load_all(scripts):
        speech = estimate_speech(loaded.script, "--estimate") if estimate else None
        linted.append((loaded, lint_report(loaded, speech, cache_dir=cache_dir, log=log)))
    language_drift(linted)  # each language's length against the original's
    reports = [report for _, report in linted]
    findings = sorted((f for r in reports for f in r.findings), key=lambda f: (f.file, f.line, f.column, f.rule))
    if as_json:
        document = {
            "findings": [f.to_json() for f in findings],
            "scripts": [r.to_json() for r in reports],
            "summary": summary(reports),
        }
        click.echo(json.dumps(document, ensure_ascii=False, indent=2))
    else:
        for finding in findings:
            click.echo(str(finding))
        click.echo(summary(reports))
    if strict and findings:
        raise InputError(f"{summary(reports)} (--strict)", hint="fix them, or run without --strict to only warn")


@click.command(context_settings=CONTEXT)
@scripts_argument
@click.option("--strict", is_flag=True, help="exit 2 when there is any finding (default: findings only warn)")
@click.option("--json", "as_json", is_flag=True, help="print the findings as JSON")
@click.option(
    "--estimate", is_flag=True, help="estimate speech lengths from the voice rate instead of synthesising speech"
)
@cache_dir_option
@debug_option
def lint(
    scripts: tuple[Path, ...], strict: bool, as_json: bool, estimate: bool, cache_dir: Path | None, debug: bool
) -> None:
    """Report what would make SCRIPTS' videos worse, without rendering: long sentences, fast
    captions, too much to read, static stretches, the length against `target_duration`,
    numbers written two ways, words of `lint.avoid`, a language's video
    more than 20 % longer or shorter than the original's. One line each:
    file:line:column field: finding (what to do). Exit 0 (2 with --strict when there are findings).
    """
    finish(lambda: lint_scripts(scripts, strict=strict, as_json=as_json, estimate=estimate, cache_dir=cache_dir), debug)
