"""Masking of personal data for viewers who do not need it (PIPL: minimum necessary)."""


def mask_phone(value: str) -> str:
    """A mobile number as 139****5678; any other length (a 7- or 8-digit landline, an area code with a
    dash, +86) keeps at most half of its characters, split between its start and its end, with one
    star per hidden character, so that a short number is never shown whole."""
    phone = value or ""
    if not phone:
        return ""
    if len(phone) == 11:
        return f"{phone[:3]}****{phone[-4:]}"
    hidden = max(4, -(-len(phone) // 2))
    shown = max(len(phone) - hidden, 0)
    tail = shown // 2
    return phone[: shown - tail] + "*" * hidden + (phone[-tail:] if tail else "")


def mask_id_number(value: str) -> str:
    if not value:
        return ""
    if len(value) <= 8:
        return "*" * len(value)
    return f"{value[:4]}{'*' * (len(value) - 8)}{value[-4:]}"


def mask_address(value: str) -> str:
    if not value:
        return ""
    keep = min(6, max(len(value) // 3, 1))
    return value[:keep] + "****"


def mask_name(value: str) -> str:
    if not value:
        return ""
    return value[0] + "*" * max(len(value) - 1, 1)


MASKERS = {
    "phone": mask_phone,
    "id_number": mask_id_number,
    "address": mask_address,
    "name": mask_name,
}


def masked(value: str, kind: str) -> str:
    return MASKERS[kind](value or "")
