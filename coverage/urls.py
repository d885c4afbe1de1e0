from django.urls import path

from . import views

app_name = "coverage"
urlpatterns = [
    path("<id:pk>/entitlements/", views.person_entitlements, name="person_entitlements"),
    path("<id:pk>/entitlements/usage/", views.usage_record, name="usage_record"),
    path("<id:pk>/entitlements/leaflet/", views.person_leaflet, name="person_leaflet"),
]
