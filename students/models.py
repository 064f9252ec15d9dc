"""Students and their prior-education record (Vooropleiding), as merged from OSO dossiers.

Writes go through the services in ``students/services/``; nothing here has
business logic in ``save()``.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from common.security import redact_identifiers
from portal_text import render_all
from students.validators import (
    display_postcode,
    validate_bsn,
    validate_education_number,
    validate_school_year,
)


class PrimarySchool(models.Model):
    brin = models.CharField(_("BRIN"), max_length=4)
    branch = models.CharField(_("branch"), max_length=2, blank=True, default="")
    name = models.CharField(_("name"), max_length=200)

    class Meta:
        verbose_name = _("primary school")
        verbose_name_plural = _("primary schools")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["brin", "branch"], name="primaryschool_brin_branch")
        ]

    def __str__(self) -> str:
        return self.name


class SignupGroup(models.Model):
    name = models.CharField(_("name"), max_length=200)
    school_year = models.CharField(
        _("school year"), max_length=9, validators=[validate_school_year]
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("signup group")
        verbose_name_plural = _("signup groups")
        ordering = ["-school_year", "name"]
        constraints = [
            models.UniqueConstraint(fields=["name", "school_year"], name="signupgroup_name_year")
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.school_year})"


class Codelist(models.TextChoices):
    ADVICE = "advice", _("school advice (codelist 2)")
    TEST_TYPE = "test_type", _("final test type (codelist 42)")
    REFERENCE_LEVEL = "reference_level", _("reference level")
    TEST_LEVEL = "test_level", _("final test level (codelist 43)")


class CodelistEntry(models.Model):
    """One code of an OSO codelist. Staff edit the labels in the admin."""

    codelist = models.CharField(_("codelist"), max_length=20, choices=Codelist.choices)
    code = models.CharField(_("code"), max_length=10)
    label = models.CharField(_("label"), max_length=200)
    # The official labels are not public in the OSO files; seeded ones say so.
    provisional = models.BooleanField(_("provisional label"), default=False)

    class Meta:
        verbose_name = _("codelist entry")
        verbose_name_plural = _("codelist entries")
        ordering = ["codelist", "code"]
        constraints = [
            models.UniqueConstraint(fields=["codelist", "code"], name="codelistentry_code")
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.label}"


class Sex(models.TextChoices):
    UNKNOWN = "0", _("unknown")
    FEMALE = "1", _("female")
    MALE = "2", _("male")


class ElkStatus(models.TextChoices):
    NONE = "", _("not placed")
    PLACED = "geplaatst", _("Placed")
    PLACED_GUIDED = "geplaatst_doorbegeleid", _("Placed, guided on")
    # ELK withdrew the placement (it left the feed): the school stops asking for the file.
    WITHDRAWN = "teruggetrokken", _("Placement withdrawn")


class ElkDot(models.TextChoices):
    NONE = "", _("none")
    GREEN = "green", _("green: file fetched")
    BLUE = "blue", _("blue: new data at the primary school")


# The NAW fields that staff may correct locally and that a dossier may update.
NAW_FIELDS: tuple[str, ...] = (
    "given_name",
    "prefix",
    "surname",
    "street",
    "house_number",
    "house_number_suffix",
    "postcode",
    "town",
    "phone",
    "email",
)


class SignupSource(models.TextChoices):
    FORM = "form", _("signup form")
    FILE = "file", _("signup list (page)")
    COMMAND = "command", _("signup list (command)")
    ELK = "elk", _("ELK placement")


class SignupImportStatus(models.TextChoices):
    PREVIEW = "preview", _("preview")
    IMPORTED = "imported", _("imported")
    DISCARDED = "discarded", _("discarded")
    UNDONE = "undone", _("undone")


class SignupImport(models.Model):
    """One way in of signed-up pupils: a form, a signup list, a command run or a feed read.

    Its signups can be undone together while no file has arrived for them. A list
    uploaded on the page waits here (``raw``) between the preview and the import;
    the file is dropped once it has been imported or discarded.
    """

    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    created_by = models.CharField(_("created by"), max_length=150, blank=True, default="")
    source = models.CharField(_("source"), max_length=10, choices=SignupSource.choices)
    status = models.CharField(
        _("status"),
        max_length=10,
        choices=SignupImportStatus.choices,
        default=SignupImportStatus.IMPORTED,
    )
    file_name = models.CharField(_("file name"), max_length=255, blank=True, default="")
    raw = models.BinaryField(_("uploaded file"), null=True, blank=True, editable=False)
    signup_group = models.ForeignKey(
        SignupGroup,
        verbose_name=_("signup group"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="signup_imports",
    )
    signed_up = models.PositiveIntegerField(_("signed up"), default=0)
    already_signed_up = models.PositiveIntegerField(_("already signed up"), default=0)
    refused = models.PositiveIntegerField(_("refused rows"), default=0)
    undone_at = models.DateTimeField(_("undone at"), null=True, blank=True)
    undone_by = models.CharField(_("undone by"), max_length=150, blank=True, default="")
    undone_count = models.PositiveIntegerField(_("signups undone"), default=0)

    class Meta:
        verbose_name = _("signup import")
        verbose_name_plural = _("signup imports")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"#{self.pk} {self.get_source_display()} {self.file_name}".strip()


class Student(models.Model):
    student_number = models.CharField(_("student number"), max_length=10, unique=True)
    given_name = models.CharField(_("given name"), max_length=100, blank=True, default="")
    first_names = models.CharField(_("first names"), max_length=200, blank=True, default="")
    initials = models.CharField(_("initials"), max_length=30, blank=True, default="")
    prefix = models.CharField(_("prefix"), max_length=30, blank=True, default="")
    surname = models.CharField(_("surname"), max_length=200)
    birth_date = models.DateField(_("birth date"), null=True, blank=True)
    sex = models.CharField(_("sex"), max_length=1, choices=Sex.choices, default=Sex.UNKNOWN)
    bsn = models.CharField(
        _("citizen service number"),
        max_length=9,
        blank=True,
        default="",
        validators=[validate_bsn],
        db_index=True,
    )
    education_number = models.CharField(
        _("education number"),
        max_length=9,
        blank=True,
        default="",
        validators=[validate_education_number],
        db_index=True,
    )
    street = models.CharField(_("street"), max_length=200, blank=True, default="")
    house_number = models.CharField(_("house number"), max_length=10, blank=True, default="")
    house_number_suffix = models.CharField(
        _("house number suffix"), max_length=10, blank=True, default=""
    )
    # Stored without a space: 1501AB.
    postcode = models.CharField(_("postcode"), max_length=6, blank=True, default="")
    town = models.CharField(_("town"), max_length=100, blank=True, default="")
    phone = models.CharField(_("phone"), max_length=30, blank=True, default="")
    email = models.EmailField(_("e-mail"), blank=True, default="")
    # The last file applied keeps these secret (adresgeheim, or only secret/placeholder
    # entries): the card says so. A value stored before is kept, never overwritten.
    address_secret = models.BooleanField(_("address secret"), default=False)
    phone_secret = models.BooleanField(_("phone secret"), default=False)
    email_secret = models.BooleanField(_("e-mail secret"), default=False)
    signup_group = models.ForeignKey(
        SignupGroup,
        verbose_name=_("signup group"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="students",
    )
    primary_school = models.ForeignKey(
        PrimarySchool,
        verbose_name=_("primary school"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="students",
    )
    # The way in that signed the pupil up (None: the pupil came in with a file).
    signup_import = models.ForeignKey(
        SignupImport,
        verbose_name=_("signup import"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="students",
    )
    elk_status = models.CharField(
        _("ELK status"), max_length=30, choices=ElkStatus.choices, blank=True, default=""
    )
    elk_status_date = models.DateField(_("ELK status date"), null=True, blank=True)
    elk_dot = models.CharField(
        _("ELK dot"), max_length=10, choices=ElkDot.choices, blank=True, default=""
    )
    elk_changed_at = models.DateTimeField(_("ELK changed at"), null=True, blank=True)
    # The NAW values exactly as in the last dossier applied (before the first
    # dossier: as the signup gave them). Requests to the
    # endpoint identify the pupil with these (never with a local correction),
    # and releasing a correction restores the field from here.
    dossier_values = models.JSONField(_("values from the last dossier"), default=dict, blank=True)
    # The identity exactly as in the last dossier applied: {"bsn", "education_number",
    # "birth_date" (ISO)}. Requests send these (the source knows nothing of an edit
    # made here), and the answer to a request matches on them too. Kept apart from
    # dossier_values, which the admin shows to staff who may not see a full BSN.
    dossier_identity = models.JSONField(
        _("identity from the last dossier"), default=dict, blank=True
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("student")
        verbose_name_plural = _("students")
        ordering = ["student_number"]
        permissions = [
            ("use_portal", _("Can use OSO Portal")),
            ("reveal_bsn", _("Can reveal a full citizen service number")),
            # The zip of OSO files holds full BSNs: for those who hand the files on.
            ("export_dossiers", _("Can export the OSO files of a group (full BSNs)")),
        ]
        indexes = [
            models.Index(fields=["surname"], name="student_surname"),
            models.Index(fields=["birth_date"], name="student_birth_date"),
        ]

    def __str__(self) -> str:
        return f"{self.student_number} {self.full_name}"

    @property
    def full_name(self) -> str:
        return " ".join(part for part in (self.given_name, self.prefix, self.surname) if part)

    @property
    def bsn_masked(self) -> str | None:
        return mask_identifier(self.bsn)

    @property
    def education_number_masked(self) -> str | None:
        return mask_identifier(self.education_number)

    @property
    def postcode_display(self) -> str:
        """The postcode as people write it, "1506 EG" (it is stored as "1506EG")."""
        return display_postcode(self.postcode)


def mask_identifier(value: str) -> str | None:
    """Show only the last four digits of a BSN or education number: *****6782."""
    if not value:
        return None
    return "*" * (len(value) - 4) + value[-4:]


class PriorEducation(models.Model):
    """The Vooropleiding card: one per student; the primary school is the source of truth."""

    student = models.OneToOneField(
        Student,
        verbose_name=_("student"),
        on_delete=models.CASCADE,
        related_name="prior_education",
    )
    primary_school = models.ForeignKey(
        PrimarySchool,
        verbose_name=_("primary school"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    advice_code = models.CharField(_("school advice"), max_length=2, blank=True, default="")
    parents_wish_code = models.CharField(_("parents' wish"), max_length=2, blank=True, default="")
    pupil_wish_code = models.CharField(_("pupil's wish"), max_length=2, blank=True, default="")
    revised_advice_code = models.CharField(
        _("revised advice"), max_length=2, blank=True, default=""
    )
    revised_advice_motivation = models.TextField(
        _("revised advice motivation"), blank=True, default=""
    )
    # Parents' inspection (inzage): None when the file says nothing.
    inspection_agreed = models.BooleanField(_("parents agreed"), null=True, blank=True)
    inspection_disagreement_reason = models.TextField(
        _("reason parents did not agree"), blank=True, default=""
    )
    last_dossier_date = models.DateField(_("collection date of the last dossier"), null=True)
    last_dossier = models.ForeignKey(
        "students.ReceivedDossier",
        verbose_name=_("last dossier applied"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("prior education")
        verbose_name_plural = _("prior education")

    def __str__(self) -> str:
        return str(self.student)


# The PriorEducation fields a merge writes and the admin shows (read-only): all but the key.
PRIOR_EDUCATION_FIELDS: tuple[str, ...] = (
    "primary_school",
    "advice_code",
    "parents_wish_code",
    "pupil_wish_code",
    "revised_advice_code",
    "revised_advice_motivation",
    "inspection_agreed",
    "inspection_disagreement_reason",
    "last_dossier_date",
    "last_dossier",
    "updated_at",
)


class FinalTestResult(models.Model):
    prior_education = models.ForeignKey(
        PriorEducation,
        verbose_name=_("prior education"),
        on_delete=models.CASCADE,
        related_name="final_tests",
    )
    test_type_code = models.CharField(_("test type"), max_length=4)
    test_name = models.CharField(_("test name"), max_length=200, blank=True, default="")
    test_level = models.CharField(_("test level"), max_length=10, blank=True, default="")
    date = models.DateField(_("date taken"), null=True, blank=True)
    standard_score = models.PositiveIntegerField(_("standard score"), null=True, blank=True)
    test_advice = models.CharField(_("test advice"), max_length=200, blank=True, default="")
    # [{"code": "8001", "name": "Rekenen", "level": "04"}, ...]; domains flattened in.
    reference_levels = models.JSONField(_("reference levels"), default=list, blank=True)

    class Meta:
        verbose_name = _("final test result")
        verbose_name_plural = _("final test results")
        ordering = ["date", "test_type_code"]

    def __str__(self) -> str:
        return f"{self.test_name or self.test_type_code} {self.date or ''}".strip()


class NawCorrection(models.Model):
    """A field that staff corrected locally; dossiers leave it alone until it is released."""

    student = models.ForeignKey(
        Student, verbose_name=_("student"), on_delete=models.CASCADE, related_name="corrections"
    )
    field = models.CharField(
        _("field"), max_length=30, choices=[(name, name) for name in NAW_FIELDS]
    )
    value = models.CharField(_("value"), max_length=254, blank=True, default="")
    corrected_by = models.CharField(_("corrected by"), max_length=150)
    corrected_at = models.DateTimeField(_("corrected at"))

    class Meta:
        verbose_name = _("NAW correction")
        verbose_name_plural = _("NAW corrections")
        ordering = ["student", "field"]
        constraints = [
            models.UniqueConstraint(fields=["student", "field"], name="nawcorrection_field")
        ]

    def __str__(self) -> str:
        return f"{self.student.student_number} {self.field}"


class DossierOutcome(models.TextChoices):
    CREATED = "created", _("New student created")
    PROCESSED = "processed", _("Processed")
    PROCESSED_WITH_REMARKS = "processed_with_remarks", _("Processed with remarks")
    NOT_CHANGED = "not_changed", _("Student info not changed")
    FAILED = "failed", _("Failed")


class ChangedField(models.TextChoices):
    """What a file applied changed, as staff name it; recorded beside the outcome."""

    NAME = "name", _("name")
    ADDRESS = "address", _("address")
    PHONE = "phone", _("phone")
    EMAIL = "email", _("e-mail")
    BIRTH_DATE = "birth_date", _("birth date")
    SEX = "sex", _("sex")
    IDENTITY = "identity", _("citizen service number/education number")
    PRIMARY_SCHOOL = "primary_school", _("primary school")
    ADVICE = "advice", _("school advice")
    WISHES = "wishes", _("wishes")
    REVISED_ADVICE = "revised_advice", _("revised advice")
    INSPECTION = "inspection", _("parents' inspection")
    FINAL_TEST = "final_test", _("final test")


def changed_fields_text(keys: list[str] | tuple[str, ...] | None) -> str:
    """The changed fields in the active language: "adres, telefoon, eindtoets"."""
    labels = dict(ChangedField.choices)
    return ", ".join(str(labels.get(key, key)) for key in keys or ())


class ReceivedDossier(models.Model):
    """Every dossier received, kept whole so that any two versions can be compared."""

    student = models.ForeignKey(
        Student,
        verbose_name=_("student"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="dossiers",
    )
    raw_xml = models.TextField(_("raw XML"))
    sha256 = models.CharField(_("SHA-256"), max_length=64, db_index=True)
    received_at = models.DateTimeField(_("received at"), auto_now_add=True)
    collection_date = models.DateField(_("collection date"), null=True, blank=True)
    outcome = models.CharField(_("outcome"), max_length=30, choices=DossierOutcome.choices)
    # [{"code": ..., "params": {...}}]: rendered in the reader's language (portal_text).
    remarks = models.JSONField(_("remarks"), default=list, blank=True)
    # The official stylesheet's meldingen, in its own words, with the portal's class:
    # [{"location": "/dossier[1]/huidigeschool[1]", "text": "...", "severity": "fout"}].
    meldingen = models.JSONField(_("official OSO messages"), default=list, blank=True)
    # The ChangedField keys this file changed when it was applied; information, not a remark.
    changed_fields = models.JSONField(_("changed fields"), default=list, blank=True)
    # [{"filename": "cet_uitslag.png", "description": "..."}]; the content stays in raw_xml.
    attachments = models.JSONField(_("attachments"), default=list, blank=True)
    source_name = models.CharField(_("file name"), max_length=255, blank=True, default="")
    received_by = models.CharField(_("received by"), max_length=150, blank=True, default="")

    class Meta:
        verbose_name = _("received dossier")
        verbose_name_plural = _("received dossiers")
        ordering = ["-received_at"]
        indexes = [models.Index(fields=["student", "-received_at"], name="dossier_student")]

    def __str__(self) -> str:
        return f"{self.source_label} ({self.get_outcome_display()})"

    @property
    def remark_texts(self) -> list[str]:
        """The remarks in the active language."""
        return render_all(self.remarks)

    @property
    def changed_fields_text(self) -> str:
        return changed_fields_text(self.changed_fields)

    @property
    def source_label(self) -> str:
        """The file name (a BSN in it masked), else the start of the hash."""
        return redact_identifiers(self.source_name) or self.sha256[:12]


class StudentNumberCounter(models.Model):
    """One row, locked while new student numbers are handed out.

    Merging workers that create students take this row lock first, so two of
    them never pick the same number or create the same pupil twice.
    ``last_number`` is the highest number handed out by the merge service.
    """

    last_number = models.BigIntegerField(_("last student number"), default=0)

    class Meta:
        verbose_name = _("student number counter")
        verbose_name_plural = _("student number counter")

    def __str__(self) -> str:
        return str(self.last_number)
