"""The project's records in one database: the audit trail, approvals and the publication ledger.

`render` writes render and approval entries, `upload` writes upload entries and its
publication ledger, and `upload` reads the approvals before it publishes. Both use this
package, so it sits below them (and above :mod:`contract`, whose models it reads).

- :mod:`records.location`: where the database is (``--db``, ``$RENDER_AUDIT_DB``, or
  ``<project>/.render/audit.sqlite``, found without configuration);
- :mod:`records.store`: SQLAlchemy 2 engine, Alembic migrations run on open, serialised writes;
- :mod:`records.audit`: the tamper-evident chain (each entry carries its predecessor's hash);
- :mod:`records.approvals`: approvals bound to one script and one video (``approval_state``);
- :mod:`records.ledger`: the rows behind ``upload``'s publication ledger.
"""
