"""HTML: the visible text, with every table row on its own line and cells separated by tabs."""
from __future__ import annotations

import re
from pathlib import Path

from bs4 import BeautifulSoup, NavigableString, Tag
from bs4.element import Comment, Doctype, ProcessingInstruction

from nlp.errors import ReadError
from nlp.io.base import ReadResult
from nlp.io.text import decode_bytes

_SKIP = {"script", "style", "head", "noscript", "template", "iframe", "svg", "object", "select", "button"}
_BLOCK = {
    "p", "div", "section", "article", "header", "footer", "main", "aside", "nav", "li", "ul", "ol",
    "h1", "h2", "h3", "h4", "h5", "h6", "pre", "blockquote", "form", "dl", "dt", "dd", "hr",
    "center", "address", "figure", "figcaption", "caption",
}
_WS = re.compile(r"[ \t\r\f\v\u00a0\u3000]+")


def _cell_text(cell: Tag) -> str:
    text = cell.get_text(" ")
    return _WS.sub(" ", text.replace("\n", " ")).strip()


class _Writer:
    def __init__(self) -> None:
        self.parts: list[str] = []

    def newline(self) -> None:
        if self.parts and not self.parts[-1].endswith("\n"):
            self.parts.append("\n")

    def write(self, s: str) -> None:
        if s:
            self.parts.append(s)

    def text(self) -> str:
        lines = [_WS.sub(" ", ln).strip() if "\t" not in ln else ln.strip(" ") for ln in "".join(self.parts).split("\n")]
        out: list[str] = []
        for ln in lines:
            if ln or (out and out[-1]):
                out.append(ln)
        return "\n".join(out).strip() + "\n"


def _walk(node: Tag, w: _Writer) -> None:
    for child in node.children:
        if isinstance(child, (Comment, Doctype, ProcessingInstruction)):
            continue
        if isinstance(child, NavigableString):
            w.write(str(child).replace("\n", " "))
            continue
        if not isinstance(child, Tag):
            continue
        name = child.name.lower()
        if name in _SKIP:
            continue
        if name == "br":
            w.newline()
            continue
        if name == "table":
            w.newline()
            for tr in child.find_all("tr"):
                # skip rows of nested tables; they are handled inside their cell text
                if tr.find_parent("table") is not child:
                    continue
                cells = [_cell_text(c) for c in tr.find_all(["td", "th"], recursive=False)]
                if any(cells):
                    w.write("\t".join(cells))
                    w.newline()
            continue
        if name in _BLOCK:
            w.newline()
            _walk(child, w)
            w.newline()
        else:
            _walk(child, w)


def html_to_text(markup: str) -> str:
    return _soup_text(BeautifulSoup(markup, "lxml"))


def _soup_text(soup: BeautifulSoup) -> str:
    root = soup.body or soup
    w = _Writer()
    _walk(root, w)
    return w.text()


def html_meta(soup: BeautifulSoup) -> dict[str, str]:
    """``<meta name=… content=…>`` pairs (names lower-cased; first occurrence wins), e.g. pubdate."""
    out: dict[str, str] = {}
    for tag in soup.find_all("meta"):
        name = (tag.get("name") or tag.get("property") or tag.get("itemprop") or "").strip().lower()
        content = (tag.get("content") or "").strip()
        if name and content and name not in out:
            out[name] = content[:200]
    return out


def read_html_file(path: Path) -> ReadResult:
    data = path.read_bytes()
    # Honour a declared charset first, then fall back to detection.
    head = data[:4096].decode("ascii", "ignore").lower()
    m = re.search(r"charset=[\"']?([a-z0-9_\-]+)", head)
    markup = None
    enc = None
    if m:
        declared = m.group(1)
        if declared in ("gb2312", "gbk"):
            declared = "gb18030"
        try:
            markup = data.decode(declared)
            enc = declared
        except (LookupError, UnicodeDecodeError):
            markup = None
    if markup is None:
        markup, enc = decode_bytes(data, str(path))
    if "<" not in markup:
        raise ReadError(str(path), "not an HTML document (no markup found)")
    soup = BeautifulSoup(markup, "lxml")
    meta = html_meta(soup)  # before the walk: <head> is skipped there
    return ReadResult(text=_soup_text(soup), source=str(path), file_format="html", encoding=enc,
                      extras={"html_meta": meta})
