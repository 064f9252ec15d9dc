"""Staff pages about signed-up pupils that send nothing: edit a signup, move pupils to a group.

(Signing up and the first requests are pages of the requests app, which sends them.)
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponseRedirect, QueryDict
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views import View

from common import page_text
from common import page_text as text
from common.access import PortalAccessMixin
from common.page_text import HAS_FILE_MESSAGE
from students.models import Student
from students.services.signups import signup_update, signups_without_file, students_move_to_group
from students.signup_forms import MoveToGroupForm, SignupFieldsForm
from students.views import StudentSearch


class SignupEditView(PortalAccessMixin, View):
    """*Aanmelding wijzigen*: what the next request identifies a pupil without a file by."""

    template_name = "students/signup_edit.html"

    def get(self, request, student_number: str):
        student = self._student(student_number)
        if student is None:
            return redirect("students:detail", student_number=student_number)
        initial = {
            "bsn": student.bsn,
            "education_number": student.education_number,
            "birth_date": student.birth_date.strftime("%d-%m-%Y") if student.birth_date else "",
            "given_name": (student.dossier_values or {}).get("given_name", student.given_name),
            "prefix": (student.dossier_values or {}).get("prefix", student.prefix),
            "surname": (student.dossier_values or {}).get("surname", student.surname),
            "primary_school_brin": student.primary_school.brin if student.primary_school else "",
            "branch": student.primary_school.branch if student.primary_school else "",
        }
        return self.render(request, student, SignupFieldsForm(initial=initial))

    def post(self, request, student_number: str):
        student = self._student(student_number)
        if student is None:
            return redirect("students:detail", student_number=student_number)
        form = SignupFieldsForm(request.POST)
        if not form.is_valid():
            return self.render(request, student, form)
        signup = form.signup
        changes = {
            "bsn": signup.bsn,
            "education_number": signup.education_number,
            "birth_date": signup.birth_date,
            "given_name": signup.given_name,
            "prefix": signup.prefix,
            "surname": signup.surname,
            "primary_school_brin": signup.primary_school_brin,
            "branch": signup.branch,
        }
        try:
            signup_update(student=student, changes=changes, user=request.user.get_username())
        except ValidationError as error:
            form.add_error(None, error)
            return self.render(request, student, form)
        messages.success(request, text.SIGNUP_CHANGED)
        return redirect("students:detail", student_number=student.student_number)

    def _student(self, student_number: str) -> Student | None:
        student = get_object_or_404(
            Student.objects.select_related("primary_school"), student_number=student_number
        )
        if not signups_without_file(Student.objects.filter(pk=student.pk)).exists():
            messages.error(self.request, HAS_FILE_MESSAGE)
            return None
        return student

    def render(self, request, student, form):
        return render(
            request, self.template_name, {"nav": "search", "student": student, "form": form}
        )


class MoveToGroupView(PortalAccessMixin, View):
    """The search page's action: move the checked rows (or every result) to another group."""

    def post(self, request):
        back = request.POST.get("query", "")
        form = MoveToGroupForm(request.POST)
        if not form.is_valid():
            messages.error(request, " ".join(form.errors.get("target_group", [])))
            return HttpResponseRedirect(f"{reverse('students:search')}?{back}")
        if request.POST.get("select_all") == "1":
            search = StudentSearch.from_params(request, QueryDict(back))
            if not search.is_bound or not search.filterset.is_valid():
                messages.error(request, page_text.SEARCH_INVALID)
                return redirect("students:search")
            student_ids = list(search.results().order_by().values_list("pk", flat=True))
        else:
            student_ids = [int(v) for v in request.POST.getlist("student_ids") if v.isdigit()]
        if not student_ids:
            messages.error(request, page_text.NOTHING_SELECTED)
            return HttpResponseRedirect(f"{reverse('students:search')}?{back}")
        group = form.cleaned_data["target_group"]
        moved = students_move_to_group(
            student_ids=student_ids, signup_group=group, user=request.user.get_username()
        )
        messages.success(request, text.MOVED % {"count": moved, "group": group})
        return HttpResponseRedirect(f"{reverse('students:search')}?{back}")
