"""Completion badges: Open Badges 3.0 credentials (W3C Verifiable Credentials Data Model 2.0), issued
with openbadgeslib as JWT-VCs (EdDSA, issuer did:key), revocable through a W3C Bitstring Status List.

- a **module badge** for every completed track and a **route badge** for a completed route
  (:mod:`govai.records.learning.completion`); each states that it attests completion of this course only
  and is not an external certification;
- the issuer is ``$GOVAI_BADGE_ISSUER_NAME`` (an agency names itself) with the did:key of the
  signing key (:func:`govai.records.learning.keys.issuer_key_pem`): verifying needs no network;
- revocation: every credential holds a ``BitstringStatusListEntry`` (purpose ``revocation``) into
  the list that an agency publishes at ``$GOVAI_BADGE_STATUS_URL``; the signed list is written to
  ``$GOVAI_HOME/records/badges/status-revocation.jwt`` after every issue and revocation, and it is
  valid for ``$GOVAI_BADGE_STATUS_DAYS`` days (default 31): republish before then
  (``govai records badges status-list``). Verifying offline reads that file instead of the URL;
- the learner report shows each badge as a QR code holding the whole credential (the JWT), so a
  verifier scans it and runs ``govai records badges verify`` (or any OB 3.0 verifier) offline.
"""

from __future__ import annotations

import json
import os
import shutil
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING

from openbadgeslib import ob3

from govai.course import catalog as catalog_mod
from govai.records.learning import completion, keys, records_dir

if TYPE_CHECKING:
    from govai.records.results import ResultsDB

PURPOSE = "revocation"
NAMESPACE = uuid.UUID("0b6c1f4e-8a3d-5e2f-9c7b-4d5e6f708192")
# Kept short: the whole credential must fit in one QR code (JWT claims are JSON with \\u escapes).
COURSE_ONLY = "僅證明完成本課程（govai）的{what}；非任何外部認證或證照。"


def issuer_name() -> str:
    return os.environ.get("GOVAI_BADGE_ISSUER_NAME", "govai 課程")


def status_url() -> str:
    return os.environ.get("GOVAI_BADGE_STATUS_URL", "https://govai.example/badges/status-revocation.jwt")


def status_days() -> int:
    return int(os.environ.get("GOVAI_BADGE_STATUS_DAYS", "31"))


def badges_dir() -> Path:
    path = records_dir() / "badges"
    path.mkdir(parents=True, exist_ok=True, mode=0o700)
    return path


def status_list_path() -> Path:
    return badges_dir() / "status-revocation.jwt"


def _registry_path() -> str:
    return str(badges_dir() / "registry.json")


def _learner_dir(learner: str) -> Path:
    return records_dir() / "badges" / "issued" / uuid.uuid5(NAMESPACE, learner).hex


def recipient(learner: str) -> str:
    return f"urn:govai:learner:{uuid.uuid5(NAMESPACE, learner)}"


def issuer_did(private_pem: bytes | None = None) -> str:
    return ob3.did_key_from_pem(keys.public_pem(private_pem or keys.issuer_key_pem()))


@dataclass
class Badge:
    learner: str
    achievement: str          # urn:govai:achievement:track:<id> | route:<id>
    name: str
    jti: str
    token: str
    path: Path
    issued_now: bool = False


def _achievement_for_track(t: completion.TrackCompletion, ratio: float) -> ob3.Achievement:
    return ob3.Achievement(
        id=f"urn:govai:achievement:track:{t.track}", name=f"模組{t.module} {t.module_name} {t.track}",
        description=COURSE_ONLY.format(what=f"模組{t.module}"),
        criteria_narrative=f"自動評分題全數作答，得分率≥{ratio:.0%}",
        achievement_type="Course", credits_available=t.hours)


def _achievement_for_route(r: completion.RouteCompletion) -> ob3.Achievement:
    return ob3.Achievement(
        id=f"urn:govai:achievement:route:{r.route}", name=f"路線{r.route} {r.name}",
        description=COURSE_ONLY.format(what=f"路線{r.route}學習路徑"),
        criteria_narrative=f"完成{'、'.join(r.tracks)}",
        achievement_type="LearningProgram", credits_available=r.hours)


def publish_status_list(private_pem: bytes | None = None, now: datetime | None = None) -> Path:
    """Sign the revocation list (every revoked index) and write it where an agency publishes it from."""
    pem = private_pem or keys.issuer_key_pem()
    now = now or datetime.now(UTC)
    reg = ob3.StatusRegistry.load(_registry_path())
    vc = ob3.build_status_list_credential(issuer_did(pem), status_url(), PURPOSE, reg.revoked_indices(),
                                          issued=now, valid_until=now + timedelta(days=status_days()))
    token = ob3.sign_status_list_credential(vc, pem, "EdDSA")
    path = status_list_path()
    tmp = path.with_suffix(".tmp")
    tmp.write_text(token, encoding="utf-8")
    os.replace(tmp, path)
    return path


