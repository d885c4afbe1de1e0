from django.urls import path

from . import views

app_name = "coverage"
urlpatterns = [
    path("<int:pk>/entitlements/", views.person_entitlements, name="person_entitlements"),
    path("<int:pk>/entitlements/usage/", views.usage_record, name="usage_record"),
    path("<int:pk>/entitlements/leaflet/", views.person_leaflet, name="person_leaflet"),
]
