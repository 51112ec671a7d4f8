"""Word lists for segmentation: the domain dictionary, user dictionaries and the stopword list.

An *entry* is ``(word, frequency)``; a frequency of ``None`` means "let the back end suggest
one" (jieba's ``add_word(word)`` semantics). Files use jieba's user-dictionary format — one
``word [frequency] [tag]`` per line — plus ``#`` comment lines. POS tags are accepted and ignored.
"""
from __future__ import annotations

import io
import re
import warnings
from collections.abc import Iterable
from functools import lru_cache
from pathlib import Path
from typing import IO

from nlp.resources import resource_path

Entry = tuple[str, int | None]
WordSpec = str | tuple[str, int | None] | tuple[str, int | None, str | None]

DOMAIN_DICT = "domain_dict.txt"
STOPWORDS = "stopwords.txt"

# jieba 0.42.1 (re_han_default) cuts text into blocks of these characters before it looks words up,
# so a dictionary word with any other character (space, 《》, full-width punctuation) can never match.
_MATCHABLE = re.compile(r"[\u4E00-\u9FD5a-zA-Z0-9+#&._%\-]+")


def parse_userdict(lines: Iterable[str], source: str = "<words>") -> list[Entry]:
    """Entries from lines in jieba's user-dictionary format (``word [freq] [tag]``; ``#`` comments).

    Raises ValueError naming ``source`` and the line for a frequency that is not a positive integer.
    """
    entries: list[Entry] = []
    for lineno, raw in enumerate(lines, 1):
        line = raw.strip().lstrip("\ufeff")
        if not line or line.startswith("#"):
            continue
        parts = line.split()
        freq: int | None = None
        if len(parts) >= 2 and parts[1].lstrip("+-").isdigit():
            freq = int(parts[1])
            if freq < 1:
                raise ValueError(f"{source}:{lineno}: frequency of {parts[0]!r} must be a positive integer, "
                                 f"got {parts[1]!r}")
        elif len(parts) >= 2 and not parts[1].isalpha():
            raise ValueError(f"{source}:{lineno}: expected 'word [frequency] [tag]', got {line!r}")
        entries.append((parts[0], freq))
    return check_entries(entries, source)


def read_userdict(path_or_file: str | Path | IO[str] | IO[bytes]) -> list[Entry]:
    """Entries of a user-dictionary file (a path or an open file), like ``jieba.load_userdict``."""
    if isinstance(path_or_file, (str, Path)):
        path = Path(path_or_file)
        try:
            text = path.read_text(encoding="utf-8-sig")
        except OSError as exc:
            raise ValueError(f"{path}: cannot read user dictionary ({exc.strerror or exc})") from exc
        except UnicodeDecodeError as exc:
            raise ValueError(f"{path}: user dictionary is not UTF-8 ({exc.reason})") from exc
        return parse_userdict(text.splitlines(), str(path))
    data = path_or_file.read()
    if isinstance(data, bytes):
        data = data.decode("utf-8-sig")
    return parse_userdict(io.StringIO(data), getattr(path_or_file, "name", "<file>"))


def normalize_words(words: Iterable[WordSpec] | str) -> list[Entry]:
    """Entries from ``add_words`` arguments: words, ``(word, freq)`` or ``(word, freq, tag)`` tuples."""
    if isinstance(words, str):  # a single word, not an iterable of characters
        words = [words]
    entries: list[Entry] = []
    for item in words:
        if isinstance(item, str):
            word, freq = item.strip(), None
        else:
            word, freq = str(item[0]).strip(), item[1] if len(item) > 1 else None
        if freq is not None:
            if isinstance(freq, bool) or int(freq) != freq or freq < 1:
                raise ValueError(f"frequency of {word!r} must be a positive integer or None, got {freq!r}")
            freq = int(freq)
        entries.append((word, freq))
    return check_entries(entries, "<words>")


def check_entries(entries: list[Entry], source: str) -> list[Entry]:
    """Drop (with a warning naming ``source``) words that no back end could ever emit whole."""
    kept = []
    for word, freq in entries:
        if not word or not _MATCHABLE.fullmatch(word):
            warnings.warn(f"{source}: dictionary word {word!r} skipped: jieba splits text on its "
                          "spaces/punctuation, so it could never come out as one token", stacklevel=3)
            continue
        kept.append((word, freq))
    return kept


@lru_cache(maxsize=4)
def _domain_entries(path: str, mtime_ns: int) -> tuple[Entry, ...]:
    return tuple(read_userdict(path))


def domain_entries() -> tuple[Entry, ...]:
    """The domain dictionary (``nlp/resources/domain_dict.txt``) as entries, in file order."""
    path = resource_path(DOMAIN_DICT)
    return _domain_entries(str(path), path.stat().st_mtime_ns)


def domain_words() -> frozenset[str]:
    """The words of the domain dictionary."""
    return frozenset(word for word, _ in domain_entries())


@lru_cache(maxsize=1)
def stopwords() -> frozenset[str]:
    """The stopword list (``nlp/resources/stopwords.txt``): function words without topical content."""
    lines = resource_path(STOPWORDS).read_text(encoding="utf-8").splitlines()
    return frozenset(s for s in (line.strip() for line in lines) if s and not s.startswith("#"))
