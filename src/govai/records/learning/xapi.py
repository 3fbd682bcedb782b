"""xAPI 1.0.3 statements of what a learner does, built with ralph-malph's xAPI pydantic models.

Statements come from two stores and nothing else, so they can be rebuilt at any time (their ids are
UUID 5 of their content, so a rebuild gives the same statements and a re-send is a no-op):

- the learner's **progress store** (self-check events): *initialized* / *completed* a lesson (the
  first event of a self-check the lesson binds / every one of them answered correctly), *attempted*
  and *passed* a self-check (with the exercise's competencies), *viewed* a hint or a solution;
- the **results database** (complete runs): *scored* a graded item (points, maximum, its
  competencies and exam domains), *attempted* an item waiting for manual grading, *completed* a
  module (track) and a route (:mod:`govai.records.learning.completion`), *progressed* to a readiness band
  (接近 or 準備就緒) for a certification.

Statements are written to a JSON-lines file (``$GOVAI_HOME/records/statements.jsonl``) and, when
``GOVAI_LRS_URL`` is set, sent to a learning record store with HTTP basic auth
(``GOVAI_LRS_USER`` / ``GOVAI_LRS_PASSWORD``). :func:`readiness_from_statements` computes readiness
from statements (for example read back from the LRS) with the same formula as ``govai readiness``.

Identifiers: activities are IRIs under ``$GOVAI_XAPI_BASE`` and learners are accounts on
``$GOVAI_XAPI_HOMEPAGE``; both default to placeholders under ``govai.example`` (a reserved
documentation domain) that an agency replaces with its own.
"""

from __future__ import annotations

import base64
import json
import os
import sqlite3
import urllib.error
import urllib.parse
import urllib.request
import uuid
from collections.abc import Iterable
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ralph.models.xapi.base.agents import BaseXapiAgentWithAccount
from ralph.models.xapi.base.common import IRI
from ralph.models.xapi.base.contexts import BaseXapiContext, BaseXapiContextContextActivities
from ralph.models.xapi.base.ifi import BaseXapiAccount
from ralph.models.xapi.base.results import BaseXapiResult, BaseXapiResultScore
from ralph.models.xapi.base.statements import BaseXapiStatement
from ralph.models.xapi.base.unnested_objects import (
    BaseXapiActivity,
    BaseXapiActivityDefinition,
    BaseXapiStatementRef,
)
from ralph.models.xapi.base.verbs import BaseXapiVerb

from govai.course import catalog as catalog_mod
from govai.course.items import Item, ItemResult
from govai.course.masters import all_items
from govai.exercises import progress
from govai.records.learning import completion, lessons, records_dir

if TYPE_CHECKING:
    from govai.records.results import ResultsDB

XAPI_VERSION = "1.0.3"
LANG = "zh-TW"
NAMESPACE = uuid.UUID("6f1c3b8e-2d4a-5b7c-9e0f-1a2b3c4d5e6f")

VERBS = {
    "initialized": ("http://adlnet.gov/expapi/verbs/initialized", "開始"),
    "completed": ("http://adlnet.gov/expapi/verbs/completed", "完成"),
    "attempted": ("http://adlnet.gov/expapi/verbs/attempted", "嘗試"),
    "passed": ("http://adlnet.gov/expapi/verbs/passed", "通過"),
    "viewed": ("http://id.tincanapi.com/verb/viewed", "檢視"),
    "scored": ("http://adlnet.gov/expapi/verbs/scored", "得分"),
    "progressed": ("http://adlnet.gov/expapi/verbs/progressed", "進展"),
    "voided": ("http://adlnet.gov/expapi/verbs/voided", "作廢"),
}
ACTIVITY_TYPES = {
    "lesson": "http://adlnet.gov/expapi/activities/lesson",
    "question": "http://adlnet.gov/expapi/activities/question",
    "assessment": "http://adlnet.gov/expapi/activities/assessment",
    "module": "http://adlnet.gov/expapi/activities/module",
    "course": "http://adlnet.gov/expapi/activities/course",
    "objective": "http://adlnet.gov/expapi/activities/objective",
}


