"""Shared argument parsing of the attachment commands."""

import datetime

from django.contrib.auth import get_user_model
from django.core.management.base import CommandError
from django.utils.translation import gettext as _

from attachment.models import Ground, Organization


def parse_date(value: str) -> datetime.date:
    try:
        return datetime.date.fromisoformat(value)
    except ValueError:
        raise CommandError(_("Dates are written YYYY-MM-DD.")) from None


def get_user(username: str):
    try:
        return get_user_model().objects.get(username=username, is_active=True)
    except get_user_model().DoesNotExist:
        raise CommandError(_("No active user %(name)s.") % {"name": username}) from None


def get_organization(code: str) -> Organization:
    """Organizations are named by their BIN on the command line."""
    try:
        return Organization.objects.get(bin=code)
    except Organization.DoesNotExist:
        raise CommandError(_("No organization with BIN %(code)s.") % {"code": code}) from None


def get_ground(code: int) -> Ground:
    try:
        return Ground.objects.get(code=code)
    except Ground.DoesNotExist:
        raise CommandError(_("No ground %(code)s.") % {"code": code}) from None
