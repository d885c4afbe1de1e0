"""Reference data of coverage: acts, packages, the GFMC list of seed 000 with its dated
amendments, the CSHI package of seed 003, eligibility rules, and the lists of seed 004.

Idempotent, and never overwrites an administrator's edits: a row is created only when its
natural key is missing. Seed 000 is the Kazakh text only: it is loaded as the Kazakh wording;
the official Russian wording is entered by an administrator (the Russian UI shows the Kazakh
text, marked as such, until then). Wordings the seeds do not quote are left empty and shown as
"to be entered", never invented.
"""

import datetime

from patients.models import LegalCategory
from patients.reference_data import create_missing

from .models import (
    LEAFLET_CODES,
    Disease,
    EligibilityRule,
    LeafletSection,
    LegalAct,
    Package,
    PackageItem,
    ServiceLimit,
)
from .seed_lists import DISEASES, LEAFLET_TITLES, LIMITS

D = datetime.date
GFMC_FROM = D(2020, 8, 1)  # decree 672, point 4: applies to relations from 01.08.2020
D786_FROM = D(2025, 5, 7)  # decree 786 applies to relations from 07.05.2025
D1086_2026 = D(2026, 1, 1)
D1086_2027 = D(2027, 1, 1)
TEN_DAYS = "алғашқы ресми жарияланған күнінен кейін күнтізбелік он күн өткен соң қолданысқа енгізіледі"

ACTS = [
    {
        "code": "decree-672-2020",
        "number": "672",
        "signed_on": D(2020, 10, 16),
        "title_kk": "Тегін медициналық көмектің кепілдік берілген көлемінің тізбесін бекіту және Қазақстан Республикасы Үкіметінің кейбір шешімдерінің күші жойылды деп тану туралы",
        "entry_into_force_rule": TEN_DAYS
        + " және 2020 жылғы 1 тамыздан бастап туындаған қатынастарға қолданылады",
        "applies_from": GFMC_FROM,
    },
    {
        "code": "decree-786-2025",
        "number": "786",
        "signed_on": D(2025, 9, 23),
        "title_kk": "ҚР Үкіметінің 23.09.2025 № 786 қаулысы",
        "entry_into_force_rule": TEN_DAYS + " және 07.05.2025 бастап туындаған қатынастарға қолданылады",
        "applies_from": D786_FROM,
    },
    {
        "code": "decree-1086-2025",
        "number": "1086",
        "signed_on": D(2025, 12, 15),
        "title_kk": "ҚР Үкіметінің 15.12.2025 № 1086 қаулысы",
        "entry_into_force_rule": "01.01.2026 бастап қолданысқа енгізіледі; 3-тармақтың 1), 2) тармақшалары, 6-тармақтың 3) тармақшасы және 11-тармақ бойынша 01.01.2027 бастап",
        "enters_into_force_on": D1086_2026,
        "applies_from": D1086_2026,
    },
    {
        "code": "order-121-2020",
        "number": "ҚР ДСМ-121/2020",
        "signed_on": D(2020, 10, 9),
        "title_kk": "ҚР Денсаулық сақтау министрінің 9.10.2020 ж. №121/2020 бұйрығы (қоршаған адамдарға қауіп төндіретін аурулар тізбесі)",
    },
    {
        "code": "order-111-2023",
        "number": "111/2023",
        "title_kk": "№ 111/2023 бұйрық (ЖМС шеңберіндегі медициналық көмектің ең төменгі тізбесі)",
    },
]

