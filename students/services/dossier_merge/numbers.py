"""Student numbers for the pupils a merge creates."""

from __future__ import annotations

from django.conf import settings
from django.db.models import Max

from students.models import Student, StudentNumberCounter


def counter_lock() -> StudentNumberCounter:
    counter, _created = StudentNumberCounter.objects.select_for_update().get_or_create(pk=1)
    return counter


def numbers_allocate(counter: StudentNumberCounter, count: int) -> list[str]:
    """``count`` free student numbers at or above STUDENT_NUMBER_START (counter row locked)."""
    start = settings.STUDENT_NUMBER_START
    width = len(str(start))
    highest = Student.objects.filter(student_number__regex=rf"^[0-9]{{{width}}}$").aggregate(
        highest=Max("student_number")
    )["highest"]
    first = max(start, counter.last_number + 1, int(highest) + 1 if highest else start)
    counter.last_number = first + count - 1
    StudentNumberCounter.objects.filter(pk=counter.pk).update(last_number=counter.last_number)
    return [str(number) for number in range(first, first + count)]
