"""Builds meta.jsonl and gold.jsonl for the held-out story corpus (hand-annotated)."""
import json, os
ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))

def E(ev, typ, story, actor=None, country=None, target=None, weapon=None, location=None,
      date=None, mod=("asserted",), attr=None, novelty="new", optional=False, alt=()):
    return {"evidence": ev, "type": typ, "alt_types": list(alt), "optional": optional,
            "story": story,
            "actor": None if actor is None else {"names": list(actor), "country": country},
            "target": None if target is None else {"country": target},
            "weapon": weapon,
            "location": None if location is None else {"name": location[0], "country": location[1]},
            "date": None if date is None else {"year": date[0], "month": date[1], "day": date[2]},
            "modality": list(mod),
            "attribution": None if attr is None else {"name": attr[0], "kind": attr[1]},
            "novelty": novelty}

PUTIN = ["Vladimir Putin"]; BIDEN = ["Joe Biden"]; ZEL = ["Volodymyr Zelensky"]
SHOIGU = ["Sergei Shoigu"]; KULEBA = ["Dmytro Kuleba"]
WEST = ["Antony Blinken", "James Cleverly", "Catherine Colonna", "United States", "United Kingdom", "France"]
LUKA = ["Alexander Lukashenko", "Belarus"]; STATE = ["US State Department", "United States"]
DPRK = ["North Korea", "Kim Jong Un"]; KIM = ["Kim Jong Un"]
MACRON = ["Emmanuel Macron"]; LAVROV = ["Sergei Lavrov"]; PESKOV = ["Dmitry Peskov", "Kremlin"]
USAF = ["US Air Force", "Air Force Global Strike Command", "United States"]
TRUMP = ["Donald Trump"]; MEDV = ["Dmitry Medvedev"]
MFA = ["Russian Ministry of Foreign Affairs", "Russia"]
ZAPAD = ["Russia", "Belarus", "Russian Armed Forces", "Belarusian Armed Forces"]
BLRMOD = ("Belarusian Ministry of Defence", "official"); RUMOD = ("Russian Ministry of Defence", "official")
BELARUS = ("Belarus", "BLR")

B = "s-bluff-2022"; BD = (2022, 9, 21)
DB = "s-dirty-bomb-2022"; D23 = (2022, 10, 23)
TNW = "s-belarus-tnw-2023"; T13 = (2023, 6, 13)
OR = "s-oreshnik-belarus-2024"; O6 = (2024, 12, 6)
KP = "s-dprk-icbm-2024"; K31 = (2024, 10, 31)
MU = "s-macron-umbrella-2025"; M5 = (2025, 3, 5); M6 = (2025, 3, 6)
MM = "s-minuteman-2025"; MM21 = (2025, 5, 21)
DH = "s-deadhand-2025"; DH31 = (2025, 7, 31)
SU = "s-subs-2025"; SU1 = (2025, 8, 1)
INF = "s-inf-moratorium-2025"; I4 = (2025, 8, 4)
ZA = "s-zapad-2025"; Z12 = (2025, 9, 12)
INF19 = "s-inf-moratorium-2019"; WD19 = "s-inf-withdrawal-2019"
IRM = "intermediate-range missiles"; TNWW = "tactical nuclear weapons"

DOCS = []  # (file, published, site, lang, duplicate_of, events)
def doc(f, pub, lang, events, dup=None):
    site = f.rsplit("_", 1)[0]
    DOCS.append((f, pub, site, lang, dup, events))

