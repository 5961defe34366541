"""Junior Professional Officer posts: whether a vacancy is one, which donor country
sponsors it and which nationalities may apply, read from its title and text.

Pure functions: no database, no HTTP. :func:`read_jpo` runs at harvest on every new or
changed vacancy, so everything is compiled once per process (country names and
demonyms from ``vacancies/data/jpo_countries.toml`` plus pycountry's names) and cheap
keyword checks skip the patterns a text cannot match.

What counts:

* **JPO**: the title names the post "JPO", "Junior Professional Officer", "Associate
  Expert" (the ILO/UNESCO name), "Associate Professional Officer" (FAO's) — unless it
  names a unit that *runs* the programme ("JPO Service Centre") —, the adapter says
  ``extra["jpo"] is True`` or gives a JPO grade, or the text says so about this post
  ("This is a Junior Professional Officer (JPO) position", "under the JPO Programme",
  "Join UNICEF as a JPO", "The JPO will ..."). A mere mention ("supervises two JPOs",
  "Junior Professional Associate", "junior professional staff") is not enough.
* **Sponsors** (JPO posts only, donor countries of the data file only): "sponsored /
  funded / financed by the Government of Norway", "Norad-funded", "the Norwegian JPO
  Programme", "Donor: Norway", in a sentence about the post (not "the project is funded
  by Sweden"). A post that is not a JPO post has no sponsors: a donor funding a project
  or a World Bank "Donor-Funded Staff" post is not a sponsored JPO post.
* **Nationalities**: a restriction, not a wish: "open to Norwegian nationals only",
  "only open to nationals of Norway", "open to candidates with Danish, Finnish or
  Swedish nationality", "candidates must be citizens of ...", "kun åpen for norske
  statsborgere". "Open to all nationalities" and "nationals of Norway are encouraged to
  apply" restrict nothing.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import pycountry

DATA_FILE = Path(__file__).with_name("data") / "jpo_countries.toml"

EVIDENCE_CHARS = 240
"""The longest piece of evidence kept: the sentence, cut around the words that said so."""


@dataclass(frozen=True, slots=True)
class JpoFacts:
    is_jpo: bool = False
    sponsors: tuple[str, ...] = ()
    """ISO 3166-1 alpha-2 codes of the donor countries, in the order the text names them."""
    nationalities: tuple[str, ...] = ()
    """ISO 3166-1 alpha-2 codes of the only nationalities that may apply (empty: any)."""
    evidence: tuple[str, ...] = ()
    """The sentences that said so, short."""


NOT_JPO = JpoFacts()


# --- Country references -----------------------------------------------------------------

_TOKEN = re.compile(r"[^\W_]+(?:['’][^\W_]+)*(?:\.(?=[^\W\d_]\.))?(?:[^\W_]\.)*|[,;/&]")
"""Words ("People's", "U.S.", "d'Ivoire") and the list separators between them."""
_WORD_SEPARATORS = frozenset({",", ";", "/", "&", "and", "or", "og", "eller"})
MAX_FORM_WORDS = 8


def _key(text: str) -> str:
    return " ".join(re.sub(r"[\s-]+", " ", text.replace("’", "'")).split()).casefold()


@dataclass(frozen=True, slots=True)
class _Countries:
    nationality: dict[str, str]
    """Key of a country name or demonym (any country) -> alpha-2 code."""
    donor: dict[str, str]
    """Key of a donor country's name, demonym or agency -> alpha-2 code."""
    case_sensitive: frozenset[str]
    """Keys that count only when written as in the data file (``US`` but not ``us``)."""
    originals: dict[str, str]
    last_words: frozenset[str]
    """The last word of every key: a quick no before a list is parsed backwards."""
    first_words: frozenset[str]
    """The first word of every key (and "the"): a quick no before parsing forwards."""


def _pycountry_names() -> dict[str, str]:
    names: dict[str, str] = {}
    for country in pycountry.countries:
        for attribute in ("name", "official_name", "common_name"):
            name = getattr(country, attribute, None)
            if not name:
                continue
            names[name] = country.alpha_2
            if ", " in name:  # "Korea, Republic of" -> "Republic of Korea"
                head, _, tail = name.partition(", ")
                names[f"{tail} {head}"] = country.alpha_2
    return names


