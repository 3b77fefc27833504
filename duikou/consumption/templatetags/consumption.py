from django import template

from duikou.consumption.display import wan_exact

register = template.Library()


@register.filter
def wan(yuan) -> str:
    """Yuan shown as the 万元 number, exact to the 分 (the unit is in the column header)."""
    return wan_exact(yuan)