# ---------------- s-bluff-2022 ----------------
doc("meridian_en_01.txt", "2022-09-21", "en", [
    E("warned the West that Moscow was prepared to use every weapon", "threat", B, PUTIN, "RUS", date=BD, mod=("conditional", "asserted")),
    E('Putin accused Western governments of "nuclear blackmail"', "threat", B, PUTIN, "RUS", date=BD, optional=True, alt=("reaction",)),
    E("we will without doubt use all the means at our disposal", "threat", B, PUTIN, "RUS", date=BD, mod=("conditional",)),
    E("This is not a bluff.", "threat", B, PUTIN, "RUS", date=BD, mod=("asserted", "conditional")),
    E('Russia also possessed "various means of destruction"', "threat", B, PUTIN, "RUS", date=BD, optional=True),
    E('Putin had made "overt nuclear threats against Europe"', "reaction", B + "-reaction-us", BIDEN, "USA", target="RUS", date=BD),
    E("A nuclear war cannot be won and must never be fought", "reaction", B + "-reaction-us", BIDEN, "USA", target="RUS", weapon="nuclear weapons", date=BD, optional=True),
])
doc("quotidien_libre_fr_01.txt", "2022-09-21", "fr", [
    E("utiliserait « tous les moyens à sa disposition » si l'intégrité", "threat", B, PUTIN, "RUS", date=BD, mod=("conditional",)),
    E("« Ce n'est pas du bluff », a-t-il martelé", "threat", B, PUTIN, "RUS", date=BD, mod=("asserted", "conditional")),
    E("se livrer à un « chantage nucléaire » contre son pays", "threat", B, PUTIN, "RUS", date=BD, optional=True, alt=("reaction",)),
    E("a dénoncé des « menaces nucléaires ouvertes contre l'Europe »", "reaction", B + "-reaction-us", BIDEN, "USA", target="RUS", date=BD),
    E("le discours visait d'abord à dissuader les Occidentaux", "assessment", B + "-assessment-fra", ["French diplomat"], "FRA", target="RUS", attr=("French diplomat", "anonymous")),
    E("franchir le seuil nucléaire aurait un coût immense", "assessment", B + "-assessment-fra", ["French diplomat"], "FRA", target="RUS", attr=("French diplomat", "anonymous"), optional=True),
])
doc("kyiv_dzerkalo_uk_01.txt", "2022-09-21", "uk", [
    E("заявив, що Москва застосує «всі наявні засоби»", "threat", B, PUTIN, "RUS", date=BD, mod=("conditional",)),
    E("«Це не блеф», - сказав Путін у зверненні", "threat", B, PUTIN, "RUS", date=BD, mod=("asserted", "conditional")),
    E("Він також звинуватив Захід у «ядерному шантажі»", "threat", B, PUTIN, "RUS", date=BD, optional=True, alt=("reaction",)),
    E("сказав, що не вірить у застосування Росією ядерної зброї", "assessment", B + "-assessment-ukr", ZEL, "UKR", target="RUS", weapon="nuclear weapons", mod=("asserted", "negated")),
    E("Я не думаю, що світ дозволить йому використати цю зброю", "assessment", B + "-assessment-ukr", ZEL, "UKR", target="RUS", mod=("asserted", "negated"), optional=True),
])
doc("moskovsky_vestnik_ru_01.txt", "2022-09-21", "ru", [
    E("антироссийской политике и прибегает к ядерному шантажу", "threat", B, PUTIN, "RUS", date=BD, optional=True, alt=("reaction",)),
    E("мы, безусловно, используем все имеющиеся в нашем распоряжении средства", "threat", B, PUTIN, "RUS", date=BD, mod=("conditional",)),
    E("Он подчеркнул, что это «не блеф»", "threat", B, PUTIN, "RUS", date=BD, mod=("asserted", "conditional")),
    E("у России «тоже есть различные средства поражения»", "threat", B, PUTIN, "RUS", date=BD),
    E("роза ветров может развернуться и в их сторону", "threat", B, PUTIN, "RUS", weapon="nuclear weapons", date=BD, mod=("conditional", "asserted")),
])