def base_iri() -> str:
    return os.environ.get("GOVAI_XAPI_BASE", "https://govai.example/xapi").rstrip("/")


def homepage() -> str:
    return os.environ.get("GOVAI_XAPI_HOMEPAGE", "https://govai.example")


def ext(name: str) -> str:
    return f"{base_iri()}/extensions/{name}"


def _q(text: str) -> str:
    return urllib.parse.quote(text, safe="")


def activity_id(kind: str, *parts: str) -> str:
    return "/".join([base_iri(), kind, *(_q(p) for p in parts)])


def actor(learner: str) -> BaseXapiAgentWithAccount:
    return BaseXapiAgentWithAccount(account=BaseXapiAccount(homePage=IRI(homepage()), name=learner))


def agent_json(learner: str) -> dict[str, Any]:
    return _plain(actor(learner).model_dump(exclude_none=True))


def _plain(value: Any) -> Any:
    """JSON-ready: Decimal → int/float (xAPI scores are numbers), UUID and datetime → strings."""
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    if isinstance(value, uuid.UUID):
        return str(value)
    if isinstance(value, datetime):
        return value.isoformat()
    if hasattr(value, "root"):           # pydantic RootModel (IRI, LanguageTag, ExtensionMap)
        return _plain(value.root)
    return value


def _iso(stamp: float | str) -> str:
    if isinstance(stamp, int | float):
        return datetime.fromtimestamp(stamp, UTC).isoformat(timespec="microseconds")
    return datetime.fromisoformat(stamp).astimezone(UTC).isoformat(timespec="microseconds")


def statement(learner: str, verb: str, kind: str, object_id: str, name: str, timestamp: float | str, *,
              result: BaseXapiResult | None = None, extensions: dict[str, Any] | None = None,
              parent: str | None = None, key: str = "") -> dict[str, Any]:
    """One validated xAPI statement as JSON-ready data; its id is a UUID 5 of what it states."""
    verb_id, verb_zh = VERBS[verb]
    when = _iso(timestamp)
    sid = uuid.uuid5(NAMESPACE, "|".join([learner, verb_id, object_id, when, key]))
    context: dict[str, Any] = {"platform": "govai", "language": LANG}
    if parent:
        context["contextActivities"] = BaseXapiContextContextActivities(
            parent=[BaseXapiActivity(id=IRI(parent), objectType="Activity")])
    if extensions:
        context["extensions"] = {IRI(k): v for k, v in extensions.items()}
    fields: dict[str, Any] = {
        "id": sid, "actor": actor(learner), "verb": BaseXapiVerb(id=IRI(verb_id), display={LANG: verb_zh}),
        "object": BaseXapiActivity(id=IRI(object_id), objectType="Activity", definition=BaseXapiActivityDefinition(
            name={LANG: name}, type=IRI(ACTIVITY_TYPES[kind]))),
        "context": BaseXapiContext(**context), "timestamp": datetime.fromisoformat(when), "version": XAPI_VERSION}
    if result is not None:
        fields["result"] = result
    model = BaseXapiStatement(**fields)
    return _plain(model.model_dump(exclude_none=True))


def validate(stmt: dict[str, Any]) -> BaseXapiStatement:
    """Parse a statement (from the file or an LRS) with ralph's model; raises on an invalid one."""
    data = {k: v for k, v in stmt.items() if k not in ("stored", "authority")}
    return BaseXapiStatement.model_validate(data)


# -- from the progress store ------------------------------------------------------------------------