@cache
def _countries() -> _Countries:
    with DATA_FILE.open("rb") as handle:
        data = tomllib.load(handle)
    nationality = {_key(name): code for name, code in _pycountry_names().items()}
    donor: dict[str, str] = {}
    for code, entry in data["country"].items():
        if len(code) != 2 or pycountry.countries.get(alpha_2=code) is None:
            raise ValueError(f"{DATA_FILE.name}: {code!r} is not an ISO 3166-1 alpha-2 code")
        for form in (*entry["names"], *entry["demonyms"]):
            nationality[_key(form)] = code  # the data file wins over pycountry
            donor[_key(form)] = code
        for form in entry.get("agencies", []):
            donor[_key(form)] = code
    originals = {_key(form): form for form in data.get("case_sensitive", [])}
    for key in (*nationality, *donor):
        if len(key.split()) > MAX_FORM_WORDS:
            raise ValueError(f"{DATA_FILE.name}: {key!r} has more than {MAX_FORM_WORDS} words")
    last_words = frozenset(key.rsplit(" ", 1)[-1] for key in (*nationality, *donor))
    first_words = frozenset({"the", *(key.split(" ", 1)[0] for key in (*nationality, *donor))})
    return _Countries(nationality, donor, frozenset(originals), originals, last_words, first_words)


def _may_start_a_country(low: str, start: int) -> bool:
    """Whether the word at low[start] could start a country's name or demonym."""
    words = low[start : start + 40].split(None, 1)
    return bool(words) and words[0].strip(',;:.()[]"') in _countries().first_words


def _may_end_a_country(low: str, end: int) -> bool:
    """Whether the word before low[end] could end a country's name or demonym."""
    words = low[max(0, end - 40) : end].split()
    if not words:
        return False
    word = words[-1].strip(',;:()[]"').replace("’", "'")
    if word.endswith("'s"):
        word = word[:-2]
    last_words = _countries().last_words
    return word in last_words or word.rstrip(".") in last_words


_Token = tuple[int, int, str]


def _tokens(text: str, start: int, end: int) -> list[_Token]:
    return [(m.start(), m.end(), m.group(0)) for m in _TOKEN.finditer(text, start, end)]


def _country_at(tokens: list[_Token], i: int, j: int, table: dict[str, str]) -> str | None:
    """The country that tokens[i:j] name (one form), if any."""
    words = [t[2] for t in tokens[i:j]]
    if not words or any(w in _WORD_SEPARATORS for w in words):
        return None
    countries = _countries()
    for candidate in (" ".join(words), " ".join([*words[:-1], words[-1].rstrip(".")])):
        key = _key(candidate)
        code = table.get(key)
        if code is None and key.endswith("'s"):
            code = table.get(key[:-2])
        if code is not None:
            if key in countries.case_sensitive and candidate != countries.originals[key]:
                continue
            return code
    return None


def _list_backward(tokens: list[_Token], end: int, table: dict[str, str]) -> tuple[list[str], int]:
    """Countries named by a list that ends with tokens[end - 1] ("Danish, Finnish or
    Swedish"): their codes in text order and the index of the list's first token."""
    codes: list[str] = []
    first = end
    i = end
    while i > 0:
        found = None
        for n in range(min(MAX_FORM_WORDS, i), 0, -1):
            code = _country_at(tokens, i - n, i, table)
            if code is not None:
                found = (code, i - n)
                break
        if found is None:
            break
        codes.insert(0, found[0])
        first = i = found[1]
        if i > 0 and tokens[i - 1][2].casefold() == "the":
            first = i = i - 1
        separators = 0
        while i - separators > 0 and tokens[i - separators - 1][2].casefold() in _WORD_SEPARATORS:
            separators += 1
        if not separators or separators > 2:
            break
        i -= separators
    return codes, first