# ---------------- s-dirty-bomb-2022 ----------------
doc("northgate_en_01.txt", "2022-10-24", "en", [
    E("told their Western counterparts that Ukraine could be preparing", "threat", DB, ["Russian Ministry of Defence", "Sergei Shoigu", "Valery Gerasimov", "Russia"], "RUS", weapon="dirty bomb", date=(2022, 10, None), mod=("asserted", "hedged"), alt=("assessment",)),
    E("an allegation the United States, Britain and France rejected", "reaction", DB + "-reaction-west", WEST, None, target="RUS", date=(2022, 10, None)),
    E("Sergei Shoigu spoke by phone on Sunday with his counterparts", "threat", DB, SHOIGU, "RUS", date=D23, attr=RUMOD, optional=True, alt=("assessment",)),
    E("possible provocations by Ukraine with the use of a dirty bomb", "threat", DB, SHOIGU, "RUS", weapon="dirty bomb", date=D23, mod=("asserted", "hedged"), attr=RUMOD, alt=("assessment",)),
    E("Valery Gerasimov, repeated the allegation in calls with", "threat", DB, ["Valery Gerasimov"], "RUS", date=(2022, 10, 24), alt=("assessment",)),
    E("we all reject Russia's transparently false allegations", "reaction", DB + "-reaction-west", WEST, None, target="RUS", date=D23),
    E("the world would see through any attempt to use the claim", "reaction", DB + "-reaction-west", WEST, None, target="RUS", date=D23, optional=True),
    E("Moscow's accusation suggested Russia itself was preparing such an attack", "reaction", DB + "-reaction-ukr", ZEL, "UKR", target="RUS", alt=("assessment",)),
    E("Kyiv invited inspectors from the International Atomic Energy Agency", "reaction", DB + "-reaction-ukr", ["Ukraine"], "UKR", target="RUS", optional=True),
    E("he said Moscow would use all available means to defend", "threat", B, PUTIN, "RUS", date=(2022, 9, None), mod=("conditional",), novelty="repeat"),
])
doc("ouest_matin_fr_01.txt", "2022-10-23", "fr", [
    E("a multiplié les appels téléphoniques dimanche 23 octobre", "threat", DB, SHOIGU, "RUS", date=D23, optional=True, alt=("assessment",)),
    E("fait part de ses « inquiétudes » quant à une possible utilisation", "threat", DB, SHOIGU, "RUS", weapon="dirty bomb", date=D23, mod=("asserted", "hedged"), attr=RUMOD, alt=("assessment",)),
    E("Les trois pays y rejettent des allégations « manifestement fausses »", "reaction", DB + "-reaction-west", WEST, None, target="RUS", date=D23),
    E("a qualifié les propos russes d'« absurdes »", "reaction", DB + "-reaction-ukr", KULEBA, "UKR", target="RUS"),
    E("Les Russes accusent souvent les autres de ce qu'ils préparent", "reaction", DB + "-reaction-ukr", KULEBA, "UKR", target="RUS", optional=True),
    E("la manœuvre vise avant tout à semer le doute", "assessment", DB + "-assessment-experts", ["military experts"], None, target="RUS", attr=("military experts", "analyst"), optional=True),
])
UK_DB = [
    E("Дмитро Кулеба відкинув звинувачення російського міністра оборони", "reaction", DB + "-reaction-ukr", KULEBA, "UKR", target="RUS"),
    E("який у неділю заявив про нібито підготовку Україною провокації", "threat", DB, SHOIGU, "RUS", weapon="dirty bomb", date=D23, mod=("asserted", "hedged"), alt=("assessment",)),
    E("така ж абсурдна, як і небезпечна", "reaction", DB + "-reaction-ukr", KULEBA, "UKR", target="RUS"),
    E("Україна запросила до себе експертів МАГАТЕ", "reaction", DB + "-reaction-ukr", KULEBA + ["Ukraine"], "UKR", target="RUS", optional=True),
    E("Шойгу провів телефонні розмови з міністрами оборони", "threat", DB, SHOIGU, "RUS", attr=RUMOD, optional=True, alt=("assessment",)),
    E("висловив стурбованість щодо «можливих провокацій України", "threat", DB, SHOIGU, "RUS", weapon="dirty bomb", mod=("asserted", "hedged"), attr=RUMOD, alt=("assessment",)),
    E("це означає лише одне: Росія вже все це підготувала", "reaction", DB + "-reaction-ukr", ZEL, "UKR", target="RUS", alt=("assessment",)),
    E("у спільній заяві також відкинули звинувачення Москви", "reaction", DB + "-reaction-west", WEST, None, target="RUS"),
]
doc("dnipro_visnyk_uk_01.txt", "2022-10-24", "uk", UK_DB)
doc("novyny_skhid_uk_03.txt", "2022-10-24", "uk", UK_DB, dup="dnipro_visnyk_uk_01.txt")
doc("severny_kurier_ru_01.txt", "2022-10-23", "ru", [
    E("провел серию телефонных разговоров с министрами обороны", "threat", DB, SHOIGU, "RUS", date=D23, attr=RUMOD, optional=True, alt=("assessment",)),
    E("выразил обеспокоенность возможными провокациями Украины", "threat", DB, SHOIGU, "RUS", weapon="dirty bomb", date=D23, mod=("asserted", "hedged"), attr=RUMOD, alt=("assessment",)),
    E("Аналогичные опасения Шойгу высказал британскому министру Бену Уоллесу", "threat", DB, SHOIGU, "RUS", date=D23, mod=("asserted", "hedged"), attr=RUMOD, alt=("assessment",)),
    E("по оценке российской стороны, «стремится к неконтролируемой эскалации»", "threat", DB, SHOIGU + ["Russian Ministry of Defence"], "RUS", date=D23, attr=RUMOD, optional=True),
    E("Москва располагает информацией о планах Киева", "threat", DB, ["Maria Zakharova"], "RUS", optional=True, alt=("assessment",)),
    E("На Западе заявления российской стороны назвали необоснованными", "reaction", DB + "-reaction-west", WEST, None, target="RUS", optional=True),
    E("страны «отвергают явно ложные утверждения России»", "reaction", DB + "-reaction-west", WEST, None, target="RUS"),
])

