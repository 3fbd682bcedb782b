"""The course catalog: the guide as typed data, loaded from ``reference/``.

One source of truth. Every other part of govai (exercises, grading, readiness,
reports) asks this module for routes, modules, competencies and certifications
instead of keeping its own copy. Validation errors name the YAML file and the
key path so a content editor can find the mistake at once.
"""

from __future__ import annotations

import functools
import os
from pathlib import Path
from typing import Annotated, Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

RouteId = Literal["A", "B", "C"]
ListingRoute = Literal["core", "A", "B", "C"]
Status = Literal["active", "planned", "retired", "closed"]
Fraction = Annotated[float, Field(ge=0.0, le=1.0)]


class CatalogError(ValueError):
    """A reference file is missing, malformed or inconsistent; the message names file and key."""


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Source(_Model):
    title: str
    publisher: str
    grade: Literal["O", "S"] | None = None
    note: str | None = None


class Capability(_Model):
    id: str
    route: ListingRoute
    description: str
    alias: str | None = None


class Competency(_Model):
    id: str
    capability: str
    en: str


class LearningLine(_Model):
    id: str
    description: str


class PathStep(_Model):
    module: int = Field(ge=1, le=8)
    level: str
    track: str


class Route(_Model):
    id: RouteId
    name: str
    audience: str
    role: str
    motto: str
    concern: str
    goal: str
    duties: list[str]
    capabilities: list[str]
    competencies: list[str]
    lesson_style: list[str]   # the course's teaching approach for the route, not the guide's text
    summary: str
    path: list[PathStep]
    optional: list[PathStep] = []

    @property
    def modules(self) -> list[int]:
        return [step.module for step in self.path]

    @property
    def optional_modules(self) -> list[int]:
        return [step.module for step in self.optional]

    @property
    def tracks(self) -> list[str]:
        return [step.track for step in self.path]


class CommonCore(_Model):
    name: str
    goal: str
    capability: str
    competencies: list[str]
    step: PathStep


class Lesson(_Model):
    """A lesson notebook of a track and the learner-hours it takes (objectives to summary, self-checks included)."""

    path: str
    hours: float = Field(gt=0, le=4)


class Track(_Model):
    """One route's way through a module; its id is also the nbgrader assignment name."""

    id: str
    routes: list[RouteId]
    level: str
    title: str
    competencies: list[str]
    topics: list[str]
    lessons: list[Lesson] = []
    # Learner-hours of the graded assignment itself (reading, answering, the rubric task).
    assignment_hours: float = Field(default=1.0, gt=0, le=6)

    @property
    def hours(self) -> float:
        """Estimated learner-hours of the track: its lessons plus its graded assignment."""
        return sum(lesson.hours for lesson in self.lessons) + self.assignment_hours


class Module(_Model):
    number: int = Field(ge=1, le=8)
    name_zh: str
    name_en: str
    slug: str
    focus: str
    source: str
    learning_lines: list[str]
    tracks: list[Track]

    @property
    def folder(self) -> str:
        return f"notebooks/{self.slug}"


class Domain(_Model):
    """An exam domain (or, where no blueprint exists, a domain named from the guide's competency)."""

    id: str
    name: str
    weight: Fraction | None = None
    weight_range: tuple[Fraction, Fraction] | None = None
    competencies: list[str] = Field(min_length=1)
    source: str
    # For a retired certification: the successor's published blueprint has the same domain
    # (../shared/facts/certifications.md), so evidence for it still prepares for a live exam.
    successor_keeps: bool = False

    @model_validator(mode="after")
    def _range_ordered(self) -> Domain:
        if self.weight_range and self.weight_range[0] > self.weight_range[1]:
            raise ValueError("weight_range must be [low, high]")
        return self


class Listing(_Model):
    """A row of the guide's appendix: which route lists the certification, for which capability."""

    route: ListingRoute
    capability: str
    table: str


