"""The architecture as a test: the corpus layer depends on the report layer, never back, and every
output file goes through the one atomic writer."""
from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "nlp"
CORPUS_LAYER = ("nlp.run", "nlp.similarity", "nlp.compare", "nlp.export", "nlp.score", "nlp.report")
# Within the corpus layer: run orchestrates similarity; compare, export, score and report only read finished
# tables (export reads them through compare's loaders; report shows the score sheets; score and report use
# compare's table reader and Chinese labels).
MAY_NOT_IMPORT = {
    "nlp.similarity": ("nlp.run", "nlp.compare", "nlp.export", "nlp.score", "nlp.report", "nlp.cli"),
    "nlp.compare": ("nlp.run", "nlp.similarity", "nlp.export", "nlp.score", "nlp.report", "nlp.cli"),
    "nlp.run": ("nlp.compare", "nlp.export", "nlp.score", "nlp.report", "nlp.cli"),
    "nlp.export": ("nlp.run", "nlp.similarity", "nlp.score", "nlp.report", "nlp.cli"),
    "nlp.score": ("nlp.run", "nlp.similarity", "nlp.export", "nlp.report", "nlp.cli"),
    "nlp.report": ("nlp.run", "nlp.similarity", "nlp.export", "nlp.cli"),
}


def _module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _imports(path: Path) -> set[str]:
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
        elif isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
    return {n for n in names if n == "nlp" or n.startswith("nlp.")}


def _under(name: str, prefixes: tuple[str, ...]) -> bool:
    return any(name == p or name.startswith(p + ".") for p in prefixes)


MODULES = {_module_name(p): p for p in sorted(PACKAGE.rglob("*.py"))}


@pytest.mark.parametrize("module", sorted(m for m in MODULES if not _under(m, (*CORPUS_LAYER, "nlp.cli"))
                                         and m not in ("nlp", "nlp.__main__")))
def test_report_layer_never_imports_the_corpus_layer(module):
    bad = {n for n in _imports(MODULES[module]) if _under(n, (*CORPUS_LAYER, "nlp.cli"))}
    assert not bad, f"{module} (report layer) imports {sorted(bad)}"


@pytest.mark.parametrize("module", sorted(m for m in MODULES if _under(m, CORPUS_LAYER)))
def test_corpus_layer_has_no_cycles(module):
    package = next(p for p in MAY_NOT_IMPORT if _under(module, (p,)))
    bad = {n for n in _imports(MODULES[module]) if _under(n, MAY_NOT_IMPORT[package])}
    assert not bad, f"{module} imports {sorted(bad)}"


def test_one_atomic_writer():
    """Only nlp/outputs.py creates temporary files and renames them into place."""
    offenders = []
    for module, path in MODULES.items():
        if module == "nlp.outputs":
            continue
        text = path.read_text(encoding="utf-8")
        if any(s in text for s in ("mkstemp(", "os.replace(", "NamedTemporaryFile(")):
            offenders.append(module)
    assert offenders == []


def test_atomic_writer_leaves_nothing_on_failure(tmp_path):
    from nlp.outputs import atomic_path, atomic_write_text, output_stream

    target = tmp_path / "out.jsonl"
    atomic_write_text(target, "old\n")
    with pytest.raises(RuntimeError), output_stream(target) as fh:
        fh.write("half a record")
        raise RuntimeError("interrupted")
    assert target.read_text() == "old\n"
    assert [p.name for p in tmp_path.iterdir()] == ["out.jsonl"]
    with atomic_path(tmp_path / "new.bin") as tmp:
        tmp.write_bytes(b"x")
        assert not (tmp_path / "new.bin").exists()
    assert (tmp_path / "new.bin").stat().st_mode & 0o777 == 0o644
    assert (tmp_path / "out.jsonl").stat().st_mode & 0o777 == 0o644


def test_thresholds_are_data():
    from nlp.compare import copying
    from nlp.resources import thresholds
    from nlp.similarity import corpus, followup

    t = thresholds()
    assert corpus.SECTION_DUPLICATE == t["similarity"]["section_duplicate"]
    assert followup.RECURRENCE_THRESHOLD == t["followup"]["recurrence"]
    assert copying.PEER_COPY == t["copying"]["peer_copy"]
