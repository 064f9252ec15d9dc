"""factory_boy factories shared by the test suite. Append yours; keep them small."""

from __future__ import annotations

import datetime as dt

import factory
from django.contrib.auth import get_user_model

from requests.models import RequestBatch, TransferRequest
from students.models import FinalTestResult, PrimarySchool, PriorEducation, SignupGroup, Student


def bsn_from_seed(seed: int) -> str:
    """A valid BSN (eleven test) for any seed, so factories never collide."""
    base = f"{(seed * 7919 + 1) % 10**8:08d}"
    weights = (9, 8, 7, 6, 5, 4, 3, 2)
    partial = sum(int(d) * w for d, w in zip(base, weights, strict=True))
    # The last digit d must satisfy (partial - d) % 11 == 0 with 0 <= d <= 9.
    check = partial % 11
    if check == 10:
        return bsn_from_seed(seed + 100_000)
    return base + str(check)


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ("username",)

    username = factory.Sequence(lambda n: f"user{n}")
    password = factory.django.Password("secret-pass-123")


class PrimarySchoolFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PrimarySchool
        django_get_or_create = ("brin", "branch")

    brin = factory.Sequence(lambda n: f"{n % 100:02d}{chr(65 + n // 100 % 26)}B")
    branch = "00"
    name = factory.Sequence(lambda n: f"Basisschool {n}")


class SignupGroupFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = SignupGroup
        django_get_or_create = ("name", "school_year")

    name = "Groep 8 - Saenredam College"
    school_year = "2021-2022"


class StudentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Student

    student_number = factory.Sequence(lambda n: str(1000000001 + n))
    given_name = "Noor"
    prefix = "van 't"
    surname = factory.Sequence(lambda n: f"Hof{n}")
    birth_date = dt.date(2009, 5, 14)
    sex = "1"
    bsn = factory.Sequence(bsn_from_seed)
    street = "Westzijde"
    house_number = "100"
    postcode = "1506EG"
    town = "Zaandam"
    signup_group = factory.SubFactory(SignupGroupFactory)
    primary_school = factory.SubFactory(PrimarySchoolFactory)


class PriorEducationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PriorEducation

    student = factory.SubFactory(StudentFactory)
    advice_code = "40"


class RequestBatchFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = RequestBatch


class TransferRequestFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = TransferRequest

    student = factory.SubFactory(StudentFactory)


class FinalTestResultFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = FinalTestResult

    prior_education = factory.SubFactory(PriorEducationFactory)
    test_type_code = "0011"
    date = dt.date(2021, 4, 20)
    standard_score = 540
    test_advice = "havo"
