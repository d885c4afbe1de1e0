"""The 500s found from outside answer 400, 404 or a form error with a message: a non-numeric
application id, a NUL in a coupon token, in a representative's IIN, in an admin history URL (and
ids there that are not ids)."""

from django.test import Client
from django.urls import reverse


def test_bad_ids_and_nul_characters_answer_400_or_404_never_500(client, world, registrar1, rules_admin):
    """The four 500s found from outside: a non-numeric application id, a NUL in a coupon token,
    in a representative's IIN and in an admin history URL."""
    client.force_login(registrar1)
    # The queue's "Decide" opens the attach page with the application's id in the query.
    attached = world["attachment.Attachment"].person  # a person of registrar1's clinic
    url = reverse("attachment:attach", args=[attached.pk])
    response = client.get(url, {"application": "abc"}, follow=True)
    assert response.status_code == 200
    assert "This application is not in your queue." in response.content.decode()
    assert client.post("/attachments/queue/", {"application": "abc"}).status_code == 405
    response = Client(HTTP_ACCEPT_LANGUAGE="en").get("/coupons/%00/")
    assert response.status_code == 400
    assert "NUL character" in response.content.decode()
    person = world["patients.Person"]
    response = client.post(
        f"/persons/{person.pk}/add/representative/", {"representative": "abc\x00def", "reason": "x"}
    )
    # A form body is the form's to refuse: the message on the field, the rest of the input kept.
    assert response.status_code == 200
    assert "An IIN is exactly 12 digits." in response.context["form"].errors["representative"]
    client.force_login(rules_admin)
    assert client.get("/admin/patients/person/%00/history/").status_code == 400
    assert client.get("/admin/patients/person/abc/history/").status_code == 404
    assert client.get(f"/admin/patients/person/{person.pk}/history/abc/").status_code == 404


def test_admin_input_that_is_no_id_or_date_answers_without_500(client, world, rules_admin):
    """Found by sending nasty values to every admin page: text in an autocomplete field (its
    widget looked the text up as an id), a huge year in a date drill-down, a device id that does
    not exist on django-otp's set-up pages."""
    client.force_login(rules_admin)
    response = client.post("/admin/patients/atu/add/", {"parent": "abc' OR 1=1 --", "change_reason": "x"})
    assert response.status_code == 200
    assert response.context["adminform"].form.errors
    response = client.get("/admin/axes/accesslog/", {"attempt_time__year": "99999999999999999999"})
    assert response.status_code == 302 and "e=1" in response.url
    for page in ("config", "qrcode"):
        assert client.get(f"/admin/otp_totp/totpdevice/99999999999999999999/{page}/").status_code == 404
