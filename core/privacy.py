"""Masking of personal data for viewers who do not need it (PIPL: minimum necessary)."""


def mask_phone(value: str) -> str:
    digits = value or ""
    if len(digits) >= 7:
        return f"{digits[:3]}****{digits[-4:]}"
    return "****" if digits else ""


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
