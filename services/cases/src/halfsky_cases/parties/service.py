"""Creating, changing and showing people; sensitive fields go through the cipher."""

from typing import Any

from halfsky_cases.parties.models import Person
from halfsky_cases.parties.schemas import PersonIn, PersonPublic, PersonUpdate
from halfsky_cases.protection.crypto import FieldCipher, mask_address, mask_id_number, mask_phone
from halfsky_common.audit import utcnow
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
    cipher: FieldCipher, *, id_number: str | None, phone: str | None, address: str | None
) -> dict[str, bytes | str | None]:
    """The stored form of the sensitive fields: ciphertexts, and keyed hashes of ID number and phone."""
    return {
        "id_number_enc": cipher.encrypt("id_number", id_number),
        "id_number_hash": cipher.digest("id_number", id_number),
        "phone_enc": cipher.encrypt("phone", phone),
        "phone_hash": cipher.digest("phone", phone),
        "address_enc": cipher.encrypt("address", address),
    }


def _set_sensitive(
    person: Person, cipher: FieldCipher, *, id_number: str | None, phone: str | None, address: str | None
) -> None:
    for name, value in sensitive_columns(cipher, id_number=id_number, phone=phone, address=address).items():
        setattr(person, name, value)


def person_row(*, cipher: FieldCipher, data: PersonIn, org_path: str) -> dict[str, Any]:
    """The `person` row of intake data, for a Core insert."""
    return new_row(
        Person,
        org_path=org_path,
        **{name: getattr(data, name) for name in PLAIN},
        **sensitive_columns(cipher, id_number=data.id_number, phone=data.phone, address=data.address),
    )


def update_person(*, cipher: FieldCipher, person: Person, data: PersonUpdate) -> list[str]:
    """Apply the given fields; return the names of those that changed (values of sensitive ones never logged)."""
    given = data.model_dump(exclude_unset=True)
    changed = []
    for name in PLAIN:
        if name in given and given[name] != getattr(person, name):
            setattr(person, name, given[name])
            changed.append(name)
    if any(name in given for name in SENSITIVE):
        current = reveal_values(cipher=cipher, person=person)
        merged = {name: given.get(name, current[name]) for name in SENSITIVE}
        changed += [name for name in SENSITIVE if merged[name] != current[name]]
        _set_sensitive(person, cipher, **merged)
    if changed:
        person.version += 1
        person.updated_at = utcnow()
    return changed


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
        values = {
            "id_number": mask_id_number(values["id_number"]),
            "phone": mask_phone(values["phone"]),
            "address": mask_address(values["address"]),
        }
    return PersonPublic(
        id=person.id,
        version=person.version,
        revealed=reveal,
        **{name: getattr(person, name) for name in PLAIN},
        **values,
    )


def masked_phone(*, cipher: FieldCipher, person: Person) -> str | None:
    return mask_phone(cipher.decrypt("phone", person.phone_enc))
