"""Gender detection from the first name (S15.5, seed 004 O): ``state/_gender.py``.

Polish, Hungarian and Czech first names, the account's name order 1 (first name first)
or 2 (second), case- and diacritics-insensitive lookups, a list entry winning over
the ``-a`` rule, ambiguous names ``unknown``; and the name lists shipped as package
data with their sources cited.
"""

from __future__ import annotations

from importlib import resources

import pytest
from hypothesis import given
from hypothesis import strategies as st

from salesmanago_emulator.state._gender import (
    FEMALE,
    LANGUAGES,
    MALE,
    UNKNOWN,
    detect_gender,
)

POLISH = [
    ("Anna", FEMALE),
    ("Małgorzata", FEMALE),
    ("Grażyna", FEMALE),
    ("Beatrycze", FEMALE),  # female without -a: on the list
    ("Noemi", FEMALE),
    ("Jan", MALE),
    ("Łukasz", MALE),
    ("Krzysztof", MALE),
    ("Wojciech", MALE),
    # the male names ending in -a: the list beats the rule
    ("Kuba", MALE),
    ("Barnaba", MALE),
    ("Bonawentura", MALE),
    ("Kosma", MALE),
    ("Jarema", MALE),
]
HUNGARIAN = [
    ("Erzsébet", FEMALE),
    ("Zsófia", FEMALE),
    ("Ildikó", FEMALE),
    ("Enikő", FEMALE),
    ("Tünde", FEMALE),  # female without -a
    ("László", MALE),
    ("István", MALE),
    ("Bence", MALE),
    ("Levente", MALE),
    ("Attila", MALE),  # male in -a
    ("Gyula", MALE),
    ("Csaba", MALE),
    ("Soma", MALE),
]
CZECH = [
    ("Kateřina", FEMALE),
    ("Lucie", FEMALE),  # -ie
    ("Marie", FEMALE),
    ("Dagmar", FEMALE),  # female without a vowel ending: on the list
    ("Jiří", MALE),
    ("Tomáš", MALE),
    ("Přemysl", MALE),
    ("Honza", MALE),  # male hypocorisms in -a
    ("Jirka", MALE),
    ("Ota", MALE),
    # used for both: unknown, the list beats the -a rule too
    ("Saša", UNKNOWN),
    ("Míla", UNKNOWN),
    ("Nikola", UNKNOWN),  # Polish female, Czech both: the lists disagree
    ("Robin", UNKNOWN),
]


@pytest.mark.parametrize(("first", "expected"), POLISH + HUNGARIAN + CZECH)
def test_s15_5_first_names_of_the_three_languages_in_both_name_orders(
    first: str, expected: str
) -> None:
    assert detect_gender(f"{first} Kowalski", name_order=1) == expected
    assert detect_gender(f"Kowalski {first}", name_order=2) == expected
    # the other order reads the surname: a surname on no list ending in a consonant
    assert detect_gender(f"{first} Nowak", name_order=2) == UNKNOWN


@pytest.mark.parametrize(
    ("field", "order", "expected"),
    [
        ("", 1, UNKNOWN),
        ("", 2, UNKNOWN),
        ("   \t ", 2, UNKNOWN),
        ("Anna", 1, FEMALE),  # one word: the first name whatever the order
        ("Anna", 2, FEMALE),
        ("Jan", 2, MALE),
        ("Anna Maria Nowak", 1, FEMALE),
        ("Nowak Jan Maria", 2, MALE),
        ("  Jan   Kowalski  ", 1, MALE),
        ("(Zsófia) Kiss", 1, FEMALE),  # punctuation around the word
        ("Jan, Kowalski", 1, MALE),
        ("Anna-Maria Nowak", 1, FEMALE),  # hyphenated: the first part
        ("Jan-Paweł Nowak", 1, MALE),
        ("- Nowak", 1, UNKNOWN),
        ("42 Nowak", 1, UNKNOWN),
        ("J. Nowak", 1, UNKNOWN),
    ],
)
def test_s15_5_the_first_name_is_the_word_the_name_order_says(
    field: str, order: int, expected: str
) -> None:
    assert detect_gender(field, name_order=order) == expected


@pytest.mark.parametrize(
    ("first", "expected"),
    [
        ("ANNA", FEMALE),
        ("jan", MALE),
        ("zSÓFiA", FEMALE),
        ("Lukas", MALE),  # Lukáš without its marks
        ("Lukasz", MALE),  # Łukasz: ł is no l with a mark, still folded
        ("Jiri", MALE),
        ("Zsofia", FEMALE),
        ("Erzsebet", FEMALE),
        ("Katerina", FEMALE),
        ("Ka\u0301roly", MALE),  # decomposed á
        ("KÁROLY", MALE),
        ("ATTıLA", MALE),  # a dotless i counts as i
    ],
)
def test_s15_5_case_and_diacritics_do_not_matter(first: str, expected: str) -> None:
    assert detect_gender(first, name_order=1) == expected


