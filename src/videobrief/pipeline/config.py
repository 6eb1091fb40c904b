"""One way to build a `RunConfig` from a user's choices, shared by `videobrief run` and the
web worker, so the same bytes with the same settings get the same stage keys (and are reused)
whichever door they came in by. Options a stage does not use are normalised away here: the
English stage's LLM fields only count when it translates with the LLM.
"""

from __future__ import annotations

import os
from pathlib import Path

import platformdirs

from videobrief.errors import BadInput
from videobrief.media import MAX_SECONDS
from videobrief.pipeline.process import RunConfig
from videobrief.stages.brief.options import BriefOptions
from videobrief.stages.check.options import JUDGES, CheckOptions
from videobrief.stages.english.options import BACKENDS, EnglishOptions
from videobrief.stages.speakers.options import SpeakersOptions
from videobrief.stages.speech.options import SpeechOptions

ENV_LLM_URL = "VIDEOBRIEF_LLM_URL"
ENV_LLM_MODEL = "VIDEOBRIEF_LLM_MODEL"
ENV_CACHE_DIR = "VIDEOBRIEF_CACHE_DIR"


def model_cache_dir() -> Path:
    """Where the bundled models are unpacked: `VIDEOBRIEF_CACHE_DIR`, else the user's cache
    folder (platformdirs; `~/.cache/videobrief` on Linux).

    One folder for every data folder: the models depend on the installed packages, not on the
    archive, so a second `--data-dir` must not join another 1.1 GB translation model and copy
    Whisper again. The loaders write through a temporary name and `os.replace`, so processes
    sharing it never read a half-written model.
    """
    env = os.environ.get(ENV_CACHE_DIR)
    return Path(env) if env else Path(platformdirs.user_cache_dir("videobrief"))


def whisper_languages() -> frozenset[str]:
    """Language codes Whisper knows (from faster-whisper's tokenizer, no model load)."""
    from faster_whisper.tokenizer import _LANGUAGE_CODES

    return frozenset(_LANGUAGE_CODES)


def check_language(code: str) -> str:
    """`code` lower-cased if Whisper knows it; BadInput naming a few valid ones otherwise."""
    wanted = code.strip().lower()
    if wanted not in whisper_languages():
        raise BadInput(
            f"unknown language {code!r}: give a Whisper language code such as ru, en, uk, de"
        )
    return wanted


def build_config(
    data_dir: Path,
    cache_dir: Path,
    *,
    model: str = "base",
    language: str | None = None,
    languages: tuple[str, ...] | None = None,
    glossary: tuple = (),
    translate: str = "llm-bundled",
    mt_model: str | None = None,
    llm_url: str | None = None,
    llm_model: str | None = None,
    threads: int = 2,
    speakers: int | None = None,
    speaker_encoder: str = "campp",
    voices: tuple = (),
    max_seconds: float = MAX_SECONDS,
    keep_empty: bool = False,
    judge: str = "llm-bundled",
) -> RunConfig:
    """A validated RunConfig (raises BadInput before any work is done).

    `voices` are the known voices the caller read from the store (`store.known_voices`), so a
    new voice changes the speakers stage's key.
    """
    language = check_language(language) if language else None
    languages = tuple(check_language(c) for c in languages) if languages else None
    if translate not in BACKENDS:
        raise BadInput(f"unknown --translate {translate!r}: one of {', '.join(BACKENDS)}")
    if translate == "mt" and not mt_model:
        raise BadInput("--translate mt needs --mt-model (a CTranslate2 model folder)")
    if translate == "llm" and not llm_url:
        raise BadInput("--translate llm needs --llm-url")
    if judge not in JUDGES:
        raise BadInput(f"unknown --judge {judge!r}: one of {', '.join(JUDGES)}")
    if speakers is not None and speakers < 1:
        raise BadInput("--speakers must be at least 1")
    if not max_seconds > 0:
        raise BadInput("--max-duration must be a positive length")
    llm_model = llm_model or "default"
    uses_llm = translate == "llm"
    english = EnglishOptions(
        backend=translate,
        mt_model=mt_model if translate == "mt" else None,
        llm_url=llm_url if uses_llm else None,
        llm_model=llm_model if uses_llm else None,
        glossary=glossary,
    )
    return RunConfig(
        data_dir=data_dir,
        cache_dir=cache_dir,
        speech=SpeechOptions(
            model=model, language=language, languages=languages, glossary=glossary
        ),
        english=english,
        cpu_threads=threads,
        brief=BriefOptions(llm_url=llm_url, llm_model=llm_model, glossary=glossary),
        options={
            "speakers": SpeakersOptions(
                encoder=speaker_encoder, speakers=speakers, voices=tuple(voices)
            ),
            "check": _check_options(judge, llm_url, llm_model),
        },
        max_seconds=max_seconds,
        keep_empty=keep_empty,
    )


def _check_options(judge: str, llm_url: str | None, llm_model: str) -> CheckOptions:
    """The description check's judge; the endpoint only counts when the judge votes."""
    if judge == "rules" or not llm_url:
        return CheckOptions(judge=judge)
    return CheckOptions(judge=judge, llm_url=llm_url, llm_model=llm_model)


def env_llm() -> tuple[str | None, str | None]:
    """The LLM the CLI would use by default (its --llm-url/--llm-model read the same env)."""
    return os.environ.get(ENV_LLM_URL) or None, os.environ.get(ENV_LLM_MODEL) or None
