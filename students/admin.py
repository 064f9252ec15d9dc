"""Admin for the students app: correct NAW data, read the dossier archive, edit codelists.

Thin by design: a changed NAW field goes through the corrections service, other
changes and deletions of a student through the students services (which put them
on record), the dossier diff comes from the selectors; nothing here decides
business rules.

The dossier archive never shows a full BSN or education number, not even to
users with ``students.reveal_bsn``: the XML and the diff are masked, and the full
number is shown by the audited reveal on the student page (and on the student's
change form, for those allowed, which is audited as a reveal too).
"""

from __future__ import annotations

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.helpers import ActionForm
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Count
from django.http import Http404
from django.template.response import TemplateResponse
from django.urls import NoReverseMatch, path, reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from audit.services import actor_for, bsn_reveal
from common.admin_return import ReturnToPortalAdminMixin
from common.security import redact_identifiers
from students.models import (
    NAW_FIELDS,
    PRIOR_EDUCATION_FIELDS,
    CodelistEntry,
    FinalTestResult,
    NawCorrection,
    PrimarySchool,
    PriorEducation,
    ReceivedDossier,
    SignupGroup,
    Student,
)
from students.selectors.dossiers import dossier_diff, dossier_pretty_xml, student_dossiers
from students.services.corrections import (
    naw_column,
    naw_correction_record,
    naw_correction_release,
    naw_value_clean,
)
from students.services.prior_education import prior_education_delete, prior_education_save
from students.services.signups import students_move_to_group
from students.services.students import student_save, students_delete

REVEAL_BSN = "students.reveal_bsn"


@admin.register(PrimarySchool)
class PrimarySchoolAdmin(admin.ModelAdmin):
    list_display = ("name", "brin", "branch")
    search_fields = ("name", "brin")
    list_filter = ("branch",)
    ordering = ("name",)


@admin.register(SignupGroup)
class SignupGroupAdmin(admin.ModelAdmin):
    list_display = ("name", "school_year", "student_count", "created_at")
    list_filter = ("school_year",)
    search_fields = ("name",)
    readonly_fields = ("created_at",)

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(student_total=Count("students"))

    @admin.display(description=_("students"), ordering="student_total")
    def student_count(self, group: SignupGroup) -> int:
        return group.student_total  # type: ignore[attr-defined]


@admin.register(CodelistEntry)
class CodelistEntryAdmin(admin.ModelAdmin):
    list_display = ("codelist", "code", "label", "provisional")
    list_display_links = ("code",)
    list_editable = ("label", "provisional")
    list_filter = ("codelist", "provisional")
    search_fields = ("code", "label")
    ordering = ("codelist", "code")


# --- Students -----------------------------------------------------------------------


class StudentAdminForm(forms.ModelForm):
    """Checks a changed NAW field the way the corrections service will store it."""

    class Meta:
        model = Student
        # The admin narrows this down with its fieldsets (BSN only for those allowed).
        fields = (
            "student_number",
            "first_names",
            "initials",
            "birth_date",
            "sex",
            "bsn",
            "education_number",
            *NAW_FIELDS,
            "signup_group",
            "primary_school",
            "elk_status",
            "elk_status_date",
            "elk_dot",
        )

    def clean(self):
        cleaned = super().clean()
        if self.instance.pk is None:
            return cleaned
        for name in NAW_FIELDS:
            if name in self.changed_data and name in cleaned:
                try:
                    cleaned[name] = naw_value_clean(field=name, value=cleaned[name] or "")
                except ValidationError as error:
                    self.add_error(name, error)
        return cleaned


class PriorEducationInline(admin.StackedInline):
    model = PriorEducation
    can_delete = False
    extra = 0
    readonly_fields = PRIOR_EDUCATION_FIELDS
    fields = readonly_fields

    def has_add_permission(self, request, obj=None) -> bool:
        return False


class NawCorrectionInline(admin.TabularInline):
    model = NawCorrection
    extra = 0
    can_delete = False
    fields = readonly_fields = ("field", "value", "corrected_by", "corrected_at")

    def has_add_permission(self, request, obj=None) -> bool:
        return False


