from django.conf import settings


def test_pytest_runs_in_test_mode_without_any_environment_variable():
    assert settings.OSO_PORTAL_ENV == "test"
    assert settings.DEMO_LOGIN_ENABLED is False