class Certification(_Model):
    id: str
    name: str
    issuer: str
    kind: Literal["素養", "工具", "專案"]
    category: str
    listings: list[Listing] = Field(min_length=1)
    status: Status
    status_date: str | None = None
    successor: str | None = None
    status_source: str | None = None
    format: str | None = None
    domains: list[Domain] = Field(min_length=1)
    sources: list[str] = Field(min_length=1)
    notes: str | None = None

    @property
    def routes(self) -> list[str]:
        return sorted({listing.route for listing in self.listings}, key="coreABC".index)

    @property
    def estimated(self) -> bool:
        """True unless every domain has a single published weight (ranges and gaps are estimates)."""
        return any(d.weight is None for d in self.domains)

    @property
    def recommendable(self) -> bool:
        return self.status in ("active", "planned")

    def normalised_weights(self) -> dict[str, float]:
        """Weights that sum to 1: published figures, range midpoints, or equal shares where unknown."""
        raw: dict[str, float] = {}
        for d in self.domains:
            if d.weight is not None:
                raw[d.id] = d.weight
            elif d.weight_range is not None:
                raw[d.id] = sum(d.weight_range) / 2
        if len(raw) < len(self.domains):
            # Unknown weights: the known share is kept and the rest split evenly among the unknown.
            known = sum(raw.values())
            unknown = [d.id for d in self.domains if d.id not in raw]
            share = max(0.0, 1.0 - known) / len(unknown) if known < 1 else 1.0 / len(self.domains)
            for did in unknown:
                raw[did] = share
        total = sum(raw.values()) or 1.0
        return {did: w / total for did, w in raw.items()}


class Catalog(_Model):
    sources: dict[str, Source]
    capabilities: list[Capability]
    competencies: list[Competency]
    learning_lines: list[LearningLine]
    common_core: CommonCore
    routes: list[Route]
    modules: list[Module]
    certifications: list[Certification]

    # -- look-ups -----------------------------------------------------------------------------
    def route(self, route_id: str) -> Route:
        for route in self.routes:
            if route.id == route_id:
                return route
        raise KeyError(f"沒有路線 {route_id!r}（可用：A、B、C） / no route {route_id!r}")

    def module(self, number: int) -> Module:
        for module in self.modules:
            if module.number == number:
                return module
        raise KeyError(f"沒有模組 {number} / no module {number}")

    def track(self, track_id: str) -> Track:
        for module in self.modules:
            for track in module.tracks:
                if track.id == track_id:
                    return track
        raise KeyError(f"沒有課程軌 {track_id!r} / no track {track_id!r}")

    def module_of_track(self, track_id: str) -> Module:
        for module in self.modules:
            if any(t.id == track_id for t in module.tracks):
                return module
        raise KeyError(track_id)

    def certification(self, cert_id: str) -> Certification:
        for cert in self.certifications:
            if cert.id == cert_id:
                return cert
        raise KeyError(f"沒有認證 {cert_id!r} / no certification {cert_id!r}")

    def certifications_for_route(self, route_id: str) -> list[Certification]:
        """The route's own list plus the common-core list, in the guide's order."""
        return [c for c in self.certifications if {"core", route_id} & set(c.routes)]

    def domain_keys(self) -> set[str]:
        return {f"{c.id}/{d.id}" for c in self.certifications for d in c.domains}

    def all_tracks(self) -> list[Track]:
        return [t for m in self.modules for t in m.tracks]

    # -- JSON ---------------------------------------------------------------------------------
    def to_json(self) -> dict[str, Any]:
        return {
            "routes": [
                {
                    "id": r.id,
                    "name": r.name,
                    "role": r.role,
                    "competencies": r.competencies,
                    "modules": r.modules,
                    "optional_modules": r.optional_modules,
                    "path": [s.model_dump() for s in r.path],
                    "optional": [s.model_dump() for s in r.optional],
                }
                for r in self.routes
            ],
            "common_core": self.common_core.model_dump(),
            "modules": [m.model_dump() | {"folder": m.folder} for m in self.modules],
            "capabilities": [c.model_dump() for c in self.capabilities],
            "competencies": [c.model_dump() for c in self.competencies],
            "learning_lines": [line.model_dump() for line in self.learning_lines],
            "certifications": [
                {
                    "id": c.id,
                    "name": c.name,
                    "issuer": c.issuer,
                    "kind": c.kind,
                    "category": c.category,
                    "status": c.status,
                    "status_date": c.status_date,
                    "successor": c.successor,
                    "routes": c.routes,
                    "listings": [listing.model_dump() for listing in c.listings],
                    "estimated": c.estimated,
                    "domains": [
                        {
                            "id": d.id,
                            "name": d.name,
                            "weight": d.weight,
                            "weight_range": list(d.weight_range) if d.weight_range else None,
                            "normalised_weight": round(c.normalised_weights()[d.id], 4),
                            "competencies": d.competencies,
                            "source": d.source,
                        }
                        for d in c.domains
                    ],
                    "sources": c.sources,
                }
                for c in self.certifications
            ],
            "sources": {k: v.model_dump(exclude_none=True) for k, v in self.sources.items()},
        }


