"""spaCy tokenizer backed by our segmenter, registered as ``govnlp.Tokenizer.v1``.

Registered twice on purpose: by the decorator below (when this module is imported) and by the
``spacy_tokenizers`` entry point in pyproject.toml (so ``spacy.load`` finds it in a fresh process
without importing nlp first). The tokenizer serialises its back end, HMM switch and every dictionary
entry (domain dictionary as it was when saved, plus user words) to ``<pipeline>/tokenizer``, so a
loaded pipeline segments exactly as the saved one did, whatever ``GOVNLP_SEGMENTER`` says.
Nothing here downloads anything: spaCy's own zh segmenters (char/jieba/pkuseg) are never created.
"""
from __future__ import annotations

from collections.abc import Callable, Iterable
from pathlib import Path
from typing import IO, Any

import srsly
from spacy.language import Language
from spacy.tokens import Doc
from spacy.util import DummyTokenizer, registry
from spacy.vocab import Vocab

from nlp.tokenize.backends import Segmenter
from nlp.tokenize.dictionary import Entry, WordSpec, domain_entries, normalize_words, read_userdict

TOKENIZER_NAME = "govnlp.Tokenizer.v1"
_FORMAT = 1


class GovTokenizer(DummyTokenizer):
    """``Doc`` maker: segment with our back end, then rebuild spaCy's words + trailing-space flags."""

    def __init__(self, vocab: Vocab, segmenter: str | None = None, hmm: bool = True,
                 domain_dict: bool = True) -> None:
        from nlp.tokenize import backend_name

        self.vocab = vocab
        self.backend = backend_name(segmenter)
        self.hmm = bool(hmm)
        self.domain_entries: list[Entry] = list(domain_entries()) if domain_dict else []
        self.user_entries: list[Entry] = []
        self._rebuild()

    def _rebuild(self) -> None:
        from nlp.tokenize import get_segmenter

        seg = get_segmenter(self.backend, hmm=self.hmm, domain=False,
                            words=self.domain_entries + self.user_entries)
        if not seg.tiles:
            raise ValueError(f"segmenter {seg.name!r} yields overlapping tokens; a spaCy tokenizer needs a "
                             "segmentation (use rjieba, jieba or ngram:1)")
        self.segmenter: Segmenter = seg

    def __call__(self, text: str) -> Doc:
        words, spaces = words_and_spaces(self.segmenter.cut(text), text)
        return Doc(self.vocab, words=words, spaces=spaces)

    def add_words(self, words: Iterable[WordSpec] | str) -> None:
        """Add user words (kept when the pipeline is saved)."""
        self.user_entries.extend(normalize_words(words))
        self._rebuild()

    def load_userdict(self, path_or_file: str | Path | IO[str] | IO[bytes]) -> None:
        """Add the words of a jieba-format user dictionary (kept when the pipeline is saved)."""
        self.user_entries.extend(read_userdict(path_or_file))
        self._rebuild()

    # -- serialisation --------------------------------------------------------------------------------
    def _get_config(self) -> dict[str, Any]:
        return {"format": _FORMAT, "segmenter": self.backend, "hmm": self.hmm,
                "domain_entries": [list(e) for e in self.domain_entries],
                "user_entries": [list(e) for e in self.user_entries]}

    def _set_config(self, cfg: dict[str, Any]) -> None:
        from nlp.tokenize import backend_name

        if cfg.get("format") != _FORMAT:
            raise ValueError(f"unsupported govnlp tokenizer data format {cfg.get('format')!r}")
        self.backend = backend_name(cfg["segmenter"])
        self.hmm = bool(cfg["hmm"])
        self.domain_entries = [(w, f) for w, f in cfg["domain_entries"]]
        self.user_entries = [(w, f) for w, f in cfg["user_entries"]]
        self._rebuild()

    def __reduce__(self) -> tuple:
        # The engines (rjieba/jieba objects) do not pickle; rebuild from the serialised entries instead
        # (spaCy pickles the pipeline for nlp.pipe(n_process=...) under the spawn start method).
        return _unpickle_tokenizer, (self.vocab, self.to_bytes())

    def to_bytes(self, **kwargs: Any) -> bytes:
        return srsly.json_dumps(self._get_config()).encode("utf-8")

    def from_bytes(self, data: bytes, **kwargs: Any) -> GovTokenizer:
        self._set_config(srsly.json_loads(data))
        return self

    def to_disk(self, path: str | Path, **kwargs: Any) -> None:
        Path(path).write_bytes(self.to_bytes())

    def from_disk(self, path: str | Path, **kwargs: Any) -> GovTokenizer:
        return self.from_bytes(Path(path).read_bytes())


def _unpickle_tokenizer(vocab: Vocab, data: bytes) -> GovTokenizer:
    cfg = srsly.json_loads(data)
    tok = GovTokenizer(vocab, segmenter=cfg["segmenter"], hmm=cfg["hmm"], domain_dict=False)
    return tok.from_bytes(data)


def words_and_spaces(tokens: list[str], text: str) -> tuple[list[str], list[bool]]:
    """spaCy ``words``/``spaces`` from tokens that tile ``text`` (linear time).

    A run of whitespace tokens becomes the previous token's trailing space when it starts with " ",
    and whatever remains becomes one whitespace token, as spaCy's own tokenizer does.
    """
    if sum(map(len, tokens)) != len(text):  # not a tiling: let spaCy align (quadratic, but safe)
        from spacy.util import get_words_and_spaces

        return get_words_and_spaces([t for t in tokens if t], text)
    words: list[str] = []
    spaces: list[bool] = []
    i, n = 0, len(tokens)
    while i < n:
        tok = tokens[i]
        if not tok.isspace():
            words.append(tok)
            spaces.append(False)
            i += 1
            continue
        j = i + 1
        while j < n and tokens[j].isspace():
            j += 1
        run = "".join(tokens[i:j])
        if words and not spaces[-1] and run[0] == " ":
            spaces[-1] = True
            run = run[1:]
        if run:
            words.append(run)
            spaces.append(False)
        i = j
    return words, spaces


@registry.tokenizers(TOKENIZER_NAME)
def create_tokenizer(segmenter: str | None = None, hmm: bool = True,
                     domain_dict: bool = True) -> Callable[[Language], GovTokenizer]:
    """spaCy registry function: ``[nlp.tokenizer] @tokenizers = "govnlp.Tokenizer.v1"``."""

    def tokenizer_factory(nlp: Language) -> GovTokenizer:
        return GovTokenizer(nlp.vocab, segmenter=segmenter, hmm=hmm, domain_dict=domain_dict)

    return tokenizer_factory


def blank_zh(segmenter: Segmenter | str | None = None, *, hmm: bool = True,
             domain_dict: bool = True) -> Language:
    """``spacy.blank("zh")`` with our tokenizer. ``segmenter`` is a back-end name or a Segmenter
    (whose back end, HMM switch and dictionary entries are copied)."""
    import spacy

    from nlp.tokenize import backend_name

    source = segmenter if isinstance(segmenter, Segmenter) else None
    name = source.name if source is not None else backend_name(segmenter)
    if source is not None:
        hmm, domain_dict = source.hmm, False
    cfg = {"nlp": {"tokenizer": {"@tokenizers": TOKENIZER_NAME, "segmenter": name, "hmm": hmm,
                                 "domain_dict": domain_dict}}}
    nlp = spacy.blank("zh", config=cfg)
    if source is not None:
        # The config records the back end; the entries travel in the tokenizer's serialised data.
        nlp.tokenizer.domain_entries = list(source.entries)
        nlp.tokenizer._rebuild()
    return nlp
