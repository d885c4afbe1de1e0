"""Every registrar form given malformed input: a clear message, nothing written, HTML escaped.

Each form is described once (its URL, a valid submission, the rows it would write); the bad
values below are tried on it. Too long, wrong types, impossible dates, Unicode tricks (zero-width
characters, direction overrides, fullwidth digits, mixed Latin and Cyrillic), markup in names.
"""

import datetime
from collections.abc import Callable
from dataclasses import dataclass

import pytest
from django.urls import reverse

from patients.models import (
    ContingentFlag,
    FamilyLink,
    IdentityDocument,
    InsuranceContract,
    InsuredStatusPeriod,
    LegalRepresentative,
    Person,
)

from ..factories import InsurerFactory, PersonFactory

pytestmark = pytest.mark.django_db

NEW_IIN = "901123300258"
ZERO_WIDTH_SPACE = "\u200b"
RTL_OVERRIDE = "\u202e"
BOM = "\ufeff"
BELL = "\x07"
INVISIBLE = "Remove invisible or control characters (such as zero-width spaces or direction marks)."
NAME_CHARACTERS = "A name may contain only letters, spaces, hyphens, apostrophes and dots."
INVALID_DATE = "Enter a valid date."
SCRIPT = "<script>alert(1)</script>"


def too_long(limit):
    return "Ы" * (limit + 1), f"Ensure this value has at most {limit} characters (it has {limit + 1})."


@dataclass
class FormCase:
    url: Callable
    data: Callable
    written: Callable  # rows this form writes (history rows included): must not change


def history_rows():
    models = [Person, IdentityDocument, LegalRepresentative, FamilyLink, ContingentFlag]
    models += [InsuredStatusPeriod, InsuranceContract]
    return sum(model.history.count() for model in models)


def person_data(ctx=None):
    return {
        "iin": NEW_IIN,
        "last_name": "Сапаров",
        "first_name": "Асхат",
        "middle_name": "",
        "birth_date": "",
        "sex": "",
        "citizenship": "KZ",
        "category": "1",
        "residence_kind": "permanent",
        "residence_address": "",
        "reason": "Application at the desk",
    }


def edit_data(ctx):
    person = ctx["person"]
    return {
        **person_data(),
        "iin": person.iin,
        "birth_date": person.birth_date.isoformat(),
        "sex": person.sex,
    }


def dependent(kind):
    return lambda ctx: reverse("patients:dependent_create", args=[ctx["person"].pk, kind])


FORMS = {
    "person_create": FormCase(
        url=lambda ctx: reverse("patients:person_create"),
        data=person_data,
        written=lambda: (Person.objects.count(), history_rows()),
    ),
    "person_edit": FormCase(
        url=lambda ctx: reverse("patients:person_edit", args=[ctx["person"].pk]),
        data=edit_data,
        written=lambda: (list(Person.objects.values()), history_rows()),
    ),
    "document": FormCase(
        url=dependent("document"),
        data=lambda ctx: {
            "kind": "id_card",
            "number": "045678912",
            "issued_by": "МВД РК",
            "issued_on": "2020-01-01",
            "valid_until": "2030-01-01",
            "reason": "Document shown",
        },
        written=lambda: (IdentityDocument.objects.count(), history_rows()),
    ),
    "representative": FormCase(
        url=lambda ctx: reverse("patients:dependent_create", args=[ctx["child"].pk, "representative"]),
        data=lambda ctx: {"representative": ctx["person"].iin, "relationship": "parent", "reason": "Shown"},
        written=lambda: (LegalRepresentative.objects.count(), history_rows()),
    ),
    # Correcting it, with a new document of the representative typed on the same form.
    "representative_edit": FormCase(
        url=lambda ctx: reverse("patients:representative_edit", args=[ctx["link"].pk]),
        data=lambda ctx: {
            "relationship": "guardian",
            "authority_document": "Guardianship decision 12",
            "new_document-kind": "id_card",
            "new_document-number": "041234567",
            "new_document-issued_on": "2020-04-01",
            "reason": "Court",
        },
        written=lambda: (
            list(LegalRepresentative.objects.values()),
            IdentityDocument.objects.count(),
            history_rows(),
        ),
    ),
    "family": FormCase(
        url=dependent("family"),
        data=lambda ctx: {"relative": ctx["child"].iin, "relation": "child", "reason": "Shown"},
        written=lambda: (FamilyLink.objects.count(), history_rows()),
    ),
    "contingent": FormCase(
        url=dependent("contingent"),
        data=lambda ctx: {
            "kind": "pensioner",
            "document": "Pension certificate 12",
            "valid_from": "2026-01-01",
            "valid_to": "",
            "reason": "Certificate shown",
        },
        written=lambda: (ContingentFlag.objects.count(), history_rows()),
    ),
    "insured": FormCase(
        url=dependent("insured"),
        data=lambda ctx: {"valid_from": "2026-01-01", "valid_to": "", "source": "manual", "reason": "Fund"},
        written=lambda: (InsuredStatusPeriod.objects.count(), history_rows()),
    ),
    "contract": FormCase(
        url=dependent("contract"),
        data=lambda ctx: {
            "kind": "imi",
            "insurer": ctx["insurer"].pk,
            "number": "IMI-1",
            "holder_employer": "",
            "valid_from": "2026-01-01",
            "valid_to": "2026-12-31",
            "organization": ctx["clinic"].pk,
            "programme": "",
            "reason": "Contract shown",
        },
        written=lambda: (InsuranceContract.objects.count(), history_rows()),
    ),
}

