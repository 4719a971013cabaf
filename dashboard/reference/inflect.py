"""Russian case forms of region and country names, for generated sentences.

pymorphy3 inflects single words and answers in lower case, so a name is
handled as a phrase: only its head phrase (the adjectives agreeing with the
head noun, and the head noun) changes case; dependent words ("Америки" in
"Соединённые Штаты Америки", "Татарстан" in "Республика Татарстан") stay as
written, and the capitals of the input are put back.
"""

from __future__ import annotations

import re
from functools import cache

import pymorphy3

CASES = frozenset({"nomn", "gent", "datv", "accs", "ablt", "loct"})
"""pymorphy case tags accepted by inflect()."""

_DASH = re.compile(r"(\s+[—–-]\s+)")
_CONJUNCT = re.compile(r"(,\s+|\s+и\s+)")
_SPACE = re.compile(r"(\s+)")
_EDGE_PUNCT = "()«»\"'.,;:"
_VOWELS_INDECLINABLE = tuple("оеиуюэё")
_CONSONANTS = frozenset("бвгджзйклмнпрстфхцчшщьъ")

# Islands (and names headed by "остров(а)") take "на" rather than "в" by usage.
_NA_NAMES = frozenset(
    {
        "Куба", "Кипр", "Мальта", "Ямайка", "Гаити", "Маврикий", "Мадагаскар", "Шри-Ланка",
        "Филиппины", "Багамы", "Мальдивы", "Сейшелы", "Барбадос", "Фиджи", "Гренада",
        "Доминика", "Тайвань", "Сахалин",
    }
)


@cache
def _morph() -> pymorphy3.MorphAnalyzer:
    """The shared analyser, built on first use (loading its dictionary takes a moment)."""
    return pymorphy3.MorphAnalyzer()


def _restore_case(original: str, inflected: str) -> str:
    """Copy the capitals of ``original`` onto ``inflected``; keep its choice of е or ё."""
    if "ё" not in original.lower():
        # The dictionary writes ё; a name typed with е keeps е.
        inflected = inflected.replace("ё", "е")
    old_parts, new_parts = original.split("-"), inflected.split("-")
    if len(old_parts) != len(new_parts):
        old_parts, new_parts = [original], [inflected]
    # Part by part, so "Гвинея-Бисау" -> "Гвинеей-Бисау" keeps the capital after the hyphen.
    return "-".join(
        "".join(ch.upper() if i < len(old) and old[i].isupper() else ch for i, ch in enumerate(new))
        for old, new in zip(old_parts, new_parts, strict=True)
    )


def _is_fixed(word: str, parse: pymorphy3.analyzer.Parse | None) -> bool:
    """True for words that do not decline: abbreviations, Fixd nouns, unknown foreign vowels."""
    if len(word) > 1 and word.isupper():
        return True
    if parse is not None and "Fixd" in parse.tag:
        return True
    # An unknown foreign name ending in a vowel other than а/я (Кирибати, Тувалу) is
    # indeclinable; pymorphy's guesser would otherwise invent a plural for it.
    last = word.lower().rsplit("-", 1)[-1]
    return not _morph().word_is_known(word.lower()) and last.endswith(_VOWELS_INDECLINABLE)


def _noun_parse(word: str) -> pymorphy3.analyzer.Parse | None:
    """The most plausible nominative noun reading of a name word (place names first)."""
    parses = [p for p in _morph().parse(word) if p.tag.POS == "NOUN" and p.tag.case == "nomn"]
    if not parses:
        return None
    # "Того" is far more often the pronoun, so rank by Geox and inanimacy before score.
    return max(parses, key=lambda p: ("Geox" in p.tag, p.tag.animacy == "inan", p.score))


def _adjective_parses(word: str) -> list[pymorphy3.analyzer.Parse]:
    """Nominative adjective-like readings of a word.

    Plural possessives such as "Каймановы" are in the dictionary only as
    surnames, which decline like the adjective they are in "Каймановы острова".
    """
    return [
        p for p in _morph().parse(word)
        if p.tag.case == "nomn"
        and (
            p.tag.POS in ("ADJF", "PRTF")
            or ("Surn" in p.tag and p.tag.number == "plur" and word.endswith("ы"))
        )
    ]


def _agreeing(
    parses: list[pymorphy3.analyzer.Parse], head: pymorphy3.analyzer.Parse
) -> pymorphy3.analyzer.Parse | None:
    """The adjective reading that agrees with the head noun in number (and gender)."""
    for p in parses:
        if p.tag.number != head.tag.number:
            continue
        if head.tag.number == "sing" and head.tag.gender not in (None, p.tag.gender):
            continue
        return p
    return None


def _inflect_adjective(
    parse: pymorphy3.analyzer.Parse, case: str, head: pymorphy3.analyzer.Parse
) -> str | None:
    """The adjective in ``case``; the accusative follows the head's animacy."""
    if case == "accs" and head.tag.animacy == "inan" and (
        head.tag.number == "plur" or head.tag.gender in ("masc", "neut")
    ):
        return parse.word  # inanimate accusative = nominative (surname readings disagree)
    if case == "accs" and (head.tag.number == "plur" or head.tag.gender == "masc"):
        form = parse.inflect({"accs", "anim"}) or parse.inflect({"accs"})
    else:
        form = parse.inflect({case})
    return form.word if form else None


