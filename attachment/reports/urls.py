from django.urls import path

from . import views

app_name = "reports"
urlpatterns = [
    path("", views.index, name="index"),
    path("population/", views.population, name="population"),
    path("campaign/", views.campaign, name="campaign"),
    path("applications/", views.applications, name="applications"),
    path("district-load/", views.district_load, name="district_load"),
    path("planning/", views.planning, name="planning"),
]
