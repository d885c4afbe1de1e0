"""Bad uploads on the import page and bad export parameters: a clear message, nothing written,
no run queued, never a server error."""

import codecs

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django_tasks_db.models import DBTaskResult

from attachment.models import Attachment, ImportRun
from patients.models import Person

pytestmark = pytest.mark.django_db

HEADER = "iin,last_name,first_name,attached_on,ground,organization_bin\n"
ROW = "901123300258,Иванов,Иван,2026-03-02,2,990140000011\n"
PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01"
XLSX = b"PK\x03\x04\x14\x00\x06\x00\x08\x00\x00\x00!\x00"


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("photo.png", PNG, "This is not a CSV text file in UTF-8 or Windows-1251."),
        ("register.xlsx", XLSX, "This is not a CSV text file in UTF-8 or Windows-1251."),
        ("utf16.csv", codecs.BOM_UTF16_LE + (HEADER + ROW).encode("utf-16-le"), "This is not a CSV text"),
        ("empty.csv", b"", "The submitted file is empty."),
        (
            "header-only-no-newline.csv",
            HEADER.strip().encode(),
            "The file has no header line followed by data.",
        ),
        (
            "huge-header.csv",
            b"iin," + b"x" * 200_000 + b"\n" + ROW.encode(),
            "no header line followed by data",
        ),
        ("cp1251-broken.csv", "ИИН;Фамилия".encode("cp1251") + b"\x98;x\n", "neither UTF-8 nor Windows-1251"),
        ("text.csv", b"Dear colleagues\nplease attach\n", "No comma, semicolon or tab separates"),
        ("other.csv", b"name,phone\nA,1\n", "Columns missing from the header: iin, last_name"),
        (
            "ambiguous.csv",
            ("iin,last_name,Фамилия,first_name,attached_on,ground,organization_bin\n" + ROW).encode(),
            "Several columns of the header name the same field: last_name; Фамилия.",
        ),
    ],
)
def test_bad_upload_is_refused_with_a_message_and_writes_nothing(
    client, rules_admin, media, name, content, message
):
    client.force_login(rules_admin)
    before = (Person.objects.count(), Attachment.objects.count(), ImportRun.history.count())
    response = client.post(
        reverse("importing:start"), {"file": SimpleUploadedFile(name, content, "text/csv")}
    )
    assert response.status_code == 200
    assert message in " ".join(response.context["form"].errors["file"])
    assert not ImportRun.objects.exists() and not DBTaskResult.objects.exists()
    assert (Person.objects.count(), Attachment.objects.count(), ImportRun.history.count()) == before
    assert not any(media.rglob("*"))  # the upload was not stored either


def test_unknown_organization_bin_is_refused(client, rules_admin, media):
    client.force_login(rules_admin)
    upload = SimpleUploadedFile("r.csv", (HEADER + ROW).encode(), "text/csv")
    response = client.post(reverse("importing:start"), {"file": upload, "organization": "<b>1</b>"})
    assert response.status_code == 200
    assert response.context["form"].errors["organization"]
    assert "<b>1</b>" not in response.content.decode()  # escaped where it is shown
    assert not ImportRun.objects.exists()


def test_windows_1251_file_with_russian_headers_is_accepted(
    client, rules_admin, media, django_capture_on_commit_callbacks
):
    client.force_login(rules_admin)
    content = "ИИН;Фамилия;Имя;Дата_прикрепления;Основание;БИН\n901123300258;Иванов;Иван;02.03.2026;2;1\n"
    upload = SimpleUploadedFile("r.csv", content.encode("cp1251"), "text/csv")
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("importing:start"), {"file": upload, "dry_run": "on"})
    run = ImportRun.objects.get()
    assert response.status_code == 302 and run.dry_run
    with run.upload.open("rb") as stored:
        assert stored.read() == content.encode("cp1251")  # stored whole, from its first byte


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ({"on": "2026-02-30"}, "on"),
        ({"on": "31.02.2026"}, "on"),
        ({"district": "²"}, "district"),
        ({"district": "abc"}, "district"),
        ({"district": "-1"}, "district"),
        ({"ground": "²"}, "ground"),
        ({"ground": "1.5"}, "ground"),
    ],
)
@pytest.mark.parametrize("file_format", ["csv", "xlsx"])
def test_bad_export_parameters_are_a_400_with_a_message(
    client, registrar1, clinic1, query, field, file_format
):
    client.force_login(registrar1)
    response = client.get(reverse("importing:export", args=[clinic1.pk, file_format]), query)
    assert response.status_code == 400
    assert response["Content-Type"].startswith("text/plain")
    assert response.content.decode().startswith(f"{field}: ")


def test_markup_in_a_file_name_is_shown_escaped(
    client, rules_admin, media, django_capture_on_commit_callbacks
):
    client.force_login(rules_admin)
    name = "<img src=x onerror=alert(1)>.csv"
    upload = SimpleUploadedFile(name, (HEADER + ROW).encode(), "text/csv")
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("importing:start"), {"file": upload, "dry_run": "on"})
    assert response.status_code == 302
    for url in (response.url, reverse("importing:start")):
        html = client.get(url).content.decode()
        assert "<img src=x" not in html and "&lt;img src=x onerror=alert(1)&gt;.csv" in html
