"""The theme taxonomy as data (``resources/themes.yaml`` or a researcher's own file)."""
from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import yaml

from nlp.resources import resource_path


@dataclass(frozen=True)
class Theme:
    code: str
    name: str
    definition: str = ""
    signals: tuple[str, ...] = ()
    id: str | None = None


@dataclass(frozen=True)
class Taxonomy:
    name: str
    version: str
    themes: tuple[Theme, ...]
    fallback: str = "other"
    sha256: str = ""
    path: str = field(default="", compare=False)

    @property
    def codes(self) -> list[str]:
        return [t.code for t in self.themes]

    def theme(self, code: str) -> Theme:
        for t in self.themes:
            if t.code == code:
                return t
        raise KeyError(f"theme {code!r} is not in taxonomy {self.name} {self.version}; known: {self.codes}")


def load_taxonomy(path: str | Path | None = None) -> Taxonomy:
    """Read a taxonomy file (default: the packaged ``themes.yaml``)."""
    return _load(str(path) if path else str(resource_path("themes.yaml")))


@lru_cache(maxsize=8)
def _load(path: str) -> Taxonomy:
    raw = Path(path).read_bytes()
    data = yaml.safe_load(raw.decode("utf-8"))
    if not isinstance(data, dict) or not data.get("themes"):
        raise ValueError(f"{path}: a taxonomy needs a 'themes' list")
    themes = []
    for item in data["themes"]:
        if "code" not in item:
            raise ValueError(f"{path}: every theme needs a 'code' ({item!r})")
        themes.append(Theme(code=str(item["code"]), name=str(item.get("name", item["code"])),
                            definition=str(item.get("definition", "")),
                            signals=tuple(str(s) for s in item.get("signals") or ()),
                            id=item.get("id")))
    codes = [t.code for t in themes]
    if len(set(codes)) != len(codes):
        raise ValueError(f"{path}: duplicate theme codes")
    fallback = str(data.get("fallback", "other"))
    if fallback not in codes:
        raise ValueError(f"{path}: fallback theme {fallback!r} is not among the themes")
    return Taxonomy(name=str(data.get("name", Path(path).stem)), version=str(data.get("version", "0")),
                    themes=tuple(themes), fallback=fallback,
                    sha256=hashlib.sha256(raw).hexdigest(), path=path)
