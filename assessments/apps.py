from django.apps import AppConfig


class AssessmentsConfig(AppConfig):
    name = "assessments"

    def ready(self) -> None:
        # Provide the lower layers' ports (assessments/entrypoints.py says which and why).
        from assessments import entrypoints
        from registry.ports import rescore_requested
        from shipments.ports import case_assess

        rescore_requested.provide(entrypoints.rescore_enqueue)
        case_assess.provide(entrypoints.case_assess)