def progress_events(learner: str, path: Path | None = None) -> list[tuple[str, str, str | None, float]]:
    """(exercise, kind, outcome, at) of a learner's self-check events, oldest first."""
    p = path or progress.store_path()
    if not Path(p).exists():
        return []
    con = sqlite3.connect(p, timeout=progress.LOCK_TIMEOUT)
    try:
        return [(e, k, o, float(a)) for e, k, o, a in con.execute(
            "SELECT exercise, kind, outcome, at FROM events WHERE learner = ? ORDER BY at, id", (learner,))]
    except sqlite3.Error:
        return []
    finally:
        con.close()


def progress_statements(learner: str, path: Path | None = None) -> list[dict[str, Any]]:
    events = progress_events(learner, path)
    catalog_lessons = lessons.lessons()
    comps = dict(lessons.self_check_competencies())
    lesson_of: dict[str, str] = {}
    for lesson in catalog_lessons:
        comps.update(lesson.competencies)
        for check in lesson.checks:
            lesson_of.setdefault(check, lesson.path)
    out: list[dict[str, Any]] = []
    first_event: dict[str, float] = {}
    first_pass: dict[str, float] = {}
    for n, (exercise, kind, outcome, at) in enumerate(events):
        obj = activity_id("self-checks", exercise)
        parent = activity_id("lessons", lesson_of[exercise]) if exercise in lesson_of else None
        extensions: dict[str, Any] = {ext("exercise"): exercise, ext("competencies"): list(comps.get(exercise, ()))}
        key = str(n)
        first_event.setdefault(exercise, at)
        if kind == "check":
            ok = outcome == "correct"
            out.append(statement(learner, "attempted", "question", obj, exercise, at, parent=parent, key=key,
                                 extensions=extensions,
                                 result=BaseXapiResult(success=ok, response=outcome or "unknown")))
            if ok and exercise not in first_pass:
                first_pass[exercise] = at
                out.append(statement(learner, "passed", "question", obj, exercise, at, parent=parent, key=key,
                                     extensions=extensions, result=BaseXapiResult(success=True)))
        elif kind in ("hint", "solution"):
            zh = "提示" if kind == "hint" else "解答"
            out.append(statement(learner, "viewed", "question", f"{obj}/{kind}", f"{exercise} {zh}", at,
                                 parent=obj, key=key, extensions={**extensions, ext("viewed"): kind}))
    for lesson in catalog_lessons:
        seen = [first_event[c] for c in lesson.checks if c in first_event]
        if not seen:
            continue
        obj = activity_id("lessons", lesson.path)
        track = activity_id("modules", lesson.track)
        extensions = {ext("lesson"): lesson.path, ext("hours"): lesson.hours}
        out.append(statement(learner, "initialized", "lesson", obj, lesson.path, min(seen), parent=track,
                             extensions=extensions))
        if all(c in first_pass for c in lesson.checks):
            out.append(statement(learner, "completed", "lesson", obj, lesson.path,
                                 max(first_pass[c] for c in lesson.checks), parent=track, extensions=extensions,
                                 result=BaseXapiResult(completion=True)))
    return out


# -- from the results database ----------------------------------------------------------------------


def _score(points: float, max_points: float) -> BaseXapiResultScore:
    scaled = points / max_points if max_points else 0.0
    return BaseXapiResultScore(raw=Decimal(str(points)), min=Decimal(0), max=Decimal(str(max_points)),
                               scaled=Decimal(str(round(scaled, 6))))


