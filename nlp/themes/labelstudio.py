"""Researchers label their own statements: Label Studio tasks out, Label Studio / CSV exports in.

Out: ``govnlp statements … --format labelstudio`` writes a JSON list of tasks in Label Studio's
import format, one per statement: ``data`` holds the text plus where it came from (source file,
statement index, character offsets into the reference text, role, status), ``predictions`` the
model's themes as pre-selected choices (``from_name="themes"``, ``to_name="text"``) so that an
annotator only corrects them. ``labeling_config(taxonomy)`` is the matching labelling interface.

In: ``govnlp train --data FILE`` reads, besides the project's JSONL,
* a Label Studio JSON export (a list of tasks whose ``annotations[].result[].value.choices`` hold
  the themes; cancelled annotations are ignored, the most recent remaining one wins), and
* a CSV with columns ``text`` and ``themes`` (codes separated by ``;``, ``|`` or ``,``), and the
  optional columns ``id``, ``doc`` (grouping for cross-validation), ``role``, ``source``.
"""
from __future__ import annotations

import csv
import json
import re
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any
from xml.sax.saxutils import quoteattr

FROM_NAME = "themes"  # the <Choices> control of labeling_config
TO_NAME = "text"  # the <Text> object of labeling_config
_THEME_SEP = re.compile(r"[;；|,，、]")


def labeling_config(taxonomy: Any) -> str:
    """Label Studio labelling interface (XML) for a taxonomy: the statement and one multi-choice
    control whose values are the theme codes (hints: the Chinese names)."""
    choices = "\n".join(f"    <Choice value={quoteattr(t.code)} hint={quoteattr(t.name)}/>" for t in taxonomy.themes)
    return (f'<View>\n  <Header value="Section 五 statement ($source #$index, $role)"/>\n'
            f'  <Text name="{TO_NAME}" value="$text"/>\n'
            f'  <Choices name="{FROM_NAME}" toName="{TO_NAME}" choice="multiple" showInLine="false">\n'
            f"{choices}\n  </Choices>\n</View>\n")


def statement_task(source: str, index: int, statement: dict[str, Any], model_version: str | None = None
                   ) -> dict[str, Any]:
    """One Label Studio task for a statement record of ``govnlp statements`` (with themes when the
    classifier ran: they become the task's prediction)."""
    data = {"text": statement["text"], "source": source, "index": index,
            "start": statement.get("start"), "end": statement.get("end"),
            "role": statement.get("role"), "status": statement.get("status")}
    task: dict[str, Any] = {"data": data}
    themes = statement.get("themes") or []
    if themes:
        scores = statement.get("scores") or {}
        chosen = [float(scores[t]) for t in themes if t in scores]
        task["predictions"] = [{
            "model_version": model_version or "govnlp-themes",
            "score": round(min(chosen), 4) if chosen else None,
            "result": [{"from_name": FROM_NAME, "to_name": TO_NAME, "type": "choices",
                        "value": {"choices": list(themes)}}],
        }]
    return task


def write_tasks(tasks: Sequence[dict[str, Any]], fh: Any) -> None:
    """Label Studio imports a JSON list of tasks (not JSON lines)."""
    json.dump(list(tasks), fh, ensure_ascii=False, indent=1)
    fh.write("\n")


# -- reading labelled files ---------------------------------------------------------------
def _split_themes(value: str) -> list[str]:
    return [t.strip() for t in _THEME_SEP.split(value or "") if t.strip()]


def _choices(result: Iterable[dict[str, Any]]) -> list[str]:
    out: list[str] = []
    for item in result or []:
        if item.get("type", "choices") != "choices" or item.get("from_name", FROM_NAME) != FROM_NAME:
            continue
        for c in (item.get("value") or {}).get("choices") or []:
            if c not in out:
                out.append(str(c))
    return out


def labelstudio_records(path: str | Path) -> Iterable[tuple[str, dict[str, Any] | None, str | None]]:
    """(where, project-format record or None, reason when skipped) for each task of an export."""
    tasks = json.loads(Path(path).read_text(encoding="utf-8"))
    if isinstance(tasks, dict):  # a single task
        tasks = [tasks]
    if not isinstance(tasks, list):
        raise ValueError(f"{path}: a Label Studio export is a JSON list of tasks")  # noqa: TRY004 — a malformed file
    for n, task in enumerate(tasks):
        data = task.get("data") or {}
        tid = task.get("id", n)
        where = f"{Path(path).name}:task {tid}"
        text = data.get(TO_NAME)
        if not text:
            yield where, None, "no data.text"
            continue
        done = [a for a in task.get("annotations") or [] if not a.get("was_cancelled")]
        if not done:
            yield where, None, "not annotated (predictions alone are not labels)"
            continue
        # the latest annotation wins (a reviewer's correction comes after the first pass)
        ann = max(done, key=lambda a: (str(a.get("updated_at") or a.get("created_at") or ""), a.get("id") or 0))
        themes = _choices(ann.get("result"))
        src = data.get("source")
        doc = data.get("doc") or (Path(str(src)).name if src else f"task{tid}")
        idx = data.get("index")
        rid = f"{doc}#{idx}" if idx is not None else f"labelstudio:{tid}"
        yield where, {"id": rid, "source": data.get("origin", "real"), "doc": doc, "text": text,
                      "themes": themes, "role": data.get("role"), "status": data.get("status")}, None


def csv_records(path: str | Path) -> Iterable[tuple[str, dict[str, Any] | None, str | None]]:
    """(where, record or None, reason) for each row of a ``text, themes`` CSV."""
    with open(path, encoding="utf-8-sig", newline="") as fh:
        reader = csv.DictReader(fh)
        fields = {f.strip().lower(): f for f in reader.fieldnames or []}
        if "text" not in fields or "themes" not in fields:
            raise ValueError(f"{path}: a CSV of labelled statements needs the columns 'text' and 'themes' "
                             f"(found {reader.fieldnames})")
        for n, row in enumerate(reader, 2):
            get = {k: (row.get(orig) or "").strip() for k, orig in fields.items()}
            where = f"{Path(path).name}:{n}"
            if not get["text"]:
                yield where, None, "empty text"
                continue
            doc = get.get("doc") or Path(path).stem
            yield where, {"id": get.get("id") or f"{Path(path).stem}:{n}", "source": get.get("source") or "real",
                          "doc": doc, "text": get["text"], "themes": _split_themes(get["themes"]),
                          "role": get.get("role") or None, "status": get.get("status") or None}, None


def file_kind(path: str | Path) -> str:
    """``labelstudio``, ``csv`` or ``jsonl`` from the file name (``.json`` is a Label Studio export)."""
    suffix = Path(path).suffix.lower()
    return {".json": "labelstudio", ".csv": "csv"}.get(suffix, "jsonl")


def model_version(model_dir: str | Path | None = None) -> str:
    """``<model directory name>@<first 12 hex digits of its content hash>`` for the predictions."""
    from nlp.themes.store import DEFAULT_MODEL_DIR, content_hash

    path = Path(model_dir) if model_dir else DEFAULT_MODEL_DIR
    try:
        return f"{path.name}@{content_hash(path)[:12]}"
    except (FileNotFoundError, OSError, ValueError):
        return path.name
