"""Identity documents and phone numbers of the people the services record: normalised and checked once, here.

The cases service (victims, complainants, respondents) and the projects service (beneficiaries, borrowers) both take
ID numbers and phones and hash them to find the same person again; they must agree on what "the same number" is.

- **Normalise first, then check, hash and store** (`normalize_document`, `normalize_phone`): Unicode NFKC folds what
  Chinese input methods type in full-width mode (`１３９…`, `ｘ`, `－`, the ideographic space) into ASCII, then spaces
  and hyphens go and letters are upper-cased. ASCII input normalises to exactly what the services stored before
  this module existed, so the digests already in the databases still match (see the tests).
- **Document types** (`DocumentType`, `DOCUMENTS`): the resident ID card and the documents that foreign and Hong
  Kong/Macao/Taiwan victims carry, each with its own format check, instead of refusing every number that is not a
  resident ID.
- **The matching key** (`match_key`): what a service hashes for the duplicate search. For a resident ID it is the
  number itself (as before); for the other types the type is part of it (a passport number and a permit number may
  look alike), and the permits' lifelong number only, so a permit renewed under the old numbering is the same person.

Every refusal is a `PydanticCustomError` whose type is a stable machine code (listed in docs/api.md) and whose
context carries it as `code`, so the services' 422 names the field and the code.

- **Masks** (`mask_id_number`, `mask_phone`, `mask_address`, `mask_name`): one per kind of value, so the same value
  masks the same in every service, list, detail and export.
- **The keyed hash** (`KeyedHash`): HMAC-SHA256 of the normalised value (of its `match_key` for a document); each
  service keeps its own key, so a digest from one service matches nothing in another.

## When a field is encrypted-and-revealed, and when it is masked at write

A value is **encrypted and revealable** when someone must later act on the full value for the person's sake: call
her, visit her, give the number to the police, a court or legal aid. It is stored AES-GCM encrypted (the cases
service's `FieldCipher`), shown masked by default, and shown in full only to a role allowed to reveal, with a
reason, each reveal written to the access log. A value is **masked at write** when the full value is needed only at
the moment it is entered (to check its format and find a duplicate): the service keeps the mask and, where it must
find the person again, the keyed hash, and never the full value, so nobody can reveal it. Nothing of this table is
ever stored in plain text or logged.

| service, table | field | stored as | shown |
|---|---|---|---|
| cases `person` (victims and others) | `id_number` | encrypted + keyed hash | masked; revealed with a reason, logged |
| cases `person` | `phone` | encrypted + keyed hash | masked; revealed with a reason, logged |
| cases `person` | `address` | encrypted | masked; revealed with a reason, logged |
| cases `person` | `name` | plain (reads are region-scoped) | in full |
| projects `beneficiary` (and borrowers) | `id_number` | masked at write + keyed hash | the mask |
| projects `beneficiary` | `phone` | masked at write | the mask |
| projects `beneficiary` | `name` | plain | in full to admin/leader/project_manager, else `mask_name` |

Revealing is for the roles of `may_reveal` in the cases service (admin, leader, case_worker). The keyed hashes find
duplicates: a victim's earlier cases, a beneficiary registered twice in one project.

Masks keep what lets a worker confirm a value with its holder ("the last four are 123X?") and little else:

| kind | kept | example |
|---|---|---|
| resident ID, 2023 foreigner's card | the first 4 (province, city) and the last 4 | `4401**********123X` |
| other documents | leading letters (the kind: E, H/M, nationality), the last 3; half hidden | `E*****678` |
| mainland mobile | the first 3 (the carrier) and the last 4 | `139****5678` |
| any other phone (landline, abroad) | the last 4 | `******5432` |
| address | the first 6 characters (usually city and district) | `广州市天河区****` |
| name | the first character, and the last of a name of three or more | `王*`, `李*红` |

Where the two services' masks disagreed, the stricter one won: the cases service holds the most sensitive data
(victims of violence), and a mask shared by both services must be safe for them. The resident ID keeps 4 leading
digits, not 6: the district code (digits 5 and 6) narrows a woman to the county where she is registered, which is
where a victim who fled is looked for; the city is enough to tell records apart. A landline keeps only its last
four: with its area code and a 7-digit number, `020***5432` showed 7 of 10 digits. A mobile is told by its form
(1[3-9] and 9 digits), not by its length: an 11-digit landline (020 8888 5432) was masked like a mobile before.
The projects service's masks stored before this rule were narrowed to it by a migration (only ever hiding more).
"""

