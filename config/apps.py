from axes.apps import AppConfig as AxesAppConfig
from django.contrib.admin.apps import AdminConfig
from django.utils.translation import gettext_lazy as _
from django_otp.plugins.otp_totp.apps import DefaultConfig as TotpAppConfig
from django_tasks_db.apps import TasksAppConfig


class BekituAdminConfig(AdminConfig):
    """The Django admin, served by our admin site (a second factor for administrators who have one)."""

    default_site = "config.admin.BekituAdminSite"


# The admin's sections of the libraries we use, named in the staff's languages (their own
# names are English, or their labels in capitals: "AXES", "OTP_TOTP").
class LoginAttemptsConfig(AxesAppConfig):
    verbose_name = _("Login attempts")


class TwoFactorDevicesConfig(TotpAppConfig):
    verbose_name = _("Two-factor devices (TOTP)")


class BackgroundTasksConfig(TasksAppConfig):
    verbose_name = _("Background tasks")