# (form, field, bad value, field with the error, message)
NAME_FIELDS = ["last_name", "first_name", "middle_name"]
CASES = []
for form in ("person_create", "person_edit"):
    # Every name field on the create form; the edit form shares the fields, one is enough there.
    for field in NAME_FIELDS if form == "person_create" else ["last_name"]:
        CASES += [
            (form, field, too_long(100)[0], field, too_long(100)[1]),
            (form, field, SCRIPT, field, NAME_CHARACTERS),
            (form, field, "Иванов2", field, NAME_CHARACTERS),
            (form, field, f"Ахме{ZERO_WIDTH_SPACE}тов", field, INVISIBLE),
            (form, field, f"{RTL_OVERRIDE}вонавИ", field, INVISIBLE),
            (form, field, f"{BOM}Асхат", field, INVISIBLE),
            (form, field, "Ахм\x00етов", field, "Null characters are not allowed."),
            # A Latin "e" inside a Cyrillic surname looks the same and defeats search.
            (form, field, "Ахмeтов", field, "Do not mix Latin and Cyrillic letters in one word: Ахмeтов"),
        ]
    CASES += [
        (form, "iin", "９０１１２３３００２５８", "iin", "An IIN is exactly 12 digits."),  # fullwidth
        (form, "iin", "٩٠١١٢٣٣٠٠٢٥٨", "iin", "An IIN is exactly 12 digits."),  # Arabic-Indic digits
        (form, "iin", f"90112330025{ZERO_WIDTH_SPACE}8", "iin", "An IIN is exactly 12 digits."),
        (form, "iin", "9011233002.5", "iin", "An IIN is exactly 12 digits."),
        (form, "birth_date", "2026-02-30", "birth_date", INVALID_DATE),
        (form, "birth_date", "10000-01-01", "birth_date", INVALID_DATE),
        (form, "birth_date", "yesterday", "birth_date", INVALID_DATE),
        (
            form,
            "category",
            "1.5",
            "category",
            "Select a valid choice. 1.5 is not one of the available choices.",
        ),
        (
            form,
            "residence_atu",
            "abc",
            "residence_atu",
            "Select a valid choice. That choice is not one of the available choices.",
        ),
        (form, "residence_address", too_long(300)[0], "residence_address", too_long(300)[1]),
        (form, "residence_address", f"ул. Абая{BELL}, 1", "residence_address", INVISIBLE),
        (form, "reason", f"Application{RTL_OVERRIDE}", "reason", INVISIBLE),
        (form, "reason", too_long(300)[0], "reason", too_long(300)[1]),
    ]
CASES += [
    ("document", "number", too_long(50)[0], "number", too_long(50)[1]),
    ("document", "number", f"0456{ZERO_WIDTH_SPACE}78912", "number", INVISIBLE),
    ("document", "issued_by", too_long(200)[0], "issued_by", too_long(200)[1]),
    ("document", "issued_on", "2026-02-30", "issued_on", INVALID_DATE),
    ("document", "valid_until", "31/31/2030", "valid_until", INVALID_DATE),
    (
        "document",
        "kind",
        SCRIPT,
        "kind",
        f"Select a valid choice. {SCRIPT} is not one of the available choices.",
    ),
    (
        "representative",
        "representative",
        "９０１１２３３００２５８",
        "representative",
        "An IIN is exactly 12 digits.",
    ),
    (
        "representative",
        "relationship",
        "uncle",
        "relationship",
        "Select a valid choice. uncle is not one of the available choices.",
    ),
    (
        "representative_edit",
        "relationship",
        SCRIPT,
        "relationship",
        f"Select a valid choice. {SCRIPT} is not one of the available choices.",
    ),
    ("representative_edit", "authority_document", too_long(200)[0], "authority_document", too_long(200)[1]),
    (
        "representative_edit",
        "authority_document",
        f"Decision{ZERO_WIDTH_SPACE} 12",
        "authority_document",
        INVISIBLE,
    ),
    (
        "representative_edit",
        "document",
        "abc",
        "document",
        "Select a valid choice. That choice is not one of the available choices.",
    ),
    ("family", "relative", SCRIPT, "relative", "An IIN is exactly 12 digits."),
    ("contingent", "document", too_long(300)[0], "document", too_long(300)[1]),
    ("contingent", "document", f"Certificate{BOM}", "document", INVISIBLE),
    ("contingent", "valid_from", "2026-02-29", "valid_from", INVALID_DATE),  # 2026 is not a leap year
    ("insured", "valid_from", "2026-02-30", "valid_from", INVALID_DATE),
    (
        "insured",
        "source",
        "fund",
        "source",
        "Select a valid choice. fund is not one of the available choices.",
    ),
    ("contract", "number", too_long(50)[0], "number", too_long(50)[1]),
    ("contract", "holder_employer", f"ТОО{RTL_OVERRIDE} Ромашка", "holder_employer", INVISIBLE),
    ("contract", "programme", too_long(200)[0], "programme", too_long(200)[1]),
    (
        "contract",
        "insurer",
        "abc",
        "insurer",
        "Select a valid choice. That choice is not one of the available choices.",
    ),
    ("contract", "valid_to", "2026-04-31", "valid_to", INVALID_DATE),
]