import hashlib
import hmac
import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from pydantic_core import PydanticCustomError

from halfsky_common import clock

EARLIEST_BIRTH_YEAR = 1900


class DocumentType(StrEnum):
    """The identity documents a person may give (证件类型)."""

    resident_id = "resident_id"  # 居民身份证; also 港澳台居民居住证 (the same number format, 81/82/83 prefix)
    passport = "passport"  # 护照 (any country's)
    hk_macao_permit = "hk_macao_permit"  # 港澳居民来往内地通行证 (回乡证)
    taiwan_permit = "taiwan_permit"  # 台湾居民来往大陆通行证 (台胞证)
    foreign_permanent_id = "foreign_permanent_id"  # 外国人永久居留身份证


DOCUMENT_NAMES_ZH = {
    DocumentType.resident_id: "居民身份证",
    DocumentType.passport: "护照",
    DocumentType.hk_macao_permit: "港澳居民来往内地通行证",
    DocumentType.taiwan_permit: "台湾居民来往大陆通行证",
    DocumentType.foreign_permanent_id: "外国人永久居留身份证",
}


def refusal(code: str, message: str) -> PydanticCustomError:
    """A validation error with a stable code: pydantic reports `code` as the error type and in its context."""
    return PydanticCustomError(code, message, {"code": code})


def today_in_china() -> date:
    """Today's date where the people are: a baby born this morning in Guangzhou is not born in the future."""
    return clock.today()


# --- normalisation --------------------------------------------------------------------------------------------------

# After NFKC: white space of every kind and the dashes people put between groups of digits (ASCII hyphen, Unicode
# hyphens and dashes, the minus sign; the full-width hyphen-minus has become ASCII by then).
_DOCUMENT_SEPARATORS = re.compile(r"[\s\-\u2010-\u2015\u2212]+")
# Phones also come with the area code in parentheses and dots between groups: (020) 8888.1234.
_PHONE_SEPARATORS = re.compile(r"[\s\-\u2010-\u2015\u2212().]+")


def fold(value: str) -> str:
    """Unicode NFKC: full-width digits, letters and punctuation become ASCII; ASCII stays as it is."""
    return unicodedata.normalize("NFKC", value)


def normalize_document(value: str) -> str:
    """The number as it is checked, stored and hashed: NFKC, no spaces or hyphens, upper case (ｘ → X)."""
    return _DOCUMENT_SEPARATORS.sub("", fold(value)).upper()


# --- the resident ID (GB 11643-1999, 公民身份号码) -----------------------------------------------------------------

_GB11643_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_GB11643_CHECK = "10X98765432"  # the check character for (sum of digit × weight) mod 11 = 0, 1, 2, …

# Province-level codes, the first two digits of the address code (GB/T 2260): 71 台湾省 is in the standard,
# 81/82/83 are 香港/澳门/台湾 on 港澳台居民居住证 (国务院办公厅《港澳台居民居住证申领发放办法》, 2018: address codes
# 810000, 820000 and 830000).
_PROVINCES = frozenset(
    {
        *("11", "12", "13", "14", "15"),  # 华北
        *("21", "22", "23"),  # 东北
        *("31", "32", "33", "34", "35", "36", "37"),  # 华东
        *("41", "42", "43", "44", "45", "46"),  # 中南
        *("50", "51", "52", "53", "54"),  # 西南
        *("61", "62", "63", "64", "65"),  # 西北
        *("71", "81", "82", "83"),  # 台湾, 香港, 澳门, 台湾 (居住证)
    }
)
_RESIDENCE_PERMIT_PROVINCES = frozenset({"81", "82", "83"})


def gb11643_check_character(first17: str) -> str:
    """The 18th character of a GB 11643 number (ISO 7064 MOD 11-2) from its first 17 digits."""
    total = sum(int(d) * w for d, w in zip(first17, _GB11643_WEIGHTS, strict=True))
    return _GB11643_CHECK[total % 11]


