"""The admin site: administrators who have confirmed a TOTP device must enter a token.

Like django-otp's OTPAdminSite, but optional: a user without a confirmed device logs in with a
password only; once a device is confirmed, the admin accepts only sessions verified by it. The
registrars' pages (outside the admin) never ask for a token.
"""

from django.contrib.admin import AdminSite
from django.contrib.admin.forms import AdminAuthenticationForm
from django.utils.translation import gettext_lazy as _
from django_otp import user_has_device
from django_otp.admin import OTPAdminAuthenticationForm


def second_factor_satisfied(user) -> bool:
    """True when the user has no confirmed device, or this session was verified by one."""
    if not user_has_device(user, confirmed=True):
        return True
    return bool(getattr(user, "is_verified", lambda: False)())


class AdminLoginForm(OTPAdminAuthenticationForm):
    """Password always; the TOTP token only for users with a confirmed device."""

    otp_error_messages = dict(
        OTPAdminAuthenticationForm.otp_error_messages,
        token_required=_("Enter the code from your authenticator app."),
        invalid_token=_("The code is wrong or has expired; enter the current code."),
        device_required=_("Choose your authenticator device."),
    )

    def clean(self):
        self.cleaned_data = AdminAuthenticationForm.clean(self)
        user = self.get_user()
        if user is not None and user_has_device(user, confirmed=True):
            self.clean_otp(user)
        return self.cleaned_data


class BekituAdminSite(AdminSite):
    site_header = _("Bekitu administration")
    site_title = _("Bekitu administration")
    login_form = AdminLoginForm
    login_template = "otp/admin111/login.html"

    def has_permission(self, request):
        return super().has_permission(request) and second_factor_satisfied(request.user)
