"""The 500s found from outside answer 400, 404 or a form error with a message: a non-numeric
application id, a NUL in a coupon token, in a representative's IIN, in an admin history URL (and
ids there that are not ids)."""

from django.test import Client


def test_bad_ids_and_nul_characters_answer_400_or_404_never_500(client, world, registrar1, rules_admin):
    """The four 500s found from outside: a non-numeric application id, a NUL in a coupon token,
    in a representative's IIN and in an admin history URL."""
    client.force_login(registrar1)
    response = client.post("/attachments/queue/", {"application": "abc"}, follow=True)
    assert response.status_code == 200
    assert "This application is not in your queue." in response.content.decode()
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
