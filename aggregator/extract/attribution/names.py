"""Whether a short string is a person's name, and finding one after an author label."""

from __future__ import annotations

import re

from aggregator.extract.attribution.phrases import AUTHOR_CONJUNCTIONS, COMMON_WORDS, NAME_PARTICLES, NAME_STOPPERS

MAX_NAME_WORDS = 5
MAX_AUTHORS = 3
# A byline may list more: "av Gustaf Arrhenius, Krister Bykvist, Rebecca Stern och Folke Tersman".
MAX_LISTED_AUTHORS = 6
# Two elements run together without a space: "Meg JamesStaff Writer", "Jane DoeFOX News". A capital
# after at least four lower-case letters ends the name; "McDonald", "DeArdo", "MacKenzie" stay whole.
_RUN_TOGETHER_RE = re.compile(r"(?<=[^\W\d_]{3})(?<=[^\W\d_A-ZÀ-ÖØ-Þ])(?=[A-ZÀ-ÖØ-Þ])")
_WORD_START_RE = re.compile(r"\w+$")
_CONJUNCTION_RE = re.compile(
    r"\s+(?:" + "|".join(re.escape(word) for word in AUTHOR_CONJUNCTIONS) + r")\s+", re.IGNORECASE
)
# Between the names of a list: "A and B", "A, B and C", "A, B, and C".
_NAME_LIST_SEPARATOR_RE = re.compile(
    r"\s*,\s*(?:(?:" + "|".join(re.escape(word) for word in AUTHOR_CONJUNCTIONS) + r")\s+)?|"
    + _CONJUNCTION_RE.pattern,
    re.IGNORECASE,
)
# An initial or a short abbreviation inside a name: "J.", "J.-P.", "Jr.", "St.".
_ABBREVIATION_RE = re.compile(r"^(?:\w{1,2}\.)(?:-?\w\.)*$")
_WORD_RE = re.compile(r"^[@\w][\w'’\-.]*$")


def _is_name_word(word: str, *, strict: bool) -> bool:
    if any(char.isdigit() for char in word) or not _WORD_RE.match(word):
        return False
    if "." in word and not _ABBREVIATION_RE.match(word) and not _INITIAL_END_RE.search(word):
        return False
    if word.casefold().rstrip(".") in COMMON_WORDS and not (word.endswith(".") and len(word) <= 3):
        return False
    # Without a colon after the label ("By Jane Doe"), a name is capitalised: this is what
    # separates "Di Mario Rossi" from "Di recente, ..." and "Door Jan de Vries" from "Door de regen".
    first = word[0]
    # Scripts without case (CJK, Arabic...) cannot show a capital.
    caseless = first.isalpha() and first.lower() == first.upper()
    return not strict or first.isupper() or first == "@" or caseless


def is_person_name(text: str, *, strict: bool) -> bool:
    """Whether `text` is one to three short names (1–5 words each, no sentence punctuation).

    `strict` also requires capitalised words: use it when nothing but the label word marks the
    line as a credit ("By Jane Doe"), not after an explicit "Author:".
    """
    names = _NAME_LIST_SEPARATOR_RE.split(text.strip())
    if not names or len(names) > MAX_AUTHORS:
        return False
    for name in names:
        words = name.split()
        if not 1 <= len(words) <= MAX_NAME_WORDS:
            return False
        significant = [word for word in words if word.casefold() not in NAME_PARTICLES]
        if not significant or not all(_is_name_word(word, strict=strict) for word in significant):
            return False
    return True


# A name's words may carry punctuation that ends the name: "Doe," "Doe." "Doe:" "Silva*".
_TRAILING_MARKS = ",;:!?)]}»”\"'*†‡"
_OPENING_MARKS = "\"'“«‘(["
# "Frank-B.", "H.C.": a name word ending in an initial.
_INITIAL_END_RE = re.compile(r"(?:^|[-.])[^\W\d_]{1,2}\.$")
_CONJUNCTION_KEYS = frozenset(word.casefold() for word in AUTHOR_CONJUNCTIONS)
_STOPPER_WORDS = frozenset(NAME_STOPPERS)


def _split_trailing(word: str) -> tuple[str, str]:
    body = word.rstrip(_TRAILING_MARKS)
    trail = word[len(body) :]
    # A full stop ends the name unless it ends an initial or an abbreviation ("J.", "Jr.").
    if body.endswith(".") and not _ABBREVIATION_RE.match(body) and not _INITIAL_END_RE.search(body):
        trail = "." + trail
        body = body[:-1]
    return body, trail


