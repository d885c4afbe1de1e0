"""A registrar at the desk, as a process of its own: opens a person card, searches by IIN and
attaches a person, over and over, through the whole request stack (middleware, views, access
log), until a stop file appears. Each request is written as one line: wall-clock time, action,
seconds, outcome ("ok" or what went wrong).

Usage: python -m tests.bench.registrar USERNAME PERSON_IDS_FILE OUT_FILE STOP_FILE
The persons of PERSON_IDS_FILE (one id per line) are each attached once, in order, under ground
1 to the registrar's organization on today's date; the bench keeps them out of the imported files.
"""

import os
import sys
import time
from pathlib import Path


def main(username: str, ids_file: str, out_file: str, stop_file: str) -> int:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    os.environ.setdefault("ALLOWED_HOSTS", "testserver")
    import django

    django.setup()
    from django.contrib.auth import get_user_model
    from django.test import Client
    from django.urls import reverse
    from django.utils import timezone

    from attachment.models import Attachment, Channel, Ground, Refusal
    from patients.models import Person

    user = get_user_model().objects.select_related("staff_profile").get(username=username)
    organization = user.staff_profile.organization
    district = organization.districts.order_by("code").first()
    ground = Ground.objects.get(code=1)
    persons = list(Person.objects.filter(pk__in=[int(n) for n in Path(ids_file).read_text().split()]))
    client = Client(HTTP_ACCEPT_LANGUAGE="ru")
    client.force_login(user)
    attach_form = {
        "organization": organization.pk,
        "ground": ground.pk,
        "district": district.pk,
        "on": timezone.localdate().isoformat(),
        "channel": Channel.CLINIC,
        "documents": ["identity"],
        "reason": "bench: walk-in",
    }

    def card(person):
        response = client.get(reverse("patients:person_detail", args=[person.pk]), secure=True)
        return response.status_code == 200, response.status_code

    def search(person):
        response = client.get(reverse("patients:search"), {"q": person.iin}, secure=True)
        return response.status_code in (200, 302), response.status_code

    def attach(person):
        response = client.post(reverse("attachment:attach", args=[person.pk]), attach_form, secure=True)
        # A decision was written: an attachment or a formal refusal, never a form error.
        decided = (
            Attachment.objects.filter(person=person).exists()
            or Refusal.objects.filter(person=person).exists()
        )
        return response.status_code == 302 and decided, response.status_code

    stop = Path(stop_file)
    with open(out_file, "w", buffering=1) as out:
        for person in persons:
            if stop.exists():
                break
            for action in (card, search, attach):
                started = time.perf_counter()
                try:
                    done, status = action(person)
                    outcome = "ok" if done else f"http-{status}"
                except Exception as error:  # a benchmark reports every failure instead of stopping
                    outcome = type(error).__name__
                out.write(
                    f"{time.time():.3f} {action.__name__} {time.perf_counter() - started:.4f} {outcome}\n"
                )
    return 0


if __name__ == "__main__":
    sys.exit(main(*sys.argv[1:]))
