"""Build section5_dev.jsonl from section5_dev_source.txt (marks ⟦P|…⟧ ⟦M|…⟧ ⟦D|…⟧ → offsets).

Run: python corpus/annotations/build_section5_dev.py   (deterministic; the .jsonl is committed)
"""
from __future__ import annotations

import json
import re
from pathlib import Path

HERE = Path(__file__).resolve().parent
MARK = re.compile(r"⟦([PMD])\|(.*?)⟧", re.S)
ROLE = {"P": ("problem", None), "M": ("measure", "planned"), "D": ("measure", "done")}


def parse(source: str) -> list[dict]:
    docs = []
    for block in re.split(r"^=== ", source, flags=re.M)[1:]:
        header, _, body = block.partition("\n")
        doc, fmt, year, level, layouts = [x.strip() for x in header.split("|")]
        text, stmts, pos = [], [], 0
        last = 0
        for m in MARK.finditer(body):
            text.append(body[last:m.start()])
            pos += m.start() - last
            role, status = ROLE[m.group(1)]
            stmts.append({"start": pos, "end": pos + len(m.group(2)), "role": role, "status": status})
            text.append(m.group(2))
            pos += len(m.group(2))
            last = m.end()
        text.append(body[last:])
        plain = "".join(text).rstrip("\n") + "\n"
        assert "⟦" not in plain and "⟧" not in plain, doc
        docs.append({"doc": doc, "source": "written", "format": fmt, "year": int(year), "level": level,
                     "layouts": layouts.split(","), "text": plain,
                     "statements": [dict(s, text=plain[s["start"]:s["end"]]) for s in stmts]})
    return docs


if __name__ == "__main__":
    src = "".join(line for line in (HERE / "section5_dev_source.txt").read_text(encoding="utf-8")
                  .splitlines(keepends=True) if not line.startswith("#"))
    docs = parse(src)
    with open(HERE / "section5_dev.jsonl", "w", encoding="utf-8") as fh:
        for d in docs:
            fh.write(json.dumps(d, ensure_ascii=False) + "\n")
    n = sum(len(d["statements"]) for d in docs)
    print(f"{len(docs)} passages, {n} statements")