@pytest.fixture
def ctx(clinic1):
    child = PersonFactory(born=datetime.date(2015, 5, 5), sex="F")
    return {
        "person": PersonFactory(born=datetime.date(1985, 3, 14)),
        "child": child,
        "insurer": InsurerFactory(),
        "clinic": clinic1,
        # A representative of the child recorded already (the edit form corrects it).
        "link": LegalRepresentative.objects.create(
            child=child, representative=PersonFactory(born=datetime.date(1980, 1, 9)), relationship="parent"
        ),
    }


@pytest.mark.parametrize("form", FORMS)
def test_the_valid_submission_of_each_form_is_accepted(registrar_client, ctx, form):
    """The baseline the bad values are compared with: it writes."""
    case = FORMS[form]
    before = case.written()
    response = registrar_client.post(case.url(ctx), case.data(ctx), HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 302, response.context["form"].errors
    assert case.written() != before


@pytest.mark.parametrize("form", FORMS)
def test_bad_input_gets_a_clear_message_and_writes_nothing(registrar_client, ctx, form):
    """All bad values of one form in one test (one set-up); every failure is listed."""
    case = FORMS[form]
    failures = []
    for _form, field, value, error_field, message in [c for c in CASES if c[0] == form]:
        before = case.written()
        data = {**case.data(ctx), field: value}
        response = registrar_client.post(case.url(ctx), data, HTTP_ACCEPT_LANGUAGE="en")
        label = f"{field}={value!r}"
        if response.status_code != 200:
            failures.append(f"{label}: status {response.status_code}")
            continue
        errors = response.context["form"].errors
        if message not in errors.get(error_field, []):
            failures.append(f"{label}: expected {message!r} on {error_field}, got {errors!r}")
        if case.written() != before:
            failures.append(f"{label}: something was written")
        html = response.content.decode()
        if "<script>alert(1)" in html or (
            value == SCRIPT and "&lt;script&gt;alert(1)&lt;/script&gt;" not in html
        ):
            failures.append(f"{label}: markup not escaped")  # markup is always shown escaped
    assert not failures, "\n".join(failures)


@pytest.mark.parametrize(
    ("last_name", "first_name", "middle_name"),
    [
        ("Әбілқайырова", "Ғалия", "Өмірзаққызы"),
        ("Құнанбаев", "Абай", "Ұлықбекұлы"),
        ("Үсенова", "Һиба", "Іңкәрқызы"),
        ("O'Connor-Smith", "Jean-Luc", "St. John"),
        ("Ибраһим", "Жан-Поль", ""),
    ],
)
def test_kazakh_and_foreign_names_are_accepted_as_typed(registrar_client, last_name, first_name, middle_name):
    data = {**person_data(), "last_name": last_name, "first_name": first_name, "middle_name": middle_name}
    response = registrar_client.post(reverse("patients:person_create"), data)
    assert response.status_code == 302
    person = Person.objects.get(iin=NEW_IIN)
    assert (person.last_name, person.first_name, person.middle_name) == (last_name, first_name, middle_name)


def test_decomposed_letters_are_stored_composed(registrar_client):
    """«й» typed as и + combining breve is stored as the one letter й, so search finds it."""
    data = {**person_data(), "first_name": "Каи\u0306рат"}
    response = registrar_client.post(reverse("patients:person_create"), data)
    assert response.status_code == 302
    assert Person.objects.get(iin=NEW_IIN).first_name == "Кайрат"


def test_spaces_around_an_iin_are_ignored(registrar_client):
    data = {**person_data(), "iin": f"  {NEW_IIN} "}
    assert registrar_client.post(reverse("patients:person_create"), data).status_code == 302
    assert Person.objects.filter(iin=NEW_IIN).exists()


def test_search_refuses_invisible_characters_with_a_message(registrar_client):
    person = PersonFactory(last_name="Ахметова", sex="F")
    response = registrar_client.post(
        reverse("patients:search"), {"name": f"Ахме{ZERO_WIDTH_SPACE}това"}, HTTP_ACCEPT_LANGUAGE="en"
    )
    assert INVISIBLE in response.context["form"].errors["name"]
    assert response.context["results"] is None
    assert person.last_name not in response.content.decode().split("<main>")[1]