PACKAGES = [
    {
        "code": "gfmc",
        "kind": Package.Kind.GFMC,
        "name_kk": "Тегін медициналық көмектің кепілдік берілген көлемі (ТМККК)",
        "name_ru": "Гарантированный объем бесплатной медицинской помощи (ГОБМП)",
        "act": "decree-672-2020",
        "legal_reference": "ҚР Үкіметінің 16.10.2020 № 672 қаулысы (23.09.2025 № 786, 15.12.2025 № 1086 өзгерістерімен)",
    },
    {
        "code": "cshi",
        "kind": Package.Kind.CSHI,
        "name_kk": "Міндетті әлеуметтік медициналық сақтандыру (МӘМС) пакеті",
        "name_ru": "Пакет обязательного социального медицинского страхования (ОСМС)",
        "legal_reference": "ФСМС ақпараттық материалы: «Кодекстің жаңа редакциясындағы ТМККК және МӘМС пакеттері»",
        "note": "The seed does not date the package: items apply from 01.01.2020 until an administrator records the dates of the law.",
    },
    {
        "code": "gfmc_dangerous",
        "kind": Package.Kind.GFMC_DANGEROUS,
        "name_kk": "Айналасындағыларға қауіп төндіретін аурулар кезіндегі ТМККК",
        "name_ru": "ГОБМП при заболеваниях, представляющих опасность для окружающих",
        "act": "order-121-2020",
        "legal_reference": "ҚР ДСМ 9.10.2020 № 121/2020 бұйрығы; ХҰҰ жадынамасы",
    },
    {
        "code": "imi_minimum",
        "kind": Package.Kind.IMI_MINIMUM,
        "name_kk": "ЖМС шеңберіндегі медициналық көмектің ең төменгі тізбесі",
        "name_ru": "Минимальный перечень медицинской помощи в рамках ВМС",
        "act": "order-111-2023",
        "legal_reference": "Кодекстің 201-1-бабы; № 111/2023 бұйрық",
        "note": "The items of the minimum list are not in the seeds: an administrator enters them from order 111/2023.",
    },
    {
        "code": "vmi",
        "kind": Package.Kind.VMI,
        "name_kk": "ЕМС бағдарламасы (шарт бойынша)",
        "name_ru": "Программа ДМС (по договору)",
        "legal_reference": "ЕМС шарты",
        "note": "What a VMI contract covers is its programme: add a VMI package per programme when needed.",
    },
]

# GFMC list of decree 672 (seed 000): (number, text_kk, extra fields). Sub-items carry the
# wording the seed shows; dated changes are separate rows.
PENDING_2027 = {
    "valid_from": D1086_2027,
    "amended_by": "decree-1086-2025",
    "amendment_in_force_on": D1086_2027,
    "note": "Decree 1086 gives this sub-point a new wording from 01.01.2027; the seed announces it without quoting it: enter the text from the official publication.",
}
UNTIL_2027 = {"valid_to": D(2026, 12, 31), "ended_by": "decree-1086-2025"}
EARLIER_1086 = {
    "valid_to": D(2025, 12, 31),
    "ended_by": "decree-1086-2025",
    "earlier_wording": True,
    "note": "Wording before decree 1086 (in force until 31.12.2025) is not in the seeds: enter it from the official text.",
}
# Sub-points that decree 786 gives a wording from 07.05.2025: the list applies from 01.08.2020,
# so for the dates before, the row says the earlier wording is still to be entered (never a gap).
EARLIER_786 = {
    "valid_to": D786_FROM - datetime.timedelta(days=1),
    "ended_by": "decree-786-2025",
    "earlier_wording": True,
    "note": "Wording before decree 786 (in force until 06.05.2025) is not in the seeds: enter it from the official text.",
}
NEW_1086 = {"valid_from": D1086_2026, "amended_by": "decree-1086-2025", "amendment_in_force_on": D1086_2026}
BY_786 = {"valid_from": D786_FROM, "amended_by": "decree-786-2025"}