# -- loading ----------------------------------------------------------------------------------


def reference_dir() -> Path:
    """reference/ of this checkout, or the folder named by GOVAI_REFERENCE."""
    env = os.environ.get("GOVAI_REFERENCE")
    if env:
        return Path(env)
    return Path(__file__).resolve().parents[3] / "reference"


def _read_yaml(path: Path) -> Any:
    try:
        with path.open(encoding="utf-8") as fh:
            return yaml.safe_load(fh)
    except FileNotFoundError as exc:
        raise CatalogError(f"{path}: 檔案不存在 / file not found") from exc
    except yaml.YAMLError as exc:
        raise CatalogError(f"{path}: YAML 語法錯誤 / YAML syntax error: {exc}") from exc


def _validated(model: type[BaseModel], data: Any, path: Path, prefix: str = "") -> Any:
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        problems = []
        for err in exc.errors():
            key = ".".join(str(p) for p in (prefix, *err["loc"]) if p != "")
            problems.append(f"{path}: {key or '(root)'}: {err['msg']}")
        raise CatalogError("\n".join(problems)) from None


def _fail(path: Path, key: str, message: str) -> None:
    raise CatalogError(f"{path}: {key}: {message}")


def load(directory: Path | None = None) -> Catalog:
    """Read and cross-check every YAML file of reference/."""
    root = Path(directory) if directory else reference_dir()
    src_path = root / "sources.yaml"
    sources = {
        key: _validated(Source, value, src_path, f"sources.{key}")
        for key, value in (_read_yaml(src_path) or {}).get("sources", {}).items()
    }
    comp_path = root / "competencies.yaml"
    comp_data = _read_yaml(comp_path) or {}
    capabilities = [
        _validated(Capability, c, comp_path, f"capabilities.{i}") for i, c in enumerate(comp_data.get("capabilities", []))
    ]
    competencies = [
        _validated(Competency, c, comp_path, f"competencies.{i}") for i, c in enumerate(comp_data.get("competencies", []))
    ]
    lines = [
        _validated(LearningLine, c, comp_path, f"learning_lines.items.{i}")
        for i, c in enumerate((comp_data.get("learning_lines") or {}).get("items", []))
    ]
    routes_path = root / "routes.yaml"
    routes_data = _read_yaml(routes_path) or {}
    common_core = _validated(CommonCore, routes_data.get("common_core"), routes_path, "common_core")
    routes = [_validated(Route, r, routes_path, f"routes.{i}") for i, r in enumerate(routes_data.get("routes", []))]
    modules = []
    for path in sorted((root / "modules").glob("module*.yaml")):
        modules.append(_validated(Module, _read_yaml(path), path))
    modules.sort(key=lambda m: m.number)
    cert_path = root / "certifications.yaml"
    certifications = [
        _validated(Certification, c, cert_path, f"certifications.{i}")
        for i, c in enumerate((_read_yaml(cert_path) or {}).get("certifications", []))
    ]
    catalog = Catalog(
        sources=sources,
        capabilities=capabilities,
        competencies=competencies,
        learning_lines=lines,
        common_core=common_core,
        routes=routes,
        modules=modules,
        certifications=certifications,
    )
    _cross_check(catalog, root)
    return catalog


