"""The component contract (cf. spaCy's ``@Language.factory`` and ``analyze_pipes``).

A component is an object built once by its factory (compiled lexicons, models and caches are built
there and owned by the object) and called on a :class:`~nlp.model.Report`. Each factory declares
what the component ``requires`` (attributes an earlier component must have assigned), what it
``assigns``, and what it ``follows`` (attributes it reads when present: their assigner, if in the
pipeline, must come first). A :class:`~nlp.pipeline.Pipeline` checks the order when it is built;
a component called on a report without a prerequisite raises :class:`MissingPrerequisite` —
no component runs another.

Attribute names: ``norm``, ``sections``, ``meta``, ``tables``, ``table_provenance``, ``facts``,
``checks``, ``statements``, ``statement_summary`` (attributes of the Report) and
``statement.themes``, ``statement.scores``, ``statement.pair`` (attributes of each statement).
"""
from __future__ import annotations

import importlib
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Any, Protocol

import yaml

from nlp.model import Report
from nlp.resources import resource_path

# What every report has before any component ran (set by the reader or by Pipeline.from_text).
INITIAL: frozenset[str] = frozenset({"text", "source"})
# Report attributes that are None until their component ran: checked on every call.
_CHECKED = ("norm", "tables", "table_provenance", "facts", "checks", "statements", "statement_summary")


class MissingPrerequisite(ValueError):
    """A component was called on a report, or placed in a pipeline, without what it requires."""


class Component(Protocol):
    name: str

    def __call__(self, report: Report) -> Report: ...


@dataclass(frozen=True)
class FactoryMeta:
    name: str
    factory: Callable[..., Component]
    requires: tuple[str, ...]
    assigns: tuple[str, ...]
    follows: tuple[str, ...]


def factory(name: str, *, requires: Sequence[str] = (), assigns: Sequence[str] = (),
            follows: Sequence[str] = ()) -> Callable[[Callable[..., Component]], Callable[..., Component]]:
    """Declare a component factory: ``@factory("facts", requires=["norm", "sections"], assigns=["facts"])``."""
    def deco(func: Callable[..., Component]) -> Callable[..., Component]:
        func.component_meta = FactoryMeta(name, func, tuple(requires), tuple(assigns), tuple(follows))  # type: ignore[attr-defined]
        return func
    return deco


@lru_cache(maxsize=1)
def _config() -> dict[str, Any]:
    with open(resource_path("pipeline.yaml"), encoding="utf-8") as fh:
        return yaml.safe_load(fh)


def component_names() -> list[str]:
    return sorted(_config()["components"])


def pipeline_names(name: str) -> list[str]:
    """The component names of a named pipeline in pipeline.yaml."""
    pipelines = _config()["pipelines"]
    if name not in pipelines:
        raise KeyError(f"unknown pipeline {name!r}; known: {sorted(pipelines)}")
    return list(pipelines[name])


def get_factory(name: str) -> FactoryMeta:
    """The factory registered under ``name`` in pipeline.yaml (its module is imported on first use)."""
    target = _config()["components"].get(name)
    if target is None:
        raise KeyError(f"unknown pipeline component {name!r}; known: {component_names()}")
    module_name, func_name = target.split(":")
    func = getattr(importlib.import_module(module_name), func_name)
    meta = getattr(func, "component_meta", None)
    if meta is None:
        raise TypeError(f"{target} is not a component factory (decorate it with nlp.component.factory)")
    return meta


def create(name: str, **config: Any) -> Component:
    """A new component object (its state built once, here)."""
    return get_factory(name).factory(**config)


def analyze(names: Iterable[str]) -> dict[str, Any]:
    """What each component requires and assigns, and what is missing in this order (cf. spaCy's
    ``analyze_pipes``): ``{"summary": {name: {requires, assigns, follows}}, "problems": {name: [...]}}``.

    A problem is a required attribute no earlier component assigns (naming the component that would),
    or a followed attribute assigned only by a later component."""
    names = list(names)
    metas = [get_factory(n) for n in names]
    assigners: dict[str, str] = {}
    for n in component_names():
        for attr in get_factory(n).assigns:
            assigners.setdefault(attr, n)
    summary: dict[str, Any] = {}
    problems: dict[str, list[str]] = {}
    available = set(INITIAL)
    for i, meta in enumerate(metas):
        summary[meta.name] = {"requires": list(meta.requires), "assigns": list(meta.assigns),
                              "follows": list(meta.follows)}
        issues = []
        for attr in meta.requires:
            if attr not in available:
                by = assigners.get(attr)
                issues.append(f"requires {attr!r}, assigned by {by!r}, which does not run before it" if by
                              else f"requires {attr!r}, which no component assigns")
        later = {a for m in metas[i + 1:] for a in m.assigns}
        for attr in meta.follows:
            if attr in later and attr not in available:
                issues.append(f"reads {attr!r} when present, but it is assigned after it "
                              f"(move {assigners.get(attr)!r} before {meta.name!r})")
        problems[meta.name] = issues
        available.update(meta.assigns)
    return {"summary": summary, "problems": problems}


def validate(names: Iterable[str]) -> None:
    """Raise :class:`MissingPrerequisite` listing every problem of this component order."""
    names = list(names)
    problems = analyze(names)["problems"]
    lines = [f"  {name}: {p}" for name, ps in problems.items() for p in ps]
    if lines:
        raise MissingPrerequisite(f"pipeline {names} cannot run:\n" + "\n".join(lines))


def require(report: Report, component: str, attrs: Sequence[str]) -> None:
    """Raise :class:`MissingPrerequisite` when ``report`` lacks a result ``component`` requires."""
    missing = [a for a in attrs if a in _CHECKED and getattr(report, a) is None]
    if missing:
        raise MissingPrerequisite(
            f"component {component!r} needs {', '.join(missing)} on report {report.source!r}; run "
            f"{', '.join(repr(_assigner(a)) for a in missing)} first (e.g. nlp.Pipeline([... , {component!r}]))")


def _assigner(attr: str) -> str:
    for n in component_names():
        if attr in get_factory(n).assigns:
            return n
    return "?"