# ---------------- s-belarus-tnw-2023 ----------------
doc("globalbrief_en_01.txt", "2023-06-14", "en", [
    E("had started taking delivery of Russian tactical nuclear weapons", "deployment", TNW, LUKA, "BLR", weapon=TNWW, location=BELARUS, date=T13),
    E("We have missiles and bombs that we received from Russia", "deployment", TNW, LUKA, "BLR", weapon=TNWW, location=BELARUS, date=T13),
    E("He said he would not hesitate to order their use", "threat", TNW, LUKA, "BLR", weapon=TNWW, date=T13, mod=("conditional",)),
    E("had seen no reason to adjust its own strategic nuclear posture", "assessment", TNW + "-assessment-us", STATE, "USA", target="RUS", mod=("asserted", "negated"), alt=("reaction",)),
])
doc("nezavisimy_obozrevatel_ru_01.txt", "2023-06-13", "ru", [
    E("заявил, что республика начала получать российское тактическое ядерное оружие", "deployment", TNW, LUKA, "BLR", weapon=TNWW, location=BELARUS, date=T13),
    E("«У нас есть ракеты и бомбы, которые мы получили от России»", "deployment", TNW, LUKA, "BLR", weapon=TNWW, location=BELARUS, date=T13),
    E("полученные бомбы втрое мощнее тех", "deployment", TNW, LUKA, "BLR", weapon=TNWW, date=T13, optional=True, alt=("threat",)),
    E("не колеблясь применит это оружие в случае агрессии", "threat", TNW, LUKA, "BLR", weapon=TNWW, date=T13, mod=("conditional",)),
    E("но колебаний не будет, если будет агрессия", "threat", TNW, LUKA, "BLR", weapon=TNWW, date=T13, mod=("conditional",)),
    E("размещение ядерного оружия на белорусской территории - ответ на давление Запада", "deployment", TNW, LUKA, "BLR", weapon="nuclear weapons", location=BELARUS, date=T13, optional=True),
])
doc("radio_cite_fr_01.txt", "2023-06-14", "fr", [
    E("avait commencé à recevoir des armes nucléaires tactiques russes", "deployment", TNW, LUKA, "BLR", weapon=TNWW, location=BELARUS, date=T13),
    E("« trois fois plus puissantes » que celles larguées", "deployment", TNW, LUKA, "BLR", weapon=TNWW, date=T13, optional=True, alt=("threat",)),
    E("qu'il n'hésiterait pas en cas d'agression contre son pays", "threat", TNW, LUKA, "BLR", weapon=TNWW, date=T13, mod=("conditional",)),
    E("ces déclarations ne changeaient rien à la posture nucléaire", "assessment", TNW + "-assessment-us", STATE, "USA", target="RUS", mod=("asserted", "negated"), alt=("reaction",)),
    E("n'avoir observé aucun signe indiquant que la Russie se prépare", "assessment", TNW + "-assessment-us", STATE, "USA", target="RUS", mod=("asserted", "negated")),
    E("ce déploiement a surtout une portée politique", "assessment", TNW + "-assessment-analysts", ["researchers"], None, target="RUS", attr=("researchers", "analyst"), optional=True),
])

# ---------------- s-oreshnik-belarus-2024 ----------------
doc("moskovsky_vestnik_ru_02.txt", "2024-12-06", "ru", [
    E("ракетный комплекс «Орешник» может быть размещен на территории Белоруссии", "deployment", OR, PUTIN, "RUS", weapon="Oreshnik", location=BELARUS, date=O6, mod=("planned", "hedged")),
    E("это станет возможным по мере наращивания серийного производства", "deployment", OR, PUTIN, "RUS", weapon="Oreshnik", date=O6, mod=("planned", "conditional"), optional=True),
    E("Путин и Александр Лукашенко подписали договор о гарантиях безопасности", "doctrine", OR, PUTIN + ["Alexander Lukashenko", "Russia"], "RUS", date=O6, optional=True, alt=("arms_control",)),
    E("Россия может ответить на агрессию против Белоруссии с применением", "doctrine", OR, ["Russia"] + PUTIN, "RUS", weapon="nuclear weapons", date=O6, mod=("conditional",)),
    E("цели для комплекса, если он будет размещен в республике", "deployment", OR, PUTIN, "RUS", weapon="Oreshnik", date=O6, mod=("planned", "conditional"), optional=True),
    E("поблагодарил российского коллегу и попросил передать Минску «Орешник»", "deployment", OR, LUKA, "BLR", weapon="Oreshnik", date=O6, mod=("planned",), optional=True),
    E("Лукашенко сообщил, что Белоруссия начала получать российское тактическое", "deployment", TNW, LUKA, "BLR", weapon=TNWW, location=BELARUS, date=(2023, 6, None), novelty="repeat"),
    E("часть полученных бомб втрое мощнее сброшенных на Хиросиму", "deployment", TNW, LUKA, "BLR", weapon=TNWW, date=(2023, 6, None), novelty="repeat", optional=True, alt=("threat",)),
])
doc("kyiv_dzerkalo_uk_02.txt", "2024-12-07", "uk", [
    E("Білорусь може отримати ракетний комплекс «Орєшнік» у другій половині", "deployment", OR, PUTIN, "RUS", weapon="Oreshnik", location=BELARUS, date=O6, mod=("planned", "hedged")),
    E("розміщення стане можливим, коли в Росії наростять", "deployment", OR, PUTIN, "RUS", weapon="Oreshnik", date=O6, mod=("planned", "conditional"), optional=True),
    E("цілі для ураження визначатиме білоруське військово-політичне керівництво", "deployment", OR, PUTIN, "RUS", weapon="Oreshnik", date=O6, mod=("planned",), optional=True),
    E("Путін і Лукашенко підписали договір про гарантії безпеки", "doctrine", OR, PUTIN + ["Alexander Lukashenko", "Russia"], "RUS", date=O6, optional=True, alt=("arms_control",)),
    E("Росія може застосувати ядерну зброю у відповідь на агресію", "doctrine", OR, ["Russia"] + PUTIN, "RUS", weapon="nuclear weapons", date=O6, mod=("conditional",)),
    E("заяви про «Орєшнік» мають насамперед психологічний характер", "assessment", OR + "-assessment-isw", ["Institute for the Study of War", "ISW"], "USA", target="RUS", weapon="Oreshnik"),
    E("Кремль намагається залякати країни НАТО", "assessment", OR + "-assessment-isw", ["Institute for the Study of War", "ISW"], "USA", target="RUS"),
    E("розміщення комплексу в Білорусі суттєво не змінює військового балансу", "assessment", OR + "-assessment-isw", ["Institute for the Study of War", "ISW"], "USA", target="RUS", optional=True),
])

