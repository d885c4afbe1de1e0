"""The folded form of a person's name that search compares: one SQL definition, used by the
index and by every query.

`name_fold(text)` (migration patients 0010) is an IMMUTABLE SQL function: upper case; Kazakh
letters to their Russian neighbours (Ә→А, Ғ→Г, Қ→К, Ң→Н, Ө→О, Ұ/Ү→У, Һ→Х, І→И) and Ё→Е, Э→Е,
Й/Ы→И; Ъ, Ь, apostrophes dropped, hyphens as spaces; then Cyrillic to Latin letters (Ж→ZH,
Х→H, Ц→TS, Ч→CH, Ш→SH, Щ→SHCH, Ю→IU, Я→IA, the rest one to one), with the Latin spellings of
passports and of the Kazakh Latin alphabet brought to the same form (KH→H, Y→I, IE→E, J→ZH,
Q→K, Ş→SH, Ç→CH, Ä/Ö/Ü/Ū/Ğ/Ñ/İ without their marks). "Асель", "Әсел" and "Asel" all give
ASEL; "Жұмабаев", "Zhumabayev" and "Jumabaev" give ZHUMABAEV.
`person_name_key(last_name, first_name, middle_name)` folds the full name; `Person.name_key` is
that, stored by the database (a generated column), with a GIN trigram index
(`person_name_key_trgm`). Queries compare it with `NameFold(what was typed)`.
"""

from django.db.models import Func, TextField


class NameFold(Func):
    """`name_fold(expression)`: a name (or what a registrar typed) in its folded form."""

    function = "name_fold"
    arity = 1
    output_field = TextField()


class PersonNameKey(Func):
    """`person_name_key(last_name, first_name, middle_name)`: the folded full name."""

    function = "person_name_key"
    arity = 3
    output_field = TextField()

    def __init__(self, last_name="last_name", first_name="first_name", middle_name="middle_name", **extra):
        super().__init__(last_name, first_name, middle_name, **extra)