GFMC_ITEMS = [
    ("1", "Уәкілетті орган айқындайтын тәртіппен жедел медициналық көмек.", {}),
    ("2", "Медициналық авиация тартылатын жедел медициналық көмек:", {}),
    (
        "2.1",
        "пациент орналасқан жердегі медициналық ұйымда медициналық бұйымдардың және (немесе) тиісті біліктілігі бар мамандардың болмауына байланысты медициналық көмек көрсету мүмкін болмаған кезде;",
        {},
    ),
    (
        "2.2",
        "медициналық көмек көрсетудің екінші және үшінші деңгейлеріндегі мамандарды межелі жерге жеткізу қажет болған кезде;",
        {},
    ),
    (
        "2.3",
        "пациент орналасқан жерде медициналық көмек көрсету мүмкін болмаған және тиімсіз болған кезде науқасты медициналық көмек көрсетудің екінші және үшінші деңгейлеріндегі медициналық ұйымдарға тасымалдау үшін;",
        {},
    ),
    (
        "2.4",
        "кейіннен транспланттау үшін ағзаларды (ағзалардың бөліктерін) және (немесе) тіндерді (тіндердің бөліктерін) тиісті медициналық ұйымға тасымалдау үшін көрсетіледі.",
        {},
    ),
    ("3", "Медициналық-санитариялық алғашқы көмек (бұдан әрі – МСАК), оның ішінде:", {}),
    ("3.1", "кең таралған ауруларды диагностикалау, емдеу және басқару;", UNTIL_2027),
    ("3.1", "", PENDING_2027),
    ("3.2", "халықтың нысаналы топтарын (балаларды, ересектерді) профилактикалық қарап-тексеру;", UNTIL_2027),
    ("3.2", "", PENDING_2027),
    (
        "3.3",
        "аурулар тәуекелінің мінез-құлықтық факторларын ерте анықтау мен мониторингтеу және анықталған тәуекел факторларын төмендету дағдыларына оқыту;",
        {},
    ),
    ("3.4", "иммундау;", {}),
    ("3.5", "саламатты өмір салтын қалыптастыру және насихаттау;", {}),
    ("3.6", "ұрпақты болу денсаулығын сақтау жөніндегі іс-шаралар;", {}),
    ("3.7", "жүкті әйелдерді бақылау және босанғаннан кейінгі кезеңде босанған әйелдерді бақылау;", {}),
    (
        "3.8",
        "инфекциялық аурулар ошақтарындағы санитариялық-эпидемияға қарсы және санитариялық-профилактикалық іс-шаралар.",
        {},
    ),
    (
        "4",
        "",
        {
            "valid_to": D786_FROM - datetime.timedelta(days=1),
            "ended_by": "decree-786-2025",
            "earlier_wording": True,
            "note": "Point 4 was amended by decree 786 (applies from 07.05.2025); the wording before it is not in the seeds: enter it from the official text.",
        },
    ),
    (
        "4",
        "Уәкілетті орган айқындайтын тәртіппен амбулаториялық жағдайларда мамандандырылған медициналық көмек:",
        BY_786,
    ),
    ("4.1", "", EARLIER_786),
    ("4.1", "уәкілетті орган айқындайтын тізбе бойынша аурулардың профилактикасы мен диагностикасы;", BY_786),
    ("4.2", "", EARLIER_786),
    (
        "4.2",
        "жарақаттанған, уланған кезде немесе басқа да кезек күттірмейтін жағдайларда көрсетілетін қызметтер, оның ішінде міндетті әлеуметтік медициналық сақтандыру (бұдан әрі – МӘМС) жүйесіндегі көрсетілетін қызметтерді тұтынушылар болып табылмайтын адамдар үшін елдегі эпидемиологиялық жағдайдың нашарлауына әкелетін аурулар кезінде және оларға күдік туындаған жағдайларда мобильді бригада көрсететін қызметтер;",
        BY_786,
    ),
    ("4.3", "", EARLIER_786),
    (
        "4.3",
        "уәкілетті орган айқындайтын тізбе бойынша әлеуметтік мәні бар аурулар кезіндегі диагностика және емдеу;",
        BY_786,
    ),
    ("4.4", "", EARLIER_786),
    (
        "4.4",
        "",
        {
            **BY_786,
            "valid_to": D(2025, 12, 31),
            "ended_by": "decree-1086-2025",
            "note": "Excluded by decree 1086 from 01.01.2026; the seed does not quote its wording: enter it from the official text.",
        },
    ),
    ("4.5", "", EARLIER_786),
    ("4.5", "онкологиялық ауруларды ерте анықтауға арналған скринингтік зерттеулер.", BY_786),
    ("4.6", "", EARLIER_786),
    (
        "4.6",
        "артериялық гипертонияны, жүректің ишемиялық ауруын, глаукоманы, қантты диабетті, В және С вирустық гепатиттерін және басқа ауруларды ерте анықтау тұрғысынан уәкілетті орган айқындайтын тізбе бойынша және тәртіппен скринингтік зерттеулер.",
        BY_786,
    ),
    ("5", "", EARLIER_1086),
    (
        "5",
        "Әлеуметтік мәні бар аурулар кезінде стационарды алмастыратын жағдайлардағы мамандандырылған медициналық көмек, сондай-ақ елдегі эпидемиологиялық жағдайдың нашарлауын туындататын аурулар кезінде және оларға күдік туындаған жағдайларда үйде стационар көрсететін қызметтер.",
        NEW_1086,
    ),
    ("6", "Стационарлық жағдайда мамандандырылған медициналық көмек:", {}),
    (
        "6.1",
        "айналасындағыларға қауіп төндіретін инфекциялық немесе паразиттік аурулармен ауыратын науқастармен байланыста болған адамдарды, сондай-ақ бактерия тасымалдаушыларды, вирус тасымалдаушыларды және уәкілетті орган айқындайтын тізбе бойынша айналасындағыларға қауіп төндіретін инфекциялық немесе паразиттік ауруға күдікті адамдарды оқшаулау кезінде;",
        {},
    ),
    (
        "6.2",
        "инфекциялық, паразиттік ауруларды және уәкілетті орган бекіткен тізбе бойынша айналасындағыларға қауіп төндіретін ауруларды емдеу кезінде;",
        {},
    ),
    (
        "6.3",
        "уәкілетті орган айқындаған тізбе бойынша МӘМС жүйесінде көрсетілетін қызметтерді тұтынушылар болып табылмайтын адамдар үшін шұғыл нысанда, оның ішінде тәулік бойы жұмыс істейтін стационардың қабылдау бөлімшесінде емдік-диагностикалық іс-шаралар жүргізу;",
        UNTIL_2027,
    ),
    ("6.3", "", PENDING_2027),
    ("6.4", "уәкілетті орган бекіткен аурулар тізбесі бойынша жоспарлы нысанда көрсетіледі.", {}),
    ("7", "", EARLIER_1086),
    ("7", "Медициналық оңалту:", NEW_1086),
    ("7.1", "", EARLIER_1086),
    ("7.1", "негізгі ауруды емдеу кезінде;", NEW_1086),
    ("7.2", "", EARLIER_1086),
    (
        "7.2",
        "туберкулезбен ауыратын, психикалық, мінез-құлықтық бұзылушылықтары (аурулары) бар адамдарға.",
        NEW_1086,
    ),
    ("8", "Уәкілетті орган айқындайтын аурулар тізбесі бойынша паллиативтік медициналық көмек.", {}),
    ("9", "", EARLIER_1086),
    ("9", "Қан препараттарымен және оның компоненттерімен қамтамасыз ету.", NEW_1086),
    (
        "10",
        "Амбулаториялық, стационарды алмастыратын және стационарлық жағдайларда мамандырылған медициналық көмек көрсету кезінде патологиялық-анатомиялық диагностика.",
        {},
    ),
    (
        "11",
        "Қайтыс болғаннан кейінгі донорды ағзаларды (ағзаның бөліктерін) және (немесе) тіндерді (тіннің бөліктерін) алуға дайындау, алу, консервациялау, дайындау, сақтау, ағзаларды (ағзаның бөліктерін) және (немесе) тіндерді (тіннің бөліктерін) тасымалдау.",
        {**UNTIL_2027, "note": "Decree 1086 excludes point 11 from 01.01.2027."},
    ),
    (
        "12",
        "Уәкілетті орган айқындайтын аурулар тізбесі бойынша Қазақстан Республикасының азаматтарын шетелге емделуге жіберу және (немесе) отандық медициналық ұйымдарда емдеу жүргізу үшін шетелдік мамандарды тарту.",
        {"citizens_only": True},
    ),
    (
        "13",
        "ТМККК шеңберінде дәрілік заттармен, медициналық бұйымдармен, арнайы емдік өнімдермен, иммундық-биологиялық препараттармен:",
        {},
    ),
    (
        "13.1",
        "денсаулық сақтау ұйымдарының дәрілік формулярларына сәйкес стационарлық және стационарды алмастыратын жағдайларда жедел көмек, сондай-ақ мамандандырылған, оның ішінде жоғары технологиялы медициналық көмек;",
        {},
    ),
    ("13.2", "оларға қарсы профилактикалық егу жүргізілетін аурулар тізбесіне сәйкес МСАК;", {}),
    (
        "13.3",
        "белгілі бір аурулары бар (күйдегі) Қазақстан Республикасы азаматтарының жекелеген санаттарын тегін және (немесе) жеңілдікпен қамтамасыз ету үшін уәкілетті орган бекітетін дәрілік заттар мен медициналық бұйымдар тізбесіне сәйкес амбулаториялық жағдайларда МСАК және мамандандырылған медициналық көмек көрсету кезінде қамтамасыз ету іске асырылады.",
        {"citizens_only": True},
    ),
    (
        "14",
        "Әлеуметтік мәні бар аурулар, оның ішінде туберкулезді, АИТВ инфекциясын, қатерлі ісіктерді, созылмалы вирустық гепатиттер мен бауыр циррозын, психикалық, мінез-құлықтық бұзылушылықтарды (ауруларды), орфандық ауруларды, жүйке жүйесінің дегенеративті ауруларын, орталық жүйке жүйесінің миелинсіздендіруші ауруларын, эпилепсияны, алғашқы алты айда болған жіті миокард инфарктін, бір жылда болған инсульттерді қамтитын тізбені уәкілетті орган бекітеді.",
        NEW_1086,
    ),
]

