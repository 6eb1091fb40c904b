"""The grounded brief: extractive default, grounding check, minimal transcripts, English track."""

from __future__ import annotations

import re

import pytest
from pydantic import ValidationError

from tests import shared_data
from videobrief.records import Brief, Claim, Quote, Segment, Transcript
from videobrief.stages.brief.compose import make_brief
from videobrief.stages.brief.grounding import check_claim, check_quote
from videobrief.stages.brief.index import build_index
from videobrief.stages.brief.options import BriefOptions
from videobrief.stages.imports.formats import import_transcript
from videobrief.text.names import Evidence
from videobrief.text.sentences import numbers, sentence_units, trim_fillers

VID = "b" * 64


@pytest.fixture(scope="module")
def seed(request) -> Transcript:
    return import_transcript(shared_data.seed_page(), VID)


@pytest.fixture(scope="module")
def seed_index(seed):
    return build_index(seed)


@pytest.fixture(scope="module")
def seed_brief(seed) -> Brief:
    return make_brief(seed)


def _seg_with(t: Transcript, needle: str) -> int:
    return next(s.id for s in t.segments if needle in s.text)


def test_every_claim_cites_existing_segments(seed, seed_brief):
    ids = {s.id for s in seed.segments}
    assert seed_brief.headline is not None
    assert seed_brief.lede and seed_brief.points
    for claim in seed_brief.claims:
        assert claim.citations, claim
        assert set(claim.citations) <= ids
        assert claim.times == tuple(seed.segments[i].start for i in claim.citations)
    for quote in seed_brief.quotes:
        assert set(quote.segment_ids) <= ids


def test_seed_brief_says_only_what_the_transcript_says(seed, seed_brief):
    text = " ".join(c.text for c in seed_brief.claims) + " ".join(q.text for q in seed_brief.quotes)
    lowered = text.lower()
    for absent in ("root cause", "ukrain", "украин", "корен", "eradicat", "искорен"):
        assert absent not in lowered
    # The description says these things; the transcript does not.
    assert "root causes" in (seed.description or "")


def test_seed_brief_is_in_the_transcripts_language_with_unknown_speakers(seed_brief):
    assert seed_brief.language == "ru"
    assert seed_brief.backend == "extractive"
    assert seed_brief.rejected == ()  # its own sentences pass its own check
    assert seed_brief.quotes
    assert all(q.speaker is None for q in seed_brief.quotes)


def test_quotes_are_verbatim(seed, seed_brief):
    for quote in seed_brief.quotes:
        original = " ".join(seed.segments[i].text for i in quote.segment_ids)
        assert quote.text in original
        assert quote.start == seed.segments[quote.segment_ids[0]].start
        assert quote.end == seed.segments[quote.segment_ids[-1]].end


def test_lede_and_points_are_the_speakers_words_minus_fillers(seed, seed_brief):
    full = re.sub(r"\s+", " ", " ".join(s.text for s in seed.segments)).lower()
    for claim in [*seed_brief.lede, *seed_brief.points]:
        assert claim.text.lower().rstrip(".") in full


def test_claim_without_citations_is_impossible():
    with pytest.raises(ValidationError):
        Claim(text="Something happened.", citations=())
    with pytest.raises(ValidationError):
        Claim(text="Something happened.", citations=(-1,))


@pytest.mark.parametrize(
    ("text", "needle", "reason"),
    [
        (
            "Этот день будет отмечаться 5 декабря каждый год.",
            "4 декабря",
            "number not in original: 5",
        ),
        (
            "Этот день будет отмечаться 14 декабря каждый год.",
            "4 декабря",
            "number not in original: 14",
        ),
        (
            "Лавров заявил, что этот день будет отмечаться 4 декабря.",
            "4 декабря",
            "name not in original: Лавров",
        ),
        (
            "Belarus backs Russia's approach to Ukraine.",
            "Президентами Белоруссии",
            "name not in original: Ukraine",
        ),
        (
            "Путин поблагодарил белорусских союзников.",
            "признательность белорусским",
            "name not in original: Путин",
        ),
        (
            "Белоруссия поддерживает подход России к урегулированию украинского кризиса и "
            "полному искоренению его первопричин.",
            "Президентами Белоруссии",
            "most of its words",
        ),
        ("Погода в городе всю неделю была солнечной и теплой.", "4 декабря", "most of its words"),
        ("Belarus and Russia created a framework of cooperation.", "Президентами", "language (ru)"),
        (
            "Этот день будет отмечаться 4 декабря каждый год.",
            "Сегодня мы подводим",
            "number not in original: 4",
        ),
    ],
)
def test_planted_unsupported_claims_are_rejected(seed, seed_index, text, needle, reason):
    claim = Claim(text=text, citations=(_seg_with(seed, needle),))
    verdict = check_claim(claim, seed_index)
    assert verdict is not None and reason in verdict, verdict