def _check_birth_date(digits: str, today: date) -> None:
    """YYYYMMDD must be a real calendar date, not before 1900 and not after today."""
    try:
        born = date(int(digits[:4]), int(digits[4:6]), int(digits[6:8]))
    except ValueError:
        raise refusal("id_number_birth_date", f"the birth date in the number ({digits}) is not a real date") from None
    if born.year < EARLIEST_BIRTH_YEAR or born > today:
        raise refusal(
            "id_number_birth_date",
            f"the birth date in the number ({born.isoformat()}) is before {EARLIEST_BIRTH_YEAR} or in the future",
        )


def _check_gb11643(number: str, today: date) -> None:
    """The birth date (positions 7–14) and the check character of an 18-character GB 11643 number."""
    _check_birth_date(number[6:14], today)
    if gb11643_check_character(number[:17]) != number[17]:
        raise refusal("id_number_check_digit", "the check character (the last one) does not fit: a digit is mistyped")


def _resident_id(number: str, today: date) -> None:
    """居民身份证 (and 港澳台居民居住证): 18 characters, GB 11643-1999.

    Six-digit address code (GB/T 2260), birth date YYYYMMDD, three-digit sequence, check character 0-9 or X.
    The 15-digit first-generation cards are refused: they stopped being valid on 1 January 2013 (the 2011 amendment
    of the Resident Identity Card Law, 《关于修改〈中华人民共和国居民身份证法〉的决定》), a typo in one cannot be
    caught without a check character, and the same person's 18-digit number is on her second-generation card.
    """
    if re.fullmatch(r"\d{15}", number):
        raise refusal(
            "id_number_old_format",
            "a 15-digit first-generation ID card is no longer valid (since 2013): give the 18-character number",
        )
    if not re.fullmatch(r"\d{17}[\dX]", number):
        raise refusal("id_number_format", "a resident ID number has 18 characters: 17 digits and a digit or X")
    if number[:2] not in _PROVINCES:
        hint = " (a number starting with 9 is a foreigner's permanent residence card)" if number[0] == "9" else ""
        raise refusal("id_number_region", f"the number does not start with a province code{hint}")
    if number[:2] in _RESIDENCE_PERMIT_PROVINCES and number[2:6] != "0000":
        raise refusal(
            "id_number_region", "a Hong Kong, Macao or Taiwan residence permit starts 810000, 820000 or 830000"
        )
    _check_gb11643(number, today)


def _passport(number: str, today: date) -> None:
    """护照: any country's. ICAO Doc 9303 gives the document number 9 characters (A-Z, 0-9) in the machine-readable
    zone, longer ones continue in the optional data; China's are E + 8 digits or E + letter + 7 digits. Accepted:
    5–17 letters and digits, at least one digit (a name typed into the field has none)."""
    if not re.fullmatch(r"[A-Z0-9]{5,17}", number) or not re.search(r"\d", number):
        raise refusal("id_number_format", "a passport number has 5 to 17 letters and digits")


def _hk_macao_permit(number: str, today: date) -> None:
    """港澳居民来往内地通行证: H (Hong Kong) or M (Macao) and the holder's 8-digit lifelong number.

    The 1999 numbering added two digits counting renewals (公安部出入境管理局, 《港澳居民来往内地通行证号码规则》,
    2010: "证件号码共11位…前8位数字为通行证持有人的终身号，后2位数字表示换证次数"; "新旧通行证号码前9位相同，表明为
    签发给同一持证人"); the current card (issued since 2013) shows the first 9 only.
    """
    if not re.fullmatch(r"[HM]\d{8}(\d{2})?", number):
        raise refusal("id_number_format", "a Hong Kong/Macao permit number is H or M and 8 digits (or 10 on old ones)")


def _taiwan_permit(number: str, today: date) -> None:
    """台湾居民来往大陆通行证: the holder's 8-digit lifelong number since 25 September 2008 (出入境管理局, "一人一号、
    终身不变"); numbers issued before carry 2 digits counting the issues and, outside Fujian, Jiangsu and Shanghai,
    the issuing office's code in brackets, e.g. 1234567801(B) (中新网, 2008-09-12)."""
    if not re.fullmatch(r"\d{8}(\d{2}(\([A-Z0-9]\))?)?", number):
        raise refusal("id_number_format", "a Taiwan permit number has 8 digits (10, maybe with a letter, on old ones)")


