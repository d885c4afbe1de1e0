"""Reference data of the person register: the ATU/KATO tree and licensed insurers.

Loading is idempotent and never overwrites what an administrator has edited: rows are created
when their natural key is missing and left alone otherwise.
"""

from .models import Atu
from .services import record_history

REASON = "Reference data"

# All 17 regions and the 3 cities of republican significance (KATO AB0000000).
REGIONS = [
    ("100000000", Atu.Level.REGION, "Абай облысы", "Абайская область"),
    ("110000000", Atu.Level.REGION, "Ақмола облысы", "Акмолинская область"),
    ("150000000", Atu.Level.REGION, "Ақтөбе облысы", "Актюбинская область"),
    ("190000000", Atu.Level.REGION, "Алматы облысы", "Алматинская область"),
    ("230000000", Atu.Level.REGION, "Атырау облысы", "Атырауская область"),
    ("270000000", Atu.Level.REGION, "Батыс Қазақстан облысы", "Западно-Казахстанская область"),
    ("310000000", Atu.Level.REGION, "Жамбыл облысы", "Жамбылская область"),
    ("330000000", Atu.Level.REGION, "Жетісу облысы", "Область Жетісу"),
    ("350000000", Atu.Level.REGION, "Қарағанды облысы", "Карагандинская область"),
    ("390000000", Atu.Level.REGION, "Қостанай облысы", "Костанайская область"),
    ("430000000", Atu.Level.REGION, "Қызылорда облысы", "Кызылординская область"),
    ("470000000", Atu.Level.REGION, "Маңғыстау облысы", "Мангистауская область"),
    ("550000000", Atu.Level.REGION, "Павлодар облысы", "Павлодарская область"),
    ("590000000", Atu.Level.REGION, "Солтүстік Қазақстан облысы", "Северо-Казахстанская область"),
    ("610000000", Atu.Level.REGION, "Түркістан облысы", "Туркестанская область"),
    ("620000000", Atu.Level.REGION, "Ұлытау облысы", "Область Ұлытау"),
    ("630000000", Atu.Level.REGION, "Шығыс Қазақстан облысы", "Восточно-Казахстанская область"),
    ("710000000", Atu.Level.CITY, "Астана қаласы", "город Астана"),
    ("750000000", Atu.Level.CITY, "Алматы қаласы", "город Алматы"),
    ("790000000", Atu.Level.CITY, "Шымкент қаласы", "город Шымкент"),
]

# Two cities down to their districts (codes as in the KATO classifier; an administrator
# reviews and extends the tree in the admin).
CITY_DISTRICTS = [
    ("711110000", "710000000", "Алматы ауданы", "район Алматы"),
    ("711210000", "710000000", "Байқоңыр ауданы", "район Байконыр"),
    ("711310000", "710000000", "Есіл ауданы", "район Есиль"),
    ("711410000", "710000000", "Сарыарқа ауданы", "район Сарыарка"),
    ("711510000", "710000000", "Нұра ауданы", "район Нура"),
    ("751110000", "750000000", "Алатау ауданы", "Алатауский район"),
    ("751210000", "750000000", "Алмалы ауданы", "Алмалинский район"),
    ("751310000", "750000000", "Әуезов ауданы", "Ауэзовский район"),
    ("751410000", "750000000", "Бостандық ауданы", "Бостандыкский район"),
    ("751510000", "750000000", "Жетісу ауданы", "Жетысуский район"),
    ("751610000", "750000000", "Медеу ауданы", "Медеуский район"),
    ("751710000", "750000000", "Түрксіб ауданы", "Турксибский район"),
    ("751810000", "750000000", "Наурызбай ауданы", "Наурызбайский район"),
]

# Neighbouring city districts (for the border-area rule of §8).
NEIGHBOURS = [
    ("751110000", "751310000"),
    ("751310000", "751810000"),
    ("751210000", "751310000"),
    ("751410000", "751610000"),
    ("711110000", "711310000"),
    ("711310000", "711210000"),
]


def create_missing(model, lookup: dict, defaults: dict):
    obj = model.objects.filter(**lookup).first()
    if obj is not None:
        return obj, False
    obj = model(**lookup, **defaults)
    obj.full_clean()
    record_history(obj, user=None, reason=REASON)
    obj.save()
    return obj, True


def load() -> int:
    created = 0
    by_code = {}
    for kato, level, kk, ru in REGIONS:
        by_code[kato], new = create_missing(
            Atu, {"kato": kato}, {"level": level, "name_kk": kk, "name_ru": ru}
        )
        created += new
    for kato, parent, kk, ru in CITY_DISTRICTS:
        by_code[kato], new = create_missing(
            Atu,
            {"kato": kato},
            {
                "level": Atu.Level.CITY_DISTRICT,
                "parent": by_code[parent],
                "name_kk": kk,
                "name_ru": ru,
            },
        )
        created += new
    if created:
        for a, b in NEIGHBOURS:
            by_code[a].neighbours.add(by_code[b])
    return created
