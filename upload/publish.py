"""Publish a rendered build folder to YouTube: the library behind `upload` and `render --publish`.

    from upload.publish import PublishOptions, publish_build
    result = publish_build(Path("build/mission"), PublishOptions(profile="work"))

The build is verified (:mod:`upload.build`), its approvals are checked when its script
requires them (:mod:`records.approvals`), the steps are planned from it and the ledger
(:mod:`upload.plan`), then printed (`--dry-run`) or executed here. Every step is recorded
in the ledger (the records database, copied to `build/<name>/publish-ledger.json`) as soon
as it is done, so running again never uploads the same content twice: it resumes an
interrupted upload, updates changed metadata, and redoes only the steps that are missing or
changed. Each upload or update is appended to the audit trail once the video id is known.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TextIO

from contract.errors import InputError, PublishError
from contract.progress import Reporter, make_reporter
from records.approvals import ApprovalState, state_of
from records.store import Store, open_store
from upload import auth
from upload.api import Api
from upload.build import Build, check_schedule, load_build
from upload.client import authorized_http, build_http, build_service, resolve_endpoint
from upload.errors import explain, forced_private, is_fatal
from upload.ledger import Ledger, LedgerLock
from upload.links import with_links
from upload.metadata import fingerprint, video_body
from upload.options import PublishOptions, PublishResult
from upload.plan import Plan, listing, make_plan
from upload.steps import Run
from upload.summary import defaults_note, find_channel, summary_lines
from upload.transfer import Backoff

__all__ = ["PublishOptions", "PublishResult", "publish_build"]


def publish_build(
    build_dir: Path,
    options: PublishOptions | None = None,
    reporter: Reporter | None = None,
    out: TextIO | None = None,
    links: Sequence[str] = (),
) -> PublishResult:
    """Publish `build_dir` (a folder written by `render`) to YouTube.

    Raises :class:`InputError` (exit 2) for a bad build or option and :class:`PublishError`
    (exit 1) when YouTube or the network fails, or when the script requires approvals this
    exact video lacks; the messages are the user's. With ``options.dry_run`` the requests are
    printed to `out` (default stdout) and nothing is sent. `links`: lines added at the end of the
    description (the other language variants, see :mod:`upload.variants`).
    """
    options = options or PublishOptions()
    options.check()
    endpoint = resolve_endpoint(options.api_endpoint)
    own_reporter = reporter is None
    reporter = reporter or make_reporter()
    try:
        with load_build(Path(build_dir)) as build, open_store(options.db, build.folder, Path.cwd()) as store:
            if links:
                build.publish = with_links(build.publish, links, build.folder)
            approval = state_of(store, build.manifest, build.folder)
            if options.dry_run:
                return _dry_run(build, options, endpoint, reporter, out, store, approval)
            refuse_unapproved(build, approval)
            with LedgerLock(build.folder):
                return _publish(build, options, endpoint, reporter, store, approval)
    finally:
        if own_reporter:
            reporter.close()


def refuse_unapproved(build: Build, state: ApprovalState) -> None:
    """Raise (exit 1) unless the approvals the script requires are there for this exact video."""
    if state.approved:
        return
    have = len(state.approvers)
    names = f": {', '.join(state.approvers)}" if have else ""
    other = sum(1 for approval in state.approvals if not approval.applies)
    older = f"; {other} other approval(s) are of another version or no longer valid" if other else ""
    raise PublishError(
        f"{build.folder}: this video is not approved: {state.required_by or 'the script'} requires "
        f"{state.needed} approval(s) by distinct people of exactly this script and video, and it has {have}{names}"
        + older,
        hint=f"run `render approve {build.folder} --by NAME [--role ROLE]` once per approver "
        f"(`render approvals {build.folder}` lists them); a changed script or a new render needs new approvals",
    )


def _run(
    build: Build,
    options: PublishOptions,
    endpoint: str,
    reporter: Reporter,
    http: object,
    store: Store,
    approval: ApprovalState,
) -> Run:
    ledger = Ledger.load(build.folder, store, read_only=http is None)  # a dry run imports nothing
    body = video_body(build.publish, build.language)
    known = ledger.find(options.account, endpoint, build.video.sha256)
    if options.force_new or known is None or not known.video_id or known.metadata_sha256 != fingerprint(body):
        check_schedule(build.publish)  # only when the metadata (with publishAt) is about to be sent
    # a dry run builds its requests on a transport without credentials and never executes them
    transport = http if http is not None else build_http(options.timeout, endpoint)
    return Run(
        build,
        options,
        endpoint,
        body,
        ledger,
        Api(build_service(endpoint, transport)),
        reporter,
        Backoff(reporter, attempts=options.attempts, base=options.backoff_base),
        http=http,
        approval=approval,
    )


def _dry_run(
    build: Build,
    options: PublishOptions,
    endpoint: str,
    reporter: Reporter,
    out: TextIO | None,
    store: Store,
    approval: ApprovalState,
) -> PublishResult:
    run = _run(build, options, endpoint, reporter, None, store, approval)
    plan = make_plan(run)
    run.entry = plan.entry
    lines = listing(run, plan)
    count = sum(1 for step in plan.steps for call in step.calls(run) if call.request is not None)
    summary = [
        "DRY RUN: nothing is published or changed.",
        *summary_lines(build, find_channel(options, endpoint), plan.describe(), approval.describe()),
    ]
    shown = [*summary, ""]
    shown += lines if options.verbose else [f"{count} request(s) would be sent; add --verbose to list them."]
    print("\n".join(shown), file=out if out is not None else sys.stdout, flush=True)
    published = plan.entry if plan.entry is not None and plan.entry.video_id else None
    return PublishResult(
        "dry-run",
        published.video_id if published else None,
        published.url if published else None,
        ledger=run.ledger.path,
        requests=lines,
        summary=summary,
    )


def _credentials(options: PublishOptions, reporter: Reporter) -> auth.LoadedCredentials:
    try:
        loaded = auth.load_credentials(options.profile, options.token_file)
    except InputError:
        if options.token_file is not None or options.client_secrets is None:
            raise
        auth.login(options.profile or auth.DEFAULT_PROFILE, options.client_secrets, echo=reporter.info)
        loaded = auth.load_credentials(options.profile, None)
    for warning in loaded.warnings:
        reporter.warning(warning)
    return loaded


def _publish(
    build: Build, options: PublishOptions, endpoint: str, reporter: Reporter, store: Store, approval: ApprovalState
) -> PublishResult:
    loaded = _credentials(options, reporter)
    http = authorized_http(loaded.credentials, options.timeout, endpoint)
    try:
        run = _run(build, options, endpoint, reporter, http, store, approval)
        run.warnings.extend(loaded.warnings)
        note = defaults_note(build)
        if note and make_plan(run).action != "unchanged":  # said before anything is uploaded
            run.warn(note)
        plan, failures = execute_plan(run)
    finally:
        http.close()  # the kept-alive connections
    entry = run.entry
    assert entry is not None and entry.video_id  # the video steps either succeed or raise
    action = plan.action
    if action == "unchanged" and not run.recorded():  # published before the audit trail, or it failed then
        run.record(action)
    reporter.info(f"{'published' if action == 'uploaded' else action}: {entry.url} (video {entry.video_id})")
    locked = forced_private(build.publish.privacy, ((run.current or {}).get("status") or {}).get("privacyStatus"))
    if locked is not None:
        raise locked
    if failures:
        raise PublishError(
            f"the video is published ({entry.url}), but {len(failures)} step(s) failed: " + "; ".join(failures),
            hint="run the same command again to retry them; the video is not uploaded twice",
        )
    return PublishResult(
        action, entry.video_id, entry.url, entry.channel_id, run.ledger.path, entry.privacy, run.warnings
    )


def execute_plan(run: Run) -> tuple[Plan, list[str]]:
    """Execute the plan's steps in order; return the plan and the optional steps that failed.

    A video step's failure, or a quota or login error anywhere, stops at once. A step that
    taught the ledger something (the same channel under another login) makes a new plan."""
    plan = make_plan(run)
    run.entry = plan.entry
    failures: list[str] = []
    index = 0
    while index < len(plan.steps):
        step = plan.steps[index]
        index += 1
        try:
            again = step.execute(run)
        except Exception as error:
            problem = explain(error, step.action, run.account)
            if not step.optional or is_fatal(error):
                raise problem from None
            failures.append(f"{step.name}: {problem.message}")
            run.warn(f"{step.name}: {problem.message}" + (f" ({problem.hint})" if problem.hint else ""))
            continue
        if again:
            plan = make_plan(run)
            run.entry, index = plan.entry, 0
    return plan, failures
