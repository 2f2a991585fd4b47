"""French grammar in templates: `{{ name|de }}` → « d'Ambre » / « de Paul » (educonnect.text.de)."""

from django import template

from educonnect import text

register = template.Library()


@register.filter(name="de")
def de(name) -> str:
    return text.de(str(name))


@register.filter(name="pluriel")
def pluriel(count, forms: str = "s") -> str:
    """French plural: « 0 résultat », « 1 résultat », « 2 résultats » (Django's `pluralize` says
    « 0 résultats »). `forms` is the plural suffix, or « singulier,pluriel » as for `pluralize`."""
    singular, plural = forms.split(",", 1) if "," in forms else ("", forms)
    try:
        number = int(count)
    except (TypeError, ValueError):
        try:
            number = len(count)
        except TypeError:
            return singular
    return plural if text.takes_plural(number) else singular