# ---------------- s-dprk-icbm-2024 ----------------
EN_KP = [
    E("launched an intercontinental ballistic missile on Thursday", "test", KP, DPRK, "PRK", weapon="ICBM", date=K31),
    E("It flew for 86 minutes and reached an altitude", "test", KP, DPRK, "PRK", weapon="ICBM", date=K31, attr=("Japanese officials", "official"), optional=True),
    E('which he described as an "appropriate military action"', "threat", KP, KIM, "PRK", date=K31, attr=("North Korean state media", "media"), alt=("test",)),
    E("would never change its line of strengthening its nuclear forces", "threat", KP, KIM, "PRK", weapon="nuclear weapons", date=K31, attr=("North Korean state media", "media"), optional=True, alt=("doctrine",)),
    E("condemned the launch as a clear provocation", "reaction", KP + "-reaction-kor", ["South Korean Joint Chiefs of Staff", "South Korea"], "KOR", target="PRK", date=K31),
    E("the North may have tested a new solid-fuel engine", "assessment", KP + "-assessment-kor", ["South Korean military", "South Korea"], "KOR", target="PRK", mod=("hedged",), optional=True),
    E('"a flagrant violation of multiple UN Security Council resolutions"', "reaction", KP + "-reaction-us", ["Sean Savett", "National Security Council", "White House"], "USA", target="PRK", date=K31),
]
doc("harbourline_en_01.txt", "2024-10-31", "en", EN_KP)
doc("asiadesk_en_01.txt", "2024-11-01", "en", EN_KP, dup="harbourline_en_01.txt")
doc("quotidien_libre_fr_02.txt", "2024-11-01", "fr", [
    E("avoir testé la veille un nouveau missile balistique intercontinental", "test", KP, DPRK, "PRK", weapon="Hwasong-19", date=K31),
    E("Le tir, effectué jeudi matin, a établi un record de durée", "test", KP, DPRK, "PRK", weapon="Hwasong-19", date=K31, attr=("Japanese authorities", "official")),
    E("Tokyo a protesté auprès de Pyongyang", "reaction", KP + "-reaction-jpn", ["Japan", "Japanese government"], "JPN", target="PRK"),
    E("a jugé le tir « inacceptable »", "reaction", KP + "-reaction-jpn", ["Yoshimasa Hayashi", "Japan"], "JPN", target="PRK"),
    E("ne renoncerait « jamais » au renforcement de ses forces nucléaires", "threat", KP, KIM, "PRK", weapon="nuclear weapons", date=K31, attr=("KCNA", "media"), optional=True, alt=("doctrine",)),
    E("Washington a dénoncé une « violation flagrante »", "reaction", KP + "-reaction-us", ["United States", "White House"], "USA", target="PRK"),
])

# ---------------- s-macron-umbrella-2025 ----------------
FR_MU = [
    E("sa décision d'« ouvrir le débat stratégique » sur la protection", "doctrine", MU, MACRON, "FRA", date=M5, mod=("planned", "asserted")),
    E("« Notre dissuasion nucléaire nous protège", "doctrine", MU, MACRON, "FRA", date=M5, optional=True),
    E("« a toujours été et restera entre les mains du président", "doctrine", MU, MACRON, "FRA", date=M5),
    E("qui a plaidé pour une discussion avec Paris et Londres", "doctrine", "s-merz-call-2025", ["Friedrich Merz"], "DEU", novelty="repeat", optional=True),
]
doc("radio_cite_fr_02.txt", "2025-03-05", "fr", FR_MU)
doc("ouest_matin_fr_04.txt", "2025-03-06", "fr", FR_MU, dup="radio_cite_fr_02.txt")
doc("meridian_en_02.txt", "2025-03-06", "en", [
    E("described French President Emmanuel Macron's proposal", "reaction", MU + "-reaction-rus", LAVROV, "RUS", target="FRA", date=M6),
    E("to discuss extending France's nuclear deterrent to European allies", "doctrine", MU, MACRON, "FRA", date=M5, mod=("planned", "asserted")),
    E('he had decided to open a "strategic debate" on protecting Europe', "doctrine", MU, MACRON, "FRA", date=M5, mod=("planned", "asserted")),
    E("any decision would remain in the hands of the French president", "doctrine", MU, MACRON, "FRA", date=M5, optional=True),
    E('that is of course a threat," Lavrov told reporters', "reaction", MU + "-reaction-rus", LAVROV, "RUS", target="FRA", date=M6),
    E('called the speech "extremely confrontational"', "reaction", MU + "-reaction-rus", PESKOV, "RUS", target="FRA"),
])
doc("severny_kurier_ru_02.txt", "2025-03-06", "ru", [
    E("расценил как угрозу в адрес России слова президента Франции", "reaction", MU + "-reaction-rus", LAVROV, "RUS", target="FRA", date=M6),
    E("о возможном распространении французского ядерного зонтика", "doctrine", MU, MACRON, "FRA", date=M5, mod=("planned", "hedged")),
    E("это, конечно, угроза», - заявил Лавров журналистам в четверг", "reaction", MU + "-reaction-rus", LAVROV, "RUS", target="FRA", date=M6),
    E("объявил, что открывает стратегическую дискуссию о защите", "doctrine", MU, MACRON, "FRA", date=M5, mod=("planned", "asserted")),
    E("окончательное решение о применении ядерного оружия в любом случае останется", "doctrine", MU, MACRON, "FRA", date=M5, optional=True),
    E("назвал выступление Макрона «крайне конфронтационным»", "reaction", MU + "-reaction-rus", PESKOV, "RUS", target="FRA"),
])

