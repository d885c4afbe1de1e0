"""The printed forms (coupon, motivated refusal) in Kazakh and Russian, as PDF or HTML.

The wording of a printed form is the form's own fixed text in both state languages, chosen by
the `lang` of the print (not by the interface language)."""

import io

import segno
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation

LANGUAGES = ("kk", "ru")

LABELS = {
    "kk": {
        "coupon": "МСАК ұйымына бекіту талоны",
        "number": "Нөмірі",
        "person": "Тұлға",
        "iin": "ЖСН",
        "organization": "МСАК ұйымы",
        "district": "Учаске",
        "specialist": "МСАК маманы",
        "ground": "Бекіту негізі",
        "valid_from": "Бекіту басталған күн",
        "valid_to": "Бекіту аяқталатын күн",
        "open": "мерзімсіз",
        "registrar": "Тіркеуші",
        "verify": "Талонның жарамдылығын QR-код арқылы тексеріңіз",
        "refusal": "МСАК ұйымына бекітуден дәлелді бас тарту",
        "reason": "Бас тарту себебі",
        "details": "Түсіндірме",
        "asked_on": "Сұралған бекіту күні",
        "date": "Күні",
        "address": "Мекенжайы",
        "phone": "Телефоны",
        "print": "Басып шығару",
        "back_to_attachment": "Бекітуге оралу",
        "back_to_refusal": "Бас тартуға оралу",
        "contest": (
            "Бұл шешімге Қазақстан Республикасының заңнамасында белгіленген тәртіппен жоғары тұрған "
            "органға немесе сотқа шағым жасалуы мүмкін."
        ),
        "signed": "Жауапты қызметкер",
        "signature": "қолы",
        "received": "Алдым (тұлға немесе оның заңды өкілі)",
    },
    "ru": {
        "coupon": "Талон прикрепления к организации ПМСП",
        "number": "Номер",
        "person": "Лицо",
        "iin": "ИИН",
        "organization": "Организация ПМСП",
        "district": "Участок",
        "specialist": "Специалист ПМСП",
        "ground": "Основание прикрепления",
        "valid_from": "Дата прикрепления",
        "valid_to": "Дата окончания прикрепления",
        "open": "бессрочно",
        "registrar": "Регистратор",
        "verify": "Проверьте действительность талона по QR-коду",
        "refusal": "Мотивированный отказ в прикреплении к организации ПМСП",
        "reason": "Причина отказа",
        "details": "Пояснение",
        "asked_on": "Запрошенная дата прикрепления",
        "date": "Дата",
        "address": "Адрес",
        "phone": "Телефон",
        "print": "Печать",
        "back_to_attachment": "Вернуться к прикреплению",
        "back_to_refusal": "Вернуться к отказу",
        "contest": (
            "Это решение может быть обжаловано в вышестоящем органе или в суде в порядке, установленном "
            "законодательством Республики Казахстан."
        ),
        "signed": "Ответственный сотрудник",
        "signature": "подпись",
        "received": "Получено (лицо или его законный представитель)",
    },
}


def language_of(request) -> str:
    lang = request.GET.get("lang", "")
    if lang in LANGUAGES:
        return lang
    return "kk" if (translation.get_language() or "").startswith("kk") else "ru"


def qr_data_uri(url: str) -> str:
    return segno.make(url, error="m").svg_data_uri(scale=4)


def coupon_context(request, coupon, lang: str, *, on_screen: bool = False) -> dict:
    """`on_screen`: the page in the browser, with its print button and back link (not in the PDF)."""
    url = request.build_absolute_uri(reverse("coupon_verify", args=[coupon.token]))
    return {
        "coupon": coupon,
        "a": coupon.attachment,
        "L": LABELS[lang],
        "lang": lang,
        "qr": qr_data_uri(url),
        "on_screen": on_screen,
        "back": reverse("attachment:detail", args=[coupon.attachment_id]),
        "registrar": staff_name(coupon.issued_by),
    }


def staff_name(user) -> str:
    """Who signed a printed form: the staff member's full name (the login only when no name is
    recorded)."""
    if user is None:
        return "—"
    return user.get_full_name() or user.get_username()


def render_form(template: str, context: dict, lang: str, request=None) -> str:
    """The form in its own language; with the request, its inline print style carries the
    Content-Security-Policy nonce so that browsers apply it."""
    with translation.override(lang):
        return render_to_string(template, context, request=request)


def to_pdf(html: str, base_url: str) -> bytes:
    from weasyprint import HTML

    buffer = io.BytesIO()
    HTML(string=html, base_url=base_url).write_pdf(buffer)
    return buffer.getvalue()
