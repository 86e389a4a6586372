"""Creating, changing and showing people; sensitive fields go through the cipher."""

from typing import Any

from pydantic_core import PydanticCustomError

from halfsky_cases.parties.models import Person
from halfsky_cases.parties.schemas import PersonIn, PersonPublic, PersonUpdate
from halfsky_cases.protection.crypto import FieldCipher, id_number_digest
from halfsky_common.audit import utcnow
from halfsky_common.personal import DocumentType, check_document, mask_address, mask_id_number, mask_phone
from halfsky_common.problems import Problem, field_error
from halfsky_common.rows import new_row

SENSITIVE = ("id_number", "phone", "address")
PLAIN = (
    "name",
    "sex",
    "birth_date",
    "age",
    "ethnicity",
    "marital_status",
    "occupation",
    "disability",
    "children_count",
)


def sensitive_columns(
    cipher: FieldCipher, *, id_type: str, id_number: str | None, phone: str | None, address: str | None
) -> dict[str, bytes | str | None]:
    """The stored form of the sensitive fields: ciphertexts, and keyed hashes of ID number and phone.

    The values are normalised already (the schemas did it): the hash finds the same number however it was typed.
    """
    return {
        "id_type": id_type,
        "id_number_enc": cipher.encrypt("id_number", id_number),
        "id_number_hash": id_number_digest(cipher, id_type, id_number),
        "phone_enc": cipher.encrypt("phone", phone),
        "phone_hash": cipher.digest("phone", phone),
        "address_enc": cipher.encrypt("address", address),
    }


def _set_sensitive(
    person: Person, cipher: FieldCipher, *, id_type: str, id_number: str | None, phone: str | None, address: str | None
) -> None:
    columns = sensitive_columns(cipher, id_type=id_type, id_number=id_number, phone=phone, address=address)
    for name, value in columns.items():
        setattr(person, name, value)


def person_row(*, cipher: FieldCipher, data: PersonIn, org_path: str) -> dict[str, Any]:
    """The `person` row of intake data, for a Core insert."""
    return new_row(
        Person,
        org_path=org_path,
        **{name: getattr(data, name) for name in PLAIN},
        **sensitive_columns(
            cipher, id_type=data.id_type, id_number=data.id_number, phone=data.phone, address=data.address
        ),
    )


def update_person(*, cipher: FieldCipher, person: Person, data: PersonUpdate) -> list[str]:
    """Apply the given fields; return the names of those that changed (values of sensitive ones never logged)."""
    given = data.model_dump(exclude_unset=True)
    changed = []
    for name in PLAIN:
        if name in given and given[name] != getattr(person, name):
            setattr(person, name, given[name])
            changed.append(name)
    if given.get("id_type") is None:
        given.pop("id_type", None)
    if any(name in given for name in (*SENSITIVE, "id_type")):
        current = reveal_values(cipher=cipher, person=person)
        merged = {name: given.get(name, current[name]) for name in SENSITIVE}
        id_type = given.get("id_type", person.id_type)
        if merged["id_number"] and ("id_type" in given) != ("id_number" in given):
            # One of the two changes: the number must fit the type (the schema checked it when both came; when
            # neither did, a number stored under older rules stays as it is and does not block other edits).
            field = "id_number" if "id_number" in given else "id_type"
            merged["id_number"] = _checked(id_type, merged["id_number"], field)
        changed += [name for name in SENSITIVE if merged[name] != current[name]]
        if id_type != person.id_type:
            changed.append("id_type")
        _set_sensitive(person, cipher, id_type=id_type, **merged)
    if changed:
        person.version += 1
        person.updated_at = utcnow()
    return changed


def _checked(id_type: str, number: str, field: str) -> str:
    """The number checked as `id_type`, or the 422 the schema would have given, naming `field`."""
    try:
        return check_document(id_type, number)
    except PydanticCustomError as refused:
        raise Problem(
            422, f"Invalid input: {field}", errors=[field_error(field, refused.message(), refused.type)]
        ) from None


def reveal_values(*, cipher: FieldCipher, person: Person) -> dict[str, str | None]:
    """The plain sensitive values of a person."""
    return {
        "id_number": cipher.decrypt("id_number", person.id_number_enc),
        "phone": cipher.decrypt("phone", person.phone_enc),
        "address": cipher.decrypt("address", person.address_enc),
    }


def present_fields(person: Person) -> list[str]:
    """The sensitive fields this person has a value for."""
    return [name for name in SENSITIVE if getattr(person, f"{name}_enc") is not None]


def to_public(*, cipher: FieldCipher, person: Person, reveal: bool = False) -> PersonPublic:
    """The person as shown: masked, or in full when `reveal` (the caller logs the access)."""
    values = reveal_values(cipher=cipher, person=person)
    if not reveal:
        id_number, phone, address = values["id_number"], values["phone"], values["address"]
        values = {
            "id_number": mask_id_number(id_number, person.id_type) if id_number else None,
            "phone": mask_phone(phone) if phone else None,
            "address": mask_address(address) if address else None,
        }
    return PersonPublic(
        id=person.id,
        id_type=DocumentType(person.id_type),
        version=person.version,
        revealed=reveal,
        **{name: getattr(person, name) for name in PLAIN},
        **values,
    )


def masked_phone(*, cipher: FieldCipher, person: Person) -> str | None:
    phone = cipher.decrypt("phone", person.phone_enc)
    return mask_phone(phone) if phone else None
