from decimal import Decimal

from django import template

from duikou.investment.matching import wan_text

register = template.Library()


@register.filter
def wan(yuan) -> str:
    """Yuan shown in 万元: 3,000 万元 ("—" when empty)."""
    return "—" if yuan in (None, "") else wan_text(Decimal(str(yuan)))
