"""Segmenter back ends: rjieba (jieba-rs, default), jieba (reference, pure Python), character n-grams.

Every back end has the same tiny surface: ``name``, ``cut(text) -> list[str]``, ``add_words(words)``
and ``load_userdict(path)``; ``tokenize`` and ``words`` are derived from ``cut``. ``cut`` keeps jieba's
contract: tokens in text order, whitespace and punctuation included, so that for the word back ends
``"".join(cut(text)) == text``.
"""
from __future__ import annotations

import logging
import re
import unicodedata
from collections.abc import Iterable
from pathlib import Path
from typing import IO

from nlp.tokenize.dictionary import (
    Entry,
    WordSpec,
    domain_entries,
    normalize_words,
    read_userdict,
    stopwords,
)


class FrozenSegmenterError(RuntimeError):
    """Raised by ``add_words`` on a shared (cached) segmenter."""


class Segmenter:
    """Base class: keeps the entries added on top of the engine's own dictionary, in order."""

    name: str = "base"
    #: True when the tokens of ``cut`` tile the text (needed by the spaCy tokenizer).
    tiles: bool = True

    def __init__(self, *, hmm: bool = True, domain: bool = True, words: Iterable[WordSpec] = ()) -> None:
        self.hmm = bool(hmm)
        self._entries: list[Entry] = []
        self._frozen = False
        self._setup()
        if domain:
            self._add_entries(list(domain_entries()))
        words = normalize_words(words)
        if words:
            self._add_entries(words)

    # -- engine hooks ---------------------------------------------------------------------------------
    def _setup(self) -> None:
        raise NotImplementedError

    def _add(self, word: str, freq: int | None) -> None:
        raise NotImplementedError

    def cut(self, text: str) -> list[str]:
        """Segment ``text`` into tokens (jieba's accurate mode; whitespace and punctuation kept)."""
        raise NotImplementedError

    # -- shared surface -------------------------------------------------------------------------------
    @property
    def entries(self) -> tuple[Entry, ...]:
        """Words added on top of the engine's own dictionary (domain dictionary, then user words)."""
        return tuple(self._entries)

    def add_words(self, words: Iterable[WordSpec] | str) -> None:
        """Add words: ``"词"``, ``("词", freq)`` or ``("词", freq, tag)``; freq None = back end's suggestion."""
        if self._frozen:
            raise FrozenSegmenterError(
                f"this {self.name} segmenter is shared (it came from nlp.tokenize.get_segmenter with a "
                "configuration); build a private one with nlp.tokenize.new_segmenter(...) or pass words=... "
                "to get_segmenter, or use nlp.tokenize.add_words to change the default segmenter")
        self._add_entries(normalize_words(words))

    def load_userdict(self, path_or_file: str | Path | IO[str] | IO[bytes]) -> None:
        """Add the words of a jieba-format user dictionary (``word [freq] [tag]`` lines)."""
        self.add_words(read_userdict(path_or_file))

    def _add_entries(self, entries: list[Entry]) -> None:
        for word, freq in entries:
            self._add(word, freq)
        self._entries.extend(entries)

    def tokenize(self, text: str) -> list[tuple[str, int, int]]:
        """``(token, start, end)`` character offsets into ``text`` (tiling back ends)."""
        out = []
        pos = 0
        for tok in self.cut(text):
            end = pos + len(tok)
            out.append((tok, pos, end))
            pos = end
        return out

    def words(self, text: str, drop_stopwords: bool = True) -> list[str]:
        """Content tokens: ``cut`` without whitespace, punctuation-only tokens and (optionally) stopwords."""
        stop = stopwords() if drop_stopwords else frozenset()
        return [t for t in self.cut(text) if t not in stop and not _is_blank_or_punct(t)]

    def __repr__(self) -> str:
        return (f"<{type(self).__name__} name={self.name!r} hmm={self.hmm} entries={len(self._entries)}"
                f"{' shared' if self._frozen else ''}>")


def _is_blank_or_punct(token: str) -> bool:
    return all(ch.isspace() or unicodedata.category(ch)[0] in "PSZC" for ch in token)


class RjiebaSegmenter(Segmenter):
    """jieba-rs through rjieba: same algorithm and default dictionary as jieba, ~15-40× faster."""

    name = "rjieba"

    def _setup(self) -> None:
        import rjieba

        self._engine = rjieba.Jieba()

    def _add(self, word: str, freq: int | None) -> None:
        self._engine.add_word(word, freq, None)

    def cut(self, text: str) -> list[str]:
        return self._engine.cut(text, self.hmm)