def name_at(text: str, *, strict: bool, min_words: int = 1) -> tuple[str, int] | None:
    """The person's name that `text` opens with, and the offset where it ends in `text`.

    Reads name words (capitalised when `strict`), initials and particles ("Ursula von der
    Leyen", "Alejandro N. García"), and up to MAX_AUTHORS names joined by a conjunction or a
    list ("A, B and C"); stops at the first word that cannot be part of a name, so what
    follows the name does not matter ("Mathilde Giard pour Le Figaro" -> "Mathilde Giard").
    None when `text` does not open with a name of at least `min_words` words.
    """
    persons: list[list[tuple[str, int]]] = [[]]
    end = 0
    for found in re.finditer(r"\S+", text):
        raw = found.group(0)
        if not persons[-1] and not any(persons[:-1]) and raw.lstrip(_OPENING_MARKS) != raw and raw[0] in "([":
            break
        body, trail = _split_trailing(raw.lstrip("\"'“«‘"))
        if not body:
            break
        key = body.casefold()
        current = persons[-1]
        if key in _CONJUNCTION_KEYS and current and len(persons) < MAX_LISTED_AUTHORS:
            persons.append([])
            continue
        if body in _STOPPER_WORDS or key in _STOPPER_WORDS:
            break
        if key in NAME_PARTICLES and current:
            current.append((body, -1))  # a particle: kept only when a name word follows
            continue
        run = _RUN_TOGETHER_RE.search(body)
        if run and len(_WORD_START_RE.search(body, 0, run.start()).group(0)) >= 4:  # type: ignore[union-attr]
            body, trail = body[: run.start()], "|"
        lower_run = not strict and body[:1].islower()
        written = [word for person in persons for word, position in person if position >= 0]
        if lower_run and any(word[:1].isupper() for word in written):
            break  # "Jean Dupont dans ...": a lower-case word after a capitalised name ends it
        if body.isupper() and len(body) > 2 and len(written) >= 2 and not any(word.isupper() for word in written):
            break  # "Derk Stokmans DEN HAAG": a dateline's city in capitals after the name
        if not body.isupper() and body[:1].isupper() and len(written) >= 2 and all(
            word.isupper() for word in written if len(word) > 1
        ):
            break  # "ERIC TUCKER Associated Press": an outlet after a name in capitals
        if not _is_name_word(body, strict=strict) or (len(body) == 1 and body.islower()):
            break
        current.append((body, found.start() + raw.find(body) + len(body)))
        end = current[-1][1]
        if trail and trail[0] in ",":
            rest = text[found.end() :]
            listed = re.match(r"\s*([^,]+?)\s*(?:,|$)", rest)
            if listed and len(persons) < MAX_LISTED_AUTHORS and _CONJUNCTION_RE.search(f" {rest} ") and is_person_name(
                listed.group(1).split(" and ")[0].split(" et ")[0], strict=True
            ) and _list_ends_with_conjunction(rest):
                persons.append([])
                continue
            break
        if trail:
            break
    while persons and (not persons[-1] or persons[-1][-1][1] < 0):
        if persons[-1] and persons[-1][-1][1] < 0:
            persons[-1].pop()
        else:
            persons.pop()
    if not persons:
        return None
    for person in persons:
        significant = [word for word, _ in person if word.casefold() not in NAME_PARTICLES]
        if not significant or len(person) > MAX_NAME_WORDS:
            return None
    if len(persons[0]) < min_words:
        return None
    end = persons[-1][-1][1]
    return text[: end].strip().lstrip("\"'“«‘").strip(), end


def _list_ends_with_conjunction(rest: str) -> bool:
    """Whether a comma-separated list of names after a name ends with "and NAME" within three items."""
    items = rest.split(",")
    for item in items[:MAX_LISTED_AUTHORS]:
        if _CONJUNCTION_RE.search(f" {item.strip()} ") or item.strip().casefold().startswith(
            tuple(f"{c} " for c in _CONJUNCTION_KEYS)
        ):
            return True
    return False


def display_name(name: str) -> str:
    """A name in its usual case: words written all in capitals or all in lower case are capitalised
    ("JÉRÔME GARCIN" -> "Jérôme Garcin", "alexis mouthon" -> "Alexis Mouthon"); particles stay lower
    case, mixed-case words ("McDonald", "DeArdo") stay as written; footnote marks are dropped."""
    name = name.strip().rstrip("*†‡ ").strip()

    def fix(word: str) -> str:
        if word.casefold() in NAME_PARTICLES or word.casefold() in _CONJUNCTION_KEYS:
            return word.lower() if word.isupper() or word.islower() else word
        if (word.isupper() and len(word.rstrip(".")) > 1) or word.islower():
            return "-".join(part[:1].upper() + part[1:].lower() for part in word.split("-"))
        return word

    words = name.split()
    fixed = [fix(word) for word in words]
    if fixed and fixed[0] != words[0] and fixed[0][:1].islower():
        fixed[0] = fixed[0][:1].upper() + fixed[0][1:]
    return " ".join(fixed)


def nominative(name: str, endings: tuple[tuple[str, str], ...]) -> str:
    """A name given in the genitive ("Χάρη Ανδρεόπουλου") in the nominative ("Χάρης Ανδρεόπουλος")."""
    words = []
    for word in name.split():
        for genitive, nominative_ending in endings:
            if word.endswith(genitive) and len(word) > len(genitive) + 1:
                word = word[: -len(genitive)] + nominative_ending
                break
        words.append(word)
    return " ".join(words)