def _write_private(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as fh:
        fh.write(text)


def issued(learner: str) -> list[Badge]:
    """The learner's badges on file (revoked ones included: see :func:`is_revoked`)."""
    d = _learner_dir(learner)
    if not (d / "index.json").exists():
        return []
    index = json.loads((d / "index.json").read_text(encoding="utf-8"))
    return [Badge(learner, a, e["name"], e["jti"], (d / e["file"]).read_text(encoding="utf-8"), d / e["file"])
            for a, e in index.items() if (d / e["file"]).exists()]


def is_revoked(jti: str) -> bool:
    reg = ob3.StatusRegistry.load(_registry_path())
    entry = reg.entries.get(jti)
    return bool(entry and entry.revoked)


def issue(learner: str, db: ResultsDB | str | None = None, *, cat: catalog_mod.Catalog | None = None,
          ratio: float | None = None, now: datetime | None = None) -> list[Badge]:
    """Issue a badge for every completed track and route that has no valid one yet; returns the valid ones."""
    cat = cat or catalog_mod.default()
    ratio = completion.pass_ratio() if ratio is None else ratio
    tracks = completion.track_completions(db, learner, cat=cat, ratio=ratio)
    from govai.records.results import ResultsDB

    database = db if isinstance(db, ResultsDB) else ResultsDB(db)
    latest = database.latest_run(learner)
    route = completion.route_completion(learner, (latest or {}).get("route"), tracks, cat)
    earned: list[tuple[ob3.Achievement, str, float]] = [
        (_achievement_for_track(t, ratio), t.completed_at or "", t.hours) for t in tracks if t.completed]
    if route and route.completed:
        earned.append((_achievement_for_route(route), route.completed_at or "", route.hours))
    have = {b.achievement: b for b in issued(learner) if not is_revoked(b.jti)}
    pem = keys.issuer_key_pem()
    did = issuer_did(pem)
    signer = ob3.OB3Signer(pem, algorithm="EdDSA")
    d = _learner_dir(learner)
    index_path = d / "index.json"
    index = json.loads(index_path.read_text(encoding="utf-8")) if index_path.exists() else {}
    out, changed = [], False
    for ach, completed_at, hours in earned:
        if ach.id in have:
            out.append(have[ach.id])
            continue
        when = now or datetime.now(UTC)
        jti = f"urn:uuid:{uuid.uuid4()}"
        with ob3.StatusRegistry.locked(_registry_path()) as reg:
            idx = reg.allocate(jti, recipient(learner), when)
            reg.save()
        cred = ob3.OpenBadgeCredential(
            issuer=ob3.Issuer(id=did, name=issuer_name(), url=os.environ.get("GOVAI_BADGE_ISSUER_URL") or None),
            recipient_id=recipient(learner), achievement=ach, id=jti,
            issuance_date=when, credential_status=[ob3.status_entry(status_url(), PURPOSE, idx)],
            credits_earned=hours)
        token = signer.sign(cred)
        fname = f"{ach.id.rsplit(':', 2)[-2]}-{ach.id.rsplit(':', 1)[-1]}.jwt"
        _write_private(d / fname, token)
        index[ach.id] = {"jti": jti, "name": ach.name, "file": fname, "completed_at": completed_at}
        out.append(Badge(learner, ach.id, ach.name, jti, token, d / fname, issued_now=True))
        changed = True
    if changed:
        _write_private(index_path, json.dumps(index, ensure_ascii=False, indent=1))
        publish_status_list(pem)
    return out


def revoke(jti: str, reason: str | None = None) -> None:
    with ob3.StatusRegistry.locked(_registry_path()) as reg:
        reg.revoke(jti, datetime.now(UTC), reason)
        reg.save()
    publish_status_list()


def _unverified_issuer(token: str) -> str:
    import jwt

    try:
        payload = jwt.decode(token, options={"verify_signature": False})
    except jwt.exceptions.PyJWTError as exc:
        raise ob3.OB3VerificationError(f"不是有效的 JWT 徽章 / not a JWT credential: {exc}") from exc
    iss = payload.get("iss") or payload.get("issuer")
    return iss["id"] if isinstance(iss, dict) else str(iss)


def verify(token: str, status_list: Path | bytes | None = None) -> ob3.OpenBadgeCredential:
    """Verify a badge offline: signature against its issuer's did:key, then its revocation bit in the
    signed status list read from ``status_list`` (a file or its bytes; default: this issuer's file).
    Raises :class:`openbadgeslib.ob3.OB3VerificationError` when it is forged, altered, revoked or the
    list has lapsed."""
    did = _unverified_issuer(token.strip())
    if not did.startswith("did:key:"):
        raise ob3.OB3VerificationError(f"只接受 did:key 簽發者（離線驗證） / only did:key issuers: {did}")
    raw = status_list if isinstance(status_list, bytes) else Path(status_list or status_list_path()).read_bytes()

    def offline(url: str) -> bytes:
        return raw

    verifier = ob3.OB3Verifier(ob3.resolve_did(did), issuer_did=did)
    return verifier.verify(token.strip(), check_status=True, verify_status_list=True, download=offline)


def qr_png(token: str, scale: int = 3) -> bytes:
    """The credential as a QR code (PNG): the whole JWT, so scanning it needs no server."""
    import io

    import segno

    buf = io.BytesIO()
    segno.make(token, error="l", micro=False).save(buf, kind="png", scale=scale, border=4)
    return buf.getvalue()


def forget(learner: str) -> int:
    """Revoke the learner's badges (copies they hold stop verifying), erase the recipient from the
    registry and delete the issued files; returns how many badges were revoked."""
    jtis = [b.jti for b in issued(learner)]
    count = 0
    with ob3.StatusRegistry.locked(_registry_path()) as reg:
        mine = [e for e in reg.entries.values() if e.recipient == recipient(learner) or e.jti in jtis]
        for e in mine:
            if not e.revoked:
                reg.revoke(e.jti, datetime.now(UTC), "learner erased")
                count += 1
            e.recipient = "urn:govai:erased"
        reg.save()
    shutil.rmtree(_learner_dir(learner), ignore_errors=True)
    if count:
        publish_status_list()
    return count
