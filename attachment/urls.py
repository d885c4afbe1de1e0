from django.urls import path

from . import views

app_name = "attachment"
urlpatterns = [
    path("", views.attached_list, name="list"),
    path("queue/", views.application_queue, name="queue"),
    path("persons/<int:pk>/", views.person_attachments, name="person"),
    path("persons/<int:pk>/attach/", views.attach, name="attach"),
    path("persons/<int:pk>/refuse/", views.refuse, name="refuse"),
    path("persons/<int:pk>/family/", views.family_attach, name="family"),
    path("persons/<int:pk>/death/", views.record_death, name="record_death"),
    path("persons/<int:pk>/death/correct/", views.correct_death, name="correct_death"),
    path("<int:pk>/", views.attachment_detail, name="detail"),
    path("<int:pk>/coupon/", views.coupon_issue, name="coupon_issue"),
    path("<int:pk>/district/", views.district_change, name="district_change"),
    path("<int:pk>/detach/", views.detach, name="detach"),
    path("coupons/<int:pk>/", views.coupon_page, name="coupon"),
    path("coupons/<int:pk>/pdf/", views.coupon_pdf, name="coupon_pdf"),
    path("refusals/<int:pk>/", views.refusal_detail, name="refusal"),
    path("refusals/<int:pk>/print/", views.refusal_print, name="refusal_print"),
]