class ReceivedDossierInline(admin.TabularInline):
    model = ReceivedDossier
    extra = 0
    can_delete = False
    show_change_link = True
    fields = readonly_fields = (
        "received_at",
        "collection_date",
        "outcome",
        "source_name",
        "received_by",
    )
    ordering = ("-received_at", "-pk")

    def get_queryset(self, request):
        return super().get_queryset(request).defer("raw_xml")

    def has_add_permission(self, request, obj=None) -> bool:
        return False


class StudentActionForm(ActionForm):
    """The action bar, with the group that *Move to signup group* moves the selection to."""

    target_group = forms.ModelChoiceField(
        queryset=SignupGroup.objects.all(), required=False, label=_("to signup group")
    )


@admin.register(Student)
class StudentAdmin(ReturnToPortalAdminMixin, admin.ModelAdmin):
    form = StudentAdminForm
    action_form = StudentActionForm
    actions = ("move_to_group",)
    list_display = (
        "student_number",
        "given_name",
        "prefix",
        "surname",
        "birth_date",
        "masked_bsn",
        "signup_group",
        "primary_school",
        "elk_status",
    )
    list_display_links = ("student_number", "surname")
    list_filter = ("signup_group__school_year", "signup_group", "sex", "elk_status", "elk_dot")
    # No BSN here: a search term ends up in the URL.
    search_fields = ("student_number", "surname", "given_name", "postcode", "town")
    list_select_related = ("signup_group", "primary_school")
    autocomplete_fields = ("primary_school",)
    readonly_fields = (
        "masked_bsn",
        "masked_education_number",
        "corrected_fields",
        "dossier_values",
        "created_at",
        "updated_at",
    )
    inlines = (PriorEducationInline, NawCorrectionInline, ReceivedDossierInline)

    def get_fieldsets(self, request, obj=None):
        identity = ["student_number", "first_names", "initials", "birth_date", "sex"]
        if request.user.has_perm(REVEAL_BSN):
            identity += ["bsn", "education_number"]
        else:
            identity += ["masked_bsn", "masked_education_number"]
        return [
            (None, {"fields": identity}),
            (
                _("NAW data (a change is kept as a local correction)"),
                {"fields": [*NAW_FIELDS, "corrected_fields"]},
            ),
            (
                _("School"),
                {
                    "fields": [
                        "signup_group",
                        "primary_school",
                        "elk_status",
                        "elk_status_date",
                        "elk_dot",
                    ]
                },
            ),
            (
                _("Audit"),
                {
                    "classes": ["collapse"],
                    "fields": ["dossier_values", "created_at", "updated_at"],
                },
            ),
        ]

    def get_readonly_fields(self, request, obj=None):
        fields = list(super().get_readonly_fields(request, obj))
        if obj is not None:
            # The student number identifies the student everywhere; a new one gets it here.
            fields.append("student_number")
        return fields

    @admin.display(description=_("citizen service number"))
    def masked_bsn(self, student: Student) -> str:
        return student.bsn_masked or "-"

    @admin.display(description=_("education number"))
    def masked_education_number(self, student: Student) -> str:
        return student.education_number_masked or "-"

    @admin.display(description=_("corrected locally"))
    def corrected_fields(self, student: Student) -> str:
        if student.pk is None:
            return "-"
        names = [str(naw_column(c.field).verbose_name) for c in student.corrections.all()]
        return ", ".join(names) or "-"

    def change_view(self, request, object_id, form_url="", extra_context=None):
        """Showing the full BSN on the form is a reveal: it goes on record like one."""
        if request.method == "GET" and request.user.has_perm(REVEAL_BSN):
            student = self.get_object(request, object_id)
            if student is not None and self.has_view_or_change_permission(request, student):
                bsn_reveal(student=student, user=request.user)
        return super().change_view(request, object_id, form_url, extra_context)

    def save_model(self, request, obj, form, change):
        """A changed NAW field of an existing student becomes a local correction.

        Every other change (and a new student) is saved and put on record by
        ``student_save``; the corrections record themselves.
        """
        actor = actor_for(request.user)
        corrected = [name for name in NAW_FIELDS if name in form.changed_data] if change else []
        others = [name for name in form.changed_data if name not in corrected]
        with transaction.atomic():
            for name in corrected:
                # Save the other fields first with the old NAW values; the service
                # then sets each corrected value and records who and when.
                setattr(obj, name, form.initial.get(name) or "")
            student_save(student=obj, changed_fields=others, user=actor, created=not change)
            for name in corrected:
                naw_correction_record(
                    student=obj,
                    field=name,
                    value=form.cleaned_data.get(name) or "",
                    user=actor,
                )

    def delete_model(self, request, obj):
        students_delete(student_ids=[obj.pk], user=actor_for(request.user))

    def delete_queryset(self, request, queryset):
        students_delete(
            student_ids=list(queryset.values_list("pk", flat=True)), user=actor_for(request.user)
        )

    @admin.action(description=_("Move to signup group"), permissions=["change"])
    def move_to_group(self, request, queryset) -> None:
        # Only the group field: the action field's choices are set by the changelist.
        field = StudentActionForm.base_fields["target_group"]
        try:
            group = field.clean(request.POST.get("target_group") or None)
        except ValidationError:
            group = None
        if group is None:
            self.message_user(request, _("Choose the signup group to move to."), messages.ERROR)
            return
        moved = students_move_to_group(
            student_ids=list(queryset.values_list("pk", flat=True)),
            signup_group=group,
            user=actor_for(request.user),
        )
        self.message_user(
            request,
            ngettext(
                "%(count)d student moved to %(group)s.",
                "%(count)d students moved to %(group)s.",
                moved,
            )
            % {"count": moved, "group": group},
            messages.SUCCESS,
        )


