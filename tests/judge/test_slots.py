"""Each slot rule on planted pairs, in both languages: the claim against a passage that states
the same thing with one slot changed (a difference), or with the slot left out (missing,
never a contradiction)."""

from __future__ import annotations

import pytest

from videobrief.judge import slots as S


def differences(claim: str, video: str) -> list[S.Difference]:
    return S.compare(S.slots(claim), S.slots(video), claim, [video])


def hard(claim: str, video: str) -> S.Difference | None:
    return next((d for d in differences(claim, video) if d.hard), None)


@pytest.mark.parametrize(
    ("claim", "video", "kind", "said"),
    [
        # months, in either language on either side
        ("The treaty entered into force in May.", "В марте вступил в силу договор.", "month",
         ("May", "March")),
        ("Договор вступил в силу в мае.", "В марте вступил в силу договор.", "month",
         ("May", "March")),
        ("The day is marked on 4 November.", "Этот день будет отмечаться 4 декабря.", "month",
         ("November", "December")),
        ("The day is marked on 4 December.", "The day will be marked on 4 November.", "month",
         ("December", "November")),
        # years
        ("The programme runs from 2024 to 2026.", "с 2004 по 2006 год", "year",
         ("2024, 2026", "2004, 2006")),
        ("Программа рассчитана на 2021–2023 годы.", "The programme covers 2024 to 2026.",
         "year", ("2021, 2023", "2024, 2026")),
        # numbers, with the unit they count
        ("The programme covers five years.", "эта программа охватывает три года", "number",
         ("five", "три")),
        ("Программа охватывает четыре года.", "The programme covers three years.", "number",
         ("четыре", "three")),
        ("The programme covers two years.", "эта программа охватывает три года", "number",
         ("two", "три")),
        ("It is marked on 14 December.", "Этот день будет отмечаться 4 декабря.", "number",
         ("14", "4")),
        # ordinals
        ("The third conference was held.", "прошла пятая конференция", "ordinal",
         ("third", "пятая")),
        ("Прошла третья конференция.", "The fifth conference was held.", "ordinal",
         ("третья", "fifth")),
        ("the 15th ministerial session", "16-й министерской сессии", "ordinal", ("15th", "16-й")),
        # direction
        ("Support for the resolution grew.", "существенное снижение поддержки резолюции",
         "direction", ("it grew", "it fell")),
        ("Поддержка резолюции выросла.", "Support for the resolution fell sharply.",
         "direction", ("it grew", "it fell")),
        ("Russia reduced cooperation with the south.", "наращиванию сотрудничества с югом",
         "direction", ("it fell", "it grew")),
        ("More than half of the states voted for it.", "проголосовало менее половины государств",
         "direction", ("a majority", "a minority")),
        ("Меньшинство государств проголосовало за неё.", "Most states voted for it.",
         "direction", ("a minority", "a majority")),
        # negation
        ("The treaty has not entered into force.", "В марте вступил в силу договор.",
         "negation", ("it did not happen", "it did")),
        ("Договор не вступил в силу.", "The treaty entered into force in March.", "negation",
         ("it did not happen", "it did")),
        ("The number can be called.", "The dialled number cannot be called.", "negation",
         ("it happened", "not called")),
        ("Номер может быть вызван.", "Набранный номер не может быть вызван.", "negation",
         ("it happened", "not может")),
        # the place where it happened
        ("The conference was held in Moscow.", "конференцию мы провели в Минске", "place",
         ("Moscow", "Минске")),
        ("Конференция прошла в Москве.", "The conference was held in Minsk.", "place",
         ("Москве", "Minsk")),
        ("The Minsk conference was held in Moscow.", "конференцию мы провели в Минске",
         "place", ("Moscow", "Минске")),
        # one party swapped for another of its kind
        ("Foreign ministers of Russia and China meet.", "Министры России и Белоруссии встречаются.",
         "place", ("China", "Белоруссии")),
        ("The CSTO, the CIS and NATO signed a roadmap.", "ОДКБ, СНГ и ШОС подписали дорожную карту",
         "organisation", ("NATO", "ШОС")),
    ],
)  # fmt: skip
def test_a_changed_slot_is_a_hard_difference(claim, video, kind, said):
    found = hard(claim, video)
    assert found is not None, differences(claim, video)
    assert found.kind == kind
    assert (found.claim, found.video) == said