def results_statements(learner: str, db: ResultsDB | str | None, *, items: list[Item] | None = None,
                       cat: catalog_mod.Catalog | None = None) -> list[dict[str, Any]]:
    """Graded items of every complete run, module and route completion, readiness bands."""
    from govai.records import readiness
    from govai.records.results import ResultsDB

    cat = cat or catalog_mod.default()
    database = db if isinstance(db, ResultsDB) else ResultsDB(db)
    items = items if items is not None else all_items()
    tags = {(it.notebook, it.grade_id): it for it in items}
    out: list[dict[str, Any]] = []
    for run in database.runs(learner):
        for row in database.run_rows(run["run_id"]):
            # Tags from the master as it is now; the row's own for an item no master has any more.
            res = ItemResult.from_row(row, tags=tags.get((row["notebook"], row["grade_id"])))
            obj = activity_id("items", res.notebook, res.grade_id)
            extensions = {
                ext("exercise"): res.exercise, ext("notebook"): res.notebook, ext("grade-id"): res.grade_id,
                ext("track"): res.track, ext("route"): run["route"], ext("run-id"): run["run_id"],
                ext("competencies"): list(res.competencies), ext("domains"): list(res.domains),
            }
            parent = activity_id("modules", res.track)
            stamp = run["finished_at"] or run["started_at"]
            if res.points is None:
                out.append(statement(learner, "attempted", "assessment", obj, res.exercise, stamp, parent=parent,
                                     key=run["run_id"], extensions={**extensions, ext("needs-manual"): True},
                                     result=BaseXapiResult(completion=True)))
                continue
            out.append(statement(learner, "scored", "assessment", obj, res.exercise, stamp, parent=parent,
                                 key=run["run_id"], extensions=extensions,
                                 result=BaseXapiResult(score=_score(res.points, res.max_points), success=res.passed,
                                                       completion=True)))
    tracks = completion.track_completions(database, learner, items=items, cat=cat)
    latest = database.latest_run(learner)
    route = (latest or {}).get("route")
    for t in tracks:
        if not t.completed:
            continue
        out.append(statement(
            learner, "completed", "module", activity_id("modules", t.track), f"模組 {t.module} {t.module_name}：{t.title}",
            t.completed_at or "", extensions={ext("track"): t.track, ext("module"): t.module, ext("hours"): t.hours,
                                              ext("route"): t.route},
            result=BaseXapiResult(completion=True, success=True, score=_score(t.earned, t.possible))))
    rc = completion.route_completion(learner, route, tracks, cat)
    if rc and rc.completed:
        out.append(statement(learner, "completed", "course", activity_id("routes", rc.route), rc.name,
                             rc.completed_at or "", extensions={ext("route"): rc.route, ext("hours"): rc.hours,
                                                                ext("tracks"): rc.tracks},
                             result=BaseXapiResult(completion=True, success=True)))
    if latest:
        report = readiness.compute(learner, db=database, cat=cat)
        for c in report["certifications"]:
            if c["recommended"] and c["band"] in (readiness.BAND_CLOSE, readiness.BAND_READY):
                out.append(statement(
                    learner, "progressed", "objective", activity_id("readiness", c["id"]), f"{c['name']} 準備度",
                    latest["finished_at"] or latest["started_at"], key=c["band"],
                    extensions={ext("certification"): c["id"], ext("band"): c["band"],
                                ext("readiness"): c["readiness"], ext("route"): report["route"]},
                    result=BaseXapiResult(score=BaseXapiResultScore(scaled=Decimal(str(c["readiness"]))))))
    return out


def build(learner: str, db: ResultsDB | str | None = None, *, progress_path: Path | None = None,
          items: list[Item] | None = None, cat: catalog_mod.Catalog | None = None) -> list[dict[str, Any]]:
    """Every statement about a learner, oldest first (same inputs → same statements)."""
    found = progress_statements(learner, progress_path) + results_statements(learner, db, items=items, cat=cat)
    found.sort(key=lambda s: (s["timestamp"], s["id"]))
    return found


# -- readiness back from statements -----------------------------------------------------------------


def _ts(stmt: dict[str, Any]) -> datetime:
    return datetime.fromisoformat(str(stmt["timestamp"]).replace("Z", "+00:00"))