def _split_token(token: str) -> tuple[str, str, str]:
    """Split surrounding punctuation off a token: "(Якутия)" -> ("(", "Якутия", ")")."""
    core = token.strip(_EDGE_PUNCT)
    if not core:
        return token, "", ""
    start = token.index(core)
    return token[:start], core, token[start + len(core):]


def _inflect_phrase(phrase: str, case: str) -> tuple[str, bool]:
    """Inflect a nominative noun phrase; return it and whether it had no dependent tail.

    A phrase that does not start with [adjectives] + noun in the nominative is
    returned unchanged with False, so the caller leaves what follows alone too.
    """
    parts = _SPACE.split(phrase)
    words = parts[::2]
    if not words or not words[0]:
        return phrase, False
    cores = [_split_token(w)[1] for w in words]

    head_at = None
    for i, core in enumerate(cores):
        if not core:
            return phrase, False
        noun = _noun_parse(core)
        adjectives = _adjective_parses(core)
        is_last = i == len(cores) - 1
        # "Тверская" is also a street (a Geox noun): before another nominative word,
        # a word that can be an adjective is one.
        if adjectives and not is_last and (
            _noun_parse(cores[i + 1]) or _adjective_parses(cores[i + 1])
        ):
            continue
        if noun is None and not _is_fixed(core, None):
            return phrase, False
        head_at = i
        break
    if head_at is None:
        return phrase, False

    head_core = cores[head_at]
    head = _noun_parse(head_core)
    new_cores = list(cores)
    if head is None or _is_fixed(head_core, head):
        if head_at > 0 and head is None:
            return phrase, False  # adjectives cannot agree with an unknown head
    else:
        form = head.inflect({case})
        if form is None:
            return phrase, False
        new_cores[head_at] = _restore_case(head_core, form.word)
    if head is not None:
        for i in range(head_at):
            adjective = _agreeing(_adjective_parses(cores[i]), head)
            word = _inflect_adjective(adjective, case, head) if adjective else None
            if word is None:
                return phrase, False
            new_cores[i] = _restore_case(cores[i], word)

    out = list(parts)
    for i, word in enumerate(words):
        before, core, after = _split_token(word)
        out[2 * i] = before + new_cores[i] + after if core else word
    return "".join(out), head_at == len(words) - 1


def _inflect_segment(segment: str, case: str) -> tuple[str, bool]:
    """Inflect conjuncts ("Босния и Герцеговина") while each one is a full phrase."""
    pieces = _CONJUNCT.split(segment)
    result = list(pieces)
    consumed = False
    for i in range(0, len(pieces), 2):
        result[i], consumed = _inflect_phrase(pieces[i], case)
        if not consumed:
            # A dependent tail ("… Великобритании и Северной Ирландии") swallows the rest.
            break
    return "".join(result), consumed


def inflect(name: str, case: str) -> str:
    """The name in a pymorphy case (gent, datv, accs, ablt, loct); unknown forms stay as given."""
    if case not in CASES:
        raise ValueError(f"case must be one of {', '.join(sorted(CASES))}, not {case!r}")
    stripped = name.strip()
    if case == "nomn" or not stripped:
        return name
    if stripped != name:
        start = name.index(stripped)
        return name[:start] + inflect(stripped, case) + name[start + len(stripped):]
    pieces = _DASH.split(name)
    result = list(pieces)
    for i in range(0, len(pieces), 2):
        # "Ханты-Мансийский автономный округ — Югра": the part after the dash is an
        # apposition and agrees; after "Республика Северная Осетия" it is part of the name.
        result[i], consumed = _inflect_segment(pieces[i], case)
        if not consumed:
            break
    return "".join(result)


def _takes_o(word: str, letters: str) -> bool:
    """True when a preposition gains -о before ``word`` (со Швецией, во Франции)."""
    first = word.split(" ", 1)[0]
    if len(first) > 1 and first.isupper():
        return False  # abbreviations are read letter by letter: "с США", "в ФРГ"
    w = word.lower()
    return len(w) > 1 and w[0] in letters and w[1] in _CONSONANTS


def with_preposition_s(name: str) -> str:
    """The name after "с" in the instrumental: "с Казахстаном", "со Швецией"."""
    form = inflect(name, "ablt")
    return f"{'со' if _takes_o(form, 'сзшжщ') else 'с'} {form}"


def v_preposition(name: str) -> str:
    """The name after "в" in the locative: "в Казахстане", "во Франции" (islands: "на Кубе")."""
    form = inflect(name, "loct")
    first = name.split(" ", 1)[0].lower()
    if name in _NA_NAMES or first in ("остров", "острова") or " острова" in name.lower():
        return f"на {form}"
    return f"{'во' if _takes_o(form, 'вф') else 'в'} {form}"