@pytest.mark.parametrize(
    ("text", "needle"),
    [
        ("Этот день будет отмечаться 4 декабря каждый год.", "4 декабря"),
        ("Президенты Белоруссии и России создали каркас сотрудничества.", "Президентами"),
        ("Стартовала работа спецпредставителей России и Белоруссии Грушко и Секреты.", "Грушко"),
        ("Генеральная Ассамблея ООН учредила день борьбы с односторонними мерами.", "в июне"),
    ],
)
def test_supported_paraphrases_pass(seed, seed_index, text, needle):
    claim = Claim(text=text, citations=(_seg_with(seed, needle),))
    assert check_claim(claim, seed_index) is None


def test_english_claims_are_checked_across_scripts_against_an_english_track():
    t = _transcript(
        "Стартовала работа спецпредставителей России и Белоруссии, заместителей министров "
        "Грушко и Секреты.",
        "Генеральная Ассамблея ООН в июне приняла резолюцию.",
        english=("The work of special envoys of Russia and Belarus began.", "The UN adopted it."),
    )
    index = build_index(t)
    assert index.language == "en"
    # "Grushko" is only in the Russian original: found across scripts.
    good = Claim(text="Special envoys of Russia and Belarus, Grushko and Sekreta, began work.",
                 citations=(0,))  # fmt: skip
    assert check_claim(good, index) is None
    bad = Claim(text="Special envoys of Russia and Ukraine began work.", citations=(0,))
    assert "name not in original: Ukraine" in (check_claim(bad, index) or "")
    assembly = Claim(text="The UN General Assembly adopted a resolution in June.", citations=(1,))
    assert check_claim(assembly, index) is None


def test_claim_citing_a_missing_segment_is_rejected(seed_index):
    reason = check_claim(Claim(text="Спасибо за внимание.", citations=(999,)), seed_index)
    assert reason and "999" in reason


def test_invented_quote_is_rejected(seed, seed_index):
    sid = _seg_with(seed, "4 декабря")
    seg = seed.segments[sid]
    good = Quote(text=seg.text, start=seg.start, end=seg.end, segment_ids=(sid,))
    bad = good.model_copy(update={"text": "Этот день будет отмечаться 5 декабря каждый год."})
    assert check_quote(good, seed_index) is None
    assert "verbatim" in (check_quote(bad, seed_index) or "")


def test_names_match_across_scripts_and_case_endings():
    ev = Evidence("Встреча с Лавровым прошла в Минске; ООН и Белоруссия.")
    for name in ("Lavrov", "Лавров", "Minsk", "UN", "Belarus", "Беларусь"):
        assert ev.has_name(name), name
    for name in ("Ukraine", "Putin", "Moscow"):
        assert not ev.has_name(name), name


def test_numbers_and_fillers():
    assert numbers("в 21 веке, 1,5 процента, три года, 2,000 tons") == {21, 1.5, 3, 2000}
    assert trim_fillers("И, прежде всего, хотел бы выразить признательность.") == (
        "Хотел бы выразить признательность."
    )
    assert trim_fillers("Ну и, конечно же, сюда же будут включены наши отношения.") == (
        "Сюда же будут включены наши отношения."
    )


def test_sentences_are_rebuilt_across_segments_with_all_their_ids(seed):
    units = sentence_units(list(seed.segments), "ru")
    joined = next(u for u in units if "Лукашенко" in u.text)
    assert len(joined.segment_ids) == 2
    assert joined.text.endswith("веке.")


def _transcript(
    *texts: str, lang: str = "ru", english: tuple[str, ...] = (), source: str | None = None
) -> Transcript:
    segs = tuple(
        Segment(
            id=i,
            start=10.0 * i,
            end=10.0 * i + 9,
            text=t,
            lang=lang,
            english=english[i] if i < len(english) else None,
            english_source=source if i < len(english) else None,
        )
        for i, t in enumerate(texts)
    )
    return Transcript(id=VID, source="x", duration=10.0 * len(texts), segments=segs)


def test_empty_transcript_gives_an_honest_empty_brief():
    brief = make_brief(Transcript(id=VID, source="x", duration=0.0))
    assert brief.headline is None and brief.lede == () and brief.points == ()
    assert brief.notes and "nothing to brief" in brief.notes[0]


def test_one_segment_transcript_gives_a_minimal_brief():
    brief = make_brief(_transcript("Министр иностранных дел России прибыл в Минск 26 сентября."))
    assert brief.headline is not None
    assert brief.headline.citations == (0,)
    assert [c.citations for c in brief.lede] == [(0,)]
    assert brief.points == ()
    assert any("single sentence" in n for n in brief.notes)
    assert brief.rejected == ()


