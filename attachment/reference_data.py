"""Reference data of attachment: the nine grounds of §10, the ground rules of §3-1/§11, refusal
reasons, detachment reasons, the recurring campaign window, the ATU comparison level, the
free-choice limit, the working calendar and the staff roles. Idempotent: rows are created when
missing and never overwritten."""

import datetime

from patients.access import roles_ensure
from patients.models import LegalCategory
from patients.reference_data import create_missing

from . import rules
from .models import (
    AtuComparisonLevel,
    CampaignWindow,
    Channel,
    DetachReason,
    FreeChoiceLimit,
    Ground,
    GroundCondition,
    GroundRule,
    LegalAct,
    PublicHoliday,
    RefusalReason,
)

# Rules ҚР ДСМ-194/2020 §10 as amended by order No. 141 (seed 002).
GROUNDS = [
    (
        1,
        "Тұрақты немесе уақытша тұратын жерін өзгерту",
        "Изменение места постоянного или временного проживания",
    ),
    (
        2,
        "МСАК ұйымын бір ӘАБ шегінде еркін таңдау",
        "Свободный выбор организации ПМСП в пределах одной АТЕ",
    ),
    (3, "Қордың бекіту науқаны", "Кампания прикрепления Фонда"),
    (4, "ЕМС және (немесе) ЖМС шарты", "Договор ДМС и (или) ВМС"),
    (
        5,
        "Өңірлік комиссияның бекітуімен келіспеу",
        "Несогласие с прикреплением региональной комиссией",
    ),
    (6, "МСАК ұйымының МСАК көрсетуден бас тартуы", "Отказ организации ПМСП от оказания ПМСП"),
    (
        7,
        "Көрсетілетін қызметтер көлемінің орналастырылмауы",
        "Неразмещение объема медицинских услуг",
    ),
    (
        8,
        "Жаңадан пайдалануға берілетін денсаулық сақтау ұйымының пайда болуы",
        "Ввод в эксплуатацию новой организации здравоохранения",
    ),
    (
        9,
        "Мемлекеттік МСАК ұйымын жекешелендіру арқылы иеліктен шығару",
        "Отчуждение государственной организации ПМСП путем приватизации",
    ),
]
# What each ground means, as the rows' flags (the code reads the flags, never the numbers):
# §9-1: ground 4 is made under a VMI/IMI contract and lasts for it; grounds 6–9 have no procedure
# in the seeds and are acts that move the attached population in bulk.
CONTRACT_GROUNDS = {4}
BULK_GROUNDS = {6, 7, 8, 9}


