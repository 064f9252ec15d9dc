from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class StudentsConfig(AppConfig):
    name = "students"
    verbose_name = _("Students")

    def ready(self) -> None:
        # Every stored remark's code must be known before a page renders one.
        import students.dossier_uploads
        import students.services.dossier_merge.texts  # noqa: F401
        from students.audit_summaries import summaries_register

        summaries_register()
        from audit.summaries import actor_label_register
        from students.services.demo import DEMO_ACTOR

        actor_label_register(DEMO_ACTOR, _("demo data"))
