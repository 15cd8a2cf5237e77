"""`handcoach sessions export --format fhir`: the saved sessions as one FHIR R4 Bundle.

Read as the database's administrator, like the other exports (whoever can open the
database can read all of it); written to the audit log before anything is printed.
"""

from __future__ import annotations

import sys
from datetime import datetime, timezone


def app_version() -> str:
    """HandCoach's installed version: the Device every Observation names."""
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("handcoach")
    except PackageNotFoundError:
        return "unknown"


def exercise_names() -> dict[str, str]:
    from exercises.library import load_library

    return {ex_id: ex.name for ex_id, ex in load_library().items()}


def print_fhir_export(patient: str | None) -> int:
    from handcoach.accounts import Access
    from handcoach.accounts.principal import COMMAND_LINE
    from handcoach.review.fhir import PatientRecord, build_bundle, bundle_json
    from handcoach.storage import Store, StoreError
    from handcoach.text import person_name

    acc = Access(Store.open(), COMMAND_LINE)
    chosen = acc.patients()
    if patient is not None:
        wanted = person_name(patient, "--patient")
        chosen = [p for p in chosen if p.name == wanted]
        if not chosen:
            raise StoreError(f"no patient named {wanted!r} in {acc.store.where}")
    records = [PatientRecord(p.id, p.name, acc.sessions(p.id), acc.prescriptions(p.id))
               for p in chosen]
    bundle = build_bundle(records, datetime.now(timezone.utc), app_version(),
                          exercise_names())
    sessions = sum(len(r.sessions) for r in records)
    for r in records:
        acc.log("export", r.id, f"FHIR bundle, {len(r.sessions)} sessions")
    if not records:
        acc.log("export", None, f"FHIR bundle, {sessions} sessions, no patients")
    sys.stdout.write(bundle_json(bundle) + "\n")
    return 0