@pytest.mark.parametrize(
    ("claim", "video"),
    [
        ("The treaty entered into force in March.", "В марте вступил в силу договор."),
        ("Договор вступил в силу в марте.", "The treaty entered into force in March."),
        ("The day is marked on 4 December.", "Этот день будет отмечаться 4 декабря."),
        ("The programme runs from 2004 to 2006.", "программа охватывает три года, с 2004 по 2006"),
        ("The programme covers three years.", "эта программа охватывает три года"),
        ("The third Minsk conference took place.", "третьей Минской международной конференции"),
        ("Support for the resolution fell.", "существенное снижение поддержки"),
        ("Less than half of the states voted for it.", "проголосовало менее половины государств"),
        ("Fewer than half of the members backed it.", "voted by less than half of the members"),
        ("The conference was held in Minsk.", "конференцию мы провели в Минске"),
        ("The plan is for the next year, 2026.", "план консультаций на следующий, 26-й год"),
        ("The treaty has not been signed.", "Договор не подписан."),
        ("It is not only fast but clear.", "Это не только быстро, но и ясно."),
    ],
)  # fmt: skip
def test_the_same_slot_is_no_difference(claim, video):
    assert differences(claim, video) == []


def test_a_negation_the_rules_cannot_place_is_a_soft_difference():
    """Across scripts the rules cannot tell what the video negates: only the vote may make it
    a contradiction."""
    (found,) = differences("The number can be called.", "Набранный номер не может быть вызван.")
    assert (found.kind, found.hard) == ("negation", False)


def test_a_name_missing_from_one_side_is_not_a_contradiction():
    # The claim names Lavrov, the passage names nobody: missing, never a difference.
    claim = "Lavrov said the treaty entered into force in March."
    video = "В марте вступил в силу договор о гарантиях безопасности."
    assert differences(claim, video) == []
    assert S.missing(S.slots(claim), S.slots(video), [video]) == ["Lavrov"]
    # The passage names a place the claim does not: nothing missing, nothing different.
    claim = "The treaty entered into force in March."
    video = "В марте в Москве вступил в силу договор."
    assert differences(claim, video) == []
    assert S.missing(S.slots(claim), S.slots(video), [video]) == []


def test_the_two_ministries_is_not_a_number_to_find():
    claim = "The two ministries coordinated their approaches to international legal cooperation."
    video = "подразделения наших министерств координировали подходы к вопросам сотрудничества"
    assert differences(claim, video) == []
    assert S.missing(S.slots(claim), S.slots(video), [video]) == []


def test_the_videos_own_name_pairs_bridge_spellings():
    video = "государственный секретарь нашего объединения Сергеевич Глазьев поддержит идею"
    assert S.name_found("Glazyev", [video])
    assert not S.name_found("Medvedev", [video])
    assert S.name_found("Hlaziev", [video], pairs=[("Глазьев", "Hlaziev")])


def test_the_difference_reads_as_the_issue_asks():
    d = hard("The day is marked on 4 November.", "Этот день будет отмечаться 4 декабря.")
    assert d is not None
    assert d.describe("07:39") == "the claim says November; the video says December (07:39)"


def test_a_short_english_name_finds_its_russian_form():
    """ "the Security Council" is «Совете Безопасности», not a swapped organisation."""
    claim = "The representatives circulated it in the Security Council and the General Assembly."
    video = "наши представители распространили ее в Совете Безопасности и на Генеральной Ассамблее"
    assert differences(claim, video) == []
    assert S.missing(S.slots(claim), S.slots(video), [video]) == []
