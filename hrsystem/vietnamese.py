"""Vietnamese alphabetical order of people's names, as official lists sort them.

A list sorts by the given name (the last word), then by the rest of the name in written
order, letter by letter in the Vietnamese alphabet (a ă â b c d đ e ê g h i k l m n o ô
ơ p q r s t u ư v x y; f j w z of foreign names where Latin puts them); tone marks
only break ties, in the order ngang, huyền, sắc, hỏi, ngã, nặng. `name_sort_key` turns
a name into a string of digits that sorts that way byte by byte, so a database orders
it the same under any collation.
"""

import unicodedata
from functools import lru_cache

ALPHABET = "aăâbcdđeêfghijklmnoôơpqrstuưvwxyz"
TONES = {"\u0300": 1, "\u0301": 2, "\u0309": 3, "\u0303": 4, "\u0323": 5}
"""Combining tone marks: huyền, sắc, hỏi, ngã, nặng (ngang, no mark, is 0)."""
PART_BREAK, WORD_BREAK = "00", "01"
"""Codes below every letter and digit: a shorter name sorts before a longer one."""
MAX_LENGTH = 600


def _code(letter: str) -> str | None:
    """Two digits for a letter (20 and up) or a digit (10–19); None for anything else."""
    if letter.isdigit() and letter.isascii():
        return f"1{letter}"
    index = ALPHABET.find(letter)
    return f"{20 + index}" if index >= 0 else None


@lru_cache(maxsize=65536)
def _spell(word: str) -> tuple[tuple[str, int], ...]:
    """The word's letters as (code, tone), marks split from their letter (cached: names
    repeat their words, and a province's first load spells 50,000 of them)."""
    spelled = []
    for char in unicodedata.normalize("NFC", word.lower()):
        base, *marks = unicodedata.normalize("NFD", char)
        tone = next((TONES[mark] for mark in marks if mark in TONES), 0)
        shape = unicodedata.normalize("NFC", base + "".join(m for m in marks if m not in TONES))
        code = _code(shape) or _code(base)
        if code is not None:
            spelled.append((code, tone))
    return tuple(spelled)


def name_sort_key(full_name: str) -> str:
    """A key ordering names by given name, then the rest, in Vietnamese alphabetical order,
    tone marks breaking ties ("Trần Văn An" < "Lê Thị Bình"; "Ngô" < "Nguyễn" < "Đào")."""
    words = [spelled for spelled in map(_spell, full_name.split()) if spelled]
    if not words:
        return ""
    given, rest = words[-1], words[:-1]
    letters = "".join(code for code, _tone in given) + PART_BREAK
    letters += WORD_BREAK.join("".join(code for code, _tone in word) for word in rest)
    tones = "".join(str(tone) for word in (given, *rest) for _code, tone in word)
    return f"{letters}{PART_BREAK}{tones}"[:MAX_LENGTH]