def _list_forward(tokens: list[_Token], start: int, table: dict[str, str]) -> tuple[list[str], int]:
    """Countries named by a list that starts at tokens[start], and the index after it."""
    codes: list[str] = []
    after = start
    i = start
    while i < len(tokens):
        if tokens[i][2].casefold() == "the":
            i += 1
        found = None
        for n in range(min(MAX_FORM_WORDS, len(tokens) - i), 0, -1):
            code = _country_at(tokens, i, i + n, table)
            if code is not None:
                found = (code, i + n)
                break
        if found is None:
            break
        codes.append(found[0])
        after = i = found[1]
        separators = 0
        while i + separators < len(tokens) and tokens[i + separators][2].casefold() in (
            _WORD_SEPARATORS
        ):
            separators += 1
        if not separators or separators > 2:
            break
        i += separators
    return codes, after


def _donors_in(text: str, start: int, end: int) -> list[str]:
    """Every donor country named between start and end."""
    table = _countries().donor
    tokens = _tokens(text, start, end)
    codes: list[str] = []
    i = 0
    while i < len(tokens):
        for n in range(min(MAX_FORM_WORDS, len(tokens) - i), 0, -1):
            code = _country_at(tokens, i, i + n, table)
            if code is not None:
                _add(codes, [code])
                i += n
                break
        else:
            i += 1
    return codes


def _lower(text: str) -> str:
    """The text in lower case with every character where it was (so an index found in
    one is an index in the other)."""
    low = text.lower()
    if len(low) == len(text):
        return low
    return "".join(c.lower() if len(c.lower()) == 1 else c for c in text)


def _add(items: list[str], values: Iterable[str]) -> None:
    for value in values:
        if value not in items:
            items.append(value)


def _sentence(text: str, start: int, end: int) -> str:
    """The sentence around text[start:end], cut to EVIDENCE_CHARS around the match."""
    left = max(_sentence_start(text, start), max(0, start - 400))
    right_match = _SENTENCE_END.search(text, end, end + 400)
    right = right_match.end() if right_match else min(len(text), end + 400)
    sentence = " ".join(text[left:right].split())
    if len(sentence) > EVIDENCE_CHARS:
        offset = len(" ".join(text[left:start].split()))
        first = max(0, min(offset - 60, len(sentence) - EVIDENCE_CHARS))
        cut = sentence[first : first + EVIDENCE_CHARS].strip()
        sentence = (
            ("…" if first else "") + cut + ("…" if first + EVIDENCE_CHARS < len(sentence) else "")
        )
    return sentence


_SENTENCE_END = re.compile(r"[.!?](?=\s|$)|\n")


def _sentence_start(text: str, start: int) -> int:
    best = -1
    for mark in (". ", "! ", "? ", "\n"):
        found = text.rfind(mark, 0, start)
        if found != -1:
            best = max(best, found + len(mark))
    return max(best, 0)


# --- Is it a JPO post? -------------------------------------------------------------------