# Rules ҚР ДСМ-194/2020 (order of 13.11.2020) as amended by order No. 141 of 31.07.2023: the
# rule rows below give order 141's wording, so they apply from its entry into force. The order was
# registered on 01.08.2023 and enters into force ten calendar days after its first official
# publication (point 4); the seeds do not give the publication date, so the rows start on the
# earliest date that allows (publication on the day of registration: 12.08.2023), marked
# unconfirmed, until a rules administrator confirms the date. The wording of the rules before
# order 141 is not in the seeds: for earlier dates no rule is recorded (the attach service says so,
# the register import takes such rows as register facts) until an administrator enters it.
ORDER_141 = {
    "number": "141",
    "title": (
        "Приказ Министра здравоохранения РК от 31.07.2023 № 141 о внесении изменений в приказы "
        "№ 665/2011, ҚР ДСМ-194/2020 и ҚР ДСМ-90/2021"
    ),
    "registered_on": datetime.date(2023, 8, 1),
    "in_force_rule": "по истечении десяти календарных дней после дня его первого официального опубликования",
    "in_force_on": datetime.date(2023, 8, 12),
    "in_force_confirmed": False,
}
RULES_SOURCE = "ҚР ДСМ-194/2020 §3-1, §8, §9-1, §10, §11 (order 141 of 31.07.2023)"
PERMANENT = [1, 2, 3, 4, 5]  # §3-1: GFMC and CSHI
TEMPORARY = [6, 7, 8]  # §3-1: VMI/IMI; GFMC/CSHI grounds only while CSHI-insured
_CHOICE = [Channel.CLINIC, Channel.EGOV, Channel.IMPORT]
_BY_ACT = [Channel.ACT, Channel.CLINIC, Channel.IMPORT]
# (categories, ground, condition, campaign only, residence ATU, channels)
GROUND_RULES = [
    (PERMANENT, 1, GroundCondition.NONE, False, True, _CHOICE + [Channel.ACT]),
    (PERMANENT, 2, GroundCondition.NONE, False, True, _CHOICE),
    (PERMANENT, 3, GroundCondition.NONE, True, True, _CHOICE),
    (PERMANENT, 5, GroundCondition.COMMISSION_ATTACHMENT, False, True, _CHOICE),
    (PERMANENT, 6, GroundCondition.NONE, False, True, _BY_ACT),
    (PERMANENT, 7, GroundCondition.NONE, False, True, _BY_ACT),
    (PERMANENT, 8, GroundCondition.NONE, False, True, _BY_ACT),
    (PERMANENT, 9, GroundCondition.NONE, False, True, _BY_ACT),
    (TEMPORARY, 1, GroundCondition.CSHI_INSURED, False, True, _CHOICE + [Channel.ACT]),
    (TEMPORARY, 2, GroundCondition.CSHI_INSURED, False, True, _CHOICE),
    (TEMPORARY, 3, GroundCondition.CSHI_INSURED, True, True, _CHOICE),
    # §3-1 with §10.6–9: whoever is attached under grounds 1–3 while CSHI-insured is moved with
    # the organization's attached population under the same condition.
    (TEMPORARY, 6, GroundCondition.CSHI_INSURED, False, True, _BY_ACT),
    (TEMPORARY, 7, GroundCondition.CSHI_INSURED, False, True, _BY_ACT),
    (TEMPORARY, 8, GroundCondition.CSHI_INSURED, False, True, _BY_ACT),
    (TEMPORARY, 9, GroundCondition.CSHI_INSURED, False, True, _BY_ACT),
    # §9-1: the organization named in the contract, any day of the year, for the contract's validity.
    (TEMPORARY, 4, GroundCondition.CONTRACT, False, False, [Channel.CLINIC, Channel.INSURER, Channel.IMPORT]),
]

REFUSAL_REASONS = [
    (rules.PERSON_DEAD, "Адам қайтыс болған", "Лицо умерло"),
    (
        rules.NO_RULE_RECORDED,
        "Бұл күнге бекіту қағидасы тіркелмеген",
        "На эту дату правило прикрепления не записано",
    ),
    (
        rules.MINOR_WITHOUT_REPRESENTATIVE,
        "Кәмелетке толмағанның заңды өкілі тіркелмеген",
        "Не зарегистрирован законный представитель несовершеннолетнего",
    ),
    (
        rules.REPRESENTATIVE_WITHOUT_DOCUMENT,
        "Заңды өкілі тіркелген, бірақ оның жеке басын куәландыратын құжаты тіркелмеген",
        "Законный представитель зарегистрирован, но не зарегистрирован его документ, удостоверяющий личность",
    ),
    (
        rules.ORGANIZATION_MAY_NOT_ATTACH,
        "Ұйымның Қормен сатып алу шарты да, интеграцияланған ақпараттық жүйесі де жоқ",
        "У организации нет ни договора закупа с Фондом, ни интегрированной информационной системы",
    ),
    (
        rules.GROUND_NOT_ALLOWED,
        "Бұл негіз адамның санатына қолданылмайды",
        "Основание не применяется к категории лица",
    ),
    (
        rules.CHANNEL_NOT_ALLOWED,
        "Бұл негіз бойынша өтініш осы тәсілмен берілмейді",
        "Заявление по этому основанию не подается этим способом",
    ),
    (rules.NOT_INSURED, "Адам МӘМС жүйесінде сақтандырылмаған", "Лицо не застраховано в системе ОСМС"),
    (
        rules.NO_CONTRACT,
        "Осы ұйымды көрсететін жарамды ЕМС/ЖМС шарты жоқ",
        "Нет действующего договора ДМС/ВМС с указанием этой организации",
    ),
    (
        rules.NOT_ATTACHED_BY_COMMISSION,
        "Адам өңірлік комиссияның шешімімен бекітілмеген",
        "Лицо не прикреплено решением региональной комиссии",
    ),
    (rules.CAMPAIGN_CLOSED, "Бекіту науқаны жүріп жатқан жоқ", "Кампания прикрепления не проводится"),
    (
        rules.OUTSIDE_ATU,
        "Ұйым тұрғылықты жердің ӘАБ шегінен тыс",
        "Организация находится за пределами АТЕ места проживания",
    ),
    (
        rules.FREE_CHOICE_LIMIT,
        "Ұйымды еркін ауыстыру шегі пайдаланылған",
        "Лимит свободной смены организации исчерпан",
    ),
    (
        rules.ALREADY_ATTACHED,
        "Адам осы ұйымға бекітілген",
        "Лицо уже прикреплено к этой организации",
    ),
    (
        rules.LATER_ATTACHMENT,
        "Кейінгі күнге бекіту тіркелген",
        "Уже зарегистрировано прикрепление с более поздней даты",
    ),
    (rules.DISTRICT_FULL, "Учаске толық", "Участок заполнен"),
    (rules.DOCUMENTS_INCOMPLETE, "Құжаттар толық емес", "Документы представлены не полностью"),
]