# CSHI package of seed 003 (Fund slides "GFMC and CSHI packages in the new Code").
CSHI_FROM = D(2020, 1, 1)
CSHI_ITEMS = [
    ("1", "Амбулаториялық жағдайдағы арнайы медициналық көмек"),
    ("1.1", "медициналық тексерулер (№ 685 бұйрық)"),
    (
        "1.2",
        "бейінді мамандардың қабылдауы мен кеңес беруі, сондай-ақ, елдегі эпидемиологиялық жағдайды нашарлатуы мүмкін дерттер мен оларға күдік болған жағдайдағы үйге баратын мобильді бригада қызметі",
    ),
    ("1.3", "созылмалы дерттері бар тұлғаларды бейінді мамандардың динамикалық бақылауы"),
    (
        "1.4",
        "халықтың бөлек топтарына шұғыл және жоспарлы түрде көрсетілетін стоматологиялық көмек (ҚР ДСМ-106/2020 бұйрығы)",
    ),
    ("1.5", "диагностикалық қызметтер, оның ішінде лабораториялық диагностика"),
    ("1.6", "тізілім бойынша процедуралар мен манипуляциялар (№ 626 бұйрық)"),
    ("2", "Стационар алмастыру жағдайындағы арнайы, оның ішінде жоғары технологиялық медициналық көмек"),
    (
        "2.1",
        "елдегі эпидемиологиялық жағдайды нашарлатуы мүмкін дерттер мен оларға күдік болған жағдайдағы үйдегі стационар қызметі",
    ),
    (
        "3",
        "Стационар жағдайында жоспарлы түрде көрсетілетін арнайы, оның ішінде жоғары технологиялық медициналық көмек, ТМККК аясында дерттерді емдеу жағдайларынан басқа",
    ),
    (
        "4",
        "Стационар жағдайында шұғыл түрде сақтандырылған тұлғаларға көрсетілетін арнайы медициналық көмек, оның ішінде тәулік бойғы стационардың қабылдау бөлімшесінде емдеу-диагноз қою іс-шараларын жүргізуді қоса алғанда, ТМККК аясындағы жағдайлардан басқа",
    ),
    ("5", "Медициналық оңалту тиісті орган бекітетін дерттер тізілімі бойынша (ҚР ДСМ-116/2020 бұйрығы)"),
    (
        "6",
        "Амбулаториялық, стационар алмастыру және стационар жағдайында арнайы медициналық көмек көрсету кезіндегі патологоанатомиялық диагностика",
    ),
    (
        "7",
        "Қайтыс болған донордан ағза мүшелері мен тіндерін алуға дайындау (алу, консервация, дайындау, сақтау, тасымалдау) (ҚР ДСМ-13 бұйрығы)",
    ),
    (
        "8",
        "Дәрілік заттармен, медициналық бұйымдармен, арнайы емдеу өнімдерімен, иммунобиологиялық препараттармен қамтамасыз ету:",
    ),
    (
        "8.1",
        "стационар және стационар алмастыру жағдайында денсаулық сақтау ұйымының дәрілік формулярларымен тиісінше арнайы, оның ішінде жоғары технологиялық медициналық көмек көрсету кезінде",
    ),
    (
        "8.2",
        "белгілі бір дерттері бар (халдегі) халықтың жеке санаттарына арналған, тиісті орган бекіткен дәрілік заттар, медициналық бұйымдармен амбулаториялық жағдайда алғашқы медициналық-санитарлық және арнайы медициналық көмек көрсету кезінде (№ 666 бұйрық)",
    ),
]