_MENTION = (
    r"(?:jpo|junior[\s-]+professional[\s-]+officer|associate[\s-]+expert"
    r"|associate[\s-]+professional[\s-]+officer|jeunes?[\s-]+experts?[\s-]+associ[ée]e?)s?"
)
_MENTION_WORDS = (
    "jpo",
    "junior professional officer",
    "junior-professional",
    "associate expert",
    "associate professional officer",
    "jeune",
)
_ABBREVIATION = r"(?:\s*\((?:jpo|ae|apo|jea)\))?"
_RUNS_THE_PROGRAMME = (
    r"[\s-]+(?:service|unit|section|office|focal|coordinat\w*|recruitment|administration"
    r"|network|donor|programme[\s-]+(?:manag|coordinat|officer|analyst|assistant|specialist"
    r"|administrat|associate))"
)
_MENTION_RE = re.compile(rf"(?<!\w){_MENTION}(?!\w)")
_PROGRAMME_RUNNER_RE = re.compile(rf"{_MENTION}{_RUNS_THE_PROGRAMME}")
_PROGRAMME = r"(?:programme|program|scheme)"
_JPO_CUES = re.compile(
    "|".join(
        rf"(?:{cue})"
        for cue in (
            # This position is a JPO (position). / This is a Junior Professional Officer ...
            r"\b(?:this|the)\s+(?:position|post|job|vacancy|assignment|role|opportunity)"
            rf"\s+is\s+(?:an?\s+)?{_MENTION}\b",
            rf"\b(?:this|it)\s+is\s+an?\s+{_MENTION}\b",
            # This is a Norwegian-funded JPO post.
            r"\b(?:this|it)\s+is\s+an?\s+(?:[\w'’.-]+\s+){1,3}?"
            rf"{_MENTION}{_ABBREVIATION}\s+(?:position|post|assignment|vacancy|role|opportunity)\b",
            rf"\b(?:dette|det)\s+er\s+(?:en|ei|eit|et)\s+{_MENTION}\b",
            # Join UNICEF Angola as a Junior Professional Officer
            r"\b(?:join|joining|serve|serving|recruited|appointed|engaged|hired|assigned"
            rf"|seconded)\s+(?:[\w'’.-]+\s+){{0,4}}?as\s+an?\s+{_MENTION}\b",
            # under the (Norwegian) JPO Programme
            r"\b(?:under|through|within|part\s+of|in\s+the\s+framework\s+of|via)\s+(?:the|a|its)"
            rf"\s+(?:[\w'’.-]+\s+){{0,6}}?(?:{_MENTION}|apo){_ABBREVIATION}\s+{_PROGRAMME}\b",
            # The JPO will ...
            rf"\b(?:the|this|our)\s+{_MENTION}{_ABBREVIATION}\s+(?:will|shall|would"
            r"|is\s+expected\s+to)\b",
            # This JPO position is financed ...
            rf"\bthis\s+{_MENTION}{_ABBREVIATION}\s+(?:position|post|assignment|vacancy|role"
            r"|opportunity|is)\b",
            rf"\b{_MENTION}{_ABBREVIATION}\s+(?:position|post|assignment|vacancy|opportunity)"
            r"\s+(?:is\s+)?(?:sponsored|funded|financed|open|offered|based)\b",
            # JPO Programme of the Government of ... / sponsored by ...
            rf"\b(?:{_MENTION}|apo){_ABBREVIATION}\s+{_PROGRAMME}\s+(?:of\s+the\s+government"
            r"|sponsored|funded|financed|is\s+sponsored|is\s+funded|is\s+financed)\b",
            # Contract type: JPO
            r"\b(?:contract\s+type|type\s+of\s+(?:contract|appointment|position|post)"
            r"|position\s+type|appointment\s+type|vacancy\s+type|category|grade|level)"
            rf"\s*:\s*{_MENTION}\b",
            # A heading line: "Junior Professional Officer (JPO) Programme"
            rf"^[ \t]*{_MENTION}{_ABBREVIATION}\s+{_PROGRAMME}[ \t]*$",
        )
    ),
    re.MULTILINE,
)
CUE_REACH = 160
"""Characters on either side of a mention in which a cue must lie."""


def _title_says_jpo(low_title: str) -> re.Match[str] | None:
    for match in _MENTION_RE.finditer(low_title):
        if not _PROGRAMME_RUNNER_RE.match(low_title, match.start()):
            return match
    return None


def _text_says_jpo(low: str) -> re.Match[str] | None:
    if not any(word in low for word in _MENTION_WORDS):
        return None
    end = -1
    for mention in _MENTION_RE.finditer(low):
        if mention.start() < end:
            continue  # already searched
        start, end = max(0, mention.start() - CUE_REACH), mention.end() + CUE_REACH
        if cue := _JPO_CUES.search(low, start, end):
            return cue
    return None


# --- Sponsors -------------------------------------------------------------------------