class AuditedCardAdmin(admin.ModelAdmin):
    """Edits and deletions of the Vooropleiding card and its final tests go on record."""

    def save_model(self, request, obj, form, change):
        prior_education_save(
            record=obj,
            changed_fields=form.changed_data,
            user=actor_for(request.user),
            created=not change,
        )

    def delete_model(self, request, obj):
        prior_education_delete(records=[obj], user=actor_for(request.user))

    def delete_queryset(self, request, queryset):
        prior_education_delete(records=queryset, user=actor_for(request.user))


@admin.register(PriorEducation)
class PriorEducationAdmin(AuditedCardAdmin):
    list_display = (
        "student",
        "primary_school",
        "advice_code",
        "revised_advice_code",
        "last_dossier_date",
    )
    list_filter = ("advice_code", "revised_advice_code", "inspection_agreed")
    search_fields = ("student__student_number", "student__surname", "primary_school__name")
    list_select_related = ("student", "primary_school")
    raw_id_fields = ("student", "last_dossier")
    readonly_fields = ("last_dossier_date", "last_dossier", "updated_at")
    date_hierarchy = "last_dossier_date"


@admin.register(FinalTestResult)
class FinalTestResultAdmin(AuditedCardAdmin):
    list_display = ("prior_education", "test_type_code", "test_name", "date", "standard_score")
    list_filter = ("test_type_code", "date")
    search_fields = (
        "prior_education__student__student_number",
        "prior_education__student__surname",
        "test_name",
    )
    list_select_related = ("prior_education__student",)
    raw_id_fields = ("prior_education",)


@admin.register(NawCorrection)
class NawCorrectionAdmin(admin.ModelAdmin):
    """The list of local corrections; releasing one goes through the service."""

    list_display = ("student", "field", "value", "corrected_by", "corrected_at")
    list_filter = ("field", "corrected_at")
    search_fields = ("student__student_number", "student__surname", "corrected_by", "value")
    list_select_related = ("student",)
    readonly_fields = ("student", "field", "value", "corrected_by", "corrected_at")
    actions = ("release_corrections",)

    def has_add_permission(self, request) -> bool:
        return False  # corrections are made on the student

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False  # use the release action: it restores the dossier's value

    @admin.action(
        description=_("Release selected corrections (the fields follow the dossiers again)"),
        permissions=["release"],
    )
    def release_corrections(self, request, queryset):
        released = 0
        for correction in queryset.select_related("student"):
            naw_correction_release(
                student=correction.student,
                field=correction.field,
                user=request.user.get_username(),
            )
            released += 1
        self.message_user(
            request,
            _("%(count)d correction(s) released.") % {"count": released},
            messages.SUCCESS,
        )

    def has_release_permission(self, request) -> bool:
        return request.user.has_perm("students.change_student")


