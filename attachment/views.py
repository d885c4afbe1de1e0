"""Registrar pages of attachments."""

from django.shortcuts import render

from patients.forms import PersonSearchForm


def home(request):
    """The start page after login."""
    return render(request, "home.html", {"search_form": PersonSearchForm()})
