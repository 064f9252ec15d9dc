"""Typed values read from one OSO dossier: the contract between reader and merge service.

Everything here is plain data (no Django models), so the reader can be used and
tested on its own and a worker can validate a whole chunk before writing.
Empty strings stand for "not in the file"; None for an absent date or number.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date

from django.utils.translation import gettext, pgettext

from oso_format.identifiers import redact_identifiers
from oso_format.official_rules import Melding


@dataclass(frozen=True, slots=True)
class ReferenceLevel:
    code: str  # onderdeelcode or domeincode, e.g. "8001"
    name: str  # onderdeelomschrijving, e.g. "Rekenen"
    level: str  # referentieniveau code: 01 below 1F, 02 1F, 03 1S, 04 2F


@dataclass(frozen=True, slots=True)
class FinalTest:
    test_type_code: str  # toetssoort, codelist 42
    test_name: str  # toetsomschrijving ("" when absent)
    test_level: str  # toetsniveau
    date: date | None  # datum_afname
    standard_score: int | None  # standaardscore, 0-1000
    test_advice: str  # toets_advies
    reference_levels: tuple[ReferenceLevel, ...] = ()


@dataclass(frozen=True, slots=True)
class Attachment:
    filename: str
    description: str
    # Position among the dossier's <document> elements, to extract it again from raw XML.
    index: int


@dataclass(frozen=True, slots=True)
class SchoolRef:
    brin: str
    branch: str
    name: str


@dataclass(frozen=True, slots=True)
class NawValues:
    """Name, address and contact data as the dossier gives it.

    A value of None means the dossier does not supply that field (for example the
    address of an ``adresgeheim`` pupil, or a secret phone placeholder): the
    merge leaves the student's value alone. "" means the dossier says it is empty.
    """

    given_name: str | None
    prefix: str | None
    surname: str | None
    street: str | None
    house_number: str | None
    house_number_suffix: str | None
    postcode: str | None
    town: str | None
    phone: str | None
    email: str | None

    def as_dict(self) -> dict[str, str | None]:
        return {name: getattr(self, name) for name in self.__slots__}


@dataclass(frozen=True, slots=True)
class ParsedDossier:
    sha256: str
    collection_date: date  # metadata/datum
    transfer_kind: str  # metadata/overstap: POVO, POPO, VOVO
    school: SchoolRef  # huidigeschool
    # Identity
    bsn: str  # "" when the file has an onderwijsnummer
    education_number: str
    birth_date: date | None  # None when only geboortemaand is given
    first_names: str  # voornaam elements joined by spaces
    initials: str
    sex: str  # "0", "1", "2"
    naw: NawValues
    address_secret: bool  # adresgeheim: the file leaves the address out
    # Prior education (Vooropleiding)
    advice_code: str  # overstapadvies/advies, codelist 2 ("" when absent)
    parents_wish_code: str
    pupil_wish_code: str
    revised_advice_code: str  # overstapadvies/herzienadvies
    revised_advice_motivation: str  # overstapadvies/motivatie_herzienadvies
    inspection_agreed: bool | None
    inspection_disagreement_reason: str
    final_tests: tuple[FinalTest, ...]
    attachments: tuple[Attachment, ...]
    # Things the merge must mention in remarks (ignored placeholders, warnings), in Dutch.
    notices: tuple[str, ...] = field(default=())
    # Added by the reader (defaults keep older constructors working):
    transfer_type: str = ""  # dossier/overdrachtsoort, e.g. "overstapdossier"
    final_test_taken: bool | None = None  # eindtoets_basisonderwijs/deelgenomen; None: no block
    oso_version: str = "2019.1"  # the OSO dataset version, from the root namespace
    # The official stylesheet's meldingen (none is a fout here: a fout refuses the file).
    meldingen: tuple[Melding, ...] = ()
    # Every phone (e-mail) entry of the file is secret or the placeholder: naw.phone is None.
    phone_secret: bool = False
    email_secret: bool = False


@dataclass(frozen=True, slots=True)
class Phrase:
    """Part of a refusal, untranslated: a msgid (``{name}`` placeholders) and its parameters.

    It is translated and filled in when shown (``text``), so a stored reason reads in
    the page's language. ``context``: the msgid's pgettext context, if it has one.
    """

    template: str
    params: Mapping[str, str | Phrase] = field(default_factory=dict)
    context: str = ""

    def text(self) -> str:
        """The phrase in the active language."""
        translated = (
            pgettext(self.context, self.template) if self.context else gettext(self.template)
        )
        return translated.format(
            **{
                key: value.text() if isinstance(value, Phrase) else value
                for key, value in self.params.items()
            }
        )

    def masked(self) -> Phrase:
        """The same phrase with every BSN and education number in its parameters masked."""
        return Phrase(self.template, _masked(self.params), self.context)

    def as_json(self) -> dict[str, object]:
        stored: dict[str, object] = {
            "template": self.template,
            "params": {
                key: value.as_json() if isinstance(value, Phrase) else value
                for key, value in self.params.items()
            },
        }
        if self.context:
            stored["context"] = self.context
        return stored

    @classmethod
    def from_json(cls, stored: Mapping[str, object]) -> Phrase:
        params = stored.get("params")
        return cls(
            str(stored.get("template", "")),
            {
                str(key): cls.from_json(value) if isinstance(value, Mapping) else str(value)
                for key, value in (params.items() if isinstance(params, Mapping) else ())
            },
            str(stored.get("context") or ""),
        )


def _masked(params: Mapping[str, object]) -> dict[str, str | Phrase]:
    return {
        str(key): value.masked() if isinstance(value, Phrase) else redact_identifiers(str(value))
        for key, value in params.items()
    }


class DossierError(Exception):
    """The dossier cannot be used. ``message`` is one Dutch sentence naming the field.

    The message may quote a value from the file (a code not in its codelist, a
    value the XSD refuses), and a file may carry a pupil's BSN in any element:
    every BSN and education number in it is masked here, once for every caller
    (request errors, archive remarks, pages, exports, command output).

    ``template`` and ``params``: the untranslated sentence (its msgid, with
    ``{name}`` placeholders) and the text of each placeholder, masked like the
    message, so that a stored reason can be shown again in any language
    (``gettext(template).format(**params)``). An error made from plain text has
    no template ("").

    ``meldingen``: the official stylesheet's meldingen, when it ran before the refusal.
    """

    def __init__(
        self,
        message: str,
        *,
        meldingen: tuple[Melding, ...] = (),
        official: bool = False,
        template: str = "",
        params: Mapping[str, object] | None = None,
    ) -> None:
        message = redact_identifiers(message)
        super().__init__(message)
        self.message = message
        self.meldingen = meldingen
        # True when the official stylesheet's *fout* meldingen are the reason.
        self.official = official
        self.template = template
        self.params = _masked(params or {})

    @classmethod
    def of(cls, template: str, /, **params: object) -> DossierError:
        """The error of a msgid (mark it with gettext_noop) and its parameters.

        A parameter is text, or a Phrase translated with the sentence. The message is
        the sentence in the active language, filled in.
        """
        phrase = Phrase(
            template,
            {
                key: value if isinstance(value, Phrase) else str(value)
                for key, value in params.items()
            },
        )
        return cls(phrase.text(), template=template, params=phrase.params)

    @property
    def phrase(self) -> Phrase | None:
        """The refusal as an untranslated phrase (masked); None for an error of plain text."""
        return Phrase(self.template, self.params) if self.template else None

    def with_meldingen(self, meldingen: tuple[Melding, ...]) -> DossierError:
        """The same refusal, with the official stylesheet's meldingen attached."""
        return DossierError(
            self.message,
            meldingen=meldingen,
            official=self.official,
            template=self.template,
            params=self.params,
        )
