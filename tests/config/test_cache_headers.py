"""Pages and files with personal data say `Cache-Control: no-store` (browser and proxy caches
keep nothing of them); so does the public coupon check."""

import pytest
from django.contrib.auth.models import AnonymousUser
from django.http import HttpResponse
from django.test import Client, RequestFactory
from django.urls import reverse

from config.middleware import NoStoreMiddleware

pytestmark = pytest.mark.django_db


def test_pages_and_files_of_a_signed_in_user_are_never_stored(registrar_client, coupon):
    person = coupon.attachment.person
    for url in (
        reverse("patients:person_detail", args=[person.pk]),
        reverse("attachment:person", args=[person.pk]),
        reverse("attachment:coupon", args=[coupon.pk]),
        reverse("attachment:coupon_pdf", args=[coupon.pk]),
        reverse("home"),
    ):
        response = registrar_client.get(url)
        assert response.status_code == 200, url
        assert "no-store" in response["Cache-Control"], url
        assert "private" in response["Cache-Control"], url


def test_the_public_coupon_check_is_never_stored(coupon):
    response = Client().get(reverse("coupon_verify", args=[coupon.token]))
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]


def test_a_file_download_is_never_stored_whoever_asks():
    """The middleware's rule for files holds without a signed-in user too."""

    def download(request):
        response = HttpResponse(b"x", content_type="text/csv")
        response["Content-Disposition"] = 'attachment; filename="list.csv"'
        return response

    request = RequestFactory().get("/file.csv")
    request.user = AnonymousUser()
    response = NoStoreMiddleware(download)(request)
    assert "no-store" in response["Cache-Control"]
