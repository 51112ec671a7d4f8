"""Corpus-level export of a run: the wide panel (CSV with BOM, Excel) and statutory-layout sheets.

Public surface: :func:`export_run`; :func:`~nlp.export.panel.build_panel` for the panel as a
DataFrame; :func:`~nlp.export.statutory.write_table3_sheet` for one report's table 三.
This is the corpus layer: it reads a run directory, never the other way round.
"""

from __future__ import annotations

from pathlib import Path

from nlp.export.excel import export_panel
from nlp.export.panel import Panel, build_panel
from nlp.export.statutory import write_table3_sheet


def export_run(rundir: str | Path, outdir: str | Path | None = None, xlsx: bool = False, by: str | None = None,
               table3: list[str] | None = None) -> list[Path]:
    """Write the panel of ``rundir`` to ``outdir`` (default RUNDIR/export); returns the files."""
    rundir = Path(rundir)
    out = Path(outdir) if outdir is not None else rundir / "export"
    panel = build_panel(rundir, by or "year")
    files = export_panel(panel, out, xlsx=xlsx, by=by)
    for i, ref in enumerate(table3 or []):
        files.append(write_table3_sheet(rundir, ref, out / f"table3_{i + 1}.xlsx"))
    return files


__all__ = ["Panel", "build_panel", "export_run", "write_table3_sheet"]