_SPONSOR_VERB = re.compile(
    r"\b(?:sponsored|funded|financed|co-?funded|co-?financed|supported|paid\s+for"
    r"|made\s+possible|finansiert|finansiere[rs]?|sponset)"
    r"\s+(?:\w+\s+){0,2}?(?:by|av)\s*:?\s*"
)
_SPONSOR_LABEL = re.compile(
    r"\b(?:donor|sponsor|sponsoring|funding)(?:\s+(?:country|countries|government|donor|agency))?"
    r"\s*:\s*"
)
_SPONSORED_ADJECTIVE = re.compile(r"[\s-](?:funded|sponsored|financed|finansiert)\b")
_PROGRAMME_OF = re.compile(
    rf"(?<!\w)(?:{_MENTION}|apo){_ABBREVIATION}\s+{_PROGRAMME}\b"
    r"(?:\s+(?:of|by|from)\s+(?:the\s+)?(?:government\s+of\s+(?:the\s+)?)?)?"
)
_GOVERNMENT_S = re.compile(r"\s+(?:government['’]s\s+)?\Z")
_WINDOW_STOP = re.compile(
    r"[.;!?\n]|\s(?:in|at|which|who|that|offers?|will|is|are|was|were|within|where|based"
    r"|located|to\s+(?:support|work|strengthen|contribute|help))\b"
)
WINDOW_CHARS = 160
_ABOUT_THE_POST = re.compile(
    rf"(?<!\w)(?:{_MENTION}|position|post|role|assignment|vacancy|opportunity|stilling\w*)(?!\w)"
)
_ABOUT_SOMETHING_ELSE = re.compile(
    r"(?<!\w)(?:project|projects|initiative|activities|research|study|facility|operation"
    r"|intervention|component|programme|program|fund|trust|office|portfolio|work)(?!\w)"
)


def _about_the_post(low_sentence: str) -> bool:
    """A sentence on funding is about this post when it names the post, or names
    nothing else that could be funded ("Funded by the Government of Denmark.")."""
    return bool(_ABOUT_THE_POST.search(low_sentence)) or not _ABOUT_SOMETHING_ELSE.search(
        low_sentence
    )


def _window_end(low: str, start: int) -> int:
    stop = _WINDOW_STOP.search(low, start, start + WINDOW_CHARS)
    return stop.start() if stop else min(len(low), start + WINDOW_CHARS)


def _sponsors(text: str, low: str, *, is_title: bool, evidence: list[str]) -> list[str]:
    donors = _countries().donor
    found: list[str] = []

    def note(codes: list[str], start: int, end: int) -> None:
        if codes:
            _add(found, codes)
            _add(evidence, [_sentence(text, start, end)])

    for verb in _SPONSOR_VERB.finditer(low):
        if is_title or _about_the_post(_lower(_sentence(text, verb.start(), verb.end()))):
            note(_donors_in(text, verb.end(), _window_end(low, verb.end())), *verb.span())
    for label in _SPONSOR_LABEL.finditer(low):
        note(_donors_in(text, label.end(), _window_end(low, label.end())), *label.span())
    for adjective in _SPONSORED_ADJECTIVE.finditer(low):
        if not _may_end_a_country(low, adjective.start()):
            continue
        tokens = _tokens(text, max(0, adjective.start() - 80), adjective.start())
        codes, first = _list_backward(tokens, len(tokens), donors)
        if codes and (
            is_title or _about_the_post(_lower(_sentence(text, adjective.start(), adjective.end())))
        ):
            note(codes[-1:], tokens[first][0], adjective.end())
    for programme in _PROGRAMME_OF.finditer(low):
        before = _GOVERNMENT_S.search(low, max(0, programme.start() - 20), programme.start())
        end = before.start() if before else programme.start()
        tokens = _tokens(text, max(0, end - 80), end)
        codes, _ = _list_backward(tokens, len(tokens), donors)
        if not codes and programme.group(0).rstrip().endswith(("of", "by", "from", "the")):
            tokens = _tokens(text, programme.end(), _window_end(low, programme.end()))
            codes, _ = _list_forward(tokens, 0, donors)
        note(codes, *programme.span())
    return found


# --- Nationalities --------------------------------------------------------------------

_PEOPLE = re.compile(
    r"(?<![^\W\d_])(?:(?P<plural>nationals|citizens|statsborgere|statsborgarar)"
    r"|(?P<status>nationality|nationalities|citizenship|statsborgerskap|statsborgarskap"
    r"|passports?|passport[\s-]holders)"
    r"|(?P<single>national|citizen|statsborger|statsborgar))(?![^\W\d_])"
)
_PEOPLE_STEMS = ("national", "citizen", "passport", "statsborg")


