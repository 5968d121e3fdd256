"""The fictional Dordrecht of the demo: partners, districts, case types, accounts and names.

Every person is made up. BSNs come from the RvIG test range (999990000-999999999).
"""

from casebook.confidentiality import Confidentiality as C

DISTRICTS = [
    ("binnenstad", "Binnenstad"),
    ("noordflank", "Noordflank"),
    ("oud-krispijn", "Oud-Krispijn"),
    ("nieuw-krispijn", "Nieuw-Krispijn"),
    ("wielwijk", "Wielwijk"),
    ("crabbehof", "Crabbehof"),
    ("zuidhoven", "Zuidhoven"),
    ("sterrenburg", "Sterrenburg"),
    ("dubbeldam", "Dubbeldam"),
    ("stadspolders", "Stadspolders"),
    ("reeland", "Reeland"),
]

# slug, name, kind
ORGANISATIONS = [
    ("zvh", "Zorg- en Veiligheidshuis Zuid-Holland Zuid", "zvh"),
    ("wijkteam-west", "Sociaal wijkteam Dordrecht-West", "wijkteam"),
    ("wijkteam-noord", "Sociaal wijkteam Dordrecht-Noord", "wijkteam"),
    ("politie", "Politie basisteam Dordrecht", "police"),
    ("om", "Openbaar Ministerie Rotterdam, parket Dordrecht", "public_prosecutor"),
    ("veilig-thuis", "Veilig Thuis Zuid-Holland Zuid", "veilig_thuis"),
    ("jongerenwerk", "Jongerenwerk Dordrecht", "youth_work"),
    ("woningcorporatie", "Woningcorporatie Drechtwonen (demo)", "housing_corporation"),
    ("ggd", "GGD Zuid-Holland Zuid", "mental_health"),
    ("reclassering", "Reclassering Nederland, regio Dordrecht", "probation"),
    ("gemeente", "Gemeente Dordrecht, team Veiligheid", "municipality"),
]

# code, label_nl, label_en, restricted, default confidentiality, retention
CASE_TYPES = [
    ("youth", "Jeugd en veiligheid", "Youth and safety", False, C.ZAAKVERTROUWELIJK, "P5Y"),
    ("radicalisation", "Radicalisering en extremisme", "Radicalisation and extremism", True, C.GEHEIM, "P20Y"),
    ("housing_nuisance", "Woonoverlast", "Housing nuisance", False, C.ZAAKVERTROUWELIJK, "P5Y"),
    (
        "domestic_violence",
        "Huiselijk geweld en kindermishandeling",
        "Domestic violence and child abuse",
        True,
        C.CONFIDENTIEEL,
        "P20Y",
    ),
    (
        "adult_offender",
        "Volwassen veelpleger / high impact crime",
        "Adult repeat offender / high impact crime",
        False,
        C.VERTROUWELIJK,
        "P5Y",
    ),
]

# code, label_nl, label_en (ordered; the last is the end status)
PGA_STATUSES = [
    ("casusoverleg", "Casusoverleg", "Case conference"),
    ("plan_van_aanpak", "Plan van aanpak", "Action plan"),
    ("uitvoering", "Uitvoering en monitoring", "Implementation and monitoring"),
    ("afschaling", "Afschaling", "Scaling down"),
    ("nazorg", "Nazorg", "Aftercare"),
    ("afgesloten", "Afgesloten", "Closed"),
]

# Closing results per case type (code, label_nl, label_en), ZGW ``resultaattypen``.
CASE_RESULTS = [
    ("goals_achieved", "Doelen behaald", "Goals achieved"),
    ("handed_to_regular_care", "Overgedragen aan regulier", "Handed over to regular care"),
    ("moved", "Betrokkene verhuisd", "Person moved away"),
    ("no_cooperation", "Geen medewerking", "No cooperation"),
    ("deceased", "Overleden", "Deceased"),
]