@admin.register(ReceivedDossier)
class ReceivedDossierAdmin(admin.ModelAdmin):
    """The archive of every dossier received: read-only, with a diff between versions."""

    list_display = (
        "received_at",
        "student",
        "source",
        "collection_date",
        "outcome",
        "received_by",
    )
    list_filter = ("outcome", "received_at", "collection_date")
    search_fields = ("source_name", "sha256", "student__student_number", "student__surname")
    list_select_related = ("student",)
    date_hierarchy = "received_at"
    fields = readonly_fields = (
        "student",
        "source",
        "received_at",
        "received_by",
        "collection_date",
        "outcome",
        "remark_list",
        "melding_list",
        "changed_fields_text",
        "attachment_list",
        "sha256",
        "compare_link",
        "pretty_xml",
    )

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        if request.resolver_match and request.resolver_match.url_name.endswith("changelist"):
            queryset = queryset.defer("raw_xml")
        return queryset

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    class Media:
        css = {"all": ["css/admin-diff.css"]}

    @admin.display(description=_("file name"), ordering="source_name")
    def source(self, dossier: ReceivedDossier) -> str:
        return redact_identifiers(dossier.source_name) or "-"

    @admin.display(description=_("remarks"))
    def remark_list(self, dossier: ReceivedDossier) -> str:
        return redact_identifiers("\n".join(dossier.remark_texts)) or "-"

    @admin.display(description=_("changed fields"))
    def changed_fields_text(self, dossier: ReceivedDossier) -> str:
        return dossier.changed_fields_text or "-"

    @admin.display(description=_("official OSO messages"))
    def melding_list(self, dossier: ReceivedDossier) -> str:
        lines = (
            f"{item.get('severity', '')} {item.get('location', '')}: {item.get('text', '')}"
            for item in dossier.meldingen
        )
        return "\n".join(lines) or "-"

    @admin.display(description=_("attachments"))
    def attachment_list(self, dossier: ReceivedDossier) -> str:
        names = ", ".join(item.get("filename", "") for item in dossier.attachments)
        return redact_identifiers(names) or "-"

    @admin.display(description=_("XML"))
    def pretty_xml(self, dossier: ReceivedDossier) -> str:
        note = str(_("The citizen service number and education number are masked."))
        student = dossier.student
        reveal_url = None
        if student is not None:
            try:
                reveal_url = reverse("students:detail", args=[student.student_number])
            except NoReverseMatch:  # an URLconf without the staff pages
                reveal_url = None
        if reveal_url:
            note = format_html(
                '{} <a href="{}">{}</a>',
                note,
                reveal_url,
                _("A full number is shown on the student page, to those allowed."),
            )
        return format_html(
            '<p class="dossier-xml-note">{}</p><pre class="dossier-xml">{}</pre>',
            note,
            dossier_pretty_xml(dossier.raw_xml),
        )

    @admin.display(description=_("compare"))
    def compare_link(self, dossier: ReceivedDossier) -> str:
        if dossier.student_id is None:
            return "-"
        url = reverse("admin:students_receiveddossier_diff", args=[dossier.pk])
        return format_html('<a href="{}">{}</a>', url, _("Compare with another version"))

    def get_urls(self):
        return [
            path(
                "<int:pk>/diff/",
                self.admin_site.admin_view(self.diff_view),
                name="students_receiveddossier_diff",
            ),
            *super().get_urls(),
        ]

    def diff_view(self, request, pk: int):
        """Pick another version of the same student's dossier and show the differences."""
        if not self.has_view_permission(request):
            raise PermissionDenied
        dossier = ReceivedDossier.objects.select_related("student").filter(pk=pk).first()
        if dossier is None or dossier.student is None:
            raise Http404
        versions = [v for v in student_dossiers(student=dossier.student) if v.pk != dossier.pk]
        other = None
        other_id = request.GET.get("other", "")
        if other_id.isdigit():
            other = ReceivedDossier.objects.filter(
                pk=int(other_id), student=dossier.student
            ).first()
        lines = []
        older = newer = None
        if other is not None:
            older, newer = sorted(
                (dossier, other),
                key=lambda d: (d.collection_date is None, d.collection_date, d.received_at, d.pk),
            )
            lines = dossier_diff(older=older, newer=newer)
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": _("Compare dossier versions"),
            "dossier": dossier,
            "versions": versions,
            "other": other,
            "older": older,
            "newer": newer,
            "lines": lines,
        }
        return TemplateResponse(request, "admin/students/receiveddossier/diff.html", context)
