from django import template
from django.utils.html import format_html

from shipments.choices import SourceEvidence

register = template.Library()
_EVIDENCE = dict(SourceEvidence.choices)


@register.filter
def evidence_labels(kinds) -> list[str]:
    """A source's evidence document types in words."""
    return [str(_EVIDENCE.get(kind, kind)) for kind in kinds or ()]


@register.filter
def short_group(name: str) -> str:
    """ "China Northern Rare Earth (Group) High-Tech Co., Ltd." -> "China Northern Rare Earth"."""
    for sep in (" (", ","):
        name = name.split(sep, 1)[0]
    return name


@register.filter
def short_label(label: str) -> str:
    """ "Light (rock ore, e.g. Bayan Obo)" -> "Light" (the page keeps the rest as a title)."""
    return str(label).split(" (", 1)[0]


@register.simple_tag
def row_widget(field):
    """A formset cell's input, tied to its error message for assistive technology."""
    attrs = {}
    if field.errors:
        attrs["aria-invalid"] = "true"
        attrs["aria-describedby"] = f"{field.auto_id}_error"
    return field.as_widget(attrs=attrs)


@register.simple_tag
def registry_note(producer, *, plant_name: str = ""):
    """What a source's plant or a party's registry record matched, in words (the form
    shows it beside the input; the script updates it as the person types)."""
    if producer is not None:
        kind = producer.get_kind_display().lower()
        if producer.group_id:
            return format_html(
                '<span class="match-ok">✔ Registry: {} · {}</span>',
                short_group(producer.group.name),
                kind,
            )
        return format_html('<span class="match-ok">✔ Registry: {}</span>', kind)
    if plant_name:
        return format_html(
            '<span class="match-none">○ Not in the registry: kept as declared</span>'
        )
    return ""


# The approved list's word for a source, and a symbol so it never rests on colour alone.
LIST_STATUS = {
    "approved": ("✔", "approved"),
    "suspended": ("!", "suspended"),
    "removed": ("✖", "removed"),
    "not_listed": ("✖", "not on the list"),
}


@register.simple_tag
def case_source_rows(case) -> dict:
    """The case page's upstream sources with the approved-list status each had in the
    latest assessment (its stored inputs), and the list version that was used."""
    inputs = {}
    if case.latest_assessment_id and case.latest_assessment:
        inputs = case.latest_assessment.full_inputs
    assessed = (inputs.get("case") or {}).get("sources") or []

    def key(producer_id, plant_name, label):
        return (producer_id, plant_name or "", label)

    by_key = {
        key((s.get("producer") or {}).get("id"), s.get("plant_name"), s.get("label")): s
        for s in assessed
    }
    rows = []
    for source in case.sources.all():
        seen = by_key.get(key(source.producer_id, source.plant_name, source.label)) or {}
        status = seen.get("list_status")
        symbol, word = LIST_STATUS.get(status, ("", status or ""))
        rows.append(
            {
                "source": source,
                "list_status": status,
                "list_symbol": symbol,
                "list_word": word,
                "list_note": seen.get("list_note", ""),
            }
        )
    return {"rows": rows, "approved_list": inputs.get("approved_list")}
