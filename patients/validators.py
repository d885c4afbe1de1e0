"""Validators for text typed by staff: names of people and any other free text.

Names: letters of any script (Kazakh ә ғ қ ң ө ұ ү һ і included), combining marks, spaces,
hyphens, apostrophes and dots; no digits, no markup. Invisible characters (zero-width spaces,
direction overrides, byte-order marks, control characters) are refused everywhere: they make two
equal-looking names differ and can reorder what a page shows. Latin and Cyrillic letters are
not mixed within one word (a Latin "e" inside a Cyrillic surname defeats search and duplicates).
"""

import unicodedata

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

NAME_PUNCTUATION = frozenset(" -'’ʼ.")
# The messages by code: the person form shows them, and the register import's error report.
MESSAGES = {
    "invisible_characters": _(
        "Remove invisible or control characters (such as zero-width spaces or direction marks)."
    ),
    "name_characters": _("A name may contain only letters, spaces, hyphens, apostrophes and dots."),
    "mixed_scripts": _("Do not mix Latin and Cyrillic letters in one word: %(word)s"),
}


def _is_invisible(char: str) -> bool:
    # Cc: control characters (tab, newline, NUL…); Cf: format characters (zero-width space and
    # joiners, left-to-right/right-to-left marks and overrides, BOM); Zl/Zp: line separators.
    return unicodedata.category(char) in {"Cc", "Cf", "Zl", "Zp"} or (
        unicodedata.category(char) == "Zs" and char != " "
    )


def validate_no_invisible_characters(value: str) -> None:
    if any(_is_invisible(char) for char in value):
        raise ValidationError(MESSAGES["invisible_characters"], code="invisible_characters")


def _script(char: str) -> str | None:
    name = unicodedata.name(char, "")
    for script in ("LATIN", "CYRILLIC"):
        if name.startswith(script):
            return script
    return None


def validate_person_name(value: str) -> None:
    validate_no_invisible_characters(value)
    for char in value:
        if char in NAME_PUNCTUATION or unicodedata.category(char)[0] in {"L", "M"}:
            continue
        raise ValidationError(MESSAGES["name_characters"], code="name_characters")
    for word in value.replace("-", " ").split():
        scripts = {_script(char) for char in word} - {None}
        if len(scripts) > 1:
            raise ValidationError(MESSAGES["mixed_scripts"], code="mixed_scripts", params={"word": word})


def normalize_text(value: str) -> str:
    """One Unicode form for equal-looking text (й typed as и + breve becomes й)."""
    return unicodedata.normalize("NFC", value) if isinstance(value, str) else value
