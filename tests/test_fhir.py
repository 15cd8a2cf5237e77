"""The FHIR R4 export (`handcoach sessions export --format fhir`, review/fhir.py), read as
a clinic's record would: every resource validated by the `fhir.resources` models, the
range of motion of every joint of a saved session with its codes and units, the pain
ratings, each prescription version, and the angles read back to the degree."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import datetime, timezone

import pytest
from fhir.resources.R4B import get_fhir_model_class
from fhir.resources.R4B.bundle import Bundle

from handcoach.accounts import Access
from handcoach.accounts.principal import COMMAND_LINE
from handcoach.cli import main
from handcoach.review.fhir import PatientRecord, build_bundle, read_angles
from handcoach.storage import Store, list_sessions
from helpers.clinic import FIST_DOSE, days_ago, record_session
from vision.landmarks import ANGLE_NAMES

SNOMED, LOINC, UCUM = "http://snomed.info/sct", "http://loinc.org", "http://unitsofmeasure.org"
FINGER_CODES = {"thumb": "76505004", "index": "83738005", "middle": "65531009",
                "ring": "82002001", "little": "12406000"}


@pytest.fixture
def saved(tmp_path, monkeypatch):
    """Two prescription versions and a live session for Ann (right hand, pain 2 -> 4),
    a session for Bob; the store at HANDCOACH_DB_URL as the command line opens it."""
    url = f"sqlite:///{tmp_path / 'results.db'}"
    monkeypatch.setenv("HANDCOACH_DB_URL", url)
    monkeypatch.setenv("HANDCOACH_NATIVE_LOGS", "1")   # keep pytest's own stderr capture
    store = Store.open(url)
    record_session(store, "Ann Lee", started=days_ago(3), pain=(1, 1))
    acc = Access(store, COMMAND_LINE)
    ann = next(p for p in acc.patients() if p.name == "Ann Lee")
    acc.prescribe(ann.id, "right", ["fist"], {"fist": FIST_DOSE})
    v2 = acc.prescribe(ann.id, "right", ["fist", "tendon_glides"],
                       {"fist": FIST_DOSE, "tendon_glides": FIST_DOSE},
                       {"index": {"pip": 90}}, "Gently.")
    record_session(store, "Ann Lee", started=days_ago(1), peak=73.0, pain=(2, 4),
                   prescription_id=v2.id)
    record_session(store, "Bob Ray", started=days_ago(1))
    yield store
    store.close()


def export(capsys, *args: str) -> tuple[int, str, str]:
    code = main(["sessions", "export", "--format", "fhir", *args])
    out, err = capsys.readouterr()
    return code, out, err


def test_the_bundle_validates_and_holds_every_joint_pain_and_prescription(saved, capsys):
    code, out, err = export(capsys, "--patient", "Ann Lee")
    assert (code, err) == (0, "")
    raw = json.loads(out)
    assert raw["resourceType"] == "Bundle" and raw["type"] == "collection"
    # Every resource, validated on its own by its fhir.resources model, and the whole.
    Bundle.model_validate(raw)
    kinds = []
    for entry in raw["entry"]:
        kind = entry["resource"]["resourceType"]
        get_fhir_model_class(kind).model_validate(entry["resource"])
        assert entry["fullUrl"] == f"urn:uuid:{entry['resource']['id']}"
        kinds.append(kind)
    assert kinds.count("Patient") == 1 and kinds.count("Device") == 1
    (patient,) = [e["resource"] for e in raw["entry"]
                  if e["resource"]["resourceType"] == "Patient"]
    assert patient["name"] == [{"text": "Ann Lee"}]            # and not Bob
    assert "Bob Ray" not in out

    sessions = list_sessions("Ann Lee", saved)
    latest = sessions[-1]
    observations = [e["resource"] for e in raw["entry"]
                    if e["resource"]["resourceType"] == "Observation"]
    rom = [o for o in observations if o["code"]["coding"][0]["code"] == "364564000"]
    assert len(rom) == 14 * len(sessions)             # every joint of every session
    mine = [o for o in rom if {"system": "urn:handcoach:fhir:session",
                               "value": str(latest.id)} in o["identifier"]]
    assert len(mine) == 14
    device = next(e["fullUrl"] for e in raw["entry"]
                  if e["resource"]["resourceType"] == "Device")
    for o, (finger, joint) in zip(mine, ANGLE_NAMES, strict=True):
        assert o["status"] == "final"
        assert o["subject"]["reference"] == f"urn:uuid:{patient['id']}"
        assert o["code"]["coding"][0] == {
            "system": SNOMED, "code": "364564000",
            "display": "Range of joint movement (observable entity)"}
        value = o["valueQuantity"]
        assert (value["system"], value["code"], value["unit"]) == (UCUM, "deg", "deg")
        assert value["value"] == round(latest.rom[finger][joint]["max"]) == 73
        (site,) = o["bodySite"]["coding"]
        assert site["system"] == SNOMED
        assert site["code"] == f"{FINGER_CODES[finger]}:272741003=24028007"   # right
        assert o["bodySite"]["text"].startswith("right ")
        assert f"({joint.upper()})" in o["bodySite"]["text"]
        assert o["method"]["text"] == "active"
        assert o["device"]["reference"] == device
        assert o["effectivePeriod"]["start"].startswith(latest.started_at.date().isoformat())

    pain = [o for o in observations if o["code"]["coding"][0]["system"] == LOINC]
    assert {o["code"]["coding"][0]["code"] for o in pain} == {"72514-3"}
    latest_pain = [o["valueInteger"] for o in pain
                   if {"system": "urn:handcoach:fhir:session", "value": str(latest.id)}
                   in o["identifier"]]
    assert latest_pain == [2, 4]                       # before, after

    plans = [e["resource"] for e in raw["entry"] if e["resource"]["resourceType"] == "CarePlan"]
    assert [p["status"] for p in plans] == ["revoked", "active"]
    assert [[a["detail"]["code"]["coding"][0]["code"] for a in p["activity"]]
            for p in plans] == [["fist"], ["fist", "tendon_glides"]]
    fist = plans[1]["activity"][0]["detail"]
    assert fist["scheduledTiming"]["repeat"] == {"frequency": 2, "period": 1,
                                                 "periodUnit": "d"}
    assert fist["quantity"]["value"] == 3
    assert {"text": "Gently."} in plans[1]["note"]

    # Read back, the bundle gives the store's angles to the degree.
    back = read_angles(out)
    assert back == {(s.id, f, j): (round(s.rom[f][j]["min"]), round(s.rom[f][j]["max"]))
                    for s in sessions for f, j in ANGLE_NAMES}


def test_untrusted_and_missing_readings_are_not_exported_as_facts(saved):
    (s,) = list_sessions("Bob Ray", saved)
    rom = json.loads(json.dumps(s.rom))
    rom["index"]["pip"]["trusted"] = False            # marked: not to be trusted
    rom["ring"]["dip"] = {"min": None, "max": None}   # never seen
    bundle = build_bundle([PatientRecord(1, "Bob Ray", [replace(s, rom=rom)], [])],
                          datetime.now(timezone.utc), "test")
    angles = read_angles(bundle.model_dump_json(exclude_none=True))
    assert (s.id, "index", "pip") not in angles and (s.id, "ring", "dip") not in angles
    assert len(angles) == 12


def test_bad_requests_are_one_line(saved, capsys):
    code, out, err = export(capsys, "--patient", "Nobody Here")
    assert code == 2 and out == ""
    assert err.startswith("error: no patient named 'Nobody Here'") and err.count("\n") == 1
    code, out, err = export(capsys, "--reps")
    assert (code, out) == (2, "") and err == (
        "error: --reps has no FHIR form: use --format csv or json\n")
    # Without --patient: every patient in one bundle; each export is in the audit log.
    code, out, _ = export(capsys)
    names = [e["resource"]["name"][0]["text"] for e in json.loads(out)["entry"]
             if e["resource"]["resourceType"] == "Patient"]
    assert code == 0 and names == ["Ann Lee", "Bob Ray"]
    from handcoach.storage import audit

    assert [(r.action, r.patient) for r in audit.read(saved) if r.action == "export"] == [
        ("export", "Ann Lee"), ("export", "Bob Ray")]
