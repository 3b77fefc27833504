from django import template
from django.urls import reverse

from duikou.core import help as help_areas

register = template.Library()


@register.simple_tag(takes_context=True)
def help_url(context) -> str:
    """The 使用帮助 page of the current page's area (the help index where none fits)."""
    request = context.get("request")
    area = help_areas.area_for(getattr(request, "resolver_match", None))
    if area is None:
        return reverse("core:help")
    return reverse("core:help_area", args=[area.slug])
