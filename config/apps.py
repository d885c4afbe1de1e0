from django.contrib.admin.apps import AdminConfig


class BekituAdminConfig(AdminConfig):
    """The Django admin, served by our admin site (a second factor for administrators who have one)."""

    default_site = "config.admin.BekituAdminSite"