# ---------------- s-minuteman-2025 ----------------
VAND = ("Vandenberg Space Force Base", "USA")
doc("globalbrief_en_02.txt", "2025-05-21", "en", [
    E("launched an unarmed Minuteman III intercontinental ballistic missile", "test", MM, USAF, "USA", weapon="Minuteman III", location=VAND, date=MM21),
    E("carried a test re-entry vehicle about 4,200 miles", "test", MM, USAF, "USA", weapon="Minuteman III", date=MM21, optional=True),
    E("routine and periodic activities meant to show", "test", MM, USAF, "USA", weapon="Minuteman III", optional=True),
    E("are not a response to current world events", "test", MM, USAF, "USA", optional=True),
    E("the launch demonstrated the readiness of the nation's land-based nuclear forces", "test", MM, ["Thomas Bussiere", "Air Force Global Strike Command"], "USA", optional=True, alt=("readiness",)),
    E("he was opening a debate on whether France's nuclear deterrent", "doctrine", MU, MACRON, "FRA", date=(2025, 3, None), mod=("planned", "asserted"), novelty="repeat"),
    E("could protect European allies, a move Moscow denounced", "reaction", MU + "-reaction-rus", ["Russia"], "RUS", target="FRA", novelty="repeat", optional=True),
])
doc("ouest_matin_fr_02.txt", "2025-05-22", "fr", [
    E("au tir d'essai d'un missile balistique intercontinental Minuteman III", "test", MM, USAF, "USA", weapon="Minuteman III", location=VAND, date=MM21),
    E("a parcouru environ 6 700 kilomètres avant d'atteindre sa cible", "test", MM, USAF, "USA", weapon="Minuteman III", date=MM21, optional=True),
    E("ne constitue pas une réponse à l'actualité internationale", "test", MM, USAF, "USA", optional=True),
    E("Il vise à vérifier la fiabilité et l'efficacité", "test", MM, USAF, "USA", optional=True),
])

# ---------------- s-deadhand-2025 / s-subs-2025 ----------------
EN_SU = [
    E("he had ordered two nuclear submarines to be positioned", "deployment", SU, TRUMP, "USA", target="RUS", weapon="nuclear submarines", date=SU1, alt=("reaction", "readiness")),
    E("I have ordered two Nuclear Submarines to be positioned", "deployment", SU, TRUMP, "USA", target="RUS", weapon="nuclear submarines", date=SU1, alt=("reaction", "readiness")),
    E("Words are very important, and can often lead to unintended consequences", "threat", SU, TRUMP, "USA", target="RUS", date=SU1, optional=True, alt=("reaction",)),
    E("how dangerous the fabled 'Dead Hand' can be", "threat", DH, MEDV, "RUS", target="USA", weapon="Dead Hand", date=DH31),
    E("several analysts said the announcement was largely symbolic", "assessment", SU + "-assessment-analysts", ["analysts"], None, target="USA", attr=("analysts", "analyst"), optional=True),
    E("It's a signal, not a change in posture,", "assessment", SU + "-assessment-analysts", ["former US defence official"], "USA", target="USA", attr=("former US defence official", "anonymous"), optional=True),
]
doc("northgate_en_02.txt", "2025-08-01", "en", EN_SU)
doc("harbourline_en_02.txt", "2025-08-02", "en", EN_SU, dup="northgate_en_02.txt")
doc("quotidien_libre_fr_03.txt", "2025-08-02", "fr", [
    E("avoir ordonné le positionnement de deux sous-marins nucléaires", "deployment", SU, TRUMP, "USA", target="RUS", weapon="nuclear submarines", date=SU1, alt=("reaction", "readiness")),
    E("« Les mots sont très importants", "threat", SU, TRUMP, "USA", target="RUS", date=SU1, optional=True, alt=("reaction",)),
    E("avait évoqué sur Telegram la « fameuse \"Main morte\" »", "threat", DH, MEDV, "RUS", target="USA", weapon="Dead Hand", date=DH31),
])
doc("novyny_skhid_uk_01.txt", "2025-08-02", "uk", [
    E("повідомив, що наказав розмістити два атомні підводні човни", "deployment", SU, TRUMP, "USA", target="RUS", weapon="nuclear submarines", date=SU1, alt=("reaction", "readiness")),
    E("«Я наказав розмістити два атомні підводні човни", "deployment", SU, TRUMP, "USA", target="RUS", weapon="nuclear submarines", date=SU1, alt=("reaction", "readiness")),
    E("Медведєв у Telegram нагадав американському президентові", "threat", DH, MEDV, "RUS", target="USA", weapon="Dead Hand", date=DH31),
])
doc("moskovsky_vestnik_ru_03.txt", "2025-08-04", "ru", [
    E("не видят необходимости вступать в полемику с Вашингтоном", "reaction", SU + "-reaction-rus", PESKOV, "RUS", target="USA", date=I4),
    E("американские подлодки и так находятся на боевом дежурстве", "reaction", SU + "-reaction-rus", PESKOV, "RUS", target="USA", date=I4, alt=("assessment",)),
    E("«все должны быть очень и очень осторожны»", "reaction", SU + "-reaction-rus", PESKOV, "RUS", target="USA", date=I4),
    E("распорядился разместить две атомные подводные лодки", "deployment", SU, TRUMP, "USA", target="RUS", weapon="nuclear submarines", date=SU1, alt=("reaction", "readiness")),
    E("напомнил американскому лидеру о системе «Мертвая рука»", "threat", DH, MEDV, "RUS", target="USA", weapon="Dead Hand", date=(2025, None, None)),
    E("подлодки уже находятся «там, где им нужно быть»", "deployment", SU, TRUMP, "USA", target="RUS", weapon="nuclear submarines", date=(2025, 8, None), alt=("readiness",)),
])

