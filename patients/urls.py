from django.urls import path

from . import views

app_name = "patients"
urlpatterns = [
    path("", views.person_search, name="search"),
    path("new/", views.person_create, name="person_create"),
    path("<id:pk>/", views.person_detail, name="person_detail"),
    path("<id:pk>/edit/", views.person_edit, name="person_edit"),
    path("<id:pk>/history/", views.person_history, name="person_history"),
    path("<id:pk>/add/<slug:kind>/", views.dependent_create, name="dependent_create"),
    path("representatives/<id:pk>/", views.representative_edit, name="representative_edit"),
    path("<id:pk>/merge/", views.person_merge_start, name="person_merge_start"),
    path("<id:pk>/merge/<id:retired>/", views.person_merge, name="person_merge"),
    path("<id:pk>/replace-iin/", views.person_replace_iin, name="person_replace_iin"),
]