# username, display name, organisation slug, roles
ACCOUNTS = [
    ("admin", "Anouk Beheer", "gemeente", ["admin"]),
    ("zvh.coordinator", "Sanne de Wit", "zvh", ["coordinator"]),
    ("zvh.caseworker", "Mehmet Yilmaz", "zvh", ["caseworker"]),
    ("zvh.supervisor", "Petra van Dijk", "zvh", ["supervisor"]),
    ("wijkteam-west.coordinator", "Fatima El Amrani", "wijkteam-west", ["coordinator"]),
    ("wijkteam-west.caseworker", "Joris Bakker", "wijkteam-west", ["caseworker"]),
    ("wijkteam-noord.caseworker", "Lisa Verhoeven", "wijkteam-noord", ["caseworker"]),
    ("politie.caseworker", "Wijkagent Ruud Smits", "politie", ["caseworker"]),
    ("veilig-thuis.caseworker", "Esther Kok", "veilig-thuis", ["caseworker"]),
    ("jongerenwerk.caseworker", "Kevin Martina", "jongerenwerk", ["caseworker"]),
    ("gemeente.supervisor", "Hans Visser", "gemeente", ["supervisor"]),
    ("gemeente.privacy", "Ingrid Mulder", "gemeente", ["privacy_officer"]),
]

# Which wijkteam serves which district (west/noord), for believable participation.
DISTRICT_WIJKTEAM = {
    "wielwijk": "wijkteam-west",
    "crabbehof": "wijkteam-west",
    "zuidhoven": "wijkteam-west",
    "oud-krispijn": "wijkteam-west",
    "nieuw-krispijn": "wijkteam-west",
    "noordflank": "wijkteam-noord",
    "dubbeldam": "wijkteam-noord",
    "stadspolders": "wijkteam-noord",
    "sterrenburg": "wijkteam-noord",
    "binnenstad": "wijkteam-noord",
    "reeland": "wijkteam-noord",
}

FAMILY_NAMES = [
    "Jansen",
    "de Vries",
    "van den Berg",
    "Bakker",
    "Visser",
    "Smit",
    "Meijer",
    "de Boer",
    "Mulder",
    "de Groot",
    "Bos",
    "Vos",
    "Peters",
    "Hendriks",
    "van Leeuwen",
    "Dekker",
    "Brouwer",
    "de Wit",
    "Dijkstra",
    "Öztürk",
    "El Idrissi",
    "Kaya",
    "Boutaher",
    "Martis",
    "Nowak",
    "Kowalski",
    "Pinas",
    "Sedney",
    "van der Linden",
    "Koster",
    "Willems",
    "ter Horst",
    "Aydın",
    "Rahimi",
    "Haddou",
]
GIVEN_NAMES = [
    "Daan",
    "Sem",
    "Noah",
    "Liam",
    "Lucas",
    "Milan",
    "Emma",
    "Julia",
    "Mila",
    "Sophie",
    "Zoë",
    "Yara",
    "Mohammed",
    "Ayoub",
    "Ilias",
    "Nour",
    "Fenna",
    "Tess",
    "Bram",
    "Jesse",
    "Samira",
    "Esra",
    "Dewi",
    "Kevin",
    "Priscilla",
    "Mark",
    "Sandra",
    "Ahmet",
    "Marco",
    "Ingrid",
    "Patrick",
    "Naima",
    "Wendy",
]
STREETS = [
    "Karel Doormanstraat",
    "Crabbehofdreef",
    "Burgemeester de Raadtsingel",
    "Oranjelaan",
    "Reeweg-Oost",
    "Wielwijkstraat",
    "Admiraal de Ruyterweg",
    "Bankastraat",
    "Van Oldenbarneveltstraat",
    "Noordendijk",
    "Dubbelsteynlaan",
    "Sterrenburgstraat",
    "Vrieseweg",
    "Nassauweg",
    "Spuiweg",
]

# Signaleringen (code, label_nl, label_en, safety), as the migration seeds them
# (migrations/versions/20261202_1200_case_summary_and_flags.py).
FLAG_TYPES = [
    ("veiligheidsrisico_huisbezoek", "Veiligheidsrisico bij huisbezoek", "Safety risk on home visits", True),
    ("wapenbezit", "Wapenbezit", "Possession of weapons", True),
    ("agressie", "Agressie", "Aggression", True),
    ("drugs_verslaving", "Drugs / verslaving", "Drugs / addiction", False),
    ("zorgmijder", "Zorgmijder", "Avoids care", False),
    ("taalbarriere", "Taalbarrière", "Language barrier", False),
    ("minderjarige_kinderen", "Minderjarige kinderen in huis", "Minor children in the home", False),
]