def _cross_check(cat: Catalog, root: Path) -> None:
    """References between files must resolve; the message names the file and key that do not."""
    comp_ids = {c.id for c in cat.competencies}
    cap_ids = {c.id for c in cat.capabilities}
    line_ids = {line.id for line in cat.learning_lines}
    track_ids = {t.id for t in cat.all_tracks()}
    comp_path, routes_path, cert_path = root / "competencies.yaml", root / "routes.yaml", root / "certifications.yaml"
    for i, comp in enumerate(cat.competencies):
        if comp.capability not in cap_ids:
            _fail(comp_path, f"competencies.{i}.capability", f"未知的核心能力 {comp.capability!r}")
    if [m.number for m in cat.modules] != list(range(1, 9)):
        _fail(root / "modules", "number", "必須恰有模組 1 到 8 / modules 1..8 required")
    for i, route in enumerate(cat.routes):
        for j, step in enumerate(route.path + route.optional):
            if step.track not in track_ids:
                _fail(routes_path, f"routes.{i}.path.{j}.track", f"未知的課程軌 {step.track!r}")
            if cat.module_of_track(step.track).number != step.module:
                _fail(routes_path, f"routes.{i}.path.{j}", f"課程軌 {step.track} 不屬於模組 {step.module}")
        for comp_id in route.competencies:
            if comp_id not in comp_ids:
                _fail(routes_path, f"routes.{i}.competencies", f"未知的職能 {comp_id!r}")
    for module in cat.modules:
        path = root / "modules" / f"module{module.number}.yaml"
        if module.source not in cat.sources:
            _fail(path, "source", f"未知的出處 {module.source!r}")
        for line in module.learning_lines:
            if line not in line_ids:
                _fail(path, "learning_lines", f"未知的學習線 {line!r}")
        for j, track in enumerate(module.tracks):
            for comp_id in track.competencies:
                if comp_id not in comp_ids:
                    _fail(path, f"tracks.{j}.competencies", f"未知的職能 {comp_id!r}")
    seen: set[str] = set()
    for i, cert in enumerate(cat.certifications):
        key = f"certifications.{i}"
        if cert.id in seen:
            _fail(cert_path, f"{key}.id", f"重複的認證代號 {cert.id!r}")
        seen.add(cert.id)
        for s in cert.sources + ([cert.status_source] if cert.status_source else []):
            if s not in cat.sources:
                _fail(cert_path, f"{key}.sources", f"未知的出處 {s!r}（請先在 sources.yaml 登錄）")
        if cert.status in ("retired", "closed") and not cert.status_date:
            _fail(cert_path, f"{key}.status_date", "停辦或退役的認證必須註明日期")
        for j, listing in enumerate(cert.listings):
            if listing.capability not in cap_ids:
                _fail(cert_path, f"{key}.listings.{j}.capability", f"未知的核心能力 {listing.capability!r}")
        for j, dom in enumerate(cert.domains):
            if dom.source not in cat.sources:
                _fail(cert_path, f"{key}.domains.{j}.source", f"未知的出處 {dom.source!r}")
            for comp_id in dom.competencies:
                if comp_id not in comp_ids:
                    _fail(cert_path, f"{key}.domains.{j}.competencies", f"未知的職能 {comp_id!r}")
            if dom.weight is not None and dom.weight_range is not None:
                _fail(cert_path, f"{key}.domains.{j}", "weight 與 weight_range 只能擇一")


@functools.cache
def default() -> Catalog:
    """The catalog of this checkout, loaded once per process."""
    return load()