def test_s15_5_diacritics_decide_where_the_lists_need_them() -> None:
    """Polish ``Mira`` is female; Czech ``Míra`` is a man's or a woman's: the name as
    written is looked up first, so only the accented form is ambiguous."""
    assert detect_gender("Mira", name_order=1) == FEMALE
    assert detect_gender("Míra", name_order=1) == UNKNOWN
    assert detect_gender("MÍRA", name_order=1) == UNKNOWN


@pytest.mark.parametrize(
    ("first", "expected"),
    [
        ("Kowalska", FEMALE),  # a name on no list ending in -a
        ("Zbyszka", FEMALE),
        ("Amálie", FEMALE),
        ("Sylvie", FEMALE),  # Czech -ie, on no list
        ("Nowak", UNKNOWN),
        ("Xavier", UNKNOWN),
        ("A", UNKNOWN),
    ],
)
def test_s15_5_names_on_no_list_follow_the_ending_rule(first: str, expected: str) -> None:
    assert detect_gender(first, name_order=1) == expected


@pytest.mark.parametrize("order", [0, 3, -1, True])
def test_a_name_order_other_than_1_or_2_is_refused(order: int) -> None:
    with pytest.raises(ValueError, match="name_order must be 1 or 2"):
        detect_gender("Anna Nowak", name_order=order)


@given(st.text(), st.sampled_from([1, 2]))
def test_s15_5_detection_is_case_insensitive_and_never_raises(field: str, order: int) -> None:
    answer = detect_gender(field, name_order=order)
    assert answer in (FEMALE, MALE, UNKNOWN)
    assert detect_gender(field.upper(), name_order=order) == answer
    assert detect_gender(field.lower(), name_order=order) == answer
    assert detect_gender(field.swapcase(), name_order=order) == answer


@given(st.sampled_from(POLISH + HUNGARIAN + CZECH), st.text(alphabet=" \t\n", min_size=1))
def test_s15_5_white_space_around_and_between_the_words_does_not_matter(
    case: tuple[str, str], space: str
) -> None:
    first, expected = case
    assert detect_gender(f"{space}{first}{space}Nowak{space}", name_order=1) == expected


def _list(language: str) -> list[tuple[str, str]]:
    data = resources.files("salesmanago_emulator").joinpath("data")
    text = data.joinpath(f"first_names_{language}.txt").read_text(encoding="utf-8")
    return [
        (line.split("\t")[0], line.split("\t")[1])
        for line in text.splitlines()
        if line and not line.startswith("#")
    ]


@pytest.mark.parametrize("language", LANGUAGES)
def test_s15_5_the_shipped_lists_hold_several_hundred_names_with_their_sex(
    language: str,
) -> None:
    rows = _list(language)
    assert len(rows) >= 300
    assert {sex for _, sex in rows} <= {"F", "M", "U"}
    assert len({name for name, _ in rows}) == len(rows)  # each name once a list
    assert sum(sex == "F" for _, sex in rows) >= 140
    assert sum(sex == "M" for _, sex in rows) >= 140


@pytest.mark.parametrize(
    ("language", "cited"),
    [
        ("pl", "PESEL"),
        ("hu", "Magyar utónévjegyzék"),
        ("cs", "Ministerstvo vnitra"),
    ],
)
def test_s15_5_each_list_cites_its_source(language: str, cited: str) -> None:
    data = resources.files("salesmanago_emulator").joinpath("data")
    header = data.joinpath(f"first_names_{language}.txt").read_text(encoding="utf-8")
    assert cited in header.split("\n# Format")[0]
    readme = data.joinpath("FIRST_NAMES.md").read_text(encoding="utf-8")
    assert cited in readme


def test_s15_5_every_listed_name_answers_its_own_entry_unless_another_list_disagrees() -> None:
    """Each entry is reached: a name's answer is its sex, or ``unknown`` exactly when
    another entry with the same spelling says otherwise."""
    by_name: dict[str, set[str]] = {}
    for language in LANGUAGES:
        for name, sex in _list(language):
            by_name.setdefault(name.casefold(), set()).add(sex)
    sexes = {"F": FEMALE, "M": MALE, "U": UNKNOWN}
    for name, found in by_name.items():
        expected = sexes[next(iter(found))] if len(found) == 1 else UNKNOWN
        assert detect_gender(name, name_order=1) == expected, name
