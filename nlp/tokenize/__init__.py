"""Word segmentation for the narrative sections, with the domain dictionary applied.

Back ends (select with ``name=`` or the ``GOVNLP_SEGMENTER`` environment variable):

* ``rjieba`` (default): jieba-rs through rjieba — jieba's algorithm and dictionary, much faster;
* ``jieba``: jieba 0.42.1, the pure-Python reference (the oracle in tests);
* ``ngram`` / ``ngram:N``: character N-grams (default N=2) with dictionary words kept whole;
  ``ngram:1`` is a character segmenter usable by spaCy.

Usage, jieba style::

    from nlp import tokenize
    tokenize.cut("积极回应关切，加强政务新媒体管理")   # default segmenter
    seg = tokenize.get_segmenter("jieba")            # shared, cached per (back end, hmm, dictionary)
    own = tokenize.new_segmenter("rjieba")           # private, mutable
    own.add_words(["洪门镇"]); own.load_userdict("my_dict.txt")
    nlp = tokenize.blank_zh()                        # spaCy Language (blank zh) using our segmenter

Global state: exactly one mutable object, the *default segmenter* (like ``jieba.dt``), created on
first use from ``GOVNLP_SEGMENTER``; the module-level ``cut``/``add_words``/``load_userdict`` and
``get_segmenter()`` without arguments use it. ``set_default_segmenter`` replaces or resets it.
Segmenters from ``get_segmenter(<configuration>)`` are cached and shared, so they are frozen:
``add_words`` on them raises :class:`FrozenSegmenterError`.
"""
from __future__ import annotations

import os
from collections import OrderedDict
from collections.abc import Iterable
from pathlib import Path
from typing import IO, TYPE_CHECKING

from nlp.tokenize.backends import (
    BACKENDS,
    CharNgramSegmenter,
    FrozenSegmenterError,
    JiebaSegmenter,
    RjiebaSegmenter,
    Segmenter,
)
from nlp.tokenize.dictionary import (
    Entry,
    WordSpec,
    domain_entries,
    domain_words,
    normalize_words,
    read_userdict,
    stopwords,
)

if TYPE_CHECKING:
    from spacy.language import Language

ENV_VAR = "GOVNLP_SEGMENTER"
DEFAULT_BACKEND = "rjieba"
_CACHE_SIZE = 8  # each jieba-family instance holds a full dictionary (tens of MB)

_default: Segmenter | None = None
_cache: OrderedDict[tuple, Segmenter] = OrderedDict()


def backend_name(name: str | None = None) -> str:
    """Canonical back-end name: ``name``, else ``$GOVNLP_SEGMENTER``, else ``rjieba``.

    ``ngram`` becomes ``ngram:2``. Raises ValueError for an unknown name, listing the known ones.
    """
    raw = (name if name is not None else os.environ.get(ENV_VAR) or DEFAULT_BACKEND).strip().lower()
    base, _, arg = raw.partition(":")
    if base not in BACKENDS:
        origin = f"{ENV_VAR}={raw!r}" if name is None else repr(raw)
        raise ValueError(f"unknown segmenter {origin}; known: rjieba, jieba, ngram, ngram:N")
    if base == "ngram":
        if arg and not arg.isdigit() or arg == "0":
            raise ValueError(f"bad n-gram segmenter {raw!r}; use ngram:N with N >= 1")
        return f"ngram:{int(arg) if arg else 2}"
    if arg:
        raise ValueError(f"segmenter {base!r} takes no ':' argument, got {raw!r}")
    return base


def new_segmenter(name: str | None = None, *, hmm: bool = True, domain: bool = True,
                  userdicts: Iterable[str | Path] = (), words: Iterable[WordSpec] = ()) -> Segmenter:
    """A new, private segmenter: back end ``name``, HMM for unknown words, domain dictionary, user words."""
    canonical = backend_name(name)
    base, _, arg = canonical.partition(":")
    cls = BACKENDS[base]
    entries = _user_entries(userdicts, words)
    if base == "ngram":
        return CharNgramSegmenter(int(arg), hmm=hmm, domain=domain, words=entries)
    return cls(hmm=hmm, domain=domain, words=entries)