def _foreign_permanent_id(number: str, today: date) -> None:
    """外国人永久居留身份证. The 2017 and earlier cards: 15 characters, the nationality as 3 letters (ISO 3166-1
    alpha-3) and 12 digits. The 2023 card (国家移民管理局, 《新版外国人永久居留身份证机读信息规则》, issued from
    1 December 2023): 18 characters like a resident ID, first digit 9, birth date at positions 7–14, the GB 11643
    check character."""
    if re.fullmatch(r"[A-Z]{3}\d{12}", number):
        return
    if not re.fullmatch(r"9\d{16}[\dX]", number):
        raise refusal(
            "id_number_format",
            "a foreigner's permanent residence card number is 3 letters and 12 digits, or 18 characters starting 9",
        )
    _check_gb11643(number, today)


@dataclass(frozen=True)
class Document:
    """One document type: its format check and what of the number identifies the holder for the duplicate search."""

    check: Callable[[str, date], None]  # raises the refusal; the number is normalised already
    lifelong: Callable[[str], str] = lambda number: number  # the part that stays the same when the document is renewed


DOCUMENTS: dict[DocumentType, Document] = {
    DocumentType.resident_id: Document(_resident_id),
    DocumentType.passport: Document(_passport),  # a new passport has a new number: nothing to keep across renewals
    DocumentType.hk_macao_permit: Document(_hk_macao_permit, lambda number: number[:9]),
    DocumentType.taiwan_permit: Document(_taiwan_permit, lambda number: number[:8]),
    DocumentType.foreign_permanent_id: Document(_foreign_permanent_id),
}


def check_document(document_type: DocumentType | str, value: str, *, today: date | None = None) -> str:
    """The normalised number, or a refusal saying what does not fit the document type."""
    number = normalize_document(value)
    DOCUMENTS[DocumentType(document_type)].check(number, today or today_in_china())
    return number


def valid_resident_id(value: str, *, today: date | None = None) -> bool:
    """True for an 18-character resident ID with a real birth date and a correct check character."""
    try:
        check_document(DocumentType.resident_id, value, today=today)
    except PydanticCustomError:
        return False
    return True


def match_key(document_type: DocumentType | str, number: str) -> str:
    """What the duplicate search hashes of a normalised document number.

    A resident ID is hashed as the number alone, as it always was (the digests already stored stay valid); the other
    types carry their type, and the permits only their lifelong number.
    """
    kind = DocumentType(document_type)
    if kind is DocumentType.resident_id:
        return number
    return f"{kind.value}:{DOCUMENTS[kind].lifelong(number)}"


def is_gb11643_shaped(document_type: DocumentType | str, number: str) -> bool:
    """An 18-character number laid out like a resident ID (resident IDs and the 2023 foreigners' card)."""
    return DocumentType(document_type) in {DocumentType.resident_id, DocumentType.foreign_permanent_id} and (
        len(number) == 18
    )