# Why staff end an attachment at the desk (`attachment_detach`): (code, kk, ru, needs a note).
# Administrators add, rename or retire reasons in the admin; "other" asks for the registrar's note.
DETACH_REASONS = [
    (
        "moved_abroad",
        "Қазақстан Республикасының шегінен тыс жерге кетуі",
        "Выезд за пределы Республики Казахстан",
        False,
    ),
    ("moved_other_region", "Басқа өңірге көшуі", "Переезд в другой регион", False),
    ("person_request", "Тұлғаның өтініші бойынша", "По заявлению лица", False),
    ("other", "Басқа себеп", "Иная причина", True),
]

# Seed 002 §10.3: 15 September – 15 November; the new clinic serves from 1 January next year.
# One country-wide row without a year: it recurs every year from the rules' first year
# (`rules.window_in_year`); administrators add rows for a year or an ATU.
CAMPAIGN_STARTS, CAMPAIGN_ENDS = (9, 15), (11, 15)  # (month, day)

# Public holidays on fixed days, law "On holidays in the Republic of Kazakhstan" No. 267 of
# 13.12.2001 as amended: (month, day, kk, ru, moves off a weekend, valid from, valid to). The
# religious holidays (Orthodox Christmas, Kurban ait) do not move; Kurban ait's date changes
# every year and is entered as a dated calendar day, like the transfer decrees.
HOLIDAYS_LAW = "Закон РК «О праздниках в Республике Казахстан» от 13.12.2001 № 267"
_D = datetime.date
_SINCE = _D(2002, 1, 1)
_NEW_YEAR = ("Жаңа жыл", "Новый год")
_NAURYZ = ("Наурыз мейрамы", "Наурыз мейрамы")
_CONSTITUTION = ("Қазақстан Республикасының Конституциясы күні", "День Конституции Республики Казахстан")
_INDEPENDENCE = ("Тәуелсіздік күні", "День Независимости")
PUBLIC_HOLIDAYS = [
    (1, 1, *_NEW_YEAR, True, _SINCE, None),
    (1, 2, *_NEW_YEAR, True, _SINCE, None),
    (1, 7, "Православиелік Рождество", "Православное Рождество", False, _D(2006, 1, 1), None),
    (3, 8, "Халықаралық әйелдер күні", "Международный женский день", True, _SINCE, None),
    (3, 15, *_CONSTITUTION, True, _D(2027, 1, 1), None),
    (3, 21, *_NAURYZ, True, _D(2010, 1, 1), None),
    (3, 22, *_NAURYZ, True, _SINCE, None),
    (3, 23, *_NAURYZ, True, _D(2010, 1, 1), None),
    (5, 1, "Қазақстан халқының бірлігі мерекесі", "Праздник единства народа Казахстана", True, _SINCE, None),
    (5, 7, "Отан Қорғаушы күні", "День защитника Отечества", True, _D(2013, 1, 1), None),
    (5, 9, "Жеңіс күні", "День Победы", True, _SINCE, None),
    (7, 6, "Астана күні", "День Столицы", True, _D(2009, 1, 1), None),
    (8, 30, *_CONSTITUTION, True, _SINCE, _D(2025, 12, 31)),
    (10, 25, "Республика күні", "День Республики", True, _D(2022, 1, 1), None),
    (12, 1, "Тұңғыш Президент күні", "День Первого Президента", True, _D(2012, 1, 1), _D(2021, 12, 31)),
    (12, 16, *_INDEPENDENCE, True, _SINCE, None),
    (12, 17, *_INDEPENDENCE, True, _SINCE, _D(2021, 12, 31)),
]


