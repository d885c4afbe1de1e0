from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_not_required
from django.urls import include, path, register_converter
from django.views.i18n import set_language

from attachment.views import coupon_verify, home
from patients.converters import IdConverter


class TokenConverter:
    """A coupon's verification token (URL-safe base64): anything else is a 404 before a query."""

    regex = "[A-Za-z0-9_-]{1,64}"

    def to_python(self, value):
        return value

    def to_url(self, value):
        return value


register_converter(TokenConverter, "token")
# Every id in a path: `<id:pk>` (an int within bigint; the apps' URL patterns use it).
register_converter(IdConverter, "id")

urlpatterns = [
    path("", home, name="home"),
    path("accounts/login/", auth_views.LoginView.as_view(), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path(
        "accounts/password/",
        auth_views.PasswordChangeView.as_view(),
        name="password_change",
    ),
    path(
        "accounts/password/done/",
        auth_views.PasswordChangeDoneView.as_view(),
        name="password_change_done",
    ),
    # The language switcher works on the login page too.
    path("i18n/setlang/", login_not_required(set_language), name="set_language"),
    path("persons/", include("patients.urls")),
    path("persons/", include("coverage.urls")),
    path("attachments/", include("attachment.urls")),
    path("coupons/<token:token>/", coupon_verify, name="coupon_verify"),
    path("reports/", include("attachment.reports.urls")),
    path("imports/", include("attachment.importing.urls")),
    path("admin/", admin.site.urls),
]