def get_segmenter(name: str | None = None, *, hmm: bool = True, domain: bool = True,
                  userdicts: Iterable[str | Path] = (), words: Iterable[WordSpec] = ()) -> Segmenter:
    """A segmenter for this configuration, cached per (back end, hmm, dictionary entries).

    Without arguments: the default segmenter (mutable, see the module docstring). With arguments:
    a shared, frozen instance; ``get_segmenter("jieba") is get_segmenter("jieba")``.
    """
    userdicts, words = tuple(userdicts), tuple(words)
    if name is None and hmm and domain and not userdicts and not words:
        return default_segmenter()
    canonical = backend_name(name)
    entries = (domain_entries() if domain else ()) + tuple(_user_entries(userdicts, words))
    key = (canonical, bool(hmm), entries)
    seg = _cache.get(key)
    if seg is None:
        seg = new_segmenter(canonical, hmm=hmm, domain=False, words=entries)
        seg._frozen = True
        _cache[key] = seg
        while len(_cache) > _CACHE_SIZE:
            _cache.popitem(last=False)
    else:
        _cache.move_to_end(key)
    return seg


def _user_entries(userdicts: Iterable[str | Path], words: Iterable[WordSpec]) -> list[Entry]:
    entries: list[Entry] = []
    for path in userdicts:
        entries.extend(read_userdict(path))
    entries.extend(normalize_words(words))
    return entries


def default_segmenter() -> Segmenter:
    """The default segmenter (back end from ``GOVNLP_SEGMENTER``, else rjieba; domain dictionary; HMM)."""
    global _default
    if _default is None:
        _default = new_segmenter(None)
    return _default


def set_default_segmenter(segmenter: Segmenter | str | None) -> None:
    """Replace the default segmenter (an instance or a back-end name); None resets it to the env/default."""
    global _default
    _default = new_segmenter(segmenter) if isinstance(segmenter, str) else segmenter


def cut(text: str) -> list[str]:
    """Segment ``text`` with the default segmenter (whitespace and punctuation tokens kept, like jieba)."""
    return default_segmenter().cut(text)


def tokenize(text: str) -> list[tuple[str, int, int]]:
    """``(token, start, end)`` for ``text`` with the default segmenter."""
    return default_segmenter().tokenize(text)


def words(text: str, drop_stopwords: bool = True) -> list[str]:
    """Content tokens of ``text``: no whitespace, punctuation or (optionally) stopwords."""
    return default_segmenter().words(text, drop_stopwords)


def add_words(words: Iterable[WordSpec] | str) -> None:
    """Add words to the default segmenter (``"词"``, ``("词", freq)`` or ``("词", freq, tag)``)."""
    default_segmenter().add_words(words)


def load_userdict(path_or_file: str | Path | IO[str] | IO[bytes]) -> None:
    """Add a jieba-format user dictionary file to the default segmenter, like ``jieba.load_userdict``."""
    default_segmenter().load_userdict(path_or_file)


def blank_zh(segmenter: Segmenter | str | None = None, *, hmm: bool = True,
             domain_dict: bool = True) -> Language:
    """A blank spaCy Chinese pipeline whose tokenizer is our segmenter (serialisable, no downloads)."""
    from nlp.tokenize.spacy_tokenizer import blank_zh as _blank_zh

    return _blank_zh(segmenter, hmm=hmm, domain_dict=domain_dict)


__all__ = [
    "BACKENDS", "DEFAULT_BACKEND", "ENV_VAR", "CharNgramSegmenter", "FrozenSegmenterError",
    "JiebaSegmenter", "RjiebaSegmenter", "Segmenter", "add_words", "backend_name", "blank_zh", "cut",
    "default_segmenter", "domain_entries", "domain_words", "get_segmenter", "load_userdict",
    "new_segmenter", "set_default_segmenter", "stopwords", "tokenize", "words",
]
