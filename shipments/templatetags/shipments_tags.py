from django import template

register = template.Library()


@register.filter
def short_group(name: str) -> str:
    """ "China Northern Rare Earth (Group) High-Tech Co., Ltd." -> "China Northern Rare Earth"."""
    for sep in (" (", ","):
        name = name.split(sep, 1)[0]
    return name
