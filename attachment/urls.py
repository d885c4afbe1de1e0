from django.urls import path

from . import views

app_name = "attachment"
urlpatterns = [
    path("", views.attached_list, name="list"),
    path("queue/", views.application_queue, name="queue"),
    path("leavers/", views.leavers, name="leavers"),
    path("leavers/<id:pk>.<str:file_format>", views.leavers_export, name="leavers_export"),
    path("persons/<id:pk>/", views.person_attachments, name="person"),
    path("persons/<id:pk>/attach/", views.attach, name="attach"),
    path("persons/<id:pk>/refuse/", views.refuse, name="refuse"),
    path("persons/<id:pk>/family/", views.family_attach, name="family"),
    path("persons/<id:pk>/death/", views.record_death, name="record_death"),
    path("persons/<id:pk>/death/correct/", views.correct_death, name="correct_death"),
    path("<id:pk>/", views.attachment_detail, name="detail"),
    path("<id:pk>/coupon/", views.coupon_issue, name="coupon_issue"),
    path("<id:pk>/district/", views.district_change, name="district_change"),
    path("<id:pk>/detach/", views.detach, name="detach"),
    path("coupons/<id:pk>/", views.coupon_page, name="coupon"),
    path("coupons/<id:pk>/pdf/", views.coupon_pdf, name="coupon_pdf"),
    path("refusals/<id:pk>/", views.refusal_detail, name="refusal"),
    path("refusals/<id:pk>/print/", views.refusal_print, name="refusal_print"),
]
