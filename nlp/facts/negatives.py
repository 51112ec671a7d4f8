"""The negative lexicon at work: does a year, 第X条, 〔2021〕30号, 12345热线, phone number … (resources/
fact_negatives.yaml) cover a number? Asked for every candidate quantity and negated statement."""
from __future__ import annotations

import re
from collections.abc import Callable

from nlp.facts.lexicon import Lexicon


class NegativeMask:
    """Answers "does a negative (year, 第X条, 〔2021〕30号, 12345, phone …) cover this span?".

    Names are checked for every number, and only the names that contain the number's own digits
    ("五个中心" ⊃ 五, "12345" ⊃ 12345). The regex patterns run in a window around the number, and only
    for numbers they can concern: a number without a unit, or a long one (>= 6 characters: phones,
    postcodes). A number with a unit is already protected by the unit grammar: 年/月/日/号 are no
    units, 第/每 before the number and 个工作日 after it reject it.

    Speed (same answers): a pattern is skipped without running it when none of the span's
    characters can be part of a match (the negation word 未 is in no date or phone number), or when its
    ``requires`` strings (fact_negatives.yaml: one of them is in every match) are absent from the window.
    """

    WINDOW = 60

    def __init__(self, text: str, lex: Lexicon, lo: int = 0, hi: int | None = None):
        self.text = text
        self.lex = lex
        self._names = _cache(lex, "names_containing")  # number → _names_containing(lex, number)
        self._patterns = _cache(lex, "patterns_for")  # span → _patterns_for(lex, span)

    def covers(self, s: int, e: int, has_unit: bool = False) -> bool:
        text = self.text
        number = text[s:e]
        names, any_name, longest = self._names.get(number) or _names_containing(self.lex, number)
        # One regex search tells whether any of the names occurs near the number at all (mostly not).
        if names and not any_name.search(text, s - longest if s > longest else 0, e + longest):
            names = ()
        for name in names:
            if has_unit and name == number:
                continue  # a hotline's number is no count, but "发布信息110条" counts 110 items
            k = text.find(name, max(0, s - len(name)), e + len(name))
            while 0 <= k < e:
                if k + len(name) > s:
                    return True
                k = text.find(name, k + 1, e + len(name))
        if has_unit and e - s < 6:
            return False
        lo, hi = max(0, s - self.WINDOW), min(len(text), e + self.WINDOW)
        patterns = self._patterns.get(number)
        for pattern, guard in _patterns_for(self.lex, number) if patterns is None else patterns:
            if guard is not None and guard.search(text, lo, hi) is None:
                continue  # no match can lie in text[lo:hi] without one of the required strings
            for m in pattern.finditer(text, lo, hi):
                if m.start() >= e:
                    break
                if s < m.end() and m.end() > m.start():
                    return True
        return False


_Guarded = tuple[re.Pattern[str], re.Pattern[str] | None, Callable[[str], bool] | None]
def _guarded_patterns(lex: Lexicon) -> list[_Guarded]:
    """(pattern, guard, alphabet) per negative pattern, in lexicon order: guard finds any of its ``requires``
    strings; alphabet tells whether a character can be part of a match (None: unknown)."""
    triples = lex.derived.get("guarded_patterns")
    if triples is None:
        triples = []
        for key, pattern in lex.negative_patterns.items():
            req = lex.negative_requires.get(key)
            guard = re.compile("|".join(re.escape(r) for r in req)) if req else None
            triples.append((pattern, guard, match_alphabet(pattern)))
        lex.derived["guarded_patterns"] = triples
    return triples


def _cache(lex: Lexicon, name: str) -> dict:
    """A memo of ``lex``, owned by it (a new lexicon never sees another's answers)."""
    memo = lex.derived.setdefault(f"memo:{name}", {})
    if len(memo) > 20000:
        memo.clear()
    return memo


def _patterns_for(lex: Lexicon, span: str) -> tuple[tuple[re.Pattern[str], re.Pattern[str] | None], ...]:
    """(pattern, guard) of the negative patterns that can match one of ``span``'s characters (a match that
    overlaps the span contains one of them), cached per span text ("未" → none, "2023" → the date ones …)."""
    memo = _cache(lex, "patterns_for")
    hit = memo.get(span)
    if hit is None:
        hit = memo[span] = tuple((p, g) for p, g, alphabet in _guarded_patterns(lex)
                                 if alphabet is None or any(alphabet(ch) for ch in span))
    return hit


def match_alphabet(pattern: re.Pattern[str]) -> Callable[[str], bool] | None:
    """A test "can this character be part of a match of ``pattern``?" read off the parsed regex: literals,
    character classes, ``\\d`` and ``\\s`` (lookarounds and anchors consume nothing). None when the pattern
    has anything else (negated classes, ``.``, ``\\w``, backreferences, ignore-case): then it always runs."""
    try:
        from re import _parser  # the stdlib's own regex parser (private; any failure means "unknown")
        tree = _parser.parse(pattern.pattern, pattern.flags)
    except Exception:  # noqa: BLE001 - an unknown alphabet only costs speed
        return None
    if pattern.flags & re.IGNORECASE:
        return None
    chars: set[str] = set()
    categories: set[str] = set()

    def walk(items) -> bool:
        for op, av in items:
            name = str(op)
            if name == "LITERAL":
                chars.add(chr(av))
            elif name == "IN":
                for op2, av2 in av:
                    kind = str(op2)
                    if kind == "LITERAL":
                        chars.add(chr(av2))
                    elif kind == "RANGE" and av2[1] - av2[0] < 1000:
                        chars.update(chr(c) for c in range(av2[0], av2[1] + 1))
                    elif kind == "CATEGORY" and str(av2) in ("CATEGORY_DIGIT", "CATEGORY_SPACE"):
                        categories.add(str(av2))
                    else:
                        return False
            elif name in ("MAX_REPEAT", "MIN_REPEAT", "POSSESSIVE_REPEAT"):
                if not walk(av[2]):
                    return False
            elif name == "SUBPATTERN":
                if not walk(av[3]):
                    return False
            elif name == "BRANCH":
                if not all(walk(branch) for branch in av[1]):
                    return False
            elif name not in ("ASSERT", "ASSERT_NOT", "AT"):  # those consume no characters
                return False
        return True

    try:
        if not walk(tree):
            return None
    except Exception:  # noqa: BLE001 - an unexpected tree shape: unknown
        return None
    digit, space, known = "CATEGORY_DIGIT" in categories, "CATEGORY_SPACE" in categories, frozenset(chars)
    # \d and \s match Unicode decimals and whitespace (str.isdecimal / str.isspace, as the regex engine).
    return lambda ch: ch in known or (digit and ch.isdecimal()) or (space and ch.isspace())


def _names_containing(lex: Lexicon, number: str) -> tuple[tuple[str, ...], re.Pattern[str] | None, int]:
    """The negative names that contain ``number``, a regex finding any of them, and their greatest length."""
    memo = _cache(lex, "names_containing")
    hit = memo.get(number)
    if hit is None:
        names = tuple(n for n in lex.negative_name_list if number and number in n)
        rx = re.compile("|".join(re.escape(n) for n in names)) if names else None
        hit = memo[number] = (names, rx, max(map(len, names), default=0))
    return hit
