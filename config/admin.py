"""The admin site: administrators who have confirmed a TOTP device must enter a token.

Like django-otp's OTPAdminSite, but optional: a user without a confirmed device logs in with a
password only; once a device is confirmed, the admin accepts only sessions verified by it. The
registrars' pages (outside the admin) never ask for a token.
"""

import re
from functools import wraps

from django.contrib.admin import AdminSite, ModelAdmin
from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.admin.options import IncorrectLookupParameters
from django.contrib.admin.views.main import ChangeList
from django.contrib.admin.widgets import AutocompleteSelect, AutocompleteSelectMultiple
from django.core.exceptions import ObjectDoesNotExist, ValidationError
from django.http import Http404
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

    def register(self, model_or_iterable, admin_class=None, **options):
        """Every model admin, ours and the libraries', parses its input (ParsedInputAdmin)."""
        admin_class = admin_class or ModelAdmin
        if not issubclass(admin_class, ParsedInputAdmin):
            admin_class = type(admin_class.__name__, (ParsedInputAdmin, admin_class), {})
        super().register(model_or_iterable, admin_class, **options)

    def admin_view(self, view, cacheable=False):
        """A record named in an admin URL that does not exist is a 404 (the views of some
        libraries, e.g. django-otp's device set-up page, look it up with a bare `get()`)."""
        inner = super().admin_view(view, cacheable)

        @wraps(inner)
        def view_or_404(request, *args, **kwargs):
            try:
                return inner(request, *args, **kwargs)
            except ObjectDoesNotExist:
                raise Http404(_("No such record.")) from None

        return view_or_404


# Input checks every model admin of the site gets (ours and the libraries'), so that no value in
# a URL, a query or a form answers 500.


def _parses(field, value) -> bool:
    try:
        field.to_python(value)
    except ValidationError:
        return False
    return True


class _ParsedValues:
    """An autocomplete widget shows the chosen records by looking them up: a submitted value that
    is not an id of the related model (text where a number belongs) is dropped from that lookup
    (the form field refuses it with its own message), never passed to the query as it is."""

    def optgroups(self, name, value, attr=None):
        remote = self.field.remote_field
        opts = remote.model._meta
        to_field = opts.get_field(getattr(remote, "field_name", None) or opts.pk.attname)
        return super().optgroups(name, [v for v in value if _parses(to_field, v)], attr)


class ParsedAutocompleteSelect(_ParsedValues, AutocompleteSelect):
    pass


class ParsedAutocompleteSelectMultiple(_ParsedValues, AutocompleteSelectMultiple):
    pass


DATE_PARTS = {"year": (1, 9998), "month": (1, 12), "day": (1, 31)}


class ParsedChangeList(ChangeList):
    """The date drill-down (`date_hierarchy`) reads `<field>__year`, `__month` and `__day` as
    numbers: anything else, or a year out of the calendar, is an invalid filter (the list says
    so, like for any other invalid filter) instead of a 500."""

    def get_filters(self, request):
        if self.date_hierarchy:
            for part, (low, high) in DATE_PARTS.items():
                for value in self.filter_params.get(f"{self.date_hierarchy}__{part}", []):
                    if not re.fullmatch(r"[0-9]{1,4}", value) or not low <= int(value) <= high:
                        raise IncorrectLookupParameters(f"{part} {value!r}")
        return super().get_filters(request)


class ParsedInputAdmin:
    """Mixed into every model admin registered on the site (BekituAdminSite.register)."""

    def get_changelist(self, request, **kwargs):
        changelist = super().get_changelist(request, **kwargs)
        if issubclass(changelist, ParsedChangeList):
            return changelist
        return type(changelist.__name__, (ParsedChangeList, changelist), {})

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if "widget" not in kwargs and db_field.name in self.get_autocomplete_fields(request):
            kwargs["widget"] = ParsedAutocompleteSelect(db_field, self.admin_site, using=kwargs.get("using"))
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        if "widget" not in kwargs and db_field.name in self.get_autocomplete_fields(request):
            kwargs["widget"] = ParsedAutocompleteSelectMultiple(
                db_field, self.admin_site, using=kwargs.get("using")
            )
        return super().formfield_for_manytomany(db_field, request, **kwargs)
