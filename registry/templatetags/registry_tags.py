from django import template
from django.utils.html import format_html

from registry.charts import yoy_text

register = template.Library()

UNVERIFIED = {"unconfirmed", "estimated"}


@register.simple_tag
def unverified(obj_or_value, field: str = "confidence"):
    """The "unverified" tag for a value (or an object's confidence) that is not confirmed."""
    value = getattr(obj_or_value, field, obj_or_value)
    if value in UNVERIFIED:
        return format_html(
            '<span class="tag tag-unverified" title="{}">unverified</span>',
            f"Confidence: {value}. Not found in a source that was read; check it first.",
        )
    return ""


@register.simple_tag
def list_confidence(version):
    """The label of an approved-list version that is not MIIT's own ("reported",
    "estimated"): a list rebuilt from reports must never pass for the official one."""
    value = getattr(version, "confidence", "official")
    if not value or value == "official":
        return ""
    return format_html(
        '<span class="tag tag-reported" title="{}">{}</span>',
        f"Confidence: {value}. Not an official MIIT list; check it before relying on it.",
        getattr(version, "get_confidence_display", lambda: value)().lower(),
    )


@register.simple_tag
def demo(obj):
    if getattr(obj, "is_demo", False):
        return format_html(
            '<span class="tag tag-demo" title="{}">demo</span>', "Invented for the demo, not a fact"
        )
    return ""


@register.filter
def tonnes(value):
    if value is None:
        return "unknown"
    return f"{value:,.0f}"


@register.filter
def yoy(value):
    """A year-on-year change in percent, signed: "+12.5%", "-3.0%", "±0.0%"."""
    return yoy_text(value) or "—"
