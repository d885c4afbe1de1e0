"""Request checks that hold for every page, before any view or database query runs."""

import time

from axes.helpers import get_cool_off
from axes.models import AccessAttempt
from django.conf import settings
from django.core.cache import cache
from django.db.models import Sum
from django.http import HttpResponseBadRequest
from django.shortcuts import render
from django.utils import timezone
from django.utils.cache import add_never_cache_headers
from django.utils.html import escape
from django.utils.translation import gettext as _

from patients.access import client_address


class RefuseNulMiddleware:
    """A NUL character is never part of an id, a date or a search: PostgreSQL cannot even store
    it in a text value, so one in the path, the query string, a cookie or a header is refused
    with 400 here, before a view could pass it to a query. Form bodies are left to the forms:
    every text field refuses a NUL with its own message and keeps the rest of what was typed."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if self._nul_in(request):
            message = _("The request contains a NUL character, which no field accepts.")
            return HttpResponseBadRequest(
                f"<!doctype html><title>400</title><p>{escape(message)}</p>",
                content_type="text/html; charset=utf-8",
            )
        return self.get_response(request)

    @staticmethod
    def _nul_in(request) -> bool:
        texts = [request.path_info, *request.COOKIES.keys(), *request.COOKIES.values()]
        texts += [v for k, v in request.META.items() if k.startswith("HTTP_") and isinstance(v, str)]
        for key, values in request.GET.lists():
            texts += [key, *values]
        return any("\x00" in text for text in texts)


class NoStoreMiddleware:
    """Pages and files with personal data stay out of browser and proxy caches: every response to
    a signed-in user and every file download says `Cache-Control: no-store` (a shared computer's
    back button or disk cache shows nothing of the last registrar's patients)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        user = getattr(request, "user", None)
        if (user is not None and user.is_authenticated) or response.has_header("Content-Disposition"):
            add_never_cache_headers(response)
        return response


class AddressRateLimitMiddleware:
    """Limits per client address (`patients.access.client_address`: as django-axes reads it, so
    AXES_PROXY_COUNT applies), answered with 429 and a translated page:
    - the public coupon check: COUPON_CHECKS_PER_MINUTE requests a minute;
    - logins (the site's and the admin's): after AXES_ADDRESS_FAILURE_LIMIT wrong passwords from one
      address within the lockout period, across all usernames, that address may not try again
      until the period ends. django-axes locks one username at one address after
      AXES_FAILURE_LIMIT; this stops password spraying over many usernames, with a higher limit
      because a clinic's staff share one address."""

    LOGIN_VIEWS = ("login", "admin:login")

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        name = request.resolver_match.view_name if request.resolver_match else None
        if name == "coupon_verify":
            if self._count_request(request, "coupon", settings.COUPON_CHECKS_PER_MINUTE):
                return self._refuse(request, _("Too many coupon checks from your address. Wait a minute."))
        elif name in self.LOGIN_VIEWS and request.method == "POST":
            if self._address_failures(request) >= settings.AXES_ADDRESS_FAILURE_LIMIT:
                return self._refuse(
                    request,
                    _("Too many failed logins from your address. Try again later or ask an administrator."),
                )
        return None

    @staticmethod
    def _count_request(request, scope, limit) -> bool:
        """Counts this request in the address's current minute; True when it is over the limit."""
        minute = int(time.time() // 60)
        key = f"rate:{scope}:{client_address(request)}:{minute}"
        cache.add(key, 0, timeout=120)
        try:
            return cache.incr(key) > limit
        except ValueError:  # expired between add and incr
            return False

    @staticmethod
    def _address_failures(request) -> int:
        since = timezone.now() - get_cool_off(request)
        attempts = AccessAttempt.objects.filter(ip_address=client_address(request), attempt_time__gte=since)
        return attempts.aggregate(total=Sum("failures_since_start"))["total"] or 0

    @staticmethod
    def _refuse(request, message):
        response = render(
            request,
            "too_many_requests.html",
            {"title": _("Too many requests"), "message": message},
            status=429,
        )
        return response
