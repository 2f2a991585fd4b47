"""French grammar in templates: `{{ name|de }}` → « d'Ambre » / « de Paul » (educonnect.text.de)."""

from django import template

from educonnect import text

register = template.Library()


@register.filter(name="de")
def de(name) -> str:
    return text.de(str(name))
