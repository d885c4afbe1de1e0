from django.urls import path

from . import report_views

app_name = "reports"
urlpatterns = [
    path("population/", report_views.population, name="population"),
    path("campaign/", report_views.campaign, name="campaign"),
    path("applications/", report_views.applications, name="applications"),
    path("district-load/", report_views.district_load, name="district_load"),
    path("planning/", report_views.planning, name="planning"),
]
