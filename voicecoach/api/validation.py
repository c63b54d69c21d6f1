"""API validation errors (422) in Dutch: which field, and what is wrong with it."""

from __future__ import annotations

from typing import Any

from fastapi import Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse

PLACES = {"body": "", "query": "zoekparameter ", "path": "adresdeel ", "header": "kop ", "cookie": "cookie "}
PROBLEMS = {
    "missing": "ontbreekt",
    "string_type": "moet tekst zijn",
    "string_too_short": "is te kort (minstens {min_length} tekens)",
    "string_too_long": "is te lang (hoogstens {max_length} tekens)",
    "string_pattern_mismatch": "heeft niet de goede vorm",
    "int_type": "moet een geheel getal zijn",
    "int_parsing": "moet een geheel getal zijn",
    "int_from_float": "moet een geheel getal zijn",
    "float_parsing": "moet een getal zijn",
    "float_type": "moet een getal zijn",
    "bool_parsing": "moet waar of onwaar zijn",
    "bool_type": "moet waar of onwaar zijn",
    "greater_than": "moet groter zijn dan {gt}",
    "greater_than_equal": "moet minstens {ge} zijn",
    "less_than": "moet kleiner zijn dan {lt}",
    "less_than_equal": "mag hoogstens {le} zijn",
    "date_parsing": "moet een datum zijn (jjjj-mm-dd)",
    "date_from_datetime_parsing": "moet een datum zijn (jjjj-mm-dd)",
    "date_type": "moet een datum zijn (jjjj-mm-dd)",
    "datetime_parsing": "moet een datum en tijd zijn (jjjj-mm-ddTuu:mm)",
    "datetime_from_date_parsing": "moet een datum en tijd zijn (jjjj-mm-ddTuu:mm)",
    "datetime_type": "moet een datum en tijd zijn (jjjj-mm-ddTuu:mm)",
    "literal_error": "moet een van deze waarden zijn: {expected}",
    "enum": "moet een van deze waarden zijn: {expected}",
    "json_invalid": "is geen geldige JSON",
    "json_type": "is geen geldige JSON",
    "model_attributes_type": "moet een JSON-object zijn",
    "dict_type": "moet een JSON-object zijn",
    "model_type": "moet een JSON-object zijn",
    "list_type": "moet een lijst zijn",
    "extra_forbidden": "is onbekend",
    "uuid_parsing": "moet een UUID zijn",
    "uuid_type": "moet een UUID zijn",
}


def _field(loc: tuple[Any, ...]) -> str:
    place = PLACES.get(str(loc[0]), "") if loc else ""
    name = ".".join(str(part) for part in loc[1:]) or "de inhoud"
    return f"{place}'{name}'" if name != "de inhoud" else "de inhoud"


def _problem(error: dict[str, Any]) -> str:
    template = PROBLEMS.get(error.get("type", ""), "is ongeldig")
    try:
        return template.format(**(error.get("ctx") or {}))
    except (KeyError, IndexError):
        return "is ongeldig"


def dutch_fields(error: RequestValidationError) -> list[dict[str, str]]:
    return [{"field": _field(tuple(e.get("loc", ()))), "problem": _problem(e)} for e in error.errors()]


def dutch_message(fields: list[dict[str, str]]) -> str:
    return "Ongeldige invoer: " + "; ".join(f"{f['field']} {f['problem']}" for f in fields[:5]) + "."


async def dutch_validation_error(_request: Request, error: RequestValidationError) -> JSONResponse:
    fields = dutch_fields(error)
    return JSONResponse({"error": {"code": "invalid_input", "message": dutch_message(fields), "fields": fields}}, status_code=422)