# ---------------- s-inf-moratorium-2025 ----------------
RU_INF = [
    E("больше не считает себя связанной ранее принятыми самоограничениями", "arms_control", INF, MFA, "RUS", weapon=IRM, date=I4, alt=("deployment",)),
    E("«Условия для сохранения одностороннего моратория на развертывание", "arms_control", INF, MFA, "RUS", weapon=IRM, date=I4, alt=("deployment",)),
    E("Конкретные параметры ответных мер, как говорится в заявлении", "deployment", INF, MFA, "RUS", weapon=IRM, mod=("planned",), optional=True),
    E("назвал решение МИД «новой реальностью»", "threat", INF + "-medvedev", MEDV, "RUS", date=(2025, 8, None)),
    E("«Ждите дальнейших шагов», - написал он", "threat", INF + "-medvedev", MEDV, "RUS", date=(2025, 8, None)),
    E("прекратил действие в 2019 году после выхода из него США", "arms_control", WD19, ["United States"], "USA", date=(2019, None, None), novelty="repeat", optional=True),
    E("Россия в одностороннем порядке воздерживалась от размещения таких ракет", "arms_control", INF19, ["Russia"], "RUS", weapon=IRM, novelty="repeat", optional=True),
]
doc("telegraf_rus_ru_01.txt", "2025-08-04", "ru", RU_INF)
doc("severny_kurier_ru_03.txt", "2025-08-05", "ru", RU_INF, dup="telegraf_rus_ru_01.txt")
doc("meridian_en_03.txt", "2025-08-05", "en", [
    E("no longer considered itself bound by a self-imposed moratorium", "arms_control", INF, MFA, "RUS", weapon=IRM, date=I4, alt=("deployment",)),
    E('"conditions for maintaining a unilateral moratorium" had disappeared', "arms_control", INF, MFA, "RUS", weapon=IRM, date=I4, alt=("deployment",)),
    E("Decisions on specific steps would be taken by the country's leadership", "deployment", INF, MFA, "RUS", weapon=IRM, mod=("planned",), optional=True),
    E('wrote on X: "Expect further steps."', "threat", INF + "-medvedev", MEDV, "RUS", date=(2025, 8, None)),
    E("Washington withdrew from the 1987 Intermediate-Range Nuclear Forces Treaty", "arms_control", WD19, ["United States"], "USA", date=(2019, None, None), novelty="repeat", optional=True),
    E("Russia had since said it would not deploy such missiles", "arms_control", INF19, ["Russia"], "RUS", weapon=IRM, novelty="repeat", optional=True),
    E("Trump ordered two nuclear submarines repositioned", "deployment", SU, TRUMP, "USA", target="RUS", weapon="nuclear submarines", date=(2025, None, None), novelty="repeat", alt=("reaction", "readiness")),
    E("Putin said Russia's new Oreshnik intermediate-range missile could be stationed", "deployment", OR, PUTIN, "RUS", weapon="Oreshnik", location=BELARUS, date=(2024, 12, None), mod=("planned", "hedged"), novelty="repeat"),
    E("the end of the moratorium largely formalises a course", "assessment", INF + "-assessment-analysts", ["Western experts"], None, target="RUS", attr=("Western experts", "analyst"), optional=True),
])
doc("dnipro_visnyk_uk_02.txt", "2025-08-05", "uk", [
    E("більше не вважає себе зв'язаною мораторієм на розміщення ракет", "arms_control", INF, MFA, "RUS", weapon=IRM, date=I4, alt=("deployment",)),
    E("умови для збереження одностороннього мораторію «зникли»", "arms_control", INF, MFA, "RUS", weapon=IRM, date=I4, alt=("deployment",)),
    E("Про конкретні кроки у відповідь, як зазначили в Москві", "deployment", INF, MFA, "RUS", weapon=IRM, mod=("planned",), optional=True),
    E("Дмитро Медведєв пригрозив Заходу «подальшими кроками»", "threat", INF + "-medvedev", MEDV, "RUS", date=(2025, 8, None)),
    E("заява МЗС лише закріплює те, що Росія і так робила", "assessment", INF + "-assessment-ukr", ["Ukrainian military analysts"], "UKR", target="RUS", attr=("Ukrainian military analysts", "analyst"), optional=True),
    E("США вийшли з Договору про ліквідацію ракет середньої та меншої дальності", "arms_control", WD19, ["United States"], "USA", date=(2019, None, None), novelty="repeat", optional=True),
    E("Москва заявляла, що не розміщуватиме такі ракети", "arms_control", INF19, ["Russia"], "RUS", weapon=IRM, novelty="repeat", optional=True),
])

