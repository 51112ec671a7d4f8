"""Regexes of many literal phrases, factored as a trie (shared by the fact lexicon and the annex reader)."""
from __future__ import annotations

import re


def trie_pattern(phrases: list[str]) -> str:
    """A regex matching the longest of ``phrases`` at a position, factored as a trie (公开(?:信息|各类信息)?).

    Python's regex engine tries a flat alternation branch by branch at every position; the trie form
    starts with one character set, so the engine skips non-cue characters quickly (~10x faster here).
    """
    trie: dict = {}
    for phrase in set(phrases):
        node = trie
        for ch in phrase:
            node = node.setdefault(ch, {})
        node[""] = {}

    def build(node: dict) -> str:
        ends = "" in node
        leaves = sorted(k for k in node if k and set(node[k]) == {""})
        inner = sorted(k for k in node if k and k not in leaves)
        alts = [re.escape(k) + build(node[k]) for k in inner]
        if leaves:
            alts.append(re.escape(leaves[0]) if len(leaves) == 1 else "[" + "".join(re.escape(k) for k in leaves) + "]")
        if not alts:
            return ""
        body = alts[0] if len(alts) == 1 else "(?:" + "|".join(alts) + ")"
        if ends:
            return f"(?:{body})?" if len(alts) > 1 or len(body) > 1 else f"{body}?"
        return body

    return build(trie)
