"""Check digits of Chinese identifiers.

统一社会信用代码 (GB 32100-2015) and 公民身份号码 (GB 11643-1999).

Pure functions, no Django. Each validator returns its problems as (key, params) pairs, so that
forms, the Excel importer and the API word them in the user's language (core/validators.py).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

USCC_CHARSET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
USCC_WEIGHTS = [pow(3, i, 31) for i in range(17)]
ORG_CODE_WEIGHTS = [3, 7, 9, 10, 5, 8, 4, 2]
USCC_PREFIXES = frozenset(
    "11 12 13 19 21 29 31 32 33 34 35 39 41 49 51 52 53 59 61 62 69 71 72 79 81 89 91 92 93 "
    "A1 A9 N1 N2 N3 N9 Y1".split()
)
ID_WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
ID_CHECK = "10X98765432"


@dataclass
class CodeCheck:
    """The outcome of checking a code: hard errors (format, check digit) and strict warnings."""

    code: str
    errors: list[tuple[str, dict[str, object]]] = field(default_factory=list)
    check_digit_error: bool = False  # only the final check character is wrong
    warnings: list[tuple[str, dict[str, object]]] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors


def normalise_code(value: str) -> str:
    """Strip spaces (also full-width) and upper-case; full-width letters/digits become ASCII."""
    out = []
    for ch in value.strip():
        o = ord(ch)
        if 0xFF01 <= o <= 0xFF5E:
            ch = chr(o - 0xFEE0)
        if ch.isspace() or ch == "\u3000":
            continue
        out.append(ch)
    return "".join(out).upper()


def uscc_check_char(first17: str) -> str:
    total = sum(USCC_CHARSET.index(c) * w for c, w in zip(first17, USCC_WEIGHTS, strict=True))
    value = 31 - total % 31
    return USCC_CHARSET[0 if value == 31 else value]


def org_code_check_char(first8: str) -> str:
    def val(c: str) -> int:
        return int(c) if c.isdigit() else ord(c) - ord("A") + 10

    value = 11 - sum(val(c) * w for c, w in zip(first8, ORG_CODE_WEIGHTS, strict=True)) % 11
    return {10: "X", 11: "0"}.get(value, str(value))


def check_uscc(raw: str) -> CodeCheck:
    """Check a 统一社会信用代码: format and check digit are errors, strict findings warnings."""
    code = normalise_code(raw)
    result = CodeCheck(code=code)
    if len(code) != 18:
        result.errors.append(("length", {"length": len(code)}))
        return result
    bad = sorted({c for c in code if c not in USCC_CHARSET})
    if bad:
        result.errors.append(("charset", {"chars": "、".join(bad)}))
        return result
    if not code[2:8].isdigit():
        result.errors.append(("region", {}))
        return result
    expected = uscc_check_char(code[:17])
    if code[17] != expected:
        result.errors.append(("check", {"expected": expected, "actual": code[17]}))
        result.check_digit_error = True
        return result
    if code[:2] not in USCC_PREFIXES:
        result.warnings.append(("prefix", {"prefix": code[:2]}))
    org = code[8:17]
    if all(c.isdigit() or "A" <= c <= "Z" for c in org[:8]) and org[8] in "0123456789X":
        if org_code_check_char(org[:8]) != org[8]:
            result.warnings.append(("orgcode", {}))
    else:
        result.warnings.append(("orgcode_format", {}))
    return result


def is_valid_uscc(raw: str) -> bool:
    return check_uscc(raw).ok


def check_resident_id(raw: str, today: dt.date | None = None) -> CodeCheck:
    """Check a 18-character 公民身份号码: format, birth date and the ISO 7064 MOD 11-2 check."""
    code = raw.strip()
    result = CodeCheck(code=code)
    if len(code) != 18:
        result.errors.append(("length", {"length": len(code)}))
        return result
    if not code[:17].isdigit() or code[17] not in "0123456789X":
        result.errors.append(("id_format", {}))
        return result
    try:
        born = dt.date(int(code[6:10]), int(code[10:12]), int(code[12:14]))
    except ValueError:
        result.errors.append(("birth_invalid", {"date": code[6:14]}))
        return result
    if born > (today or dt.date.today()):
        result.errors.append(("birth_future", {"date": code[6:14]}))
        return result
    expected = ID_CHECK[sum(int(c) * w for c, w in zip(code[:17], ID_WEIGHTS, strict=True)) % 11]
    if code[17] != expected:
        result.errors.append(("check", {"expected": expected, "actual": code[17]}))
        result.check_digit_error = True
    return result


def make_uscc(prefix2: str, region6: str, body8: str) -> str:
    """Build a valid USCC from its parts, computing both check characters (demo data, tests)."""
    org = body8 + org_code_check_char(body8)
    first17 = prefix2 + region6 + org
    return first17 + uscc_check_char(first17)