def _ground_rules(grounds, act) -> int:
    created = 0
    for categories, code, condition, campaign_only, residence_atu, channels in GROUND_RULES:
        for category in categories:
            created += create_missing(
                GroundRule,
                {
                    "category": LegalCategory(category),
                    "ground": grounds[code],
                    "valid_from": act.in_force_on,
                },
                {
                    "condition": condition,
                    "campaign_only": campaign_only,
                    "residence_atu": residence_atu,
                    "channels": list(channels),
                    "source": RULES_SOURCE,
                    "legal_act": act,
                },
            )[1]
    return created


def _calendar() -> int:
    created = 0
    for month, day, kk, ru, moves, valid_from, valid_to in PUBLIC_HOLIDAYS:
        created += create_missing(
            PublicHoliday,
            {"month": month, "day": day, "valid_from": valid_from},
            {
                "name_kk": kk,
                "name_ru": ru,
                "moves_off_weekend": moves,
                "valid_to": valid_to,
                "source": HOLIDAYS_LAW,
            },
        )[1]
    return created


def load() -> int:
    created = 0
    for code, kk, ru in GROUNDS:
        created += create_missing(
            Ground,
            {"code": code},
            {
                "name_kk": kk,
                "name_ru": ru,
                "needs_contract": code in CONTRACT_GROUNDS,
                "moves_in_bulk": code in BULK_GROUNDS,
            },
        )[1]
    grounds = {g.code: g for g in Ground.objects.all()}
    number = ORDER_141["number"]
    act, new = create_missing(
        LegalAct, {"number": number}, {k: v for k, v in ORDER_141.items() if k != "number"}
    )
    created += new
    created += _ground_rules(grounds, act)
    for code, kk, ru in REFUSAL_REASONS:
        created += create_missing(RefusalReason, {"code": code}, {"name_kk": kk, "name_ru": ru})[1]
    for code, kk, ru, needs_note in DETACH_REASONS:
        created += create_missing(
            DetachReason, {"code": code}, {"name_kk": kk, "name_ru": ru, "needs_note": needs_note}
        )[1]
    first = act.in_force_on.year  # the campaign of §10.3 in the wording of order 141
    created += create_missing(
        CampaignWindow,
        {"year": None, "atu": None},
        {
            "starts_on": datetime.date(first, *CAMPAIGN_STARTS),
            "ends_on": datetime.date(first, *CAMPAIGN_ENDS),
            "takes_effect_on": datetime.date(first + 1, 1, 1),
        },
    )[1]
    for applies_to, level in (
        (AtuComparisonLevel.AppliesTo.CITY, AtuComparisonLevel.Level.REGION),
        (AtuComparisonLevel.AppliesTo.OTHER, AtuComparisonLevel.Level.DISTRICT),
    ):
        if not AtuComparisonLevel.objects.filter(applies_to=applies_to).exists():
            created += create_missing(
                AtuComparisonLevel,
                {"applies_to": applies_to},
                {"level": level, "valid_from": act.in_force_on, "legal_act": act},
            )[1]
    # The e-gov service passport: a change of organization once a year.
    if not FreeChoiceLimit.objects.filter(ground=grounds[2]).exists():
        created += create_missing(
            FreeChoiceLimit,
            {"ground": grounds[2]},
            {"max_count": 1, "months": 12, "valid_from": act.in_force_on, "legal_act": act},
        )[1]
    created += _calendar()
    roles_ensure()
    return created