def readiness_from_statements(learner: str, statements: Iterable[dict[str, Any]], *,
                              items: list[Item] | None = None,
                              cat: catalog_mod.Catalog | None = None) -> dict[str, Any]:
    """Readiness (``govai readiness``'s formula) from *scored* statements: newest per graded item wins."""
    from govai.records import readiness

    items = items if items is not None else all_items()
    known = {(it.notebook, it.grade_id) for it in items}
    latest: dict[tuple[str, str], tuple[datetime, dict[str, Any]]] = {}
    for s in statements:
        if s["verb"]["id"] not in (VERBS["scored"][0], VERBS["attempted"][0]):
            continue
        e = (s.get("context") or {}).get("extensions") or {}
        if ext("grade-id") not in e:
            continue
        k = (e[ext("notebook")], e[ext("grade-id")])
        when = _ts(s)
        if k not in latest or when >= latest[k][0]:
            latest[k] = (when, s)
    evidence, pending = [], []
    route, route_at = None, None
    for (notebook, grade_id), (when, s) in latest.items():
        e = s["context"]["extensions"]
        if route_at is None or when >= route_at:
            route, route_at = e.get(ext("route")), when
        if e.get(ext("needs-manual")):
            pending.append(e[ext("exercise")])
            continue
        if (notebook, grade_id) not in known:
            continue
        score = s["result"]["score"]
        item = Item(track=str(e.get(ext("track")) or notebook.split("/", 1)[0]), notebook=notebook,
                    grade_id=grade_id, exercise=e[ext("exercise")], max_points=float(score["max"]),
                    competencies=tuple(e[ext("competencies")]), domains=tuple(e[ext("domains")]))
        evidence.append(ItemResult(item, float(score["raw"]), at=when.isoformat(), source="xapi"))
    return readiness.from_evidence(learner, evidence, route=route, pending=pending, items=items, cat=cat)


# -- the JSON-lines file ------------------------------------------------------------------------------


def default_file() -> Path:
    return records_dir() / "statements.jsonl"


def _learner_of(stmt: dict[str, Any]) -> str | None:
    return ((stmt.get("actor") or {}).get("account") or {}).get("name")


def read_file(path: Path | None = None, learner: str | None = None) -> list[dict[str, Any]]:
    p = path or default_file()
    if not p.exists():
        return []
    found = [json.loads(line) for line in p.read_text(encoding="utf-8").splitlines() if line.strip()]
    return [s for s in found if learner is None or _learner_of(s) == learner]


def write_file(learner: str, statements: list[dict[str, Any]], path: Path | None = None) -> Path:
    """Replace the learner's statements in the file (others' are kept); atomic, mode 0600."""
    p = path or default_file()
    kept = [s for s in read_file(p) if _learner_of(s) != learner]
    _write_all(p, kept + statements)
    return p


def remove_from_file(learner: str, path: Path | None = None) -> int:
    p = path or default_file()
    every = read_file(p)
    kept = [s for s in every if _learner_of(s) != learner]
    if len(kept) != len(every):
        _write_all(p, kept)
    return len(every) - len(kept)