def _people(low: str) -> list[re.Match[str]]:
    """The words for people of a nationality, found with ``str.find`` (a regex scan of
    a whole description cost ten times as much)."""
    found = []
    for stem in _PEOPLE_STEMS:
        at = low.find(stem)
        while at != -1:
            if not (at and low[at - 1].isalpha()) and (match := _PEOPLE.match(low, at)):
                found.append(match)
            at = low.find(stem, at + len(stem))
    return sorted(found, key=lambda m: m.start())


_NOT_A_PERSON = re.compile(
    r"\s+(?:staff|officers?|level|professionals?|consultants?|personnel|employees?|experts?"
    r"|capacit\w*|systems?|government|partners?|counterparts?|authorities|policies|polic\w+"
    r"|programmes?|plans?|priorities|institutions?|strateg\w+|ownership|context|languages?)\b"
)
_LIST_AFTER = re.compile(
    r"\s+(?:of|from|fra|frå)\s+(?:(?:one\s+of\s+)?the\s+following\s+countries\s*:?\s*)?|\s*:\s*"
)
_FROM_HINT = re.compile(r"\b(?:candidates|applicants)\s+from\s+")


def _from_hints(low: str) -> list[re.Match[str]]:
    found = []
    for word in ("candidates", "applicants"):
        at = low.find(word)
        while at != -1:
            if match := _FROM_HINT.match(low, at):
                found.append(match)
            at = low.find(word, at + len(word))
    return found


_WHO_PREFIX = re.compile(
    r"\b(?:candidates|applicants|persons|individuals|people|søkere|søkarar|kandidater"
    r"|kandidatar)\s+(?:with|holding|who\s+hold|who\s+have|having|med)\s+(?:an?\s+|the\s+)?\Z"
    r"|\b(?:the\s+following\s+)?\Z"
)
_ONLY = r"(?:only|exclusively|solely|kun|bare|berre)"
_RESTRICTION_BEFORE = re.compile(
    "|".join(
        (
            rf"\b(?:open|åpen|aktuell)\s+(?:{_ONLY}\s+)?(?:to|for)\s*:?\s*\Z",
            rf"\b{_ONLY}\s+(?:for|to|from)\s+\Z",
            rf"\b(?:reserved|restricted|limited)\s+(?:{_ONLY}\s+)?(?:for|to)\s+\Z",
            r"\b(?:candidates|applicants|you|søkere|søkarar|kandidater|kandidatar|candidate"
            r"|applicant)\s+(?:must|må|shall|(?:are|is)\s+required\s+to)\s+(?:(?:be|hold|have"
            r"|possess|være|vere|ha)\s+)?(?:an?\s+|the\s+)?\Z",
            r"\b(?:requires?|requirement\s+of|krav\s+om|krever)\s+(?:an?\s+)?\Z",
        )
    )
)
_ONLY_BEFORE = re.compile(rf"\b{_ONLY}\s+\Z")
_ONLY_AFTER = re.compile(rf"\s*\)?\s*{_ONLY}\b")
_ELIGIBLE_AFTER = re.compile(
    r"\s+(?:are|is|will\s+be|may|can|kan|er)\s+(?:be\s+)?(?:eligible|considered|accepted|apply"
    r"|søke|aktuelle)"
)
_REQUIRED_AFTER = re.compile(
    r"\s+(?:is|er)\s+(?:a\s+|et\s+|eit\s+)?(?:required|requirement|mandatory|prerequisite|krav"
    r"|påkrevd|nødvendig)"
)
_NOT_ONLY_AFTER = re.compile(
    r",?\s+(?:as\s+well\s+as|and|or)\s+(?:to\s+)?(?:(?:nationals|citizens|candidates)\s+"
    r"(?:of|from)\s+)?(?:all|other|any)\b"
)
REACH = 100
"""Characters before and after a list of countries in which its restriction is read."""