# Who receives what (seed 003 "МЕДИЦИНАЛЫҚ ҚЫЗМЕТ АЛУШЫЛАР", DOMAIN.md): rows, not code. The legal
# references are shown to registrars in either language: they cite the acts (ӘМСҚ = the Fund,
# ҚР ДСМ-194/2020 = the attachment rules of seed 002, order 121/2020 = seed 004's list).
RULES_FROM = D(2020, 1, 1)
FULL_GFMC = "ӘМСҚ: ТМККК толық пакеті; ҚР ДСМ-194/2020, 3-1-т."
DANGEROUS = "ӘМСҚ: айналасындағыларға қауіп төндіретін дерт жұқтырғандағы ТМККК; № 121/2020 бұйрық"
RULES = [
    *[
        ("gfmc", category, "any", "", FULL_GFMC)
        for category in (
            LegalCategory.CITIZEN,
            LegalCategory.KANDAS,
            LegalCategory.REFUGEE,
            LegalCategory.PERMANENT_FOREIGNER,
            LegalCategory.PERMANENT_STATELESS,
        )
    ],
    *[
        ("gfmc_dangerous", category, "any", "", DANGEROUS)
        for category in (
            LegalCategory.TEMPORARY_FOREIGNER,
            LegalCategory.TEMPORARY_STATELESS,
            LegalCategory.ASYLUM_SEEKER,
        )
    ],
    (
        "cshi",
        None,
        "insured",
        "",
        "ӘМСҚ: аударымдар мен жарна төленетін тұлғалар (сақтандырылғандар)",
    ),
    ("imi_minimum", None, "any", "imi", "Кодекс, 201-1-бап; № 111/2023 бұйрық (ЖМС ең төменгі тізбесі)"),
    ("vmi", None, "any", "vmi", "ЕМС шартының бағдарламасы (ҚР ДСМ-194/2020, 9-1, 13-т.)"),
]


