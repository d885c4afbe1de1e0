"""Audit history for every model: django-simple-history with 64-bit ids (a national register)."""

from django.db import models
from simple_history.models import HistoricalRecords


def audit_history(**kwargs) -> HistoricalRecords:
    return HistoricalRecords(history_id_field=models.BigAutoField(primary_key=True), **kwargs)
