"""HL7 FHIR R4 export: a patient's sessions as one Bundle an electronic record can file.

What a clinic's record takes from a home program: who (Patient), what was measured and
how (one Observation per session and joint: the active range of motion, most flexion as
its value and least flexion as a component, in UCUM degrees, the joint's finger and side
as its body site, the camera as its device), the pain the patient rated (0-10 numeric
rating scale, before and after), and what was prescribed (each prescription version a
CarePlan, its exercises the activities with their dose). The codes, their sources and
what is HandCoach's own are in docs/fhir.md.

Every resource is built through the `fhir.resources` models (pydantic models of the FHIR
specification), so a bundle that would not validate is never handed out. The models are
its R4B package (FHIR 4.3), whose Patient, Observation, CarePlan, Device and Bundle are
R4's; nothing here uses an element R4 lacks.

A reading the store marks as not to be trusted (a rom entry with `"trusted": false`) is
not exported: a record keeps what it is given as fact. Joints never measured (None) are
left out too.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from fhir.resources.R4B.bundle import Bundle
from fhir.resources.R4B.careplan import CarePlan
from fhir.resources.R4B.device import Device
from fhir.resources.R4B.observation import Observation
from fhir.resources.R4B.patient import Patient

from handcoach.storage.records import PrescriptionInfo, SessionInfo
from vision.landmarks import ANGLE_NAMES

SNOMED = "http://snomed.info/sct"
LOINC = "http://loinc.org"
UCUM = "http://unitsofmeasure.org"
OBSERVATION_CATEGORY = "http://terminology.hl7.org/CodeSystem/observation-category"
#: HandCoach's own codes, where no standard code was verified (docs/fhir.md).
HANDCOACH = "urn:handcoach:fhir"
JOINT_SYSTEM = f"{HANDCOACH}:joint"
METHOD_SYSTEM = f"{HANDCOACH}:method"
COMPONENT_SYSTEM = f"{HANDCOACH}:component"
ACTIVITY_SYSTEM = f"{HANDCOACH}:exercise"
#: the HandCoach session an Observation comes from (its `session_id` in the exports).
SESSION_SYSTEM = f"{HANDCOACH}:session"
#: the namespace of every resource's id and fullUrl: the same session exports to the
#: same urn:uuid every time, so a record that files it twice can tell.
_NAMESPACE = uuid.UUID("3f0f5a4e-5d0e-4d3b-9a57-1b9c4c1e4a18")

RANGE_OF_JOINT_MOVEMENT = ("364564000", "Range of joint movement (observable entity)")
PAIN_NRS = ("72514-3", "Pain severity - 0-10 verbal numeric rating [Score] - Reported")
FINGER_SITES = {"thumb": ("76505004", "Thumb structure"),
                "index": ("83738005", "Index finger structure"),
                "middle": ("65531009", "Middle finger structure"),
                "ring": ("82002001", "Ring finger structure"),
                "little": ("12406000", "Little finger structure")}
LATERALITY_ATTRIBUTE = "272741003"
SIDES = {"left": ("7771000", "Left"), "right": ("24028007", "Right")}
JOINT_NAMES = {"mcp": "metacarpophalangeal joint", "pip": "proximal interphalangeal joint",
               "dip": "distal interphalangeal joint", "ip": "interphalangeal joint"}


@dataclass(frozen=True)
class PatientRecord:
    """One patient's part of a bundle: their record id and name, sessions, and every
    prescription version."""

    id: int
    name: str
    sessions: Sequence[SessionInfo]
    prescriptions: Sequence[PrescriptionInfo]


def _uuid(*parts: object) -> str:
    return str(uuid.uuid5(_NAMESPACE, "/".join(str(p) for p in parts)))


def _ref(kind: str, rid: str) -> dict[str, str]:
    return {"reference": f"urn:uuid:{rid}", "type": kind}


def _instant(moment: datetime) -> str:
    return moment.isoformat(timespec="seconds")


def _deg(value: float) -> dict[str, Any]:
    return {"value": round(float(value)), "unit": "deg", "system": UCUM, "code": "deg"}


def trusted(entry: dict[str, Any] | None) -> bool:
    """A rom entry to export as fact: measured, and not marked untrusted."""
    return bool(entry) and entry.get("max") is not None and entry.get("trusted", True) \
        is not False and not entry.get("untrusted", False)


def body_site(finger: str, joint: str, side: str | None) -> dict[str, Any]:
    """The finger (SNOMED CT body structure), refined by the side when it is known (a
    SNOMED CT expression: finger : laterality = side), and the joint (HandCoach's code,
    and in words)."""
    code, display = FINGER_SITES[finger]
    words = f"{finger} finger" if finger != "thumb" else "thumb"
    if side in SIDES:
        side_code, side_name = SIDES[side]
        coding = {"system": SNOMED, "code": f"{code}:{LATERALITY_ATTRIBUTE}={side_code}",
                  "display": f"{display}, {side_name.lower()}"}
        words = f"{side} {words}"
    else:
        coding = {"system": SNOMED, "code": code, "display": display}
    return {"coding": [coding],
            "text": f"{words}, {JOINT_NAMES[joint]} ({joint.upper()})"}


def _joint_code(finger: str, joint: str) -> dict[str, Any]:
    return {"system": JOINT_SYSTEM, "code": f"{finger}-{joint}",
            "display": f"{finger} {joint.upper()}"}


def _device(version: str) -> Device:
    return Device.model_validate({
        "resourceType": "Device", "id": _uuid("device", version),
        "deviceName": [{"name": "HandCoach", "type": "model-name"}],
        "version": [{"value": version}],
        "type": {"text": "Camera-based joint angle measurement (MediaPipe Hands, "
                         "consumer webcam or video)"},
        "note": [{"text": "Angles are estimated from video, not measured with a "
                          "goniometer; see HandCoach's stated accuracy."}]})


def _patient(p: PatientRecord) -> Patient:
    return Patient.model_validate({"resourceType": "Patient", "id": _uuid("patient", p.id),
                                   "name": [{"text": p.name}]})


def _status(s: SessionInfo) -> str:
    return "preliminary" if s.status == "open" else "final"


def _rom(s: SessionInfo, patient_ref: dict, device_ref: dict) -> Iterable[Observation]:
    rom = s.rom or {}
    effective = {"start": _instant(s.started_at)}
    if s.ended_at is not None:
        effective["end"] = _instant(s.ended_at)
    for finger, joint in ANGLE_NAMES:
        entry = (rom.get(finger) or {}).get(joint)
        if not trusted(entry):
            continue
        resource: dict[str, Any] = {
            "resourceType": "Observation", "id": _uuid("rom", s.id, finger, joint),
            "status": _status(s),
            "category": [{"coding": [{"system": OBSERVATION_CATEGORY, "code": "exam",
                                      "display": "Exam"}]}],
            "code": {"coding": [{"system": SNOMED, "code": RANGE_OF_JOINT_MOVEMENT[0],
                                 "display": RANGE_OF_JOINT_MOVEMENT[1]},
                                _joint_code(finger, joint)],
                     "text": f"Active flexion, {finger} {joint.upper()} (degrees, "
                             "0 = straight)"},
            "subject": patient_ref, "effectivePeriod": effective,
            "valueQuantity": _deg(entry["max"]),
            "bodySite": body_site(finger, joint, s.hand_side),
            "method": {"coding": [{"system": METHOD_SYSTEM, "code": "active",
                                   "display": "Active range of motion"}],
                       "text": "active"},
            "device": device_ref,
            "identifier": [{"system": "urn:ietf:rfc:3986",
                            "value": f"urn:uuid:{_uuid('rom', s.id, finger, joint)}"},
                           {"system": SESSION_SYSTEM, "value": str(s.id)}],
            "note": [{"text": f"HandCoach session {s.id}: {s.exercise or 'ROM only'}, "
                              f"{s.reps} reps"
                              + (", interrupted" if s.status == "interrupted" else "")
                              + (f"; the range rests on {entry['frames']} trusted "
                                 "readings" if entry.get("frames") is not None else "")}],
        }
        if entry.get("min") is not None:
            resource["component"] = [{
                "code": {"coding": [{"system": COMPONENT_SYSTEM, "code": "least-flexion",
                                     "display": "Least flexion (negative: hyperextension)"}],
                         "text": "least flexion"},
                "valueQuantity": _deg(entry["min"])}]
        yield Observation.model_validate(resource)


def _pain(s: SessionInfo, patient_ref: dict) -> Iterable[Observation]:
    for when, value, moment in (("before", s.pain_before, s.started_at),
                                ("after", s.pain_after, s.ended_at or s.started_at)):
        if value is None:
            continue
        yield Observation.model_validate({
            "resourceType": "Observation", "id": _uuid("pain", s.id, when),
            "status": _status(s),
            "category": [{"coding": [{"system": OBSERVATION_CATEGORY, "code": "survey",
                                      "display": "Survey"}]}],
            "code": {"coding": [{"system": LOINC, "code": PAIN_NRS[0],
                                 "display": PAIN_NRS[1]}],
                     "text": f"Pain {when} exercise (0-10)"},
            "subject": patient_ref, "effectiveDateTime": _instant(moment),
            "valueInteger": int(value),
            "identifier": [{"system": SESSION_SYSTEM, "value": str(s.id)}],
            "note": [{"text": f"HandCoach session {s.id}, rated {when} the exercise"}]})


def _care_plan(v: PrescriptionInfo, patient_ref: dict, names: dict[str, str], active: bool
               ) -> CarePlan:
    """A prescription version: `active` while it is the newest for its hand, else
    `revoked` (replaced by a later version)."""
    activities = []
    for ex in v.exercises:
        dose = v.doses.get(ex, {})
        words = (f"{int(dose['reps'])} reps x {int(dose['sets'])} sets, hold "
                 f"{dose['hold_s']:g} s, rest {dose['rest_s']:g} s, "
                 f"{int(dose['sessions_per_day'])} times a day, at most "
                 f"{int(dose['max_reps_per_day'])} reps a day") if dose else ""
        detail: dict[str, Any] = {
            "kind": "ServiceRequest", "status": "in-progress",
            "code": {"coding": [{"system": ACTIVITY_SYSTEM, "code": ex,
                                 "display": names.get(ex, ex)}],
                     "text": names.get(ex, ex)},
            "description": words or names.get(ex, ex)}
        if dose:
            detail["scheduledTiming"] = {"repeat": {"frequency": int(dose["sessions_per_day"]),
                                                    "period": 1, "periodUnit": "d"}}
            detail["quantity"] = {"value": int(dose["reps"]) * int(dose["sets"]),
                                  "unit": "repetitions per session"}
        activities.append({"detail": detail})
    targets = ", ".join(f"{f} {j.upper()} {t:g}°" for f, js in v.rom_targets.items()
                        for j, t in js.items())
    notes = [{"text": v.note}] if v.note else []
    if targets:
        notes.append({"text": f"Flexion targets: {targets}"})
    return CarePlan.model_validate({
        "resourceType": "CarePlan", "id": _uuid("careplan", v.id),
        "status": "active" if active else "revoked", "intent": "plan",
        "title": f"Home exercise program, {v.hand} hand, version {v.version}",
        "subject": patient_ref, "created": _instant(v.created_at),
        "author": {"display": v.created_by}, "activity": activities,
        **({"note": notes} if notes else {})})


def build_bundle(patients: Sequence[PatientRecord], generated_at: datetime, version: str,
                 exercise_names: dict[str, str] | None = None) -> Bundle:
    """One `collection` Bundle: a Device, then per patient their Patient, CarePlans
    (oldest version first; the newest per hand `active`, the others `revoked`) and the
    Observations of every session. Raises pydantic's ValidationError for anything that
    is not valid FHIR (a bug, never the patient's data: every value is checked here)."""
    names = exercise_names or {}
    device = _device(version)
    resources: list[Any] = [device]
    device_ref = _ref("Device", device.id)
    for p in patients:
        patient = _patient(p)
        patient_ref = {**_ref("Patient", patient.id), "display": p.name}
        resources.append(patient)
        newest: dict[str, int] = {}
        for v in p.prescriptions:
            newest[v.hand] = max(newest.get(v.hand, 0), v.version)
        for v in p.prescriptions:
            resources.append(_care_plan(v, patient_ref, names, v.version == newest[v.hand]))
        for s in p.sessions:
            resources.extend(_rom(s, patient_ref, device_ref))
            resources.extend(_pain(s, patient_ref))
    return Bundle.model_validate({
        "resourceType": "Bundle", "id": _uuid("bundle", _instant(generated_at)),
        "type": "collection", "timestamp": _instant(generated_at),
        "entry": [{"fullUrl": f"urn:uuid:{r.id}", "resource": r.model_dump(
            mode="json", exclude_none=True)} for r in resources]})


def bundle_json(bundle: Bundle) -> str:
    """The bundle as FHIR JSON text (one line)."""
    return bundle.model_dump_json(exclude_none=True)


def read_angles(text: str) -> dict[tuple[int, str, str], tuple[float | None, float]]:
    """{(session id, finger, joint): (least, most flexion)} read back from a bundle's
    range-of-motion Observations: what a record that files the bundle would hold."""
    bundle = Bundle.model_validate(json.loads(text))
    out: dict[tuple[int, str, str], tuple[float | None, float]] = {}
    for entry in bundle.entry or ():
        res = entry.resource
        if getattr(res, "get_resource_type", lambda: "")() != "Observation":
            continue
        joint = next((c.code for c in res.code.coding or () if c.system == JOINT_SYSTEM),
                     None)
        if joint is None:
            continue
        finger, _, name = joint.partition("-")
        session = int(next(i.value for i in res.identifier if i.system == SESSION_SYSTEM))
        least = next((c.valueQuantity.value for c in res.component or ()), None)
        out[(session, finger, name)] = (None if least is None else float(least),
                                        float(res.valueQuantity.value))
    return out
