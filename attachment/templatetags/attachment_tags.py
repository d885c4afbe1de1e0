"""The person header's attachment line: where the person is attached today, since and until
when, and the attachment that will follow, on every page of the person card."""

from django import template
from django.utils import timezone

from .. import selectors

register = template.Library()


@register.inclusion_tag("attachment/person_header_attachment.html", takes_context=True)
def person_attachment_line(context, person):
    user = context["request"].user
    if not user.has_perm("attachment.view_attachment"):
        return {"shown": False}
    today = timezone.localdate()
    current, following = selectors.attachment_now_and_next(person=person, on=today)
    return {"shown": True, "person": person, "current": current, "following": following}
