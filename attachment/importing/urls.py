from django.urls import path

from . import views

app_name = "importing"
urlpatterns = [
    path("", views.import_start, name="start"),
    path("<int:pk>/", views.import_run, name="run"),
    path("<int:pk>/status/", views.import_run_status, name="status"),
    path("<int:pk>/errors.csv", views.import_run_report, name="report"),
    path("organizations/<int:pk>/attached.<str:file_format>", views.attached_export, name="export"),
]