def test_english_track_makes_an_english_brief_with_original_quotes():
    ru = (
        "Сегодня министры России и Белоруссии встретились в Минске.",
        "Они подписали план консультаций на 2026 год.",
        "Генеральная Ассамблея ООН учредила Международный день 4 декабря.",
        "Мы будем укреплять безопасность в Евразии вместе с нашими партнерами.",
    )
    en = (
        "Today the ministers of Russia and Belarus met in Minsk.",
        "They signed a plan of consultations for 2026.",
        "The UN General Assembly established an International Day on 4 December.",
        "We will strengthen security in Eurasia together with our partners.",
    )
    brief = make_brief(_transcript(*ru, english=en), BriefOptions(max_quotes=1))
    assert brief.language == "en"
    assert brief.rejected == ()
    for claim in brief.claims:
        assert re.search(r"[A-Za-z]", claim.text) and not re.search(r"[А-Яа-я]", claim.text)
    for quote in brief.quotes:
        assert quote.text in ru and quote.english in en
    assert not any("machine English track" in n for n in brief.notes)  # source unknown here

    translated = make_brief(_transcript(*ru, english=en, source="speech-translate"))
    assert [n for n in translated.notes if "machine English track" in n] == [
        "Statements citing non-English speech come from its machine English track (Whisper "
        "speech-translate: the gist, not a faithful translation); check them against the "
        "original beside it."
    ]


def test_points_and_quotes_do_not_repeat_each_other(seed_brief):
    assert len(seed_brief.points) <= BriefOptions().max_points
    assert len(seed_brief.quotes) <= BriefOptions().max_quotes
    said = [c.citations for c in [*seed_brief.lede, *seed_brief.points]]
    assert len(said) == len(set(said))
    assert not {q.segment_ids for q in seed_brief.quotes} & set(said)


# The demo's lines (its English speech, and its Russian with validated English), plus a
# near-duplicate (to be said once at most) and a speech-translate gist (never the headline).
DEMO_LINES = (
    (
        "Good afternoon. Foreign ministers of Russia and Belarus meet in Moscow for their "
        "annual talks.",
        "en", None, None,
    ),
    (
        "Хотел бы выразить признательность белорусским союзникам за неизменное внимание и "
        "поддержку.",
        "ru", "I would like to express my gratitude to our Belarusian allies for their constant "
        "attention and support.", "llm-bundled",
    ),
    (
        "Добрый день, министры иностранных дел России и Беларуси встречаются в Москве.",
        "ru", "Good afternoon, foreign ministers of Russia and Belarus meet in Moscow.",
        "llm-bundled",
    ),
    (
        "Сегодня мы подводим итоги уходящего года.",
        "ru", "We are going to the next year.", "speech-translate",
    ),
    (
        "Эта программа сейчас охватывает три года, с 2024 по 2026 год.",
        "ru", "This program now covers three years, from 2024 to 2026.", "llm-bundled",
    ),
    (
        "Мы интенсивно сотрудничали на площадках Евразийского экономического союза, СНГ и ШОС.",
        "ru", "We cooperated intensively on the platforms of the Eurasian Economic Union, the "
        "CIS and the SCO.", "llm-bundled",
    ),
)  # fmt: skip


def test_demo_brief_has_a_news_headline_and_says_nothing_twice():
    from videobrief.text.sentences import near_duplicate

    segs = tuple(
        Segment(id=i, start=i * 10.0, end=i * 10.0 + 9, text=t, lang=lang, english=en,
                english_source=src)
        for i, (t, lang, en, src) in enumerate(DEMO_LINES)
    )  # fmt: skip
    t = Transcript(id=VID, source="demo", duration=60.0, segments=segs)
    brief = make_brief(t)
    assert brief.headline is not None
    headline = brief.headline.text
    assert not re.search(r"afternoon|gratitude|next year", headline, re.I), headline
    assert 3 not in brief.headline.citations  # the speech-translate gist
    assert re.search(r"Russia|Belarus|Moscow|Eurasian|CIS|SCO", headline), headline
    said = [brief.headline, *brief.lede, *brief.points]
    texts = [c.text for c in said]
    assert not any(re.match(r"good afternoon", x, re.I) for x in texts), texts
    from videobrief.models import embeddings

    vecs = embeddings.embed(texts)
    for a in range(len(texts)):
        for b in range(a + 1, len(texts)):
            cos = float(vecs[a] @ vecs[b])
            assert not near_duplicate(texts[a], texts[b], cos), (texts[a], texts[b], cos)
    assert all(c.times for c in said)
