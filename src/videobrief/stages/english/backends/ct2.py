"""A CTranslate2 text-translation model folder (OPUS-MT or NLLB converted) with its
sentencepiece tokenizer, for users who have one ("mt")."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from videobrief.errors import VideobriefError
from videobrief.records import Segment

ENGLISH = "en"

# NLLB names languages with script; OPUS-MT models are one language pair and need no codes.
NLLB_CODES = {"ru": "rus_Cyrl", "uk": "ukr_Cyrl", "be": "bel_Cyrl", "en": "eng_Latn"}


@dataclass
class CT2Translator:
    """A CTranslate2 translation model folder: `model.bin` plus sentencepiece model(s).

    OPUS-MT conversions carry `source.spm`/`target.spm`; NLLB carries one
    `sentencepiece.bpe.model` and wants language tokens.
    """

    folder: Path
    source: str = "mt"
    _translator: object = field(init=False, repr=False)
    _src: object = field(init=False, repr=False)
    _tgt: object = field(init=False, repr=False)
    _nllb: bool = field(init=False, repr=False)

    def __post_init__(self) -> None:
        import ctranslate2
        import sentencepiece

        folder = Path(self.folder)
        if not folder.is_dir():
            raise VideobriefError(f"--mt-model {folder}: no such folder")
        if not (folder / "model.bin").is_file():
            raise VideobriefError(
                f"--mt-model {folder}: no model.bin; give a folder made by "
                "ct2-transformers-converter (OPUS-MT or NLLB)"
            )
        if (folder / "source.spm").is_file() and (folder / "target.spm").is_file():
            src_path, tgt_path, self._nllb = folder / "source.spm", folder / "target.spm", False
        elif (folder / "sentencepiece.bpe.model").is_file():
            src_path = tgt_path = folder / "sentencepiece.bpe.model"
            self._nllb = True
        else:
            raise VideobriefError(
                f"--mt-model {folder}: no tokenizer (source.spm + target.spm for OPUS-MT, "
                "or sentencepiece.bpe.model for NLLB)"
            )
        try:
            self._src = sentencepiece.SentencePieceProcessor(model_file=str(src_path))
            self._tgt = sentencepiece.SentencePieceProcessor(model_file=str(tgt_path))
        except (OSError, RuntimeError) as exc:
            raise VideobriefError(f"--mt-model {folder}: unreadable tokenizer: {exc}") from exc
        try:
            self._translator = ctranslate2.Translator(str(folder), device="cpu")
        except (OSError, RuntimeError, ValueError) as exc:
            raise VideobriefError(f"--mt-model {folder}: cannot load model: {exc}") from exc

    def translate(
        self,
        segments: Sequence[Segment],
        audio: np.ndarray | None,
        context: Sequence[Segment] = (),
    ) -> dict[int, str]:
        batch, prefixes = [], []
        for seg in segments:
            pieces = self._src.encode(seg.text, out_type=str)
            if self._nllb:
                pieces = [NLLB_CODES.get(seg.lang or "", "rus_Cyrl"), *pieces, "</s>"]
                prefixes.append([NLLB_CODES[ENGLISH]])
            batch.append(pieces)
        if not batch:
            return {}
        results = self._translator.translate_batch(
            batch, target_prefix=prefixes if self._nllb else None, beam_size=4
        )
        out: dict[int, str] = {}
        for seg, result in zip(segments, results, strict=True):
            tokens = [t for t in result.hypotheses[0] if t not in NLLB_CODES.values()]
            text = self._tgt.decode(tokens).strip()
            if text:
                out[seg.id] = text
        return out
