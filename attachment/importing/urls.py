from django.urls import path

from . import views

app_name = "importing"
urlpatterns = [
    path("", views.import_start, name="start"),
    path("<id:pk>/", views.import_run, name="run"),
    path("<id:pk>/status/", views.import_run_status, name="status"),
    path("<id:pk>/errors.csv", views.import_run_report, name="report"),
    path("<id:pk>/warnings.csv", views.import_run_warnings, name="warnings"),
    path("reconciliations/", views.reconciliation_list, name="reconciliations"),
    path("reconciliations/<id:pk>/", views.reconciliation_detail, name="reconciliation"),
    path("reconciliations/<id:pk>/apply/", views.reconciliation_apply_view, name="reconciliation_apply"),
    path(
        "reconciliations/<id:pk>/<slug:group>.<str:file_format>",
        views.reconciliation_group,
        name="reconciliation_group",
    ),
    path("organizations/<id:pk>/attached.<str:file_format>", views.attached_export, name="export"),
]
