from django import template

from duikou.lib.charts import has_data

register = template.Library()


@register.filter
def add_invalid(field):
    """Render a bound field marked invalid, pointing screen readers at its error text."""
    return field.as_widget(
        attrs={"aria-invalid": "true", "aria-describedby": f"{field.id_for_label}-error"}
    )


@register.simple_tag(takes_context=True)
def page_url(context, number) -> str:
    """The current list's query string with another page number."""
    params = context["request"].GET.copy()
    params["page"] = number
    return "?" + params.urlencode()


@register.simple_tag(takes_context=True)
def export_url(context, name_url: str) -> str:
    params = context["request"].GET.copy()
    params.pop("page", None)
    return name_url + ("?" + params.urlencode() if params else "")


@register.filter
def get_item(mapping, key):
    return mapping.get(key)


@register.filter
def chart_empty(data) -> bool:
    """True when a chart's data has nothing to draw (lib.charts.has_data): it says 暂无数据."""
    return not has_data(data)