def load() -> int:
    created = 0
    acts = {}
    for spec in ACTS:
        spec = dict(spec)
        code = spec.pop("code")
        acts[code], new = create_missing(LegalAct, {"code": code}, spec)
        created += new
    packages = {}
    for spec in PACKAGES:
        spec = dict(spec)
        code = spec.pop("code")
        act = spec.pop("act", None)
        packages[code], new = create_missing(
            Package, {"code": code}, {**spec, "legal_act": acts[act] if act else None}
        )
        created += new
    created += _load_items(packages["gfmc"], acts, GFMC_ITEMS, acts["decree-672-2020"], GFMC_FROM)
    created += _load_items(packages["cshi"], acts, [(n, t, {}) for n, t in CSHI_ITEMS], None, CSHI_FROM)
    for code, category, insured, contract_kind, reference in RULES:
        created += create_missing(
            EligibilityRule,
            {
                "package": packages[code],
                "category": category,
                "insured": insured,
                "contract_kind": contract_kind,
            },
            {"legal_reference": reference, "valid_from": RULES_FROM},
        )[1]
    dangerous = packages["gfmc_dangerous"]
    reference = "ҚР ДСМ-121/2020; ХҰҰ жадынамасы"
    for number, icd10, names in DISEASES:
        created += create_missing(
            Disease,
            {"package": dangerous, "number": number},
            {
                "icd10": icd10,
                "legal_reference": reference,
                "valid_from": acts["order-121-2020"].signed_on,
                **_names(names),
            },
        )[1]
    for leaflet_number, group, count, period, names in LIMITS:
        created += create_missing(
            ServiceLimit,
            {"package": dangerous, "leaflet_number": leaflet_number},
            {
                "group": group,
                "max_count": count,
                "period_kind": period,
                "legal_reference": f"Seed 004, volume of care, row {leaflet_number}",
                "valid_from": acts["order-121-2020"].signed_on,
                **_names(names),
            },
        )[1]
    for section, titles in LEAFLET_TITLES.items():
        for language, title in titles.items():
            created += create_missing(
                LeafletSection, {"section": section, "language": language}, {"title": title}
            )[1]
    return created


def _names(names: tuple) -> dict:
    return {f"name_{code}": name for code, name in zip(LEAFLET_CODES, names, strict=True)}


def _load_items(package, acts, rows, act, default_from) -> int:
    created = 0
    for position, (number, text_kk, extra) in enumerate(rows, start=1):
        extra = dict(extra)
        for key in ("amended_by", "ended_by"):
            if key in extra:
                extra[key] = acts[extra[key]]
        valid_from = extra.pop("valid_from", default_from)
        point, _dot, sub_point = number.partition(".")
        created += create_missing(
            PackageItem,
            {"package": package, "number": number, "valid_from": valid_from},
            {
                "position": position,
                "legal_act": act,
                "point": point,
                "sub_point": sub_point,
                "text_kk": text_kk,
                **extra,
            },
        )[1]
    return created