def _write_all(p: Path, statements: list[dict[str, Any]]) -> None:
    p.parent.mkdir(parents=True, exist_ok=True)
    tmp = p.with_suffix(".tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as fh:
        for s in statements:
            fh.write(json.dumps(s, ensure_ascii=False, sort_keys=True) + "\n")
    os.replace(tmp, p)


# -- a learning record store --------------------------------------------------------------------------


class LRSError(RuntimeError):
    pass


class LRS:
    """An xAPI 1.0.3 LRS at ``endpoint`` (e.g. ``http://127.0.0.1:8100/xAPI``) with HTTP basic auth."""

    def __init__(self, endpoint: str, user: str, password: str, timeout: float = 30.0) -> None:
        if not endpoint.startswith(("http://", "https://")):
            # urlopen would also read file: and ftp: URLs; an LRS is always an HTTP service.
            raise LRSError(f"學習紀錄儲存庫的網址必須以 http:// 或 https:// 開頭：{endpoint} / LRS URL must be http(s)")
        self.endpoint = endpoint.rstrip("/")
        self.auth = "Basic " + base64.b64encode(f"{user}:{password}".encode()).decode()
        self.timeout = timeout

    @classmethod
    def from_env(cls) -> LRS | None:
        url = os.environ.get("GOVAI_LRS_URL")
        if not url:
            return None
        return cls(url, os.environ.get("GOVAI_LRS_USER", ""), os.environ.get("GOVAI_LRS_PASSWORD", ""))

    def _request(self, method: str, url: str, body: Any = None) -> tuple[int, Any]:
        data = json.dumps(body, ensure_ascii=False).encode() if body is not None else None
        req = urllib.request.Request(url, data=data, method=method, headers={  # noqa: S310 - http(s), see __init__
            "Authorization": self.auth, "X-Experience-API-Version": XAPI_VERSION,
            "Content-Type": "application/json", "Accept": "application/json"})
        try:
            with urllib.request.urlopen(req, timeout=self.timeout) as resp:   # noqa: S310 - http(s), see __init__
                text = resp.read().decode()
                return resp.status, (json.loads(text) if text.strip() else None)
        except urllib.error.HTTPError as exc:
            return exc.code, exc.read().decode(errors="replace")
        except urllib.error.URLError as exc:
            raise LRSError(f"無法連線學習紀錄儲存庫 {self.endpoint}：{exc.reason} / LRS unreachable") from exc

    def send(self, statements: list[dict[str, Any]], batch: int = 200) -> dict[str, int]:
        """POST in batches; a batch the LRS refuses as a conflict is retried one by one (already stored = skipped)."""
        sent = skipped = 0
        for i in range(0, len(statements), batch):
            chunk = statements[i:i + batch]
            status, body = self._request("POST", f"{self.endpoint}/statements", chunk)
            if status in (200, 204):
                sent += len(chunk)
                continue
            if status != 409:
                raise LRSError(f"LRS 拒收（HTTP {status}）：{str(body)[:300]} / LRS refused the statements")
            for s in chunk:
                status, body = self._request("POST", f"{self.endpoint}/statements", [s])
                if status in (200, 204):
                    sent += 1
                elif status == 409:
                    skipped += 1
                else:
                    raise LRSError(f"LRS 拒收（HTTP {status}）：{str(body)[:300]} / LRS refused a statement")
        return {"sent": sent, "skipped": skipped}

    def statements(self, learner: str | None = None, limit: int = 500) -> list[dict[str, Any]]:
        """Every statement (of one learner's agent), following the ``more`` links."""
        query: dict[str, str] = {"limit": str(limit)}
        if learner is not None:
            query["agent"] = json.dumps(agent_json(learner), ensure_ascii=False)
        url = f"{self.endpoint}/statements?{urllib.parse.urlencode(query)}"
        out: list[dict[str, Any]] = []
        origin = urllib.parse.urlsplit(self.endpoint)
        while url:
            status, body = self._request("GET", url)
            if status != 200 or not isinstance(body, dict):
                raise LRSError(f"LRS 查詢失敗（HTTP {status}）：{str(body)[:300]} / LRS query failed")
            out.extend(body.get("statements", []))
            more = body.get("more") or ""
            url = f"{origin.scheme}://{origin.netloc}{more}" if more.startswith("/") else more
        return out

    def void(self, learner: str, statement_ids: Iterable[str], authority: str = "govai") -> int:
        """xAPI has no delete: a learner's statements are voided (the LRS operator purges them physically)."""
        now = datetime.now(UTC).isoformat(timespec="microseconds")
        voids = []
        for sid in statement_ids:
            model = BaseXapiStatement(
                id=uuid.uuid5(NAMESPACE, f"void|{sid}"), actor=actor(authority),
                verb=BaseXapiVerb(id=IRI(VERBS["voided"][0]), display={LANG: VERBS["voided"][1]}),
                object=BaseXapiStatementRef(objectType="StatementRef", id=uuid.UUID(sid)),
                timestamp=datetime.fromisoformat(now), version=XAPI_VERSION)
            voids.append(_plain(model.model_dump(exclude_none=True)))
        return self.send(voids)["sent"] if voids else 0