def mask_document(number: str) -> str:
    """A document that is not laid out like a resident ID, masked: its leading letters (H/M, a passport's E, the
    nationality of an old foreigner's card: they say what the document is, not who holds it) and the last three
    characters; at least half of it hidden."""
    letters = re.match(r"[A-Z]{0,3}", number)
    head = letters.group(0) if letters else ""
    keep_tail = min(3, len(number) // 2)
    head = head[: max(0, len(number) // 2 - keep_tail)]
    hidden = len(number) - len(head) - keep_tail
    return head + "*" * hidden + (number[-keep_tail:] if keep_tail else "")


def mask_id_number(number: str, id_type: DocumentType | str = DocumentType.resident_id) -> str:
    """A document number as shown without a reveal (the rule table at the top): `4401**********123X` for the
    18-character numbers laid out like a resident ID, `mask_document` for the others. Normalised first, so a number
    masks the same however it was typed; "" stays ""."""
    number = normalize_document(number)
    if not number:
        return ""
    if not is_gb11643_shaped(id_type, number):
        return mask_document(number)
    return number[:4] + "*" * (len(number) - 8) + number[-4:]


# --- phones ---------------------------------------------------------------------------------------------------------

_MOBILE = re.compile(r"1[3-9]\d{9}")
_LANDLINE = re.compile(r"0\d{9,11}")  # 0, a 2- or 3-digit area code, a 7- or 8-digit number
_LOCAL = re.compile(r"[2-9]\d{6,7}")  # a landline without its area code: accepted, as it always was
_INTERNATIONAL = re.compile(r"\+[1-9]\d{6,14}")  # E.164: at most 15 digits after the +


def normalize_phone(value: str) -> str:
    """NFKC, no separators, the China country code (+86, 0086, or 86 before a mobile) taken off; another country's
    number is kept as `+` and its digits.

    After +86 a landline's area code comes without its trunk 0 (+86 20 8888 1234): the 0 is put back. ASCII numbers
    that were valid before come out exactly as before (digits only, +86 removed), so stored digests still match.
    """
    text = _PHONE_SEPARATORS.sub("", fold(value))
    if text.startswith("00"):
        text = "+" + text[2:]
    if text.startswith("+86"):
        national = text[3:]
        return national if _MOBILE.fullmatch(national) or national.startswith("0") else "0" + national
    if text.startswith("86") and len(text) == 13:  # 86 and a mobile, the + forgotten
        return text[2:]
    return text


def check_phone(value: str) -> str:
    """The normalised phone, or a refusal: a mobile (1[3-9] and 9 digits), a landline (with or without its area
    code), or a number abroad with its country code (+852 …)."""
    phone = normalize_phone(value)
    if phone.startswith("+"):
        if _INTERNATIONAL.fullmatch(phone):
            return phone
    elif _MOBILE.fullmatch(phone) or _LANDLINE.fullmatch(phone) or _LOCAL.fullmatch(phone):
        return phone
    raise refusal(
        "phone_invalid",
        "not a phone number: a mobile has 11 digits starting 13–19, a landline its area code (020 8888 1234), "
        "a number abroad its country code (+852 …)",
    )


def mask_phone(value: str) -> str:
    """A phone as shown without a reveal: `139****5678` for a mainland mobile, the last four alone for any other
    number (`******5432`, `********4567` for +852 9123 4567). Normalised first; "" stays ""."""
    phone = normalize_phone(value)
    if _MOBILE.fullmatch(phone):
        return f"{phone[:3]}****{phone[-4:]}"
    keep = 4 if len(phone) > 4 else 0  # never a whole number shown: a short one is all hidden
    return "*" * (len(phone) - keep) + phone[len(phone) - keep :]


# --- addresses and names --------------------------------------------------------------------------------------------


def mask_address(value: str) -> str:
    """The first six characters (usually the city and district: 广州市天河区****), the rest hidden; of a short
    address the first two. "" stays ""."""
    if not value:
        return value
    return value[:6] + "****" if len(value) > 6 else value[:2] + "****"


def mask_name(value: str) -> str:
    """王* for a two-character name, 李*红 and 欧**芳 for longer ones (first and last kept), * for one character."""
    if len(value) <= 1:
        return "*"
    if len(value) == 2:
        return value[0] + "*"
    return value[0] + "*" * (len(value) - 2) + value[-1]


# --- the keyed hash -------------------------------------------------------------------------------------------------


class KeyedHash:
    """HMAC-SHA256 of normalised values under one service's key: equal values match, a digest alone reveals nothing,
    and without the key nobody can test a guessed number against it.

    Each service keeps its own key (cases: `CASES_HASH_KEY` or one derived from its data key; projects:
    `PROJECTS_IDENTITY_KEY`), so a digest never links a woman across services. The message differs in one respect
    that cannot change without losing the stored digests: the cases service labels it with the field
    (`id_number:<key>`), so its ID and phone digests never collide; the projects service hashed the bare match key
    (`labelled=False`) and keeps no full numbers to hash again.
    """

    def __init__(self, key: bytes, *, labelled: bool = True) -> None:
        self._mac = hmac.new(key, digestmod=hashlib.sha256)  # keyed once; each digest works on a copy
        self._labelled = labelled

    def value(self, label: str, normalized: str) -> str:
        """The digest of an already normalised value under `label` (the field it is of)."""
        mac = self._mac.copy()
        mac.update((f"{label}:{normalized}" if self._labelled else normalized).encode())
        return mac.hexdigest()

    def document(self, id_type: DocumentType | str, number: str) -> str:
        """The digest of a document number: of its `match_key` (the resident ID itself; the type and the lifelong
        number of the others), normalised first."""
        return self.value("id_number", match_key(id_type, normalize_document(number)))
