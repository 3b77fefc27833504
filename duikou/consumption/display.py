"""Money on the consumption pages: 万元, exact to the 分 (up to 6 decimals, at least 2)."""

from __future__ import annotations

from decimal import Decimal

from duikou.lib.money import WAN


def wan_exact(yuan) -> str:
    """Yuan as 万元 with thousands separators, every 分 kept: 106.00, 0.012345, 33,000.00."""
    if yuan in (None, ""):
        return "—"
    text = f"{Decimal(str(yuan)) / WAN:,.6f}"
    whole, _dot, frac = text.partition(".")
    frac = frac.rstrip("0")
    return f"{whole}.{frac.ljust(2, '0')}"


def wan_chart(yuan) -> str:
    """The same amount, plain (no separators), for ECharts."""
    return wan_exact(yuan).replace(",", "") if yuan not in (None, "") else "0"
