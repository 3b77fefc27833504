"""Exact money: integer 分 (fen) in the database, Decimal yuan in code, 万元/亿元 on screen."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

FEN = Decimal("0.01")
WAN = Decimal(10_000)
YI = Decimal(100_000_000)


def yuan_to_fen(yuan: Decimal | int | str) -> int:
    """Convert yuan to integer fen; more than two decimals is an error, never silently rounded."""
    try:
        value = Decimal(str(yuan))
    except InvalidOperation as exc:
        raise ValueError(f"不是有效的金额：{yuan}") from exc
    if not value.is_finite():
        raise ValueError(f"不是有效的金额：{yuan}")
    fen = value * 100
    if fen != fen.to_integral_value():
        raise ValueError(f"金额 {yuan} 元超出分的精度")
    return int(fen)


def fen_to_yuan(fen: int) -> Decimal:
    return (Decimal(fen) / 100).quantize(FEN)


# 万元 ↔ yuan: the one place the unit of Chinese reports is converted (forms, sheets, exports).


def wan_to_yuan(wan: Decimal | int | str) -> Decimal:
    """An amount typed in 万元 → exact yuan (2 decimals); more than 6 decimals is an error."""
    yuan = Decimal(str(wan)) * WAN
    if yuan != yuan.quantize(FEN):
        raise ValueError(f"金额 {wan} 万元超出分的精度")
    return yuan.quantize(FEN)


def yuan_to_wan(yuan: Decimal | int | str) -> Decimal:
    """Yuan → 万元, exactly (2 decimals of yuan are at most 6 of 万元), without trailing zeros
    or exponent notation (1E+3), as a spreadsheet cell or a form field shows it."""
    text = format(Decimal(str(yuan)) / WAN, "f")
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return Decimal(text)


def wan_plain(yuan: Decimal | None) -> str:
    """Yuan as the exact 万元 number a form field shows and takes back ("86.5", "0.000001")."""
    return format(yuan_to_wan(yuan or 0), "f")


def yuan_str(fen: int) -> str:
    """The contract form of money in figures JSON: yuan with two decimals, e.g. "14070000.00"."""
    return str(fen_to_yuan(fen))


def format_wan(fen: int, places: int = 2) -> str:
    """Show an amount in 万元 as Chinese reports do: 1407.00 万元."""
    wan = (Decimal(fen) / 100 / WAN).quantize(Decimal(1).scaleb(-places), ROUND_HALF_UP)
    return f"{wan:,} 万元"


def format_cn(fen: int) -> str:
    """Pick the natural unit: 亿元 from one hundred million, else 万元, else 元."""
    yuan = Decimal(fen) / 100
    if abs(yuan) >= YI:
        return f"{(yuan / YI).quantize(Decimal('0.01'), ROUND_HALF_UP):,} 亿元"
    if abs(yuan) >= WAN:
        return f"{(yuan / WAN).quantize(Decimal('0.01'), ROUND_HALF_UP):,} 万元"
    return f"{yuan.quantize(FEN):,} 元"


def _plain(value: Decimal) -> str:
    text = format(value, "f")
    return text.rstrip("0").rstrip(".") if "." in text else text


def format_report(yuan: Decimal | int | str) -> str:
    """An amount as a Chinese government summary writes it: 1.02亿元, 5470万元, 283.5万元.

    亿元 when the amount is at least one 亿 and exact to two decimals of 亿; otherwise 万元
    (at most two decimals, rounded half up past them); under one 万, 元.
    """
    value = Decimal(str(yuan))
    if abs(value) >= YI:
        yi = value / YI
        if yi == yi.quantize(FEN):
            return f"{_plain(yi)}亿元"
    if abs(value) >= WAN:
        return f"{_plain((value / WAN).quantize(FEN, ROUND_HALF_UP))}万元"
    return f"{_plain(value.quantize(FEN, ROUND_HALF_UP))}元"