def _restricts(low: str, start: int, end: int, *, label: bool) -> bool:
    """Whether the words around low[start:end] (who) make it the only ones who may apply."""
    before = low[max(0, start - REACH) : start]
    if label:
        return True
    if _NOT_ONLY_AFTER.match(low, end):
        return False
    if _RESTRICTION_BEFORE.search(before) or _ONLY_AFTER.match(low, end):
        return True
    if _ONLY_BEFORE.search(before) and _ELIGIBLE_AFTER.match(low, end):
        return True
    return bool(_REQUIRED_AFTER.match(low, end))


def _nationalities(text: str, low: str, evidence: list[str]) -> list[str]:
    table = _countries().nationality
    found: list[str] = []
    for people in _people(low):
        start, end = people.span()
        if people.group("single") and _NOT_A_PERSON.match(low, end):
            continue
        # Norwegian nationals / candidates with Danish or Swedish nationality
        codes, first = [], 0
        if _may_end_a_country(low, start):
            tokens = _tokens(text, max(0, start - 150), start)
            codes, first = _list_backward(tokens, len(tokens), table)
        who_start, who_end, label = start, end, False
        if codes:
            who_start = tokens[first][0]
        else:
            # nationals of Norway / Nationality: Norwegian
            after = _LIST_AFTER.match(low, end)
            if after is None or (people.group("single") and ":" not in after.group(0)):
                continue
            if not _may_start_a_country(low, after.end()):
                continue
            tokens = _tokens(text, after.end(), after.end() + 400)
            codes, last = _list_forward(tokens, 0, table)
            if not codes:
                continue
            who_end = tokens[last - 1][1]
            label = ":" in after.group(0) and not people.group("plural")
        prefix = _WHO_PREFIX.search(low, max(0, who_start - 60), who_start)
        if prefix:
            who_start = prefix.start()
        if _restricts(low, who_start, who_end, label=label):
            _add(found, codes)
            _add(evidence, [_sentence(text, who_start, who_end)])
    for hint in _from_hints(low):
        if not _may_start_a_country(low, hint.end()):
            continue
        tokens = _tokens(text, hint.end(), hint.end() + 400)
        codes, last = _list_forward(tokens, 0, table)
        if codes and _restricts(low, hint.start(), tokens[last - 1][1], label=False):
            _add(found, codes)
            _add(evidence, [_sentence(text, hint.start(), tokens[last - 1][1])])
    return found


# --- Reading --------------------------------------------------------------------------


def read_jpo(title: str, text: str, extra: Mapping[str, Any] | None = None) -> JpoFacts:
    """What a vacancy's title, plain text and adapter-supplied ``extra`` say about it
    being a JPO post, its sponsors and who may apply (see the module's docstring).

    ``read_jpo("Associate Expert (Social Protection)", "Open to Danish nationals only.")``
    gives ``is_jpo=True, sponsors=(), nationalities=("DK",)``.
    """
    extra = extra or {}
    low_title, low_text = _lower(title), _lower(text)
    evidence: list[str] = []
    is_jpo = extra.get("jpo") is True
    if is_jpo:
        evidence.append("The source marks it as a JPO post.")
    grade_raw = extra.get("grade_raw")
    if isinstance(grade_raw, str) and _MENTION_RE.search(grade_raw.lower()):
        is_jpo = True
        evidence.append(f"Grade: {' '.join(grade_raw.split())[:EVIDENCE_CHARS]}")
    if (match := _title_says_jpo(low_title)) is not None:
        is_jpo = True
        evidence.append(_sentence(title, match.start(), match.end()))
    elif (cue := _text_says_jpo(low_text)) is not None:
        is_jpo = True
        evidence.append(_sentence(text, cue.start(), cue.end()))
    sponsors: list[str] = []
    if is_jpo:
        _add(sponsors, _sponsors(title, low_title, is_title=True, evidence=evidence))
        _add(sponsors, _sponsors(text, low_text, is_title=False, evidence=evidence))
    nationalities = _nationalities(title, low_title, evidence)
    _add(nationalities, _nationalities(text, low_text, evidence))
    if not (is_jpo or nationalities):
        return NOT_JPO
    return JpoFacts(is_jpo, tuple(sponsors), tuple(nationalities), tuple(evidence))