# ---------------- s-zapad-2025 ----------------
doc("radio_cite_fr_03.txt", "2025-09-12", "fr", [
    E("ont lancé vendredi 12 septembre les exercices militaires conjoints Zapad-2025", "exercise", ZA, ZAPAD, None, date=Z12),
    E("s'entraîner à planifier l'emploi d'armes nucléaires non stratégiques", "exercise", ZA, ZAPAD, None, weapon=TNWW, date=Z12, mod=("planned", "asserted"), attr=BLRMOD),
    E("a fermé dans la nuit de jeudi à vendredi", "reaction", ZA + "-reaction-pol", ["Poland"], "POL", target="BLR", optional=True),
    E("Vladimir Poutine avait annoncé que l'Oreshnik pourrait être déployé", "deployment", OR, PUTIN, "RUS", weapon="Oreshnik", location=BELARUS, date=(2024, 12, None), mod=("planned", "hedged"), novelty="repeat"),
])
doc("kyiv_dzerkalo_uk_03.txt", "2025-09-13", "uk", [
    E("Росія та Білорусь розпочали спільні стратегічні навчання «Захід-2025»", "exercise", ZA, ZAPAD, None, date=Z12),
    E("відпрацьовуватимуть планування застосування нестратегічної ядерної зброї", "exercise", ZA, ZAPAD, None, weapon=TNWW, date=Z12, mod=("planned", "asserted"), attr=BLRMOD),
    E("Польща на час навчань повністю закрила кордон з Білоруссю", "reaction", ZA + "-reaction-pol", ["Poland"], "POL", target="BLR", optional=True),
    E("МЗС Росії заявило, що Москва більше не дотримуватиметься мораторію", "arms_control", INF, MFA, "RUS", weapon=IRM, date=(2025, 8, None), novelty="repeat", alt=("deployment",)),
])
doc("globalbrief_en_03.txt", "2025-09-16", "en", [
    E("observed the Zapad-2025 exercises at a training ground", "exercise", ZA, PUTIN, "RUS", location=("Nizhny Novgorod region", "RUS"), date=(2025, 9, 16)),
    E("The Kremlin said around 100,000 servicemen took part", "exercise", ZA, ZAPAD, None, optional=True),
    E("Putin said the aim was to practise everything needed", "exercise", ZA, PUTIN, "RUS", date=(2025, 9, 16), optional=True),
    E("the scenario included planning the use of non-strategic nuclear weapons", "exercise", ZA, ZAPAD, None, weapon=TNWW, date=(2025, 9, None), attr=BLRMOD),
    E("saw the nuclear scenario as an attempt at intimidation", "assessment", ZA + "-assessment-nato", ["NATO", "NATO official"], "NATO", target="RUS", attr=("NATO official", "anonymous")),
    E("We have seen no changes in Russia's nuclear posture", "assessment", ZA + "-assessment-nato", ["NATO", "NATO official"], "NATO", target="RUS", mod=("asserted", "negated"), attr=("NATO official", "anonymous")),
    E("Poland deployed some 40,000 troops along its eastern border", "reaction", ZA + "-reaction-pol", ["Poland"], "POL", target="BLR", optional=True),
])

# ---------------- distractors ----------------
doc("touchline_en_01.txt", "2025-03-10", "en", [])
doc("ouest_matin_fr_03.txt", "2022-10-16", "fr", [])
doc("novyny_skhid_uk_02.txt", "2025-09-24", "uk", [])
doc("dnipro_visnyk_uk_03.txt", "2025-06-24", "uk", [])
doc("telegraf_rus_ru_02.txt", "2025-04-15", "ru", [])

DOCS.sort(key=lambda d: (d[1], d[0]))
with open(os.path.join(ROOT, "meta.jsonl"), "w") as m, open(os.path.join(ROOT, "gold.jsonl"), "w") as g:
    for f, pub, site, lang, dup, evs in DOCS:
        m.write(json.dumps({"doc": "corpus/" + f, "published": pub, "site": site, "language": lang,
                            "duplicate_of": None if dup is None else "corpus/" + dup}, ensure_ascii=False) + "\n")
        g.write(json.dumps({"doc": "corpus/" + f, "language": lang, "published": pub, "events": evs},
                           ensure_ascii=False) + "\n")
print(len(DOCS), "docs")