class JiebaSegmenter(Segmenter):
    """jieba 0.42.1, the reference implementation; the oracle for the rjieba back end in tests."""

    name = "jieba"

    def _setup(self) -> None:
        import jieba

        logger = logging.getLogger("jieba")
        level = logger.level
        logger.setLevel(logging.WARNING)  # jieba prints "Building prefix dict..." at DEBUG to stderr
        try:
            self._engine = jieba.Tokenizer()
            self._engine.initialize()
        finally:
            logger.setLevel(level)
        # jieba sums every line of dict.txt into `total`, so the duplicated line "B超 3 n" counts twice
        # (60101967); jieba-rs sums the deduplicated entries (60101964). log(total) enters every path
        # score, so use jieba-rs's definition (total == sum of frequencies) for identical segmentations.
        self._engine.total = sum(self._engine.FREQ.values())

    def _add(self, word: str, freq: int | None) -> None:
        engine = self._engine
        old = engine.FREQ.get(word) or 0
        engine.add_word(word, freq)
        # jieba 0.42.1 adds the new frequency to `total` without removing the one it replaces; jieba-rs
        # (and jieba's own dictionary loading) keep total == sum of frequencies. Match jieba-rs so that the
        # two back ends score paths with the same log(total) after a dictionary word is re-weighted.
        engine.total -= old

    def cut(self, text: str) -> list[str]:
        return list(self._engine.cut(text, HMM=self.hmm))


_HAN = "\u3400-\u4DBF\u4E00-\u9FFF\uF900-\uFAFF"
_PLAIN = re.compile(rf"(?P<han>[{_HAN}]+)|(?P<alnum>[A-Za-z0-9]+(?:[._\-][A-Za-z0-9]+)*%?)|\r\n|.", re.DOTALL)


class CharNgramSegmenter(Segmenter):
    """Character n-grams of each CJK run; dictionary words stay whole; ASCII words/numbers stay whole.

    With ``n == 1`` the tokens tile the text (a character segmenter that respects the domain
    dictionary); with ``n > 1`` the n-grams overlap, which suits bag-of-n-gram models but not spaCy.
    ``hmm`` and word frequencies are ignored.
    """

    def __init__(self, n: int = 2, **kwargs) -> None:
        if int(n) != n or n < 1:
            raise ValueError(f"n-gram size must be a positive integer, got {n!r}")
        self.n = int(n)
        self.name = f"ngram:{self.n}"
        self.tiles = self.n == 1
        super().__init__(**kwargs)

    def _setup(self) -> None:
        self._terms: set[str] = set()
        self._pattern: re.Pattern[str] | None = None

    def _add(self, word: str, freq: int | None) -> None:
        self._terms.add(word)
        self._pattern = None

    def _term_pattern(self) -> re.Pattern[str] | None:
        if self._pattern is None and self._terms:
            # Longest alternatives first: Python's regex alternation takes the first that matches.
            alternatives = sorted(self._terms, key=lambda w: (-len(w), w))
            self._pattern = re.compile("|".join(map(re.escape, alternatives)))
        return self._pattern

    def tokenize(self, text: str) -> list[tuple[str, int, int]]:
        out: list[tuple[str, int, int]] = []
        pos = 0
        pattern = self._term_pattern()
        if pattern is not None:
            for m in pattern.finditer(text):
                self._plain(text, pos, m.start(), out)
                out.append((m.group(), m.start(), m.end()))
                pos = m.end()
        self._plain(text, pos, len(text), out)
        return out

    def cut(self, text: str) -> list[str]:
        return [tok for tok, _, _ in self.tokenize(text)]

    def _plain(self, text: str, start: int, end: int, out: list[tuple[str, int, int]]) -> None:
        n = self.n
        for m in _PLAIN.finditer(text, start, end):
            s, e = m.span()
            if m.lastgroup == "han" and e - s > n:
                out.extend((text[i:i + n], i, i + n) for i in range(s, e - n + 1))
            elif m.lastgroup == "han" and n == 1:
                out.extend((text[i], i, i + 1) for i in range(s, e))
            else:
                out.append((m.group(), s, e))


BACKENDS: dict[str, type[Segmenter]] = {
    "rjieba": RjiebaSegmenter,
    "jieba": JiebaSegmenter,
    "ngram": CharNgramSegmenter,
}
